import {
  bytesEqual,
  type CryptoProvider,
  concatBytes,
  constantTimeEqual,
  type HashAlg,
  hashLength,
  type PublicKey,
  RotkitError,
} from "@rotkit/core";
import {
  MCUBOOT_ALWAYS_PROTECTED,
  MCUBOOT_KNOWN_FLAGS,
  MCUBOOT_UNPROTECTED_ALLOWED,
  MCUBOOT_UNPROTECTED_ONLY,
  MCUBOOT_WRAPPED_KEY_TLVS,
  McubootFlag,
  type McubootFlagName,
  McubootTlvType,
  mcubootFlagNames,
} from "./constants.js";
import { type McubootProtectedContent, protectedContent } from "./content.js";
import { decodeMcubootImageUnverified, type UnverifiedMcubootImage } from "./decode.js";
import { checkKeyList, keyHashAlg, mcubootPublicKeyBytes } from "./keys.js";
import { isSignatureTlv, type SignedContent, verifySignatureTlv } from "./signature.js";
import type { McubootHeader, McubootTlv } from "./types.js";

// MCUboot image validation as bootutil_img_validate (boot/bootutil/src/image_validate.c) does it, failing closed
// where MCUboot leaves a choice to its build configuration:
// 1. structure (decode.ts); header flags: unknown bits, PIC and encryption are refused unless the caller opts in;
// 2. the TLV allow list (MCUBOOT_USE_TLV_ALLOW_LIST): only key, hash, signature and wrapped-key TLVs may sit in the
//    unprotected area (CVE-2024-32883: an unprotected SEC_CNT, DEPENDENCY or BOOT_RECORD would be trusted otherwise);
// 3. the image hash TLV against SHA-x(header + body + protected TLV area), constant-time (bootutil_img_hash);
// 4. each signature TLV whose preceding KEYHASH / PUBKEY TLV names a trusted key must verify; signatures by other
//    keys are skipped, as MCUboot skips them; at least one must verify unless `requireSignature` is false.

/** How the body of an encrypted image (IMAGE_F_ENCRYPTED_AES128 / _AES256) was encrypted. */
export interface McubootEncryption {
  /** AES-CTR key size: 128 or 256 bits. */
  aesKeyBits: 128 | 256;
  /** The ENC_RSA2048 / ENC_KW / ENC_EC256 / ENC_X25519 / ENC_X25519_SHA512 TLVs: the wrapped AES key. */
  keyTlvs: McubootTlv[];
}

export interface VerifyMcubootImageOptions {
  provider: CryptoProvider;
  /** Trusted signing keys. A signature counts when its KEYHASH (or PUBKEY) TLV names one of them. */
  keys?: readonly PublicKey[];
  /** Require at least one signature by a trusted key (default true). `false` checks the hash TLV only. */
  requireSignature?: boolean;
  /**
   * The image is flagged encrypted, but the body given here is the plaintext (MCUboot's primary slot after it
   * decrypted the update, or `imgtool sign --encrypt --clear`). Hash and signatures cover the plaintext.
   */
  allowEncryptedFlag?: boolean;
  /**
   * Decrypts the body of an encrypted image (AES-CTR, key wrapped in the ENC_* TLV, bootutil encrypted.c); must
   * return the plaintext, same length. The hash and signatures are then checked over the plaintext.
   */
  decryptBody?: (ciphertext: Uint8Array, encryption: McubootEncryption) => Promise<Uint8Array> | Uint8Array;
  /**
   * Extra TLV types accepted in the unprotected area (e.g. a vendor TLV a build with ALLOW_ROGUE_TLVS tolerates);
   * they are still never returned as verified. DEPENDENCY, SEC_CNT, BOOT_RECORD, the compression TLVs and the UUIDs
   * may not be listed (INVALID_ARGUMENT).
   */
  allowUnprotectedTypes?: readonly number[];
}

/** A signature that verified. */
export interface McubootVerifiedSignature {
  /** The signature TLV type (0x20 RSA2048_PSS, 0x22 ECDSA_SIG, 0x23 RSA3072_PSS, 0x24 ED25519). */
  type: number;
  name: McubootTlv["name"];
  /** Index into `options.keys` of the key that verified it. */
  keyIndex: number;
}

