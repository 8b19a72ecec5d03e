/**
 * One JSON reader for both gates (plan-review and policy). It validates the whole text and
 * extracts only a skeleton of it: the parts a caller names, and of the rest nothing.
 *
 * For plans the skeleton is the small part the review reads — addresses, actions, reasons,
 * paths, and the *kind* of each before/after value — without building the attribute values
 * (`before`, `after`, `planned_values`, `prior_state`, …) that make up nearly all of a large
 * plan. It streams: one pass over the bytes through a window of about 1 MiB, so a 50 MB plan
 * costs neither a full JSON.parse (several times slower) nor 50 MB of memory.
 *
 * It is a complete JSON validator (RFC 8259): every skipped value is checked token by token
 * (strings and their escapes, numbers, literals, commas and colons) and the bytes must be
 * UTF-8, so a file is read only if all of it is valid JSON — `"before": tru` or `{"a":1,,}`
 * deep inside a value nobody reads is still an error. Nesting deeper than MAX_DEPTH is
 * refused (the scanner keeps its own stack, so depth cannot overflow the call stack). Keys
 * of the objects it keeps are matched after decoding escapes, and a kept key given twice is
 * refused: readers disagree on which duplicate wins, and a gate must not read a different
 * document than the tool that acts on it.
 *
 * The result is JSON text again (kept values copied byte for byte), which the caller parses
 * and validates with its schema. Errors carry a byte offset; describeSkeletonError turns one
 * into a message with line and column that never quotes the text (it may hold secrets).
 */
import { isUtf8 } from "node:buffer";
import { readSync } from "node:fs";

/**
 * `true`: keep the whole value. `"shape"`: keep only what kind of value it is (`{}`, `[]`,
 * `""`, `0`, or the literal true/false/null). `keys`: an object, keep these keys. `each`:
 * every array element or object entry.
 */
export type KeepSpec =
  | true
  | typeof SHAPE
  | { readonly keys: readonly KeptKey[] }
  | { readonly each: KeepSpec };

export const SHAPE = "shape";

/** A key to keep: its name and its raw bytes (compared without building strings). */
export interface KeptKey {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly spec: KeepSpec;
}

/** Deepest nesting of objects and arrays read; Terraform plans use a few dozen levels, cdktf stacks about ten. */
export const MAX_DEPTH = 512;

/**
 * Why the text was refused: `syntax` (not JSON), `truncated` (ends inside a value),
 * `too-deep` (nesting over MAX_DEPTH), `duplicate-key` (a kept key given twice),
 * `encoding` (not UTF-8).
 */
export type SkeletonProblem = "syntax" | "truncated" | "too-deep" | "duplicate-key" | "encoding";

