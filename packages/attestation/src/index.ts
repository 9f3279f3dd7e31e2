// @rotkit/attestation, portable entry point: re-exports only.

// Arm CCA attestation token (platform + realm, Arm DEN0137)
export * from "./cca/index.js";
// DICE (Open-DICE CBOR CDI certificate chains, CDI derivation)
export * from "./dice/index.js";
// EAT (RFC 9711): claims, CWT / UCCS / detached bundles, producing
export * from "./eat/claims.js";
export * from "./eat/create.js";
export * from "./eat/verify.js";
// verifyEvidence: the single entry point for every format
export * from "./evidence.js";
// PSA attestation token (RFC 9783 + legacy PSA_IOT_PROFILE_1)
export * from "./psa/index.js";
export * from "./tpm/index.js";
export * from "./types.js";
