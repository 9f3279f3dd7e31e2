// @rotkit/attestation/server: the parts that need server-side packages (jose for JWT EATs, @rotkit/x509 for X.509
// DICE chains). Re-exports only.
export * from "./index.js";
// DICE: X.509 chains through @rotkit/x509, in the same per-layer shape as the CBOR chains.
export * from "./server/dice-x509.js";
