import { ghash } from "@noble/ciphers/_polyval.js";
import { aeskw, cbc, ctr, gcm, unsafe } from "@noble/ciphers/aes.js";
import { constantTimeEqual } from "../bytes.js";
import { RotkitError } from "../errors.js";
import { checkAesKey, checkBytes, checkLength } from "./algs.js";

// Portable AES modes on top of @noble/ciphers: GCM (noble's for the common case, a small SP 800-38D GCM on noble's
// GHASH and AES block for short IVs and truncated tags), CCM (RFC 3610), COSE's CBC-MAC (RFC 9053 §3.2) and Key
// Wrap (RFC 3394). The WebCrypto provider delegates here for what WebCrypto lacks.

const EMPTY = new Uint8Array(0);

/** Bound on a GCM IV: SP 800-38D allows up to 2^64 bits, real protocols use 12 bytes. */
export const GCM_MAX_IV_LENGTH = 4096;

/** GCM tag lengths in bytes: SP 800-38D §5.2.1.2 allows 128, 120, 112, 104 and 96 bits for general use. */
export function checkGcmTagLength(tagLength: number | undefined): number {
  return checkLength("AES-GCM tag length", tagLength ?? 16, 12, 16);
}

function checkGcmInputs(key: Uint8Array, iv: Uint8Array, aad: Uint8Array): void {
  checkAesKey("AES-GCM key", key);
  checkBytes("AES-GCM iv", iv);
  checkBytes("AES-GCM aad", aad);
  // SP 800-38D §5.2.1.1: len(IV) >= 1 bit; a zero-length IV would make J0 depend on the key alone.
  checkLength("AES-GCM iv length", iv.length, 1, GCM_MAX_IV_LENGTH);
}

/** SP 800-38D §6.4 len(A) || len(C) in bits, as two 64-bit big-endian integers. */
function lengthBlock(aadLen: number, ctLen: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  const put = (off: number, bytes: number) => {
    const bits = bytes * 8;
    v.setUint32(off, Math.floor(bits / 0x100000000));
    v.setUint32(off + 4, bits >>> 0);
  };
  put(0, aadLen);
  put(8, ctLen);
  return b;
}

/** SP 800-38D §7.1 with any IV length and a tag truncated to `tagLength`: returns [payload out, full tag]. */
function gcmGeneric(
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array,
  input: Uint8Array,
  encrypting: boolean,
): [Uint8Array, Uint8Array] {
  const xk = unsafe.expandKeyLE(key);
  const h = unsafe.encryptBlock(xk, new Uint8Array(16)); // step 1: H = CIPH_K(0^128) (in place, fresh block)
  let j0: Uint8Array;
  if (iv.length === 12) {
    // step 2: J0 = IV || 0^31 || 1
    j0 = new Uint8Array(16);
    j0.set(iv);
    j0[15] = 1;
  } else {
    // step 2: J0 = GHASH_H(IV || 0^(s+64) || [len(IV)]_64); GHASH pads each update to a block.
    j0 = ghash.create(h).update(iv).update(lengthBlock(0, iv.length)).digest();
  }
  const tagMask = unsafe.encryptBlock(xk, j0.slice()); // encryptBlock works in place: keep J0 intact
  // step 3: C = GCTR_K(inc32(J0), P). ctr32 increments the rightmost 32 bits, as GCTR does.
  const counter = j0.slice();
  const cv = new DataView(counter.buffer);
  cv.setUint32(12, (cv.getUint32(12) + 1) >>> 0);
  const src = input.slice(); // ctr32 reads through a Uint32Array view: needs an aligned copy
  const out = unsafe.ctr32(xk, false, counter, src, new Uint8Array(src.length));
  const ct = encrypting ? out : input;
  // steps 5-6: S = GHASH_H(A || 0^v || C || 0^u || [len(A)]_64 || [len(C)]_64); T = MSB_t(GCTR_K(J0, S))
  const s = ghash.create(h).update(aad).update(ct).update(lengthBlock(aad.length, ct.length)).digest();
  for (let i = 0; i < 16; i++) s[i] = (s[i] as number) ^ (tagMask[i] as number);
  xk.fill(0);
  return [out, s];
}

