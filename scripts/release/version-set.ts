/**
 * A release is a set of function versions: the server's, and where the build has them the
 * image optimizer's, the revalidation function's, … keyed by function id. Everything here
 * is pure: validating a release target's functions, comparing sets, the text form used in
 * ledger keys and in `--version` / `--to` / `--moved-from` (`12`, or `server=12,image=7`),
 * and how sets are worded for people.
 */
import type { ReleaseFunction } from "./ports";

/** Function id → published version number (as a string, the way Lambda returns it). */
export type VersionSet = Readonly<Record<string, string>>;

/**
 * The function that names a release: its version is a record's `version`, the one number a
 * single-function ledger (every record written before releases had several functions) holds.
 */
export const SERVER_ID = "server";

/**
 * Function ids travel in ledger keys (`12_image-7`, see ledger.ts), so they keep to lowercase
 * letters, digits and inner dashes: no `_`, `.`, `=` or `,`, which separate the parts.
 */
export const FUNCTION_ID_PATTERN = /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

const VERSION_PATTERN = /^\d+$/;

/** Problems with a release target's function list, one line each; empty when it is valid. */
export function functionListProblems(functions: readonly ReleaseFunction[]): string[] {
  const problems: string[] = [];
  if (functions.length === 0) return ["the release has no functions"];
  if (functions[0].id !== SERVER_ID) problems.push(`the first function must be the server (id "${SERVER_ID}"), got id ${JSON.stringify(functions[0].id)}`);
  const seen = new Set<string>();
  for (const fn of functions) {
    if (!FUNCTION_ID_PATTERN.test(fn.id)) {
      problems.push(`function id ${JSON.stringify(fn.id)} (${fn.functionName}) must match ${FUNCTION_ID_PATTERN}`);
    }
    if (seen.has(fn.id)) problems.push(`function id ${JSON.stringify(fn.id)} appears twice`);
    seen.add(fn.id);
  }
  return problems;
}

/** The ids of a set in a stable order: the server first, then the others by name. */
export function setIds(set: VersionSet): string[] {
  return Object.keys(set).sort((a, b) => (a === SERVER_ID ? -1 : b === SERVER_ID ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

/** The two sets give the same version to every function both name. */
export function agrees(a: VersionSet, b: VersionSet): boolean {
  return Object.entries(a).every(([id, version]) => b[id] === undefined || b[id] === version);
}

/** The same functions at the same versions. */
export function sameSet(a: VersionSet, b: VersionSet): boolean {
  const ids = Object.keys(a);
  return ids.length === Object.keys(b).length && ids.every((id) => a[id] === b[id]);
}

/**
 * Text form: the server's version alone when the set is only the server (what every older
 * ledger key holds), else `server=12,image=7`.
 */
export function formatSet(set: VersionSet): string {
  const ids = setIds(set);
  if (ids.length === 1 && ids[0] === SERVER_ID) return set[SERVER_ID];
  return ids.map((id) => `${id}=${set[id]}`).join(",");
}

export type ParsedSet = { readonly ok: true; readonly set: VersionSet } | { readonly ok: false; readonly problem: string };

/**
 * Reads `12` (the server's version) or `server=12,image=7`. Ids must be among `known` when
 * given; a bare number always names the server.
 */
export function parseSet(text: string, known?: readonly string[]): ParsedSet {
  if (VERSION_PATTERN.test(text)) return { ok: true, set: { [SERVER_ID]: String(Number(text)) } };
  const set: Record<string, string> = {};
  for (const part of text.split(",")) {
    const match = /^([^=]+)=(\d+)$/.exec(part);
    if (!match || !FUNCTION_ID_PATTERN.test(match[1])) {
      return { ok: false, problem: `${JSON.stringify(part)} is not <function id>=<version> (e.g. server=12,image=7)` };
    }
    const [, id, version] = match;
    if (set[id] !== undefined) return { ok: false, problem: `function ${id} is named twice` };
    if (known && !known.includes(id)) return { ok: false, problem: `no function ${JSON.stringify(id)} in this release; its functions: ${known.join(", ")}` };
    set[id] = String(Number(version));
  }
  return { ok: true, set };
}

/** Looks like a set rather than a release id: holds `=` (release ids cannot). */
export function isSetText(text: string): boolean {
  return VERSION_PATTERN.test(text) || text.includes("=");
}

/** `version 12`, or `server 12, image 7` for a release of several functions. */
export function describeSet(set: VersionSet): string {
  const ids = setIds(set);
  if (ids.length === 1 && ids[0] === SERVER_ID) return `version ${set[SERVER_ID]}`;
  return ids.map((id) => `${id} ${set[id]}`).join(", ");
}
