import {
  CborTag,
  type CborValue,
  type CryptoProvider,
  constantTimeEqual,
  decodeCbor,
  isRotkitError,
  pooledCopy,
  RotkitError,
} from "@rotkit/core";
import { type MacKey, type VerifyKey, verifyCoseMac0Value, verifyCoseSign1Value } from "@rotkit/cose";
import { claimsMap, instanceIdClaim } from "./claim-rules.js";
import { decodePsaClaims, detectPsaProfile, type PsaClaims } from "./claims.js";
import { fastCoseOuter, fastPsaClaims } from "./fast-claims.js";
import { type PsaProfile, psaClaimKeys } from "./profiles.js";

// PSA attestation token verification (RFC 9783 §5, §7): a tagged COSE_Sign1 (ES256/384/512) or COSE_Mac0
// (HMAC 256/384/512) whose payload is a PSA claims-set. Not a CWT (tag 61), not an EAT bundle.

/** Signature algorithms a TFM-profile verifier MUST accept (RFC 9783 §5.1). */
export const PSA_SIGN1_ALGS = ["ES256", "ES384", "ES512"] as const;
/** MAC algorithms a TFM-profile verifier MUST accept (RFC 9783 §5.1). */
export const PSA_MAC0_ALGS = ["HMAC 256/256", "HMAC 384/384", "HMAC 512/512"] as const;

/** A verification key: an IAK public key (Sign1) or a symmetric key (Mac0). */
export type PsaVerifyKey = VerifyKey | MacKey;

/** Looks the key up by the token's Instance ID (RFC 9783 §5.1: the IAK is identified by the Instance ID). */
export type PsaKeyResolver = (
  instanceId: Uint8Array,
  profile: PsaProfile,
) => PsaVerifyKey | undefined | Promise<PsaVerifyKey | undefined>;

export interface VerifyPsaTokenOptions {
  /** The IAK (public key / COSE_Key for Sign1, bytes / symmetric COSE_Key for Mac0), or a resolver by Instance ID. */
  key: PsaVerifyKey | PsaKeyResolver;
  provider: CryptoProvider;
  /** The challenge the verifier sent: the token's nonce must equal it (constant-time compare). */
  nonce?: Uint8Array;
  /** Require this profile (default: the one the token names, see `detectPsaProfile`). */
  profile?: PsaProfile;
}

/** A verified PSA token. */
export interface VerifiedPsaToken {
  claims: PsaClaims;
  /** "sign1" or "mac0". */
  kind: "sign1" | "mac0";
  /** The COSE algorithm name, e.g. "ES256" or "HMAC 256/256". */
  alg: string;
  /** The verified payload bytes (the claims-set as signed). */
  payload: Uint8Array;
}

/**
 * Verifies a PSA attestation token: the COSE_Sign1 / COSE_Mac0 wrapper with the caller's key (ATTEST_BAD_SIGNATURE
 * when it does not verify), then the claims against their profile (see `decodePsaClaims`), then the nonce
 * (ATTEST_NONCE_MISMATCH). A CWT tag 61 or any other wrapper is ATTEST_MALFORMED.
 *
 * @example
 * ```ts
 * const { claims } = await verifyPsaToken(token, { key: iakPublicKey, provider: nobleProvider(), nonce });
 * console.log(claims.profile, claims.securityLifecycle.state);
 * ```
 */