/** A verified MCUboot image: everything here is covered by the image hash and (unless not required) a signature. */
export interface VerifiedMcubootImage extends McubootProtectedContent {
  header: McubootHeader;
  /** Names of the header flags set. */
  flags: McubootFlagName[];
  /** The body: a view into the input, or the plaintext `decryptBody` returned. */
  body: Uint8Array;
  /** The image hash TLV, checked; undefined only for a SIG_PURE image without one. */
  digest: { alg: HashAlg; value: Uint8Array } | undefined;
  /** Signatures that verified with a trusted key, in image order. */
  signatures: McubootVerifiedSignature[];
  /** SIG_PURE: the signature is over the image itself rather than its digest. */
  pure: boolean;
  /** Present when the image is flagged encrypted. */
  encryption: McubootEncryption | undefined;
  /** Every protected TLV, including vendor ones (0xXXa0-0xXXff), in order. */
  protectedTlvs: McubootTlv[];
  /** Bytes after the TLV areas (slot padding, swap trailer), covered by nothing. */
  trailingLength: number;
}

const HASH_TLVS: ReadonlyMap<number, HashAlg> = new Map([
  [McubootTlvType.SHA256, "SHA-256"],
  [McubootTlvType.SHA384, "SHA-384"],
  [McubootTlvType.SHA512, "SHA-512"],
]);

function fail(code: "MCUBOOT_MALFORMED" | "MCUBOOT_UNSUPPORTED", message: string, at: number): RotkitError {
  return new RotkitError(code, `MCUboot image: ${message}`, { at });
}

function extraAllowed(types: readonly number[] | undefined): ReadonlySet<number> {
  if (types === undefined) return new Set();
  if (!Array.isArray(types) || types.some((t) => !Number.isInteger(t) || t < 0 || t > 0xffff)) {
    throw new RotkitError("INVALID_ARGUMENT", "allowUnprotectedTypes must be TLV types (0..0xffff)");
  }
  const forbidden = types.find((t) => MCUBOOT_ALWAYS_PROTECTED.has(t));
  if (forbidden !== undefined) {
    throw new RotkitError("INVALID_ARGUMENT", `TLV 0x${forbidden.toString(16)} must always be protected`);
  }
  return new Set(types);
}

/** Header flags: unknown bits and PIC are refused; encryption needs the caller's consent (see the options). */
function checkFlags(img: UnverifiedMcubootImage, options: VerifyMcubootImageOptions): McubootEncryption | undefined {
  const f = img.header.flags;
  const unknown = (f & ~MCUBOOT_KNOWN_FLAGS) >>> 0;
  if (unknown !== 0) throw fail("MCUBOOT_UNSUPPORTED", `unknown header flags 0x${unknown.toString(16)}`, 16);
  // image.h: IMAGE_F_PIC "Not supported"; MCUboot only boots images built for a fixed address.
  if (f & McubootFlag.PIC) throw fail("MCUBOOT_UNSUPPORTED", "position-independent image (IMAGE_F_PIC)", 16);
  const aes128 = (f & McubootFlag.ENCRYPTED_AES128) !== 0;
  const aes256 = (f & McubootFlag.ENCRYPTED_AES256) !== 0;
  if (aes128 && aes256) throw fail("MCUBOOT_MALFORMED", "both ENCRYPTED_AES128 and ENCRYPTED_AES256 are set", 16);
  if (!aes128 && !aes256) return undefined;
  if (options.decryptBody === undefined && options.allowEncryptedFlag !== true) {
    throw fail(
      "MCUBOOT_UNSUPPORTED",
      "encrypted image: its hash and signature cover the plaintext (pass decryptBody, or allowEncryptedFlag when the body is already plaintext)",
      16,
    );
  }
  return {
    aesKeyBits: aes256 ? 256 : 128,
    keyTlvs: img.unprotectedTlvs.filter((t) => MCUBOOT_WRAPPED_KEY_TLVS.has(t.type)),
  };
}

