import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bigIntToBytes, bytesToBigInt, mgf1, modPow, RotkitError } from "@rotkit/core";
import { modulusLength, RSA_MIN_MODULUS_BYTES } from "./rsa-modulus.js";

// RSAES-OAEP (RFC 8017 §7.1) for the COSE key transport algorithms of RFC 8230 §3 (-40 SHA-1, -41 SHA-256,
// -42 SHA-512). The CryptoProvider contract has no RSA private-key operation, so this is BigInt arithmetic
// on a caller-held private key. BigInt exponentiation is not constant time; the private operation is therefore
// blinded with a random r (c' = c·r^e), and its result is checked against the public exponent before use.
// Devices should prefer ECDH recipients; this exists to interoperate with RSA-holding servers and tests.

/** An RSA private key as raw big-endian integers (JWK field names). CRT parameters are optional. */
export interface RsaPrivateKey {
  readonly kty: "RSA";
  readonly n: Uint8Array;
  readonly e: Uint8Array;
  readonly d: Uint8Array;
  readonly p?: Uint8Array;
  readonly q?: Uint8Array;
  readonly dp?: Uint8Array;
  readonly dq?: Uint8Array;
  readonly qi?: Uint8Array;
}

/** The OAEP hash (also the MGF1 hash: RFC 8230 §3 uses the same one for both). */
export type OaepHash = "SHA-1" | "SHA-256" | "SHA-512";

/** True for an object shaped like {@link RsaPrivateKey}. */
export function isRsaPrivateKey(v: unknown): v is RsaPrivateKey {
  if (typeof v !== "object" || v === null) return false;
  const k = v as Record<string, unknown>;
  return k.kty === "RSA" && k.n instanceof Uint8Array && k.e instanceof Uint8Array && k.d instanceof Uint8Array;
}

function hashOf(h: OaepHash): (data: Uint8Array) => Uint8Array {
  if (h === "SHA-1") return (d) => sha1(d);
  if (h === "SHA-256") return (d) => sha256(d);
  return (d) => sha512(d);
}

function hashLen(h: OaepHash): number {
  return h === "SHA-1" ? 20 : h === "SHA-256" ? 32 : 64;
}

function modInverse(a: bigint, m: bigint): bigint | undefined {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) return undefined;
  return ((s0 % m) + m) % m;
}

/** The modulus length k (RFC 8230 §6.1 floor enforced) and the OAEP hash of one operation. */
function oaepSetup(
  n: Uint8Array,
  hashName: OaepHash,
): { k: number; hash: (d: Uint8Array) => Uint8Array; hLen: number } {
  const k = modulusLength(n);
  if (k < RSA_MIN_MODULUS_BYTES) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `RSA-OAEP: modulus of ${k * 8} bits is too short`);
  }
  return { k, hash: hashOf(hashName), hLen: hashLen(hashName) };
}

/**
 * RSAES-OAEP encryption with an empty label (RFC 8017 §7.1.1). `random(n)` supplies the seed (inject a fixed
 * one only to reproduce published examples).
 *
 * @example
 * ```ts
 * const wrapped = rsaOaepEncrypt({ n, e }, "SHA-256", cek, (k) => provider.randomBytes(k));
 * ```
 */
export function rsaOaepEncrypt(
  key: { readonly n: Uint8Array; readonly e: Uint8Array },
  hashName: OaepHash,
  message: Uint8Array,
  random: (length: number) => Uint8Array,
): Uint8Array {
  const { k, hash, hLen } = oaepSetup(key.n, hashName);
  if (message.length > k - 2 * hLen - 2) throw new RotkitError("CRYPTO_INVALID_LENGTH", "RSA-OAEP: message too long");
  const db = new Uint8Array(k - hLen - 1);
  db.set(hash(new Uint8Array(0)), 0);
  db[db.length - message.length - 1] = 1;
  db.set(message, db.length - message.length);
  const seed = random(hLen);
  if (seed.length !== hLen) throw new RotkitError("CRYPTO_INVALID_LENGTH", "RSA-OAEP: seed of the wrong length");
  const dbMask = mgf1(hash, seed, db.length);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (dbMask[i] as number);
  const seedMask = mgf1(hash, db, hLen);
  const em = new Uint8Array(k);
  for (let i = 0; i < hLen; i++) em[1 + i] = (seed[i] as number) ^ (seedMask[i] as number);
  em.set(db, 1 + hLen);
  const n = bytesToBigInt(key.n);
  return bigIntToBytes(modPow(bytesToBigInt(em), bytesToBigInt(key.e), n), k);
}

