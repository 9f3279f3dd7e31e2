import {
  CborTag,
  type CborValue,
  type CryptoProvider,
  constantTimeEqual,
  decodeCbor,
  decodeEcPoint,
  isRotkitError,
  RotkitError,
} from "@rotkit/core";
import { decodeCoseSign1Unverified, type VerifyKey, verifyCoseSign1 } from "@rotkit/cose";
import {
  type CcaPlatformClaims,
  type CcaRealmClaims,
  ccaHashAlg,
  curveOfPoint,
  decodeCcaPlatformClaims,
  decodeCcaRealmClaims,
} from "./claims.js";

// Arm CCA attestation token (Arm DEN0137 §A7.2.1): a CMW collection, tag 399, {44234: platform token
// (COSE_Sign1, signed by the CPAK), 44241: realm token (COSE_Sign1, signed by the RAK)}. The platform token's
// challenge is the hash of the realm public key (DEN0137 §A7.2.3.1): that is what binds the two.

/** CMW collection tag of the CCA token. */
export const CCA_TOKEN_TAG = 399;
export const CCA_PLATFORM_LABEL = 44234;
export const CCA_REALM_LABEL = 44241;

const SIGN_ALGS = ["ES256", "ES384", "ES512"] as const;

export interface VerifyCcaTokenOptions {
  /** The CPAK (platform attestation key). Required unless `allowUnverifiedPlatform`. */
  platformKey?: VerifyKey;
  provider: CryptoProvider;
  /** The challenge the verifier sent: must equal the realm challenge (constant-time compare). */
  nonce?: Uint8Array;
  /** Accept a token whose platform signature is NOT checked; the result then says `platformVerified: false`. */
  allowUnverifiedPlatform?: boolean;
}

/** A verified CCA token. */
export interface VerifiedCcaToken {
  platform: CcaPlatformClaims;
  realm: CcaRealmClaims;
  /** false only with `allowUnverifiedPlatform` and no `platformKey`: the platform signature was NOT verified. */
  platformVerified: boolean;
}

/**
 * Verifies an Arm CCA attestation token: the platform token with the caller's CPAK, the realm token with the RAK
 * it carries, the binding (platform challenge = hash of the RAK by the realm's public-key hash algorithm, else
 * ATTEST_KEY_BINDING), both claim sets, and the nonce (ATTEST_NONCE_MISMATCH).
 *
 * @example
 * ```ts
 * const { realm, platform } = await verifyCcaToken(token, { platformKey: cpak, provider: nobleProvider(), nonce });
 * console.log(realm.initialMeasurement, platform.securityLifecycle.state);
 * ```
 */
export async function verifyCcaToken(bytes: Uint8Array, options: VerifyCcaTokenOptions): Promise<VerifiedCcaToken> {
  if (!options || typeof options !== "object" || !options.provider) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyCcaToken: options with a provider are required");
  }
  if (!options.platformKey && options.allowUnverifiedPlatform !== true) {
    throw new RotkitError(
      "INVALID_ARGUMENT",
      "verifyCcaToken: platformKey (the CPAK) is required; pass allowUnverifiedPlatform: true to skip the platform signature",
    );
  }
  const { platformBytes, realmBytes } = splitCcaToken(bytes);

  // Platform token (CPAK).
  let platformPayload: Uint8Array;
  let platformVerified = false;
  if (options.platformKey) {
    platformPayload = await verifySign1(platformBytes, options.platformKey, options.provider, "platform");
    platformVerified = true;
  } else {
    const u = decodeCoseSign1Unverified(platformBytes);
    if (!(u.payload instanceof Uint8Array)) throw new RotkitError("ATTEST_MALFORMED", "CCA platform token: no payload");
    platformPayload = u.payload;
  }
  const platform = decodeCcaPlatformClaims(decodePayload(platformPayload, "platform"));

  // Realm token: its claims carry the RAK that signs it (decoded first, trusted only once the binding holds).
  const u = decodeCoseSign1Unverified(realmBytes);
  if (!(u.payload instanceof Uint8Array)) throw new RotkitError("ATTEST_MALFORMED", "CCA realm token: no payload");
  const unverifiedRealm = decodeCcaRealmClaims(decodePayload(u.payload, "realm"));

  // Binding (DEN0137 §A7.2.3.1): platform challenge == H(realm public key bytes).
  const h = ccaHashAlg(unverifiedRealm.publicKeyHashAlgId, "publicKeyHashAlgId");
  const digest = await options.provider.digest(h, unverifiedRealm.publicKeyBytes);
  if (!constantTimeEqual(digest, platform.challenge)) {
    throw new RotkitError(
      "ATTEST_KEY_BINDING",
      "CCA token: the platform challenge is not the hash of the realm public key",
      { at: "claims.challenge" },
    );
  }
  const rak = realmVerifyKey(unverifiedRealm);
  const realmPayload = await verifySign1(realmBytes, rak, options.provider, "realm");
  const realm = decodeCcaRealmClaims(decodePayload(realmPayload, "realm"));

  if (options.nonce !== undefined && !constantTimeEqual(realm.challenge, options.nonce)) {
    throw new RotkitError("ATTEST_NONCE_MISMATCH", "CCA token: the realm challenge is not the verifier's nonce", {
      at: "claims.challenge",
    });
  }
  return { platform, realm, platformVerified };
}

