/**
 * Pure: turns parsed plans into one review — per-stack counts and change lists, protected
 * destruction, the exit verdict — in a deterministic order. Nothing here reads files,
 * the environment or the clock, and no attribute value is ever copied into the review: it
 * holds addresses, types, actions, reasons and paths only, so no renderer can leak a
 * sensitive value.
 */
import { STACK_KINDS } from "../../lib/naming";
import type { DriftChangeJson, OutputChangeJson, ParsedPlan, ResourceChangeJson } from "./parse";

/** What happens to one resource instance. A replace that keeps the old object is still a replace. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "read" | "no-op" | "forget";

/** How a replace happens, from the order of its actions. */
export type ReplaceOrder = "delete-then-create" | "create-then-delete" | "create-then-forget";

/**
 * Types whose deletion loses data or breaks traffic; `--protect-types` replaces this list.
 * Not aws_acm_certificate: a change of domain names replaces the certificate routinely
 * (in CloudFront's own state, so it moves first); its deletion is a warning instead.
 */
export const DEFAULT_PROTECTED_TYPES = [
  "aws_dynamodb_table",
  "aws_s3_bucket",
  "aws_route53_zone",
  "aws_route53_record",
  "aws_cloudfront_distribution",
  "aws_kms_key",
  "aws_cloudwatch_log_group",
] as const;

/** The stack column for ids that do not end in a known stack kind. */
export const UNKNOWN_STACK = "-";

export interface Counts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  read: number;
  noOp: number;
  forget: number;
  import: number;
  move: number;
  drift: number;
}

export const COUNT_COLUMNS: readonly { readonly key: keyof Counts; readonly label: string }[] = [
  { key: "create", label: "create" },
  { key: "update", label: "update" },
  { key: "replace", label: "replace" },
  { key: "delete", label: "delete" },
  { key: "read", label: "read" },
  { key: "noOp", label: "no-op" },
  { key: "forget", label: "forget" },
  { key: "import", label: "import" },
  { key: "move", label: "move" },
  { key: "drift", label: "drift" },
];

export interface ResourceChangeSummary {
  readonly address: string;
  readonly type: string;
  readonly mode: string;
  readonly kind: ChangeKind;
  readonly replaceOrder?: ReplaceOrder;
  /** True when an existing remote object is destroyed (delete, or a replace that deletes). */
  readonly destroys: boolean;
  readonly reason?: string;
  /** Attribute paths that force the replace, e.g. `tags.Name`, `ingress[0].cidr_blocks`. */
  readonly replacePaths: readonly string[];
  readonly importing: boolean;
  /** Set when the resource moved (`moved` block or count/for_each change). */
  readonly previousAddress?: string;
  /** Key of a deposed object (left over from a create-before-destroy replace). */
  readonly deposed?: string;
}

export interface DriftSummary {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly reason?: string;
  readonly deposed?: string;
}

export interface OutputChangeSummary {
  readonly name: string;
  readonly kind: ChangeKind;
  /** The output is (partly) sensitive. Values are never part of the review either way. */
  readonly sensitive: boolean;
}

export interface StackSummary {
  readonly id: string;
  readonly env: string;
  readonly stack: string;
  readonly source: string;
  readonly formatVersion?: string;
  readonly terraformVersion?: string;
  /** Things a reviewer must know about the plan itself (errored, incomplete). */
  readonly notes: readonly string[];
  /**
   * Why this plan cannot vouch for what an apply would destroy, if it cannot: Terraform
   * stopped with errors (`errored`), or put changes off to a later round (`deferred_changes`).
   * The gate fails closed on such a plan (exit 1).
   */
  readonly unreviewable?: string;
  readonly counts: Counts;
  /** Every resource change except plain no-ops (moved or imported no-ops stay), in address order. */
  readonly changes: readonly ResourceChangeSummary[];
  readonly drift: readonly DriftSummary[];
  /** Every output change, no-ops included, in name order. */
  readonly outputs: readonly OutputChangeSummary[];
}

export interface ProtectedDestruction {
  readonly stackId: string;
  readonly env: string;
  readonly stack: string;
  readonly change: ResourceChangeSummary;
  /** In a protected environment: fails the check unless `--allow-destroy`. */
  readonly blocking: boolean;
}

/** A deletion that does not block but that a reviewer should read, with why. */
export interface Warning {
  readonly stackId: string;
  readonly env: string;
  readonly stack: string;
  readonly change: ResourceChangeSummary;
  readonly message: string;
}

