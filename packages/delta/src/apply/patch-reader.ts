import { type ByteSource, RotkitError } from "@rotkit/core";

// A fixed buffer over the patch's ByteSource: the applier never holds more of the patch than this buffer, whatever
// the patch size. `offset` counts patch bytes consumed, for checkpoints and error positions.

/** Buffered reader over a ByteSource with a fixed-size window. */
export class PatchReader {
  readonly buf: Uint8Array;
  pos = 0;
  end = 0;
  /** Patch offset of buf[0]. */
  base: number;
  private eof = false;

  constructor(
    private readonly source: ByteSource,
    size: number,
    startOffset = 0,
  ) {
    this.buf = new Uint8Array(size);
    this.base = startOffset;
  }

  /** Patch offset of the next unconsumed byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  get buffered(): number {
    return this.end - this.pos;
  }

  /** Buffers at least `min` bytes (min <= buffer size) unless the patch ends first; returns how many are buffered. */
  async fill(min: number): Promise<number> {
    if (this.end - this.pos >= min) return this.end - this.pos;
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    }
    while (this.end < min && !this.eof) {
      const want = this.buf.length - this.end;
      const chunk = await this.source.read(want);
      if (!(chunk instanceof Uint8Array)) {
        throw new RotkitError("INVALID_ARGUMENT", "patch source returned something other than bytes");
      }
      if (chunk.length === 0) {
        this.eof = true;
        break;
      }
      if (chunk.length > want) throw new RotkitError("INVALID_ARGUMENT", "patch source returned more than asked");
      this.buf.set(chunk, this.end);
      this.end += chunk.length;
    }
    return this.end - this.pos;
  }

  /** Exactly n bytes (a view, valid until the next fill), or DELTA_CORRUPT when the patch ends first. */
  async take(n: number, what: string): Promise<Uint8Array> {
    if ((await this.fill(n)) < n) {
      throw new RotkitError("DELTA_CORRUPT", `rotkit delta: patch ends inside the ${what}`, { at: this.offset });
    }
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** True when the source has no byte left (reads ahead at most one byte). */
  async atEnd(): Promise<boolean> {
    return (await this.fill(1)) === 0;
  }
}
