import {
  type CryptoProvider,
  ecCoordinateLength,
  isRotkitError,
  type KeyHandle,
  ML_DSA_LENGTHS,
  type PublicKey,
  RotkitError,
  type VerifyOptions,
} from "@rotkit/core";
import { type AlgPolicy, layerAlgorithm } from "./alg-policy.js";
import { type CoseAlgInfo, coseAlgIdOf, coseAlgorithm } from "./algorithms.js";
import type { CoseHeaders } from "./headers.js";
import { type CoseKey, publicKeyFromCoseKey } from "./key.js";
import { modulusLength, RSA_MIN_MODULUS_BYTES } from "./rsa-modulus.js";

// Signature algorithm selection, key/algorithm compatibility and the provider call (RFC 9053 §2, RFC 8230 §2,
// RFC 9864 for the fully-specified algorithms, RFC 9964 for ML-DSA). Shared by COSE_Sign1, COSE_Sign and
// countersignatures.

/** A verification key: core's PublicKey, or a decoded COSE_Key (whose `alg`, when present, is enforced). */
export type VerifyKey = PublicKey | CoseKey;

/**
 * Where a verifier gets the key: a fixed key, or a function of the (decoded, not yet verified) headers, e.g. a
 * lookup by `kid`. Returning `undefined` means "no key for this signer" (COSE_NO_KEY, or skipped under the
 * "any" policy of COSE_Sign).
 */
export type KeyResolver = (headers: CoseHeaders) => VerifyKey | undefined | Promise<VerifyKey | undefined>;

function mismatch(where: string, message: string): never {
  throw new RotkitError("COSE_ALG_MISMATCH", `${where}: ${message}`);
}

/**
 * The signature algorithm of a layer: its `alg` header, a registered signature algorithm, in the caller's allow
 * list; an unprotected alg is accepted unless `requireProtectedAlg` (see {@link layerAlgorithm}).
 *
 * @example
 * ```ts
 * const info = signatureAlgorithm(headers, "COSE_Sign1", { allowedAlgs: ["ES256"] });
 * ```
 */
export function signatureAlgorithm(
  h: CoseHeaders,
  where: string,
  options: { allowedAlgs?: AlgPolicy; requireProtectedAlg?: boolean } = {},
): CoseAlgInfo {
  return layerAlgorithm(h, "signature", where, options);
}

/**
 * RFC 9053 §2.1 / §2.2, RFC 8230 §2, RFC 9864, RFC 9964: the key type (and, for the fully-specified algorithms, the
 * curve or ML-DSA parameter set) the algorithm needs. COSE_ALG_MISMATCH otherwise: an ECDSA algorithm with an OKP key is an attack, not a
 * key format problem.
 *
 * @example
 * ```ts
 * checkKeyForAlg(coseAlgorithm(-9), p384Key, "COSE_Sign1"); // throws COSE_ALG_MISMATCH (ESP256 needs P-256)
 * ```
 */
