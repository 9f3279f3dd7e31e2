import { type CborValue, type EcCurve, type HashAlg, RotkitError } from "@rotkit/core";
import { type CoseKey, decodeCoseKey } from "@rotkit/cose";
import {
  bytesClaim,
  claimsMap,
  hashBytes,
  implementationIdClaim,
  instanceIdClaim,
  invalid,
  lifecycleClaim,
  missing,
  nonceClaim,
  nonEmptyText,
  type PsaSecurityLifecycle,
  type PsaSoftwareComponent,
  softwareComponentsClaim,
  textClaim,
  vsiClaim,
} from "../psa/claim-rules.js";

// Arm CCA attestation token claims (Arm DEN0137 "Realm Management Monitor specification", §A7.2): the platform
// token reuses the PSA claims (RFC 9783 §4) plus platform config (2401) and hash-algo-id (2402); the realm token
// carries the realm's measurements and the Realm Attestation Key (RAK).

/** Platform profile of DEN0137 1.0 (EAC5+). */
export const CCA_PLATFORM_PROFILE = "tag:arm.com,2023:cca_platform#1.0.0";
/** The earlier platform profile (CCA Security Model, TF-RMM tokens before 2023). */
export const CCA_PLATFORM_PROFILE_LEGACY = "http://arm.com/CCA-SSD/1.0.0";
/** Realm profile of DEN0137 1.0; a realm token without a profile claim is the legacy form (raw EC point RAK). */
export const CCA_REALM_PROFILE = "tag:arm.com,2023:realm#1.0.0";

export type CcaPlatformProfile = typeof CCA_PLATFORM_PROFILE | typeof CCA_PLATFORM_PROFILE_LEGACY;

/** CCA platform token claims. */
export interface CcaPlatformClaims {
  profile: CcaPlatformProfile;
  /** Claim 10: the hash of the realm public key (binding, DEN0137 §A7.2.3.1). */
  challenge: Uint8Array;
  instanceId: Uint8Array;
  implementationId: Uint8Array;
  /** 2401. */
  config: Uint8Array;
  securityLifecycle: PsaSecurityLifecycle;
  softwareComponents: PsaSoftwareComponent[];
  /** 2402, e.g. "sha-256". */
  hashAlgId: string;
  verificationServiceIndicator?: string;
}

/** CCA realm token claims. */
export interface CcaRealmClaims {
  /** Absent in the legacy realm token. */
  profile?: typeof CCA_REALM_PROFILE;
  /** 10: the verifier's challenge, 64 bytes. */
  challenge: Uint8Array;
  /** 44235: 64 bytes. */
  personalizationValue: Uint8Array;
  /** 44238. */
  initialMeasurement: Uint8Array;
  /** 44239: REM0..REM3. */
  extensibleMeasurements: Uint8Array[];
  /** 44236. */
  hashAlgId: string;
  /** 44237 as carried (the bytes the platform challenge hashes). */
  publicKeyBytes: Uint8Array;
  /** The RAK: a COSE_Key (current profile) or a raw SEC 1 point (legacy), decoded on use. */
  publicKey: CoseKey | { kty: "ec-point"; point: Uint8Array };
  /** 44240. */
  publicKeyHashAlgId: string;
}

/**
 * Validates a CCA platform claims-set (DEN0137 §A7.2.3). Failures name the claim (`at: "claims.<name>"`).
 *
 * @example
 * ```ts
 * const p = decodeCcaPlatformClaims(decodeCbor(platformPayload));
 * p.securityLifecycle.state; // "secured"
 * ```
 */
export function decodeCcaPlatformClaims(claimsSet: CborValue): CcaPlatformClaims {
  const map = claimsMap(claimsSet, "CCA platform claims");
  const p = map.get(265);
  if (p === undefined) throw missing("profile");
  const profile = textClaim("profile", p);
  if (profile !== CCA_PLATFORM_PROFILE && profile !== CCA_PLATFORM_PROFILE_LEGACY) {
    throw new RotkitError("ATTEST_PROFILE", `wrong CCA platform profile ${JSON.stringify(profile)}`, {
      at: "claims.profile",
    });
  }
  const sw = map.get(2399);
  if (sw === undefined) throw missing("softwareComponents");
  const config = map.get(2401);
  if (config === undefined) throw missing("config");
  const alg = map.get(2402);
  if (alg === undefined) throw missing("hashAlgId");
  const out: CcaPlatformClaims = {
    profile,
    challenge: renamed("challenge", () => nonceClaim(map.get(10))),
    instanceId: instanceIdClaim(map.get(256)),
    implementationId: implementationIdClaim(map.get(2396)),
    config: bytesClaim("config", config),
    securityLifecycle: lifecycleClaim(map.get(2395)),
    softwareComponents: softwareComponentsClaim(sw),
    hashAlgId: nonEmptyText("hashAlgId", alg),
  };
  const vsi = vsiClaim(map.get(2400));
  if (vsi !== undefined) out.verificationServiceIndicator = vsi;
  return out;
}

