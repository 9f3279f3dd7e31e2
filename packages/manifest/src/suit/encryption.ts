import { type CryptoProvider, isBytes, RotkitError, utf8Encode } from "@rotkit/core";
import { decryptCoseEncrypt, encryptCoseEncrypt, type RecipientDescription, type RecipientKey } from "@rotkit/cose";

// SUIT firmware encryption (draft-ietf-suit-firmware-encryption): the SUIT_Encryption_Info parameter (19) is a
// tag-96 COSE_Encrypt whose ciphertext is detached (the payload travels separately); recipients are AES-KW
// (-3..-5) or ECDH-ES + AES-KW (-29..-31) with the KDF context's SuppPubInfo.other = "SUIT Payload Encryption";
// content algorithms are AES-GCM or, unauthenticated, AES-CTR / AES-CBC (RFC 9459).

/** SuppPubInfo.other of the COSE_KDF_Context (firmware-encryption, cddls/kdf-context.cddl). */
export const SUIT_KDF_CONTEXT_OTHER = "SUIT Payload Encryption";

/** Options of {@link decryptSuitPayload}. */
export interface DecryptSuitPayloadOptions {
  provider: CryptoProvider;
  /**
   * The keys this device holds: AES-KW KEKs (bytes) and ECDH private keys (KeyAgreementHandle), each with its
   * optional kid. The SUIT KDF context is added to every key that does not bring its own.
   */
  keys: readonly RecipientKey[];
  /**
   * Accept the non-AEAD content algorithms (A128CTR.. / A128CBC..). Default true: SUIT authenticates the
   * plaintext through the manifest's image digest — which the caller MUST then check (condition image-match)
   * before using the plaintext. Set false to require AES-GCM.
   */
  allowNonAead?: boolean;
}

/**
 * Decrypts a SUIT payload: `encryptionInfo` is the SUIT_Encryption_Info (bstr content of parameter 19, a
 * tag-96 COSE_Encrypt), `ciphertext` the detached payload. Errors: COSE_NO_RECIPIENT, COSE_DECRYPT_FAILED,
 * COSE_UNSUPPORTED_ALG, COSE_MALFORMED, COSE_WRONG_TAG, COSE_BAD_HEADER, COSE_BAD_KEY.
 *
 * @example
 * ```ts
 * const plaintext = await decryptSuitPayload(params.encryptionInfo!, ciphertext, {
 *   provider: nobleProvider(), keys: [{ kid: utf8Encode("kid-1"), key: kek }],
 * });
 * ```
 */
export async function decryptSuitPayload(
  encryptionInfo: Uint8Array,
  ciphertext: Uint8Array,
  options: DecryptSuitPayloadOptions,
): Promise<Uint8Array> {
  if (!isBytes(encryptionInfo) || !isBytes(ciphertext)) {
    throw new RotkitError("INVALID_ARGUMENT", "SUIT: encryptionInfo and ciphertext must be bytes");
  }
  if (!options?.provider || !Array.isArray(options.keys)) {
    throw new RotkitError("INVALID_ARGUMENT", "SUIT: a provider and keys are required");
  }
  const other = utf8Encode(SUIT_KDF_CONTEXT_OTHER);
  const recipientKeys = options.keys.map((k) =>
    k.kdf?.suppPubOther ? k : { ...k, kdf: { ...(k.kdf ?? {}), suppPubOther: other } },
  );
  const r = await decryptCoseEncrypt(encryptionInfo, {
    provider: options.provider,
    recipientKeys,
    detachedCiphertext: ciphertext,
    requireTag: true,
    allowNonAead: options.allowNonAead !== false,
  });
  return r.plaintext;
}

/** Options of {@link encryptSuitPayload}. */
export interface EncryptSuitPayloadOptions {
  provider: CryptoProvider;
  /** Content algorithm: 1 (A128GCM), 3 (A256GCM), -65534 (A128CTR), ... Default 1. */
  alg?: number;
  /** Recipients (AES-KW or ECDH-ES + AES-KW); the SUIT KDF context is added to ECDH recipients. */
  recipients: RecipientDescription[];
  /** Fixed IV / content key, only to reproduce published examples. */
  iv?: Uint8Array;
  contentKey?: Uint8Array;
}

/**
 * Encrypts a payload for a SUIT manifest: returns the SUIT_Encryption_Info (put it in parameter 19) and the
 * detached ciphertext (deliver it as the payload).
 *
 * @example
 * ```ts
 * const { encryptionInfo, ciphertext } = await encryptSuitPayload(firmware, {
 *   provider, recipients: [{ alg: -3, kid: utf8Encode("kid-1"), key: kek }],
 * });
 * ```
 */
export async function encryptSuitPayload(
  plaintext: Uint8Array,
  options: EncryptSuitPayloadOptions,
): Promise<{ encryptionInfo: Uint8Array; ciphertext: Uint8Array }> {
  const other = utf8Encode(SUIT_KDF_CONTEXT_OTHER);
  const recipients = options.recipients.map((r) =>
    r.kdf?.suppPubOther ? r : { ...r, kdf: { ...(r.kdf ?? {}), suppPubOther: other } },
  );
  const alg = options.alg ?? 1;
  const r = await encryptCoseEncrypt(
    { plaintext, detached: true },
    {
      provider: options.provider,
      alg,
      recipients,
      allowNonAead: true,
      ...(options.iv ? { iv: options.iv } : {}),
      ...(options.contentKey ? { contentKey: options.contentKey } : {}),
    },
  );
  return { encryptionInfo: r.bytes, ciphertext: r.ciphertext };
}
