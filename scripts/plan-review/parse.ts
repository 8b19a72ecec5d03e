/**
 * Reads `terraform show -json` plan files. Lenient with Terraform's output (unknown keys are
 * ignored, optional sections may be missing, drift entries may lack an address) and strict
 * where leniency would hide something: an unknown major `format_version` or an unknown
 * action combination is an error naming the file and the value seen.
 *
 * Attribute values (`before`, `after`, …) are deliberately not part of the schema: the
 * report never prints them, so they are never copied out of the parsed JSON.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { z } from "zod";
import { describeValue, errorMessage, UserError } from "../../lib/errors";
import { each, extractSkeleton, extractSkeletonFromFile, keep, SkeletonError, type KeepSpec } from "./skeleton";

/** Action lists Terraform writes (`change.actions`), as they appear in the JSON. */
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
  ["forget", "create"],
];
const KNOWN_ACTION_KEYS = new Set(KNOWN_ACTIONS.map((a) => a.join(",")));

/** Plan `format_version` majors this reader understands. */
export const SUPPORTED_FORMAT_MAJORS = [0, 1] as const;

const ActionsSchema = z.array(z.string()).superRefine((actions, ctx) => {
  if (!KNOWN_ACTION_KEYS.has(actions.join(","))) {
    ctx.addIssue({
      code: "custom",
      message: `unknown action combination ${describeValue(actions)}; known: ${KNOWN_ACTIONS.map((a) => JSON.stringify(a)).join(" ")}`,
    });
  }
});

const PathStepSchema = z.union([z.string(), z.number()]);

const ChangeSchema = z.object({
  actions: ActionsSchema,
  /** Present (an object) when the resource is being imported; its content is not used. */
  importing: z.unknown().optional(),
  replace_paths: z.array(z.array(PathStepSchema)).optional(),
});

const ResourceChangeSchema = z.object({
  address: z.string(),
  previous_address: z.string().optional(),
  mode: z.string().optional(),
  type: z.string().optional(),
  deposed: z.string().optional(),
  action_reason: z.string().optional(),
  change: ChangeSchema,
});

/** Drift entries from older Terraform versions may have no address: it is rebuilt from parts. */
const DriftChangeSchema = z.object({
  address: z.string().optional(),
  module_address: z.string().optional(),
  mode: z.string().optional(),
  type: z.string().optional(),
  name: z.string().optional(),
  index: z.union([z.string(), z.number()]).nullable().optional(),
  deposed: z.string().optional(),
  action_reason: z.string().optional(),
  change: ChangeSchema,
});

const OutputChangeSchema = z.object({
  actions: ActionsSchema,
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
});

const PlanSchema = z.object({
  format_version: z.string().optional(),
  terraform_version: z.string().optional(),
  errored: z.boolean().optional(),
  complete: z.boolean().optional(),
  applyable: z.boolean().optional(),
  resource_changes: z.array(ResourceChangeSchema).nullable().optional(),
  resource_drift: z.array(DriftChangeSchema).nullable().optional(),
  output_changes: z.record(z.string(), OutputChangeSchema).nullable().optional(),
});

export type PlanJson = z.infer<typeof PlanSchema>;
export type ResourceChangeJson = z.infer<typeof ResourceChangeSchema>;
export type DriftChangeJson = z.infer<typeof DriftChangeSchema>;
export type OutputChangeJson = z.infer<typeof OutputChangeSchema>;

/** A validated plan and the file it came from. */
export interface ParsedPlan {
  readonly file: string;
  readonly plan: PlanJson;
}