/**
 * Validates a CCA realm claims-set (DEN0137 §A7.2.3.2): challenge and personalization value 64 bytes, initial
 * and four extensible measurements (32/48/64 bytes), hash algorithm ids, and the RAK (a COSE_Key under the
 * realm profile, a raw 97-byte P-384 point in the legacy form).
 *
 * @example
 * ```ts
 * const r = decodeCcaRealmClaims(decodeCbor(realmPayload));
 * r.extensibleMeasurements.length; // 4
 * ```
 */
export function decodeCcaRealmClaims(claimsSet: CborValue): CcaRealmClaims {
  const map = claimsMap(claimsSet, "CCA realm claims");
  const p = map.get(265);
  let profile: typeof CCA_REALM_PROFILE | undefined;
  if (p !== undefined) {
    if (textClaim("profile", p) !== CCA_REALM_PROFILE) {
      throw new RotkitError("ATTEST_PROFILE", `wrong CCA realm profile ${JSON.stringify(p)}`, { at: "claims.profile" });
    }
    profile = CCA_REALM_PROFILE;
  }
  const challenge = map.get(10);
  if (challenge === undefined) throw missing("challenge");
  if (Array.isArray(challenge)) throw invalid("challenge", "a multi-nonce array is not allowed");
  const ch = bytesClaim("challenge", challenge);
  if (ch.length !== 64) throw invalid("challenge", `length ${ch.length} (MUST be 64 bytes)`);
  const pv = map.get(44235);
  if (pv === undefined) throw missing("personalizationValue");
  const pvb = bytesClaim("personalizationValue", pv);
  if (pvb.length !== 64) throw invalid("personalizationValue", `length ${pvb.length} (MUST be 64 bytes)`);
  const rim = map.get(44238);
  if (rim === undefined) throw missing("initialMeasurement");
  const rem = map.get(44239);
  if (rem === undefined) throw missing("extensibleMeasurements");
  if (!Array.isArray(rem) || rem.length !== 4) {
    throw invalid("extensibleMeasurements", "MUST be an array of 4 measurements");
  }
  const hashAlg = map.get(44236);
  if (hashAlg === undefined) throw missing("hashAlgId");
  const pk = map.get(44237);
  if (pk === undefined) throw missing("publicKey");
  const pkAlg = map.get(44240);
  if (pkAlg === undefined) throw missing("publicKeyHashAlgId");
  const pkb = bytesClaim("publicKey", pk);
  const out: CcaRealmClaims = {
    challenge: ch,
    personalizationValue: pvb,
    initialMeasurement: hashBytes("initialMeasurement", rim),
    extensibleMeasurements: rem.map((m, i) => hashBytes(`extensibleMeasurements[${i}]`, m)),
    hashAlgId: nonEmptyText("hashAlgId", hashAlg),
    publicKeyBytes: pkb,
    publicKey: realmKey(pkb, profile !== undefined),
    publicKeyHashAlgId: nonEmptyText("publicKeyHashAlgId", pkAlg),
  };
  if (profile) out.profile = profile;
  return out;
}

function realmKey(b: Uint8Array, coseKey: boolean): CcaRealmClaims["publicKey"] {
  if (coseKey) {
    let k: CoseKey;
    try {
      k = decodeCoseKey(b);
    } catch (e) {
      throw invalid("publicKey", "not a COSE_Key", e);
    }
    if (k.kty !== "EC2") throw invalid("publicKey", "the RAK must be an EC2 key");
    return k;
  }
  // Legacy: a raw uncompressed P-384 point (0x04 || x || y); its curve is checked when the key is used.
  if (b.length !== 97) throw invalid("publicKey", `length ${b.length} (MUST be a 97-byte P-384 point)`);
  return { kty: "ec-point", point: b };
}

/** The curve of a raw SEC 1 uncompressed point by its length. */
export function curveOfPoint(point: Uint8Array): EcCurve | undefined {
  if (point.length === 65) return "P-256";
  if (point.length === 97) return "P-384";
  if (point.length === 133) return "P-521";
  return undefined;
}

/** A named-information hash algorithm id ("sha-256", …) as a provider hash. */
export function ccaHashAlg(name: string, claimName: string): HashAlg {
  const n = name.toLowerCase();
  if (n === "sha-256") return "SHA-256";
  if (n === "sha-384") return "SHA-384";
  if (n === "sha-512") return "SHA-512";
  throw invalid(claimName, `unsupported hash algorithm ${JSON.stringify(name)}`);
}

// The PSA rule reports "nonce"; CCA calls the claim "challenge".
function renamed<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RotkitError && e.at === "claims.nonce") {
      throw new RotkitError(e.code, e.message.replace(/ \(at claims\.nonce\)$/, "").replace(/^nonce/, name), {
        at: `claims.${name}`,
        cause: e,
      });
    }
    throw e;
  }
}
