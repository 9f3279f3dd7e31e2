import { type ByteSource, RotkitError } from "@rotkit/core";
import { BitReader } from "./bit-reader.js";
import { BlockDecoder, type Bzip2Memory } from "./block.js";
import { bzip2CombineCrc, bzip2CrcUpdate } from "./crc32.js";
import { cumulativeCounts, getLL, indexIntoF, invertFast, invertSmall } from "./inverse-bwt.js";
import { corrupt, DEFAULT_READ_SIZE, PullInput } from "./pull-input.js";

export type { Bzip2Memory } from "./block.js";

/** Options of {@link Bzip2Decoder}. */
export interface Bzip2DecoderOptions {
  /**
   * "fast" (default): 4 bytes of working memory per block byte (3.6 MB at bzip2 -9). "small": 2.5 bytes per block
   * byte (2.25 MB at -9), about half the speed. Either grows only as far as the largest block actually needs.
   */
  memory?: Bzip2Memory;
  /** Largest block size accepted, in 100 kB units as in the `BZh1`..`BZh9` header (default 9); more is DELTA_LIMIT. */
  maxBlockSize100k?: number;
  /** Bytes asked of the source per read (default 16 KiB). */
  readSize?: number;
  /** Prefix for error messages ("bsdiff diff stream"). */
  label?: string;
}

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;

// Decoder states.
const START = 0;
const BETWEEN_BLOCKS = 1;
const IN_BLOCK = 2;
const DONE = 3;
const FAILED = 4;

/**
 * A streaming bzip2 decoder (bzip2 1.0.x format: `BZh` + level, blocks, end-of-stream trailer), pulled like any
 * {@link ByteSource}. Every block CRC and the stream CRC are checked; the end padding must be zero and the stream
 * must end exactly where its source ends (one stream, nothing after it). Randomised blocks (bzip2 < 0.9.5) are
 * DELTA_UNSUPPORTED; anything malformed or truncated is DELTA_CORRUPT. A block's CRC is known only when its last byte
 * has been read, so bytes handed out before an error must be discarded by the caller.
 *
 * @example
 * ```ts
 * const dec = new Bzip2Decoder({ read: (max) => source.read(max) }, { memory: "small" });
 * for (let chunk = await dec.read(65536); chunk.length > 0; chunk = await dec.read(65536)) sink.write(chunk);
 * ```
 */
export class Bzip2Decoder implements ByteSource {
  private readonly bits: BitReader;
  private readonly blocks: BlockDecoder;
  private readonly maxLevel: number;
  private readonly label: string;
  private state = START;
  private failure: unknown;
  private nblockMax = 0;
  private readonly cftab = new Int32Array(257);
  private ll4 = new Uint8Array(0);
  // output state of the current block: inverse-BWT walk + the RLE1 run decoder
  private tPos = 0;
  private bwtLeft = 0;
  private runByte = -1;
  private runLen = 0;
  private repeatLeft = 0;
  private crc = 0;
  private expectedCrc = 0;
  private combinedCrc = 0;
  private blockIndex = -1;

  constructor(source: ByteSource, options: Bzip2DecoderOptions = {}) {
    const maxLevel = options.maxBlockSize100k ?? 9;
    if (!Number.isInteger(maxLevel) || maxLevel < 1 || maxLevel > 9) {
      throw new RotkitError("INVALID_ARGUMENT", "maxBlockSize100k must be an integer in 1..9");
    }
    this.maxLevel = maxLevel;
    this.label = options.label ?? "bzip2";
    this.bits = new BitReader(new PullInput(source, options.readSize ?? DEFAULT_READ_SIZE));
    this.blocks = new BlockDecoder(options.memory ?? "fast");
  }

  /** Bytes held by the block vector (and small mode's link nibbles): this decoder's working memory beyond ~50 KB. */
  get workingBytes(): number {
    return this.blocks.store.byteLength + this.ll4.byteLength;
  }

