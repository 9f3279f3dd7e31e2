import {
  type CborLimits,
  type CborMap,
  CborTag,
  type CborValue,
  type CryptoProvider,
  isBytes,
  RotkitError,
} from "@rotkit/core";
import { type CoseAlgInfo, coseAlgorithmOfKind } from "./algorithms.js";
import { decodeCose, encodeCose } from "./cbor.js";
import {
  aadProtected,
  type ContentCipherOptions,
  checkExternalAad,
  combinePartialIv,
  contentAlgorithm,
  decryptContent,
  type EncContext,
  encryptContent,
  encStructure,
  resolveIv,
  untag,
} from "./encrypt-common.js";
import {
  type CoseHeaders,
  checkHeaders,
  decodeHeaders,
  HeaderLabel,
  type HeaderLabelValue,
  protectedHeader,
} from "./headers.js";

// COSE_Encrypt0 (RFC 9052 §5.2): [protected, unprotected, ciphertext / nil], tag 16; the key is known to the
// recipient (no recipients structure).

/** CBOR tag of COSE_Encrypt0 (RFC 9052 §2). */
export const COSE_ENCRYPT0_TAG = 16;

/** What to encrypt, and how to shape the message. */
export interface EncryptContent {
  plaintext: Uint8Array;
  /** Protected header parameters; `alg` is added here when absent from both buckets (AEADs only). */
  protected?: CborMap;
  unprotected?: CborMap;
  /** Externally supplied data authenticated with the message (RFC 9052 §4.3); not sent. */
  externalAad?: Uint8Array;
  /** Send the ciphertext separately (nil in the message, RFC 9052 §5). Default false. */
  detached?: boolean;
  /** Emit the CBOR tag. Default true. */
  tagged?: boolean;
}

/** Content-layer encryption parameters shared by Encrypt0 and Encrypt. */
export interface ContentEncryptOptions extends ContentCipherOptions {
  provider: CryptoProvider;
  /** COSE content algorithm (1..3 AES-GCM, 10..13 / 30..33 AES-CCM, 24 ChaCha20/Poly1305, RFC 9459 with allowNonAead). */
  alg: number;
  /** The full IV, sent in the `IV` header. Default: fresh random bytes of the algorithm's IV length. */
  iv?: Uint8Array;
  /** Send a Partial IV instead (RFC 9052 §3.1): the IV is `baseIv` XOR the left-padded `partialIv`. */
  partialIv?: Uint8Array;
  baseIv?: Uint8Array;
}

export interface Encrypt0Options extends ContentEncryptOptions {
  /** The content key: as long as the algorithm's key. */
  key: Uint8Array;
}

/** An encrypted message and, for convenience (and when detached), its ciphertext. */
export interface EncryptResult {
  bytes: Uint8Array;
  ciphertext: Uint8Array;
}

/** Options common to the decrypt entry points. */
export interface ContentDecryptOptions extends ContentCipherOptions {
  provider: CryptoProvider;
  externalAad?: Uint8Array;
  /** The ciphertext when the message carries nil (detached, RFC 9052 §5). */
  detachedCiphertext?: Uint8Array;
  /** Refuse an untagged message. Default false (RFC 9052 §2 allows the application to know the type). */
  requireTag?: boolean;
  /** The context (base) IV when the message carries a Partial IV (RFC 9052 §3.1). */
  baseIv?: Uint8Array;
  /** Header labels the application processes, so `crit` may list them (RFC 9052 §3.1). */
  criticalHeaders?: readonly HeaderLabelValue[];
  /** CBOR decoding limits for the message. */
  limits?: Partial<CborLimits>;
}

export interface Decrypt0Options extends ContentDecryptOptions {
  /** The content key, or a function choosing it from the (unauthenticated until decryption succeeds) headers. */
  key: Uint8Array | ((headers: CoseHeaders) => Uint8Array | Promise<Uint8Array>);
}