/** The keys plan-review reads; everything else (values, configuration, state) is skipped. */
const CHANGE_KEEP: KeepSpec = keep({ actions: true, importing: true, replace_paths: true });
const RESOURCE_KEEP: KeepSpec = keep({
  address: true,
  previous_address: true,
  mode: true,
  type: true,
  deposed: true,
  action_reason: true,
  change: CHANGE_KEEP,
});
/** Drift entries may lack `address`; it is rebuilt from these parts. */
const DRIFT_KEEP: KeepSpec = keep({
  address: true,
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
  resource_changes: each(RESOURCE_KEEP),
  resource_drift: each(DRIFT_KEEP),
  output_changes: each(keep({ actions: true, before_sensitive: true, after_sensitive: true })),
});

/**
 * Parses a plan file's bytes: UTF-8 with or without a BOM, UTF-16 LE/BE with a BOM (as
 * PowerShell's `>` writes) or without one (recognised by JSON's ASCII first character).
 * Only the parts the review uses are built (see skeleton.ts); a file the fast path cannot
 * read goes through a full JSON.parse, which reports any syntax error.
 */
export function parsePlanBytes(bytes: Uint8Array, file: string): ParsedPlan {
  const utf8 = toUtf8Bytes(bytes, file);
  return parseSkeletonOr(() => extractSkeleton(utf8, PLAN_KEEP), () => utf8, file);
}

/** Reads and parses one plan file, streaming it when it is UTF-8 (see skeleton.ts). */
export function readPlanFile(file: string): ParsedPlan {
  let fd: number;
  try {
    fd = openSync(file, "r");
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    }
  } catch (error) {
    throw cannotRead(file, error);
  }
  try {
    const head = Buffer.alloc(4);
    const headLength = readSync(fd, head, 0, 4, 0);
    const bom = utf8Start(head.subarray(0, headLength));
    if (bom === undefined) return parsePlanBytes(readWhole(file), file);
    return parseSkeletonOr(
      () => extractSkeletonFromFile(fd, bom, PLAN_KEEP),
      () => readWhole(file).subarray(bom),
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
 * The fast path, or — when it cannot read the text — a full JSON.parse of `whole()`, which
 * either parses (and is used) or throws the syntax error, located where possible.
 */
function parseSkeletonOr(skeleton: () => Uint8Array, whole: () => Uint8Array, file: string): ParsedPlan {
  let data: unknown;
  try {
    data = JSON.parse(decodeUtf8(skeleton(), file));
  } catch (error) {
    if (!(error instanceof SkeletonError) && !(error instanceof SyntaxError)) throw error;
    const utf8 = whole();
    const where = error instanceof SkeletonError ? lineAndColumnOfByte(utf8, error.offset) : undefined;
    data = parseJson(decodeUtf8(utf8, file), file, where);
  }
  return validatePlan(data, file);
}

function readWhole(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw cannotRead(file, error);
  }
}

function cannotRead(file: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : errorMessage(error);
  return new UserError(`${file}: cannot read plan file (${why})`);
}

/** Where UTF-8 text starts in a file with these first bytes (after a BOM), or undefined for UTF-16. */
function utf8Start(head: Uint8Array): number | undefined {
  const [b0, b1, b2] = head;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 3;
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) return undefined;
  if (head.length >= 2 && (b0 === 0) !== (b1 === 0)) return undefined;
  return 0;
}

/**
 * Parses a plan's text with a full JSON.parse: the reference path (tests compare the fast
 * path against it) and the fallback for files the fast path cannot read.
 */
export function parsePlanText(text: string, file: string): ParsedPlan {
  return validatePlan(parseJson(text.replace(/^\uFEFF/, ""), file), file);
}

/** The file's text as UTF-8 bytes without a BOM. */
function toUtf8Bytes(bytes: Uint8Array, file: string): Uint8Array {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3);
  if (b0 === 0xff && b1 === 0xfe) return Buffer.from(decodeUtf16(bytes.subarray(2), "le", file), "utf8");
  if (b0 === 0xfe && b1 === 0xff) return Buffer.from(decodeUtf16(bytes.subarray(2), "be", file), "utf8");
  if (bytes.length >= 2 && b0 !== 0 && b1 === 0) return Buffer.from(decodeUtf16(bytes, "le", file), "utf8");
  if (bytes.length >= 2 && b0 === 0 && b1 !== 0) return Buffer.from(decodeUtf16(bytes, "be", file), "utf8");
  return bytes;
}

