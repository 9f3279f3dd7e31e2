// @rotkit/attestation, portable entry point: re-exports only.

// DICE (Open-DICE CBOR CDI certificate chains, CDI derivation)
export * from "./dice/index.js";
export * from "./tpm/index.js";
export * from "./types.js";