  /** 1..max decoded bytes, or an empty array once the stream has ended and all its checks passed. */
  async read(max: number): Promise<Uint8Array> {
    // Fewer than `max` is allowed (ByteSource contract), so a huge `max` never means a huge allocation.
    const out = new Uint8Array(Math.max(1, Math.min(Math.floor(max) || 1, 64 * 1024)));
    const n = await this.readInto(out, 0, out.length);
    return out.subarray(0, n);
  }

  /** Decodes up to `length` bytes into `dest` at `offset`; returns how many (0 only at the verified end). */
  async readInto(dest: Uint8Array, offset: number, length: number): Promise<number> {
    if (length <= 0) return 0;
    try {
      for (;;) {
        if (this.state === IN_BLOCK) {
          const n = this.drain(dest, offset, length);
          if (n > 0) {
            this.crc = bzip2CrcUpdate(this.crc, dest, offset, offset + n);
            return n;
          }
          this.finishBlock();
        } else if (this.state === BETWEEN_BLOCKS) {
          await this.nextBlock();
        } else if (this.state === START) {
          await this.readStreamHeader();
        } else if (this.state === DONE) {
          return 0;
        } else {
          throw this.failure;
        }
      }
    } catch (e) {
      // A failed decoder stays failed: a later read must not look like a clean end of stream.
      this.state = FAILED;
      this.failure = e;
      if (e instanceof RotkitError && e.code.startsWith("DELTA_") && !e.message.startsWith(this.label)) {
        const suffix = e.at === undefined ? "" : ` (at ${e.at})`;
        const message = `${this.label}: ${e.message.slice(0, e.message.length - suffix.length)}`;
        this.failure = new RotkitError(e.code, message, e.at === undefined ? { cause: e } : { at: e.at, cause: e });
      }
      throw this.failure;
    }
  }

  private async readStreamHeader(): Promise<void> {
    const bits = this.bits;
    await bits.ensure(32);
    if (bits.read(8) !== 0x42 || bits.read(8) !== 0x5a || bits.read(8) !== 0x68) corrupt("not a bzip2 stream", 0);
    const level = bits.read(8) - 0x30;
    if (level < 1 || level > 9) corrupt("bad bzip2 block size", 3);
    if (level > this.maxLevel) {
      throw new RotkitError("DELTA_LIMIT", `bzip2 block size ${level}00k exceeds the limit ${this.maxLevel}00k`, {
        at: 3,
      });
    }
    this.nblockMax = level * 100000;
    this.state = BETWEEN_BLOCKS;
  }

