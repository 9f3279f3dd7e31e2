// @rotkit/cose public API: re-exports only (one job per file, see docs/DESIGN.md).
export * from "./algorithms.js";
export { decompressEcPoint, isOnCurve } from "./ec-point.js";
export * from "./headers.js";
export * from "./key.js";
export * from "./key-spki.js";
export * from "./layer.js";
export * from "./message.js";
export * from "./sign1.js";
export * from "./signature.js";
export * from "./structures.js";
