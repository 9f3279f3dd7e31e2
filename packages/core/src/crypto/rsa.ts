import { constantTimeEqual } from "../bytes.js";
import { RotkitError } from "../errors.js";
import { hashLength } from "./algs.js";
import { bigIntToBytes, bytesToBigInt, modPow } from "./bigint.js";
import { nobleHash, portableDigest } from "./hash.js";
import { mgf1 } from "./mgf1.js";
import type { HashAlg, PublicKey } from "./types.js";

// RSA public-key operations (RFC 8017) in plain BigInt, for hosts without WebCrypto. Only verification: it involves
// no secret, so the variable-time BigInt arithmetic leaks nothing. Signing needs WebCrypto (see keys.ts).

/** Smallest modulus accepted. 1024-bit keys still exist in old device fleets; new keys should be >= 2048 bits. */
export const RSA_MIN_BITS = 1024;
/** Largest modulus accepted: bounds the modexp cost an attacker-chosen key can cause. */
export const RSA_MAX_BITS = 16384;

/** A validated RSA public key in BigInt form. */
export interface RsaKey {
  n: bigint;
  e: bigint;
  /** Bit length of n. */
  bits: number;
  /** Byte length of n (k in RFC 8017). */
  k: number;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Validates an RSA public key and converts it: n odd with RSA_MIN_BITS..RSA_MAX_BITS bits, e odd, 3 <= e < 2^256
 * (FIPS 186-5 §5.4 bounds e from above; the floor of 3 rules out the identity map e = 1) and e < n.
 * Throws `CRYPTO_INVALID_KEY`.
 *
 * @example
 * ```ts
 * const k = rsaPublicKey({ kty: "RSA", n, e }); // k.bits === 2048
 * ```
 */
export function rsaPublicKey(key: PublicKey): RsaKey {
  if (key === null || typeof key !== "object" || key.kty !== "RSA") {
    throw new RotkitError("CRYPTO_INVALID_KEY", "RSA algorithms need an RSA public key");
  }
  if (!(key.n instanceof Uint8Array) || !(key.e instanceof Uint8Array)) {
    throw new RotkitError("CRYPTO_INVALID_KEY", "RSA n and e must be bytes");
  }
  if (key.n.length > RSA_MAX_BITS / 8 + 1 || key.e.length > 33) {
    throw new RotkitError("CRYPTO_INVALID_KEY", "RSA key too large");
  }
  const n = bytesToBigInt(key.n);
  const e = bytesToBigInt(key.e);
  const bits = bitLength(n);
  if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
    throw new RotkitError(
      "CRYPTO_INVALID_KEY",
      `RSA modulus of ${bits} bits is outside ${RSA_MIN_BITS}..${RSA_MAX_BITS}`,
    );
  }
  if ((n & 1n) === 0n) throw new RotkitError("CRYPTO_INVALID_KEY", "RSA modulus is even");
  if (e < 3n || (e & 1n) === 0n || bitLength(e) > 256 || e >= n) {
    throw new RotkitError("CRYPTO_INVALID_KEY", "RSA public exponent must be odd, >= 3, < 2^256 and < n");
  }
  return { n, e, bits, k: Math.ceil(bits / 8) };
}

/**
 * RSAVP1 (RFC 8017 §5.2.2) plus the length check of §8.2.2 step 1 / §8.1.2 step 1: returns m = s^e mod n, or
 * undefined when the signature is not exactly k bytes or s >= n (an invalid signature, never an exception).
 */
function rsavp1(key: RsaKey, sig: Uint8Array): bigint | undefined {
  if (sig.length !== key.k) return undefined;
  const s = bytesToBigInt(sig);
  if (s >= key.n) return undefined; // §5.2.2 step 1: "signature representative out of range"
  return modPow(s, key.e, key.n);
}

// DER of DigestInfo up to the digest octets (RFC 8017 §9.2 note 1): SEQUENCE { AlgorithmIdentifier { OID, NULL },
// OCTET STRING (hLen) }. Built from the OID arcs rather than pasted, so each part is visible.
function digestInfoPrefix(alg: HashAlg): Uint8Array {
  const h = hashLength(alg);
  const arc = alg === "SHA-256" ? 1 : alg === "SHA-384" ? 2 : 3; // 2.16.840.1.101.3.4.2.{1,2,3}
  const oid = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, arc];
  const algId = [0x30, oid.length + 2, ...oid, 0x05, 0x00];
  return Uint8Array.from([0x30, algId.length + 2 + h, ...algId, 0x04, h]);
}

