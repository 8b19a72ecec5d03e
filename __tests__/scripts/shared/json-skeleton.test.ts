/**
 * The streaming skeleton scanner: it must give the same kept JSON however the bytes arrive,
 * so these tests feed it a few bytes at a time through a tiny window, which puts a window
 * boundary inside every string, escape, key and kept value.
 */
import { readdirSync, readFileSync } from "node:fs";
import { PLAN_KEEP } from "../../../scripts/plan-review/parse";
import {
  each,
  extractSkeleton,
  extractSkeletonFrom,
  keep,
  MAX_DEPTH,
  SHAPE,
  SkeletonError,
  type SkeletonProblem,
} from "../../../scripts/shared/json-skeleton";
import { fixture, FIXTURES, fixtureText } from "../plan-review/helpers";
import { trickle } from "./skeleton-support";

const SPEC = keep({ keepMe: true, list: each(keep({ id: true })), map: each(keep({ v: true })) });

function kept(text: string, chunk = 3, windowBytes = 4): unknown {
  return JSON.parse(extractSkeletonFrom(trickle(Buffer.from(text), chunk), SPEC, { windowBytes }).toString("utf8"));
}

describe("skeleton scanner", () => {
  it("keeps the listed keys and drops the rest", () => {
    expect(kept('{"drop": {"a": [1, {"b": "}"}]}, "keepMe": {"x": 1}, "also": null}')).toEqual({ keepMe: { x: 1 } });
  });

  it("keeps the listed keys of every array element", () => {
    expect(kept('{"list": [{"id": 1, "big": [1,2,3]}, {"id": "two"}]}')).toEqual({ list: [{ id: 1 }, { id: "two" }] });
  });

  it("keeps the listed keys of every object entry", () => {
    expect(kept('{"map": {"a": {"v": true, "w": 1}, "b": {}}}')).toEqual({ map: { a: { v: true }, b: {} } });
  });

  it("skips strings with escaped quotes and backslashes across window boundaries", () => {
    expect(kept('{"drop": ["a\\\\", "\\"}]", {"k\\"": "\\\\\\""}], "keepMe": "x\\"y"}', 1, 2)).toEqual({ keepMe: 'x"y' });
  });

  it("keeps a value larger than the window", () => {
    const big = "x".repeat(5000);
    expect(kept(`{"keepMe": "${big}"}`, 7, 4)).toEqual({ keepMe: big });
  });

  it("keeps a value of an unexpected type whole, for the schema to report", () => {
    expect(kept('{"list": {"not": "an array"}}')).toEqual({ list: { not: "an array" } });
  });

  it("matches a key written with escapes as the key it decodes to", () => {
    expect(kept('{"keep\\u004De": 1}')).toEqual({ keepMe: 1 });
  });

  it("keeps multi-byte UTF-8 text intact across boundaries", () => {
    expect(kept('{"keepMe": "café ☕ 𝄞"}', 1, 2)).toEqual({ keepMe: "café ☕ 𝄞" });
  });

  it("rejects an unterminated string with its offset", () => {
    expect(() => extractSkeletonFrom(trickle(Buffer.from('{"drop": "abc'), 2), SPEC, { windowBytes: 4 })).toThrow(new SkeletonError(9, "unterminated string"));
  });

  it("rejects an unbalanced skipped value", () => {
    expect(() => extractSkeleton(Buffer.from('{"drop": [1, 2'), SPEC)).toThrow("unexpected end of input");
  });

  it("rejects data after the JSON value", () => {
    expect(() => extractSkeleton(Buffer.from('{"keepMe": 1} {}'), SPEC)).toThrow("unexpected data after the JSON value");
  });

  it("rejects a missing colon", () => {
    expect(() => extractSkeleton(Buffer.from('{"keepMe" 1}'), SPEC)).toThrow("expected ':'");
  });

  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith(".json")))(
    "extracts the same skeleton from %s however the bytes arrive",
    (name) => {
      const utf8 = Buffer.from(fixtureText(readFileSync(fixture(name))), "utf8");
      expect(extractSkeletonFrom(trickle(utf8, 5), PLAN_KEEP, { windowBytes: 8 }).equals(extractSkeleton(utf8, PLAN_KEEP))).toBe(true);
    },
  );
});

/** The problem and message of the error scanning `text` throws (fails the test if it throws none). */
function refusal(text: string | Uint8Array, options: { readonly uniqueKeys?: boolean; readonly chunk?: number } = {}) {
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  try {
    extractSkeletonFrom(trickle(bytes, options.chunk ?? 3), SPEC, { windowBytes: 4, uniqueKeys: options.uniqueKeys });
  } catch (error) {
    if (error instanceof SkeletonError) return { problem: error.problem as SkeletonProblem, what: error.what, offset: error.offset };
    throw error;
  }
  throw new Error("expected a SkeletonError");
}