/** Decodes a plan file's bytes to text (same encodings as parsePlanBytes). */
export function decodePlanBytes(bytes: Uint8Array, file: string): string {
  return decodeUtf8(toUtf8Bytes(bytes, file), file);
}

function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UserError(`${file}: is not valid UTF-8 or UTF-16 text; write it with \`terraform show -json plan.tfplan > plan.json\``);
  }
}

function decodeUtf16(bytes: Uint8Array, order: "le" | "be", file: string): string {
  if (bytes.length % 2 !== 0) throw new UserError(`${file}: looks like UTF-16 but has an odd number of bytes (${bytes.length})`);
  const copy = Buffer.from(bytes);
  if (order === "be") copy.swap16();
  return copy.toString("utf16le");
}

function parseJson(text: string, file: string, fallbackWhere?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: is not valid JSON (${describeJsonError(errorMessage(error), text, fallbackWhere)})`);
  }
}

/**
 * Checks the parsed JSON: an object, a supported major `format_version`, the plan shape.
 * Errors name the file and never quote its text, which may hold secrets.
 */
function validatePlan(data: unknown, file: string): ParsedPlan {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new UserError(
      `${file}: expected a JSON object from \`terraform show -json\`, got ${Array.isArray(data) ? "an array" : describeValue(data, 20)}`,
    );
  }
  checkFormatVersion((data as Record<string, unknown>).format_version, file);

  const result = PlanSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues;
    const shown = issues.slice(0, 10).map((issue) => `  ${file}: ${formatPath(issue.path)}: ${issue.message}`);
    const more = issues.length > shown.length ? [`  … and ${issues.length - shown.length} more`] : [];
    throw new UserError(
      `${file}: does not look like \`terraform show -json\` plan output (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${[...shown, ...more].join("\n")}`,
    );
  }
  return { file, plan: result.data };
}

function checkFormatVersion(value: unknown, file: string): void {
  if (value === undefined) return; // excerpts and very old plans omit it
  const match = typeof value === "string" ? /^(\d+)\.\d+/.exec(value) : null;
  if (!match) {
    throw new UserError(`${file}: format_version must look like "1.2" (got ${describeValue(value)})`);
  }
  const major = Number(match[1]);
  if (!(SUPPORTED_FORMAT_MAJORS as readonly number[]).includes(major)) {
    throw new UserError(
      `${file}: format_version "${value}" is not supported (major version ${major}); plan-review reads ` +
        `${SUPPORTED_FORMAT_MAJORS.map((m) => `${m}.x`).join(" and ")}. Use a Terraform release that writes those, or update plan-review.`,
    );
  }
}

/**
 * V8's JSON messages may quote the input, which may hold secrets: keep only what is wrong
 * and where. `fallbackWhere` locates errors whose message has no position.
 */
function describeJsonError(message: string, text: string, fallbackWhere?: string): string {
  if (/Unexpected end of JSON input/i.test(message)) return "it ends unexpectedly";
  const positioned = /^(.*?) in JSON at position (\d+)/s.exec(message);
  if (positioned) {
    const position = Number(positioned[2]);
    if (position >= text.trimEnd().length) return "it ends unexpectedly";
    return `${positioned[1]} at ${lineAndColumn(text, position)}`;
  }
  const where = fallbackWhere ? ` at ${fallbackWhere}` : "";
  const token = /^Unexpected token '(.)'/su.exec(message);
  if (token) return `unexpected character '${token[1]}'${where}`;
  return `syntax error${where}`;
}

/** Line and column (in bytes) of a byte offset in UTF-8 text. */
function lineAndColumnOfByte(bytes: Uint8Array, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function lineAndColumn(text: string, position: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < position; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${position - lineStart + 1}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}
