/**
 * Reads `terraform show -json` plan files, and refuses what it cannot fully read: the gate
 * must never pass a file because it did not understand it.
 *
 * Lenient with Terraform's output where the format says so (unknown keys are ignored, optional
 * sections may be missing, drift entries may lack an address) and strict everywhere else:
 * every byte must be valid JSON, the file must be a plan (planned_values) or an excerpt of one
 * (resource_changes entries), not a state or unrelated JSON; an unknown major
 * `format_version`, an action list outside the documented set, before/after values that
 * contradict the actions, or an address that disagrees with its type, mode or name is an
 * error naming the file, the field and what is allowed.
 *
 * Attribute values (`before`, `after`, …) are never built: only their kind (object, null, …)
 * is kept, so no value can reach the report or an error message.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { z } from "zod";
import { describeValue, errorMessage, UserError } from "../../lib/errors";
import { planProblems } from "./plan-checks";
import {
  describeSkeletonError,
  each,
  extractSkeleton,
  extractSkeletonFromFile,
  keep,
  kindOf,
  MAX_DEPTH,
  SHAPE,
  SkeletonError,
  type KeepSpec,
} from "../shared/json-skeleton";

/**
 * Action lists Terraform writes (`change.actions`): the set documented in the JSON Output
 * Format's change representation (https://developer.hashicorp.com/terraform/internals/json-format)
 * plus `forget` and `create,forget` (`removed` blocks with `destroy = false`), which
 * Terraform's jsonplan package lists since 1.7. Anything else is refused.
 */
export const KNOWN_ACTIONS: readonly (readonly string[])[] = [
  ["no-op"],
  ["create"],
  ["read"],
  ["update"],
  ["delete"],
  ["delete", "create"],
  ["create", "delete"],
  ["forget"],
  ["create", "forget"],
];

/** The only actions an output change can have (same document, `output_changes`; no-op is written too). */
export const OUTPUT_ACTIONS: readonly (readonly string[])[] = [["no-op"], ["create"], ["update"], ["delete"]];

/** Plan `format_version` majors this reader understands. */
export const SUPPORTED_FORMAT_MAJORS = [0, 1] as const;

/**
 * Largest plan file read. Streaming needs little memory at any size, but an error message
 * locates its line by reading the file whole; 256 MiB is five times the 20,000-resource plan
 * of the benchmark.
 */
export const MAX_PLAN_BYTES = 256 * 1024 * 1024;

function actionsSchema(known: readonly (readonly string[])[]) {
  const keys = new Set(known.map((a) => a.join(",")));
  return z.array(z.string()).superRefine((actions, ctx) => {
    if (!keys.has(actions.join(","))) {
      ctx.addIssue(`unknown action combination ${describeValue(actions)}; known: ${known.map((a) => JSON.stringify(a)).join(" ")}`);
    }
  });
}

const PathStepSchema = z.union([z.string(), z.number()]);

/** An object; the scanner keeps only `{}` of it (SHAPE), so nothing inside is ever built. */
const ObjectShape = z.object({});

const ChangeSchema = z.object({
  actions: actionsSchema(KNOWN_ACTIONS),
  /** Present (an object) when the resource is being imported; its content is not used. */
  importing: z.unknown().optional(),
  replace_paths: z.array(z.array(PathStepSchema)).optional(),
  /** Only the kind of each value is kept (`{}`, `null`, `true`, …): plan-checks.ts compares them with the actions. */
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
});

const ResourceChangeSchema = z.object({
  address: z.string(),
  previous_address: z.string().optional(),
  module_address: z.string().optional(),
  mode: z.string().optional(),
  type: z.string().optional(),
  name: z.string().optional(),
  /** The instance key (JSON Output Format): a number with count, a string with for_each. */
  index: z.union([z.string(), z.number()], { error: "must be a number or a string (the instance key), or null" }).nullable().optional(),
  deposed: z.string().optional(),
  action_reason: z.string().optional(),
  change: ChangeSchema,
});

/** Drift entries from older Terraform versions may have no address: it is rebuilt from parts. */
const DriftChangeSchema = ResourceChangeSchema.extend({ address: z.string().optional() });