/**
 * RSAES-OAEP decryption with an empty label (RFC 8017 §7.1.2). Every failure (length, range, padding, label
 * hash) is the same `CRYPTO_DECRYPT_FAILED` after the same work, so the error is no padding oracle
 * (RFC 8017 §7.1.2 note).
 *
 * @example
 * ```ts
 * const cek = rsaOaepDecrypt(privateKey, "SHA-256", wrapped, (k) => provider.randomBytes(k));
 * ```
 */
export function rsaOaepDecrypt(
  key: RsaPrivateKey,
  hashName: OaepHash,
  ciphertext: Uint8Array,
  random: (length: number) => Uint8Array,
): Uint8Array {
  const { k, hash, hLen } = oaepSetup(key.n, hashName);
  const fail = (why: string) => new RotkitError("CRYPTO_DECRYPT_FAILED", `RSA-OAEP: decryption error (${why})`);
  if (ciphertext.length !== k || k < 2 * hLen + 2) throw fail("length");
  const n = bytesToBigInt(key.n);
  const e = bytesToBigInt(key.e);
  const c = bytesToBigInt(ciphertext);
  if (c >= n) throw fail("range");
  // Blinding: m = (c·r^e)^d · r^-1 mod n.
  let r = 0n;
  let rInv: bigint | undefined;
  for (let tries = 0; tries < 8 && rInv === undefined; tries++) {
    r = bytesToBigInt(random(k)) % n;
    if (r > 1n) rInv = modInverse(r, n);
  }
  if (rInv === undefined) throw new RotkitError("CRYPTO_NO_RANDOM", "RSA-OAEP: could not draw a blinding factor");
  const blinded = (c * modPow(r, e, n)) % n;
  let mb: bigint;
  if (key.p && key.q && key.dp && key.dq && key.qi) {
    // CRT (RFC 8017 §5.1.2 case b).
    const p = bytesToBigInt(key.p);
    const q = bytesToBigInt(key.q);
    const m1 = modPow(blinded, bytesToBigInt(key.dp), p);
    const m2 = modPow(blinded, bytesToBigInt(key.dq), q);
    const h = (((m1 - m2) % p) + p) % p;
    mb = m2 + ((bytesToBigInt(key.qi) * h) % p) * q;
  } else {
    mb = modPow(blinded, bytesToBigInt(key.d), n);
  }
  // Fault check: a wrong CRT parameter must not leak a factor of n through the result.
  if (modPow(mb, e, n) !== blinded) throw fail("private key inconsistent");
  const m = (mb * rInv) % n;
  const em = bigIntToBytes(m, k);
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seedMask = mgf1(hash, maskedDb, hLen);
  const seed = new Uint8Array(hLen);
  for (let i = 0; i < hLen; i++) seed[i] = (maskedSeed[i] as number) ^ (seedMask[i] as number);
  const dbMask = mgf1(hash, seed, maskedDb.length);
  const db = new Uint8Array(maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = (maskedDb[i] as number) ^ (dbMask[i] as number);
  const lHash = hash(new Uint8Array(0));
  // Constant-flow checks: Y = 0, lHash' = lHash, PS = 0x00.., then 0x01.
  let bad = em[0] as number;
  for (let i = 0; i < hLen; i++) bad |= (db[i] as number) ^ (lHash[i] as number);
  let found = 0;
  let index = 0;
  for (let i = hLen; i < db.length; i++) {
    const b = db[i] as number;
    const isOne = b === 1 ? 1 : 0;
    const isZero = b === 0 ? 1 : 0;
    const first = isOne & (found ^ 1);
    index = first ? i : index;
    found |= isOne;
    bad |= (found ^ 1) & (isZero ^ 1) & (isOne ^ 1);
  }
  bad |= found ^ 1;
  if (bad !== 0) throw fail("padding");
  return db.slice(index + 1);
}
