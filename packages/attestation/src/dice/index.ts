// DICE evidence, portable part: re-exports only.
export * from "./cbor-cert.js";
export * from "./chain.js";
export * from "./derive.js";
export * from "./id.js";
export * from "./types.js";
