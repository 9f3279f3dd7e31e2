import {
  type CborMap,
  CborTag,
  type CborValue,
  type CryptoProvider,
  concatBytes,
  isBytes,
  isRotkitError,
  RotkitError,
  utf8Encode,
} from "@rotkit/core";
import { type CoseAlgInfo, coseAlgorithmOfKind } from "./algorithms.js";
import { aesCbcDecrypt, aesCbcEncrypt, aesCtr, chacha20Poly1305Decrypt, chacha20Poly1305Encrypt } from "./ciphers.js";
import { type CoseHeaders, HeaderLabel, headerParam } from "./headers.js";

// Shared by COSE_Encrypt0 and COSE_Encrypt (RFC 9052 §5): the Enc_structure, IV handling and content ciphers.

/** The context strings of the Enc_structure (RFC 9052 §5.3). */
export type EncContext = "Encrypt0" | "Encrypt" | "Enc_Recipient" | "Mac_Recipient" | "Rec_Recipient";

/** Options common to every decrypt entry point. */
export interface ContentCipherOptions {
  /**
   * Accept the non-AEAD content algorithms of RFC 9459 (A128CTR.. / A128CBC..). Default false: RFC 9459 §8 says
   * they must only be used where the ciphertext is authenticated by other means (a SUIT manifest digest).
   */
  allowNonAead?: boolean;
}

