import { utf8Encode } from "../bytes.js";
import { RotkitError } from "../errors.js";
import { halfBits } from "./float.js";
import { itemLength } from "./item-length.js";
import { CborSimple, CborTag, type CborValue } from "./types.js";

// Deterministic encoder (RFC 8949 §4.2.1 "core deterministic encoding"): preferred serialization (§4.1: shortest
// heads, shortest float that keeps the value), definite lengths only, map keys sorted bytewise by their encoding.
// Output depends only on the value, so bytes that get signed are reproducible on every host.

/**
 * Already-encoded CBOR embedded verbatim by {@link encodeCbor}, e.g. a COSE protected header or a payload that
 * must stay byte-exact. The bytes must be exactly one well-formed item (checked on construction); they are not
 * re-canonicalised, so the caller vouches for their determinism.
 *
 * @example
 * ```ts
 * const raw = new RawCbor(fromHex("a10126"));
 * encodeCbor([raw, 1]); // 82 a10126 01
 * ```
 */
export class RawCbor {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    const n = itemLength(bytes, 0);
    if (n !== bytes.length) {
      throw new RotkitError("CBOR_TRAILING_BYTES", "cbor: RawCbor must hold exactly one data item", { at: n });
    }
    this.bytes = bytes;
  }
}

/**
 * What {@link encodeCbor} accepts: the decoded data model plus {@link RawCbor} anywhere a value can go.
 * (A CborTag's content is typed CborValue; a RawCbor inside a tag works at run time via a cast.)
 */
export type CborEncodable =
  | CborValue
  | RawCbor
  | CborEncodable[]
  | Map<CborEncodable, CborEncodable>
  | CborTag
  | CborSimple;

/** Bound on nesting when encoding: deep enough for any protocol, and it turns a cyclic value into an error. */
const MAX_ENCODE_DEPTH = 1024;
const TWO_POW_32 = 4294967296;
const MAX_U64 = 0xffffffffffffffffn;

class Writer {
  buf: Uint8Array;
  dv: DataView;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.dv = new DataView(this.buf.buffer);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  /** A head with the shortest argument encoding (§4.1), for 0 <= n <= 2^53-1. */
  head(mt: number, n: number): void {
    this.ensure(9);
    const m = mt << 5;
    const p = this.pos;
    const buf = this.buf;
    if (n < 24) {
      buf[p] = m | n;
      this.pos = p + 1;
    } else if (n < 0x100) {
      buf[p] = m | 24;
      buf[p + 1] = n;
      this.pos = p + 2;
    } else if (n < 0x10000) {
      buf[p] = m | 25;
      buf[p + 1] = n >> 8;
      buf[p + 2] = n & 0xff;
      this.pos = p + 3;
    } else if (n < TWO_POW_32) {
      buf[p] = m | 26;
      this.dv.setUint32(p + 1, n);
      this.pos = p + 5;
    } else {
      buf[p] = m | 27;
      this.dv.setUint32(p + 1, Math.floor(n / TWO_POW_32));
      this.dv.setUint32(p + 5, n >>> 0);
      this.pos = p + 9;
    }
  }

