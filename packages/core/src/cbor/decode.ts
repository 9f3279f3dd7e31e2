import { utf8Decode } from "../bytes.js";
import { isRotkitError, RotkitError, type RotkitErrorCode } from "../errors.js";
import { encodeCbor } from "./encode.js";
import { decodeHalf, halfBits } from "./float.js";
import { asciiText } from "./intern.js";
import { type ResolvedCborOptions, resolveCborOptions } from "./limits.js";
import { type CborDecodeOptions, type CborMap, CborSimple, CborTag, type CborValue } from "./types.js";

// A strict, single-pass CBOR decoder (RFC 8949). It validates and builds values at once, with an explicit stack
// instead of recursion so nesting can never overflow the JS call stack, whatever maxDepth a caller chooses.
// Every declared length is compared with the bytes left before anything is allocated (RFC 8949 §10).

const ARRAY = 0;
const MAP = 1;
const TAG = 2;

/** One open container. Frames are reused between items of a call to keep the hot loop allocation-free. */
interface Frame {
  kind: number;
  /** Items (array) or pairs (map) still expected; -1 for an indefinite-length container. */
  remaining: number;
  start: number;
  arr: CborValue[];
  map: CborMap;
  tag: number;
  key: CborValue;
  hasKey: boolean;
  /** Encoded range of the current and the previous key, for the §4.2.1 ordering check. */
  keyStart: number;
  prevKeyStart: number;
  prevKeyEnd: number;
  /**
   * Canonical encodings of the non-primitive keys seen, for duplicate detection. Built when a second such key
   * arrives: a map with one (a SUIT text map's component key) never needs it.
   */
  objectKeys: Set<string> | undefined;
  /** The first non-primitive key of the map and where it starts, until objectKeys is built. */
  firstObjectKey: CborValue;
  firstObjectKeyStart: number;
}

const EMPTY_ARRAY: CborValue[] = [];
const EMPTY_MAP: CborMap = new Map();

function newFrame(): Frame {
  return {
    kind: ARRAY,
    remaining: 0,
    start: 0,
    arr: EMPTY_ARRAY,
    map: EMPTY_MAP,
    tag: 0,
    key: undefined,
    hasKey: false,
    keyStart: -1,
    prevKeyStart: -1,
    prevKeyEnd: -1,
    objectKeys: undefined,
    firstObjectKey: undefined,
    firstObjectKeyStart: -1,
  };
}

function fail(code: RotkitErrorCode, what: string, at: number): never {
  throw new RotkitError(code, `cbor: ${what}`, { at });
}

/** Bytewise comparison of two ranges of `b` (RFC 8949 §4.2.1 key order). */
function compareRanges(b: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = (b[aStart + i] as number) - (b[bStart + i] as number);
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

function keyId(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i] as number);
  return s;
}

/** The deterministic encoding of a decoded key; the encoder's own nesting bound surfaces as CBOR_LIMIT here. */
function canonical(key: CborValue, at: number): Uint8Array {
  try {
    return encodeCbor(key);
  } catch (e) {
    throw new RotkitError("CBOR_LIMIT", "cbor: map key too deeply nested to compare", { at, cause: e });
  }
}

/** Decoding state of one call (one item, or all items of a sequence). */
class Reader {
  readonly b: Uint8Array;
  /** Created on first use: most items never need it, and it is a measurable part of decoding a small item. */
  private view: DataView | undefined;
  readonly o: ResolvedCborOptions;
  /** Where the decoder must stop: the input end, or offset + maxBytes for a prefix decode. */
  readonly end: number;
  /** True when `end` was cut short by maxBytes: running past it is then CBOR_LIMIT, not CBOR_TRUNCATED. */
  readonly windowed: boolean;
  pos: number;
  items = 0;
  /** The high part of a 64-bit argument that does not fit a safe integer (then `arg` returned -1). */
  big = 0n;
  private readonly stack: Frame[] = [];

  /** The input's buffer and offset for zero-copy views, read once (the `buffer` getter is not free). */
  private readonly ab: ArrayBufferLike;
  private readonly base: number;

  constructor(bytes: Uint8Array, pos: number, end: number, windowed: boolean, o: ResolvedCborOptions) {
    this.b = bytes;
    this.ab = bytes.buffer;
    this.base = bytes.byteOffset;
    this.pos = pos;
    this.end = end;
    this.windowed = windowed;
    this.o = o;
  }

  get dv(): DataView {
    if (this.view === undefined) this.view = new DataView(this.ab, this.base, this.b.byteLength);
    return this.view;
  }

