import { type CborMap, type CborValue, RotkitError } from "@rotkit/core";
import {
  bytesClaim,
  claimsMap,
  implementationIdClaim,
  instanceIdClaim,
  invalid,
  lifecycleClaim,
  missing,
  nonceClaim,
  type PsaSecurityLifecycle,
  type PsaSoftwareComponent,
  softwareComponentsClaim,
  textClaim,
  vsiClaim,
} from "./claim-rules.js";
import { PSA_PROFILE_LEGACY, PSA_PROFILE_TFM, PSA_PROFILES, type PsaProfile, psaClaimKeys } from "./profiles.js";

// PSA claims-set validation, per profile (RFC 9783 §4, §5; §6 for the legacy PSA_IOT_PROFILE_1 keys).

/** The validated, typed claims of a PSA attestation token. */
export interface PsaClaims {
  /** The profile the claims were validated against. */
  profile: PsaProfile;
  /** Whether the profile claim was present (the legacy profile may omit it). */
  profileClaimPresent: boolean;
  nonce: Uint8Array;
  /** 33-byte UEID (type RAND); also the key identifier of the IAK (RFC 9783 §5.1). */
  instanceId: Uint8Array;
  implementationId: Uint8Array;
  /** > 0: a secure-processing-environment caller; < 0: a non-secure caller. */
  clientId: number;
  securityLifecycle: PsaSecurityLifecycle;
  bootSeed?: Uint8Array;
  certificationReference?: string;
  /** Absent only in a legacy token that sets `noSoftwareMeasurements`. */
  softwareComponents?: PsaSoftwareComponent[];
  /** Legacy only (-75007): the token carries no software measurements. */
  noSoftwareMeasurements?: boolean;
  verificationServiceIndicator?: string;
}

/**
 * The profile of a claims-set: the eat_profile claim (265) when present (it must name a known profile), else the
 * legacy profile when the legacy claim keys are used (its -75000 claim may be absent), else ATTEST_PROFILE.
 *
 * @example
 * ```ts
 * detectPsaProfile(new Map([[265, "tag:psacertified.org,2023:psa#tfm"]])); // "tag:psacertified.org,2023:psa#tfm"
 * ```
 */
export function detectPsaProfile(map: CborMap): PsaProfile {
  const eat = map.get(265);
  const legacy = map.get(-75000);
  if (eat !== undefined) return knownProfile(eat, 265);
  if (legacy !== undefined) return knownProfile(legacy, -75000);
  for (const k of map.keys()) {
    if (typeof k === "number" && k <= -75000 && k >= -75010) return PSA_PROFILE_LEGACY;
  }
  throw new RotkitError("ATTEST_PROFILE", "PSA claims: no profile claim and no legacy claim keys", {
    at: "claims.profile",
  });
}

function knownProfile(v: CborValue, key: number): PsaProfile {
  const s = textClaim("profile", v);
  const p = PSA_PROFILES.find((x) => x === s);
  if (!p) throw new RotkitError("ATTEST_PROFILE", `wrong profile: got ${JSON.stringify(s)}`, { at: "claims.profile" });
  // The legacy string under the EAT key (or an EAT profile under the legacy key) mixes two profiles.
  if ((key === -75000) !== (p === PSA_PROFILE_LEGACY)) {
    throw new RotkitError("ATTEST_PROFILE", `profile ${s} under claim key ${key}`, { at: "claims.profile" });
  }
  return p;
}

const EAN13 = /^[0-9]{13}$/;
const EAN13_5 = /^[0-9]{13}-[0-9]{5}$/;
const INT31 = 2 ** 31;

/**
 * Validates a PSA claims-set against `profile` (detected when omitted, see {@link detectPsaProfile}) and returns the
 * typed claims. Unknown claim keys are tolerated (EAT, RFC 9711 §4). Every failure names the claim in `at`
 * (`claims.nonce`, `claims.softwareComponents[1].signerId`, …): ATTEST_CLAIM_MISSING, ATTEST_CLAIM_INVALID, or
 * ATTEST_PROFILE (unknown or mismatching profile).
 *
 * Profile rules: boot seed is optional 8..32 bytes (RFC 9783 §4.3.1; key 268, or 2397 in the 2.0.0 draft profile)
 * but mandatory and 32 bytes in the legacy profile; the certification reference is EAN-13+5 (RFC 9783 §4.2.4),
 * the older profiles also accept a bare EAN-13; the legacy profile carries either software components or the
 * no-sw-measurements flag (-75007), never both.
 *
 * @example
 * ```ts
 * const claims = decodePsaClaims(decodeCbor(payload), "tag:psacertified.org,2023:psa#tfm");
 * claims.securityLifecycle.state; // "secured"
 * ```
 */