/**
 * The two COSE_Sign1 byte strings of a CCA token (tag 399 collection); ATTEST_MALFORMED otherwise.
 *
 * @example
 * ```ts
 * const { platformBytes, realmBytes } = splitCcaToken(token);
 * ```
 */
export function splitCcaToken(bytes: Uint8Array): { platformBytes: Uint8Array; realmBytes: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "CCA token: bytes required");
  let top: CborValue;
  try {
    top = decodeCbor(bytes);
  } catch (e) {
    throw new RotkitError("ATTEST_MALFORMED", "CCA token: not well-formed CBOR", { cause: e });
  }
  if (!(top instanceof CborTag) || top.tag !== CCA_TOKEN_TAG || !(top.value instanceof Map)) {
    throw new RotkitError("ATTEST_MALFORMED", "CCA token: must be a tag 399 collection map");
  }
  const m = top.value;
  const platformBytes = m.get(CCA_PLATFORM_LABEL);
  const realmBytes = m.get(CCA_REALM_LABEL);
  if (m.size !== 2 || !(platformBytes instanceof Uint8Array) || !(realmBytes instanceof Uint8Array)) {
    throw new RotkitError("ATTEST_MALFORMED", "CCA token: the collection must hold exactly 44234 and 44241 as bstr");
  }
  return { platformBytes, realmBytes };
}

function decodePayload(p: Uint8Array, what: string): CborValue {
  try {
    return decodeCbor(p);
  } catch (e) {
    throw new RotkitError("ATTEST_MALFORMED", `CCA ${what} token: the payload is not well-formed CBOR`, { cause: e });
  }
}

function realmVerifyKey(r: CcaRealmClaims): VerifyKey {
  if (r.publicKey.kty !== "ec-point") return r.publicKey;
  const crv = curveOfPoint(r.publicKey.point);
  try {
    if (!crv) throw new RotkitError("CRYPTO_INVALID_KEY", "unknown point length");
    return decodeEcPoint(crv, r.publicKey.point);
  } catch (e) {
    throw new RotkitError("ATTEST_CLAIM_INVALID", "publicKey: not a valid EC point", {
      at: "claims.publicKey",
      cause: e,
    });
  }
}

async function verifySign1(bytes: Uint8Array, key: VerifyKey, provider: CryptoProvider, what: string) {
  try {
    const v = await verifyCoseSign1(bytes, { key, provider, allowedAlgs: SIGN_ALGS, requireTag: true });
    return v.payload;
  } catch (e) {
    if (isRotkitError(e, "COSE_BAD_SIGNATURE")) {
      throw new RotkitError("ATTEST_BAD_SIGNATURE", `CCA ${what} token: the signature does not verify`, { cause: e });
    }
    throw e;
  }
}
