/**
 * The streaming skeleton scanner: it must give the same kept JSON however the bytes arrive,
 * so these tests feed it a few bytes at a time through a tiny window, which puts a window
 * boundary inside every string, escape, key and kept value.
 */
import { readdirSync, readFileSync } from "node:fs";
import { decodePlanBytes, PLAN_KEEP } from "../../../scripts/plan-review/parse";
import { each, extractSkeleton, extractSkeletonFrom, keep, SkeletonError, type ByteSource } from "../../../scripts/plan-review/skeleton";
import { fixture, FIXTURES } from "./helpers";

/** A source that hands out `chunk` bytes per read. */
function trickle(bytes: Uint8Array, chunk: number): ByteSource {
  let offset = 0;
  return (into, at, length) => {
    const n = Math.min(chunk, length, bytes.length - offset);
    into.set(bytes.subarray(offset, offset + n), at);
    offset += n;
    return n;
  };
}

const SPEC = keep({ keepMe: true, list: each(keep({ id: true })), map: each(keep({ v: true })) });

function kept(text: string, chunk = 3, windowBytes = 4): unknown {
  return JSON.parse(extractSkeletonFrom(trickle(Buffer.from(text), chunk), SPEC, windowBytes).toString("utf8"));
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
    expect(() => extractSkeletonFrom(trickle(Buffer.from('{"drop": "abc'), 2), SPEC, 4)).toThrow(new SkeletonError(9, "unterminated string"));
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
      const utf8 = Buffer.from(decodePlanBytes(readFileSync(fixture(name)), name), "utf8");
      expect(extractSkeletonFrom(trickle(utf8, 5), PLAN_KEEP, 8).equals(extractSkeleton(utf8, PLAN_KEEP))).toBe(true);
    },
  );
});