export function decodePsaClaims(claimsSet: CborValue, profile?: PsaProfile): PsaClaims {
  const map = claimsMap(claimsSet, "PSA claims");
  const detected = detectOrCheck(map, profile);
  const keys = psaClaimKeys(detected.profile);
  const legacy = detected.profile === PSA_PROFILE_LEGACY;

  const out: PsaClaims = {
    profile: detected.profile,
    profileClaimPresent: detected.present,
    nonce: nonceClaim(map.get(keys.nonce)),
    instanceId: instanceIdClaim(map.get(keys.instanceId)),
    implementationId: implementationIdClaim(map.get(keys.implementationId)),
    clientId: clientIdClaim(map.get(keys.clientId)),
    securityLifecycle: lifecycleClaim(map.get(keys.securityLifecycle)),
  };

  // Boot seed: RFC 9783 §4.3.1 (optional, 8..32); legacy: mandatory, 32 bytes.
  const seed = map.get(keys.bootSeed);
  if (seed === undefined) {
    if (legacy) throw missing("bootSeed");
  } else {
    const b = bytesClaim("bootSeed", seed);
    if (legacy && b.length !== 32) throw invalid("bootSeed", `invalid length ${b.length} (MUST be 32 bytes)`);
    if (b.length < 8 || b.length > 32) {
      throw invalid("bootSeed", `invalid length ${b.length} (MUST be between 8 and 32 bytes)`);
    }
    out.bootSeed = b;
  }

  // Certification reference: RFC 9783 §4.2.4 EAN-13+5; older profiles also a bare EAN-13.
  const cert = map.get(keys.certificationReference);
  if (cert !== undefined) {
    const s = textClaim("certificationReference", cert);
    const ok = EAN13_5.test(s) || (detected.profile !== PSA_PROFILE_TFM && EAN13.test(s));
    if (!ok) {
      throw invalid(
        "certificationReference",
        detected.profile === PSA_PROFILE_TFM ? "MUST be in EAN-13+5 format" : "MUST be in EAN-13 or EAN-13+5 format",
      );
    }
    out.certificationReference = s;
  }

  // Software components: RFC 9783 §4.4.1 (mandatory, non-empty); legacy: exclusive with no-sw-measurements.
  const sw = map.get(keys.softwareComponents);
  const noSw = keys.noSwMeasurements === undefined ? undefined : map.get(keys.noSwMeasurements);
  if (noSw !== undefined) {
    if (noSw !== 1) throw invalid("noSoftwareMeasurements", "MUST be 1 when present");
    if (sw !== undefined) {
      throw invalid("softwareComponents", "no-sw-measurements and software components cannot be present together");
    }
    out.noSoftwareMeasurements = true;
  } else if (sw === undefined) {
    throw missing("softwareComponents");
  } else {
    out.softwareComponents = softwareComponentsClaim(sw);
  }

  const vsi = vsiClaim(map.get(keys.verificationServiceIndicator));
  if (vsi !== undefined) out.verificationServiceIndicator = vsi;
  return out;
}

function detectOrCheck(map: CborMap, profile: PsaProfile | undefined): { profile: PsaProfile; present: boolean } {
  if (profile === undefined) {
    const p = detectPsaProfile(map);
    return { profile: p, present: map.has(psaClaimKeys(p).profile) };
  }
  if (!PSA_PROFILES.includes(profile)) {
    throw new RotkitError("ATTEST_PROFILE", `unknown PSA profile ${JSON.stringify(profile)}`, { at: "claims.profile" });
  }
  const key = psaClaimKeys(profile).profile;
  const v = map.get(key);
  if (v === undefined) {
    // RFC 9783 §4.3.2: the profile claim is mandatory; only the legacy profile predates it.
    if (profile === PSA_PROFILE_LEGACY) return { profile, present: false };
    throw missing("profile");
  }
  const s = textClaim("profile", v);
  if (s !== profile) {
    throw new RotkitError("ATTEST_PROFILE", `wrong profile: expecting ${profile}, got ${JSON.stringify(s)}`, {
      at: "claims.profile",
    });
  }
  return { profile, present: true };
}

/** Client ID (RFC 9783 §4.2.5): an integer in -2^31..2^31-1, not 0 (0 is neither an SPE nor an NSPE caller). */
function clientIdClaim(v: CborValue | undefined): number {
  if (v === undefined) throw missing("clientId");
  if (typeof v !== "number" || !Number.isInteger(v)) throw invalid("clientId", "must be an integer");
  if (v === 0 || v < -INT31 || v >= INT31) throw invalid("clientId", `value ${v} out of range (±2^31, not 0)`);
  return v;
}
