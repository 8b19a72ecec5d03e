/**
 * Runs every rule over every stack of a workspace and applies the suppressions declared in
 * the environment config. Pure: the workspace and environments come in, a report goes out.
 */
import type { EnvironmentConfig } from "../../environments/schema";
import { checkovCoverage, type CheckovCoverage } from "./coverage";
import type { SynthesizedStack } from "./model";
import type { ControlMapping, Rule, RuleContext, Severity } from "./rule";
import { RULES } from "./rules";
import type { Workspace } from "./workspace";

/** Reported when a suppression matches nothing: stale suppressions hide future violations. */
export const UNUSED_SUPPRESSION_RULE = "POL-1";

export interface Violation {
  readonly rule: string;
  readonly severity: Severity;
  readonly title: string;
  /** Stack id, or null for a problem in the environment config itself. */
  readonly stack: string | null;
  readonly environment: string | null;
  /** Terraform address inside the stack (or `<file>: policySuppressions[i]`). */
  readonly resource: string;
  /** Construct path inside the stack, when known. */
  readonly path?: string;
  readonly message: string;
  readonly fix: string;
  readonly controls: ControlMapping;
}

export interface SuppressedViolation extends Violation {
  readonly reason: string;
  /** `environments/prod.ts: policySuppressions[0]`. */
  readonly suppressedBy: string;
}

export type RuleStatus = "passed" | "failed" | "not-applicable" | "skipped";

export interface RuleResult {
  readonly rule: string;
  readonly status: RuleStatus;
  /** Why the rule was skipped or did not apply. */
  readonly reason?: string;
  /** Resources inspected (checked rules only). */
  readonly checked?: number;
  readonly violations: number;
  readonly suppressed: number;
}

export interface StackReport {
  readonly id: string;
  readonly dir: string;
  readonly environment: string | null;
  readonly results: readonly RuleResult[];
}

export interface SuppressionReport {
  readonly environment: string;
  /** `environments/prod.ts: policySuppressions[0]`. */
  readonly source: string;
  readonly rule: string;
  readonly resource: string;
  readonly stack?: string;
  readonly reason: string;
  readonly matched: number;
}

export interface RuleInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly controls: ControlMapping;
  readonly fix: string;
}

export interface PolicyReport {
  /** False when any unsuppressed error-level violation remains. */
  readonly ok: boolean;
  readonly dirs: readonly string[];
  readonly rules: readonly RuleInfo[];
  readonly stacks: readonly StackReport[];
  readonly violations: readonly Violation[];
  readonly suppressed: readonly SuppressedViolation[];
  readonly suppressions: readonly SuppressionReport[];
  /** The checkov checks the rules of this run enforce (by rule) and those the workspace waives (with why). */
  readonly coverage: { readonly checkov: CheckovCoverage & { readonly counts: { readonly covered: number; readonly waived: number } } };
  readonly summary: {
    readonly stacks: number;
    readonly errors: number;
    readonly warnings: number;
    readonly suppressed: number;
    readonly skipped: number;
  };
}

/**
 * The environment a stack belongs to: the one whose `<name>-` prefixes the stack id (the
 * longest, should names share a prefix). Stacks of no environment (e.g. a state bootstrap
 * stack) get only the environment-independent checks and no suppressions.
 */
