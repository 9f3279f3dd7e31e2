import { shake128, shake256 } from "@noble/hashes/sha3.js";
import { RotkitError } from "../errors.js";
import { checkBytes } from "./algs.js";

// SHAKE128 / SHAKE256 (FIPS 202 §6.2) for the protocols that name them with a fixed output length, e.g. COSE
// (RFC 9054: SHAKE128 with 256 bits, SHAKE256 with 512) in SUIT_Digest. Not part of CryptoProvider: WebCrypto has
// no SHAKE, so there is nothing native to dispatch to.

/** The two SHAKE extendable-output functions of FIPS 202. */
export type ShakeAlg = "SHAKE128" | "SHAKE256";

/** Bound on the requested output: far above any protocol's use, low enough that a hostile length allocates little. */
const MAX_SHAKE_OUTPUT = 1024;

/**
 * The first `length` bytes of SHAKE128 or SHAKE256 of `data` (FIPS 202 §6.2).
 *
 * @example
 * ```ts
 * toHex(shakeDigest("SHAKE128", new Uint8Array(0), 32)); // "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26"
 * ```
 */
export function shakeDigest(alg: ShakeAlg, data: Uint8Array, length: number): Uint8Array {
  checkBytes("SHAKE input", data);
  if (!Number.isInteger(length) || length < 1 || length > MAX_SHAKE_OUTPUT) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", `SHAKE output length must be 1..${MAX_SHAKE_OUTPUT} bytes`);
  }
  if (alg === "SHAKE128") return shake128(data, { dkLen: length });
  if (alg === "SHAKE256") return shake256(data, { dkLen: length });
  throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", `unsupported SHAKE function ${String(alg)}`);
}