/** The TLV allow list (CVE-2024-32883), and hash / key / signature TLVs only outside the hashed region. */
function checkPlacement(img: UnverifiedMcubootImage, extra: ReadonlySet<number>): void {
  for (const t of img.unprotectedTlvs) {
    if (!MCUBOOT_UNPROTECTED_ALLOWED.has(t.type) && !extra.has(t.type)) {
      throw new RotkitError(
        "MCUBOOT_UNPROTECTED_TLV",
        `MCUboot image: ${t.name} TLV 0x${t.type.toString(16)} must be in the protected TLV area`,
        { at: t.offset },
      );
    }
  }
  for (const t of img.protectedTlvs) {
    if (MCUBOOT_UNPROTECTED_ONLY.has(t.type)) {
      throw fail("MCUBOOT_MALFORMED", `${t.name} TLV inside the protected area it would have to cover`, t.offset);
    }
  }
}

/** SIG_PURE (0x25) = 1 switches Ed25519 to signing the image itself (bootutil_check_for_pure). */
function isPure(img: UnverifiedMcubootImage): boolean {
  const marks = img.unprotectedTlvs.filter((t) => t.type === McubootTlvType.SIG_PURE);
  const mark = marks[0];
  if (mark === undefined) return false;
  if (marks.length > 1) throw fail("MCUBOOT_MALFORMED", "more than one SIG_PURE TLV", (marks[1] as McubootTlv).offset);
  if (mark.value.length !== 1 || mark.value[0] !== 1)
    throw fail("MCUBOOT_MALFORMED", "SIG_PURE TLV must be the byte 1", mark.offset);
  return true;
}

async function checkDigest(
  img: UnverifiedMcubootImage,
  hashed: Uint8Array,
  provider: CryptoProvider,
  pure: boolean,
): Promise<{ alg: HashAlg; value: Uint8Array } | undefined> {
  const tlvs = img.unprotectedTlvs.filter((t) => HASH_TLVS.has(t.type));
  const tlv = tlvs[0];
  if (tlv === undefined) {
    // imgtool always writes one; MCUboot requires it outside MCUBOOT_SIGN_PURE.
    if (!pure) throw fail("MCUBOOT_MALFORMED", "no image hash TLV (SHA256 / SHA384 / SHA512)", img.hashedLength);
    return undefined;
  }
  if (tlvs.length > 1) throw fail("MCUBOOT_MALFORMED", "more than one image hash TLV", (tlvs[1] as McubootTlv).offset);
  const alg = HASH_TLVS.get(tlv.type) as HashAlg;
  if (tlv.value.length !== hashLength(alg)) {
    throw fail(
      "MCUBOOT_MALFORMED",
      `${tlv.name} TLV is ${tlv.value.length} bytes, expected ${hashLength(alg)}`,
      tlv.offset,
    );
  }
  // bootutil_img_hash: SHA over ih_hdr_size + ih_img_size + ih_protect_tlv_size bytes; boot_fih_memequal.
  const computed = await provider.digest(alg, hashed);
  if (!constantTimeEqual(computed, tlv.value)) {
    throw new RotkitError("MCUBOOT_DIGEST_MISMATCH", `MCUboot image: ${tlv.name} does not match the image`, {
      at: tlv.offset,
    });
  }
  return { alg, value: tlv.value };
}

async function checkSignatures(
  img: UnverifiedMcubootImage,
  content: SignedContent,
  keys: readonly PublicKey[],
): Promise<{ verified: McubootVerifiedSignature[]; others: number }> {
  const encodings = keys.map(mcubootPublicKeyBytes);
  const hashes = new Map<HashAlg, Uint8Array[]>();
  const keyHashes = async (alg: HashAlg): Promise<Uint8Array[]> => {
    let h = hashes.get(alg);
    if (h === undefined) {
      h = await Promise.all(encodings.map((e) => content.provider.digest(alg, e)));
      hashes.set(alg, h);
    }
    return h;
  };
  const verified: McubootVerifiedSignature[] = [];
  let others = 0;
  let selected = -1;
  // image_validate.c: a KEYHASH (or, with MCUBOOT_HW_KEY, PUBKEY) TLV selects the key for the next signature TLV;
  // a signature whose key is not ours is skipped ("there can be multiple signatures, each preceded by a key").
  for (const t of img.unprotectedTlvs) {
    if (t.type === McubootTlvType.KEYHASH) {
      const alg = keyHashAlg(t.value.length);
      if (alg === undefined) throw fail("MCUBOOT_MALFORMED", `KEYHASH TLV of ${t.value.length} bytes`, t.offset);
      const candidates = await keyHashes(alg);
      selected = candidates.findIndex((h) => constantTimeEqual(h, t.value));
    } else if (t.type === McubootTlvType.PUBKEY) {
      selected = encodings.findIndex((e) => bytesEqual(e, t.value));
    } else if (isSignatureTlv(t.type)) {
      if (selected < 0) {
        others++;
        continue;
      }
      await verifySignatureTlv(t, keys[selected] as PublicKey, content);
      verified.push({ type: t.type, name: t.name, keyIndex: selected });
      selected = -1;
    }
  }
  return { verified, others };
}

