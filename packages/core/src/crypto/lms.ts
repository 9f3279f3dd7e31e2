import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { keccakP, shake256 } from "@noble/hashes/sha3.js";
import { RotkitError } from "../errors.js";
import { checkBytes } from "./algs.js";
import { SHA256_IV, sha256, sha256Blocks } from "./sha256.js";

// HSS/LMS signature verification (RFC 8554), with the SHA-256/192, SHAKE256/256 and SHAKE256/192 parameter sets of
// RFC 9858 (the ones NIST SP 800-208 approves). Verification only: signing is stateful and belongs to an HSM, and a
// device checking a firmware or manifest signature needs nothing but the public key.
//
// Nearly all the work is LM-OTS chain hashing (RFC 8554 §4.6 Algorithm 4b): up to 265 chains of up to 255 hashes
// per level, each over the 23 + n byte string I || u32str(q) || u16str(i) || u8str(j) || tmp. For the SHA-256 sets
// that string fits one padded 64-byte block (55 or 47 bytes), so each hash here is one compression-function call
// over a block prepared once per signature, with nothing allocated per hash.

/** LMS parameter set: typecode, hash ("SHA-256" | "SHAKE256"), n (32 or 24), height h. */
export interface LmsParams {
  type: number;
  hash: "SHA-256" | "SHAKE256";
  n: number;
  h: number;
}

/** LM-OTS parameter set: typecode, hash, n, w (1,2,4,8), p, ls. */
export interface LmotsParams {
  type: number;
  hash: "SHA-256" | "SHAKE256";
  n: number;
  w: number;
  p: number;
  ls: number;
}

/** The parsed HSS public key (RFC 8554 §6.1 u32str(L) || pub[0]): throws CRYPTO_INVALID_KEY / CRYPTO_UNSUPPORTED_ALG. */
export interface HssPublicKey {
  levels: number;
  lms: LmsParams;
  lmots: LmotsParams;
  identifier: Uint8Array;
  root: Uint8Array;
}

// RFC 8554 §4.3 / §5.3: the domain-separation constants of the hash inputs.
const D_PBLC = 0x8080;
const D_MESG = 0x8181;
const D_LEAF = 0x8282;
const D_INTR = 0x8383;

/** RFC 8554 §6.1: HSS allows 1 to 8 levels. */
const MAX_LEVELS = 8;

/**
 * The LMS parameter set of a typecode (RFC 8554 §5.1 Table 2: 5..9; RFC 9858: SHA-256/192 10..14, SHAKE256/256
 * 15..19, SHAKE256/192 20..24; heights 5, 10, 15, 20, 25 within each family), or undefined for any other value.
 *
 * @example
 * ```ts
 * lmsParams(6); // { type: 6, hash: "SHA-256", n: 32, h: 10 }
 * ```
 */
export function lmsParams(type: number): LmsParams | undefined {
  if (!Number.isInteger(type) || type < 5 || type > 24) return undefined;
  const family = Math.floor((type - 5) / 5);
  return {
    type,
    hash: family < 2 ? "SHA-256" : "SHAKE256",
    n: family % 2 === 0 ? 32 : 24,
    h: 5 * (((type - 5) % 5) + 1),
  };
}

/**
 * The LM-OTS parameter set of a typecode (RFC 8554 §4.1 Table 1: 1..4; RFC 9858: SHA-256/192 5..8, SHAKE256/256
 * 9..12, SHAKE256/192 13..16; w = 1, 2, 4, 8 within each family), or undefined for any other value. p and ls are
 * computed as RFC 8554 Appendix B does, not copied from a table.
 *
 * @example
 * ```ts
 * lmotsParams(3); // { type: 3, hash: "SHA-256", n: 32, w: 4, p: 67, ls: 4 }
 * ```
 */
export function lmotsParams(type: number): LmotsParams | undefined {
  if (!Number.isInteger(type) || type < 1 || type > 16) return undefined;
  const family = Math.floor((type - 1) / 4);
  const n = family % 2 === 0 ? 32 : 24;
  const w = 1 << ((type - 1) % 4);
  // RFC 8554 Appendix B: u chains for the hash, v for the checksum, ls shifts the checksum into the top bits.
  const u = Math.ceil((8 * n) / w);
  const v = Math.ceil((32 - Math.clz32(((1 << w) - 1) * u)) / w);
  return { type, hash: family < 2 ? "SHA-256" : "SHAKE256", n, w, p: u + v, ls: 16 - v * w };
}

