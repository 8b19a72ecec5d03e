/**
 * Extracts the small part of a plan's JSON text that plan-review reads — addresses,
 * actions, reasons, paths — without building the attribute values (`before`, `after`,
 * `planned_values`, `prior_state`, …) that make up nearly all of a large plan. Skipping
 * them in one pass over the bytes is several times faster than JSON.parse of the whole
 * file and keeps memory to the file's bytes plus a few MB.
 *
 * The result is JSON text again (the kept values copied byte for byte), so V8's JSON.parse
 * and the zod schema still validate everything that is used. Skipped values are only
 * checked for balanced brackets and terminated strings; anything the scanner does not
 * understand raises SkeletonError and the caller falls back to a full JSON.parse, which
 * either succeeds (so no valid plan is ever rejected here) or reports the syntax error.
 */

/** `true`: keep the whole value. `keys`: an object, keep these keys. `each`: every array element or object entry. */
export type KeepSpec =
  | true
  | { readonly keys: readonly KeptKey[] }
  | { readonly each: KeepSpec };

/** A key to keep, as the bytes between its quotes (compared without building strings). */
export interface KeptKey {
  readonly bytes: Uint8Array;
  readonly spec: KeepSpec;
}

export class SkeletonError extends Error {
  constructor(
    readonly offset: number,
    what: string,
  ) {
    super(`${what} at byte ${offset}`);
    this.name = "SkeletonError";
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;


/** Returns the kept parts of `bytes` (UTF-8 JSON text) as JSON text bytes. */
export function extractSkeleton(bytes: Uint8Array, spec: KeepSpec): Buffer {
  const scanner = new Scanner(bytes);
  scanner.whitespace();
  scanner.value(spec);
  scanner.whitespace();
  if (scanner.pos < bytes.length) throw new SkeletonError(scanner.pos, "unexpected data after the JSON value");
  return scanner.output();
}

/**
 * One pass over the bytes. Output goes into one growing buffer: no per-value objects, so a
 * 50 MB plan does not keep the garbage collector busy.
 */
class Scanner {
  pos = 0;
  private out: Uint8Array;
  private outLength = 0;
  private readonly length: number;

  constructor(private readonly bytes: Uint8Array) {
    this.length = bytes.length;
    this.out = new Uint8Array(Math.max(1024, bytes.length >>> 4));
  }

  output(): Buffer {
    return Buffer.from(this.out.buffer, this.out.byteOffset, this.outLength);
  }

  private emitByte(byte: number): void {
    if (this.outLength === this.out.length) this.grow(1);
    this.out[this.outLength++] = byte;
  }

  private emitRange(start: number, end: number): void {
    const n = end - start;
    if (this.outLength + n > this.out.length) this.grow(n);
    const { bytes, out } = this;
    if (n < 64) {
      let o = this.outLength;
      for (let i = start; i < end; i++) out[o++] = bytes[i];
    } else {
      out.set(bytes.subarray(start, end), this.outLength);
    }
    this.outLength += n;
  }

  private grow(needed: number): void {
    const next = new Uint8Array(Math.max(this.out.length * 2, this.outLength + needed));
    next.set(this.out.subarray(0, this.outLength));
    this.out = next;
  }

  whitespace(): void {
    const { bytes, length } = this;
    let pos = this.pos;
    while (pos < length) {
      const c = bytes[pos];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
    this.pos = pos;
  }

  value(spec: KeepSpec): void {
    const c = this.bytes[this.pos];
    if (spec !== true) {
      if (c === OPEN_BRACE) return this.object(spec);
      if (c === OPEN_BRACKET && "each" in spec) return this.array(spec.each);
    }
    // Kept whole, including a value of an unexpected type: the schema reports that.
    const start = this.pos;
    this.skipValue();
    this.emitRange(start, this.pos);
  }

  private object(spec: { readonly keys: readonly KeptKey[] } | { readonly each: KeepSpec }): void {
    const keys = "keys" in spec ? spec.keys : undefined;
    const each = "each" in spec ? spec.each : undefined;
    this.emitByte(OPEN_BRACE);
    this.pos++;
    this.whitespace();
    let kept = 0;
    if (this.bytes[this.pos] === CLOSE_BRACE) {
      this.pos++;
      this.emitByte(CLOSE_BRACE);
      return;
    }
    for (;;) {
      if (this.bytes[this.pos] !== QUOTE) throw new SkeletonError(this.pos, "expected a string key");
      const keyStart = this.pos;
      this.skipString();
      const keyEnd = this.pos;
      const child = keys !== undefined ? this.findKey(keys, keyStart + 1, keyEnd - 1) : each;
      this.whitespace();
      if (this.bytes[this.pos] !== COLON) throw new SkeletonError(this.pos, "expected ':'");
      this.pos++;
      this.whitespace();
      if (child === undefined) {
        this.skipValue();
      } else {
        if (kept++ > 0) this.emitByte(COMMA);
        this.emitRange(keyStart, keyEnd);
        this.emitByte(COLON);
        this.value(child);
      }
      this.whitespace();
      const c = this.bytes[this.pos];
      this.pos++;
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA) throw new SkeletonError(this.pos - 1, "expected ',' or '}'");
      this.whitespace();
    }
    this.emitByte(CLOSE_BRACE);
  }

  private array(each: KeepSpec): void {
    this.emitByte(OPEN_BRACKET);
    this.pos++;
    this.whitespace();
    if (this.bytes[this.pos] === CLOSE_BRACKET) {
      this.pos++;
      this.emitByte(CLOSE_BRACKET);
      return;
    }
    for (let i = 0; ; i++) {
      if (i > 0) this.emitByte(COMMA);
      this.value(each);
      this.whitespace();
      const c = this.bytes[this.pos];
      this.pos++;
      if (c === CLOSE_BRACKET) break;
      if (c !== COMMA) throw new SkeletonError(this.pos - 1, "expected ',' or ']'");
      this.whitespace();
    }
    this.emitByte(CLOSE_BRACKET);
  }

  /**
   * The spec of the key whose raw bytes are `bytes[start, end)`. Spec keys are plain ASCII,
   * so a key written with escapes matches none (and is skipped, as unknown keys are).
   */
  private findKey(keys: readonly KeptKey[], start: number, end: number): KeepSpec | undefined {
    const n = end - start;
    const { bytes } = this;
    outer: for (const key of keys) {
      if (key.bytes.length !== n) continue;
      for (let i = 0; i < n; i++) if (key.bytes[i] !== bytes[start + i]) continue outer;
      return key.spec;
    }
    return undefined;
  }

  private skipString(): void {
    const { bytes, length } = this;
    let pos = this.pos + 1;
    for (;;) {
      if (pos >= length) throw new SkeletonError(this.pos, "unterminated string");
      const c = bytes[pos++];
      if (c === QUOTE) break;
      if (c === BACKSLASH) pos++;
    }
    this.pos = pos;
  }

  /** Moves past one value of any type without building it. */
  private skipValue(): void {
    const c = this.bytes[this.pos];
    if (c === QUOTE) return this.skipString();
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const end = skipContainer(this.bytes, this.pos, this.length);
      if (end === -1) throw new SkeletonError(this.pos, "unexpected end of input");
      this.pos = end;
      return;
    }
    const { bytes, length } = this;
    // Number, true, false or null: up to the next delimiter.
    let pos = this.pos;
    while (pos < length) {
      const b = bytes[pos];
      if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) break;
      pos++;
    }
    if (pos === this.pos) throw new SkeletonError(this.pos, pos >= length ? "unexpected end of input" : "expected a value");
    this.pos = pos;
  }
}

