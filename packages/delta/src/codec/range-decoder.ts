import { RotkitError } from "@rotkit/core";
import type { BitCoder } from "./coder.js";
import { ADAPT_SHIFT, PROB_BITS } from "./constants.js";

// Binary adaptive range decoder (the LZMA SDK's rc, Pavlov). It reads from `buf[pos..end)`; the caller keeps
// enough bytes buffered for the next symbol (see apply/apply.ts), so reading past `end` means a truncated block.
// range and code are uint32 quantities held as int32 bit patterns, in fields and in locals alike: unsigned compares
// flip the sign bit (a < b unsigned <=> (a ^ SIGN) < (b ^ SIGN)), products use Math.imul. V8 then keeps every value
// in an integer register: no boxing of numbers above 2^31 and no float conversions per bit.

const SIGN = -0x80000000;

/** Binary adaptive range decoder over a caller-managed input window. */
export class RangeDecoder implements BitCoder {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  private range = 0;
  private code = 0;

  /** Starts a block: reads the 5 initial bytes (the first is always 0). */
  init(): void {
    if (this.next() !== 0) throw new RotkitError("DELTA_CORRUPT", "range coder: first byte of a block must be 0");
    let code = 0;
    for (let i = 0; i < 4; i++) code = (code << 8) | this.next();
    // An encoder never starts with code = 2^32 - 1 (code < range always holds); a corrupt block may.
    if (code === -1) throw new RotkitError("DELTA_CORRUPT", "range coder: invalid initial code");
    this.range = -1;
    this.code = code;
  }

  /** Decodes one bit with the adaptive probability probs[i], which is updated (the third argument is unused). */
  bit(probs: Uint16Array, i: number, _bit?: number): number {
    const p = probs[i] as number;
    let range = this.range;
    let code = this.code;
    const bound = Math.imul(range >>> PROB_BITS, p);
    let b: number;
    if ((code ^ SIGN) < (bound ^ SIGN)) {
      range = bound;
      probs[i] = p + (((1 << PROB_BITS) - p) >> ADAPT_SHIFT);
      b = 0;
    } else {
      code = (code - bound) | 0;
      range = (range - bound) | 0;
      probs[i] = p - (p >> ADAPT_SHIFT);
      b = 1;
    }
    while (range >>> 24 === 0) {
      range <<= 8;
      code = (code << 8) | this.next();
    }
    this.range = range;
    this.code = code;
    return b;
  }

  /** Decodes `count` (<= 16) bits of probability one half, most significant first (`_value` is unused). */
  direct(_value: number, count: number): number {
    let range = this.range;
    let code = this.code;
    let v = 0;
    for (let k = 0; k < count; k++) {
      range = range >>> 1;
      let b = 0;
      if ((code ^ SIGN) >= (range ^ SIGN)) {
        code = (code - range) | 0;
        b = 1;
      }
      v = (v << 1) | b;
      while (range >>> 24 === 0) {
        range <<= 8;
        code = (code << 8) | this.next();
      }
    }
    this.range = range;
    this.code = code;
    return v;
  }

  /** Decodes a tree (BitCoder.tree) with the coder state in locals: the literal hot path. */
  tree(probs: Uint16Array, base: number, bits: number, _value?: number): number {
    let range = this.range;
    let code = this.code;
    let pos = this.pos;
    const buf = this.buf;
    const end = this.end;
    const top = 1 << bits;
    let m = 1;
    while (m < top) {
      const i = base + m;
      const p = probs[i] as number;
      const bound = Math.imul(range >>> PROB_BITS, p);
      if ((code ^ SIGN) < (bound ^ SIGN)) {
        range = bound;
        probs[i] = p + (((1 << PROB_BITS) - p) >> ADAPT_SHIFT);
        m += m;
      } else {
        code = (code - bound) | 0;
        range = (range - bound) | 0;
        probs[i] = p - (p >> ADAPT_SHIFT);
        m = 2 * m + 1;
      }
      while (range >>> 24 === 0) {
        if (pos >= end) {
          this.pos = pos;
          this.next(); // throws DELTA_CORRUPT
        }
        range <<= 8;
        code = (code << 8) | (buf[pos++] as number);
      }
    }
    this.range = range;
    this.code = code;
    this.pos = pos;
    return m - top;
  }

  /** True when a block ended cleanly: the encoder's flush leaves code at 0 (as xz's rc_is_finished checks). */
  finished(): boolean {
    return this.code === 0;
  }

  private next(): number {
    if (this.pos >= this.end) throw new RotkitError("DELTA_CORRUPT", "range coder: block data ends early");
    return this.buf[this.pos++] as number;
  }
}
