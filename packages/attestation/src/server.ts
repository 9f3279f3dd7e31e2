// @rotkit/attestation/server: the parts that need server-side packages (jose for JWT EATs, @rotkit/x509 for X.509
// DICE chains). Re-exports only.
export * from "./index.js";
// DICE: X.509 chains through @rotkit/x509, in the same per-layer shape as the CBOR chains.
export * from "./server/dice-x509.js";
// EAT in JSON: JWT EATs and JSON detached bundles (jose); verifyEvidence with JWT and X.509 DICE detection
// (the explicit export takes precedence over the portable verifyEvidence re-exported above).
export * from "./server-eat-jwt.js";
// The EAT verifiers that also verify nested JWTs / JSON bundles in submods (explicit: they take precedence too).
export { verifyEatBundle, verifyEatCborToken, verifyEatCwt, verifyEatUccs } from "./server-eat-jwt.js";
export { type ServerVerifyEvidenceOptions, verifyEvidence } from "./server-evidence.js";
