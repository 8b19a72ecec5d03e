/**
 * Reading Terraform expressions in synthesized JSON: which resources, data sources and
 * remote-state outputs a string refers to (`${aws_s3_bucket.X.arn}/*`,
 * `${element(split("/", data.terraform_remote_state.Y.outputs.Z), 2)}`), and whether a
 * value is a plain literal.
 */

export interface Reference {
  /** `resource` for `aws_x.Y.attr`, `data` for `data.aws_x.Y.attr`. */
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** Attribute path after the name (`arn`, `outputs.cross-stack-output-…`), "" when none. */
  readonly attribute: string;
  /** Address of the referenced resource (`aws_x.Y` / `data.aws_x.Y`). */
  readonly address: string;
}

/** `${ ... }` interpolations in a string, tolerating nested braces inside them. */
function interpolations(text: string): string[] {
  const spans: string[] = [];
  let start = text.indexOf("${");
  while (start !== -1) {
    let depth = 0;
    let end = -1;
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}" && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end === -1) break;
    spans.push(text.slice(start + 2, end));
    start = text.indexOf("${", end + 1);
  }
  return spans;
}

// Resource types always contain an underscore (provider prefix), which keeps `var.x`,
// `local.x` and `terraform.workspace` out. Names and attributes may contain hyphens.
const REFERENCE =
  /(?<![\w.-])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]*)\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\])*)/g;

/** Every reference inside the interpolations of a value (strings, lists and objects searched). */
export function referencesIn(value: unknown): Reference[] {
  const found: Reference[] = [];
  for (const text of stringsIn(value)) {
    for (const span of interpolations(text)) {
      for (const match of span.matchAll(REFERENCE)) {
        const [, dataPrefix, type, name, rest] = match;
        const mode = dataPrefix ? "data" : "managed";
        found.push({
          mode,
          type,
          name,
          attribute: rest.replace(/^\./, ""),
          address: mode === "data" ? `data.${type}.${name}` : `${type}.${name}`,
        });
      }
    }
  }
  return found;
}

/** The references of the interpolation a string starts with (`${aws_x.y.arn}/*`), [] when it starts with anything else. */
export function leadingReferences(text: string): Reference[] {
  const [first] = text.startsWith("${") ? interpolations(text) : [];
  return first === undefined ? [] : referencesIn(`\${${first}}`);
}

/** Every string anywhere inside a JSON value. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap((v) => stringsIn(v));
  if (value !== null && typeof value === "object") return Object.values(value).flatMap((v) => stringsIn(v));
  return [];
}

/**
 * The string with every `${ … }` interpolation replaced by `placeholder`, so a value built
 * from references can be split on its own separators (`arn:${partition}:s3:::${bucket}/*`).
 */
export function maskInterpolations(text: string, placeholder: string): string {
  let masked = "";
  let rest = text;
  for (const span of interpolations(text)) {
    const at = rest.indexOf(`\${${span}}`);
    masked += rest.slice(0, at) + placeholder;
    rest = rest.slice(at + span.length + 3);
  }
  return masked + rest;
}

/** True when the string contains a Terraform interpolation. */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** The value when it is a literal string (no interpolation), else undefined. */
export function literalString(value: unknown): string | undefined {
  return typeof value === "string" && !value.includes("${") ? value : undefined;
}
