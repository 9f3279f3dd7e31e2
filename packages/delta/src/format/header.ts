import { RotkitError } from "@rotkit/core";
import { crc32 } from "../codec/crc32.js";
import { PREDICT_ALL } from "../codec/predictor.js";

// The rotkit delta header (docs/delta-format.md "Header"): fixed 96 bytes, little-endian, CRC-32 over the rest.

/** "RKDELTA" followed by the format version byte. */
export const DELTA_MAGIC = [0x52, 0x4b, 0x44, 0x45, 0x4c, 0x54, 0x41] as const;
export const DELTA_VERSION = 1;
export const HEADER_SIZE = 96;
/** Per-block header: payload length, output length, CRC-32 of the payload (u32 each). */
export const BLOCK_HEADER_SIZE = 12;

/** The only codec of version 1: the adaptive binary range coder with the model of codec/model.ts. */
export const CODEC_RANGE = 1;

/** Header flag: the patch is made for in-place apply (old and new share one slot); byte 11 is log2(granule). */
export const FLAG_IN_PLACE = 1;
/** In-place granule bounds: the applier writes aligned pieces of the granule, from its 16 KiB output buffer. */
export const IN_PLACE_GRANULE_MIN = 256;
export const IN_PLACE_GRANULE_MAX = 16384;
const KNOWN_FLAGS = FLAG_IN_PLACE;

/** What a rotkit delta header says. */
export interface DeltaHeader {
  version: number;
  flags: number;
  codec: number;
  /** Which predictors the copy model runs (codec/predictor.ts PREDICT_* bits). */
  predictors: number;
  /** In-place patches: the size of the aligned pieces the new image is written in (0 otherwise). */
  inPlaceGranule: number;
  oldSize: number;
  newSize: number;
  /** SHA-256 of the old image. */
  oldDigest: Uint8Array;
  /** SHA-256 of the new image. */
  newDigest: Uint8Array;
  /** Largest output of one block (the encoder's block size). */
  blockOutputMax: number;
  blockCount: number;
}

function u32(b: Uint8Array, i: number): number {
  return (
    ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)) >>> 0
  );
}

/** Writes v as u32 little-endian at b[i]. */
export function putU32(b: Uint8Array, i: number, v: number): void {
  b[i] = v;
  b[i + 1] = v >>> 8;
  b[i + 2] = v >>> 16;
  b[i + 3] = v >>> 24;
}

/** Reads a u32 little-endian at b[i]. */
export const readU32 = u32;

/**
 * The 96 header bytes for `h`.
 *
 * @example
 * ```ts
 * const bytes = encodeDeltaHeader({ version: 1, flags: 0, codec: 1, predictors: 0, inPlaceGranule: 0, oldSize, newSize, oldDigest, newDigest,
 *   blockOutputMax: 1 << 20, blockCount: 1 });
 * ```
 */
export function encodeDeltaHeader(h: DeltaHeader): Uint8Array {
  const b = new Uint8Array(HEADER_SIZE);
  b.set(DELTA_MAGIC, 0);
  b[7] = h.version;
  b[8] = h.flags;
  b[9] = h.codec;
  b[10] = h.predictors;
  b[11] = h.inPlaceGranule > 0 ? Math.log2(h.inPlaceGranule) : 0;
  putU32(b, 12, h.oldSize);
  putU32(b, 16, h.newSize);
  b.set(h.oldDigest, 20);
  b.set(h.newDigest, 52);
  putU32(b, 84, h.blockOutputMax);
  putU32(b, 88, h.blockCount);
  putU32(b, 92, crc32(0, b, 0, 92));
  return b;
}

/**
 * Decodes and checks a header: magic, CRC, version, codec, flags, sizes. DELTA_CORRUPT for damaged bytes,
 * DELTA_UNSUPPORTED for a version, codec or flag this build does not implement.
 *
 * @example
 * ```ts
 * const h = decodeDeltaHeader(patch.subarray(0, HEADER_SIZE));
 * console.log(h.oldSize, "->", h.newSize);
 * ```
 */
export function decodeDeltaHeader(b: Uint8Array): DeltaHeader {
  if (b.length < HEADER_SIZE) throw new RotkitError("DELTA_CORRUPT", "rotkit delta: header is truncated", { at: 0 });
  for (let i = 0; i < DELTA_MAGIC.length; i++) {
    if (b[i] !== DELTA_MAGIC[i]) throw new RotkitError("DELTA_CORRUPT", "rotkit delta: bad magic", { at: i });
  }
  if (u32(b, 92) !== crc32(0, b, 0, 92)) {
    throw new RotkitError("DELTA_CORRUPT", "rotkit delta: header CRC mismatch", { at: 92 });
  }
  const version = b[7] as number;
  if (version !== DELTA_VERSION) {
    throw new RotkitError("DELTA_UNSUPPORTED", `rotkit delta: format version ${version}`, { at: 7 });
  }
  const flags = b[8] as number;
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw new RotkitError("DELTA_UNSUPPORTED", `rotkit delta: unknown flags 0x${flags.toString(16)}`, { at: 8 });
  }
  const codec = b[9] as number;
  if (codec !== CODEC_RANGE) throw new RotkitError("DELTA_UNSUPPORTED", `rotkit delta: codec ${codec}`, { at: 9 });
  const predictors = b[10] as number;
  if ((predictors & ~PREDICT_ALL) !== 0) {
    throw new RotkitError("DELTA_UNSUPPORTED", `rotkit delta: unknown predictors 0x${predictors.toString(16)}`, {
      at: 10,
    });
  }
  const granuleLog = b[11] as number;
  const inPlace = (flags & FLAG_IN_PLACE) !== 0;
  if (
    inPlace
      ? granuleLog < Math.log2(IN_PLACE_GRANULE_MIN) || granuleLog > Math.log2(IN_PLACE_GRANULE_MAX)
      : granuleLog !== 0
  ) {
    throw new RotkitError("DELTA_UNSUPPORTED", `rotkit delta: in-place granule 2^${granuleLog}`, { at: 11 });
  }
  const h: DeltaHeader = {
    version,
    flags,
    codec,
    predictors,
    inPlaceGranule: inPlace ? 2 ** granuleLog : 0,
    oldSize: u32(b, 12),
    newSize: u32(b, 16),
    oldDigest: b.slice(20, 52),
    newDigest: b.slice(52, 84),
    blockOutputMax: u32(b, 84),
    blockCount: u32(b, 88),
  };
  if (h.blockOutputMax === 0 || (inPlace && h.blockOutputMax % h.inPlaceGranule !== 0)) {
    throw new RotkitError("DELTA_CORRUPT", "rotkit delta: block size does not fit", { at: 84 });
  }
  // Every block writes at least one byte and at most blockOutputMax.
  const minBlocks = Math.ceil(h.newSize / h.blockOutputMax);
  if (h.blockCount < minBlocks || h.blockCount > h.newSize) {
    throw new RotkitError("DELTA_CORRUPT", "rotkit delta: block count does not fit the new size", { at: 88 });
  }
  return h;
}