const OutputChangeSchema = z.object({
  actions: actionsSchema(OUTPUT_ACTIONS),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
});

const PlanSchema = z.object({
  format_version: z.string().optional(),
  terraform_version: z.string().optional(),
  errored: z.boolean().optional(),
  complete: z.boolean().optional(),
  applyable: z.boolean().optional(),
  planned_values: ObjectShape.optional(),
  prior_state: ObjectShape.optional(),
  configuration: ObjectShape.optional(),
  variables: ObjectShape.optional(),
  resource_changes: z.array(ResourceChangeSchema).nullable().optional(),
  /**
   * Changes Terraform put off to a later plan round (deferred actions, Terraform 1.9+ with
   * -allow-deferral). Only how many there are is read: a plan with any is not reviewed.
   */
  deferred_changes: z.array(z.unknown()).nullable().optional(),
  resource_drift: z.array(DriftChangeSchema).nullable().optional(),
  output_changes: z.record(z.string(), OutputChangeSchema).nullable().optional(),
  /** What a state has instead of planned_values, kept only to say "this is a state". */
  values: z.unknown().optional(),
  lineage: z.unknown().optional(),
  serial: z.unknown().optional(),
});

export type PlanJson = z.infer<typeof PlanSchema>;
export type ResourceChangeJson = z.infer<typeof ResourceChangeSchema>;
export type DriftChangeJson = z.infer<typeof DriftChangeSchema>;
export type OutputChangeJson = z.infer<typeof OutputChangeSchema>;
export type ChangeJson = z.infer<typeof ChangeSchema>;

/** A validated plan and the file it came from. */
export interface ParsedPlan {
  readonly file: string;
  readonly plan: PlanJson;
}

/** The keys plan-review reads; of the values it keeps only their kind; everything else is validated and skipped. */
const CHANGE_KEEP: KeepSpec = keep({
  actions: true,
  importing: true,
  replace_paths: true,
  before: SHAPE,
  after: SHAPE,
  after_unknown: SHAPE,
});
const RESOURCE_KEEP: KeepSpec = keep({
  address: true,
  previous_address: true,
  module_address: true,
  mode: true,
  type: true,
  name: true,
  index: true,
  deposed: true,
  action_reason: true,
  change: CHANGE_KEEP,
});
export const PLAN_KEEP: KeepSpec = keep({
  format_version: true,
  terraform_version: true,
  errored: true,
  complete: true,
  applyable: true,
  planned_values: SHAPE,
  prior_state: SHAPE,
  configuration: SHAPE,
  variables: SHAPE,
  resource_changes: each(RESOURCE_KEEP),
  resource_drift: each(RESOURCE_KEEP),
  deferred_changes: each(SHAPE),
  output_changes: each(
    keep({ actions: true, before: SHAPE, after: SHAPE, after_unknown: SHAPE, before_sensitive: true, after_sensitive: true }),
  ),
  values: SHAPE,
  lineage: SHAPE,
  serial: SHAPE,
});

/**
 * Parses a plan file's bytes: UTF-8 with or without a BOM, UTF-16 LE/BE with a BOM (as
 * PowerShell's `>` writes) or without one (recognised by JSON's ASCII first character).
 * All of it is validated as JSON; only the parts the review uses are built (json-skeleton.ts).
 */
export function parsePlanBytes(bytes: Uint8Array, file: string): ParsedPlan {
  checkSize(bytes.length, file);
  const utf8 = toUtf8Bytes(bytes, file);
  return parseSkeleton(() => extractSkeleton(utf8, PLAN_KEEP), () => utf8, file);
}

/** Parses a plan's text (tests and callers that already hold it as a string); a leading BOM is dropped like a file's. */
export function parsePlanText(text: string, file: string): ParsedPlan {
  return parsePlanBytes(Buffer.from(text), file);
}

