import { asciiText } from "./intern.js";

// A forward-only cursor over the common subset of CBOR (RFC 8949): definite lengths, preferred (shortest) heads,
// arguments below 2^53, ASCII text. It exists for fast paths that read one known structure straight into a typed
// model where the general decoder would first build generic values (Maps, arrays) and a validator would then walk
// them. It never reports an error: on anything outside the subset, or anything the caller does not expect, it gives
// up (throws a private sentinel that readWithCursor turns into `undefined`), and the caller hands the same bytes to
// decodeCbor, which gives the verdict and the error. A fast path therefore only has to accept a subset of what the
// general path accepts and build the same model for it.
//
// What the cursor does not check, its callers must keep out of reach: item and depth limits (a fast path runs on
// inputs of at most 65536 bytes, which cannot hold more items than DEFAULT_CBOR_LIMITS.maxItems, and reads
// structures of fixed, shallow depth) and map-key rules (duplicates, §4.2.1 order: see canonicalKeyAfter).

/** Thrown to hand the bytes to the general path; never escapes readWithCursor. */
const GIVE_UP: unique symbol = Symbol("rotkit-cbor-cursor-give-up");

/** Inputs up to this size cannot exceed the default maxItems, whatever they hold. */
export const CBOR_CURSOR_MAX_BYTES = 65536;

/**
 * A cursor over preferred-encoding, definite-length CBOR that gives up on anything else (see {@link readWithCursor}).
 * Byte strings are views of the input: give it a private copy when the values must not change under the caller.
 *
 * @example
 * ```ts
 * const pair = readWithCursor(fromHex("820a43010203"), (c) => {
 *   if (c.arg(4) !== 2) CborCursor.giveUp();
 *   return { n: c.uint(), bytes: c.bytes() };
 * }); // { n: 10, bytes: Uint8Array [1, 2, 3] }, or undefined for any other shape
 * ```
 */
export class CborCursor {
  pos: number;
  end: number;
  // The input's buffer and offset, read once: the `buffer` getter costs more than the view made from it.
  private readonly ab: ArrayBufferLike;
  private readonly base: number;

  constructor(
    readonly b: Uint8Array,
    from: number,
    to: number,
  ) {
    this.pos = from;
    this.end = to;
    this.ab = b.buffer;
    this.base = b.byteOffset;
  }

  /** Abandons the fast path: the general decoder takes the bytes. */
  static giveUp(): never {
    throw GIVE_UP;
  }

  /** Major type of the next item. */
  major(): number {
    if (this.pos >= this.end) throw GIVE_UP;
    return (this.b[this.pos] as number) >> 5;
  }