function cborHead(major: number, n: number): Uint8Array {
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  if (n <= 0xffffffff) return Uint8Array.of(m | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  throw new RotkitError("INVALID_ARGUMENT", "Enc_structure: item too long");
}

/**
 * The Enc_structure (RFC 9052 §5.3), the AAD of the content AEAD:
 * `["Encrypt0" / "Encrypt" / "Enc_Recipient" / "Mac_Recipient" / "Rec_Recipient", protected, external_aad]`.
 * `protectedBytes` are the bytes of the protected bucket exactly as sent (zero length when empty).
 *
 * @example
 * ```ts
 * toHex(encStructure("Encrypt0", new Uint8Array(0), new Uint8Array(0))); // "8368456e6372797074304040"
 * ```
 */
export function encStructure(context: EncContext, protectedBytes: Uint8Array, externalAad: Uint8Array): Uint8Array {
  const text = utf8Encode(context);
  // Preferred serialization of a 3-array of a tstr and two bstrs (RFC 8949 §4.2.1), written directly.
  return concatBytes(
    Uint8Array.of(0x83),
    cborHead(3, text.length),
    text,
    cborHead(2, protectedBytes.length),
    protectedBytes,
    cborHead(2, externalAad.length),
    externalAad,
  );
}

/**
 * The `protected` member of an Enc_structure for a received layer: the bucket's bytes as sent, or the zero-length
 * bstr when the bucket holds no parameters (RFC 9052 §5.3: "if there are no protected attributes, a zero-length
 * byte string is used"; cose-wg enc-pass-01 sends h'A0' and authenticates h'').
 */
export function aadProtected(h: CoseHeaders): Uint8Array {
  return h.protected.map.size === 0 ? new Uint8Array(0) : h.protected.bytes;
}

/** The content-encryption algorithm of a layer; non-AEAD ones only when allowed (RFC 9459 §8). */
export function contentAlgorithm(h: CoseHeaders, where: string, opts: ContentCipherOptions): CoseAlgInfo {
  const alg = headerParam(h, HeaderLabel.alg);
  if (alg === undefined) throw new RotkitError("COSE_BAD_HEADER", `${where}: no alg (1) header`);
  const info = coseAlgorithmOfKind(alg, ["aead", "cipher"], `${where}: alg`);
  if (info.kind === "cipher") {
    if (!opts.allowNonAead) {
      throw new RotkitError(
        "COSE_UNSUPPORTED_ALG",
        `${where}: ${info.name} is not authenticated encryption; pass allowNonAead only where the payload is authenticated elsewhere (RFC 9459 §8)`,
      );
    }
    // RFC 9459 §4 / §5: nothing can be authenticated, so the protected bucket must be the zero-length bstr.
    if (h.protected.bytes.length !== 0) {
      throw new RotkitError("COSE_BAD_HEADER", `${where}: ${info.name} requires an empty protected header`);
    }
  }
  return info;
}

/**
 * The IV of a layer (RFC 9052 §3.1): the `IV` header, or the `Partial IV` left-padded with zeros to the IV
 * length and XORed with the context's base IV. Both present, a wrong length, or a Partial IV without a base IV
 * is COSE_BAD_HEADER.
 */
export function resolveIv(h: CoseHeaders, alg: CoseAlgInfo, where: string, baseIv?: Uint8Array): Uint8Array {
  const ivLength = alg.ivLength as number;
  const iv = headerParam(h, HeaderLabel.iv);
  const partial = headerParam(h, HeaderLabel.partialIv);
  if (iv !== undefined && partial !== undefined) {
    throw new RotkitError("COSE_BAD_HEADER", `${where}: IV (5) and Partial IV (6) must not both be present`);
  }
  if (iv !== undefined) {
    if (!isBytes(iv)) throw new RotkitError("COSE_BAD_HEADER", `${where}: IV (5) must be a bstr`);
    if (iv.length !== ivLength) {
      throw new RotkitError("COSE_BAD_HEADER", `${where}: ${alg.name} needs a ${ivLength}-byte IV, got ${iv.length}`);
    }
    return iv;
  }
  if (partial !== undefined) {
    if (!isBytes(partial)) throw new RotkitError("COSE_BAD_HEADER", `${where}: Partial IV (6) must be a bstr`);
    if (partial.length === 0 || partial.length > ivLength) {
      throw new RotkitError(
        "COSE_BAD_HEADER",
        `${where}: Partial IV of ${partial.length} bytes for a ${ivLength}-byte IV`,
      );
    }
    if (!baseIv)
      throw new RotkitError("COSE_BAD_HEADER", `${where}: Partial IV (6) but no base (context) IV was supplied`);
    if (baseIv.length !== ivLength) {
      throw new RotkitError("COSE_BAD_HEADER", `${where}: base IV must be ${ivLength} bytes for ${alg.name}`);
    }
    return combinePartialIv(baseIv, partial);
  }
  throw new RotkitError("COSE_BAD_HEADER", `${where}: no IV (5) or Partial IV (6) header`);
}

/**
 * RFC 9052 §3.1: left-pad the Partial IV with zeros to the length of the base IV, then XOR the two.
 *
 * @example
 * ```ts
 * combinePartialIv(baseIv12, fromHex("61a7")); // baseIv with its last two bytes XORed with 61 a7
 * ```
 */
export function combinePartialIv(baseIv: Uint8Array, partialIv: Uint8Array): Uint8Array {
  if (partialIv.length > baseIv.length) throw new RotkitError("COSE_BAD_HEADER", "Partial IV longer than the IV");
  const out = baseIv.slice();
  const off = baseIv.length - partialIv.length;
  for (let i = 0; i < partialIv.length; i++) out[off + i] = (out[off + i] as number) ^ (partialIv[i] as number);
  return out;
}

/** Maps a provider/cipher error into the COSE error space; anything unexpected is a decryption failure. */
function cipherError(e: unknown, alg: CoseAlgInfo, where: string): RotkitError {
  if (isRotkitError(e) && e.code.startsWith("COSE_")) return e;
  if (isRotkitError(e, "CRYPTO_UNSUPPORTED_ALG")) {
    return new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: the crypto provider does not support ${alg.name}`, {
      cause: e,
    });
  }
  if (isRotkitError(e, "CRYPTO_INVALID_KEY")) {
    return new RotkitError("COSE_BAD_KEY", `${where}: the key is not usable with ${alg.name}`, { cause: e });
  }
  if (isRotkitError(e, "CRYPTO_NO_RANDOM")) return e;
  return new RotkitError("COSE_DECRYPT_FAILED", `${where}: ${alg.name} decryption failed`, { cause: e });
}

function checkContentKey(key: Uint8Array, alg: CoseAlgInfo, where: string): void {
  if (!isBytes(key) || key.length !== alg.keyLength) {
    throw new RotkitError(
      "COSE_BAD_KEY",
      `${where}: ${alg.name} needs a ${alg.keyLength}-byte key, got ${isBytes(key) ? key.length : typeof key}`,
    );
  }
}

/**
 * Decrypts content with a content algorithm. Returns the whole plaintext or throws (COSE_DECRYPT_FAILED on an
 * authentication failure, COSE_BAD_KEY for a wrong key length); never partial output.
 */
export async function decryptContent(
  provider: CryptoProvider,
  alg: CoseAlgInfo,
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  where: string,
): Promise<Uint8Array> {
  checkContentKey(key, alg, where);
  try {
    switch (alg.primitive) {
      case "AES-GCM":
      case "AES-CCM": {
        const tagLength = alg.tagLength as number;
        if (ciphertext.length < tagLength)
          throw new RotkitError("COSE_DECRYPT_FAILED", `${where}: ciphertext shorter than the tag`);
        return await provider.aeadDecrypt(alg.primitive, { key, iv, aad, tagLength }, ciphertext);
      }
      case "ChaCha20-Poly1305":
        return chacha20Poly1305Decrypt(key, iv, aad, ciphertext);
      case "AES-CTR":
        return aesCtr(key, iv, ciphertext);
      case "AES-CBC":
        return aesCbcDecrypt(key, iv, ciphertext);
      default:
        throw new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: ${alg.name} is not a content encryption algorithm`);
    }
  } catch (e) {
    throw cipherError(e, alg, where);
  }
}

