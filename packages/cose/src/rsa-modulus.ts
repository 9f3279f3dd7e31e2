// The RSA key size rule of RFC 8230 §6 (and §6.1 for key transport), shared by RSA signatures and RSA-OAEP
// recipients: COSE RSA keys must be at least 2048 bits.

/** Smallest RSA modulus COSE accepts, in bytes (RFC 8230 §6: 2048 bits). */
export const RSA_MIN_MODULUS_BYTES = 256;

/**
 * Length in bytes of a big-endian modulus without its leading zero octets (k in RFC 8017): also the length of an
 * RSA signature or ciphertext under that key.
 *
 * @example
 * ```ts
 * modulusLength(Uint8Array.of(0, 0xc5, 0x01)); // 2
 * ```
 */
export function modulusLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  return n.length - i;
}
