// @rotkit/attestation/server: the parts that need server-side packages (jose for JWT EATs, @rotkit/x509 for X.509
// DICE chains). Re-exports only.
export * from "./index.js";
