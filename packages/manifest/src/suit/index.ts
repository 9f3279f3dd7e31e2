// SUIT (draft-ietf-suit-manifest, RFC 9019, RFC 9124 + trust-domains, update-management, firmware-encryption,
// suit-mti): re-exports only.
export type { SuitAuthOptions, SuitVerificationKey } from "./authenticate.js";
export { buildSuitEnvelope, type SignSuitOptions, type SuitEnvelopeDescription, signSuitEnvelope } from "./build.js";
export type { SuitDecodeOptions } from "./cbor.js";
export { checkSuitDigest, suitDigest } from "./digest.js";
export { type EncodeSuitEnvelopeOptions, encodeSuitAuthentication, encodeSuitEnvelope } from "./encode-envelope.js";
export { encodeSuitCommandSequence, encodeSuitManifest } from "./encode-manifest.js";
export {
  type DecryptSuitPayloadOptions,
  decryptSuitPayload,
  type EncryptSuitPayloadOptions,
  encryptSuitPayload,
  SUIT_KDF_CONTEXT_OTHER,
} from "./encryption.js";
export { decodeSuitEnvelopeUnverified } from "./envelope.js";
export * from "./labels.js";
export { decodeSuitManifestUnverified, type SeverableName } from "./manifest.js";
export * from "./mti.js";
export * from "./process/index.js";
export * from "./report/index.js";
export type * from "./types.js";
export { dependencyUris, manifestSequences, type SuitUriBinding, suitUriBindings } from "./uris.js";
export { type VerifySuitOptions, verifySuitEnvelope } from "./verify.js";
