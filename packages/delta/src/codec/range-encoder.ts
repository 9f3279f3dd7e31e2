import type { BitCoder } from "./coder.js";
import { ADAPT_SHIFT, PROB_BITS, RANGE_TOP } from "./constants.js";

// The encoding side of codec/range-decoder.ts: the same bit model, with LZMA's cache + carry propagation.

const TWO32 = 0x100000000;

/** Binary adaptive range encoder writing into a growable buffer. */
export class RangeEncoder implements BitCoder {
  // low < 2^33 (the carry lives in bit 32) in a Float64Array; range (uint32) as an int32 bit pattern, as in
  // range-decoder.ts: neither is boxed per bit.
  private readonly lowBox = new Float64Array(1);
  private range = -1;
  private cache = 0;
  private cacheSize = 1;
  private buf: Uint8Array;
  private n = 0;

  constructor(capacity = 4096) {
    this.buf = new Uint8Array(capacity);
  }

  /** Encodes `bit` with the adaptive probability probs[i] and updates it; returns the bit. */
  bit(probs: Uint16Array, i: number, bit: number): number {
    const p = probs[i] as number;
    let range = this.range;
    const bound = Math.imul(range >>> PROB_BITS, p);
    if (bit === 0) {
      range = bound;
      probs[i] = p + (((1 << PROB_BITS) - p) >> ADAPT_SHIFT);
    } else {
      this.lowBox[0] = (this.lowBox[0] as number) + (bound >>> 0);
      range = (range - bound) | 0;
      probs[i] = p - (p >> ADAPT_SHIFT);
    }
    while (range >>> 24 === 0) {
      range <<= 8;
      this.shiftLow();
    }
    this.range = range;
    return bit;
  }

  /** Encodes the low `count` bits of `value` (count <= 16), most significant first, with probability one half. */
  direct(value: number, count: number): number {
    let range = this.range;
    for (let k = count - 1; k >= 0; k--) {
      range = range >>> 1;
      if ((value >>> k) & 1) this.lowBox[0] = (this.lowBox[0] as number) + range;
      while (range >>> 24 === 0) {
        range <<= 8;
        this.shiftLow();
      }
    }
    this.range = range;
    return value;
  }

  tree(probs: Uint16Array, base: number, bits: number, value: number): number {
    let m = 1;
    for (let k = bits - 1; k >= 0; k--) {
      const b = (value >>> k) & 1;
      this.bit(probs, base + m, b);
      m = (m << 1) | b;
    }
    return value & ((1 << bits) - 1);
  }

  /** Flushes the coder state; returns the encoded bytes. The encoder cannot be used afterwards. */
  finish(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return this.buf.subarray(0, this.n);
  }

  private shiftLow(): void {
    const low = this.lowBox[0] as number;
    if (low < 0xff000000 || low >= TWO32) {
      const carry = low >= TWO32 ? 1 : 0;
      let temp = this.cache;
      do {
        this.put((temp + carry) & 0xff);
        temp = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = Math.floor(low / RANGE_TOP) & 0xff;
    }
    this.cacheSize++;
    this.lowBox[0] = (low % RANGE_TOP) * 256;
  }

  private put(b: number): void {
    if (this.n === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = b;
  }
}
