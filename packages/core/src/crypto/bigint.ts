import { fromHex, toHex } from "../bytes.js";
import { RotkitError } from "../errors.js";

// Unsigned big-endian integers as BigInt, for the few places that do public-key arithmetic by hand (RSA in core
// and cose, EC coordinates). Variable time: use only on public values or behind blinding. Conversion goes through
// hex, which BigInt parses and prints natively: faster than a byte loop for multi-kilobit RSA numbers.

/**
 * OS2IP (RFC 8017 §4.2): the unsigned big-endian integer of `bytes`; empty bytes are 0.
 *
 * @example
 * ```ts
 * bytesToBigInt(Uint8Array.of(1, 0)); // 256n
 * ```
 */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

/**
 * I2OSP (RFC 8017 §4.1): `n` as exactly `length` big-endian bytes, zero-padded on the left. Throws
 * `CRYPTO_INVALID_LENGTH` when n is negative or does not fit.
 *
 * @example
 * ```ts
 * bigIntToBytes(256n, 4); // 00 00 01 00
 * ```
 */
export function bigIntToBytes(n: bigint, length: number): Uint8Array {
  const hex = n.toString(16);
  if (n < 0n || hex.length > 2 * length) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", `integer does not fit in ${length} bytes`);
  }
  return fromHex(hex.padStart(2 * length, "0"));
}

/**
 * base^exp mod m by square-and-multiply (exp >= 0, m >= 1).
 *
 * @example
 * ```ts
 * modPow(4n, 13n, 497n); // 445n
 * ```
 */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = base % m;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    e >>= 1n;
    if (e > 0n) b = (b * b) % m;
  }
  return result;
}