/**
 * AES-GCM encryption (SP 800-38D); returns ciphertext ‖ tag. IV: 1..4096 bytes; tag 12..16 bytes (default 16).
 *
 * @example
 * ```ts
 * const ct = aesGcmEncrypt(key, iv12, aad, plaintext);
 * ```
 */
export function aesGcmEncrypt(
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array | undefined,
  plaintext: Uint8Array,
  tagLength?: number,
): Uint8Array {
  const a = aad ?? EMPTY;
  checkGcmInputs(key, iv, a);
  checkBytes("AES-GCM plaintext", plaintext);
  const t = checkGcmTagLength(tagLength);
  // noble's GCM (IV >= 8 bytes, full tag) for the common case; the generic one for the rest.
  if (t === 16 && iv.length >= 8) return gcm(key, iv, a).encrypt(plaintext);
  const [ct, tag] = gcmGeneric(key, iv, a, plaintext, true);
  const out = new Uint8Array(ct.length + t);
  out.set(ct, 0);
  out.set(tag.subarray(0, t), ct.length);
  return out;
}

/**
 * AES-GCM decryption of ciphertext ‖ tag; throws `CRYPTO_DECRYPT_FAILED` when the tag does not verify (no plaintext
 * is released then).
 *
 * @example
 * ```ts
 * const pt = aesGcmDecrypt(key, iv12, aad, ciphertextAndTag);
 * ```
 */
export function aesGcmDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array | undefined,
  ciphertextAndTag: Uint8Array,
  tagLength?: number,
): Uint8Array {
  const a = aad ?? EMPTY;
  checkGcmInputs(key, iv, a);
  checkBytes("AES-GCM ciphertext", ciphertextAndTag);
  const t = checkGcmTagLength(tagLength);
  if (ciphertextAndTag.length < t)
    throw new RotkitError("CRYPTO_DECRYPT_FAILED", "AES-GCM: input shorter than the tag");
  if (t === 16 && iv.length >= 8) {
    try {
      return gcm(key, iv, a).decrypt(ciphertextAndTag);
    } catch (e) {
      throw new RotkitError("CRYPTO_DECRYPT_FAILED", "AES-GCM: authentication failed", { cause: e });
    }
  }
  const ct = ciphertextAndTag.subarray(0, ciphertextAndTag.length - t);
  const [pt, tag] = gcmGeneric(key, iv, a, ct, false);
  // SP 800-38D §7.2 step 8: compare, and return FAIL without the plaintext.
  if (!constantTimeEqual(tag.subarray(0, t), ciphertextAndTag.subarray(ct.length))) {
    pt.fill(0);
    throw new RotkitError("CRYPTO_DECRYPT_FAILED", "AES-GCM: authentication failed");
  }
  return pt;
}

// ---------------------------------------------------------------------------------------------------------------
// AES-CCM, RFC 3610 (= NIST SP 800-38C). COSE uses it with 13- and 7-byte nonces (RFC 9053 §4.2).

function checkCcmInputs(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, tagLength: number | undefined): number {
  checkAesKey("AES-CCM key", key);
  checkBytes("AES-CCM nonce", nonce);
  checkBytes("AES-CCM aad", aad);
  // RFC 3610 §2: L in 2..8 and the nonce is 15 - L bytes, so 7..13 bytes.
  checkLength("AES-CCM nonce length", nonce.length, 7, 13);
  // RFC 3610 §2: M in {4, 6, 8, 10, 12, 14, 16}.
  const m = checkLength("AES-CCM tag length", tagLength, 4, 16);
  // RFC 3610 §2.2: AAD lengths of 2^32 and more need the 0xff 0xff form, which nothing here can hold.
  if (aad.length >= 0x100000000) throw new RotkitError("CRYPTO_INVALID_LENGTH", "AES-CCM: AAD too long");
  if (m % 2 !== 0) throw new RotkitError("CRYPTO_INVALID_LENGTH", "AES-CCM tag length must be even");
  return m;
}