/**
 * Verifies an MCUboot image the way bootutil does (image_validate.c), failing closed, and returns its verified
 * content: header, body, the checked image hash, the signatures that verified, and the typed protected TLVs
 * (security counter, dependencies, boot record, compression data). Throws a RotkitError:
 * - MCUBOOT_MALFORMED: bad structure (see `decodeMcubootImageUnverified`), a hash / key / signature TLV of the wrong
 *   length or in the protected area, a second hash, SEC_CNT or SIG_PURE TLV, no hash TLV;
 * - MCUBOOT_UNSUPPORTED: the legacy v1 magic, unknown header flags, PIC, an encrypted image without
 *   `decryptBody` / `allowEncryptedFlag`, ECDSA224, ECDSA on a curve other than P-256/P-384, a pure non-Ed25519
 *   signature;
 * - MCUBOOT_UNPROTECTED_TLV: a TLV that must be protected (anything but key, hash, signature and wrapped-key TLVs)
 *   sits in the unprotected area (CVE-2024-32883);
 * - MCUBOOT_DIGEST_MISMATCH: the hash TLV does not match header + body + protected TLVs;
 * - MCUBOOT_BAD_SIGNATURE: a signature by a trusted key does not verify or does not fit that key's type, or no
 *   signature by a trusted key is present (when required).
 *
 * @example
 * ```ts
 * const image = await verifyMcubootImage(bytes, { keys: [signerPublicKey], provider: nobleProvider() });
 * console.log(image.header.version, image.securityCounter, image.dependencies);
 * ```
 */
export async function verifyMcubootImage(
  bytes: Uint8Array,
  options: VerifyMcubootImageOptions,
): Promise<VerifiedMcubootImage> {
  if (!options || typeof options !== "object" || !options.provider) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyMcubootImage: options with a provider are required");
  }
  const keys = options.keys ?? [];
  checkKeyList(keys);
  const requireSignature = options.requireSignature !== false;
  if (requireSignature && keys.length === 0) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyMcubootImage: keys are required (or requireSignature: false)");
  }
  const extra = extraAllowed(options.allowUnprotectedTypes);
  const img = decodeMcubootImageUnverified(bytes);
  const encryption = checkFlags(img, options);
  checkPlacement(img, extra);
  const pure = isPure(img);

  let body = img.body;
  let hashed = bytes.subarray(0, img.hashedLength);
  if (encryption !== undefined && options.decryptBody !== undefined) {
    const plain = await options.decryptBody(img.body, encryption);
    if (!(plain instanceof Uint8Array) || plain.length !== img.body.length) {
      throw new RotkitError("INVALID_ARGUMENT", "decryptBody must return the plaintext body, same length");
    }
    body = plain;
    hashed = concatBytes(img.headerBytes, plain, img.protectedArea);
  }

  const digest = await checkDigest(img, hashed, options.provider, pure);
  const { verified, others } = await checkSignatures(img, { provider: options.provider, hashed, digest, pure }, keys);
  if (requireSignature && verified.length === 0) {
    throw new RotkitError(
      "MCUBOOT_BAD_SIGNATURE",
      `MCUboot image: no signature by a trusted key (${others} signature TLV(s) by other keys)`,
    );
  }
  // A pure image without a hash TLV is covered by its signature alone.
  if (digest === undefined && verified.length === 0) {
    throw fail("MCUBOOT_MALFORMED", "pure image with neither a hash TLV nor a verified signature", img.hashedLength);
  }
  return {
    header: img.header,
    flags: mcubootFlagNames(img.header.flags),
    body,
    digest,
    signatures: verified,
    pure,
    encryption,
    protectedTlvs: img.protectedTlvs,
    trailingLength: img.trailingLength,
    ...protectedContent(img.protectedTlvs),
  };
}
