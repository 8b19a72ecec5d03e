/**
 * Extracts the small part of a plan's JSON text that plan-review reads — addresses,
 * actions, reasons, paths — without building the attribute values (`before`, `after`,
 * `planned_values`, `prior_state`, …) that make up nearly all of a large plan. It streams:
 * one pass over the bytes through a window of about 1 MiB, so a 50 MB plan costs neither
 * a full JSON.parse (several times slower) nor 50 MB of memory.
 *
 * The result is JSON text again (the kept values copied byte for byte), so V8's JSON.parse
 * and the zod schema still validate everything that is used. Skipped values are only
 * checked for balanced brackets and terminated strings; anything the scanner does not
 * understand raises SkeletonError and the caller falls back to a full JSON.parse, which
 * either succeeds (so no valid plan is ever rejected here) or reports the syntax error.
 */
import { readSync } from "node:fs";

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

/** Something the scanner cannot read; `offset` is the byte offset in the scanned text. */
export class SkeletonError extends Error {
  constructor(
    readonly offset: number,
    what: string,
  ) {
    super(`${what} at byte ${offset}`);
    this.name = "SkeletonError";
  }
}

/** Where the bytes come from: fills `into[offset, offset + length)` and returns the count, 0 at the end. */
export type ByteSource = (into: Uint8Array, offset: number, length: number) => number;

/** The window's starting size; it only grows to hold one kept value or key that is larger. */
export const WINDOW_BYTES = 1 << 20;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const END = -1;

/** Byte classes for the hot loop: 1 quote, 2 opening bracket, 3 closing bracket, 0 anything else. */
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS[QUOTE] = 1;
BYTE_CLASS[OPEN_BRACE] = 2;
BYTE_CLASS[OPEN_BRACKET] = 2;
BYTE_CLASS[CLOSE_BRACE] = 3;
BYTE_CLASS[CLOSE_BRACKET] = 3;

/** The kept parts of `bytes` (UTF-8 JSON text) as JSON text bytes. */
export function extractSkeleton(bytes: Uint8Array, spec: KeepSpec): Buffer {
  let offset = 0;
  return extractSkeletonFrom((into, at, length) => {
    const n = Math.min(length, bytes.length - offset);
    into.set(bytes.subarray(offset, offset + n), at);
    offset += n;
    return n;
  }, spec);
}

/** The kept parts of an open file's UTF-8 JSON text, read from byte `start` on. */
export function extractSkeletonFromFile(fd: number, start: number, spec: KeepSpec): Buffer {
  let position = start;
  return extractSkeletonFrom((into, at, length) => {
    const n = readSync(fd, into, at, length, position);
    position += n;
    return n;
  }, spec);
}

/** `windowBytes` is the window's starting size (tests make it tiny to cross every boundary). */
export function extractSkeletonFrom(source: ByteSource, spec: KeepSpec, windowBytes = WINDOW_BYTES): Buffer {
  const scanner = new Scanner(source, windowBytes);
  scanner.whitespace();
  scanner.value(spec);
  scanner.whitespace();
  if (scanner.peek() !== END) throw new SkeletonError(scanner.offset(), "unexpected data after the JSON value");
  return scanner.output();
}

/**
 * One pass over the text through a refillable window (`buf[0, end)`, `base` bytes into the
 * text). `pin` keeps a key or kept value in the window while it is being read. Output goes
 * into one growing buffer: no per-value objects, so the garbage collector stays idle.
 */
class Scanner {
  private buf: Uint8Array;
  private end = 0;
  private pos = 0;
  private base = 0;
  private pin = -1;
  private eof = false;
  private out: Uint8Array;
  private outLength = 0;

  constructor(
    private readonly source: ByteSource,
    windowBytes: number,
  ) {
    this.buf = new Uint8Array(windowBytes);
    this.out = new Uint8Array(windowBytes);
  }

  offset(): number {
    return this.base + this.pos;
  }

  output(): Buffer {
    return Buffer.from(this.out.buffer, this.out.byteOffset, this.outLength);
  }

  /** The byte at `pos` (refilling the window if needed), or END. */
  peek(): number {
    if (this.pos >= this.end && !this.fill()) return END;
    return this.buf[this.pos];
  }

