/**
 * Reads a synthesis directory's files — manifest.json and each stack's cdk.tf.json — and
 * refuses what policy could not fully read: a gate that checks nothing must not pass. A stack
 * is accepted only as Terraform JSON configuration
 * (https://developer.hashicorp.com/terraform/language/syntax/json) in the forms the policy
 * model reads, which are the forms cdktf writes:
 *
 * - the root is an object whose keys are Terraform's top-level block types (or `//`);
 * - `resource`, `data`, `ephemeral`: an object of types, each an object of names, each a
 *   block body object (HCL's array form for the labels is valid Terraform but not read here,
 *   so it is refused rather than half read);
 * - `provider`: an object of provider names, each a configuration object or a list of them;
 * - `output`, `variable`, `module`, `check`: an object of names, each a body object;
 * - `terraform`: one object; its `backend`, when set, names exactly one backend;
 * - `locals`, `moved`, `import`, `removed`: an object or a list of objects;
 * - the meta-arguments that the JSON syntax gives fixed types: a resource's `provider` is a
 *   string, `depends_on` a list of strings, `lifecycle` an object whose `ignore_changes` is
 *   "all" or a list of strings; an output's `sensitive` is a boolean and it has a `value`;
 *   a module's `source` is a string; a provider's `alias` is a string.
 *
 * Files are limited to MAX_STACK_BYTES and to the JSON reader's nesting limit (MAX_DEPTH in
 * json-skeleton.ts); errors name the file and the JSON path, and give kinds, never values.
 */
import fs from "node:fs";
import path from "node:path";
import { errorMessage, UserError } from "../../lib/errors";
import { describeSkeletonError, extractSkeleton, kindOf, SHAPE, SkeletonError } from "../shared/json-skeleton";

/** Largest file read: cdktf stacks are kilobytes to a few megabytes. */
export const MAX_STACK_BYTES = 64 * 1024 * 1024;

const SYNTH_FIX = "re-run `npm run synth` (or `npm run bootstrap:synth`), or pass --dir <the synthesis directory>";
const SYNTAX_DOC = "https://developer.hashicorp.com/terraform/language/syntax/json";

/** Top-level block types of a Terraform 1.11 configuration file (its configs package), plus the `//` comment key. */
export const TOP_LEVEL_BLOCKS = [
  "terraform",
  "provider",
  "variable",
  "locals",
  "output",
  "module",
  "resource",
  "data",
  "ephemeral",
  "moved",
  "import",
  "check",
  "removed",
] as const;

/** A JSON file's value, or a UserError naming the file: unreadable, too large, not UTF-8, not JSON, too deep. */
export function readJsonFile(file: string): unknown {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_STACK_BYTES) {
      throw new UserError(`${file}: is ${(size / 2 ** 20).toFixed(1)} MiB; policy reads files of up to ${MAX_STACK_BYTES / 2 ** 20} MiB; ${SYNTH_FIX}`);
    }
    bytes = fs.readFileSync(file);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read ${file}: ${errorMessage(error)}; ${SYNTH_FIX}`);
  }
  try {
    // Validates all of it without building anything, and refuses a key given twice anywhere:
    // JSON.parse keeps the last, while Terraform reads both or fails, so policy would judge
    // another configuration than Terraform deploys.
    extractSkeleton(bytes, SHAPE, { uniqueKeys: true });
  } catch (error) {
    if (!(error instanceof SkeletonError)) throw error;
    const limit = error.problem === "too-deep" ? ` (cdktf's stacks use about ten levels)` : "";
    throw new UserError(`${file}: ${describeSkeletonError(error, () => bytes)}${limit}; ${SYNTH_FIX}`);
  }
  return JSON.parse(bytes.toString("utf8"));
}

export interface ManifestStack {
  readonly id: string;
  /** The stack's cdk.tf.json, joined to the synthesis directory. */
  readonly file: string;
}

/** The stacks a manifest.json lists; a manifest that lists none, or one without a stack file, is an error. */
export function manifestStacks(manifest: unknown, manifestPath: string): ManifestStack[] {
  const stacks = isObject(manifest) ? manifest.stacks : undefined;
  if (!isObject(stacks)) {
    const seen = !isObject(manifest) ? kindOf(manifest) : stacks === undefined ? "an object without stacks" : `stacks as ${kindOf(stacks)}`;
    throw new UserError(`${manifestPath}: expected cdktf's manifest, an object whose "stacks" is an object, got ${seen}; ${SYNTH_FIX}`);
  }
  const entries = Object.entries(stacks);
  if (entries.length === 0) throw new UserError(`${manifestPath}: lists no stacks, so there is nothing to check; ${SYNTH_FIX}`);
  return entries.map(([id, entry]) => {
    const relative = isObject(entry) ? entry.synthesizedStackPath : undefined;
    if (typeof relative !== "string" || relative === "") {
      throw new UserError(`${manifestPath}: stacks.${id}.synthesizedStackPath must be the stack file's path (got ${kindOf(relative)}); ${SYNTH_FIX}`);
    }
    return { id, file: path.join(path.dirname(manifestPath), relative) };
  });
}

/** Throws a UserError listing every problem when `json` is not a stack policy can read. */
export function checkStack(file: string, json: unknown): void {
  const problems = stackProblems(json);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 10).map((p) => `  ${file}: ${p}`);
  const more = problems.length > shown.length ? [`  … and ${problems.length - shown.length} more`] : [];
  throw new UserError(
    `${file}: is not Terraform JSON configuration that policy can read (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
      [...shown, ...more].join("\n") +
      `\nA stack file is \`cdktf synth\` output in Terraform's JSON syntax (${SYNTAX_DOC}); ${SYNTH_FIX}.`,
  );
}