  /** A head for a bigint argument 0 <= n < 2^64. */
  headBig(mt: number, n: bigint): void {
    if (n <= 9007199254740991n) {
      this.head(mt, Number(n));
      return;
    }
    this.ensure(9);
    this.buf[this.pos] = (mt << 5) | 27;
    this.dv.setUint32(this.pos + 1, Number(n >> 32n));
    this.dv.setUint32(this.pos + 5, Number(n & 0xffffffffn));
    this.pos += 9;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  float(v: number): void {
    // §4.1: the shortest of float16/32/64 that preserves the value; NaN as f97e00 (§4.2.1).
    const h = halfBits(v);
    this.ensure(9);
    const p = this.pos;
    if (h >= 0) {
      this.buf[p] = 0xf9;
      this.buf[p + 1] = h >> 8;
      this.buf[p + 2] = h & 0xff;
      this.pos = p + 3;
    } else if (Math.fround(v) === v) {
      this.buf[p] = 0xfa;
      this.dv.setFloat32(p + 1, v);
      this.pos = p + 5;
    } else {
      this.buf[p] = 0xfb;
      this.dv.setFloat64(p + 1, v);
      this.pos = p + 9;
    }
  }

  text(s: string): void {
    // ASCII fast path writes straight into the buffer; anything else goes through core's UTF-8 encoder.
    const n = s.length;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      const u = utf8Encode(s);
      this.head(3, u.length);
      this.bytes(u);
      return;
    }
    this.head(3, n);
    this.ensure(n);
    const buf = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) buf[p + i] = s.charCodeAt(i);
    this.pos = p + n;
  }

  value(v: unknown, depth: number): void {
    switch (typeof v) {
      case "number":
        // Safe integers become CBOR integers; everything else (fractions, -0, huge, NaN, ±Infinity) a float, so
        // decode(encode(x)) gives x back in rotkit's data model.
        if (Number.isSafeInteger(v) && !(v === 0 && 1 / v < 0)) {
          if (v >= 0) this.head(0, v);
          else this.head(1, -1 - v);
        } else this.float(v);
        return;
      case "bigint":
        if (v >= 0n) {
          if (v > MAX_U64) unsupported("bigint above 2^64-1 (bignum tags are not implicit)");
          this.headBig(0, v);
        } else {
          if (v < -1n - MAX_U64) unsupported("bigint below -2^64 (bignum tags are not implicit)");
          this.headBig(1, -1n - v);
        }
        return;
      case "string":
        this.text(v);
        return;
      case "boolean":
        this.ensure(1);
        this.buf[this.pos++] = v ? 0xf5 : 0xf4;
        return;
      case "undefined":
        this.ensure(1);
        this.buf[this.pos++] = 0xf7;
        return;
      case "object":
        break;
      default:
        invalid(`cannot encode a ${typeof v}`);
    }
    if (v === null) {
      this.ensure(1);
      this.buf[this.pos++] = 0xf6;
      return;
    }
    if (depth >= MAX_ENCODE_DEPTH) invalid(`nesting deeper than ${MAX_ENCODE_DEPTH} (or a cycle)`);
    if (v instanceof Uint8Array) {
      this.head(2, v.length);
      this.bytes(v);
    } else if (Array.isArray(v)) {
      this.head(4, v.length);
      for (let i = 0; i < v.length; i++) this.value(v[i], depth + 1);
    } else if (v instanceof Map) {
      this.map(v, depth);
    } else if (v instanceof CborTag) {
      if (!Number.isSafeInteger(v.tag) || v.tag < 0) invalid(`tag number ${v.tag}`);
      this.head(6, v.tag);
      this.value(v.value, depth + 1);
    } else if (v instanceof CborSimple) {
      const s = v.value;
      // §3.3: 24..31 are reserved/unassigned in a way that makes them not well-formed in either form.
      if (!Number.isInteger(s) || s < 0 || s > 255 || (s >= 24 && s < 32)) invalid(`simple value ${s}`);
      this.head(7, s);
    } else if (v instanceof RawCbor) {
      this.bytes(v.bytes);
    } else {
      // Plain objects, Dates, typed arrays other than Uint8Array…: refused so no implicit convention sneaks in.
      invalid(`cannot encode ${(v as object).constructor?.name ?? "object"} (use Map, Uint8Array, CborTag)`);
    }
  }

  map(m: Map<unknown, unknown>, depth: number): void {
    // §4.2.1: sort by the bytewise lexicographic order of the keys' deterministic encodings. Each key is
    // encoded at the end of this buffer and copied out, so there is no extra writer per key.
    const n = m.size;
    const keys: Uint8Array[] = new Array(n);
    const values: unknown[] = new Array(n);
    const order: number[] = new Array(n);
    let i = 0;
    for (const [k, val] of m) {
      const start = this.pos;
      this.value(k, depth + 1);
      keys[i] = this.buf.slice(start, this.pos);
      this.pos = start;
      values[i] = val;
      order[i] = i;
      i++;
    }
    if (n > 1) order.sort((a, b) => compareBytes(keys[a] as Uint8Array, keys[b] as Uint8Array));
    this.head(5, n);
    for (let j = 0; j < n; j++) {
      const at = order[j] as number;
      const k = keys[at] as Uint8Array;
      if (j > 0 && compareBytes(keys[order[j - 1] as number] as Uint8Array, k) === 0) {
        // Two distinct JS keys (e.g. two Uint8Arrays with the same content) with one encoding.
        throw new RotkitError("CBOR_DUPLICATE_KEY", "cbor: two map keys have the same encoding");
      }
      this.bytes(k);
      this.value(values[at], depth + 1);
    }
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function invalid(what: string): never {
  throw new RotkitError("INVALID_ARGUMENT", `cbor: ${what}`);
}

function unsupported(what: string): never {
  throw new RotkitError("CBOR_UNSUPPORTED", `cbor: ${what}`);
}

/**
 * Encodes `value` in core deterministic encoding (RFC 8949 §4.2.1). Numbers that are safe integers become
 * integers, other numbers the shortest exact float; bigints up to 64 bits become integers (larger ones throw
 * `CBOR_UNSUPPORTED`); maps must be `Map` (plain objects throw `INVALID_ARGUMENT`) and are sorted by encoded key.
 * Strings are UTF-8 via core's `utf8Encode` (a lone surrogate becomes U+FFFD). Nesting is bounded at 1024 levels,
 * which also turns a cyclic value into `INVALID_ARGUMENT` instead of a stack overflow.
 *
 * @example
 * ```ts
 * toHex(encodeCbor(new Map<CborValue, CborValue>([[3, -7], [1, 2]]))); // "a201020326"
 * toHex(encodeCbor(1.5)); // "f93e00"
 * ```
 */
export function encodeCbor(value: CborEncodable): Uint8Array {
  const w = new Writer(64);
  w.value(value, 0);
  return w.buf.slice(0, w.pos);
}
