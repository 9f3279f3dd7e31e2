import { RotkitError } from "../errors.js";
import { parseHssPublicKey } from "./lms.js";
import type { PublicKey } from "./types.js";

// HSS-LMS public keys as PublicKey values: the COSE_Key shape of RFC 8778 §5 (kty HSS-LMS, `pub` = the HSS public key
// of RFC 8554 §6.1).

/** The HSS-LMS member of PublicKey. */
export type HssLmsPublicKey = Extract<PublicKey, { kty: "HSS-LMS" }>;

/**
 * Checks that `key` is an HSS-LMS public key whose `pub` parses (levels 1..8, known LMS and LM-OTS typecodes, exact
 * length); throws `CRYPTO_INVALID_KEY` (or `CRYPTO_UNSUPPORTED_ALG` for an unknown parameter set) otherwise.
 *
 * @example
 * ```ts
 * checkHssLmsKey({ kty: "HSS-LMS", pub }).pub; // the same bytes
 * ```
 */
export function checkHssLmsKey(key: PublicKey): HssLmsPublicKey {
  parseHssPublicKey(hssLmsKeyBytes(key));
  return key as HssLmsPublicKey;
}

/**
 * The `pub` bytes of an HSS-LMS PublicKey, checking only its shape: for callers that hand them to
 * `hssVerify`, which parses them itself.
 */
export function hssLmsKeyBytes(key: PublicKey): Uint8Array {
  if (key === null || typeof key !== "object" || key.kty !== "HSS-LMS") {
    throw new RotkitError("CRYPTO_INVALID_KEY", "HSS-LMS needs an HSS-LMS public key");
  }
  if (!(key.pub instanceof Uint8Array)) throw new RotkitError("CRYPTO_INVALID_KEY", "HSS-LMS key without pub bytes");
  return key.pub;
}

/**
 * An HSS-LMS PublicKey from the HSS public key bytes (RFC 8554 §6.1: `u32str(L) || lms_public_key`), checked; the
 * bytes are copied.
 *
 * @example
 * ```ts
 * const key = hssLmsPublicKey(pubBytes);
 * await nobleProvider().verify("HSS-LMS", key, message, signature);
 * ```
 */
export function hssLmsPublicKey(pub: Uint8Array): HssLmsPublicKey {
  if (!(pub instanceof Uint8Array)) throw new RotkitError("CRYPTO_INVALID_KEY", "HSS-LMS public key must be bytes");
  parseHssPublicKey(pub);
  return { kty: "HSS-LMS", pub: pub.slice() };
}