function u32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>> 0
  );
}

function putU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

function putU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v & 0xff;
}

/** One LMS public key (RFC 8554 §5.3) with its parameter sets resolved. */
interface LmsKey {
  lms: LmsParams;
  lmots: LmotsParams;
  I: Uint8Array;
  T: Uint8Array;
}

/**
 * An LMS tree and its LM-OTS leaves hash with one function and output length (m = n): RFC 9858's tables pair them
 * that way and SP 800-208 allows no other pairing, so a key mixing them is not one anyone could have made legitimately.
 */
function sameHash(lms: LmsParams, lmots: LmotsParams): boolean {
  return lms.hash === lmots.hash && lms.n === lmots.n;
}

/**
 * Parses `pub` (RFC 8554 §6.1: u32str(L) || u32str(lms type) || u32str(lmots type) || I || T[1]). Throws
 * `CRYPTO_INVALID_KEY` for a wrong length, L outside 1..8 or an LMS/LM-OTS pair with different hashes, and
 * `CRYPTO_UNSUPPORTED_ALG` for an unknown typecode.
 *
 * @example
 * ```ts
 * parseHssPublicKey(pub).levels; // 2 for RFC 8554 Appendix F Test Case 1
 * ```
 */
export function parseHssPublicKey(pub: Uint8Array): HssPublicKey {
  checkBytes("HSS public key", pub);
  if (pub.length < 12)
    throw new RotkitError("CRYPTO_INVALID_KEY", `HSS public key of ${pub.length} bytes is too short`);
  const levels = u32(pub, 0);
  if (levels < 1 || levels > MAX_LEVELS) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `HSS public key has L = ${levels}; RFC 8554 §6.1 allows 1 to 8`);
  }
  const lmsType = u32(pub, 4);
  const lms = lmsParams(lmsType);
  if (!lms) throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", `HSS public key has unknown LMS typecode ${lmsType}`);
  const lmotsType = u32(pub, 8);
  const lmots = lmotsParams(lmotsType);
  if (!lmots)
    throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", `HSS public key has unknown LM-OTS typecode ${lmotsType}`);
  if (!sameHash(lms, lmots)) {
    throw new RotkitError(
      "CRYPTO_INVALID_KEY",
      `HSS public key pairs LMS typecode ${lmsType} with LM-OTS ${lmotsType}`,
    );
  }
  if (pub.length !== 28 + lms.n) {
    throw new RotkitError(
      "CRYPTO_INVALID_KEY",
      `HSS public key is ${pub.length} bytes; typecode ${lmsType} needs ${28 + lms.n}`,
    );
  }
  return { levels, lms, lmots, identifier: pub.slice(12, 28), root: pub.slice(28) };
}

/**
 * The length of the LMS signature at `sig[off..]` for `key` (RFC 8554 §5.4.2 Algorithm 6a steps 2a-2j), or -1 when
 * it is truncated, names other types than the key, or has q ≥ 2^h.
 */
function lmsSignatureLength(sig: Uint8Array, off: number, key: LmsKey): number {
  const { lms, lmots } = key;
  const otsEnd = off + 8 + lmots.n * (lmots.p + 1);
  const end = otsEnd + 4 + lms.h * lms.n;
  if (end > sig.length) return -1;
  if (u32(sig, off + 4) !== lmots.type || u32(sig, otsEnd) !== lms.type) return -1;
  return u32(sig, off) < 2 ** lms.h ? end - off : -1;
}

/** The LMS public key at `sig[off..]` (a signed_pub_key's pub, RFC 8554 §6.2), or undefined when malformed. */
function lmsPublicKeyAt(sig: Uint8Array, off: number): LmsKey | undefined {
  if (off + 8 > sig.length) return undefined;
  const lms = lmsParams(u32(sig, off));
  const lmots = lmotsParams(u32(sig, off + 4));
  if (!lms || !lmots || !sameHash(lms, lmots) || off + 24 + lms.n > sig.length) return undefined;
  return { lms, lmots, I: sig.subarray(off + 8, off + 24), T: sig.subarray(off + 24, off + 24 + lms.n) };
}

