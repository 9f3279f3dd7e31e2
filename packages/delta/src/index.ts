// Public API of @rotkit/delta: re-exports only (DESIGN.md "One job per file").
// BSDIFF40 / VCDIFF / bzip2 interop appliers (device-side, portable).
export { type ApplyBsdiffOptions, type ApplyBsdiffResult, applyBsdiff } from "./bsdiff/apply.js";
export {
  Bzip2Decoder,
  type Bzip2DecoderOptions,
  type Bzip2Memory,
  type DecompressBzip2Options,
  decompressBzip2,
} from "./bzip2/decoder.js";
export { type ApplyVcdiffOptions, type ApplyVcdiffResult, applyVcdiff } from "./vcdiff/apply.js";
