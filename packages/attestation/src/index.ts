// @rotkit/attestation, portable entry point: re-exports only.

export * from "./cca/index.js";
// DICE (Open-DICE CBOR CDI certificate chains, CDI derivation)
export * from "./dice/index.js";
// EAT (RFC 9711): claims, CWT / UCCS / detached bundles, producing; and the single entry point verifyEvidence
export * from "./eat/claims.js";
export * from "./eat/create.js";
export * from "./eat/verify.js";
export * from "./evidence.js";
export * from "./psa/index.js";
export * from "./tpm/index.js";
export * from "./types.js";