/**
 * Keccak-f[1600] over one padded 136-byte block (SHAKE256's rate): the state is zeroed, absorbs `block`, and holds
 * the first output bytes in `lanes` (noble's layout: little-endian 32-bit words, low word of each lane first). The
 * words are packed by hand rather than through a Uint32Array view so the result does not depend on host endianness.
 */
function keccakBlock(lanes: Uint32Array, block: Uint8Array): void {
  for (let k = 0; k < 34; k++) {
    const o = 4 * k;
    lanes[k] =
      (block[o] as number) |
      ((block[o + 1] as number) << 8) |
      ((block[o + 2] as number) << 16) |
      ((block[o + 3] as number) << 24);
  }
  lanes.fill(0, 34);
  keccakP(lanes, 24);
}

/** The n-byte hash of a parameter set: SHA-256 (truncated to 24 bytes for SHA-256/192, RFC 9858) or SHAKE256. */
function hashN(family: "SHA-256" | "SHAKE256", n: number, data: Uint8Array): Uint8Array {
  return family === "SHA-256" ? sha256(data).subarray(0, n) : shake256(data, { dkLen: n });
}

/** RFC 8554 §3.1.3: coef(S, i, w), the i-th w-bit digit of S, most significant first. */
function coef(S: Uint8Array, i: number, w: number): number {
  return ((S[(i * w) >> 3] as number) >> (8 - w - ((i * w) & 7))) & ((1 << w) - 1);
}

/**
 * RFC 8554 §4.6 Algorithm 4b: the LM-OTS public key candidate Kc for the signature at `sig[off..]` (already checked
 * by lmsSignatureLength) of `message` under identifier I.
 */
function lmotsCandidate(
  lmots: LmotsParams,
  I: Uint8Array,
  sig: Uint8Array,
  off: number,
  message: Uint8Array,
): Uint8Array {
  const { hash, n, w, p, ls } = lmots;
  const q = u32(sig, off);
  const cStart = off + 8;
  const yStart = cStart + n;
  // Q = H(I || u32str(q) || u16str(D_MESG) || C || message), then Q || Cksm(Q) (§4.4).
  const prefix = new Uint8Array(22 + n);
  prefix.set(I, 0);
  putU32(prefix, 16, q);
  putU16(prefix, 20, D_MESG);
  prefix.set(sig.subarray(cStart, yStart), 22);
  const digits = new Uint8Array(n + 2);
  // Streamed, so a message of a whole firmware image is never copied.
  const q0 = hash === "SHA-256" ? nobleSha256.create() : shake256.create({ dkLen: n });
  digits.set(q0.update(prefix).update(message).digest().subarray(0, n), 0);
  const max = (1 << w) - 1;
  let sum = 0;
  for (let i = 0; i < (8 * n) / w; i++) sum += max - coef(digits, i, w);
  putU16(digits, n, (sum << ls) & 0xffff);

  // Kc = H(I || u32str(q) || u16str(D_PBLC) || z[0] || ... || z[p-1]); the chain ends go straight into its input.
  const pub = new Uint8Array(22 + p * n);
  pub.set(I, 0);
  putU32(pub, 16, q);
  putU16(pub, 20, D_PBLC);
  // The chain input I || u32str(q) || u16str(i) || u8str(j) || tmp at bytes 0..23+n, then the padding of a single
  // SHA-256 block (FIPS 180-4 §5.1.1) or a single SHAKE256 block of rate 136 (FIPS 202 §5.1, suffix 1111).
  const sha = hash === "SHA-256";
  const block = new Uint8Array(sha ? 64 : 136);
  block.set(I, 0);
  putU32(block, 16, q);
  const tmpEnd = 23 + n;
  if (sha) {
    block[tmpEnd] = 0x80;
    putU16(block, 62, tmpEnd * 8);
  } else {
    block[tmpEnd] = 0x1f;
    block[135] = 0x80;
  }
  const state = new Int32Array(8);
  const lanes = new Uint32Array(50);
  const words = n / 4;
  for (let i = 0; i < p; i++) {
    // Algorithm 4b step 3: chain i resumes at its digit a = coef(Q || Cksm(Q), i, w) (§3.1.3) and runs to 2^w - 1.
    const a = coef(digits, i, w);
    putU16(block, 20, i);
    block.set(sig.subarray(yStart + i * n, yStart + (i + 1) * n), 23);
    for (let j = a; j < max; j++) {
      block[22] = j;
      if (sha) {
        for (let k = 0; k < 8; k++) state[k] = SHA256_IV[k] as number;
        sha256Blocks(state, block, 0, 64);
        for (let k = 0; k < words; k++) putU32(block, 23 + 4 * k, state[k] as number);
      } else {
        keccakBlock(lanes, block);
        for (let k = 0; k < words; k++) {
          const v = lanes[k] as number;
          const o = 23 + 4 * k;
          block[o] = v & 0xff;
          block[o + 1] = (v >>> 8) & 0xff;
          block[o + 2] = (v >>> 16) & 0xff;
          block[o + 3] = v >>> 24;
        }
      }
    }
    pub.set(block.subarray(23, tmpEnd), 22 + i * n);
  }
  return hashN(hash, n, pub);
}