/** Resource types whose deletion is always a warning (whatever `--protect-types` says). */
export const WARNED_TYPES = ["aws_acm_certificate"] as const;

export interface ReviewOptions {
  /** Environments whose protected destruction fails the check. */
  readonly protectEnvs: readonly string[];
  readonly protectTypes: readonly string[];
  readonly allowDestroy: boolean;
  /** Environment display order (pipeline order); others follow alphabetically. */
  readonly envOrder: readonly string[];
}

export interface Review {
  readonly stacks: readonly StackSummary[];
  readonly totals: Counts;
  /** Blocking entries first, then environment, stack and address order. */
  readonly protectedDestruction: readonly ProtectedDestruction[];
  /** Deletions of WARNED_TYPES, in stack and address order; they never change the exit code. */
  readonly warnings: readonly Warning[];
  readonly blockingCount: number;
  /** Stacks whose plan cannot vouch for what an apply would destroy (StackSummary.unreviewable). */
  readonly unreviewable: readonly StackSummary[];
  /** 1: a plan cannot be reviewed (fails closed, --allow-destroy or not); 2: blocking destruction. */
  readonly exitCode: 0 | 1 | 2;
  readonly options: ReviewOptions;
}

/** A plan and the stack it belongs to. */
export interface StackPlan {
  readonly stackId: string;
  readonly parsed: ParsedPlan;
}

/**
 * Splits `<env>-<kind>` at the last hyphen that precedes a known stack kind, so hyphenated
 * environment names work (`eu-prod-app` → `eu-prod` / `app`). Other shapes keep the whole
 * id as the environment and `-` as the stack.
 */
export function parseStackId(id: string): { readonly env: string; readonly stack: string } {
  for (const kind of STACK_KINDS) {
    const suffix = `-${kind}`;
    if (id.length > suffix.length && id.endsWith(suffix)) return { env: id.slice(0, -suffix.length), stack: kind };
  }
  return { env: id, stack: UNKNOWN_STACK };
}

/** Classifies one `change.actions` list (validated by parse.ts). */
export function classifyActions(actions: readonly string[]): { kind: ChangeKind; replaceOrder?: ReplaceOrder } {
  switch (actions.join(",")) {
    case "create":
      return { kind: "create" };
    case "update":
      return { kind: "update" };
    case "delete":
      return { kind: "delete" };
    case "read":
      return { kind: "read" };
    case "no-op":
      return { kind: "no-op" };
    case "forget":
      return { kind: "forget" };
    case "delete,create":
      return { kind: "replace", replaceOrder: "delete-then-create" };
    case "create,delete":
      return { kind: "replace", replaceOrder: "create-then-delete" };
    case "create,forget":
      return { kind: "replace", replaceOrder: "create-then-forget" };
    default:
      throw new Error(`unclassified actions ${JSON.stringify(actions)} (parse.ts should have rejected them)`);
  }
}

function destroysExisting(kind: ChangeKind, replaceOrder: ReplaceOrder | undefined): boolean {
  return kind === "delete" || replaceOrder === "delete-then-create" || replaceOrder === "create-then-delete";
}

export function summarizeResourceChange(rc: ResourceChangeJson): ResourceChangeSummary {
  const { kind, replaceOrder } = classifyActions(rc.change.actions);
  const moved = rc.previous_address !== undefined && rc.previous_address !== rc.address;
  // Optional fields are set to undefined rather than spread in: 20,000 of these per plan.
  return {
    address: rc.address,
    type: rc.type ?? typeFromAddress(rc.address),
    mode: rc.mode ?? (rc.address.startsWith("data.") || rc.address.includes(".data.") ? "data" : "managed"),
    kind,
    replaceOrder,
    destroys: destroysExisting(kind, replaceOrder),
    reason: rc.action_reason || undefined,
    replacePaths: rc.change.replace_paths ? rc.change.replace_paths.map(formatAttributePath) : NO_PATHS,
    importing: rc.change.importing !== undefined && rc.change.importing !== null,
    previousAddress: moved ? rc.previous_address : undefined,
    deposed: rc.deposed || undefined,
  };
}

const NO_PATHS: readonly string[] = [];