/** Every problem, as `<JSON path>: <what is wrong>`; none for a readable stack. */
export function stackProblems(json: unknown): string[] {
  if (!isObject(json)) return [`(root): expected an object of Terraform blocks, got ${kindOf(json)}`];
  const problems: string[] = [];
  const report = (at: string, message: string) => problems.push(`${at}: ${message}`);
  for (const [key, value] of Object.entries(json)) {
    switch (key) {
      case "//":
        break; // a comment: cdktf's metadata
      case "resource":
      case "data":
      case "ephemeral":
        forEachLabelled(value, key, 2, report, (body, at) => resourceBodyProblems(body, at, report));
        break;
      case "provider":
        forEachProvider(value, report);
        break;
      case "output":
        forEachLabelled(value, key, 1, report, (body, at) => outputProblems(body, at, report));
        break;
      case "module":
        forEachLabelled(value, key, 1, report, (body, at) => {
          if (typeof body.source !== "string") report(`${at}.source`, `must be the module's source, a string (got ${kindOf(body.source)})`);
          optional(body, "version", "string", at, report);
        });
        break;
      case "variable":
      case "check":
        forEachLabelled(value, key, 1, report, () => undefined);
        break;
      case "terraform":
        terraformProblems(value, report);
        break;
      case "locals":
      case "moved":
      case "import":
      case "removed":
        if (!isObject(value) && !(Array.isArray(value) && value.every(isObject))) {
          report(key, `must be an object or an array of objects, got ${kindOf(value)}`);
        }
        break;
      default:
        report(key, `is not a Terraform block type; allowed at the top level: ${TOP_LEVEL_BLOCKS.join(", ")} (and "//" for comments)`);
    }
  }
  return problems;
}

type Report = (at: string, message: string) => void;

/**
 * `{ "<label>": { "<label>": body } }` with `labels` levels of names: the object form cdktf
 * writes. Calls `each` with every body object and its path.
 */
function forEachLabelled(
  value: unknown,
  at: string,
  labels: number,
  report: Report,
  each: (body: Record<string, unknown>, at: string) => void,
): void {
  const level = labels === 2 ? "an object of types" : "an object of names";
  if (!isObject(value)) {
    const arrayForm = Array.isArray(value) ? " (HCL's array form is valid Terraform, but policy reads only the object form cdktf writes)" : "";
    report(at, `must be ${level}, got ${kindOf(value)}${arrayForm}`);
    return;
  }
  for (const [label, inner] of Object.entries(value)) {
    const innerAt = `${at}.${label}`;
    if (label === "") report(at, "has an empty label");
    else if (labels > 1) forEachLabelled(inner, innerAt, labels - 1, report, each);
    else if (!isObject(inner)) report(innerAt, `must be a block body (an object), got ${kindOf(inner)}`);
    else each(inner, innerAt);
  }
}

/** The meta-arguments whose JSON form is fixed (the "resource and data blocks" section of the JSON syntax). */
function resourceBodyProblems(body: Record<string, unknown>, at: string, report: Report): void {
  optional(body, "provider", "string", at, report);
  if (body.depends_on !== undefined && !isStringList(body.depends_on)) {
    report(`${at}.depends_on`, `must be an array of strings (references such as "aws_s3_bucket.x"), got ${kindOf(body.depends_on)}`);
  }
  if (body.lifecycle === undefined) return;
  if (!isObject(body.lifecycle)) {
    report(`${at}.lifecycle`, `must be an object, got ${kindOf(body.lifecycle)}`);
    return;
  }
  const ignored = body.lifecycle.ignore_changes;
  if (ignored !== undefined && ignored !== "all" && !isStringList(ignored)) {
    report(`${at}.lifecycle.ignore_changes`, `must be "all" or an array of attribute names, got ${kindOf(ignored)}`);
  }
}

function outputProblems(body: Record<string, unknown>, at: string, report: Report): void {
  if (!("value" in body)) report(at, "has no value (every output needs one)");
  optional(body, "sensitive", "boolean", at, report);
  optional(body, "description", "string", at, report);
}

/** `provider.<name>`: one configuration object or an array of them (cdktf writes an array). */
function forEachProvider(value: unknown, report: Report): void {
  if (!isObject(value)) {
    report("provider", `must be an object of provider names, got ${kindOf(value)}`);
    return;
  }
  for (const [name, configs] of Object.entries(value)) {
    const list = Array.isArray(configs) ? configs : [configs];
    list.forEach((config, i) => {
      const at = Array.isArray(configs) ? `provider.${name}[${i}]` : `provider.${name}`;
      if (!isObject(config)) report(at, `must be a provider configuration (an object), got ${kindOf(config)}`);
      else optional(config, "alias", "string", at, report);
    });
  }
}

/** One `terraform` block (the model reads one), whose `backend` names one backend. */
function terraformProblems(value: unknown, report: Report): void {
  if (!isObject(value)) {
    report("terraform", `must be an object, got ${kindOf(value)}`);
    return;
  }
  optional(value, "required_version", "string", "terraform", report);
  const backend = value.backend;
  if (backend === undefined) return;
  if (!isObject(backend)) {
    report("terraform.backend", `must be an object naming one backend, got ${kindOf(backend)}`);
    return;
  }
  const types = Object.keys(backend);
  if (types.length !== 1) report("terraform.backend", `must name exactly one backend, got ${types.length}`);
  for (const type of types) {
    if (!isObject(backend[type])) report(`terraform.backend.${type}`, `must be the backend's settings (an object), got ${kindOf(backend[type])}`);
  }
}

function optional(body: Record<string, unknown>, key: string, type: "string" | "boolean", at: string, report: Report): void {
  if (body[key] !== undefined && typeof body[key] !== type) report(`${at}.${key}`, `must be a ${type}, got ${kindOf(body[key])}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