/** Something the scanner refuses; `offset` is the byte offset in the scanned text. */
export class SkeletonError extends Error {
  constructor(
    readonly offset: number,
    readonly what: string,
    readonly problem: SkeletonProblem = "syntax",
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
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const END = -1;

const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");
const NULL = Buffer.from("null");
const EMPTY_OBJECT = Buffer.from("{}");
const EMPTY_ARRAY = Buffer.from("[]");
const EMPTY_STRING = Buffer.from('""');
const ZERO_NUMBER = Buffer.from("0");

/** Bytes inside a string: 0 ordinary, 1 the closing quote, 2 an escape, 3 a control character (must be escaped). */
const STRING_BYTE = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) STRING_BYTE[b] = 3;
STRING_BYTE[QUOTE] = 1;
STRING_BYTE[BACKSLASH] = 2;

/** Escapes JSON allows after a backslash, besides `u`. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;

const HEX = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX[c.charCodeAt(0)] = 1;

/** Bytes that may appear in a number or literal (a run of them is checked by isNumberOrLiteral). */
const SCALAR_BYTE = new Uint8Array(256);
for (const c of "0123456789+-.eEtrufalsn") SCALAR_BYTE[c.charCodeAt(0)] = 1;

/** States of the iterative validator in skipValue. */
const EXPECT_VALUE = 0;
const EXPECT_VALUE_OR_CLOSE = 1;
const EXPECT_KEY = 2;
const EXPECT_KEY_OR_CLOSE = 3;
const EXPECT_COLON = 4;
const AFTER_VALUE = 5;

const IN_OBJECT = 0;
const IN_ARRAY = 1;

export interface ScanOptions {
  /** The window's starting size (tests make it tiny to cross every boundary). @default WINDOW_BYTES */
  readonly windowBytes?: number;
  /**
   * Refuse a key given twice in any object, not only in kept ones. Costs a set of names per
   * object, so plans (where only the kept keys decide anything) leave it off. @default false
   */
  readonly uniqueKeys?: boolean;
}

/** The kept parts of `bytes` (UTF-8 JSON text) as JSON text bytes. */
export function extractSkeleton(bytes: Uint8Array, spec: KeepSpec, options: ScanOptions = {}): Buffer {
  let offset = 0;
  // A window no larger than the text: small inputs (a stack, a test's plan) skip zeroing 1 MiB.
  const windowBytes = options.windowBytes ?? Math.min(WINDOW_BYTES, Math.max(64, bytes.length));
  return extractSkeletonFrom(
    (into, at, length) => {
      const n = Math.min(length, bytes.length - offset);
      into.set(bytes.subarray(offset, offset + n), at);
      offset += n;
      return n;
    },
    spec,
    { ...options, windowBytes },
  );
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

export function extractSkeletonFrom(source: ByteSource, spec: KeepSpec, options: ScanOptions = {}): Buffer {
  const scanner = new Scanner(utf8Checked(source), options.windowBytes ?? WINDOW_BYTES, options.uniqueKeys ?? false);
  scanner.whitespace();
  if (scanner.peek() === END) throw new SkeletonError(0, "the file is empty", "truncated");
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
  /** Objects and arrays open around `pos`; `containers[i]` says which kind level i is (skipped values only). */
  private depth = 0;
  private readonly containers = new Uint8Array(MAX_DEPTH);
  /** With uniqueKeys: the names seen so far in the object open at each level. */
  private readonly keySets: Set<string>[] | undefined;

  constructor(
    private readonly source: ByteSource,
    windowBytes: number,
    uniqueKeys: boolean,
  ) {
    this.buf = new Uint8Array(windowBytes);
    this.out = new Uint8Array(windowBytes);
    this.keySets = uniqueKeys ? [] : undefined;
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
    if (spec === SHAPE) return this.shape(c);
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

  /** Validates the value and emits only its kind. */
  private shape(c: number): void {
    this.skipValue();
    if (c === OPEN_BRACE) this.emitBytes(EMPTY_OBJECT);
    else if (c === OPEN_BRACKET) this.emitBytes(EMPTY_ARRAY);
    else if (c === QUOTE) this.emitBytes(EMPTY_STRING);
    else if (c === 0x74) this.emitBytes(TRUE);
    else if (c === 0x66) this.emitBytes(FALSE);
    else if (c === 0x6e) this.emitBytes(NULL);
    else this.emitBytes(ZERO_NUMBER);
  }

  private object(spec: { readonly keys: readonly KeptKey[] } | { readonly each: KeepSpec }): void {
    const keys = "keys" in spec ? spec.keys : undefined;
    const each = "each" in spec ? spec.each : undefined;
    this.enter();
    this.emitByte(OPEN_BRACE);
    this.pos++;
    this.whitespace();
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
      this.emitByte(CLOSE_BRACE);
      this.depth--;
      return;
    }
    let kept = 0;
    let seenKeys = 0; // bit i: keys[i] was given
    let seenNames: Set<string> | undefined; // entry names of an `each` object
    for (;;) {
      const c = this.peek();
      if (c !== QUOTE) this.fail(c, "expected a string key");
      const keyOffset = this.offset();
      this.pin = this.pos;
      this.skipString();
      if (this.keySets) this.uniqueKey(this.pinnedString(), keyOffset);
      let child: KeepSpec | undefined;
      if (keys !== undefined) {
        const index = this.findKey(keys, this.pin + 1, this.pos - 1);
        if (index !== -1) {
          if (seenKeys & (1 << index)) this.duplicate(keys[index].name, keyOffset);
          seenKeys |= 1 << index;
          child = keys[index].spec;
        }
      } else {
        const name = this.pinnedString();
        seenNames ??= new Set();
        if (seenNames.has(name)) this.duplicate(name, keyOffset);
        seenNames.add(name);
        child = each;
      }
      if (child !== undefined) {
        if (kept++ > 0) this.emitByte(COMMA);
        this.emitRange(this.pin, this.pos);
        this.emitByte(COLON);
      }
      this.pin = -1;
      this.whitespace();
      const colon = this.peek();
      if (colon !== COLON) this.fail(colon, "expected ':' after a key");
      this.pos++;
      this.whitespace();
      if (child === undefined) this.skipValue();
      else this.value(child);
      this.whitespace();
      const next = this.peek();
      if (next === CLOSE_BRACE) break;
      if (next !== COMMA) this.fail(next, "expected ',' or '}' after a value in an object");
      this.pos++;
      this.whitespace();
    }
    this.pos++;
    this.emitByte(CLOSE_BRACE);
    this.depth--;
  }

  private array(each: KeepSpec): void {
    this.enter();
    this.emitByte(OPEN_BRACKET);
    this.pos++;
    this.whitespace();
    if (this.peek() === CLOSE_BRACKET) {
      this.pos++;
      this.emitByte(CLOSE_BRACKET);
      this.depth--;
      return;
    }
    for (let i = 0; ; i++) {
      if (i > 0) this.emitByte(COMMA);
      this.value(each);
      this.whitespace();
      const c = this.peek();
      if (c === CLOSE_BRACKET) break;
      if (c !== COMMA) this.fail(c, "expected ',' or ']' after a value in an array");
      this.pos++;
      this.whitespace();
    }
    this.pos++;
    this.emitByte(CLOSE_BRACKET);
    this.depth--;
  }

  /** One more level of nesting, within MAX_DEPTH. */
  private enter(): void {
    if (this.depth >= MAX_DEPTH) {
      throw new SkeletonError(this.offset(), `objects and arrays are nested more than ${MAX_DEPTH} levels deep`, "too-deep");
    }
    if (this.keySets) this.keySets[this.depth] = new Set();
    this.depth++;
  }

  /** With uniqueKeys: refuses `name` if the object open at this level had it already. */
  private uniqueKey(name: string, offset: number): void {
    const seen = this.keySets?.[this.depth - 1];
    if (seen === undefined) return;
    if (seen.has(name)) this.duplicate(name, offset);
    seen.add(name);
  }

  /** With uniqueKeys: past the key string at `pos` in a skipped object, checking it is new there. */
  private skipUniqueKey(): void {
    const keyOffset = this.offset();
    const outerPin = this.pin;
    if (outerPin < 0) this.pin = this.pos; // keeps the key in the window while it is read
    this.skipString();
    const start = keyOffset - this.base;
    const name = JSON.parse(Buffer.from(this.buf.buffer, this.buf.byteOffset + start, this.pos - start).toString("utf8")) as string;
    this.pin = outerPin;
    this.uniqueKey(name, keyOffset);
  }

  /**
   * The index of the key whose raw bytes (between the quotes) are `buf[start, end)`, or -1.
   * Spec keys are plain ASCII, so a key written with escapes is decoded before it is compared:
   * `"\u0061ctions"` is `actions` to every JSON reader, so it is `actions` here too.
   */
  private findKey(keys: readonly KeptKey[], start: number, end: number): number {
    const n = end - start;
    const { buf } = this;
    outer: for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      if (key.bytes.length !== n) continue;
      for (let i = 0; i < n; i++) if (key.bytes[i] !== buf[start + i]) continue outer;
      return k;
    }
    if (buf.subarray(start, end).includes(BACKSLASH)) {
      const name = this.pinnedString();
      return keys.findIndex((key) => key.name === name);
    }
    return -1;
  }

  /** The pinned string token (`buf[pin, pos)`, quotes included), decoded. */
  private pinnedString(): string {
    return JSON.parse(Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pin, this.pos - this.pin).toString("utf8")) as string;
  }