/** RFC 8554 §5.4.2 Algorithm 6a: does the LMS signature at `sig[off..]` (structure already checked) verify? */
function lmsVerify(key: LmsKey, message: Uint8Array, sig: Uint8Array, off: number): boolean {
  const { lms, lmots, I, T } = key;
  const m = lms.n;
  const kc = lmotsCandidate(lmots, I, sig, off, message);
  const pathStart = off + 12 + lmots.n * (lmots.p + 1);
  let node = 2 ** lms.h + u32(sig, off);
  // H(I || u32str(node) || u16str(D_LEAF or D_INTR) || ...): the leaf input is the first 22 + m bytes of this buffer.
  const buf = new Uint8Array(22 + 2 * m);
  buf.set(I, 0);
  putU32(buf, 16, node);
  putU16(buf, 20, D_LEAF);
  buf.set(kc, 22);
  let tmp = hashN(lms.hash, m, buf.subarray(0, 22 + m));
  putU16(buf, 20, D_INTR);
  for (let i = 0; node > 1; i++, node = node >>> 1) {
    const path = sig.subarray(pathStart + i * m, pathStart + (i + 1) * m);
    putU32(buf, 16, node >>> 1);
    // An odd node is a right child: the sibling from the path goes first.
    buf.set(node & 1 ? path : tmp, 22);
    buf.set(node & 1 ? tmp : path, 22 + m);
    tmp = hashN(lms.hash, m, buf);
  }
  let diff = 0;
  for (let k = 0; k < m; k++) diff |= (tmp[k] as number) ^ (T[k] as number);
  return diff === 0;
}

/**
 * Verifies an HSS signature (RFC 8554 §6.3 Algorithm 8, over §5.4.2 LMS and §4.6 LM-OTS). A malformed or
 * non-verifying signature gives false, never an exception; a malformed public key throws as
 * {@link parseHssPublicKey} does.
 *
 * @example
 * ```ts
 * if (!hssVerify(publicKey, firmware, signature)) throw new Error("bad signature");
 * ```
 */
export function hssVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const top = parseHssPublicKey(publicKey);
  checkBytes("message", message);
  if (!(signature instanceof Uint8Array)) return false;
  const sig = signature;
  // §6.3: Nspk must be L - 1.
  if (sig.length < 4 || u32(sig, 0) !== top.levels - 1) return false;
  // Walk the whole structure (lengths fixed by the types) before hashing anything.
  const keys: LmsKey[] = [{ lms: top.lms, lmots: top.lmots, I: top.identifier, T: top.root }];
  const sigAt: number[] = [];
  const pubAt: number[] = [];
  let off = 4;
  for (let level = 0; level < top.levels; level++) {
    const key = keys[level] as LmsKey;
    const length = lmsSignatureLength(sig, off, key);
    if (length < 0) return false;
    sigAt.push(off);
    off += length;
    if (level + 1 < top.levels) {
      const next = lmsPublicKeyAt(sig, off);
      if (!next) return false;
      keys.push(next);
      pubAt.push(off);
      off += 24 + next.lms.n;
    }
  }
  if (off !== sig.length) return false;
  // Each level signs the next level's public key, the last one signs the message.
  for (let level = 0; level < top.levels; level++) {
    const key = keys[level] as LmsKey;
    const start = pubAt[level];
    const signed = start === undefined ? message : sig.subarray(start, start + 24 + (keys[level + 1] as LmsKey).lms.n);
    if (!lmsVerify(key, signed, sig, sigAt[level] as number)) return false;
  }
  return true;
}
