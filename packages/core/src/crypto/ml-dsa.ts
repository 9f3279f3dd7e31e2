import { ml_dsa44, ml_dsa65, ml_dsa87 } from "@noble/post-quantum/ml-dsa.js";
import { RotkitError } from "../errors.js";
import type { MlDsaAlg, PublicKey } from "./types.js";

// ML-DSA (FIPS 204) for both providers and the software key handles: the parameter-set table, the key check and the
// portable verification over @noble/post-quantum. Only pure ML-DSA with an empty context string is offered: that is
// what RFC 9964 (COSE/JOSE) and RFC 9881 (X.509) specify; HashML-DSA and non-empty contexts are not.

/** Public key and signature lengths in bytes of each parameter set (FIPS 204 Table 2). */
export const ML_DSA_LENGTHS: {
  readonly [A in MlDsaAlg]: { readonly publicKey: number; readonly signature: number };
} = {
  "ML-DSA-44": { publicKey: 1312, signature: 2420 },
  "ML-DSA-65": { publicKey: 1952, signature: 3309 },
  "ML-DSA-87": { publicKey: 2592, signature: 4627 },
};

/** The private key seed ξ of ML-DSA.KeyGen_internal (FIPS 204 §6.1), as RFC 9881 and RFC 9964 store it. */
export const ML_DSA_SEED_LENGTH = 32;

/**
 * True when `alg` names an ML-DSA parameter set.
 *
 * @example
 * ```ts
 * isMlDsaAlg("ML-DSA-65"); // true
 * ```
 */
export function isMlDsaAlg(alg: unknown): alg is MlDsaAlg {
  return typeof alg === "string" && Object.hasOwn(ML_DSA_LENGTHS, alg);
}

type NobleMlDsa = typeof ml_dsa44;

/** The @noble/post-quantum implementation of a parameter set. */
export function nobleMlDsa(alg: MlDsaAlg): NobleMlDsa {
  if (!isMlDsaAlg(alg)) throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", `unsupported ML-DSA ${String(alg)}`);
  return alg === "ML-DSA-44" ? ml_dsa44 : alg === "ML-DSA-65" ? ml_dsa65 : ml_dsa87;
}

/**
 * The AKP key of an ML-DSA verification, checked against the algorithm: key type AKP, the same parameter set (a key
 * is bound to one, RFC 9964 §4 / RFC 9881 §4), `pub` exactly the FIPS 204 Table 2 length. Throws
 * `CRYPTO_INVALID_KEY`. Every byte string of that length is a valid pkEncode output, so nothing else is checked.
 */
export function checkMlDsaKey(alg: MlDsaAlg, key: PublicKey): { kty: "AKP"; alg: MlDsaAlg; pub: Uint8Array } {
  if (key === null || typeof key !== "object" || key.kty !== "AKP") {
    throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} needs an AKP (ML-DSA) public key`);
  }
  if (key.alg !== alg) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `the key is an ${String(key.alg)} key, the algorithm is ${alg}`);
  }
  const n = ML_DSA_LENGTHS[alg].publicKey;
  if (!(key.pub instanceof Uint8Array) || key.pub.length !== n) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} public key must be ${n} bytes`);
  }
  return key;
}

/**
 * An ML-DSA PublicKey from the raw public key bytes (FIPS 204 pkEncode), length checked; the bytes are copied.
 * Throws `CRYPTO_UNSUPPORTED_ALG` for an unknown parameter set, `CRYPTO_INVALID_KEY` for a wrong length.
 *
 * @example
 * ```ts
 * const key = mlDsaPublicKey("ML-DSA-65", pub1952); // { kty: "AKP", alg: "ML-DSA-65", pub }
 * ```
 */
export function mlDsaPublicKey(alg: MlDsaAlg, pub: Uint8Array): Extract<PublicKey, { kty: "AKP" }> {
  if (!isMlDsaAlg(alg)) throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", `unsupported ML-DSA ${String(alg)}`);
  if (!(pub instanceof Uint8Array)) throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} public key must be bytes`);
  return checkMlDsaKey(alg, { kty: "AKP", alg, pub: pub.slice() });
}

/**
 * ML-DSA.Verify (FIPS 204 Algorithm 3) with an empty context, over noble. The signature length is checked first
 * (Table 2); a malformed signature (bad hint encoding, z out of range) is an invalid signature: false, never a throw.
 */
export function nobleMlDsaVerify(alg: MlDsaAlg, pub: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ML_DSA_LENGTHS[alg].signature) return false;
  try {
    return nobleMlDsa(alg).verify(signature, data, pub);
  } catch {
    return false;
  }
}
