// PSA attestation token (RFC 9783): re-exports only.
export type { PsaSecurityLifecycle, PsaSoftwareComponent } from "./claim-rules.js";
export { decodePsaClaims, detectPsaProfile, type PsaClaims } from "./claims.js";
export { type CreatePsaTokenOptions, createPsaToken, encodePsaClaimsMap, type PsaClaimsInput } from "./create.js";
export {
  PSA_PROFILE_2_0_0,
  PSA_PROFILE_LEGACY,
  PSA_PROFILE_TFM,
  PSA_PROFILES,
  type PsaClaimKeys,
  type PsaLifecycleState,
  type PsaProfile,
  psaClaimKeys,
  psaLifecycleState,
} from "./profiles.js";
export {
  PSA_MAC0_ALGS,
  PSA_SIGN1_ALGS,
  type PsaKeyResolver,
  type PsaVerifyKey,
  type VerifiedPsaToken,
  type VerifyPsaTokenOptions,
  verifyPsaToken,
} from "./verify.js";