export function environmentOfStack(stackId: string, environments: readonly EnvironmentConfig[]): EnvironmentConfig | undefined {
  return environments
    .filter((env) => stackId.startsWith(`${env.name}-`))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

export function environmentFile(env: Pick<EnvironmentConfig, "name">): string {
  return `environments/${env.name}.ts`;
}

export function runPolicy(
  workspace: Workspace,
  environments: readonly EnvironmentConfig[],
  options: {
    readonly rules?: readonly Rule[];
    readonly dirs?: readonly string[];
    /** The day rules with dates (runtime deprecation) judge against. @default now */
    readonly now?: Date;
  } = {},
): PolicyReport {
  const rules = options.rules ?? RULES;
  const now = options.now ?? new Date();
  const environmentOf = (stack: SynthesizedStack) => environmentOfStack(stack.id, environments);
  const uses = new Map<string, number>();
  const violations: Violation[] = [];
  const suppressed: SuppressedViolation[] = [];

  const stacks = workspace.stacks.map((stack): StackReport => {
    const env = environmentOf(stack);
    const context: RuleContext = { stack, workspace, env, environments, environmentOf, now };
    const results = rules.map((rule): RuleResult => {
      const outcome = rule.check(context);
      if (outcome.kind !== "checked") return { rule: rule.id, status: outcome.kind, reason: outcome.reason, violations: 0, suppressed: 0 };
      let open = 0;
      let quiet = 0;
      for (const finding of dedupe(outcome.findings)) {
        const violation: Violation = {
          rule: rule.id,
          severity: rule.severity,
          title: rule.title,
          stack: stack.id,
          environment: env?.name ?? null,
          resource: finding.resource,
          path: stack.find(finding.resource)?.path,
          message: finding.message,
          fix: finding.fix ?? rule.fix,
          controls: rule.controls,
        };
        const match = env ? findSuppression(env, stack, violation) : undefined;
        if (match) {
          uses.set(match.source, (uses.get(match.source) ?? 0) + 1);
          suppressed.push({ ...violation, reason: match.reason, suppressedBy: match.source });
          quiet++;
        } else {
          violations.push(violation);
          open++;
        }
      }
      return { rule: rule.id, status: open > 0 ? "failed" : "passed", checked: outcome.checked, violations: open, suppressed: quiet };
    });
    return { id: stack.id, dir: stack.dir, environment: env?.name ?? null, results };
  });

  const suppressions = suppressionReports(workspace, environments, uses);
  violations.push(...unusedSuppressions(suppressions, new Set(rules.map((r) => r.id))));
  const errors = violations.filter((v) => v.severity === "error").length;
  const checkov = checkovCoverage(rules);
  return {
    ok: errors === 0,
    dirs: options.dirs ?? [...new Set(workspace.stacks.map((s) => s.dir))],
    rules: rules.map(({ id, severity, title, controls, fix }) => ({ id, severity, title, controls, fix })),
    stacks,
    violations,
    suppressed,
    suppressions,
    coverage: { checkov: { ...checkov, counts: { covered: Object.keys(checkov.covered).length, waived: Object.keys(checkov.waived).length } } },
    summary: {
      stacks: stacks.length,
      errors,
      warnings: violations.length - errors,
      suppressed: suppressed.length,
      skipped: stacks.reduce((n, s) => n + s.results.filter((r) => r.status === "skipped").length, 0),
    },
  };
}

function findSuppression(env: EnvironmentConfig, stack: SynthesizedStack, violation: Violation) {
  const kind = stack.id.slice(env.name.length + 1);
  const index = env.policySuppressions.findIndex(
    (s) =>
      s.rule === violation.rule &&
      (s.resource === violation.resource || (violation.path !== undefined && s.resource === violation.path)) &&
      (s.stack === undefined || s.stack === kind),
  );
  if (index === -1) return undefined;
  return { source: `${environmentFile(env)}: policySuppressions[${index}]`, reason: env.policySuppressions[index].reason };
}

/** Suppressions of the environments that have stacks in this run, with how often each matched. */
function suppressionReports(
  workspace: Workspace,
  environments: readonly EnvironmentConfig[],
  uses: ReadonlyMap<string, number>,
): SuppressionReport[] {
  const scanned = new Set(workspace.stacks.map((s) => environmentOfStack(s.id, environments)?.name));
  return environments
    .filter((env) => scanned.has(env.name))
    .flatMap((env) =>
      env.policySuppressions.map((s, index) => {
        const source = `${environmentFile(env)}: policySuppressions[${index}]`;
        return { environment: env.name, source, rule: s.rule, resource: s.resource, stack: s.stack, reason: s.reason, matched: uses.get(source) ?? 0 };
      }),
    );
}

/**
 * Suppressions that matched nothing, among those of rules that ran (a run of some rules
 * cannot tell whether the others' suppressions are stale). Unknown rule ids never get
 * here: the environment schema rejects them.
 */
function unusedSuppressions(suppressions: readonly SuppressionReport[], ran: ReadonlySet<string>): Violation[] {
  return suppressions
    .filter((s) => s.matched === 0 && ran.has(s.rule))
    .map(
      (s) =>
        ({
          rule: UNUSED_SUPPRESSION_RULE,
          severity: "warning",
          title: "Every policy suppression matches a violation",
          stack: null,
          environment: s.environment,
          resource: s.source,
          message: `suppresses ${s.rule} on ${s.resource}${s.stack ? ` in the ${s.stack} stack` : ""}, but no such violation exists`,
          fix: "Remove the suppression, or correct its resource (use the Terraform address or construct path the report prints).",
          controls: {},
        }) satisfies Violation,
    );
}

function dedupe<T extends { resource: string; message: string }>(findings: readonly T[]): T[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.resource}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
