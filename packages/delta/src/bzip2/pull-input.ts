import { type ByteSource, RotkitError } from "@rotkit/core";

const EMPTY = new Uint8Array(0);

/** Bytes asked of the source per pull when the caller needs fewer (amortises the per-read cost). */
export const DEFAULT_READ_SIZE = 16 * 1024;

/** Throws DELTA_CORRUPT: the one failure every malformed patch byte ends in. */
export function corrupt(message: string, at?: number | string): never {
  throw new RotkitError("DELTA_CORRUPT", message, at === undefined ? {} : { at });
}

/** A caller's option: a non-negative safe integer, or `fallback` when absent; anything else is INVALID_ARGUMENT. */
export function optionInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new RotkitError("INVALID_ARGUMENT", `${name} must be a non-negative integer`);
  }
  return v;
}

/**
 * A buffered pull reader over a {@link ByteSource}: the bzip2 bit reader, the VCDIFF parser and the BSDIFF40 header
 * read through it. It keeps at most one source chunk plus a small carry, so its memory is bounded by the chunk
 * sizes the source hands out.
 */
export class PullInput {
  /** The current chunk; bytes before `pos` are consumed. Read directly by the bit reader's hot path. */
  buf: Uint8Array = EMPTY;
  pos = 0;
  private ended = false;
  /** Bytes consumed before `buf` (so `offset` is an absolute position for error messages). */
  private base = 0;

  constructor(
    private readonly source: ByteSource,
    private readonly readSize = DEFAULT_READ_SIZE,
  ) {}

  /** Absolute offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Buffered, unread bytes. */
  get available(): number {
    return this.buf.length - this.pos;
  }

  private async pull(want: number): Promise<Uint8Array> {
    if (this.ended) return EMPTY;
    const chunk = await this.source.read(Math.max(want, this.readSize));
    if (!(chunk instanceof Uint8Array)) {
      throw new RotkitError("INVALID_ARGUMENT", "patch source returned something other than a Uint8Array");
    }
    if (chunk.length === 0) this.ended = true;
    return chunk;
  }

  /**
   * Makes at least `n` bytes available when the source has them; returns how many are (fewer only at its end).
   * Keep `n` small (a few KiB): a chunk boundary inside the range costs a copy of the carry.
   */
  async fill(n: number): Promise<number> {
    while (this.buf.length - this.pos < n) {
      const chunk = await this.pull(n - (this.buf.length - this.pos));
      if (chunk.length === 0) break;
      const left = this.buf.length - this.pos;
      this.base += this.pos;
      if (left === 0) {
        this.buf = chunk;
      } else {
        const merged = new Uint8Array(left + chunk.length);
        merged.set(this.buf.subarray(this.pos));
        merged.set(chunk, left);
        this.buf = merged;
      }
      this.pos = 0;
    }
    return this.buf.length - this.pos;
  }

  /** True when no byte is left (pulls from the source to find out). */
  async atEnd(): Promise<boolean> {
    return (await this.fill(1)) === 0;
  }

  /** One byte; DELTA_CORRUPT `what` truncated at the end of the source. */
  async byte(what: string): Promise<number> {
    if (this.pos >= this.buf.length && (await this.fill(1)) === 0) corrupt(`${what}: truncated`, this.offset);
    return this.buf[this.pos++] as number;
  }

  /** Exactly `length` bytes into `dest` at `offset` (no carry copies, whatever the source's chunk sizes). */
  async readInto(dest: Uint8Array, offset: number, length: number, what: string): Promise<void> {
    let done = 0;
    while (done < length) {
      if (this.pos >= this.buf.length) {
        const chunk = await this.pull(length - done);
        if (chunk.length === 0) corrupt(`${what}: truncated`, this.offset);
        this.base += this.buf.length;
        this.buf = chunk;
        this.pos = 0;
      }
      const take = Math.min(length - done, this.buf.length - this.pos);
      dest.set(this.buf.subarray(this.pos, this.pos + take), offset + done);
      this.pos += take;
      done += take;
    }
  }

  /** The rest of the input as a ByteSource: the buffered bytes first, then the source itself. */
  rest(): ByteSource {
    return {
      read: async (max: number): Promise<Uint8Array> => {
        if (this.pos >= this.buf.length) {
          const chunk = await this.pull(max);
          this.base += this.buf.length;
          this.buf = chunk;
          this.pos = 0;
        }
        const take = Math.min(max, this.buf.length - this.pos);
        const out = this.buf.subarray(this.pos, this.pos + take);
        this.pos += take;
        return out;
      },
    };
  }
}