  truncated(what: string, at: number): never {
    if (this.windowed) fail("CBOR_LIMIT", `${what}: item exceeds maxBytes (${this.o.maxBytes})`, at);
    fail("CBOR_TRUNCATED", what, at);
  }

  /** Ensures `n` more bytes; `n` may be huge (a declared length), it is only compared. */
  need(n: number, what: string, at: number): void {
    if (n > this.end - this.pos) this.truncated(`${what} declares ${n} bytes, ${this.end - this.pos} left`, at);
  }

  /**
   * Reads the argument of a head whose additional information is `ai` (RFC 8949 §3). Returns it as a number,
   * or -1 when it exceeds 2^53-1 (the value is then in `this.big`). With requirePreferred, a head longer than
   * needed is refused (§4.1: "the shortest form of the argument").
   */
  arg(ai: number, start: number): number {
    const b = this.b;
    const p = this.pos;
    let v: number;
    if (ai < 24) return ai;
    if (ai === 24) {
      this.need(1, "head", start);
      v = b[p] as number;
      this.pos = p + 1;
      if (v < 24 && this.o.requirePreferred) fail("CBOR_NOT_PREFERRED", "argument fits the initial byte", start);
    } else if (ai === 25) {
      this.need(2, "head", start);
      v = ((b[p] as number) << 8) | (b[p + 1] as number);
      this.pos = p + 2;
      if (v < 0x100 && this.o.requirePreferred) fail("CBOR_NOT_PREFERRED", "argument fits one byte", start);
    } else if (ai === 26) {
      this.need(4, "head", start);
      v = this.dv.getUint32(p);
      this.pos = p + 4;
      if (v < 0x10000 && this.o.requirePreferred) fail("CBOR_NOT_PREFERRED", "argument fits two bytes", start);
    } else if (ai === 27) {
      this.need(8, "head", start);
      const hi = this.dv.getUint32(p);
      const lo = this.dv.getUint32(p + 4);
      this.pos = p + 8;
      if (hi === 0 && this.o.requirePreferred) fail("CBOR_NOT_PREFERRED", "argument fits four bytes", start);
      if (hi <= 0x1fffff) return hi * 4294967296 + lo;
      this.big = (BigInt(hi) << 32n) | BigInt(lo);
      return -1;
    } else {
      // 28..30 are reserved (§3); 31 is handled by the callers that allow it.
      fail("CBOR_MALFORMED", `reserved additional information ${ai}`, start);
    }
    return v;
  }

  /** A definite-length string body at this.pos; `mt` 2 = bytes, 3 = text. */
  string(mt: number, len: number, start: number): Uint8Array | string {
    if (len < 0) this.truncated("string length above 2^53", start);
    this.need(len, "string", start);
    if (len > this.o.maxStringLength) fail("CBOR_LIMIT", `string of ${len} bytes exceeds maxStringLength`, start);
    const p = this.pos;
    this.pos = p + len;
    if (mt === 3) return this.text(p, p + len);
    // slice()/subarray() of a plain Uint8Array is a plain Uint8Array (the entry points unwrap Buffers). By
    // default the copy keeps decoded values independent of the caller's input buffer.
    // A view made directly on the buffer skips subarray()'s species lookup (the input is a plain Uint8Array).
    return this.o.zeroCopy ? new Uint8Array(this.ab, this.base + p, len) : this.b.slice(p, p + len);
  }

  text(from: number, to: number): string {
    const b = this.b;
    // ASCII fast path: most protocol strings (claim names, algorithm names, URIs) are ASCII.
    const ascii = asciiText(b, from, to);
    if (ascii !== undefined) return ascii;
    try {
      return utf8Decode(b, from, to);
    } catch (e) {
      // §3.1 major type 3 must be valid UTF-8; invalid text is not well-formed data for rotkit (strict decoder).
      if (isRotkitError(e, "ENCODING_INVALID")) {
        throw new RotkitError("CBOR_MALFORMED", "cbor: invalid UTF-8 in text string", { at: e.at ?? from, cause: e });
      }
      throw e;
    }
  }

