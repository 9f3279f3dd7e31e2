import { type ByteSink, type ByteSource, type RandomReader, RotkitError } from "@rotkit/core";
import { Bzip2Decoder, type Bzip2Memory } from "../bzip2/decoder.js";
import { corrupt, DEFAULT_READ_SIZE, optionInt, PullInput } from "../bzip2/pull-input.js";
import { BSDIFF_HEADER_SIZE, offtin, parseBsdiffHeader } from "./header.js";
import { bytesSource, isRandomReader, rangeSource } from "./sources.js";

/** Options of {@link applyBsdiff}. */
export interface ApplyBsdiffOptions {
  /** Largest new image accepted (default 256 MiB); a header asking for more is DELTA_LIMIT before any output. */
  maxNewSize?: number;
  /** When set, a header whose new size differs is DELTA_OUTPUT_MISMATCH before any output. */
  expectedNewSize?: number;
  /**
   * Pull-source patches only: the control and diff streams come before the extra stream, so their compressed bytes
   * are buffered (the extra stream is read as it arrives). Default 16 MiB; a header asking for more is DELTA_LIMIT.
   */
  maxBufferedPatchBytes?: number;
  /** bzip2 working memory per stream: "fast" (4 bytes per block byte, default) or "small" (2.5 bytes). */
  bzip2Memory?: Bzip2Memory;
  /** Largest bzip2 block size accepted, 1..9 (x 100 kB; default 9: bsdiff always writes 900k blocks). */
  maxBlockSize100k?: number;
  /** Output chunk size handed to the sink (default 64 KiB); also the old-image read size. */
  chunkSize?: number;
  /** Bytes asked of the patch per read (default 16 KiB). */
  readSize?: number;
}

/** What {@link applyBsdiff} did. */
export interface ApplyBsdiffResult {
  /** Bytes written to the sink (the header's new size). */
  newSize: number;
  /** Control tuples (diff length, extra length, old seek) executed. */
  controlTuples: number;
  /** Compressed patch bytes held in memory (control + diff streams; 0 when the patch was a RandomReader). */
  bufferedPatchBytes: number;
  /** Block-vector bytes the three bzip2 decoders allocated (their largest blocks: 4 or 2.5 bytes per block byte). */
  bzip2WorkingBytes: number;
}

const DEFAULT_MAX_NEW_SIZE = 256 * 1024 * 1024;
const DEFAULT_MAX_BUFFERED = 16 * 1024 * 1024;
const DEFAULT_CHUNK = 64 * 1024;

/** Reads exactly `length` bytes from a stream; a short stream is DELTA_CORRUPT. */
async function readFully(dec: Bzip2Decoder, dest: Uint8Array, offset: number, length: number, what: string) {
  let done = 0;
  while (done < length) {
    const n = await dec.readInto(dest, offset + done, length - done);
    if (n === 0) corrupt(`${what} ended early`);
    done += n;
  }
}

/**
 * Applies a BSDIFF40 patch (bsdiff 4.x / Debian `bsdiff`: three bzip2 streams) to `oldReader`, streaming the new
 * image to `newWriter` in `chunkSize` pieces. Byte-exact with `bspatch`, including its rule that diff bytes facing
 * positions outside the old image are taken as is.
 *
 * The patch may be a {@link RandomReader} (each stream is then read in place: no patch buffering) or a pull
 * {@link ByteSource} (the compressed control and diff streams are buffered, up to `maxBufferedPatchBytes`, because
 * they precede the extra stream). Working memory besides that: three bzip2 decoders (each up to 3.6 MB at 900k
 * blocks, or 2.25 MB with `bzip2Memory: "small"`, sized by the largest block actually seen) and one output chunk.
 *
 * All three streams must end (CRCs checked) exactly at their region ends, with nothing left over, before the last
 * chunk is written; any failure throws a DELTA_* RotkitError and the bytes written so far must be discarded.
 *
 * @example
 * ```ts
 * const chunks: Uint8Array[] = [];
 * const res = await applyBsdiff(
 *   { size: old.length, read: (o, n) => old.subarray(o, o + n) },
 *   { size: patch.length, read: (o, n) => patch.subarray(o, o + n) },
 *   { write: (c) => void chunks.push(c.slice()) },
 * );
 * console.log(res.newSize);
 * ```
 */