export function summarizeStack(stackId: string, parsed: ParsedPlan): StackSummary {
  const { env, stack } = parseStackId(stackId);
  const { plan } = parsed;
  const counts = emptyCounts();
  const changes: ResourceChangeSummary[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const change = summarizeResourceChange(rc);
    countChange(counts, change);
    if (change.kind !== "no-op" || change.importing || change.previousAddress !== undefined) changes.push(change);
  }
  changes.sort(compareChanges);

  const drift = (plan.resource_drift ?? []).map(summarizeDrift).sort(compareChanges);
  counts.drift = drift.length;

  const outputs = Object.entries(plan.output_changes ?? {})
    .map(([name, change]) => summarizeOutput(name, change))
    .sort((a, b) => compareStrings(a.name, b.name));

  const notes: string[] = [];
  if (plan.errored === true) notes.push("Terraform reported errors while planning (`errored`): this plan is incomplete.");
  if (plan.complete === false) notes.push("The plan is not complete (`complete: false`): another plan/apply round is needed.");
  if (plan.applyable === false && plan.errored !== true) notes.push("Terraform marked this plan as not applyable.");

  const deferred = plan.deferred_changes?.length ?? 0;
  const unreviewable =
    plan.errored === true
      ? "Terraform stopped with errors while planning (`errored: true`), so the plan may not hold every change"
      : deferred > 0
        ? `Terraform deferred ${deferred} change${deferred === 1 ? "" : "s"} to a later plan round (\`deferred_changes\`), which this plan does not show`
        : undefined;

  return {
    id: stackId,
    env,
    stack,
    source: parsed.file,
    ...(unreviewable !== undefined ? { unreviewable } : {}),
    ...(plan.format_version !== undefined ? { formatVersion: plan.format_version } : {}),
    ...(plan.terraform_version !== undefined ? { terraformVersion: plan.terraform_version } : {}),
    notes,
    counts,
    changes,
    drift,
    outputs,
  };
}

/** Builds the whole review: stacks in environment/stack order, protected destruction, verdict. */
export function summarize(plans: readonly StackPlan[], options: ReviewOptions): Review {
  const envRank = rankEnvironments(options.envOrder);
  const stacks = plans
    .map((p) => summarizeStack(p.stackId, p.parsed))
    .sort((a, b) => compareStacks(a, b, envRank));

  const protectedTypes = new Set(options.protectTypes);
  const protectedEnvs = new Set(options.protectEnvs);
  const protectedDestruction: ProtectedDestruction[] = [];
  for (const s of stacks) {
    for (const change of s.changes) {
      if (change.destroys && change.mode === "managed" && protectedTypes.has(change.type)) {
        protectedDestruction.push({
          stackId: s.id,
          env: s.env,
          stack: s.stack,
          change,
          blocking: protectedEnvs.has(s.env),
        });
      }
    }
  }
  // Stable sort: within each group the stack and address order above is kept.
  protectedDestruction.sort((a, b) => Number(b.blocking) - Number(a.blocking));

  const blockingCount = protectedDestruction.filter((p) => p.blocking).length;
  const unreviewable = stacks.filter((s) => s.unreviewable !== undefined);
  return {
    stacks,
    totals: sumCounts(stacks.map((s) => s.counts)),
    protectedDestruction,
    warnings: stacks.flatMap(certificateWarnings),
    blockingCount,
    unreviewable,
    exitCode: unreviewable.length > 0 ? 1 : blockingCount > 0 && !options.allowDestroy ? 2 : 0,
    options,
  };
}

/**
 * A deleted ACM certificate fails the apply while anything still uses it: ACM answers
 * ResourceInUseException and the provider retries for 20 minutes. Replaced create-before-
 * destroy in the stack that also updates CloudFront, it is deleted after CloudFront moved to
 * the new one (the distribution stack's design); anywhere else someone must check first.
 */
function certificateWarnings(s: StackSummary): Warning[] {
  const cloudFrontMoves = s.changes.some((c) => c.type === "aws_cloudfront_distribution" && (c.kind === "update" || c.kind === "replace"));
  return s.changes
    .filter((c) => c.destroys && c.mode === "managed" && (WARNED_TYPES as readonly string[]).includes(c.type))
    .map((change) => ({
      stackId: s.id,
      env: s.env,
      stack: s.stack,
      change,
      message:
        change.replaceOrder === "create-then-delete" && cloudFrontMoves
          ? "replaced create-before-destroy while CloudFront in this stack is updated: Terraform moves CloudFront to the new certificate, then deletes this one. Anything else still using it (another distribution, a load balancer) makes the delete fail after 20 minutes (ResourceInUseException)."
          : "deleted without a CloudFront update in the same stack: if anything still uses it (CloudFront in another stack, a load balancer), ACM refuses the delete (ResourceInUseException) and the apply fails after 20 minutes. Check first that nothing uses it.",
    }));
}