  /** An indefinite-length string (§3.2.3): definite chunks of the same major type, then a break. */
  indefiniteString(mt: number, start: number): Uint8Array | string {
    const b = this.b;
    const o = this.o;
    const chunks: Uint8Array[] = [];
    let text = "";
    let total = 0;
    for (;;) {
      if (this.pos >= this.end) this.truncated("indefinite-length string without a break", start);
      const cs = this.pos;
      const ib = b[cs] as number;
      this.pos = cs + 1;
      if (ib === 0xff) break;
      if (ib >> 5 !== mt || (ib & 31) === 31) {
        fail("CBOR_MALFORMED", "indefinite-length string chunk is not a definite string of the same type", cs);
      }
      if (++this.items > o.maxItems) fail("CBOR_LIMIT", `more than ${o.maxItems} items`, cs);
      const len = this.arg(ib & 31, cs);
      if (len < 0) this.truncated("string length above 2^53", cs);
      this.need(len, "string chunk", cs);
      total += len;
      if (total > o.maxStringLength) fail("CBOR_LIMIT", `string of ${total}+ bytes exceeds maxStringLength`, cs);
      const p = this.pos;
      this.pos = p + len;
      // Each text chunk must be valid UTF-8 on its own (§3.2.3: a code point may not span chunks).
      if (mt === 2) chunks.push(b.subarray(p, p + len));
      else text += this.text(p, p + len);
    }
    if (mt === 3) return text;
    const out = new Uint8Array(total);
    let o2 = 0;
    for (const c of chunks) {
      out.set(c, o2);
      o2 += c.length;
    }
    return out;
  }

