import { type ByteSink, type ByteSource, constantTimeEqual, type RandomReader, RotkitError } from "@rotkit/core";
import { crc32 } from "../codec/crc32.js";
import { BLOCK_HEADER_SIZE, type DeltaHeader, decodeDeltaHeader, HEADER_SIZE, readU32 } from "../format/header.js";
import {
  BlockDecoder,
  MAX_UNIT_INPUT,
  RUN_BLOCK_DONE,
  RUN_NEED_INPUT,
  RUN_NEED_OLD,
  RUN_OUTPUT_FULL,
} from "./block-decoder.js";
import type { DeltaCheckpoint } from "./checkpoint.js";
import { PatchReader } from "./patch-reader.js";
import { portableSha256, type Sha256Factory, type Sha256Hasher } from "./sha256.js";

// applyDelta: the device-side applier of docs/delta-format.md. Memory is fixed (APPLY_BUFFERS below + the model)
// whatever the image sizes: the patch streams through a 4 KiB window, the old image is read in 4 KiB chunks, the
// output leaves through a 16 KiB buffer.

const INPUT_BUFFER = 4096;
const OUTPUT_BUFFER = 16384;
const OLD_CHUNK = 4096;

export interface ApplyDeltaOptions {
  /** SHA-256 implementation (a native one on hosts that have it); default: the portable one. */
  sha256?: Sha256Factory;
  /** Resume an interrupted apply: the patch source starts at checkpoint.patchOffset, the sink at newOffset. */
  resume?: DeltaCheckpoint;
  /**
   * Called after each verified block once its output went to the sink; persist the checkpoint (encodeCheckpoint)
   * after making the sink durable. The hasher must support save().
   */
  onCheckpoint?: (checkpoint: DeltaCheckpoint) => void | Promise<void>;
  onProgress?: (done: number, total: number) => void;
  /** Largest new image this device accepts (DELTA_LIMIT above it); default 4 GiB - 1. */
  maxNewSize?: number;
  /**
   * The old-image reader and the sink are the same slot (docs/delta-format.md "In-place patches"): the patch must be
   * an in-place one (DELTA_UNSUPPORTED otherwise). Output reaches the sink in pieces aligned to the patch's granule.
   * A resume then skips the old image's digest (it is partly overwritten): the host must serve, through the reader,
   * the old bytes of the block that was interrupted (see onBlockStart).
   */
  inPlace?: boolean;
  /**
   * Called before a block's first write with its new-image range. For resumable in-place apply, keep a copy of the
   * old bytes in that range (a scratch area) until the next checkpoint: a resumed block reads them again.
   */
  onBlockStart?: (newOffset: number, length: number) => void | Promise<void>;
}

export interface ApplyDeltaResult {
  header: DeltaHeader;
  /** Bytes written by this call (less than newSize after a resume). */
  written: number;
  blocks: number;
  /** Bytes of working memory the applier allocated or asked the old-image reader for at once. */
  workingBytes: number;
}

/**
 * Applies a rotkit delta: reads the old image, streams the patch, writes the new image. Checks the old image's
 * SHA-256 before the first write (DELTA_BASE_MISMATCH) and the new image's at the end (DELTA_OUTPUT_MISMATCH); a
 * damaged or truncated patch ends in DELTA_CORRUPT. The output is only good once this resolves.
 *
 * @example
 * ```ts
 * const oldReader = { size: old.length, read: (off, len) => old.subarray(off, off + len) };
 * const chunks: Uint8Array[] = [];
 * await applyDelta(oldReader, bytesSource(patch), { write: (c) => void chunks.push(c.slice()) });
 * ```
 */