/** Encrypts content (the sending side of {@link decryptContent}); returns ciphertext ‖ tag for AEADs. */
export async function encryptContent(
  provider: CryptoProvider,
  alg: CoseAlgInfo,
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  where: string,
): Promise<Uint8Array> {
  checkContentKey(key, alg, where);
  if (iv.length !== alg.ivLength) {
    throw new RotkitError("COSE_BAD_HEADER", `${where}: ${alg.name} needs a ${alg.ivLength}-byte IV, got ${iv.length}`);
  }
  try {
    switch (alg.primitive) {
      case "AES-GCM":
      case "AES-CCM":
        return await provider.aeadEncrypt(
          alg.primitive,
          { key, iv, aad, tagLength: alg.tagLength as number },
          plaintext,
        );
      case "ChaCha20-Poly1305":
        return chacha20Poly1305Encrypt(key, iv, aad, plaintext);
      case "AES-CTR":
        return aesCtr(key, iv, plaintext);
      case "AES-CBC":
        return aesCbcEncrypt(key, iv, plaintext);
      default:
        throw new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: ${alg.name} is not a content encryption algorithm`);
    }
  } catch (e) {
    if (isRotkitError(e) && e.code.startsWith("COSE_")) throw e;
    if (isRotkitError(e, "CRYPTO_UNSUPPORTED_ALG")) {
      throw new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: the crypto provider does not support ${alg.name}`, {
        cause: e,
      });
    }
    throw e;
  }
}

/** Checks for the non-AEAD algorithms that the caller supplied no external AAD (RFC 9459 §7). */
export function checkExternalAad(alg: CoseAlgInfo, externalAad: Uint8Array, where: string): void {
  if (alg.kind === "cipher" && externalAad.length > 0) {
    throw new RotkitError("COSE_BAD_HEADER", `${where}: ${alg.name} cannot authenticate external AAD`);
  }
}

/** Removes a COSE tag (or accepts an untagged array unless the tag is required). */
export function untag(v: CborValue, tag: number, name: string, requireTag: boolean | undefined): CborValue {
  if (v instanceof CborTag) {
    if (v.tag !== tag) throw new RotkitError("COSE_WRONG_TAG", `${name}: CBOR tag ${v.tag}, expected ${tag}`);
    return v.value;
  }
  if (requireTag) throw new RotkitError("COSE_WRONG_TAG", `${name}: CBOR tag ${tag} is required`);
  return v;
}

/** Builds the unprotected bucket for sending: a copy, so the caller's map is never modified. */
export function copyMap(m: CborMap | undefined): CborMap {
  return new Map(m ?? []);
}