  /** Whether the next byte is `ib` (a one-byte item such as f6 null); consumes it when it is. */
  take(ib: number): boolean {
    if (this.pos < this.end && this.b[this.pos] === ib) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** The argument of a head of major type `mt` (RFC 8949 §3): preferred and definite, at most 2^53 - 1. */
  arg(mt: number): number {
    const b = this.b;
    let p = this.pos;
    if (p >= this.end) throw GIVE_UP;
    const ib = b[p++] as number;
    if (ib >> 5 !== mt) throw GIVE_UP;
    const ai = ib & 31;
    let v: number;
    if (ai < 24) v = ai;
    else if (ai === 24) {
      if (p + 1 > this.end) throw GIVE_UP;
      v = b[p] as number;
      p += 1;
      if (v < 24) throw GIVE_UP;
    } else if (ai === 25) {
      if (p + 2 > this.end) throw GIVE_UP;
      v = ((b[p] as number) << 8) | (b[p + 1] as number);
      p += 2;
      if (v < 0x100) throw GIVE_UP;
    } else if (ai === 26) {
      if (p + 4 > this.end) throw GIVE_UP;
      v =
        (b[p] as number) * 0x1000000 +
        (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
      p += 4;
      if (v < 0x10000) throw GIVE_UP;
    } else if (ai === 27) {
      if (p + 8 > this.end) throw GIVE_UP;
      const hi =
        (b[p] as number) * 0x1000000 +
        (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
      const lo =
        (b[p + 4] as number) * 0x1000000 +
        (((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number));
      p += 8;
      if (hi === 0 || hi > 0x1fffff) throw GIVE_UP;
      v = hi * 0x100000000 + lo;
    } else throw GIVE_UP;
    this.pos = p;
    return v;
  }

  /** An unsigned integer (major type 0). */
  uint(): number {
    return this.arg(0);
  }

  /** An integer (major type 0 or 1) that is a safe JS integer. */
  int(): number {
    if (this.major() === 0) return this.arg(0);
    const n = this.arg(1);
    if (n > 9007199254740990) throw GIVE_UP;
    return -1 - n;
  }

  bool(): boolean {
    if (this.pos >= this.end) throw GIVE_UP;
    const ib = this.b[this.pos];
    if (ib !== 0xf4 && ib !== 0xf5) throw GIVE_UP;
    this.pos++;
    return ib === 0xf5;
  }

  /** A byte string, as a view of the input. */
  bytes(): Uint8Array {
    const n = this.arg(2);
    if (n > this.end - this.pos) throw GIVE_UP;
    const out = new Uint8Array(this.ab, this.base + this.pos, n);
    this.pos += n;
    return out;
  }

  /** Skips a text string and returns its range: for callers that check the bytes before making a string. */
  textRange(): number {
    const n = this.arg(3);
    if (n > this.end - this.pos) throw GIVE_UP;
    const from = this.pos;
    this.pos = from + n;
    return from;
  }

  /** An ASCII text string of at most 1024 bytes (anything else goes to the general path, which checks UTF-8). */
  text(): string {
    const n = this.arg(3);
    if (n > this.end - this.pos) throw GIVE_UP;
    const from = this.pos;
    this.pos = from + n;
    const s = asciiText(this.b, from, from + n);
    if (s === undefined) throw GIVE_UP;
    return s;
  }

  /** Enters the content of a bstr (`bstr .cbor T`): returns the end to restore with leave(). */
  enter(): number {
    const n = this.arg(2);
    if (n > this.end - this.pos) throw GIVE_UP;
    const outer = this.end;
    this.end = this.pos + n;
    return outer;
  }

  /** Leaves a bstr content, which must have been read to its last byte. */
  leave(outer: number): void {
    if (this.pos !== this.end) throw GIVE_UP;
    this.end = outer;
  }

  /** A view of `[from, to)` of the input. */
  view(from: number, to: number): Uint8Array {
    return new Uint8Array(this.ab, this.base + from, to - from);
  }
}

/**
 * RFC 8949 §4.2.1: whether the key encoded at `[start, end)` sorts strictly after the one at `[prevStart, prevEnd)`
 * in bytewise order (so it is no duplicate either). A `prevStart` below 0 means no previous key.
 *
 * @example
 * ```ts
 * canonicalKeyAfter(fromHex("0a18ff"), 0, 1, 1, 3); // true: 0a < 18ff
 * ```
 */
export function canonicalKeyAfter(
  b: Uint8Array,
  prevStart: number,
  prevEnd: number,
  start: number,
  end: number,
): boolean {
  if (prevStart < 0) return true;
  const n = Math.min(prevEnd - prevStart, end - start);
  for (let i = 0; i < n; i++) {
    const d = (b[prevStart + i] as number) - (b[start + i] as number);
    if (d !== 0) return d < 0;
  }
  return prevEnd - prevStart < end - start;
}

/**
 * Reads all of `bytes` (at most {@link CBOR_CURSOR_MAX_BYTES}) with `read`, or returns undefined when `read` gave up,
 * failed in any other way, or left bytes unread: the caller then decodes the bytes with the general decoder.
 *
 * @example
 * ```ts
 * const claims = readWithCursor(payload, readMyClaims) ?? validateMyClaims(decodeCbor(payload));
 * ```
 */
export function readWithCursor<T>(bytes: Uint8Array, read: (c: CborCursor) => T): T | undefined {
  if (bytes.length > CBOR_CURSOR_MAX_BYTES) return undefined;
  const c = new CborCursor(bytes, 0, bytes.length);
  try {
    const v = read(c);
    return c.pos === c.end ? v : undefined;
  } catch {
    // GIVE_UP, or anything unforeseen: the general path decides.
    return undefined;
  }
}
