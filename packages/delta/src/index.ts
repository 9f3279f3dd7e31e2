// Public API of @rotkit/delta: re-exports only (DESIGN.md "One job per file").
// The rotkit delta applier (device-side, portable); making deltas is in "@rotkit/delta/create".
export { type ApplyDeltaOptions, type ApplyDeltaResult, applyDelta } from "./apply/apply.js";
export { type DeltaCheckpoint, decodeCheckpoint, encodeCheckpoint } from "./apply/checkpoint.js";
export { portableSha256, Sha256, type Sha256Factory, type Sha256Hasher } from "./apply/sha256.js";
// BSDIFF40 / VCDIFF / bzip2 interop appliers (device-side, portable).
export { type ApplyBsdiffOptions, type ApplyBsdiffResult, applyBsdiff } from "./bsdiff/apply.js";
export {
  Bzip2Decoder,
  type Bzip2DecoderOptions,
  type Bzip2Memory,
  type DecompressBzip2Options,
  decompressBzip2,
} from "./bzip2/decoder.js";
export {
  type DeltaHeader,
  decodeDeltaHeader,
  encodeDeltaHeader,
  HEADER_SIZE as DELTA_HEADER_SIZE,
} from "./format/header.js";
export { type MemorySink, memoryReader, memorySink, memorySource } from "./memory-io.js";
export { type ApplyVcdiffOptions, type ApplyVcdiffResult, applyVcdiff } from "./vcdiff/apply.js";