  private duplicate(name: string, offset: number): never {
    throw new SkeletonError(offset, `key ${JSON.stringify(name)} appears twice in one object`, "duplicate-key");
  }

  /** An error at `pos`: the input ended (`c` is END) or `what` is wrong there. */
  private fail(c: number, what: string): never {
    if (c === END) throw new SkeletonError(this.offset(), "unexpected end of input", "truncated");
    throw new SkeletonError(this.offset(), what);
  }

  /**
   * Moves past one value of any type, validating it without building it. Iterative, with
   * the kinds of the open containers in `containers`, so no input can exhaust the stack.
   * This loop touches nearly every byte of a large plan, so it works on the window in local
   * variables and leaves the rare cases (escapes, numbers, literals, a token cut by the
   * window's end) to the methods that read through peek().
   */
  private skipValue(): void {
    const floor = this.depth;
    const { containers } = this;
    let state = EXPECT_VALUE;
    let { buf, end, pos } = this;
    for (;;) {
      if (state === AFTER_VALUE && this.depth === floor) {
        this.pos = pos;
        return;
      }
      let c: number; // the next byte that is not whitespace, or END
      for (;;) {
        if (pos >= end) {
          this.pos = pos;
          if (!this.fill()) {
            c = END;
            break;
          }
          ({ buf, end, pos } = this);
        }
        c = buf[pos];
        if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
        pos++;
      }
      this.pos = pos; // for error offsets
      if (state === AFTER_VALUE) {
        const inObject = containers[this.depth - 1] === IN_OBJECT;
        if (c === COMMA) {
          state = inObject ? EXPECT_KEY : EXPECT_VALUE;
        } else if (c === (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
          this.depth--;
        } else {
          this.fail(c, inObject ? "expected ',' or '}' after a value in an object" : "expected ',' or ']' after a value in an array");
        }
        pos++;
        continue;
      }
      if (state === EXPECT_COLON) {
        if (c !== COLON) this.fail(c, "expected ':' after a key");
        pos++;
        state = EXPECT_VALUE;
        continue;
      }
      if ((state === EXPECT_KEY_OR_CLOSE && c === CLOSE_BRACE) || (state === EXPECT_VALUE_OR_CLOSE && c === CLOSE_BRACKET)) {
        pos++;
        this.depth--;
        state = AFTER_VALUE;
        continue;
      }
      if (state === EXPECT_KEY || state === EXPECT_KEY_OR_CLOSE) {
        if (c !== QUOTE) this.fail(c, "expected a string key");
        state = EXPECT_COLON;
        if (this.keySets) {
          this.skipUniqueKey();
          ({ buf, end, pos } = this);
          continue;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.enter();
        containers[this.depth - 1] = c === OPEN_BRACE ? IN_OBJECT : IN_ARRAY;
        pos++;
        state = c === OPEN_BRACE ? EXPECT_KEY_OR_CLOSE : EXPECT_VALUE_OR_CLOSE;
        continue;
      } else {
        state = AFTER_VALUE;
        if (c !== QUOTE) {
          // A number or literal ends before the window does: check its bytes in place.
          let stop = pos;
          while (stop < end && SCALAR_BYTE[buf[stop]] === 1) stop++;
          if (stop < end && stop > pos && isNumberOrLiteral(buf, pos, stop)) {
            pos = stop;
          } else {
            this.scalar(c);
            ({ buf, end, pos } = this);
          }
          continue;
        }
      }
      // A key or string value: most bytes of a plan are in one, and most end in this window.
      const after = this.stringEnd(pos + 1);
      if (after !== -1) {
        pos = after;
        continue;
      }
      this.skipString(); // from its opening quote, at this.pos
      ({ buf, end, pos } = this);
    }
  }

  /** A string, number, true, false or null starting with `c`. */
  private scalar(c: number): void {
    if (c === QUOTE) this.skipString();
    else if (c === MINUS || (c >= ZERO && c <= NINE)) this.skipNumber();
    else if (c === 0x74) this.literal(TRUE);
    else if (c === 0x66) this.literal(FALSE);
    else if (c === 0x6e) this.literal(NULL);
    else this.fail(c, "expected a value (an object, array, string, number, true, false or null)");
  }

  private literal(word: Uint8Array): void {
    for (const byte of word) {
      const c = this.peek();
      if (c !== byte) this.fail(c, "expected true, false or null");
      this.pos++;
    }
  }

  /** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: no NaN, Infinity, leading zeros, `+` or bare dots. */
  private skipNumber(): void {
    let c = this.peek();
    if (c === MINUS) {
      this.pos++;
      c = this.peek();
    }
    if (c === ZERO) this.pos++;
    else if (c > ZERO && c <= NINE) this.digits();
    else this.fail(c, "invalid number: expected a digit");
    c = this.peek();
    if (c === DOT) {
      this.pos++;
      c = this.peek();
      if (c < ZERO || c > NINE) this.fail(c, "invalid number: expected a digit after '.'");
      this.digits();
      c = this.peek();
    }
    if (c === 0x65 || c === 0x45) {
      this.pos++;
      c = this.peek();
      if (c === PLUS || c === MINUS) {
        this.pos++;
        c = this.peek();
      }
      if (c < ZERO || c > NINE) this.fail(c, "invalid number: expected a digit in the exponent");
      this.digits();
    }
  }

  private digits(): void {
    for (;;) {
      const c = this.peek();
      if (c < ZERO || c > NINE) return;
      this.pos++;
    }
  }

  /**
   * Where the string whose body starts at `pos` ends (just past its closing quote) when all
   * of it is in the window and valid; -1 when the window ends first or a byte needs a closer
   * look (skipString reads it through peek() and reports what is wrong).
   */
  private stringEnd(pos: number): number {
    const { buf, end } = this;
    while (pos < end) {
      const kind = STRING_BYTE[buf[pos]];
      if (kind === 0) {
        pos++;
      } else if (kind === 1) {
        return pos + 1;
      } else if (kind === 2 && pos + 1 < end && SIMPLE_ESCAPE[buf[pos + 1]] === 1) {
        pos += 2;
      } else if (kind === 2 && pos + 5 < end && buf[pos + 1] === 0x75 && HEX[buf[pos + 2]] & HEX[buf[pos + 3]] & HEX[buf[pos + 4]] & HEX[buf[pos + 5]]) {
        pos += 6;
      } else {
        return -1;
      }
    }
    return -1;
  }

  /** Past the string at `pos`, checking escapes and that control characters are escaped, across window refills. */
  private skipString(): void {
    const start = this.offset();
    this.pos++; // the opening quote
    for (;;) {
      const fast = this.stringEnd(this.pos);
      if (fast !== -1) {
        this.pos = fast;
        return;
      }
      const { buf, end } = this;
      let pos = this.pos;
      let kind = 0;
      while (pos < end && (kind = STRING_BYTE[buf[pos]]) === 0) pos++;
      this.pos = pos;
      if (pos >= end) {
        if (!this.fill()) throw new SkeletonError(start, "unterminated string", "truncated");
        continue;
      }
      if (kind === 1) {
        this.pos++;
        return;
      }
      if (kind === 3) throw new SkeletonError(this.offset(), "control character in a string (it must be escaped)");
      this.escape();
    }
  }

  /** `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` or `\u` and four hex digits, at `pos`. */
  private escape(): void {
    this.pos++; // the backslash
    const c = this.peek();
    if (c !== END && SIMPLE_ESCAPE[c] === 1) {
      this.pos++;
      return;
    }
    if (c !== 0x75) this.fail(c, "invalid escape in a string");
    this.pos++;
    for (let i = 0; i < 4; i++) {
      const h = this.peek();
      if (h === END || HEX[h] !== 1) this.fail(h, "invalid \\u escape in a string (four hex digits expected)");
      this.pos++;
    }
  }

  private emitByte(byte: number): void {
    if (this.outLength === this.out.length) this.grow(1);
    this.out[this.outLength++] = byte;
  }

  private emitBytes(bytes: Uint8Array): void {
    if (this.outLength + bytes.length > this.out.length) this.grow(bytes.length);
    this.out.set(bytes, this.outLength);
    this.outLength += bytes.length;
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

/** Whether `buf[start, stop)` is exactly `true`, `false`, `null` or a JSON number. */
function isNumberOrLiteral(buf: Uint8Array, start: number, stop: number): boolean {
  const first = buf[start];
  if (first === 0x74) return matches(buf, start, stop, TRUE);
  if (first === 0x66) return matches(buf, start, stop, FALSE);
  if (first === 0x6e) return matches(buf, start, stop, NULL);
  let i = start;
  if (buf[i] === MINUS) i++;
  if (buf[i] === ZERO) i++;
  else if (buf[i] > ZERO && buf[i] <= NINE) while (i < stop && buf[i] >= ZERO && buf[i] <= NINE) i++;
  else return false;
  if (i < stop && buf[i] === DOT) {
    const digitsFrom = ++i;
    while (i < stop && buf[i] >= ZERO && buf[i] <= NINE) i++;
    if (i === digitsFrom) return false;
  }
  if (i < stop && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    if (i < stop && (buf[i] === PLUS || buf[i] === MINUS)) i++;
    const digitsFrom = i;
    while (i < stop && buf[i] >= ZERO && buf[i] <= NINE) i++;
    if (i === digitsFrom) return false;
  }
  return i === stop;
}

function matches(buf: Uint8Array, start: number, stop: number, word: Uint8Array): boolean {
  if (stop - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[start + i] !== word[i]) return false;
  return true;
}

/**
 * The same source, refusing bytes that are not UTF-8. Each chunk is checked as it arrives
 * (Node's native isUtf8); a character split across chunks is checked when it completes.
 */
export function utf8Checked(source: ByteSource): ByteSource {
  let carry: Uint8Array = new Uint8Array(0); // the incomplete character at the end of the last chunk
  let total = 0;
  const refuse = (): never => {
    throw new SkeletonError(total, "the text is not valid UTF-8", "encoding");
  };
  return (into, at, length) => {
    const n = source(into, at, length);
    if (n === 0) {
      if (carry.length > 0) refuse();
      return 0;
    }
    let chunk = into.subarray(at, at + n);
    if (carry.length > 0) {
      const missing = sequenceLength(carry[0]) - carry.length;
      if (n < missing) {
        carry = Buffer.concat([carry, chunk]);
        total += n;
        return n;
      }
      if (!isUtf8(Buffer.concat([carry, chunk.subarray(0, missing)]))) refuse();
      chunk = chunk.subarray(missing);
    }
    const cut = completeLength(chunk);
    if (!isUtf8(chunk.subarray(0, cut))) refuse();
    carry = chunk.slice(cut);
    total += n;
    return n;
  };
}

/** Bytes in the UTF-8 sequence a lead byte starts (invalid leads count as 1: isUtf8 refuses them). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** Length of `bytes` without an incomplete character at its end. */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const b = bytes[i];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    return b >= 0xc0 && i + sequenceLength(b) > n ? i : n;
  }
  return n;
}

/** Builds a KeepSpec object from a plain description. */
export function keep(keys: Record<string, KeepSpec>): KeepSpec {
  const entries = Object.entries(keys);
  if (entries.length > 30) throw new Error("keep(): at most 30 keys per object (duplicates are tracked in a bit mask)");
  return { keys: entries.map(([name, spec]) => ({ name, bytes: Buffer.from(name, "latin1"), spec })) };
}

export function each(spec: KeepSpec): KeepSpec {
  return { each: spec };
}

/**
 * What is wrong with the text and where, for `<file>: <this>`; never a quote of the text.
 * `text()` gives the scanned bytes again, only to turn the offset into a line and column.
 */
export function describeSkeletonError(error: SkeletonError, text: () => Uint8Array): string {
  const where = () => `at ${lineAndColumn(text(), error.offset)}`;
  switch (error.problem) {
    case "encoding":
      return "is not valid UTF-8 text";
    case "truncated":
      return `is not valid JSON (${error.offset === 0 ? "the file is empty" : "it ends unexpectedly"})`;
    case "too-deep":
    case "duplicate-key":
      return `${error.what} (${where()})`;
    case "syntax":
      return `is not valid JSON (${error.what} ${where()})`;
  }
}

/** The kind of a JSON value, for messages that must not show the value itself. */
export function kindOf(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "boolean") return "a boolean";
  return `a ${typeof value}`;
}

/** Line and column (in bytes) of a byte offset in UTF-8 text. */
function lineAndColumn(bytes: Uint8Array, offset: number): string {
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
