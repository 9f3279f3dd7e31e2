// @rotkit/delta/create: making rotkit deltas (server side). Kept out of the device entry point: the suffix array
// and matcher are large and need memory proportional to the images.
export { type CreateDeltaOptions, type CreateProgress, createDelta, MAX_IMAGE_SIZE } from "./create/create.js";
export { suffixArray } from "./create/suffix-array.js";