/** Byte classes for the hot loop: 1 quote, 2 opening bracket, 3 closing bracket, 0 anything else. */
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS[QUOTE] = 1;
BYTE_CLASS[OPEN_BRACE] = 2;
BYTE_CLASS[OPEN_BRACKET] = 2;
BYTE_CLASS[CLOSE_BRACE] = 3;
BYTE_CLASS[CLOSE_BRACKET] = 3;

/**
 * The end of the object or array starting at `pos`, or -1 if the input ends first. This
 * loop touches nearly every byte of a large plan, so it is a plain function over a lookup
 * table (measured faster than comparisons or Buffer.indexOf for short strings).
 */
function skipContainer(bytes: Uint8Array, pos: number, length: number): number {
  let depth = 0;
  while (pos < length) {
    const kind = BYTE_CLASS[bytes[pos++]];
    if (kind === 0) continue;
    if (kind === 1) {
      for (;;) {
        if (pos >= length) return -1;
        const s = bytes[pos++];
        if (s === QUOTE) break;
        if (s === BACKSLASH) pos++;
      }
    } else if (kind === 2) {
      depth++;
    } else if (--depth === 0) {
      return pos;
    }
  }
  return -1;
}

/** Builds a KeepSpec object from a plain description. */
export function keep(keys: Record<string, KeepSpec>): KeepSpec {
  return { keys: Object.entries(keys).map(([key, spec]) => ({ bytes: Buffer.from(key, "latin1"), spec })) };
}

export function each(spec: KeepSpec): KeepSpec {
  return { each: spec };
}
