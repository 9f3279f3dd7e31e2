import { RotkitError } from "../errors.js";

interface RandomSource {
  getRandomValues(array: Uint8Array): Uint8Array;
}

/**
 * Cryptographically secure random bytes from the host's `crypto.getRandomValues` (WebCrypto, Node >= 19, Deno,
 * Bun, browsers, and device hosts that install one). Throws `CRYPTO_NO_RANDOM` when there is none: there is no
 * fallback to a weak generator.
 *
 * @example
 * ```ts
 * const nonce = randomBytes(12);
 * ```
 */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0x1000000) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", `randomBytes: length must be an integer in 0..16777216`);
  }
  const c = (globalThis as { crypto?: Partial<RandomSource> }).crypto;
  if (c === undefined || c === null || typeof c.getRandomValues !== "function") {
    throw new RotkitError("CRYPTO_NO_RANDOM", "no crypto.getRandomValues on this host: inject a CryptoProvider");
  }
  const out = new Uint8Array(length);
  // WebCrypto fills at most 65536 bytes per call (QuotaExceededError beyond).
  for (let o = 0; o < length; o += 65536) c.getRandomValues.call(c, out.subarray(o, Math.min(length, o + 65536)));
  return out;
}
