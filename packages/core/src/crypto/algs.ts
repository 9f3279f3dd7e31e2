import { RotkitError } from "../errors.js";
import type { EcCurve, HashAlg, MlDsaAlg, PublicKey, SignatureAlg } from "./types.js";

// One table that both providers read, so they cannot disagree on what an algorithm name means.

/** What a signature algorithm name stands for. */
export type SignatureScheme =
  | { kind: "ecdsa"; hash: HashAlg; curve: EcCurve | undefined }
  | { kind: "eddsa"; curve: "Ed25519" | "Ed448" | undefined }
  | { kind: "rsa-pss"; hash: HashAlg }
  | { kind: "rsa-pkcs1"; hash: HashAlg }
  | { kind: "ml-dsa"; alg: MlDsaAlg }
  | { kind: "hss-lms" };

const SCHEMES: { readonly [A in SignatureAlg]: SignatureScheme } = {
  // RFC 9053 §2.1: ES* name the hash; the curve comes from the key.
  ES256: { kind: "ecdsa", hash: "SHA-256", curve: undefined },
  ES384: { kind: "ecdsa", hash: "SHA-384", curve: undefined },
  ES512: { kind: "ecdsa", hash: "SHA-512", curve: undefined },
  // RFC 9864 §2.1: fully-specified ECDSA pins the curve.
  ESP256: { kind: "ecdsa", hash: "SHA-256", curve: "P-256" },
  ESP384: { kind: "ecdsa", hash: "SHA-384", curve: "P-384" },
  ESP512: { kind: "ecdsa", hash: "SHA-512", curve: "P-521" },
  EdDSA: { kind: "eddsa", curve: undefined },
  Ed25519: { kind: "eddsa", curve: "Ed25519" },
  Ed448: { kind: "eddsa", curve: "Ed448" },
  PS256: { kind: "rsa-pss", hash: "SHA-256" },
  PS384: { kind: "rsa-pss", hash: "SHA-384" },
  PS512: { kind: "rsa-pss", hash: "SHA-512" },
  RS256: { kind: "rsa-pkcs1", hash: "SHA-256" },
  RS384: { kind: "rsa-pkcs1", hash: "SHA-384" },
  RS512: { kind: "rsa-pkcs1", hash: "SHA-512" },
  // RFC 9964 §2 / FIPS 204: each name pins one parameter set.
  "ML-DSA-44": { kind: "ml-dsa", alg: "ML-DSA-44" },
  "ML-DSA-65": { kind: "ml-dsa", alg: "ML-DSA-65" },
  "ML-DSA-87": { kind: "ml-dsa", alg: "ML-DSA-87" },
  // RFC 8778 §2: the parameter sets come from the key and the signature, not from the algorithm.
  "HSS-LMS": { kind: "hss-lms" },
};

/**
 * Looks up a signature algorithm; throws `CRYPTO_UNSUPPORTED_ALG` for a name rotkit does not know.
 *
 * @example
 * ```ts
 * signatureScheme("ES256"); // { kind: "ecdsa", hash: "SHA-256", curve: undefined }
 * ```
 */
export function signatureScheme(alg: SignatureAlg): SignatureScheme {
  const s = Object.hasOwn(SCHEMES, alg) ? SCHEMES[alg] : undefined;
  if (s === undefined)
    throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", `unsupported signature algorithm ${String(alg)}`);
  return s;
}

/** Digest length in bytes of each hash. */
export const HASH_LENGTH: { readonly [H in HashAlg]: number } = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };

/**
 * Checks a hash name and returns its output length; throws `CRYPTO_UNSUPPORTED_ALG` otherwise.
 *
 * @example
 * ```ts
 * hashLength("SHA-384"); // 48
 * ```
 */
export function hashLength(alg: HashAlg): number {
  const n = Object.hasOwn(HASH_LENGTH, alg) ? HASH_LENGTH[alg] : undefined;
  if (n === undefined) throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", `unsupported hash ${String(alg)}`);
  return n;
}

/** Coordinate (and scalar) length in bytes of each NIST curve (SEC 1 §2.3.5: ceil(log2(p) / 8)). */
export const EC_COORDINATE_LENGTH: { readonly [C in EcCurve]: number } = { "P-256": 32, "P-384": 48, "P-521": 66 };