/** RFC 3610 §2.2: the CBC-MAC T over B_0, the encoded AAD and the message, each padded to blocks. */
function ccmMac(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, msg: Uint8Array, m: number): Uint8Array {
  const lSize = 15 - nonce.length;
  // l(a) encoding: 2 octets below 2^16 - 2^8, else 0xff 0xfe + 4 octets (aad lengths >= 2^32 cannot occur here).
  const aadHead = aad.length === 0 ? 0 : aad.length < 0xff00 ? 2 : 6;
  const aadBlocks = Math.ceil((aadHead + aad.length) / 16);
  const buf = new Uint8Array(16 + aadBlocks * 16 + Math.ceil(msg.length / 16) * 16);
  // B_0 = Flags || Nonce || l(m); Flags = 64*Adata + 8*M' + L', M' = (M-2)/2, L' = L-1.
  buf[0] = (aad.length > 0 ? 0x40 : 0) | (((m - 2) / 2) << 3) | (lSize - 1);
  buf.set(nonce, 1);
  let len = msg.length;
  for (let i = 15; i > nonce.length; i--) {
    buf[i] = len & 0xff;
    len = Math.floor(len / 256);
  }
  let o = 16;
  if (aadHead === 2) {
    buf[o++] = aad.length >> 8;
    buf[o++] = aad.length & 0xff;
  } else if (aadHead === 6) {
    buf[o++] = 0xff;
    buf[o++] = 0xfe;
    buf[o++] = aad.length >>> 24;
    buf[o++] = (aad.length >>> 16) & 0xff;
    buf[o++] = (aad.length >>> 8) & 0xff;
    buf[o++] = aad.length & 0xff;
  }
  buf.set(aad, o);
  buf.set(msg, 16 + aadBlocks * 16);
  const macBlocks = cbc(key, new Uint8Array(16), { disablePadding: true }).encrypt(buf);
  return macBlocks.slice(macBlocks.length - 16, macBlocks.length - 16 + m);
}

/** RFC 3610 §2.3: A_i = Flags || Nonce || Counter i, Flags = L - 1. */
function ccmCounter(nonce: Uint8Array, i: number): Uint8Array {
  const a = new Uint8Array(16);
  a[0] = 15 - nonce.length - 1;
  a.set(nonce, 1);
  a[15] = i; // i is 0 or 1; the CTR mode below increments the whole block, which within l(m) never carries into the nonce
  return a;
}

function ccmCheckPayloadLength(nonce: Uint8Array, len: number): void {
  const lSize = 15 - nonce.length;
  // RFC 3610 §2: 0 <= l(m) < 2^(8L).
  if (lSize < 7 && len >= 2 ** (8 * lSize)) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", `AES-CCM: message too long for a ${nonce.length}-byte nonce`);
  }
}

/**
 * AES-CCM encryption (RFC 3610); returns ciphertext ‖ tag. Nonce 7..13 bytes (L = 15 - nonce length), tag length
 * 4..16 bytes, even.
 *
 * @example
 * ```ts
 * // COSE AES-CCM-16-64-128 (RFC 9053 §4.2): 13-byte nonce, 8-byte tag
 * const ct = aesCcmEncrypt(key16, nonce13, aad, plaintext, 8);
 * ```
 */
export function aesCcmEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array | undefined,
  plaintext: Uint8Array,
  tagLength: number,
): Uint8Array {
  const a = aad ?? EMPTY;
  const m = checkCcmInputs(key, nonce, a, tagLength);
  checkBytes("AES-CCM plaintext", plaintext);
  ccmCheckPayloadLength(nonce, plaintext.length);
  const t = ccmMac(key, nonce, a, plaintext, m);
  // RFC 3610 §2.3: S_0 encrypts the tag (U = T xor first-M(S_0)), S_1.. the message.
  const stream = ctr(key, ccmCounter(nonce, 0)).encrypt(concatTagAndMessage(t, plaintext));
  const out = new Uint8Array(plaintext.length + m);
  out.set(stream.subarray(16), 0);
  out.set(stream.subarray(0, m), plaintext.length);
  return out;
}

/** One CTR pass from A_0 covers the tag (block 0, padded) and the message (blocks 1..). */
function concatTagAndMessage(tag: Uint8Array, msg: Uint8Array): Uint8Array {
  const buf = new Uint8Array(16 + msg.length);
  buf.set(tag, 0);
  buf.set(msg, 16);
  return buf;
}

/**
 * AES-CCM decryption of ciphertext ‖ tag (RFC 3610 §2.5); throws `CRYPTO_DECRYPT_FAILED` on a wrong tag without
 * releasing plaintext.
 *
 * @example
 * ```ts
 * const pt = aesCcmDecrypt(key16, nonce13, aad, ciphertextAndTag, 8);
 * ```
 */