  /**
   * Moves the pinned (or unread) bytes to the front of the window and reads more after
   * them, growing the window only when the pinned bytes fill it. False at the end of input.
   */
  private fill(): boolean {
    if (this.eof) return false;
    const keepFrom = this.pin >= 0 ? this.pin : Math.min(this.pos, this.end);
    if (keepFrom > 0) {
      this.buf.copyWithin(0, keepFrom, this.end);
      this.end -= keepFrom;
      this.pos -= keepFrom;
      this.base += keepFrom;
      if (this.pin >= 0) this.pin -= keepFrom;
    }
    if (this.end === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf.subarray(0, this.end));
      this.buf = bigger;
    }
    const n = this.source(this.buf, this.end, this.buf.length - this.end);
    if (n === 0) {
      this.eof = true;
      return false;
    }
    this.end += n;
    return true;
  }

  whitespace(): void {
    for (;;) {
      const c = this.peek();
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  value(spec: KeepSpec): void {
    const c = this.peek();
    if (spec !== true) {
      if (c === OPEN_BRACE) return this.object(spec);
      if (c === OPEN_BRACKET && "each" in spec) return this.array(spec.each);
    }
    // Kept whole, including a value of an unexpected type: the schema reports that.
    this.pin = this.pos;
    this.skipValue();
    this.emitRange(this.pin, this.pos);
    this.pin = -1;
  }

  private object(spec: { readonly keys: readonly KeptKey[] } | { readonly each: KeepSpec }): void {
    const keys = "keys" in spec ? spec.keys : undefined;
    const each = "each" in spec ? spec.each : undefined;
    this.emitByte(OPEN_BRACE);
    this.pos++;
    this.whitespace();
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
      this.emitByte(CLOSE_BRACE);
      return;
    }
    let kept = 0;
    for (;;) {
      if (this.peek() !== QUOTE) throw new SkeletonError(this.offset(), "expected a string key");
      this.pin = this.pos;
      this.skipString();
      const child = keys !== undefined ? this.findKey(keys, this.pin + 1, this.pos - 1) : each;
      if (child !== undefined) {
        if (kept++ > 0) this.emitByte(COMMA);
        this.emitRange(this.pin, this.pos);
        this.emitByte(COLON);
      }
      this.pin = -1;
      this.whitespace();
      if (this.peek() !== COLON) throw new SkeletonError(this.offset(), "expected ':'");
      this.pos++;
      this.whitespace();
      if (child === undefined) this.skipValue();
      else this.value(child);
      this.whitespace();
      const c = this.peek();
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA) throw new SkeletonError(this.offset(), "expected ',' or '}'");
      this.pos++;
      this.whitespace();
    }
    this.pos++;
    this.emitByte(CLOSE_BRACE);
  }

  private array(each: KeepSpec): void {
    this.emitByte(OPEN_BRACKET);
    this.pos++;
    this.whitespace();
    if (this.peek() === CLOSE_BRACKET) {
      this.pos++;
      this.emitByte(CLOSE_BRACKET);
      return;
    }
    for (let i = 0; ; i++) {
      if (i > 0) this.emitByte(COMMA);
      this.value(each);
      this.whitespace();
      const c = this.peek();
      if (c === CLOSE_BRACKET) break;
      if (c !== COMMA) throw new SkeletonError(this.offset(), "expected ',' or ']'");
      this.pos++;
      this.whitespace();
    }
    this.pos++;
    this.emitByte(CLOSE_BRACKET);
  }

  /**
   * The spec of the key whose raw bytes are `buf[start, end)`. Spec keys are plain ASCII,
   * so a key written with escapes matches none (and is skipped, as unknown keys are).
   */
  private findKey(keys: readonly KeptKey[], start: number, end: number): KeepSpec | undefined {
    const n = end - start;
    const { buf } = this;
    outer: for (const key of keys) {
      if (key.bytes.length !== n) continue;
      for (let i = 0; i < n; i++) if (key.bytes[i] !== buf[start + i]) continue outer;
      return key.spec;
    }
    return undefined;
  }

  /** Moves past one value of any type without building it. */
  private skipValue(): void {
    const c = this.peek();
    if (c === QUOTE) return this.skipString();
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return this.skipContainer();
    // Number, true, false or null: up to the next delimiter.
    const start = this.offset();
    for (;;) {
      const b = this.peek();
      if (b === END || b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) break;
      this.pos++;
    }
    if (this.offset() === start) throw new SkeletonError(start, c === END ? "unexpected end of input" : "expected a value");
  }

  private skipString(): void {
    const start = this.offset();
    this.pos++; // the opening quote
    for (;;) {
      const { buf, end } = this;
      let pos = this.pos;
      while (pos < end) {
        const c = buf[pos++];
        if (c === QUOTE) {
          this.pos = pos;
          return;
        }
        if (c === BACKSLASH) pos++; // may step past `end`: fill() keeps the position consistent
      }
      this.pos = pos;
      if (!this.fill()) throw new SkeletonError(start, "unterminated string");
    }
  }

  /**
   * Past the object or array at `pos`. This loop touches nearly every byte of a large
   * plan, so it works on the window directly, over a byte-class table (measured faster
   * than comparisons or Buffer.indexOf for the short strings plans are made of).
   */
  private skipContainer(): void {
    const start = this.offset();
    let depth = 0;
    let inString = false;
    for (;;) {
      const { buf, end } = this;
      let pos = this.pos;
      while (pos < end) {
        if (inString) {
          const c = buf[pos++];
          if (c === QUOTE) inString = false;
          else if (c === BACKSLASH) pos++;
          continue;
        }
        const kind = BYTE_CLASS[buf[pos++]];
        if (kind === 0) continue;
        if (kind === 1) {
          // Most bytes are inside strings: scan them in a tight inner loop.
          for (;;) {
            if (pos >= end) {
              inString = true;
              break;
            }
            const c = buf[pos++];
            if (c === QUOTE) break;
            if (c === BACKSLASH) pos++;
          }
        } else if (kind === 2) {
          depth++;
        } else if (--depth === 0) {
          this.pos = pos;
          return;
        }
      }
      this.pos = pos;
      if (!this.fill()) throw new SkeletonError(start, "unexpected end of input");
    }
  }

  private emitByte(byte: number): void {
    if (this.outLength === this.out.length) this.grow(1);
    this.out[this.outLength++] = byte;
  }

  private emitRange(start: number, end: number): void {
    const n = end - start;
    if (this.outLength + n > this.out.length) this.grow(n);
    const { buf, out } = this;
    if (n < 64) {
      let o = this.outLength;
      for (let i = start; i < end; i++) out[o++] = buf[i];
    } else {
      out.set(buf.subarray(start, end), this.outLength);
    }
    this.outLength += n;
  }

  private grow(needed: number): void {
    const next = new Uint8Array(Math.max(this.out.length * 2, this.outLength + needed));
    next.set(this.out.subarray(0, this.outLength));
    this.out = next;
  }
}

/** Builds a KeepSpec object from a plain description. */
export function keep(keys: Record<string, KeepSpec>): KeepSpec {
  return { keys: Object.entries(keys).map(([key, spec]) => ({ bytes: Buffer.from(key, "latin1"), spec })) };
}

export function each(spec: KeepSpec): KeepSpec {
  return { each: spec };
}
