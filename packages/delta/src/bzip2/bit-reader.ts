import { corrupt, type PullInput } from "./pull-input.js";

/**
 * MSB-first bit reader (bzip2 packs bits big-endian). Reads are synchronous over the buffered input; callers make
 * sure enough is buffered first with `ensure(bits)` (async, only when the buffer runs low), so the hot loops never
 * create a promise per symbol. A read past the end of the input is DELTA_CORRUPT (truncated stream).
 */
export class BitReader {
  /** Up to 32 buffered bits, right-aligned; `count` of them are unread. */
  private bits = 0;
  private count = 0;

  constructor(readonly input: PullInput) {}

  /** Bits readable without touching the source. */
  get buffered(): number {
    return this.count + 8 * (this.input.buf.length - this.input.pos);
  }

  /** Buffers at least `n` bits when the source has them (fewer at its end: the next read then fails cleanly). */
  async ensure(n: number): Promise<void> {
    if (this.buffered < n) await this.input.fill((n - this.count + 7) >> 3);
  }

  /** `n` bits (1..24) as an unsigned integer. */
  read(n: number): number {
    while (this.count < n) {
      const input = this.input;
      if (input.pos >= input.buf.length) corrupt("bzip2 stream truncated", input.offset);
      this.bits = ((this.bits << 8) | (input.buf[input.pos++] as number)) >>> 0;
      this.count += 8;
    }
    this.count -= n;
    return (this.bits >>> this.count) & ((1 << n) - 1);
  }

  bit(): number {
    return this.read(1);
  }

  /** 32 bits (CRCs). */
  read32(): number {
    return ((this.read(16) << 16) | this.read(16)) >>> 0;
  }

  /** The bits left in the current byte (the stream's end padding); returns them and moves to the byte boundary. */
  alignToByte(): number {
    const n = this.count & 7;
    return n === 0 ? 0 : this.read(n);
  }
}