/**
 * Coordinate length in bytes of a NIST curve; throws `CRYPTO_INVALID_KEY` for another name.
 *
 * @example
 * ```ts
 * ecCoordinateLength("P-521"); // 66
 * ```
 */
export function ecCoordinateLength(crv: EcCurve): number {
  const n = Object.hasOwn(EC_COORDINATE_LENGTH, crv) ? EC_COORDINATE_LENGTH[crv] : undefined;
  if (n === undefined) throw new RotkitError("CRYPTO_INVALID_KEY", `unsupported EC curve ${String(crv)}`);
  return n;
}

/** Public key length in bytes of each OKP curve (RFC 8032 §5.1.5 / §5.2.5, RFC 7748 §5). */
export const OKP_KEY_LENGTH = { Ed25519: 32, Ed448: 57, X25519: 32, X448: 56 } as const;

/**
 * The EC key of an ECDSA verification, checked against the scheme: the key type must be EC, the curve known, the
 * coordinates exactly the curve's length (RFC 9053 §7.1.1 keeps leading zeros), and a pinned curve must match.
 * Throws `CRYPTO_INVALID_KEY`. On-curve validation is the provider's job (it parses the point anyway).
 */
export function checkEcdsaKey(
  scheme: { curve: EcCurve | undefined },
  key: PublicKey,
): { kty: "EC"; crv: EcCurve; x: Uint8Array; y: Uint8Array } {
  if (key === null || typeof key !== "object" || key.kty !== "EC") {
    throw new RotkitError("CRYPTO_INVALID_KEY", "ECDSA needs an EC public key");
  }
  const n = ecCoordinateLength(key.crv);
  if (scheme.curve !== undefined && key.crv !== scheme.curve) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `algorithm pins ${scheme.curve}, key is on ${key.crv}`);
  }
  if (!(key.x instanceof Uint8Array) || !(key.y instanceof Uint8Array) || key.x.length !== n || key.y.length !== n) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `EC ${key.crv} coordinates must be ${n} bytes each`);
  }
  return key;
}

/**
 * The OKP key of an EdDSA verification: Ed25519 or Ed448 with the right length; a pinned curve must match.
 * Throws `CRYPTO_INVALID_KEY`.
 */
export function checkEddsaKey(
  scheme: { curve: "Ed25519" | "Ed448" | undefined },
  key: PublicKey,
): { kty: "OKP"; crv: "Ed25519" | "Ed448"; x: Uint8Array } {
  if (key === null || typeof key !== "object" || key.kty !== "OKP" || (key.crv !== "Ed25519" && key.crv !== "Ed448")) {
    throw new RotkitError("CRYPTO_INVALID_KEY", "EdDSA needs an OKP Ed25519 or Ed448 public key");
  }
  if (scheme.curve !== undefined && key.crv !== scheme.curve) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `algorithm pins ${scheme.curve}, key is ${key.crv}`);
  }
  if (!(key.x instanceof Uint8Array) || key.x.length !== OKP_KEY_LENGTH[key.crv]) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `${key.crv} public key must be ${OKP_KEY_LENGTH[key.crv]} bytes`);
  }
  return key as { kty: "OKP"; crv: "Ed25519" | "Ed448"; x: Uint8Array };
}

/** Only accept whole-byte lengths in a sane range so a caller's mistake does not turn into a huge allocation. */
export function checkLength(what: string, n: unknown, min: number, max: number): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", `${what} must be an integer in ${min}..${max}, got ${String(n)}`);
  }
  return n;
}

/**
 * Checks an AES key length (FIPS 197: 128, 192 or 256 bits); throws `CRYPTO_INVALID_LENGTH`.
 */
export function checkAesKey(what: string, key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || (key.length !== 16 && key.length !== 24 && key.length !== 32)) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", `${what} must be 16, 24 or 32 bytes`);
  }
}

/** Throws `INVALID_ARGUMENT` unless `v` is a Uint8Array. */
export function checkBytes(what: string, v: unknown): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${what} must be a Uint8Array`);
}