export function emptyCounts(): Counts {
  return { create: 0, update: 0, replace: 0, delete: 0, read: 0, noOp: 0, forget: 0, import: 0, move: 0, drift: 0 };
}

function countChange(counts: Counts, change: ResourceChangeSummary): void {
  if (change.kind === "no-op") counts.noOp++;
  else counts[change.kind]++;
  if (change.importing) counts.import++;
  if (change.previousAddress !== undefined) counts.move++;
}

function sumCounts(all: readonly Counts[]): Counts {
  const total = emptyCounts();
  for (const counts of all) for (const { key } of COUNT_COLUMNS) total[key] += counts[key];
  return total;
}

function summarizeDrift(entry: DriftChangeJson): DriftSummary {
  const { kind } = classifyActions(entry.change.actions);
  const address = entry.address ?? addressFromParts(entry);
  return {
    address,
    type: entry.type ?? typeFromAddress(address),
    kind,
    ...(entry.action_reason ? { reason: entry.action_reason } : {}),
    ...(entry.deposed ? { deposed: entry.deposed } : {}),
  };
}

function summarizeOutput(name: string, change: OutputChangeJson): OutputChangeSummary {
  return {
    name,
    kind: classifyActions(change.actions).kind,
    sensitive: containsTrue(change.before_sensitive) || containsTrue(change.after_sensitive),
  };
}

/** `*_sensitive` is `true` or a structure with `true` at the sensitive leaves. */
function containsTrue(value: unknown): boolean {
  if (value === true) return true;
  if (value === null || typeof value !== "object") return false;
  return Object.values(value).some(containsTrue);
}

/** Rebuilds an address from the parts older Terraform versions write in drift entries. */
function addressFromParts(entry: DriftChangeJson): string {
  if (!entry.type || !entry.name) return "(address not given)";
  const index =
    entry.index === undefined || entry.index === null
      ? ""
      : typeof entry.index === "number"
        ? `[${entry.index}]`
        : `[${JSON.stringify(entry.index)}]`;
  const local = `${entry.mode === "data" ? "data." : ""}${entry.type}.${entry.name}${index}`;
  return entry.module_address ? `${entry.module_address}.${local}` : local;
}

/** `module.x["k"].aws_s3_bucket.b[0]` → `aws_s3_bucket`, for excerpts that omit `type`. */
function typeFromAddress(address: string): string {
  const parts = address.replace(/\[[^\]]*\]/g, "").split(".");
  const i = parts[0] === "data" ? 1 : parts.length >= 2 ? parts.length - 2 : 0;
  return parts[i] ?? address;
}

/** Renders a `replace_paths` entry: `["tags","Name"]` → `tags.Name`, `["rule",0,"cidr"]` → `rule[0].cidr`. */
export function formatAttributePath(steps: readonly (string | number)[]): string {
  return steps
    .map((step, i) => {
      if (typeof step === "number") return `[${step}]`;
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)) return i === 0 ? step : `.${step}`;
      return `[${JSON.stringify(step)}]`;
    })
    .join("");
}

function rankEnvironments(order: readonly string[]): Map<string, number> {
  return new Map(order.map((env, i) => [env, i]));
}

type StackParts = { readonly id: string; readonly env: string; readonly stack: string };

/** Environments in `envOrder` (others after, by name), then dns, app, distribution (others last), then id. */
function compareStacks(a: StackParts, b: StackParts, envRank: ReadonlyMap<string, number>): number {
  const ra = envRank.get(a.env) ?? Number.MAX_SAFE_INTEGER;
  const rb = envRank.get(b.env) ?? Number.MAX_SAFE_INTEGER;
  return ra - rb || compareStrings(a.env, b.env) || stackRank(a.stack) - stackRank(b.stack) || compareStrings(a.id, b.id);
}

/** Orders stack ids like the report orders its stacks (compareStacks). */
export function stackIdComparator(envOrder: readonly string[]): (a: string, b: string) => number {
  const envRank = rankEnvironments(envOrder);
  return (a, b) => compareStacks({ id: a, ...parseStackId(a) }, { id: b, ...parseStackId(b) }, envRank);
}

function stackRank(stack: string): number {
  const i = (STACK_KINDS as readonly string[]).indexOf(stack);
  return i === -1 ? STACK_KINDS.length : i;
}

function compareChanges(
  a: { readonly address: string; readonly deposed?: string },
  b: { readonly address: string; readonly deposed?: string },
): number {
  return compareStrings(a.address, b.address) || compareStrings(a.deposed ?? "", b.deposed ?? "");
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
