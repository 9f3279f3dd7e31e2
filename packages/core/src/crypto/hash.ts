import { sha256 as nobleSha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import type { CHash } from "@noble/hashes/utils.js";
import { hashLength } from "./algs.js";
import { sha256 } from "./sha256.js";
import type { HashAlg } from "./types.js";

/** A synchronous hash as @noble/hashes shapes it (callable, with `create()` and `outputLen`). */
export type SyncHash = CHash;

/**
 * The portable (noble) implementation of a hash; throws `CRYPTO_UNSUPPORTED_ALG` for an unknown name.
 *
 * @example
 * ```ts
 * const d = nobleHash("SHA-256")(data);
 * ```
 */
export function nobleHash(alg: HashAlg): SyncHash {
  hashLength(alg); // validates the name
  return alg === "SHA-256" ? nobleSha256 : alg === "SHA-384" ? sha384 : sha512;
}

/**
 * The portable one-shot digest of `alg`: rotkit's own SHA-256 (faster on the small inputs protocols hash), noble's
 * SHA-384 and SHA-512. Throws `CRYPTO_UNSUPPORTED_ALG` for an unknown name.
 *
 * @example
 * ```ts
 * const d = portableDigest("SHA-256")(manifestBytes);
 * ```
 */
export function portableDigest(alg: HashAlg): (data: Uint8Array) => Uint8Array {
  hashLength(alg);
  return alg === "SHA-256" ? sha256 : alg === "SHA-384" ? sha384 : sha512;
}