/** A successfully decrypted message. */
export interface DecryptResult {
  plaintext: Uint8Array;
  headers: CoseHeaders;
  alg: CoseAlgInfo;
}

/** @internal Builds and checks the content layer's headers for sending; returns them with the IV to use. */
export function prepareContentLayer(
  content: EncryptContent,
  opts: ContentEncryptOptions,
  where: string,
): { headers: CoseHeaders; alg: CoseAlgInfo; iv: Uint8Array; externalAad: Uint8Array } {
  const alg = coseAlgorithmOfKind(opts.alg, ["aead", "cipher"], `${where}: alg`);
  if (alg.kind === "cipher" && !opts.allowNonAead) {
    throw new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: ${alg.name} is not AEAD; set allowNonAead (RFC 9459 §8)`);
  }
  const prot: CborMap = new Map(content.protected ?? []);
  const unprot: CborMap = new Map(content.unprotected ?? []);
  const declared = prot.has(HeaderLabel.alg) ? prot.get(HeaderLabel.alg) : unprot.get(HeaderLabel.alg);
  if (declared !== undefined && declared !== alg.id) {
    throw new RotkitError("COSE_ALG_MISMATCH", `${where}: the alg header (${String(declared)}) is not ${alg.id}`);
  }
  if (declared === undefined) {
    // RFC 9459 §4/§5: the non-AEAD modes cannot protect a header bucket, so their alg goes unprotected.
    if (alg.kind === "cipher") unprot.set(HeaderLabel.alg, alg.id);
    else prot.set(HeaderLabel.alg, alg.id);
  }
  let iv: Uint8Array;
  if (opts.partialIv) {
    if (!opts.baseIv) throw new RotkitError("INVALID_ARGUMENT", `${where}: partialIv needs baseIv`);
    if (opts.baseIv.length !== alg.ivLength) {
      throw new RotkitError("COSE_BAD_HEADER", `${where}: base IV must be ${alg.ivLength} bytes for ${alg.name}`);
    }
    iv = combinePartialIv(opts.baseIv, opts.partialIv);
    unprot.set(HeaderLabel.partialIv, opts.partialIv);
  } else {
    iv = opts.iv ?? opts.provider.randomBytes(alg.ivLength as number);
    unprot.set(HeaderLabel.iv, iv);
  }
  if (iv.length !== alg.ivLength) {
    throw new RotkitError("COSE_BAD_HEADER", `${where}: ${alg.name} needs a ${alg.ivLength}-byte IV, got ${iv.length}`);
  }
  const headers: CoseHeaders = { protected: protectedHeader(prot), unprotected: unprot };
  checkHeaders(headers, { where });
  if (alg.kind === "cipher" && headers.protected.bytes.length !== 0) {
    throw new RotkitError("COSE_BAD_HEADER", `${where}: ${alg.name} requires an empty protected header (RFC 9459)`);
  }
  const externalAad = content.externalAad ?? new Uint8Array(0);
  checkExternalAad(alg, externalAad, where);
  return { headers, alg, iv, externalAad };
}

/** @internal Decodes a COSE_Encrypt0 / COSE_Encrypt array. */
export function decodeEncryptArray(
  bytes: Uint8Array,
  tag: number,
  name: string,
  length: number,
  opts: ContentDecryptOptions,
): { items: CborValue[]; headers: CoseHeaders; alg: CoseAlgInfo; iv: Uint8Array; ciphertext: Uint8Array } {
  if (!isBytes(bytes)) throw new RotkitError("INVALID_ARGUMENT", `${name}: input must be a Uint8Array`);
  const decoded = decodeCose(bytes, name, opts.limits ? { limits: opts.limits } : undefined);
  const items = untag(decoded, tag, name, opts.requireTag);
  if (!Array.isArray(items) || items.length !== length) {
    throw new RotkitError("COSE_MALFORMED", `${name}: must be an array of ${length} items`);
  }
  const headers = decodeHeaders(items[0] as CborValue, items[1] as CborValue, {
    where: name,
    criticalHeaders: opts.criticalHeaders ?? [],
  });
  const alg = contentAlgorithm(headers, name, opts);
  const iv = resolveIv(headers, alg, name, opts.baseIv);
  const ct = items[2];
  let ciphertext: Uint8Array;
  if (ct === null) {
    if (!opts.detachedCiphertext) {
      throw new RotkitError(
        "COSE_DETACHED_PAYLOAD_REQUIRED",
        `${name}: the ciphertext is detached; pass detachedCiphertext`,
      );
    }
    ciphertext = opts.detachedCiphertext;
  } else if (isBytes(ct)) {
    if (opts.detachedCiphertext) {
      throw new RotkitError(
        "INVALID_ARGUMENT",
        `${name}: the message carries its ciphertext; detachedCiphertext must not be given`,
      );
    }
    ciphertext = ct;
  } else {
    throw new RotkitError("COSE_MALFORMED", `${name}: ciphertext must be a bstr or nil`);
  }
  const externalAad = opts.externalAad ?? new Uint8Array(0);
  checkExternalAad(alg, externalAad, name);
  return { items, headers, alg, iv, ciphertext };
}

/** @internal Assembles the message array (and tag). */
export function encodeEncryptArray(items: CborValue[], tag: number, tagged: boolean | undefined): Uint8Array {
  return encodeCose(tagged === false ? items : new CborTag(tag, items));
}

/**
 * Encrypts to a COSE_Encrypt0 (RFC 9052 §5.2-5.3) with a key both sides already share. The AAD is the
 * Enc_structure `["Encrypt0", protected, external_aad]`. A random IV is generated unless one is given.
 *
 * @example
 * ```ts
 * const { bytes } = await encryptCoseEncrypt0(
 *   { plaintext: utf8Encode("hello") },
 *   { key: cek16, alg: 1, provider: nobleProvider() }, // alg 1 = A128GCM
 * );
 * ```
 */
export async function encryptCoseEncrypt0(content: EncryptContent, opts: Encrypt0Options): Promise<EncryptResult> {
  const where = "COSE_Encrypt0";
  const { headers, alg, iv, externalAad } = prepareContentLayer(content, opts, where);
  const aad = encStructure("Encrypt0" satisfies EncContext, headers.protected.bytes, externalAad);
  const ciphertext = await encryptContent(opts.provider, alg, opts.key, iv, aad, content.plaintext, where);
  const items: CborValue[] = [headers.protected.bytes, headers.unprotected, content.detached ? null : ciphertext];
  return { bytes: encodeEncryptArray(items, COSE_ENCRYPT0_TAG, content.tagged), ciphertext };
}

/**
 * Decrypts a COSE_Encrypt0 (RFC 9052 §5.3). Returns the whole plaintext only when the AEAD tag verifies;
 * otherwise throws COSE_DECRYPT_FAILED (COSE_BAD_HEADER for a missing / wrong-length IV, COSE_BAD_KEY for a
 * key of the wrong length, COSE_UNSUPPORTED_ALG, COSE_WRONG_TAG, COSE_MALFORMED).
 *
 * @example
 * ```ts
 * const { plaintext } = await decryptCoseEncrypt0(bytes, { key: cek16, provider: nobleProvider() });
 * ```
 */
export async function decryptCoseEncrypt0(bytes: Uint8Array, opts: Decrypt0Options): Promise<DecryptResult> {
  const where = "COSE_Encrypt0";
  const { headers, alg, iv, ciphertext } = decodeEncryptArray(bytes, COSE_ENCRYPT0_TAG, where, 3, opts);
  const key = typeof opts.key === "function" ? await opts.key(headers) : opts.key;
  if (!isBytes(key)) throw new RotkitError("COSE_NO_KEY", `${where}: no key`);
  const aad = encStructure("Encrypt0", aadProtected(headers), opts.externalAad ?? new Uint8Array(0));
  const plaintext = await decryptContent(opts.provider, alg, key, iv, aad, ciphertext, where);
  return { plaintext, headers, alg };
}