function nested(depth: number): string {
  return `{"drop": ${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
}

describe("skeleton scanner validates what it skips", () => {
  it.each([
    ["a truncated literal", '{"drop": tru}'],
    ["NaN", '{"drop": NaN}'],
    ["Infinity", '{"drop": [Infinity]}'],
    ["a doubled comma", '{"drop": {"a": 1,,}}'],
    ["a trailing comma in an object", '{"drop": {"a": 1,}}'],
    ["a trailing comma in an array", '{"drop": [1, 2,]}'],
    ["a leading zero", '{"drop": 01}'],
    ["a bare decimal point", '{"drop": 1.}'],
    ["a leading plus", '{"drop": +1}'],
    ["a single-quoted string", "{\"drop\": 'x'}"],
    ["an unquoted key", '{"drop": {a: 1}}'],
    ["an invalid escape", '{"drop": "\\x"}'],
    ["a short unicode escape", '{"drop": "\\u12"}'],
    ["a raw control character in a string", '{"drop": "a\u0001b"}'],
    ["a missing value", '{"drop": }'],
    ["two values without a comma", '{"drop": [1 2]}'],
  ])("refuses %s inside a skipped value as a syntax error", (_, text) => {
    expect(refusal(text).problem).toBe("syntax");
  });

  it("refuses the same inside a kept value", () => {
    expect(refusal('{"keepMe": {"a": tru}}').problem).toBe("syntax");
  });

  it("refuses an empty file as truncated at offset 0", () => {
    expect(refusal("  ")).toEqual({ problem: "truncated", what: "the file is empty", offset: 0 });
  });

  it("refuses text cut inside a skipped value as truncated", () => {
    expect(refusal('{"drop": [1, {"a": "b').problem).toBe("truncated");
  });

  it("accepts nesting of exactly MAX_DEPTH levels", () => {
    expect(kept(nested(MAX_DEPTH), 64, 16)).toEqual({});
  });

  it("refuses one level more than MAX_DEPTH, at the bracket that goes too deep", () => {
    expect(refusal(nested(MAX_DEPTH + 1), { chunk: 64 })).toMatchObject({ problem: "too-deep", offset: 9 + MAX_DEPTH - 1 });
  });

  it("refuses 100,000 levels of nesting without exhausting the stack", () => {
    const text = "[".repeat(100_000) + "]".repeat(100_000);
    expect(() => extractSkeleton(Buffer.from(text), SHAPE)).toThrow(expect.objectContaining({ problem: "too-deep" }));
  });

  it("refuses a kept key given twice", () => {
    expect(refusal('{"keepMe": 1, "drop": 2, "keepMe": 3}')).toMatchObject({ problem: "duplicate-key", what: 'key "keepMe" appears twice in one object' });
  });

  it("refuses a kept key given twice when one of them is written with escapes", () => {
    expect(refusal('{"keepMe": 1, "keep\\u004De": 3}').problem).toBe("duplicate-key");
  });

  it("refuses an entry name given twice in an each-object", () => {
    expect(refusal('{"map": {"a": {}, "a": {}}}').problem).toBe("duplicate-key");
  });

  it("accepts a skipped key given twice unless asked for unique keys everywhere", () => {
    expect(kept('{"drop": {"a": 1, "a": 2}}')).toEqual({});
  });

  it("refuses a skipped key given twice with uniqueKeys", () => {
    expect(refusal('{"drop": [{"a": 1, "b": {"a": 0}, "a": 2}]}', { uniqueKeys: true })).toMatchObject({ problem: "duplicate-key", offset: 34 });
  });

  it("accepts the same key in sibling and nested objects with uniqueKeys", () => {
    expect(() => extractSkeleton(Buffer.from('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}'), SHAPE, { uniqueKeys: true })).not.toThrow();
  });

  it("refuses bytes that are not UTF-8 inside a skipped string", () => {
    expect(refusal(Buffer.concat([Buffer.from('{"drop": "a'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])).problem).toBe("encoding");
  });

  it("accepts multi-byte characters cut by every chunk boundary inside a skipped string", () => {
    expect(kept('{"drop": "café ☕ 𝄞", "keepMe": 1}', 1, 2)).toEqual({ keepMe: 1 });
  });

  it("refuses a multi-byte character cut short by the end of the file", () => {
    expect(refusal(Buffer.concat([Buffer.from('{"drop": "'), Buffer.from([0xe2, 0x98])]), { chunk: 1 }).problem).toBe("encoding");
  });
});