  /** Major type 7 (§3.3): simple values and floats. */
  simpleOrFloat(ai: number, start: number): CborValue {
    const p = this.pos;
    if (ai < 20) return new CborSimple(ai);
    switch (ai) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 24: {
        this.need(1, "simple value", start);
        const v = this.b[p] as number;
        this.pos = p + 1;
        // §3.3: simple values 0..31 in the two-byte form are not well-formed.
        if (v < 32) fail("CBOR_MALFORMED", `simple value ${v} in two-byte form`, start);
        return new CborSimple(v);
      }
      case 25: {
        this.need(2, "float16", start);
        const h = ((this.b[p] as number) << 8) | (this.b[p + 1] as number);
        this.pos = p + 2;
        const v = decodeHalf(h);
        if (Number.isNaN(v) && h !== 0x7e00 && this.o.requirePreferred) {
          fail("CBOR_NOT_PREFERRED", "NaN other than f97e00", start);
        }
        return v;
      }
      case 26: {
        this.need(4, "float32", start);
        const v = this.dv.getFloat32(p);
        this.pos = p + 4;
        // §4.1/§4.2.1: a float is preferred in the shortest form that keeps its value; NaN only as f97e00.
        if (this.o.requirePreferred && halfBits(v) >= 0) fail("CBOR_NOT_PREFERRED", "float32 fits float16", start);
        return v;
      }
      case 27: {
        this.need(8, "float64", start);
        const v = this.dv.getFloat64(p);
        this.pos = p + 8;
        if (this.o.requirePreferred && (Number.isNaN(v) || Math.fround(v) === v)) {
          fail("CBOR_NOT_PREFERRED", "float64 fits a shorter float", start);
        }
        return v;
      }
      default:
        // 28..30 reserved; 31 (break) is handled by the main loop.
        return fail("CBOR_MALFORMED", `reserved additional information ${ai} in major type 7`, start);
    }
  }

  frame(kind: number, remaining: number, start: number): Frame {
    const o = this.o;
    const stack = this.stack;
    // Depth counts arrays, maps and tags (types.ts CborLimits.maxDepth).
    if (this.depth >= o.maxDepth) fail("CBOR_LIMIT", `nesting deeper than maxDepth (${o.maxDepth})`, start);
    let f = stack[this.depth];
    if (f === undefined) {
      f = newFrame();
      stack.push(f);
    }
    this.depth++;
    f.kind = kind;
    f.remaining = remaining;
    f.start = start;
    f.hasKey = false;
    f.key = undefined;
    f.keyStart = -1;
    f.prevKeyStart = -1;
    f.prevKeyEnd = -1;
    f.objectKeys = undefined;
    f.firstObjectKey = undefined;
    return f;
  }

  depth = 0;

  /** Checks a map key that has just been decoded (ends at this.pos) against the keys before it. */
  checkKey(f: Frame, key: CborValue): void {
    const o = this.o;
    if (o.rejectDuplicateKeys) {
      if (typeof key === "object" && key !== null) {
        // Non-primitive keys are compared by canonical identity: their deterministic encoding.
        if (f.firstObjectKey === undefined) {
          f.firstObjectKey = key;
          f.firstObjectKeyStart = f.keyStart;
        } else {
          if (f.objectKeys === undefined) {
            f.objectKeys = new Set([keyId(canonical(f.firstObjectKey, f.firstObjectKeyStart))]);
          }
          const id = keyId(canonical(key, f.keyStart));
          if (f.objectKeys.has(id)) fail("CBOR_DUPLICATE_KEY", "duplicate map key", f.keyStart);
          f.objectKeys.add(id);
        }
      } else if (f.map.has(key)) {
        // Primitive keys: Map's SameValueZero is exactly the collision that would lose an entry (it also
        // catches 1 vs 1.0 and 0 vs -0.0, which the JS data model cannot tell apart).
        fail("CBOR_DUPLICATE_KEY", `duplicate map key ${String(key)}`, f.keyStart);
      }
    }
    if (o.requireDeterministic) {
      // §4.2.1: keys sorted by the bytewise lexicographic order of their deterministic encodings. Under
      // requireDeterministic the input encoding is already deterministic, so the raw bytes are compared.
      if (f.prevKeyStart >= 0 && compareRanges(this.b, f.prevKeyStart, f.prevKeyEnd, f.keyStart, this.pos) >= 0) {
        fail("CBOR_NOT_PREFERRED", "map keys not in bytewise order (RFC 8949 §4.2.1)", f.keyStart);
      }
      f.prevKeyStart = f.keyStart;
      f.prevKeyEnd = this.pos;
    }
  }

  /** Decodes one complete item at this.pos. */
  item(): CborValue {
    const b = this.b;
    const stack = this.stack;
    const base = this.depth;
    let value: CborValue;
    outer: for (;;) {
      const start = this.pos;
      if (start >= this.end) this.truncated("expected a data item", start);
      const ib = b[start] as number;
      this.pos = start + 1;
      if (this.depth > base) {
        const top = stack[this.depth - 1] as Frame;
        if (ib === 0xff) {
          // §3.2.1: a break only ends an indefinite-length array or map, and a map only between pairs.
          if (top.remaining !== -1 || top.kind === TAG) fail("CBOR_MALFORMED", "unexpected break", start);
          if (top.kind === MAP && top.hasKey) fail("CBOR_MALFORMED", "break after a map key", start);
          value = top.kind === ARRAY ? top.arr : top.map;
          this.depth--;
          // fall through to attach the finished container
        } else {
          if (top.kind === MAP && !top.hasKey) top.keyStart = start;
          const v = this.head(ib, start);
          if (v === PENDING) continue;
          value = v;
        }
      } else {
        if (ib === 0xff) fail("CBOR_MALFORMED", "unexpected break", start);
        const v = this.head(ib, start);
        if (v === PENDING) continue;
        value = v;
      }
      // Attach `value` to the open containers, closing those it completes.
      for (;;) {
        if (this.depth === base) return value;
        const f = stack[this.depth - 1] as Frame;
        if (f.kind === ARRAY) {
          f.arr.push(value);
          if (f.remaining > 0 && --f.remaining === 0) {
            value = f.arr;
            this.depth--;
            continue;
          }
          continue outer;
        }
        if (f.kind === TAG) {
          value = new CborTag(f.tag, value);
          this.depth--;
          continue;
        }
        if (!f.hasKey) {
          this.checkKey(f, value);
          f.key = value;
          f.hasKey = true;
          continue outer;
        }
        f.map.set(f.key, value);
        f.hasKey = false;
        f.key = undefined;
        if (f.remaining > 0 && --f.remaining === 0) {
          value = f.map;
          this.depth--;
          continue;
        }
        continue outer;
      }
    }
  }

  /** Handles one head (not a break). Returns a finished value, or PENDING when it opened a container. */
  head(ib: number, start: number): CborValue | typeof PENDING {
    const o = this.o;
    if (++this.items > o.maxItems) fail("CBOR_LIMIT", `more than ${o.maxItems} items`, start);
    const mt = ib >> 5;
    const ai = ib & 31;
    if (mt === 7) return this.simpleOrFloat(ai, start);
    if (ai === 31) {
      // §3.2: indefinite length exists for major types 2..5 only.
      if (mt < 2 || mt > 5) fail("CBOR_MALFORMED", `indefinite length for major type ${mt}`, start);
      if (o.rejectIndefinite) fail("CBOR_INDEFINITE", "indefinite-length item", start);
      if (mt <= 3) return this.indefiniteString(mt, start);
      const f = this.frame(mt === 4 ? ARRAY : MAP, -1, start);
      if (mt === 4) f.arr = [];
      else f.map = new Map();
      return PENDING;
    }
    const n = this.arg(ai, start);
    switch (mt) {
      case 0:
        return n >= 0 ? n : this.big;
      case 1:
        // -1 - n; 2^53 - 2 is the largest n whose result is still a safe integer.
        if (n >= 0 && n <= 9007199254740990) return -1 - n;
        return -1n - (n >= 0 ? BigInt(n) : this.big);
      case 2:
      case 3:
        return this.string(mt, n, start);
      case 4:
      case 5: {
        // Every item takes at least one byte: a count beyond the bytes left fails before any allocation.
        if (n < 0) this.truncated("count above 2^53", start);
        const minBytes = mt === 4 ? n : 2 * n;
        this.need(minBytes, mt === 4 ? "array" : "map", start);
        if (minBytes > o.maxItems - this.items) fail("CBOR_LIMIT", `more than ${o.maxItems} items`, start);
        if (n === 0) {
          if (this.depth >= o.maxDepth) fail("CBOR_LIMIT", `nesting deeper than maxDepth (${o.maxDepth})`, start);
          return mt === 4 ? [] : new Map();
        }
        const f = this.frame(mt === 4 ? ARRAY : MAP, n, start);
        if (mt === 4) f.arr = [];
        else f.map = new Map();
        return PENDING;
      }
      default: {
        // Tag (§3.4): kept as CborTag, never interpreted here.
        if (n < 0) fail("CBOR_UNSUPPORTED", "tag number above 2^53-1", start);
        const f = this.frame(TAG, 1, start);
        f.tag = n;
        return PENDING;
      }
    }
  }
}

