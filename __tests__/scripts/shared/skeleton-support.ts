/** Test support for the JSON skeleton scanner: byte sources that cut the input anywhere, and a reference reading. */
import { SHAPE, type ByteSource, type KeepSpec } from "../../../scripts/shared/json-skeleton";

/** A source that hands out `chunk` bytes per read. */
export function trickle(bytes: Uint8Array, chunk: number): ByteSource {
  let offset = 0;
  return (into, at, length) => {
    const n = Math.min(chunk, length, bytes.length - offset);
    into.set(bytes.subarray(offset, offset + n), at);
    offset += n;
    return n;
  };
}

/**
 * What the scanner should keep of a value JSON.parse built: the reference the streaming
 * scanner is compared with. Written over plain values, independently of the scanner.
 */
export function project(value: unknown, spec: KeepSpec): unknown {
  if (spec === true) return value;
  if (spec === SHAPE) return shapeOf(value);
  if ("keys" in spec) {
    if (!isPlainObject(value)) return value; // a value of an unexpected type is kept whole
    const kept: Record<string, unknown> = {};
    for (const key of spec.keys) if (Object.hasOwn(value, key.name)) kept[key.name] = project(value[key.name], key.spec);
    return kept;
  }
  if (Array.isArray(value)) return value.map((v) => project(v, spec.each));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, project(v, spec.each)]));
  return value;
}

function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (isPlainObject(value)) return {};
  if (typeof value === "string") return "";
  if (typeof value === "number") return 0;
  return value; // true, false, null
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
