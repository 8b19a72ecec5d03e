/**
 * Properties of the JSON skeleton scanner, checked against V8's JSON.parse as the reference:
 * it accepts exactly the texts JSON.parse accepts (short of duplicate kept keys and the depth
 * limit, which the generated texts stay clear of), and what it keeps is what a reading of
 * JSON.parse's value keeps, however the bytes are cut into chunks.
 */
import fc from "fast-check";
import { each, extractSkeletonFrom, keep, SHAPE, SkeletonError, type KeepSpec } from "../../../scripts/shared/json-skeleton";
import { project, trickle } from "./skeleton-support";

/** Keys the specs below keep, so that generated values hit kept and skipped keys alike. */
const KEYS = ["a", "b", "list", "map", "keepMe"] as const;
const SPEC: KeepSpec = keep({ keepMe: true, list: each(keep({ a: true, b: SHAPE })), map: each(keep({ b: true })), a: SHAPE });

/** JSON values whose object keys are mostly the spec's own, with no duplicates (JSON.stringify writes none). */
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 4 })), tie("value"), { maxKeys: 5 }),
  ),
})).value;

const document = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 });

/** Text with insignificant whitespace in one of JSON's four kinds. */
const layout = fc.constantFrom<(v: unknown) => string>(
  (v) => JSON.stringify(v),
  (v) => JSON.stringify(v, null, 2),
  (v) => JSON.stringify(v, null, "\t").replace(/\n/g, "\r\n"),
);

/** Chunk sizes: tiny ones cut every token; a whole-text one takes the in-window fast paths. */
const chunks = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constant(1 << 16));

/** Bytes of JSON-ish text, to mutate valid texts into nearly-valid ones. */
const JSONISH = [..."{}[],:\"\\ 0123456789-+.eEtrufalsnx\n", "\u0001", "é"];

/** Scans `text` handed out `chunk` bytes at a time (a chunk as large as the text takes the in-window fast paths). */
function scan(text: string, spec: KeepSpec, chunk: number): { ok: true; kept: unknown } | { ok: false; error: SkeletonError } {
  try {
    const out = extractSkeletonFrom(trickle(Buffer.from(text, "utf8"), chunk), spec, { windowBytes: Math.max(8, chunk) });
    return { ok: true, kept: JSON.parse(out.toString("utf8")) };
  } catch (error) {
    if (error instanceof SkeletonError) return { ok: false, error };
    throw error;
  }
}

function jsonParses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("skeleton scanner properties", () => {
  it("keeps, from any valid JSON document, what a reading of JSON.parse's value keeps", () => {
    fc.assert(
      fc.property(document, layout, chunks, (doc, write, chunk) => {
        const text = write(doc);
        expect(scan(text, SPEC, chunk)).toEqual({ ok: true, kept: project(JSON.parse(text), SPEC) });
      }),
      { numRuns: 200 },
    );
  });

  it("keeps any valid JSON value whole, equal to JSON.parse's value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), chunks, (v, chunk) => {
        const text = JSON.stringify(v);
        expect(scan(text, true, chunk)).toEqual({ ok: true, kept: JSON.parse(text) });
      }),
      { numRuns: 200 },
    );
  });

  it("accepts an edited document exactly when JSON.parse does", () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.integer({ min: 0, max: 2 }),
      insert: fc.array(fc.constantFrom(...JSONISH), { maxLength: 2 }).map((chars) => chars.join("")),
    });
    fc.assert(
      fc.property(document, layout, edit, chunks, (doc, write, { at, remove, insert }, chunk) => {
        const text = write(doc);
        const i = at % (text.length + 1);
        const edited = text.slice(0, i) + insert + text.slice(i + remove);
        const result = scan(edited, true, chunk);
        expect(result.ok).toBe(jsonParses(edited));
        if (result.ok) expect(result.kept).toEqual(JSON.parse(edited));
      }),
      { numRuns: 500 },
    );
  });

  it("accepts a number or literal exactly when JSON.parse does", () => {
    const pieces = ["true", "false", "null", "tru", "nul", "als", "0", "7", "12", "-", "+", ".", "e", "E", "x"];
    const token = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 4 }).map((p) => p.join(""));
    fc.assert(
      fc.property(token, fc.constantFrom("", " ", ", 1"), chunks, (scalar, after, chunk) => {
        const text = `{"drop": [${scalar}${after}]}`;
        expect(scan(text, SPEC, chunk).ok).toBe(jsonParses(text));
      }),
      { numRuns: 500 },
    );
  });

  it("refuses every document cut short, as truncated", () => {
    fc.assert(
      fc.property(document, layout, fc.nat(), (doc, write, at) => {
        const text = write(doc);
        const cut = text.slice(0, at % text.trimEnd().length);
        const result = scan(cut, SPEC, 1 << 16);
        expect(result.ok ? "accepted" : result.error.problem).toBe("truncated");
      }),
      { numRuns: 300 },
    );
  });
});