export function checkKeyForAlg(info: CoseAlgInfo, pk: PublicKey, where: string): void {
  const s = info.signature;
  switch (s) {
    case "ES256":
    case "ES384":
    case "ES512":
      if (pk.kty !== "EC") mismatch(where, `${info.name} needs an EC2 key, got ${pk.kty}`);
      return;
    case "ESP256":
    case "ESP384":
    case "ESP512": {
      const crv = s === "ESP256" ? "P-256" : s === "ESP384" ? "P-384" : "P-521";
      if (pk.kty !== "EC" || pk.crv !== crv) mismatch(where, `${info.name} needs a ${crv} key`);
      return;
    }
    case "EdDSA":
      if (pk.kty !== "OKP" || (pk.crv !== "Ed25519" && pk.crv !== "Ed448")) {
        mismatch(where, "EdDSA needs an OKP Ed25519 or Ed448 key");
      }
      return;
    case "Ed25519":
    case "Ed448":
      if (pk.kty !== "OKP" || pk.crv !== s) mismatch(where, `${s} needs an OKP ${s} key`);
      return;
    case "PS256":
    case "PS384":
    case "PS512":
    case "RS256":
    case "RS384":
    case "RS512": {
      if (pk.kty !== "RSA") mismatch(where, `${info.name} needs an RSA key`);
      if (modulusLength(pk.n) < RSA_MIN_MODULUS_BYTES) {
        throw new RotkitError("COSE_BAD_KEY", `${where}: RSA keys must be at least 2048 bits (RFC 8230 §6)`);
      }
      return;
    }
    case "ML-DSA-44":
    case "ML-DSA-65":
    case "ML-DSA-87":
      // RFC 9964: an AKP key is bound to the one algorithm its alg names.
      if (pk.kty !== "AKP" || pk.alg !== s) mismatch(where, `${s} needs an AKP ${s} key`);
      return;
    case "HSS-LMS":
      // RFC 8778 §5: the parameter sets come from the key (and the signature must match them).
      if (pk.kty !== "HSS-LMS") mismatch(where, `HSS-LMS needs an HSS-LMS key, got ${pk.kty}`);
      return;
    default:
      throw new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: ${info.name} is not a signature algorithm`);
  }
}

/**
 * The exact signature length the algorithm and key imply: ECDSA raw r‖s is twice the coordinate length
 * (RFC 9053 §2.1: "the signature ... MUST be rejected" otherwise), Ed25519 64, Ed448 114, RSA the modulus length,
 * ML-DSA the FIPS 204 Table 2 length of the key's parameter set. HSS-LMS: undefined, as the lower levels' parameter
 * sets travel in the signature (RFC 8554 §6.2); its verifier checks the exact length the signature's own types imply.
 *
 * @example
 * ```ts
 * expectedSignatureLength({ kty: "EC", crv: "P-256", x, y }); // 64
 * ```
 */
export function expectedSignatureLength(pk: PublicKey): number | undefined {
  switch (pk.kty) {
    case "EC":
      return 2 * ecCoordinateLength(pk.crv);
    case "OKP":
      return pk.crv === "Ed448" ? 114 : 64;
    case "RSA":
      return modulusLength(pk.n);
    case "AKP":
      return ML_DSA_LENGTHS[pk.alg].signature;
    case "HSS-LMS":
      return undefined;
  }
}

/**
 * Splits a verification key into the public key and the COSE_Key `alg` restriction, if any.
 *
 * @example
 * ```ts
 * const { publicKey, alg } = toPublicKey(decodeCoseKey(bytes), "COSE_Sign1");
 * ```
 */
export function toPublicKey(key: VerifyKey, where: string): { publicKey: PublicKey; alg?: number | string } {
  if (key === null || typeof key !== "object") throw new RotkitError("COSE_NO_KEY", `${where}: no verification key`);
  const k = key as { kty?: unknown; alg?: unknown };
  if (k.kty === "Symmetric")
    throw new RotkitError("COSE_BAD_KEY", `${where}: a symmetric key cannot verify a signature`);
  let publicKey: PublicKey;
  if (k.kty === "EC2" || k.kty === "OKP" || k.kty === "RSA" || k.kty === "AKP" || k.kty === "HSS-LMS")
    publicKey = publicKeyFromCoseKey(key as CoseKey);
  else if (k.kty === "EC") publicKey = key as PublicKey;
  else throw new RotkitError("COSE_BAD_KEY", `${where}: unknown key type ${String(k.kty)}`);
  const alg = k.alg;
  if (typeof alg === "number" || typeof alg === "string") return { publicKey, alg };
  return { publicKey };
}

/**
 * RFC 9052 §7.1: a key whose `alg` names another algorithm must not be used with this one.
 *
 * @example
 * ```ts
 * checkKeyAlgParam(-7, coseAlgorithm(-35), "COSE_Sign1"); // throws COSE_ALG_MISMATCH
 * ```
 */
export function checkKeyAlgParam(keyAlg: number | string | undefined, info: CoseAlgInfo, where: string): void {
  if (keyAlg === undefined) return;
  if (keyAlg !== info.id && keyAlg !== info.name) {
    mismatch(where, `the key is restricted to algorithm ${String(keyAlg)}, the message uses ${info.name} (${info.id})`);
  }
}

/**
 * Resolves the verifier's key for one layer: COSE_NO_KEY when there is none.
 *
 * @example
 * ```ts
 * const key = await resolveKey((h) => keysByKid.get(toHex(h.unprotected.get(4) as Uint8Array)), headers, "COSE_Sign1");
 * ```
 */
export async function resolveKey(
  key: VerifyKey | KeyResolver | undefined,
  headers: CoseHeaders,
  where: string,
): Promise<VerifyKey> {
  let k: VerifyKey | undefined;
  if (typeof key === "function") {
    try {
      k = await key(headers);
    } catch (e) {
      if (isRotkitError(e)) throw e;
      throw new RotkitError("COSE_NO_KEY", `${where}: the key resolver failed`, { cause: e });
    }
  } else k = key;
  if (k === undefined || k === null) throw new RotkitError("COSE_NO_KEY", `${where}: no key for this signer`);
  return k;
}

/** ECDSA signatures travel raw (r ‖ s) in COSE (RFC 9053 §2.1); one options object for every verification. */
const RAW_SIGNATURE: VerifyOptions = Object.freeze({ format: "raw" });

/**
 * The checks before a signature verification (the provider, the key against the algorithm, the signature length):
 * the public key to verify with, or COSE_ALG_MISMATCH / COSE_BAD_SIGNATURE / COSE_BAD_KEY / INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * const publicKey = checkSignatureInputs(provider, coseAlgorithm(-7), key, sig, "COSE_Sign1");
 * ```
 */
export function checkSignatureInputs(
  provider: CryptoProvider,
  info: CoseAlgInfo,
  key: VerifyKey,
  signature: Uint8Array,
  where: string,
): PublicKey {
  if (!provider || typeof provider.verify !== "function") {
    throw new RotkitError("INVALID_ARGUMENT", `${where}: a CryptoProvider is required`);
  }
  const { publicKey, alg } = toPublicKey(key, where);
  checkKeyAlgParam(alg, info, where);
  checkKeyForAlg(info, publicKey, where);
  if (!(signature instanceof Uint8Array)) throw new RotkitError("COSE_MALFORMED", `${where}: signature must be a bstr`);
  const want = expectedSignatureLength(publicKey);
  if (want !== undefined && signature.length !== want) {
    throw new RotkitError(
      "COSE_BAD_SIGNATURE",
      `${where}: signature is ${signature.length} bytes, ${info.name} needs ${want}`,
    );
  }
  return publicKey;
}

/**
 * The provider's verification of checked inputs (see {@link checkSignatureInputs}): resolves when the signature
 * verifies, rejects with COSE_BAD_SIGNATURE when it does not, and in COSE terms when the provider fails. Not async:
 * on a server it sits on every message, and an async wrapper costs a promise and a turn.
 *
 * @example
 * ```ts
 * await providerVerify(provider, info, publicKey, tbs, sig, "COSE_Sign1");
 * ```
 */
export function providerVerify(
  provider: CryptoProvider,
  info: CoseAlgInfo,
  publicKey: PublicKey,
  toBeSigned: Uint8Array,
  signature: Uint8Array,
  where: string,
): Promise<void> {
  let pending: Promise<boolean>;
  try {
    pending = provider.verify(info.signature!, publicKey, toBeSigned, signature, RAW_SIGNATURE);
  } catch (e) {
    return Promise.reject(providerError(e, where));
  }
  return pending.then(
    (ok) => {
      if (!ok) throw new RotkitError("COSE_BAD_SIGNATURE", `${where}: the ${info.name} signature does not verify`);
    },
    (e) => {
      throw providerError(e, where);
    },
  );
}

/**
 * Verifies `signature` over `toBeSigned` or throws: COSE_ALG_MISMATCH (key type / curve / key `alg`),
 * COSE_BAD_SIGNATURE (wrong length or not valid), COSE_BAD_KEY (unusable key), COSE_UNSUPPORTED_ALG.
 *
 * @example
 * ```ts
 * await verifySignatureBytes(nobleProvider(), coseAlgorithm(-7), publicKey, tbs, sig, "COSE_Sign1");
 * ```
 */
export async function verifySignatureBytes(
  provider: CryptoProvider,
  info: CoseAlgInfo,
  key: VerifyKey,
  toBeSigned: Uint8Array,
  signature: Uint8Array,
  where: string,
): Promise<void> {
  const publicKey = checkSignatureInputs(provider, info, key, signature, where);
  await providerVerify(provider, info, publicKey, toBeSigned, signature, where);
}

/**
 * Provider failures in COSE terms.
 *
 * @example
 * ```ts
 * try { await provider.verify(...); } catch (e) { throw providerError(e, "COSE_Sign1"); }
 * ```
 */
export function providerError(e: unknown, where: string): RotkitError {
  if (isRotkitError(e, "CRYPTO_INVALID_KEY"))
    return new RotkitError("COSE_BAD_KEY", `${where}: unusable key`, { cause: e });
  if (isRotkitError(e, "CRYPTO_UNSUPPORTED_ALG")) {
    return new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: the crypto provider does not support this algorithm`, {
      cause: e,
    });
  }
  if (isRotkitError(e, "CRYPTO_INVALID_SIGNATURE_FORMAT")) {
    return new RotkitError("COSE_BAD_SIGNATURE", `${where}: malformed signature`, { cause: e });
  }
  if (isRotkitError(e)) return e;
  return new RotkitError("COSE_BAD_SIGNATURE", `${where}: signature verification failed`, { cause: e });
}

/**
 * The COSE algorithm of a signing KeyHandle (its `alg` is a registry name).
 *
 * @example
 * ```ts
 * handleAlgorithm(await generateSoftwareKey("EdDSA"), "COSE_Sign1").id; // -8
 * ```
 */
export function handleAlgorithm(handle: KeyHandle, where: string): CoseAlgInfo {
  if (!handle || typeof handle.sign !== "function" || typeof handle.alg !== "string") {
    throw new RotkitError("INVALID_ARGUMENT", `${where}: a KeyHandle is required`);
  }
  const info = coseAlgorithm(coseAlgIdOf(handle.alg), where);
  checkKeyForAlg(info, handle.publicKey, where);
  return info;
}

/**
 * Signs with a KeyHandle and checks the result has the length COSE requires (RFC 9053 §2.1: raw r‖s), so a
 * handle that returns DER or a truncated value is caught at the sender.
 *
 * @example
 * ```ts
 * const signature = await signWithHandle(key, toBeSigned, "COSE_Sign1");
 * ```
 */
export async function signWithHandle(handle: KeyHandle, toBeSigned: Uint8Array, where: string): Promise<Uint8Array> {
  const sig = await handle.sign(toBeSigned);
  const want = expectedSignatureLength(handle.publicKey);
  if (!(sig instanceof Uint8Array) || (want !== undefined && sig.length !== want)) {
    throw new RotkitError(
      "CRYPTO_INVALID_SIGNATURE_FORMAT",
      `${where}: the key handle returned a signature of the wrong length (COSE needs raw r‖s for ECDSA)`,
    );
  }
  return sig;
}
