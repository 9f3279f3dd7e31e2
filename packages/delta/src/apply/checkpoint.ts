import { RotkitError } from "@rotkit/core";
import { crc32 } from "../codec/crc32.js";
import { HEADER_SIZE, putU32, readU32 } from "../format/header.js";

// The resume point of an interrupted apply (docs/delta-format.md "Checkpoints"): taken after a block has been
// verified and its output handed to the sink, so resuming re-does at most one block.

/** Where an apply can resume: the next block, where it starts in the patch, and the output so far. */
export interface DeltaCheckpoint {
  /** The patch header (96 bytes): resume re-checks it, so a checkpoint cannot be used with another patch's sizes. */
  header: Uint8Array;
  /** Index of the next block to apply. */
  block: number;
  /** Patch offset of that block: on resume the patch source must deliver the patch from here on. */
  patchOffset: number;
  /** New-image bytes already written: on resume the sink must continue at this offset. */
  newOffset: number;
  /** SHA-256 state over the new-image bytes written so far (Sha256Hasher.save()). */
  hashState: Uint8Array;
}

const MAGIC = [0x52, 0x4b, 0x43, 0x50] as const; // "RKCP"
const VERSION = 1;
const FIXED = 4 + 1 + HEADER_SIZE + 12 + 1;

/**
 * Serialises a checkpoint (about 250 bytes) for storage that survives power loss; a trailing CRC-32 lets
 * decodeCheckpoint reject a torn write.
 *
 * @example
 * ```ts
 * await applyDelta(old, patch, sink, { onCheckpoint: (cp) => storage.put("delta-cp", encodeCheckpoint(cp)) });
 * ```
 */
export function encodeCheckpoint(cp: DeltaCheckpoint): Uint8Array {
  if (cp.header.length !== HEADER_SIZE || cp.hashState.length > 255) {
    throw new RotkitError("INVALID_ARGUMENT", "checkpoint: header or hash state has the wrong size");
  }
  const out = new Uint8Array(FIXED + cp.hashState.length + 4);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  out.set(cp.header, 5);
  let at = 5 + HEADER_SIZE;
  putU32(out, at, cp.block);
  putU32(out, at + 4, cp.patchOffset);
  putU32(out, at + 8, cp.newOffset);
  out[at + 12] = cp.hashState.length;
  at += 13;
  out.set(cp.hashState, at);
  at += cp.hashState.length;
  putU32(out, at, crc32(0, out, 0, at));
  return out;
}

/**
 * Parses a stored checkpoint; DELTA_CORRUPT when the bytes are damaged or not a checkpoint.
 *
 * @example
 * ```ts
 * const saved = storage.get("delta-cp");
 * const resume = saved ? decodeCheckpoint(saved) : undefined;
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array): DeltaCheckpoint {
  const bad = (why: string) => new RotkitError("DELTA_CORRUPT", `checkpoint: ${why}`);
  if (bytes.length < FIXED + 4) throw bad("too short");
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) throw bad("bad magic");
  if (bytes[4] !== VERSION) throw bad(`version ${bytes[4]}`);
  const stateLen = bytes[FIXED - 1] as number;
  if (bytes.length !== FIXED + stateLen + 4) throw bad("length does not match");
  if (readU32(bytes, FIXED + stateLen) !== crc32(0, bytes, 0, FIXED + stateLen)) throw bad("CRC mismatch");
  const at = 5 + HEADER_SIZE;
  return {
    header: bytes.slice(5, at),
    block: readU32(bytes, at),
    patchOffset: readU32(bytes, at + 4),
    newOffset: readU32(bytes, at + 8),
    hashState: bytes.slice(FIXED, FIXED + stateLen),
  };
}