/**
 * RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2): recompute EMSA-PKCS1-v1_5(M) (§9.2) and compare it with
 * the recovered encoding. Building the expected encoding, instead of parsing the recovered one, is what defeats
 * the Bleichenbacher-2006 family of lenient-parser forgeries. Returns false for any invalid signature.
 *
 * @example
 * ```ts
 * rsaPkcs1Verify(rsaPublicKey(pub), "SHA-256", data, sig); // true | false
 * ```
 */
export function rsaPkcs1Verify(key: RsaKey, hash: HashAlg, data: Uint8Array, sig: Uint8Array): boolean {
  return emsaPkcs1Matches(key, digestInfoPrefix(hash), portableDigest(hash)(data), sig);
}

/**
 * The comparison step of RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2 with §9.2) for a DigestInfo prefix and
 * the digest already computed: shared by the SHA-2 verifier above and the legacy SHA-1 one (sha1.ts).
 */
export function emsaPkcs1Matches(key: RsaKey, prefix: Uint8Array, digest: Uint8Array, sig: Uint8Array): boolean {
  const m = rsavp1(key, sig);
  if (m === undefined) return false;
  const em = bigIntToBytes(m, key.k); // m < n < 256^k
  const tLen = prefix.length + digest.length;
  if (key.k < tLen + 11) return false; // §9.2 step 3: "intended encoded message length too short"
  // §9.2 step 5: EM = 0x00 || 0x01 || PS (0xff, at least 8) || 0x00 || T
  const expected = new Uint8Array(key.k);
  expected[1] = 0x01;
  expected.fill(0xff, 2, key.k - tLen - 1);
  expected.set(prefix, key.k - tLen);
  expected.set(digest, key.k - digest.length);
  return constantTimeEqual(em, expected);
}

/**
 * RSASSA-PSS verification (RFC 8017 §8.1.2 and EMSA-PSS-VERIFY §9.1.2) with MGF1 of the same hash and a fixed salt
 * length (default: the hash length, as RFC 8230 §2 fixes it for COSE). Returns false for any invalid signature.
 *
 * @example
 * ```ts
 * rsaPssVerify(rsaPublicKey(pub), "SHA-256", data, sig); // salt length 32
 * ```
 */
export function rsaPssVerify(
  key: RsaKey,
  hash: HashAlg,
  data: Uint8Array,
  sig: Uint8Array,
  saltLength: number = hashLength(hash),
): boolean {
  const hLen = hashLength(hash);
  if (!Number.isInteger(saltLength) || saltLength < 0) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", `PSS salt length must be a non-negative integer`);
  }
  const m = rsavp1(key, sig);
  if (m === undefined) return false;
  // §8.1.2 step 2c: EM = I2OSP(m, emLen) with emBits = modBits - 1; fails when m does not fit.
  const emBits = key.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (bitLength(m) > emLen * 8) return false;
  const em = bigIntToBytes(m, emLen);
  const h = nobleHash(hash);
  const mHash = h(data); // §9.1.2 step 2
  if (emLen < hLen + saltLength + 2) return false; // step 3
  if (em[emLen - 1] !== 0xbc) return false; // step 4
  const dbLen = emLen - hLen - 1;
  const maskedDB = em.subarray(0, dbLen); // step 5
  const hPrime = em.subarray(dbLen, dbLen + hLen);
  const zeroBits = 8 * emLen - emBits; // 0..7
  const topMask = (0xff << (8 - zeroBits)) & 0xff; // the leftmost zeroBits bits of an octet
  if (((maskedDB[0] as number) & topMask) !== 0) return false; // step 6
  const db = mgf1(h, hPrime, dbLen); // step 7
  for (let i = 0; i < dbLen; i++) db[i] = (db[i] as number) ^ (maskedDB[i] as number); // step 8
  db[0] = (db[0] as number) & ~topMask & 0xff; // step 9
  // Step 10: the emLen - hLen - sLen - 2 leftmost octets are zero, the next one is 0x01.
  const psLen = emLen - hLen - saltLength - 2;
  let diff = 0;
  for (let i = 0; i < psLen; i++) diff |= db[i] as number;
  diff |= (db[psLen] as number) ^ 0x01;
  if (diff !== 0) return false;
  const salt = db.subarray(dbLen - saltLength); // step 11
  // Step 12: M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt; step 13: H' = Hash(M').
  const mPrime = new Uint8Array(8 + hLen + saltLength);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + hLen);
  return constantTimeEqual(h(mPrime), hPrime); // step 14
}
