// @rotkit/attestation, portable entry point: re-exports only.
export * from "./types.js";
