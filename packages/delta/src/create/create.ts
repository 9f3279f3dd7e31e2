import { RotkitError } from "@rotkit/core";
import { Sha256 } from "../apply/sha256.js";
import { crc32 } from "../codec/crc32.js";
import { PREDICT_ALL } from "../codec/predictor.js";
import {
  BLOCK_HEADER_SIZE,
  CODEC_RANGE,
  DELTA_VERSION,
  type DeltaHeader,
  encodeDeltaHeader,
  FLAG_IN_PLACE,
  IN_PLACE_GRANULE_MAX,
  IN_PLACE_GRANULE_MIN,
  putU32,
} from "../format/header.js";
import { encodeBlock, type Step } from "./block-encoder.js";
import { inPlacePlan } from "./in-place.js";
import { bsdiffPlan } from "./match-bsdiff.js";
import type { Plan } from "./plan.js";
import { suffixArray } from "./suffix-array.js";

/** Where createDelta is: `phase` "index" (suffix array), "match" or "encode", with bytes done of `total`. */
export type CreateProgress = (phase: "index" | "match" | "encode", done: number, total: number) => void;

export interface CreateDeltaOptions {
  /** New-image bytes per block: the resume granularity of apply (default 1 MiB; at least 4 KiB). */
  blockSize?: number;
  onProgress?: CreateProgress;
  /** Predictor set (PREDICT_* bits; default all): which reference kinds the copy model anticipates. */
  predictors?: number;
  /**
   * Make the patch for in-place apply (old and new image in one slot, docs/delta-format.md "In-place patches"):
   * `granule` is the size of the aligned pieces the device writes (a power of two, 256..16384, a multiple of its
   * flash erase size; default 16384). The default block size becomes 64 KiB (a multiple of the granule).
   */
  inPlace?: boolean | { granule?: number };
}

/** Largest image size the format's 32-bit size fields hold. */
export const MAX_IMAGE_SIZE = 0xffffffff;
const MAX_OLD_SIZE = 0x7fffffff;

const DEFAULT_BLOCK_SIZE = 1 << 20;
const DEFAULT_IN_PLACE_BLOCK_SIZE = 1 << 16;

/** The in-place granule the option asks for (0: not in place); INVALID_ARGUMENT for an unusable one. */
function inPlaceGranule(option: CreateDeltaOptions["inPlace"]): number {
  if (!option) return 0;
  const g = option === true ? IN_PLACE_GRANULE_MAX : (option.granule ?? IN_PLACE_GRANULE_MAX);
  if (!Number.isInteger(g) || g < IN_PLACE_GRANULE_MIN || g > IN_PLACE_GRANULE_MAX || (g & (g - 1)) !== 0) {
    throw new RotkitError("INVALID_ARGUMENT", "createDelta: the in-place granule must be a power of two, 256..16384");
  }
  return g;
}

function sha256(data: Uint8Array): Uint8Array {
  const h = new Sha256();
  h.update(data);
  return h.digest();
}

/**
 * Makes a rotkit delta that turns `old` into `neu` (docs/delta-format.md).
 *
 * @example
 * ```ts
 * const patch = await createDelta(oldImage, newImage, { onProgress: (phase, done, total) => {} });
 * ```
 */
