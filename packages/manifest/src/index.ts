// Public API of @rotkit/manifest: re-exports only (DESIGN.md "One job per file").
// MCUboot images (bootutil image format: header, protected / unprotected TLVs, hash, signatures)
export * from "./mcuboot/index.js";
// SUIT envelopes (draft-ietf-suit-manifest + trust-domains, update-management, firmware-encryption)
export * from "./suit/index.js";
