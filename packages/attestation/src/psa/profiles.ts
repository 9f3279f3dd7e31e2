// The three PSA attestation token profiles rotkit knows, and the claim keys each uses.
// RFC 9783 §4 (claims) and §5 (profiles); "Backwards Compatibility Considerations" (RFC 9783 §6) for the legacy keys.

/** RFC 9783 §5.1: the current profile (TF-M). */
export const PSA_PROFILE_TFM = "tag:psacertified.org,2023:psa#tfm";
/** The pre-RFC draft profile (drafts until Oct 2023): EAT keys, boot seed still at 2397. */
export const PSA_PROFILE_2_0_0 = "http://arm.com/psa/2.0.0";
/** The legacy profile (RFC 9783 §6): claim keys -75000…-75010; media-type parameter `tag:psacertified.org,2019:psa#legacy`. */
export const PSA_PROFILE_LEGACY = "PSA_IOT_PROFILE_1";

/** A PSA profile identifier rotkit validates. */
export type PsaProfile = typeof PSA_PROFILE_TFM | typeof PSA_PROFILE_2_0_0 | typeof PSA_PROFILE_LEGACY;

/** The profiles, current first. */
export const PSA_PROFILES: readonly PsaProfile[] = [PSA_PROFILE_TFM, PSA_PROFILE_2_0_0, PSA_PROFILE_LEGACY];

/** Claim keys of one profile. `noSwMeasurements` exists only in the legacy profile. */
export interface PsaClaimKeys {
  nonce: number;
  instanceId: number;
  profile: number;
  clientId: number;
  securityLifecycle: number;
  implementationId: number;
  bootSeed: number;
  certificationReference: number;
  softwareComponents: number;
  verificationServiceIndicator: number;
  noSwMeasurements?: number;
}

// RFC 9783 §4: EAT nonce 10, ueid 256, eat_profile 265, bootseed 268 (RFC 9711), PSA keys 2394…2400.
const TFM_KEYS: PsaClaimKeys = {
  nonce: 10,
  instanceId: 256,
  profile: 265,
  clientId: 2394,
  securityLifecycle: 2395,
  implementationId: 2396,
  bootSeed: 268,
  certificationReference: 2398,
  softwareComponents: 2399,
  verificationServiceIndicator: 2400,
};

/**
 * The claim keys of `profile`.
 *
 * @example
 * ```ts
 * psaClaimKeys("PSA_IOT_PROFILE_1").nonce; // -75008
 * ```
 */
export function psaClaimKeys(profile: PsaProfile): PsaClaimKeys {
  if (profile === PSA_PROFILE_TFM) return TFM_KEYS;
  // The 2.0.0 draft profile kept the boot seed at the PSA key 2397 (moved to EAT 268 in Feb 2024).
  if (profile === PSA_PROFILE_2_0_0) return { ...TFM_KEYS, bootSeed: 2397 };
  return {
    profile: -75000,
    clientId: -75001,
    securityLifecycle: -75002,
    implementationId: -75003,
    bootSeed: -75004,
    certificationReference: -75005,
    softwareComponents: -75006,
    noSwMeasurements: -75007,
    nonce: -75008,
    instanceId: -75009,
    verificationServiceIndicator: -75010,
  };
}

/** Security lifecycle state names (RFC 9783 §4.2.1); each range spans `0xN000..0xN0ff` (unknown: `0x0000..0x00ff`). */
export type PsaLifecycleState =
  | "unknown"
  | "assembly-and-test"
  | "psa-rot-provisioning"
  | "secured"
  | "non-psa-rot-debug"
  | "recoverable-psa-rot-debug"
  | "decommissioned";

const LIFECYCLE_NAMES: readonly PsaLifecycleState[] = [
  "unknown",
  "assembly-and-test",
  "psa-rot-provisioning",
  "secured",
  "non-psa-rot-debug",
  "recoverable-psa-rot-debug",
  "decommissioned",
];

/**
 * The lifecycle state name of a raw value, or undefined when the value is in no defined range (e.g. 65535).
 *
 * @example
 * ```ts
 * psaLifecycleState(0x3000); // "secured"
 * ```
 */
export function psaLifecycleState(value: number): PsaLifecycleState | undefined {
  if (!Number.isInteger(value) || value < 0 || value > 0x60ff) return undefined;
  const major = value >> 12;
  const low = value & 0x0fff;
  if (low > 0xff) return undefined;
  return LIFECYCLE_NAMES[major];
}
