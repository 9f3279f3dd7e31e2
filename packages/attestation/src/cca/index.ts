// Arm CCA attestation token (Arm DEN0137): re-exports only.
export {
  CCA_PLATFORM_PROFILE,
  CCA_PLATFORM_PROFILE_LEGACY,
  CCA_REALM_PROFILE,
  type CcaPlatformClaims,
  type CcaPlatformProfile,
  type CcaRealmClaims,
  decodeCcaPlatformClaims,
  decodeCcaRealmClaims,
} from "./claims.js";
export {
  CCA_PLATFORM_LABEL,
  CCA_REALM_LABEL,
  CCA_TOKEN_TAG,
  splitCcaToken,
  type VerifiedCcaToken,
  type VerifyCcaTokenOptions,
  verifyCcaToken,
} from "./verify.js";