export async function applyBsdiff(
  oldReader: RandomReader,
  patch: ByteSource | RandomReader,
  newWriter: ByteSink,
  options: ApplyBsdiffOptions = {},
): Promise<ApplyBsdiffResult> {
  const maxNewSize = optionInt(options.maxNewSize, DEFAULT_MAX_NEW_SIZE, "maxNewSize");
  const maxBuffered = optionInt(options.maxBufferedPatchBytes, DEFAULT_MAX_BUFFERED, "maxBufferedPatchBytes");
  const chunkSize = Math.max(1, optionInt(options.chunkSize, DEFAULT_CHUNK, "chunkSize"));
  const readSize = Math.max(1, optionInt(options.readSize, DEFAULT_READ_SIZE, "readSize"));
  const oldSize = oldReader.size;
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) throw new RotkitError("INVALID_ARGUMENT", "old image size");

  // Header, then one source per stream.
  let header: Uint8Array;
  let sources: [ByteSource, ByteSource, ByteSource];
  let bufferedPatchBytes = 0;
  const checkSizes = (h: ReturnType<typeof parseBsdiffHeader>) => {
    if (h.newSize > maxNewSize) {
      throw new RotkitError("DELTA_LIMIT", `new image of ${h.newSize} bytes exceeds the limit ${maxNewSize}`, {
        at: 24,
      });
    }
    if (options.expectedNewSize !== undefined && h.newSize !== options.expectedNewSize) {
      throw new RotkitError(
        "DELTA_OUTPUT_MISMATCH",
        `patch makes ${h.newSize} bytes, expected ${options.expectedNewSize}`,
        { at: 24 },
      );
    }
  };
  let h: ReturnType<typeof parseBsdiffHeader>;
  if (isRandomReader(patch)) {
    if (patch.size < BSDIFF_HEADER_SIZE) corrupt("BSDIFF40 patch shorter than its header", patch.size);
    header = await patch.read(0, BSDIFF_HEADER_SIZE);
    if (!(header instanceof Uint8Array) || header.length !== BSDIFF_HEADER_SIZE) {
      throw new RotkitError("INVALID_ARGUMENT", "patch reader returned a wrong length at 0");
    }
    h = parseBsdiffHeader(header);
    checkSizes(h);
    const diffStart = BSDIFF_HEADER_SIZE + h.controlLength;
    const extraStart = diffStart + h.diffLength;
    if (extraStart > patch.size) corrupt("BSDIFF40 stream lengths exceed the patch", 8);
    sources = [
      rangeSource(patch, BSDIFF_HEADER_SIZE, diffStart, readSize),
      rangeSource(patch, diffStart, extraStart, readSize),
      rangeSource(patch, extraStart, patch.size, readSize),
    ];
  } else {
    const input = new PullInput(patch, readSize);
    header = new Uint8Array(BSDIFF_HEADER_SIZE);
    await input.readInto(header, 0, BSDIFF_HEADER_SIZE, "BSDIFF40 header");
    h = parseBsdiffHeader(header);
    checkSizes(h);
    bufferedPatchBytes = h.controlLength + h.diffLength;
    if (bufferedPatchBytes > maxBuffered) {
      throw new RotkitError(
        "DELTA_LIMIT",
        `BSDIFF40 control + diff streams (${bufferedPatchBytes} bytes) exceed the buffering limit ${maxBuffered}; pass the patch as a RandomReader`,
        { at: 8 },
      );
    }
    const ctrl = new Uint8Array(h.controlLength);
    await input.readInto(ctrl, 0, ctrl.length, "BSDIFF40 control stream");
    const diff = new Uint8Array(h.diffLength);
    await input.readInto(diff, 0, diff.length, "BSDIFF40 diff stream");
    sources = [bytesSource(ctrl), bytesSource(diff), input.rest()];
  }

  const bz = { memory: options.bzip2Memory ?? "fast", readSize } as const;
  const maxBlock = options.maxBlockSize100k;
  const decoder = (source: ByteSource, label: string) =>
    new Bzip2Decoder(source, maxBlock === undefined ? { ...bz, label } : { ...bz, label, maxBlockSize100k: maxBlock });
  const ctrl = decoder(sources[0], "BSDIFF40 control stream");
  const diff = decoder(sources[1], "BSDIFF40 diff stream");
  const extra = decoder(sources[2], "BSDIFF40 extra stream");

  // Output is staged in one chunk and written lazily, so the last chunk goes out only after every check passed.
  const out = new Uint8Array(Math.min(chunkSize, Math.max(1, h.newSize)));
  let outLen = 0;
  const room = async (): Promise<number> => {
    if (outLen === out.length) {
      await newWriter.write(out);
      outLen = 0;
    }
    return out.length - outLen;
  };

  const tuple = new Uint8Array(24);
  const newSize = h.newSize;
  let newPos = 0;
  let oldPos = 0;
  let tuples = 0;
  // bspatch.c main loop: "Read control data; sanity-check; read diff string; add old data to diff string; ..."
  while (newPos < newSize) {
    await readFully(ctrl, tuple, 0, 24, "BSDIFF40 control stream");
    const diffLen = offtin(tuple, 0, "control diff length");
    const extraLen = offtin(tuple, 8, "control extra length");
    const seek = offtin(tuple, 16, "control seek");
    tuples++;
    if (diffLen < 0 || extraLen < 0) corrupt(`negative length in control tuple ${tuples - 1}`);
    if (diffLen > newSize - newPos) corrupt(`control tuple ${tuples - 1} diff runs past the new size`);

    for (let left = diffLen; left > 0; ) {
      const n = Math.min(left, await room());
      await readFully(diff, out, outLen, n, "BSDIFF40 diff stream");
      // Only old bytes inside [0, oldSize) are added (bspatch: "if ((oldpos+i>=0) && (oldpos+i<oldsize))").
      const from = Math.max(oldPos, 0);
      const to = Math.min(oldPos + n, oldSize);
      if (from < to) {
        const old = await oldReader.read(from, to - from);
        if (!(old instanceof Uint8Array) || old.length !== to - from) {
          throw new RotkitError("INVALID_ARGUMENT", `old image reader returned a wrong length at ${from}`);
        }
        const base = outLen + (from - oldPos);
        for (let i = 0; i < old.length; i++) out[base + i] = ((out[base + i] as number) + (old[i] as number)) & 0xff;
      }
      outLen += n;
      oldPos += n;
      left -= n;
    }
    newPos += diffLen;

    if (extraLen > newSize - newPos) corrupt(`control tuple ${tuples - 1} extra runs past the new size`);
    for (let left = extraLen; left > 0; ) {
      const n = Math.min(left, await room());
      await readFully(extra, out, outLen, n, "BSDIFF40 extra stream");
      outLen += n;
      left -= n;
    }
    newPos += extraLen;
    oldPos += seek;
    if (!Number.isSafeInteger(oldPos)) corrupt(`control tuple ${tuples - 1} seeks out of range`);
  }

  // Every stream must be exhausted and verified (last block CRC, stream CRC, exact end) before the last write.
  const probe = new Uint8Array(1);
  for (const [dec, name] of [
    [ctrl, "control"],
    [diff, "diff"],
    [extra, "extra"],
  ] as const) {
    if ((await dec.readInto(probe, 0, 1)) !== 0) corrupt(`BSDIFF40 ${name} stream has data beyond the new size`);
  }
  if (outLen > 0) await newWriter.write(out.subarray(0, outLen));
  const bzip2WorkingBytes = ctrl.workingBytes + diff.workingBytes + extra.workingBytes;
  return { newSize, controlTuples: tuples, bufferedPatchBytes, bzip2WorkingBytes };
}