export async function createDelta(
  old: Uint8Array,
  neu: Uint8Array,
  options: CreateDeltaOptions = {},
): Promise<Uint8Array> {
  if (!(old instanceof Uint8Array) || !(neu instanceof Uint8Array)) {
    throw new RotkitError("INVALID_ARGUMENT", "createDelta: the images must be Uint8Arrays");
  }
  const predictors = options.predictors ?? PREDICT_ALL;
  if (!Number.isInteger(predictors) || (predictors & ~PREDICT_ALL) !== 0) {
    throw new RotkitError("INVALID_ARGUMENT", "createDelta: predictors must be a set of PREDICT_* bits");
  }
  const granule = inPlaceGranule(options.inPlace);
  const blockSize = options.blockSize ?? (granule ? DEFAULT_IN_PLACE_BLOCK_SIZE : DEFAULT_BLOCK_SIZE);
  if (!Number.isInteger(blockSize) || blockSize < 4096 || blockSize > MAX_IMAGE_SIZE) {
    throw new RotkitError("INVALID_ARGUMENT", "createDelta: blockSize must be an integer >= 4096");
  }
  if (granule && blockSize % granule !== 0) {
    throw new RotkitError("INVALID_ARGUMENT", "createDelta: an in-place blockSize must be a multiple of the granule");
  }
  // The format holds 4 GiB images; the suffix array (Int32Array) indexes up to 2 GiB of old image.
  if (old.length > MAX_OLD_SIZE || neu.length > MAX_IMAGE_SIZE) {
    throw new RotkitError("DELTA_LIMIT", "createDelta: old images above 2 GiB or new images above 4 GiB");
  }
  const progress = options.onProgress;
  progress?.("index", 0, old.length);
  let sa: Int32Array | undefined = suffixArray(old);
  progress?.("index", old.length, old.length);
  let plan = bsdiffPlan(old, neu, sa, (done) => progress?.("match", done, neu.length));
  if (granule) plan = inPlacePlan(old, neu, sa, plan, granule);
  sa = undefined; // 4 bytes per old byte: free before encoding
  progress?.("match", neu.length, neu.length);
  const blocks = encodeBlocks(old, neu, plan, blockSize, predictors, (done) => progress?.("encode", done, neu.length));
  const header: DeltaHeader = {
    version: DELTA_VERSION,
    flags: granule ? FLAG_IN_PLACE : 0,
    inPlaceGranule: granule,
    predictors,
    codec: CODEC_RANGE,
    oldSize: old.length,
    newSize: neu.length,
    oldDigest: sha256(old),
    newDigest: sha256(neu),
    blockOutputMax: blockSize,
    blockCount: blocks.length,
  };
  return assemble(encodeDeltaHeader(header), blocks);
}

interface EncodedBlock {
  payload: Uint8Array;
  output: number;
}

/** Splits the plan into blocks of at most `blockSize` new bytes and encodes each with a fresh model. */
function encodeBlocks(
  old: Uint8Array,
  neu: Uint8Array,
  plan: Plan,
  blockSize: number,
  predictors: number,
  progress: (done: number) => void,
): EncodedBlock[] {
  const blocks: EncodedBlock[] = [];
  let steps: Step[] = [];
  let output = 0;
  let newPos = 0;
  const flush = () => {
    blocks.push({ payload: encodeBlock(old, neu, steps, predictors), output });
    progress(newPos);
    steps = [];
    output = 0;
  };
  for (let i = 0; i < plan.count; i++) {
    let copyLen = plan.copyLen[i] as number;
    let insertLen = plan.insertLen[i] as number;
    let oldPos = plan.oldPos[i] as number;
    while (copyLen + insertLen > 0) {
      const room = blockSize - output;
      const c = Math.min(copyLen, room);
      const n = Math.min(insertLen, room - c);
      steps.push({ newPos, copyLen: c, insertLen: n, oldPos });
      output += c + n;
      newPos += c + n;
      oldPos += c;
      copyLen -= c;
      insertLen -= n;
      if (output === blockSize) flush();
    }
  }
  if (output > 0) flush();
  return blocks;
}

function assemble(header: Uint8Array, blocks: EncodedBlock[]): Uint8Array {
  let size = header.length;
  for (const b of blocks) size += BLOCK_HEADER_SIZE + b.payload.length;
  const out = new Uint8Array(size);
  out.set(header, 0);
  let at = header.length;
  for (const b of blocks) {
    putU32(out, at, b.payload.length);
    putU32(out, at + 4, b.output);
    putU32(out, at + 8, crc32(0, b.payload));
    out.set(b.payload, at + BLOCK_HEADER_SIZE);
    at += BLOCK_HEADER_SIZE + b.payload.length;
  }
  return out;
}
