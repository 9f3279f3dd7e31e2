import type { BitCoder } from "./coder.js";
import { ADAPT_SHIFT, PROB_BITS, RANGE_TOP } from "./constants.js";

// The encoding side of codec/range-decoder.ts: the same bit model, with LZMA's cache + carry propagation.

const TWO32 = 0x100000000;

/** Binary adaptive range encoder writing into a growable buffer. */
export class RangeEncoder implements BitCoder {
  private low = 0; // < 2^33: the carry lives in bit 32
  private range = 0xffffffff;
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
    const bound = (this.range >>> PROB_BITS) * p;
    if (bit === 0) {
      this.range = bound;
      probs[i] = p + (((1 << PROB_BITS) - p) >> ADAPT_SHIFT);
    } else {
      this.low += bound;
      this.range -= bound;
      probs[i] = p - (p >> ADAPT_SHIFT);
    }
    while (this.range < RANGE_TOP) {
      this.range = (this.range * 256) >>> 0;
      this.shiftLow();
    }
    return bit;
  }

  /** Encodes the low `count` bits of `value` (count <= 16), most significant first, with probability one half. */
  direct(value: number, count: number): number {
    for (let k = count - 1; k >= 0; k--) {
      this.range = this.range >>> 1;
      if ((value >>> k) & 1) this.low += this.range;
      while (this.range < RANGE_TOP) {
        this.range = (this.range * 256) >>> 0;
        this.shiftLow();
      }
    }
    return value;
  }

  /** Flushes the coder state; returns the encoded bytes. The encoder cannot be used afterwards. */
  finish(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return this.buf.subarray(0, this.n);
  }

  /** Bytes written so far (an estimate of the final size, up to 5 bytes short). */
  get length(): number {
    return this.n + this.cacheSize;
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= TWO32) {
      const carry = this.low >= TWO32 ? 1 : 0;
      let temp = this.cache;
      do {
        this.put((temp + carry) & 0xff);
        temp = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = Math.floor(this.low / RANGE_TOP) & 0xff;
    }
    this.cacheSize++;
    this.low = (this.low % RANGE_TOP) * 256;
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
