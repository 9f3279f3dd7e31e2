import {
  type CryptoProvider,
  derEncode,
  derEncodeUnsignedInteger,
  type HashAlg,
  type PublicKey,
  publicKeyToSpki,
  RotkitError,
} from "@rotkit/core";

// How MCUboot names a key in an image. imgtool's get_public_bytes(): RSA keys as a PKCS#1 RSAPublicKey
// (RFC 8017 A.1.1), EC and Ed25519 keys as a SubjectPublicKeyInfo (RFC 5480, RFC 8410). The KEYHASH TLV (0x01) is
// that encoding hashed with the image's hash algorithm (SHA-256, or SHA-384 for P-384 images); the PUBKEY TLV
// (0x02) is the encoding itself (MCUBOOT_HW_KEY).

/**
 * The bytes MCUboot hashes into a KEYHASH TLV and carries in a PUBKEY TLV: PKCS#1 RSAPublicKey for RSA, DER
 * SubjectPublicKeyInfo for EC and Ed25519 keys. Validates the key (CRYPTO_INVALID_KEY otherwise).
 *
 * @example
 * ```ts
 * const encoded = mcubootPublicKeyBytes(publicKeyFromSpki(spkiDer)); // what imgtool getpub --encoding pem decodes to
 * ```
 */
export function mcubootPublicKeyBytes(key: PublicKey): Uint8Array {
  if (key !== null && typeof key === "object" && key.kty === "RSA") {
    publicKeyToSpki(key); // validates the modulus and exponent
    return derEncode(0x30, derEncodeUnsignedInteger(key.n), derEncodeUnsignedInteger(key.e));
  }
  return publicKeyToSpki(key);
}

/**
 * The KEYHASH TLV value for `key`: its MCUboot encoding hashed with `alg`. Useful to provision the key hash a device
 * compares against (MCUBOOT_HW_KEY) or to see which key signed an image.
 *
 * @example
 * ```ts
 * const keyHash = await mcubootKeyHash(key, "SHA-256", nobleProvider());
 * ```
 */
export async function mcubootKeyHash(key: PublicKey, alg: HashAlg, provider: CryptoProvider): Promise<Uint8Array> {
  return provider.digest(alg, mcubootPublicKeyBytes(key));
}

/** The hash algorithm a KEYHASH TLV of this length was made with (bootutil compares a full-length digest). */
export function keyHashAlg(length: number): HashAlg | undefined {
  return length === 32 ? "SHA-256" : length === 48 ? "SHA-384" : length === 64 ? "SHA-512" : undefined;
}

/** Throws INVALID_ARGUMENT unless `keys` is an array of public keys. */
export function checkKeyList(keys: unknown): asserts keys is readonly PublicKey[] {
  if (!Array.isArray(keys) || keys.some((k) => k === null || typeof k !== "object")) {
    throw new RotkitError("INVALID_ARGUMENT", "MCUboot verify: keys must be an array of public keys");
  }
}
