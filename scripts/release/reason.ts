/**
 * Free text in the ledger, which is an audit trail many people read in terminals and CI logs:
 * the rules for `rollback --reason` when it is written, and how anything read back from the
 * ledger (old records, other writers) or from AWS (alarm names) is made safe to print.
 */
import { findSecrets, redactSecrets } from "../../lib/secret-patterns";

/** Long enough for a sentence and a link; a reason is a note, not a log. */
export const MAX_REASON_LENGTH = 500;

/**
 * Characters a terminal acts on rather than shows: C0 and C1 controls (ESC starts ANSI
 * sequences, CR overwrites the line, NEL and CSI are C1), DEL, the line and paragraph
 * separators, and the bidirectional overrides and isolates that reorder what is shown
 * ("Trojan Source", CVE-2021-42574).
 */
const CONTROL = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

export type ReasonCheck = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly problem: string };

/** A reason may be stored when it is one line of printable text, not too long, with nothing secret-shaped in it. */
export function checkReason(reason: string): ReasonCheck {
  const length = [...reason].length;
  if (length > MAX_REASON_LENGTH) {
    return { ok: false, problem: `is ${length} characters long; at most ${MAX_REASON_LENGTH} are allowed (a sentence and a link: put details in the issue or the run it links to)` };
  }
  const controls = [...new Set(reason.match(CONTROL) ?? [])];
  if (controls.length > 0) {
    return {
      ok: false,
      problem:
        `holds control characters (${controls.map(codePoint).join(", ")}): the ledger is printed in terminals and CI logs, where they move the cursor, ` +
        "recolour or reorder text. Give the reason as one line of plain text",
    };
  }
  const secrets = findSecrets(reason);
  if (secrets.length > 0) {
    return {
      ok: false,
      problem:
        `looks like it holds ${secrets.join(" and ")}: the ledger is an audit trail that many people read and is never deleted, so secrets must not go in it. ` +
        "Describe the problem without the secret (and rotate it if it was exposed)",
    };
  }
  return { ok: true, value: reason };
}

/**
 * Text read back from the ledger or AWS, ready for a terminal: secrets redacted, control
 * characters shown as escapes (`\x1b`, `\u202e`), and, with `maxLength`, cut to that many
 * characters. Newlines are kept only when `keepNewlines` (our own multi-line messages).
 */
export function printable(text: string, options: { readonly maxLength?: number; readonly keepNewlines?: boolean } = {}): string {
  const escaped = redactSecrets(text).replace(CONTROL, (c) => (options.keepNewlines && c === "\n" ? c : escapeOf(c)));
  const chars = [...escaped];
  return options.maxLength !== undefined && chars.length > options.maxLength ? `${chars.slice(0, options.maxLength - 1).join("")}…` : escaped;
}

/**
 * JSON for stdout that a terminal cannot act on either: JSON.stringify already escapes C0
 * controls, but leaves DEL, C1 controls, the separators and bidirectional marks raw; this
 * escapes them as well (the same string when parsed) and redacts secrets in every string.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? redactSecrets(v) : v)).replace(
    CONTROL,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}

function escapeOf(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}