export function aesCcmDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array | undefined,
  ciphertextAndTag: Uint8Array,
  tagLength: number,
): Uint8Array {
  const a = aad ?? EMPTY;
  const m = checkCcmInputs(key, nonce, a, tagLength);
  checkBytes("AES-CCM ciphertext", ciphertextAndTag);
  if (ciphertextAndTag.length < m)
    throw new RotkitError("CRYPTO_DECRYPT_FAILED", "AES-CCM: input shorter than the tag");
  const ctLen = ciphertextAndTag.length - m;
  ccmCheckPayloadLength(nonce, ctLen);
  const stream = ctr(key, ccmCounter(nonce, 0)).decrypt(
    concatTagAndMessage(ciphertextAndTag.subarray(ctLen), ciphertextAndTag.subarray(0, ctLen)),
  );
  const tag = stream.subarray(0, m);
  const pt = stream.slice(16);
  const expected = ccmMac(key, nonce, a, pt, m);
  if (!constantTimeEqual(expected, tag)) {
    pt.fill(0);
    stream.fill(0);
    throw new RotkitError("CRYPTO_DECRYPT_FAILED", "AES-CCM: authentication failed");
  }
  stream.fill(0);
  return pt;
}

/**
 * AES-CBC-MAC as COSE defines it (RFC 9053 §3.2): IV of zeros, the data padded with zero bytes to a whole number
 * of blocks (empty data becomes one zero block), the tag is the leftmost `tagLength` bytes (8..16) of the last
 * block. Only safe with COSE's fixed-structure MAC input; not a general-purpose MAC.
 *
 * @example
 * ```ts
 * const tag = aesCbcMac(key16, macStructure, 8); // COSE AES-MAC 128/64
 * ```
 */
export function aesCbcMac(key: Uint8Array, data: Uint8Array, tagLength: number): Uint8Array {
  checkAesKey("AES-CBC-MAC key", key);
  checkBytes("AES-CBC-MAC data", data);
  const t = checkLength("AES-CBC-MAC tag length", tagLength, 8, 16);
  const padded = new Uint8Array(Math.max(1, Math.ceil(data.length / 16)) * 16);
  padded.set(data, 0);
  const blocks = cbc(key, new Uint8Array(16), { disablePadding: true }).encrypt(padded);
  return blocks.slice(blocks.length - 16, blocks.length - 16 + t);
}

/**
 * AES Key Wrap (RFC 3394 §2.2.1) of a key of 16 bytes or more (multiple of 8) under a 16/24/32-byte KEK.
 *
 * @example
 * ```ts
 * const wrapped = aesKeyWrap(kek, cek); // cek.length + 8 bytes
 * ```
 */
export function aesKeyWrap(kek: Uint8Array, key: Uint8Array): Uint8Array {
  checkAesKey("AES-KW key-encryption key", kek);
  checkBytes("AES-KW key", key);
  if (key.length < 16 || key.length % 8 !== 0 || key.length > 0x10000) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", "AES-KW: the key must be 16..65536 bytes, a multiple of 8");
  }
  return aeskw(kek).encrypt(key);
}

/**
 * AES Key Unwrap (RFC 3394 §2.2.2 with the §2.2.3 integrity check); throws `CRYPTO_UNWRAP_FAILED` when the
 * integrity check fails and `CRYPTO_INVALID_LENGTH` for an impossible length.
 *
 * @example
 * ```ts
 * const cek = aesKeyUnwrap(kek, wrapped);
 * ```
 */
export function aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  checkAesKey("AES-KW key-encryption key", kek);
  checkBytes("AES-KW wrapped key", wrapped);
  if (wrapped.length < 24 || wrapped.length % 8 !== 0 || wrapped.length > 0x10008) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", "AES-KW: wrapped key must be 24..65544 bytes, a multiple of 8");
  }
  let out: Uint8Array;
  try {
    out = aeskw(kek).decrypt(wrapped);
  } catch (e) {
    throw new RotkitError("CRYPTO_UNWRAP_FAILED", "AES-KW: integrity check failed", { cause: e });
  }
  const key = out.slice();
  out.fill(0);
  return key;
}
