import { cbc, ctr } from "@noble/ciphers/aes.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { RotkitError } from "@rotkit/core";

// Content ciphers that the CryptoProvider contract does not cover (it has AES-GCM and AES-CCM only):
// - ChaCha20/Poly1305 (RFC 9053 §4.3, RFC 8439);
// - AES-CTR and AES-CBC (RFC 9459), the non-AEAD modes SUIT firmware encryption uses.
// All are pure JS on @noble/ciphers, so they run on every device runtime. Each function copies its inputs'
// results into fresh arrays and never returns partial output on failure.

function checkKey(key: Uint8Array, lengths: readonly number[], what: string): void {
  if (!lengths.includes(key.length)) {
    throw new RotkitError(
      "CRYPTO_INVALID_KEY",
      `${what}: key must be ${lengths.join(" or ")} bytes, got ${key.length}`,
    );
  }
}

function checkIv(iv: Uint8Array, length: number, what: string): void {
  if (iv.length !== length) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", `${what}: IV/nonce must be ${length} bytes, got ${iv.length}`);
  }
}

/**
 * ChaCha20/Poly1305 AEAD encryption (RFC 8439 §2.8, COSE alg 24 per RFC 9053 §4.3): 32-byte key, 12-byte
 * nonce, returns ciphertext ‖ 16-byte tag.
 *
 * @example
 * ```ts
 * const ct = chacha20Poly1305Encrypt(key32, nonce12, aad, plaintext);
 * ```
 */
export function chacha20Poly1305Encrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  checkKey(key, [32], "ChaCha20/Poly1305");
  checkIv(nonce, 12, "ChaCha20/Poly1305");
  return chacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

/**
 * ChaCha20/Poly1305 AEAD decryption; throws `CRYPTO_DECRYPT_FAILED` when the tag does not verify.
 *
 * @example
 * ```ts
 * const pt = chacha20Poly1305Decrypt(key32, nonce12, aad, ciphertextAndTag);
 * ```
 */
export function chacha20Poly1305Decrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ciphertextAndTag: Uint8Array,
): Uint8Array {
  checkKey(key, [32], "ChaCha20/Poly1305");
  checkIv(nonce, 12, "ChaCha20/Poly1305");
  if (ciphertextAndTag.length < 16)
    throw new RotkitError("CRYPTO_DECRYPT_FAILED", "ChaCha20/Poly1305: input shorter than the tag");
  try {
    return chacha20poly1305(key, nonce, aad).decrypt(ciphertextAndTag);
  } catch (e) {
    // noble checks the Poly1305 tag (in constant time) before decrypting anything.
    throw new RotkitError("CRYPTO_DECRYPT_FAILED", "ChaCha20/Poly1305: authentication tag mismatch", { cause: e });
  }
}

/**
 * AES-CTR (RFC 9459 §4): the 16-byte IV is the initial counter block, incremented as one 128-bit big-endian
 * integer. Encryption and decryption are the same operation. No integrity: only for callers that authenticate
 * the payload elsewhere (a SUIT manifest digest).
 *
 * @example
 * ```ts
 * const plaintext = aesCtr(cek, iv16, ciphertext);
 * ```
 */
export function aesCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(key, [16, 24, 32], "AES-CTR");
  checkIv(iv, 16, "AES-CTR");
  return ctr(key, iv).encrypt(data);
}

/**
 * AES-CBC encryption with PKCS#7 padding (RFC 9459 §5, padding as in RFC 5652 §6.3).
 *
 * @example
 * ```ts
 * const ct = aesCbcEncrypt(cek, iv16, plaintext);
 * ```
 */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  checkKey(key, [16, 24, 32], "AES-CBC");
  checkIv(iv, 16, "AES-CBC");
  return cbc(key, iv).encrypt(plaintext);
}

/**
 * AES-CBC decryption with PKCS#7 padding removal (RFC 9459 §5). A wrong length or bad padding is
 * `CRYPTO_DECRYPT_FAILED`. Without integrity protection a padding check is a padding oracle: callers must have
 * authenticated the ciphertext before (RFC 9459 §8).
 *
 * @example
 * ```ts
 * const pt = aesCbcDecrypt(cek, iv16, ciphertext);
 * ```
 */
export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  checkKey(key, [16, 24, 32], "AES-CBC");
  checkIv(iv, 16, "AES-CBC");
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new RotkitError("CRYPTO_DECRYPT_FAILED", "AES-CBC: ciphertext is not a non-zero multiple of 16 bytes");
  }
  try {
    return cbc(key, iv).decrypt(ciphertext);
  } catch (e) {
    throw new RotkitError("CRYPTO_DECRYPT_FAILED", "AES-CBC: invalid padding", { cause: e });
  }
}
