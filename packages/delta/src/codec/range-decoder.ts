import { RotkitError } from "@rotkit/core";
import type { BitCoder } from "./coder.js";
import { ADAPT_SHIFT, PROB_BITS, RANGE_TOP } from "./constants.js";

// Binary adaptive range decoder (the LZMA SDK's rc, Pavlov; integer arithmetic kept in uint32 via >>> 0). It reads
// from `buf[pos..end)`; the caller keeps enough bytes buffered for the next symbol (see apply/input.ts), so a
// truncated block is caught by the `end` check rather than by reading stale bytes.

/** Binary adaptive range decoder over a caller-managed input window. */
export class RangeDecoder implements BitCoder {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  range = 0;
  code = 0;

  /** Starts a block: reads the 5 initial bytes (the first is always 0). */
  init(): void {
    this.range = 0xffffffff;
    this.code = 0;
    if (this.next() !== 0) throw new RotkitError("DELTA_CORRUPT", "range coder: first byte of a block must be 0");
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.next()) >>> 0;
    // An encoder never produces code >= range at the start; a corrupt block may.
    if (this.code === 0xffffffff) throw new RotkitError("DELTA_CORRUPT", "range coder: invalid initial code");
  }

  /** Decodes one bit with the adaptive probability probs[i], which is updated (the third argument is unused). */
  bit(probs: Uint16Array, i: number, _bit?: number): number {
    const p = probs[i] as number;
    const bound = (this.range >>> PROB_BITS) * p;
    let b: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + (((1 << PROB_BITS) - p) >> ADAPT_SHIFT);
      b = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      probs[i] = p - (p >> ADAPT_SHIFT);
      b = 1;
    }
    while (this.range < RANGE_TOP) {
      this.range = (this.range * 256) >>> 0;
      this.code = ((this.code * 256) >>> 0) + this.next();
    }
    return b;
  }

  /** Decodes `count` (<= 16) bits of probability one half, most significant first (`_value` is unused). */
  direct(_value: number, count: number): number {
    let v = 0;
    for (let k = 0; k < count; k++) {
      this.range = this.range >>> 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      v = (v << 1) | b;
      while (this.range < RANGE_TOP) {
        this.range = (this.range * 256) >>> 0;
        this.code = ((this.code * 256) >>> 0) + this.next();
      }
    }
    return v >>> 0;
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