  private async nextBlock(): Promise<void> {
    const bits = this.bits;
    await bits.ensure(48 + 32 + 1);
    const at = bits.input.offset;
    const hi = bits.read(24);
    const lo = bits.read(24);
    if (hi === BLOCK_MAGIC_HI && lo === BLOCK_MAGIC_LO) {
      this.expectedCrc = bits.read32();
      if (bits.bit()) {
        throw new RotkitError("DELTA_UNSUPPORTED", "randomised bzip2 blocks (bzip2 < 0.9.5) are not supported", { at });
      }
      this.blockIndex++;
      const { nblock, origPtr, counts } = await this.blocks.decode(bits, this.nblockMax);
      cumulativeCounts(counts, this.cftab);
      if (this.blocks.memory === "fast") {
        this.tPos = invertFast(this.blocks.store as Uint32Array, nblock, origPtr, this.cftab);
      } else {
        const need = (nblock + 1) >> 1;
        if (this.ll4.length < need) this.ll4 = new Uint8Array(Math.max(need, Math.min(this.nblockMax >> 1, need * 2)));
        this.tPos = invertSmall(this.blocks.store as Uint16Array, this.ll4, nblock, origPtr, this.cftab);
      }
      this.bwtLeft = nblock;
      this.runByte = -1;
      this.runLen = 0;
      this.repeatLeft = 0;
      this.crc = 0xffffffff;
      this.state = IN_BLOCK;
      return;
    }
    if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
      const stored = bits.read32();
      if (stored !== this.combinedCrc) corrupt("bzip2 stream CRC mismatch", at);
      if (bits.alignToByte() !== 0) corrupt("bzip2 stream padding is not zero", bits.input.offset);
      if (!(await bits.input.atEnd())) corrupt("data after the end of the bzip2 stream", bits.input.offset);
      this.state = DONE;
      return;
    }
    corrupt("bad bzip2 block magic", at);
  }

  private finishBlock(): void {
    const crc = ~this.crc >>> 0;
    if (crc !== this.expectedCrc) corrupt(`bzip2 block ${this.blockIndex} CRC mismatch`);
    this.combinedCrc = bzip2CombineCrc(this.combinedCrc, crc);
    this.state = BETWEEN_BLOCKS;
  }

  // RLE1 (bzip2's first stage): after 4 equal bytes, the next BWT byte is a count of further copies (0..255).

  private drain(dest: Uint8Array, offset: number, length: number): number {
    const fast = this.blocks.memory === "fast";
    const store = this.blocks.store;
    const { ll4, cftab } = this;
    let { tPos, bwtLeft, runByte, runLen, repeatLeft } = this;
    let p = offset;
    const end = offset + length;
    while (p < end) {
      if (repeatLeft > 0) {
        const n = Math.min(repeatLeft, end - p);
        dest.fill(runByte, p, p + n);
        p += n;
        repeatLeft -= n;
        continue;
      }
      if (bwtLeft === 0) break;
      let ch: number;
      if (fast) {
        const e = store[tPos] as number;
        ch = e & 0xff;
        tPos = e >>> 8;
      } else {
        ch = indexIntoF(tPos, cftab);
        tPos = getLL(store as Uint16Array, ll4, tPos);
      }
      bwtLeft--;
      if (runLen === 4) {
        repeatLeft = ch;
        runLen = 0;
        continue;
      }
      if (ch === runByte) runLen++;
      else {
        runByte = ch;
        runLen = 1;
      }
      dest[p++] = ch;
    }
    this.tPos = tPos;
    this.bwtLeft = bwtLeft;
    this.runByte = runByte;
    this.runLen = runLen;
    this.repeatLeft = repeatLeft;
    return p - offset;
  }
}

/** Options of {@link decompressBzip2}. */
export interface DecompressBzip2Options extends Bzip2DecoderOptions {
  /** Largest output accepted (default 64 MiB); more is DELTA_LIMIT. */
  maxOutput?: number;
}

/**
 * Decompresses a whole bzip2 stream held in memory (checks as {@link Bzip2Decoder}).
 *
 * @example
 * ```ts
 * const data = await decompressBzip2(compressed, { maxOutput: 1 << 20 });
 * ```
 */
export async function decompressBzip2(bytes: Uint8Array, options: DecompressBzip2Options = {}): Promise<Uint8Array> {
  const maxOutput = options.maxOutput ?? 64 * 1024 * 1024;
  let done = false;
  const dec = new Bzip2Decoder(
    {
      read: () => {
        if (done) return new Uint8Array(0);
        done = true;
        return bytes;
      },
    },
    options,
  );
  let out = new Uint8Array(Math.min(maxOutput + 1, Math.max(1024, bytes.length * 4)));
  let len = 0;
  for (;;) {
    if (len === out.length) {
      if (len > maxOutput) break;
      const bigger = new Uint8Array(Math.min(maxOutput + 1, out.length * 2));
      bigger.set(out);
      out = bigger;
    }
    const n = await dec.readInto(out, len, out.length - len);
    if (n === 0) break;
    len += n;
  }
  if (len > maxOutput) throw new RotkitError("DELTA_LIMIT", `bzip2 output exceeds ${maxOutput} bytes`);
  return out.slice(0, len);
}