export async function applyDelta(
  old: RandomReader,
  patch: ByteSource,
  out: ByteSink,
  options: ApplyDeltaOptions = {},
): Promise<ApplyDeltaResult> {
  const hashes = options.sha256 ?? portableSha256;
  const resume = options.resume;
  const reader = new PatchReader(patch, INPUT_BUFFER, resume ? resume.patchOffset : 0);
  const headerBytes = resume ? resume.header : (await reader.take(HEADER_SIZE, "header")).slice();
  const h = decodeDeltaHeader(headerBytes);
  if (h.newSize > (options.maxNewSize ?? 0xffffffff)) {
    throw new RotkitError("DELTA_LIMIT", `rotkit delta: new image of ${h.newSize} bytes is above the limit`);
  }
  const inPlace = options.inPlace === true;
  if (inPlace && h.inPlaceGranule === 0) {
    throw new RotkitError("DELTA_UNSUPPORTED", "rotkit delta: this patch is not made for in-place apply");
  }
  if (old.size !== h.oldSize) {
    throw new RotkitError(
      "DELTA_BASE_MISMATCH",
      `rotkit delta: old image is ${old.size} bytes, patch wants ${h.oldSize}`,
    );
  }
  let block = 0;
  let newPos = 0;
  let hasher: Sha256Hasher;
  if (resume) {
    checkResumePoint(resume, h);
    if (!hashes.restore) throw new RotkitError("INVALID_ARGUMENT", "resume needs a SHA-256 factory with restore()");
    hasher = hashes.restore(resume.hashState);
    block = resume.block;
    newPos = resume.newOffset;
  } else {
    hasher = hashes.create();
  }
  if (options.onCheckpoint && !hasher.save) {
    throw new RotkitError("INVALID_ARGUMENT", "checkpoints need a SHA-256 hasher with save()");
  }
  // In place, a resumed apply finds the old image partly overwritten: it was checked before the first write.
  if (!(inPlace && resume)) await checkOldDigest(old, h.oldDigest, hashes.create());

  const dec = new BlockDecoder(h.oldSize, OUTPUT_BUFFER, h.predictors, h.inPlaceGranule);
  const rc = dec.rc;
  const startPos = newPos;
  const flush = async () => {
    if (dec.outPos === 0) return;
    const chunk = dec.out.subarray(0, dec.outPos);
    hasher.update(chunk);
    await out.write(chunk);
    dec.outPos = 0;
    options.onProgress?.(dec.newPos, h.newSize);
  };

  for (; block < h.blockCount; block++) {
    const bh = await reader.take(BLOCK_HEADER_SIZE, "block header");
    const payloadLen = readU32(bh, 0);
    const outputLen = readU32(bh, 4);
    const crc = readU32(bh, 8);
    if (outputLen === 0 || outputLen > h.blockOutputMax || outputLen > h.newSize - newPos || payloadLen < 5) {
      throw new RotkitError("DELTA_CORRUPT", "rotkit delta: block header out of range", { at: reader.offset - 12 });
    }
    const payloadEnd = reader.offset + payloadLen;
    let crcDone = reader.offset;
    let crcAcc = 0;
    // Points the range decoder at the buffered part of this block's payload, refilling the window first.
    const refill = async () => {
      reader.pos = rc.pos;
      await reader.fill(INPUT_BUFFER);
      const limit = Math.min(reader.base + reader.end, payloadEnd);
      crcAcc = crc32(crcAcc, reader.buf, crcDone - reader.base, limit - reader.base);
      crcDone = limit;
      rc.buf = reader.buf;
      rc.pos = reader.pos;
      rc.end = limit - reader.base;
      if (limit === payloadEnd) {
        dec.safeEnd = Number.POSITIVE_INFINITY;
      } else if (rc.end - rc.pos < 2 * MAX_UNIT_INPUT) {
        throw new RotkitError("DELTA_CORRUPT", "rotkit delta: patch ends inside a block", { at: limit });
      } else {
        dec.safeEnd = rc.end - MAX_UNIT_INPUT;
      }
    };
    rc.pos = reader.pos;
    await refill();
    await options.onBlockStart?.(newPos, outputLen);
    dec.startBlock(outputLen, newPos);
    for (;;) {
      const r = dec.run();
      if (r === RUN_BLOCK_DONE) break;
      if (r === RUN_NEED_INPUT) await refill();
      else if (r === RUN_OUTPUT_FULL) await flush();
      else if (r === RUN_NEED_OLD) {
        dec.setOld(await readOld(old, dec.oldPos, Math.min(OLD_CHUNK, dec.copyLeft)), dec.oldPos);
      }
    }
    reader.pos = rc.pos;
    if (reader.offset !== payloadEnd || !rc.finished() || crcDone !== payloadEnd || crcAcc !== crc) {
      throw new RotkitError("DELTA_CORRUPT", `rotkit delta: block ${block} does not check out`, { at: payloadEnd });
    }
    await flush();
    newPos += outputLen;
    if (options.onCheckpoint) {
      await options.onCheckpoint({
        header: headerBytes.slice(),
        block: block + 1,
        patchOffset: reader.offset,
        newOffset: newPos,
        hashState: (hasher.save as () => Uint8Array).call(hasher),
      });
    }
  }
  if (newPos !== h.newSize || !(await reader.atEnd())) {
    throw new RotkitError("DELTA_CORRUPT", "rotkit delta: blocks do not end with the new image", { at: reader.offset });
  }
  if (!constantTimeEqual(hasher.digest(), h.newDigest)) {
    throw new RotkitError("DELTA_OUTPUT_MISMATCH", "rotkit delta: the new image's SHA-256 is not the promised one");
  }
  return {
    header: h,
    written: newPos - startPos,
    blocks: h.blockCount,
    workingBytes: INPUT_BUFFER + OLD_CHUNK + dec.workingBytes + 1024 + 512,
  };
}

function checkResumePoint(cp: DeltaCheckpoint, h: DeltaHeader): void {
  const ok =
    Number.isInteger(cp.block) &&
    cp.block >= 0 &&
    cp.block <= h.blockCount &&
    Number.isInteger(cp.newOffset) &&
    cp.newOffset >= 0 &&
    cp.newOffset <= h.newSize &&
    (cp.block === h.blockCount) === (cp.newOffset === h.newSize) &&
    Number.isInteger(cp.patchOffset) &&
    cp.patchOffset >= HEADER_SIZE;
  if (!ok) throw new RotkitError("DELTA_CORRUPT", "checkpoint does not fit the patch header");
}

async function readOld(old: RandomReader, offset: number, length: number): Promise<Uint8Array> {
  const chunk = await old.read(offset, length);
  if (!(chunk instanceof Uint8Array) || chunk.length !== length) {
    throw new RotkitError("INVALID_ARGUMENT", `old-image reader returned the wrong length at ${offset}`);
  }
  return chunk;
}

// The base image must be the one the patch was made from before anything is written (DELTA_BASE_MISMATCH).
async function checkOldDigest(old: RandomReader, expected: Uint8Array, hasher: Sha256Hasher): Promise<void> {
  for (let at = 0; at < old.size; at += OLD_CHUNK) {
    hasher.update(await readOld(old, at, Math.min(OLD_CHUNK, old.size - at)));
  }
  if (!constantTimeEqual(hasher.digest(), expected)) {
    throw new RotkitError("DELTA_BASE_MISMATCH", "rotkit delta: the old image is not the one the patch was made from");
  }
}
