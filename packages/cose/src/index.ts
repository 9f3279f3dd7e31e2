// @rotkit/cose public API: re-exports only (one job per file, see docs/DESIGN.md).
export * from "./algorithms.js";
export { decompressEcPoint, isOnCurve } from "./ec-point.js";
export * from "./headers.js";
export * from "./key.js";
export * from "./key-spki.js";