/** Sentinel for "a container was opened": distinct from every CborValue. */
const PENDING: unique symbol = Symbol("pending");

function checkInput(bytes: Uint8Array, offset: number): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "cbor: input must be a Uint8Array");
  if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new RotkitError("INVALID_ARGUMENT", `cbor: offset ${offset} outside the input`);
  }
  // A Node Buffer's slice() would return Buffers: decode over a plain view so bstr values are plain Uint8Arrays.
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function wholeReader(bytes: Uint8Array, options: CborDecodeOptions | undefined): Reader {
  const o = resolveCborOptions(options);
  const b = checkInput(bytes, 0);
  if (b.length > o.maxBytes) fail("CBOR_LIMIT", `input of ${b.length} bytes exceeds maxBytes (${o.maxBytes})`, 0);
  return new Reader(b, 0, b.length, false, o);
}

/**
 * Decodes exactly one CBOR data item that spans all of `bytes` (RFC 8949), strictly: malformed input, limits,
 * duplicate keys and (when asked) indefinite lengths or non-preferred encodings throw a RotkitError with the
 * byte offset in `at`. Bytes after the item throw `CBOR_TRAILING_BYTES`.
 *
 * @example
 * ```ts
 * const v = decodeCbor(fromHex("a201020326")); // Map { 1 => 2, 3 => -7 }
 * decodeCbor(bytes, { requireDeterministic: true, limits: { maxDepth: 8 } });
 * ```
 */
export function decodeCbor(bytes: Uint8Array, options?: CborDecodeOptions): CborValue {
  const r = wholeReader(bytes, options);
  const value = r.item();
  if (r.pos !== r.end) fail("CBOR_TRAILING_BYTES", `${r.end - r.pos} bytes after the data item`, r.pos);
  return value;
}

/**
 * Decodes one CBOR data item starting at `offset` and returns it with the offset just after it. Bytes after
 * the item are left alone. `limits.maxBytes` bounds the item, not the rest of the input.
 *
 * @example
 * ```ts
 * const { value, end } = decodeCborPrefix(bytes, 0);
 * const rest = bytes.subarray(end);
 * ```
 */
export function decodeCborPrefix(
  bytes: Uint8Array,
  offset: number,
  options?: CborDecodeOptions,
): { value: CborValue; end: number } {
  const o = resolveCborOptions(options);
  const b = checkInput(bytes, offset);
  const windowed = b.length - offset > o.maxBytes;
  const r = new Reader(b, offset, windowed ? offset + o.maxBytes : b.length, windowed, o);
  const value = r.item();
  return { value, end: r.pos };
}

/**
 * Decodes a CBOR Sequence (RFC 8742): zero or more concatenated items. Limits apply to the whole input
 * (maxItems counts items across the sequence).
 *
 * @example
 * ```ts
 * decodeCborSequence(fromHex("0102")); // [1, 2]
 * ```
 */
export function decodeCborSequence(bytes: Uint8Array, options?: CborDecodeOptions): CborValue[] {
  const r = wholeReader(bytes, options);
  const out: CborValue[] = [];
  while (r.pos < r.end) out.push(r.item());
  return out;
}
