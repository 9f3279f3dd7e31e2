import { type CborValue, RotkitError } from "@rotkit/core";
import { aadProtected, decryptContent, encryptContent, encStructure } from "./encrypt-common.js";
import {
  type ContentDecryptOptions,
  type ContentEncryptOptions,
  type DecryptResult,
  decodeEncryptArray,
  type EncryptContent,
  type EncryptResult,
  encodeEncryptArray,
  prepareContentLayer,
} from "./encrypt0.js";
import { buildRecipients, type RecipientDescription } from "./recipients/build.js";
import { withContentKey } from "./recipients/derive.js";
import type { RecipientKey, SenderKey } from "./recipients/types.js";

// COSE_Encrypt (RFC 9052 §5.1): [protected, unprotected, ciphertext / nil, recipients], tag 96.

/** CBOR tag of COSE_Encrypt (RFC 9052 §2). */
export const COSE_ENCRYPT_TAG = 96;

export interface EncryptOptions extends ContentEncryptOptions {
  /** Who can decrypt, and how each gets the content key (RFC 9053 §6). */
  recipients: RecipientDescription[];
  /** The content key for non-direct recipients (inject only to reproduce examples). Default: fresh random. */
  contentKey?: Uint8Array;
}

export interface DecryptOptions extends ContentDecryptOptions {
  /** The keys this receiver holds; recipients whose kid matches are tried first. */
  recipientKeys: readonly RecipientKey[];
  /** ECDH-SS senders accepted (static key id -3 lookup). */
  senderKeys?: readonly SenderKey[];
  /** Accept RSAES-OAEP with SHA-1 (-40). Default false. */
  allowRsaOaepSha1?: boolean;
  /** Only try keys whose kid equals the recipient's kid. Default false (matching kids first, then the rest). */
  strictKid?: boolean;
  /** Bound on key derivations / unwraps tried. Default 16. */
  maxAttempts?: number;
}

/**
 * Encrypts to a COSE_Encrypt (RFC 9052 §5.1, §5.3) for one or more recipients. The AAD is the Enc_structure
 * `["Encrypt", protected, external_aad]`; the content key is delivered per recipient (direct, HKDF, AES-KW,
 * ECDH-ES/SS, RSA-OAEP).
 *
 * @example
 * ```ts
 * const { bytes } = await encryptCoseEncrypt(
 *   { plaintext: firmware, detached: true },
 *   { provider, alg: 1, recipients: [{ alg: -3, kid: utf8Encode("kid-1"), key: kek16 }] }, // A128GCM, A128KW
 * );
 * ```
 */
export async function encryptCoseEncrypt(content: EncryptContent, opts: EncryptOptions): Promise<EncryptResult> {
  const where = "COSE_Encrypt";
  const { headers, alg, iv, externalAad } = prepareContentLayer(content, opts, where);
  const built = await buildRecipients(opts.recipients, {
    provider: opts.provider,
    alg,
    ...(opts.contentKey ? { key: opts.contentKey } : {}),
  });
  const aad = encStructure("Encrypt", headers.protected.bytes, externalAad);
  const ciphertext = await encryptContent(opts.provider, alg, built.key, iv, aad, content.plaintext, where);
  const items: CborValue[] = [
    headers.protected.bytes,
    headers.unprotected,
    content.detached ? null : ciphertext,
    built.recipients,
  ];
  return { bytes: encodeEncryptArray(items, COSE_ENCRYPT_TAG, content.tagged), ciphertext };
}

/**
 * Decrypts a COSE_Encrypt (RFC 9052 §5.3): finds a recipient matching one of `recipientKeys` (by kid first,
 * then each in turn), recovers the content key and decrypts. Only a fully authenticated plaintext is returned.
 * Errors: COSE_NO_RECIPIENT (no recipient matches a key), COSE_DECRYPT_FAILED (tag / unwrap failure),
 * COSE_BAD_HEADER, COSE_BAD_KEY, COSE_UNSUPPORTED_ALG, COSE_WRONG_TAG, COSE_MALFORMED.
 *
 * @example
 * ```ts
 * const { plaintext } = await decryptCoseEncrypt(bytes, {
 *   provider, recipientKeys: [{ kid: utf8Encode("kid-2"), key: deviceKeyAgreementHandle }],
 * });
 * ```
 */
export async function decryptCoseEncrypt(bytes: Uint8Array, opts: DecryptOptions): Promise<DecryptResult> {
  const where = "COSE_Encrypt";
  if (!opts.recipientKeys || opts.recipientKeys.length === 0) {
    throw new RotkitError("COSE_NO_KEY", `${where}: no recipient keys supplied`);
  }
  const { items, headers, alg, iv, ciphertext } = decodeEncryptArray(bytes, COSE_ENCRYPT_TAG, where, 4, opts);
  const aad = encStructure("Encrypt", aadProtected(headers), opts.externalAad ?? new Uint8Array(0));
  const plaintext = await withContentKey(
    items[3] as CborValue,
    {
      provider: opts.provider,
      alg,
      context: "Enc_Recipient",
      recipientKeys: opts.recipientKeys,
      ...(opts.senderKeys ? { senderKeys: opts.senderKeys } : {}),
      ...(opts.allowRsaOaepSha1 ? { allowRsaOaepSha1: true } : {}),
      ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
      ...(opts.strictKid ? { strictKid: true } : {}),
      where,
    },
    (cek) => decryptContent(opts.provider, alg, cek, iv, aad, ciphertext, where),
  );
  return { plaintext, headers, alg };
}
