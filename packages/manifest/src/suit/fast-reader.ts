import type { SuitContext } from "./cbor.js";

// The cursor of the fast readers (fast.ts, fast-envelope.ts): canonical CBOR (RFC 8949 §4.2.1) only, read in place.
// It never reports an error: on anything unexpected it gives up, and the general decoder takes the same bytes.
//
// The fast readers run only where the general path would decode with the default limits, canonical encoding
// required and byte strings as views of a private copy: a content of at most 65536 bytes holds at most 65536 items
// (maxItems), the structures they read nest a few levels (maxDepth 32), and their strings are shorter than the
// content (maxStringLength).

/** Thrown to hand the bytes to the general path. */
const GIVE_UP: unique symbol = Symbol("suit-fast-give-up");

export function giveUp(): never {
  throw GIVE_UP;
}

const MAX_FAST_BYTES = 65536;

/** Whether the fast reader may stand in for the general path under this context. */
export function fastEligible(bytes: Uint8Array, ctx: SuitContext): boolean {
  return ctx.strict.zeroCopy === true && ctx.canonical && ctx.limits === undefined && bytes.length <= MAX_FAST_BYTES;
}

/** A cursor over canonical CBOR that gives up on anything else. */
export class Reader {
  pos: number;
  end: number;

  constructor(
    readonly b: Uint8Array,
    from: number,
    to: number,
  ) {
    this.pos = from;
    this.end = to;
  }

  /** Major type of the next item. */
  major(): number {
    if (this.pos >= this.end) giveUp();
    return (this.b[this.pos] as number) >> 5;
  }

  /** The argument of a head of major type `mt`: preferred (shortest) and definite, at most 2^53 - 1. */
  arg(mt: number): number {
    const b = this.b;
    let p = this.pos;
    if (p >= this.end) giveUp();
    const ib = b[p++] as number;
    if (ib >> 5 !== mt) giveUp();
    const ai = ib & 31;
    let v: number;
    if (ai < 24) v = ai;
    else if (ai === 24) {
      if (p + 1 > this.end) giveUp();
      v = b[p] as number;
      p += 1;
      if (v < 24) giveUp();
    } else if (ai === 25) {
      if (p + 2 > this.end) giveUp();
      v = ((b[p] as number) << 8) | (b[p + 1] as number);
      p += 2;
      if (v < 0x100) giveUp();
    } else if (ai === 26) {
      if (p + 4 > this.end) giveUp();
      v =
        (b[p] as number) * 0x1000000 +
        (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
      p += 4;
      if (v < 0x10000) giveUp();
    } else if (ai === 27) {
      if (p + 8 > this.end) giveUp();
      const hi =
        (b[p] as number) * 0x1000000 +
        (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
      const lo =
        (b[p + 4] as number) * 0x1000000 +
        (((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number));
      p += 8;
      if (hi === 0 || hi > 0x1fffff) giveUp();
      v = hi * 0x100000000 + lo;
    } else giveUp();
    this.pos = p;
    return v;
  }

  uint(): number {
    return this.arg(0);
  }

  int(): number {
    if (this.major() === 0) return this.arg(0);
    const n = this.arg(1);
    if (n > 9007199254740990) giveUp();
    return -1 - n;
  }

  bool(): boolean {
    if (this.pos >= this.end) giveUp();
    const ib = this.b[this.pos];
    if (ib !== 0xf4 && ib !== 0xf5) giveUp();
    this.pos++;
    return ib === 0xf5;
  }

  /** A byte string, as a view of the (private) bytes. */
  bytes(): Uint8Array {
    const n = this.arg(2);
    if (n > this.end - this.pos) giveUp();
    const b = this.b;
    const out = new Uint8Array(b.buffer, b.byteOffset + this.pos, n);
    this.pos += n;
    return out;
  }

  /** An ASCII text string (anything else goes to the general path, which checks UTF-8). */
  text(): string {
    const n = this.arg(3);
    if (n > this.end - this.pos) giveUp();
    const b = this.b;
    const from = this.pos;
    const codes = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const c = b[from + i] as number;
      if (c >= 0x80) giveUp();
      codes[i] = c;
    }
    this.pos = from + n;
    return String.fromCharCode.apply(null, codes);
  }

  /** Enters the content of a bstr (`bstr .cbor T`): returns the end to restore with leave(). */
  enter(): number {
    const n = this.arg(2);
    if (n > this.end - this.pos) giveUp();
    const outer = this.end;
    this.end = this.pos + n;
    return outer;
  }

  /** A view of `[from, to)` of the bytes. */
  view(from: number, to: number): Uint8Array {
    const b = this.b;
    return new Uint8Array(b.buffer, b.byteOffset + from, to - from);
  }

  /** Leaves a bstr content, which must have been read to its last byte. */
  leave(outer: number): void {
    if (this.pos !== this.end) giveUp();
    this.end = outer;
  }
}

/** RFC 8949 §4.2.1: keys in strictly increasing bytewise order of their encodings (so no duplicate either). */
export function after(b: Uint8Array, prevStart: number, prevEnd: number, start: number, end: number): boolean {
  if (prevStart < 0) return true;
  const n = Math.min(prevEnd - prevStart, end - start);
  for (let i = 0; i < n; i++) {
    const d = (b[prevStart + i] as number) - (b[start + i] as number);
    if (d !== 0) return d < 0;
  }
  return prevEnd - prevStart < end - start;
}

/** Reads all of `bytes` with `read`, or undefined when the general path must decode them. */
export function whole<T>(bytes: Uint8Array, read: (r: Reader) => T): T | undefined {
  const r = new Reader(bytes, 0, bytes.length);
  try {
    const v = read(r);
    return r.pos === r.end ? v : undefined;
  } catch {
    // GIVE_UP, or anything unforeseen: the general path decides.
    return undefined;
  }
}