export async function verifyPsaToken(bytes: Uint8Array, options: VerifyPsaTokenOptions): Promise<VerifiedPsaToken> {
  if (!options || typeof options !== "object" || !options.provider) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyPsaToken: options with key and provider are required");
  }
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "verifyPsaToken: bytes required");
  let top: CborValue;
  try {
    // Views into `bytes`, not copies: this decode feeds only the verification below, and the claims are decoded
    // from a private copy of the payload. Copying every byte string twice was a third of a server's verify cost.
    top = fastCoseOuter(bytes) ?? decodeCbor(bytes, { zeroCopy: true });
  } catch (e) {
    throw new RotkitError("ATTEST_MALFORMED", "PSA token: not well-formed CBOR", { cause: e });
  }
  if (!(top instanceof CborTag)) {
    throw new RotkitError("ATTEST_MALFORMED", "PSA token: must be a tagged COSE_Sign1 (18) or COSE_Mac0 (17)");
  }
  if (top.tag === 61) {
    throw new RotkitError("ATTEST_MALFORMED", "PSA token: a CWT (tag 61) is not a PSA token (RFC 9783 §5)");
  }
  if (top.tag !== 18 && top.tag !== 17) {
    throw new RotkitError("ATTEST_MALFORMED", `PSA token: tag ${top.tag} is neither COSE_Sign1 nor COSE_Mac0`);
  }
  const kind = top.tag === 18 ? "sign1" : "mac0";
  // A plain key needs no resolver round trip (one promise less per token on a busy verifier).
  const key = typeof options.key === "function" ? await resolveKey(top, options) : plainKey(options.key);

  let payload: Uint8Array;
  let alg: string;
  try {
    if (kind === "sign1") {
      if (key instanceof Uint8Array || isSymmetric(key)) {
        throw new RotkitError("ATTEST_BAD_SIGNATURE", "PSA token: a COSE_Sign1 needs a public key, not a MAC key");
      }
      const v = await verifyCoseSign1Value(top, {
        key: key as VerifyKey,
        provider: options.provider,
        allowedAlgs: PSA_SIGN1_ALGS,
        requireTag: true,
      });
      payload = v.payload;
      alg = v.alg.name;
    } else {
      if (!(key instanceof Uint8Array) && !isSymmetric(key)) {
        throw new RotkitError("ATTEST_BAD_SIGNATURE", "PSA token: a COSE_Mac0 needs a symmetric key");
      }
      const v = await verifyCoseMac0Value(top, {
        key: key as MacKey,
        provider: options.provider,
        allowedAlgs: PSA_MAC0_ALGS,
        requireTag: true,
      });
      payload = v.payload;
      alg = v.alg.name;
    }
  } catch (e) {
    if (isRotkitError(e, "COSE_BAD_SIGNATURE", "COSE_BAD_MAC")) {
      throw new RotkitError("ATTEST_BAD_SIGNATURE", `PSA token: the ${kind} does not verify with the given key`, {
        cause: e,
      });
    }
    throw e;
  }

  // `payload` is a view into the caller's token: the claims are read as views into one private (pooled) copy, so
  // later changes to the caller's buffer cannot reach verified claims, at the cost of one cheap allocation.
  payload = pooledCopy(payload);
  // The common shape is read in one pass; anything else (and every error) is the general path's to decide.
  const claims = fastPsaClaims(payload, options.profile) ?? generalPsaClaims(payload, options.profile);
  if (options.nonce !== undefined && !constantTimeEqual(claims.nonce, options.nonce)) {
    throw new RotkitError("ATTEST_NONCE_MISMATCH", "PSA token: the nonce is not the one the verifier sent", {
      at: "claims.nonce",
    });
  }
  return { claims, kind, alg, payload };
}

function generalPsaClaims(payload: Uint8Array, profile: PsaProfile | undefined): PsaClaims {
  let claimsSet: CborValue;
  try {
    claimsSet = decodeCbor(payload, { zeroCopy: true });
  } catch (e) {
    throw new RotkitError("ATTEST_MALFORMED", "PSA token: the payload is not well-formed CBOR", { cause: e });
  }
  return decodePsaClaims(claimsSet, profile);
}

function isSymmetric(k: unknown): boolean {
  return (
    typeof k === "object" &&
    k !== null &&
    ((k as { kty?: unknown }).kty === "Symmetric" || (k as { kty?: unknown }).kty === 4)
  );
}

function plainKey(key: VerifyPsaTokenOptions["key"]): PsaVerifyKey {
  if (key === undefined || key === null || typeof key === "function") {
    throw new RotkitError("INVALID_ARGUMENT", "verifyPsaToken: a key or key resolver is required");
  }
  return key;
}

/** The key looked up by the (not yet verified) Instance ID; the signature check follows. */
async function resolveKey(top: CborTag, options: VerifyPsaTokenOptions): Promise<PsaVerifyKey> {
  if (typeof options.key !== "function") return plainKey(options.key);
  const items = top.value;
  if (!Array.isArray(items) || items.length !== 4 || !(items[2] instanceof Uint8Array)) {
    throw new RotkitError("ATTEST_MALFORMED", "PSA token: not a COSE message with an attached payload");
  }
  let map: CborValue;
  try {
    map = decodeCbor(items[2]);
  } catch (e) {
    throw new RotkitError("ATTEST_MALFORMED", "PSA token: the payload is not well-formed CBOR", { cause: e });
  }
  const claims = claimsMap(map, "PSA claims");
  const profile = options.profile ?? detectPsaProfile(claims);
  const instanceId = instanceIdClaim(claims.get(psaClaimKeys(profile).instanceId));
  let key: PsaVerifyKey | undefined;
  try {
    key = await options.key(instanceId, profile);
  } catch (e) {
    throw new RotkitError("COSE_NO_KEY", "PSA token: the key resolver failed", { cause: e });
  }
  if (key === undefined || key === null) {
    throw new RotkitError("COSE_NO_KEY", "PSA token: no key for this Instance ID", { at: "claims.instanceId" });
  }
  return key;
}