/** Reads and parses one plan file, streaming it when it is UTF-8 (see json-skeleton.ts). */
export function readPlanFile(file: string): ParsedPlan {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw cannotRead(file, error);
  }
  try {
    checkSize(fstatSync(fd).size, file);
    // A directory opens, and fails this first read with EISDIR (read(2)), which cannotRead names.
    const head = Buffer.alloc(3);
    const encoding = encodingOf(head.subarray(0, readSync(fd, head, 0, 3, 0)));
    if (encoding.utf16) return parsePlanBytes(readFileSync(file), file);
    return parseSkeleton(
      () => extractSkeletonFromFile(fd, encoding.start, PLAN_KEEP),
      () => readFileSync(file).subarray(encoding.start),
      file,
    );
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw cannotRead(file, error);
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs the scanner and validates what it kept. `whole()` gives the UTF-8 text again, only to
 * turn an error's byte offset into a line and column.
 */
function parseSkeleton(skeleton: () => Uint8Array, whole: () => Uint8Array, file: string): ParsedPlan {
  let kept: Uint8Array;
  try {
    kept = skeleton();
  } catch (error) {
    if (error instanceof SkeletonError) throw jsonError(error, whole, file);
    throw error;
  }
  // The scanner validated every byte, so this parse cannot fail on the user's input.
  return validatePlan(JSON.parse(Buffer.from(kept.buffer, kept.byteOffset, kept.length).toString("utf8")), file);
}

/** What is wrong with the text and where, and what that means for a plan; never a quote of it (plans hold secrets). */
function jsonError(error: SkeletonError, whole: () => Uint8Array, file: string): UserError {
  if (error.problem === "encoding") return notText(file);
  const advice =
    error.problem === "too-deep"
      ? `; plan-review reads at most ${MAX_DEPTH} levels (Terraform's plans use a few dozen), so this is not a plan it can review`
      : error.problem === "duplicate-key"
        ? "; Terraform never writes a key twice, and JSON readers disagree about which one counts, so plan-review will not guess"
        : "";
  return new UserError(`${file}: ${describeSkeletonError(error, whole)}${advice}`);
}

function checkSize(bytes: number, file: string): void {
  if (bytes > MAX_PLAN_BYTES) {
    throw new UserError(
      `${file}: is ${formatMiB(bytes)}; plan-review reads plans of up to ${formatMiB(MAX_PLAN_BYTES)} (a 20,000-resource plan is about 55 MB). Split the stack, or review this plan another way.`,
    );
  }
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function cannotRead(file: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : errorMessage(error);
  return new UserError(`${file}: cannot read plan file (${why})`);
}

function notText(file: string): UserError {
  return new UserError(`${file}: is not valid UTF-8 or UTF-16 text; write it with \`terraform show -json plan.tfplan > plan.json\``);
}

/** How a plan file's text is encoded: UTF-8 from byte `start` (after a BOM), or UTF-16 in either byte order. */
type Encoding = { readonly utf16: false; readonly start: number } | { readonly utf16: true; readonly bigEndian: boolean };

/**
 * The encoding of text with these first bytes. A BOM says which; without one, JSON's first
 * character is ASCII, so in UTF-16 exactly one of the first two bytes (the high one) is zero.
 */
function encodingOf(head: Uint8Array): Encoding {
  const [b0, b1, b2] = head;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { utf16: false, start: 3 };
  if (b0 === 0xff && b1 === 0xfe) return { utf16: true, bigEndian: false };
  if (b0 === 0xfe && b1 === 0xff) return { utf16: true, bigEndian: true };
  if ((b0 === 0) === (b1 === 0)) return { utf16: false, start: 0 };
  return { utf16: true, bigEndian: b0 === 0 };
}

/** The file's text as UTF-8 bytes without a BOM. */
function toUtf8Bytes(bytes: Uint8Array, file: string): Uint8Array {
  const encoding = encodingOf(bytes);
  if (!encoding.utf16) return bytes.subarray(encoding.start);
  return Buffer.from(decodeUtf16(bytes, encoding.bigEndian, file));
}

/**
 * UTF-16 text; the decoder drops a leading BOM (a second one stays and is refused as JSON,
 * as in UTF-8). An unpaired surrogate is an error, not a silent U+FFFD.
 */
function decodeUtf16(bytes: Uint8Array, bigEndian: boolean, file: string): string {
  if (bytes.length % 2 !== 0) throw new UserError(`${file}: looks like UTF-16 but has an odd number of bytes (${bytes.length})`);
  const copy = Buffer.from(bytes);
  // Swapped to little-endian: a Node built without ICU decodes only UTF-8 and UTF-16 LE
  // (https://nodejs.org/api/util.html#encodings-supported-when-icu-is-disabled).
  if (bigEndian) copy.swap16();
  try {
    return new TextDecoder("utf-16le", { fatal: true }).decode(copy);
  } catch {
    throw notText(file);
  }
}

/**
 * Checks the parsed skeleton: an object, a supported major `format_version`, the plan
 * shape, then what only a whole plan can tell (plan-checks.ts). Errors name the file and
 * never quote its values, which may be secrets.
 */
function validatePlan(data: unknown, file: string): ParsedPlan {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new UserError(
      `${file}: expected a JSON object from \`terraform show -json\`, got ${kindOf(data)}`,
    );
  }
  checkFormatVersion((data as Record<string, unknown>).format_version, file);

  const result = PlanSchema.safeParse(data);
  if (!result.success) throw shapeError(file, result.error.issues);
  const plan = result.data;
  checkPlanKind(plan, file);
  const problems = planProblems(plan);
  if (problems.length > 0) throw shapeError(file, problems);
  return { file, plan };
}

/** A problem the schema (zod's issues) or plan-checks.ts found, at a path into the plan. */
interface ShapeProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

function shapeError(file: string, problems: readonly ShapeProblem[]): UserError {
  const shown = problems.slice(0, 10).map((p) => `  ${file}: ${formatPath(p.path)}: ${p.message}`);
  const more = problems.length > shown.length ? [`  … and ${problems.length - shown.length} more`] : [];
  return new UserError(
    `${file}: does not look like \`terraform show -json\` plan output (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${[...shown, ...more].join("\n")}`,
  );
}

/**
 * A plan has `planned_values` (Terraform writes them, with `format_version`, in every plan
 * since 0.12). Without them a file is read only as an excerpt: some tools save just the
 * `resource_changes`, and those are what the review needs. A state (`values` or a raw
 * state's `lineage`/`serial`) and anything else are refused, saying which they look like.
 */
function checkPlanKind(plan: PlanJson, file: string): void {
  const fix = "write the plan with `terraform plan -out=plan.tfplan && terraform show -json plan.tfplan > plan.json`";
  if (plan.planned_values !== undefined) {
    if (plan.format_version === undefined) {
      throw new UserError(`${file}: has planned_values but no format_version, which Terraform writes in every plan; ${fix}`);
    }
    return;
  }
  if (plan.values !== undefined || plan.lineage !== undefined || plan.serial !== undefined) {
    throw new UserError(`${file}: is a Terraform state, not a plan (it has ${plan.values !== undefined ? "values" : "lineage/serial"} and no planned_values); ${fix}`);
  }
  if (Array.isArray(plan.resource_changes) && plan.resource_changes.length > 0) return;
  throw new UserError(
    `${file}: is not \`terraform show -json\` plan output: it has no planned_values (every plan has them) and no resource_changes entries; ${fix}`,
  );
}

function checkFormatVersion(value: unknown, file: string): void {
  if (value === undefined) return; // excerpts (checked in checkPlanKind)
  const match = typeof value === "string" ? /^(\d+)\.\d/.exec(value) : null;
  if (!match) {
    throw new UserError(`${file}: format_version must look like "1.2" (got ${typeof value === "string" ? describeValue(value, 20) : kindOf(value)})`);
  }
  const major = Number(match[1]);
  if (!(SUPPORTED_FORMAT_MAJORS as readonly number[]).includes(major)) {
    throw new UserError(
      `${file}: format_version "${value}" is not supported (major version ${major}); plan-review reads ` +
        `${SUPPORTED_FORMAT_MAJORS.map((m) => `${m}.x`).join(" and ")}. Use a Terraform release that writes those, or update plan-review.`,
    );
  }
}

/** `resource_changes[0].change.actions`; never empty: the plan is an object, so every problem is inside it. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}
