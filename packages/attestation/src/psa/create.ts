import {
  type CborMap,
  type CborValue,
  type CryptoProvider,
  encodeCbor,
  type KeyHandle,
  RotkitError,
} from "@rotkit/core";
import { createCoseMac0, type MacKey, signCoseSign1 } from "@rotkit/cose";
import type { PsaSoftwareComponent } from "./claim-rules.js";
import { decodePsaClaims } from "./claims.js";
import { PSA_PROFILE_LEGACY, PSA_PROFILE_TFM, type PsaProfile, psaClaimKeys } from "./profiles.js";

// Device side: build a PSA attestation token (RFC 9783 §5) — deterministic CBOR claims (RFC 8949 §4.2.1), validated
// against the profile before anything is signed, wrapped in a tagged COSE_Sign1 (IAK KeyHandle) or COSE_Mac0.

/** The claims a device puts in its token. */
export interface PsaClaimsInput {
  /** Default: the current profile, "tag:psacertified.org,2023:psa#tfm". */
  profile?: PsaProfile;
  nonce: Uint8Array;
  instanceId: Uint8Array;
  implementationId: Uint8Array;
  clientId: number;
  /** Raw lifecycle value, e.g. 0x3000 (secured). */
  securityLifecycle: number;
  bootSeed?: Uint8Array;
  certificationReference?: string;
  softwareComponents?: PsaSoftwareComponent[];
  /** Legacy profile only. */
  noSoftwareMeasurements?: boolean;
  verificationServiceIndicator?: string;
}

export interface CreatePsaTokenOptions {
  /** Needed for a COSE_Mac0 (HMAC). */
  provider?: CryptoProvider;
  /** MAC algorithm for a Mac0 token (default "HMAC 256/256"). */
  macAlg?: "HMAC 256/256" | "HMAC 384/384" | "HMAC 512/512";
}

/**
 * The claims-set map of `claims` under its profile's keys (not yet validated).
 *
 * @example
 * ```ts
 * const map = encodePsaClaimsMap({ nonce, instanceId, implementationId, clientId: 1, securityLifecycle: 0x3000, softwareComponents });
 * ```
 */
export function encodePsaClaimsMap(claims: PsaClaimsInput): CborMap {
  const profile = claims.profile ?? PSA_PROFILE_TFM;
  const k = psaClaimKeys(profile);
  const m: CborMap = new Map();
  m.set(k.profile, profile);
  m.set(k.nonce, claims.nonce);
  m.set(k.instanceId, claims.instanceId);
  m.set(k.implementationId, claims.implementationId);
  m.set(k.clientId, claims.clientId);
  m.set(k.securityLifecycle, claims.securityLifecycle);
  if (claims.bootSeed !== undefined) m.set(k.bootSeed, claims.bootSeed);
  if (claims.certificationReference !== undefined) m.set(k.certificationReference, claims.certificationReference);
  if (claims.softwareComponents !== undefined) {
    m.set(
      k.softwareComponents,
      claims.softwareComponents.map((c) => {
        const e: CborMap = new Map<CborValue, CborValue>();
        if (c.measurementType !== undefined) e.set(1, c.measurementType);
        e.set(2, c.measurementValue);
        if (c.version !== undefined) e.set(4, c.version);
        e.set(5, c.signerId);
        if (c.measurementDesc !== undefined) e.set(6, c.measurementDesc);
        return e;
      }),
    );
  }
  if (claims.noSoftwareMeasurements) {
    if (profile !== PSA_PROFILE_LEGACY || k.noSwMeasurements === undefined) {
      throw new RotkitError("ATTEST_PROFILE", "noSoftwareMeasurements exists only in the legacy profile", {
        at: "claims.noSoftwareMeasurements",
      });
    }
    m.set(k.noSwMeasurements, 1);
  }
  if (claims.verificationServiceIndicator !== undefined) {
    m.set(k.verificationServiceIndicator, claims.verificationServiceIndicator);
  }
  return m;
}

/**
 * Creates a PSA attestation token on the device: the claims are validated with the same rules a verifier applies
 * (so a device never emits a token that `verifyPsaToken` rejects), encoded deterministically, and signed with the
 * IAK `KeyHandle` (tagged COSE_Sign1, ES256/384/512) or MAC'ed with a symmetric key (tagged COSE_Mac0, HMAC).
 *
 * @example
 * ```ts
 * const iak = await generateSoftwareKey("ES256");
 * const token = await createPsaToken({ nonce, instanceId, implementationId, clientId: 1,
 *   securityLifecycle: 0x3000, softwareComponents: [{ measurementValue, signerId }] }, iak);
 * ```
 */
export async function createPsaToken(
  claims: PsaClaimsInput,
  key: KeyHandle | MacKey,
  options: CreatePsaTokenOptions = {},
): Promise<Uint8Array> {
  if (!claims || typeof claims !== "object")
    throw new RotkitError("INVALID_ARGUMENT", "createPsaToken: claims required");
  const map = encodePsaClaimsMap(claims);
  decodePsaClaims(map, claims.profile ?? PSA_PROFILE_TFM);
  const payload = encodeCbor(map);
  if (isKeyHandle(key)) {
    if (key.alg !== "ES256" && key.alg !== "ES384" && key.alg !== "ES512") {
      throw new RotkitError("INVALID_ARGUMENT", `createPsaToken: ${String(key.alg)} is not a PSA signature algorithm`);
    }
    return signCoseSign1({ payload, tagged: true }, key);
  }
  if (!options.provider)
    throw new RotkitError("INVALID_ARGUMENT", "createPsaToken: a provider is needed for COSE_Mac0");
  return createCoseMac0(
    { payload, tagged: true },
    { key, provider: options.provider, alg: MAC_ALG_IDS[options.macAlg ?? "HMAC 256/256"] },
  );
}

// RFC 9053 §3.1 HMAC algorithm identifiers.
const MAC_ALG_IDS = { "HMAC 256/256": 5, "HMAC 384/384": 6, "HMAC 512/512": 7 } as const;

function isKeyHandle(k: unknown): k is KeyHandle {
  return typeof k === "object" && k !== null && typeof (k as { sign?: unknown }).sign === "function";
}
