import type { CryptoProvider, KeyAgreementHandle, PublicKey } from "@rotkit/core";
import type { CoseAlgInfo } from "../algorithms.js";
import type { RsaPrivateKey } from "../ciphers-rsa.js";

// Types of the recipient layer (RFC 9052 §5.1 COSE_recipient, RFC 9053 §6 key management, RFC 8230 §3).

/**
 * What a recipient holds to recover the content key:
 * - `Uint8Array`: a shared symmetric key: the content key itself (direct, -6), the HKDF input secret
 *   (-10..-13), or the AES key-wrap KEK (-3..-5);
 * - `KeyAgreementHandle`: the recipient's ECDH private key (ECDH-ES / ECDH-SS, -25..-34);
 * - `RsaPrivateKey`: the recipient's RSA key (RSAES-OAEP, -40..-42).
 */
export type RecipientSecret = Uint8Array | KeyAgreementHandle | RsaPrivateKey;

/**
 * Key-derivation inputs that are agreed out of band and not (necessarily) carried in the message
 * (RFC 9053 §5.2). Values carried in the recipient's headers (-21..-26) take precedence.
 */
export interface KdfExtras {
  partyUIdentity?: Uint8Array;
  partyUNonce?: Uint8Array | number;
  partyUOther?: Uint8Array;
  partyVIdentity?: Uint8Array;
  partyVNonce?: Uint8Array | number;
  partyVOther?: Uint8Array;
  /** SuppPubInfo.other (e.g. SUIT's "SUIT Payload Encryption"). */
  suppPubOther?: Uint8Array;
  /** SuppPrivInfo. */
  suppPrivInfo?: Uint8Array;
}

/** A sender's static public key, for ECDH-SS (RFC 9053 §6.3: static key -2 or static key id -3). */
export interface SenderKey {
  kid?: Uint8Array;
  key: PublicKey;
}

/** One key the receiving side holds. */
export interface RecipientKey {
  /** Matched against the recipient's `kid` (4); a recipient with that kid is tried first. */
  kid?: Uint8Array;
  key: RecipientSecret;
  /**
   * The only recipient algorithm this key may be used with (RFC 9052 §7.1 `alg`). Recommended for symmetric
   * keys: the same bytes must never serve as both a direct content key and a KEK.
   */
  alg?: number;
  /** ECDH-SS senders this recipient accepts (looked up by the static key id -3, or the only one). */
  senderKeys?: readonly SenderKey[];
  /** Out-of-band KDF context inputs for this recipient. */
  kdf?: KdfExtras;
}

/** How the receiving side derives the key of a COSE_Encrypt / COSE_Mac from its recipients. */
export interface DeriveContext {
  provider: CryptoProvider;
  /** The algorithm of the layer the recipients carry the key for: the content (Encrypt) or MAC (Mac) algorithm. */
  alg: number | CoseAlgInfo;
  /** The Enc_structure context of the recipients' own layer (RFC 9052 §5.3). Default "Enc_Recipient". */
  context?: "Enc_Recipient" | "Mac_Recipient";
  recipientKeys: readonly RecipientKey[];
  /** ECDH-SS senders accepted for every recipient key (added to each key's own `senderKeys`). */
  senderKeys?: readonly SenderKey[];
  /** Accept RSAES-OAEP with SHA-1 (-40, RFC 8230 §3). Default false: only for reading old examples. */
  allowRsaOaepSha1?: boolean;
  /**
   * Only try keys whose kid equals the recipient's kid (when both have one). Default false: kid is a hint,
   * matching keys are tried first and the others after them.
   */
  strictKid?: boolean;
  /** Upper bound on key derivations/unwraps tried (denial of service bound). Default 16. */
  maxAttempts?: number;
  /** Upper bound on recipient nesting (RFC 9052 §5.1). Default 3. */
  maxDepth?: number;
  /** For error messages. */
  where?: string;
}
