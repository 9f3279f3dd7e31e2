import { ed448 } from "@noble/curves/ed448.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { hkdf as nobleHkdf } from "@noble/hashes/hkdf.js";
import { hmac as nobleHmac } from "@noble/hashes/hmac.js";
import { RotkitError } from "../errors.js";
import {
  aesCbcMac,
  aesCcmDecrypt,
  aesCcmEncrypt,
  aesGcmDecrypt,
  aesGcmEncrypt,
  aesKeyUnwrap,
  aesKeyWrap,
} from "./aes.js";
import {
  checkBytes,
  checkEcdsaKey,
  checkEddsaKey,
  checkLength,
  ecCoordinateLength,
  hashLength,
  signatureScheme,
} from "./algs.js";
import { ecUncompressed, nobleCurve } from "./ec.js";
import { ecdsaDerToRaw } from "./ecdsa-der.js";
import { nobleHash, portableDigest } from "./hash.js";
import { hssLmsKeyBytes } from "./hss-lms-key.js";
import { hssVerify } from "./lms.js";
import { checkMlDsaKey, nobleMlDsaVerify } from "./ml-dsa.js";
import { randomBytes } from "./random.js";
import { type RsaKey, rsaPkcs1Verify, rsaPssVerify, rsaPublicKey } from "./rsa.js";
import type {
  AeadAlg,
  AeadParams,
  CryptoProvider,
  HashAlg,
  PublicKey,
  SignatureAlg,
  SignatureFormat,
  VerifyOptions,
} from "./types.js";

// The portable provider: pure JavaScript over @noble/*, runs on any ES2020 host with BigInt (QuickJS, XS, browsers,
// Node). RSA verification is rotkit's own BigInt code (rsa.ts): noble has no RSA. ML-DSA is @noble/post-quantum.

/**
 * Validated forms of public keys, per key object. PublicKey objects are treated as immutable once used: mutating
 * the bytes of a key after a verify would not be noticed.
 */
interface KeyCache {
  ec: WeakMap<object, Uint8Array>;
  ed: WeakMap<object, true>;
  rsa: WeakMap<object, RsaKey>;
}

function ecKeyBytes(cache: KeyCache, key: Extract<PublicKey, { kty: "EC" }>): Uint8Array {
  let raw = cache.ec.get(key);
  if (raw === undefined) {
    raw = ecUncompressed(key); // throws CRYPTO_INVALID_KEY when off the curve
    cache.ec.set(key, raw);
  }
  return raw;
}

function checkEdPoint(cache: KeyCache, key: { crv: "Ed25519" | "Ed448"; x: Uint8Array }): void {
  if (cache.ed.has(key)) return;
  try {
    // RFC 8032 §5.1.3 / §5.2.3 decoding, strict (no ZIP-215 non-canonical y).
    if (key.crv === "Ed25519") ed25519.Point.fromBytes(key.x, false);
    else ed448.Point.fromBytes(key.x, false);
  } catch (e) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `${key.crv} public key does not decode to a curve point`, { cause: e });
  }
  cache.ed.set(key, true);
}

function rsaKeyOf(cache: KeyCache, key: PublicKey): RsaKey {
  let k = cache.rsa.get(key);
  if (k === undefined) {
    k = rsaPublicKey(key);
    cache.rsa.set(key, k);
  }
  return k;
}

function signatureFormat(options: VerifyOptions | undefined): SignatureFormat {
  const f = options?.format ?? "raw";
  if (f !== "raw" && f !== "der") throw new RotkitError("INVALID_ARGUMENT", `unknown signature format ${String(f)}`);
  return f;
}

/**
 * ECDSA verify over noble with the semantics COSE and X.509 need: the digest is computed here with the hash the
 * algorithm names (so ES256 on a P-384 key hashes with SHA-256) and handed to noble with `prehash: false`;
 * `lowS: false` because COSE signers and secure elements do not normalise s. Malformed signatures give false.
 */
function verifyEcdsa(
  cache: KeyCache,
  alg: SignatureAlg,
  key: PublicKey,
  data: Uint8Array,
  signature: Uint8Array,
  options: VerifyOptions | undefined,
): boolean {
  const scheme = signatureScheme(alg) as { kind: "ecdsa"; hash: HashAlg; curve: undefined };
  const k = checkEcdsaKey(scheme, key);
  const pub = ecKeyBytes(cache, k);
  const size = ecCoordinateLength(k.crv);
  let raw = signature;
  if (signatureFormat(options) === "der") {
    try {
      raw = ecdsaDerToRaw(signature, size);
    } catch {
      return false; // not strict DER: an invalid signature, not an error
    }
  } else if (signature.length !== 2 * size) return false;
  const digest = portableDigest(scheme.hash)(data);
  try {
    // noble checks 1 <= r, s < n (SEC 1 §4.1.4 step 1) and returns false for a failed equation.
    return nobleCurve(k.crv).verify(raw, digest, pub, { prehash: false, lowS: false, format: "compact" });
  } catch {
    return false;
  }
}

function verifyEddsa(cache: KeyCache, alg: SignatureAlg, key: PublicKey, data: Uint8Array, sig: Uint8Array): boolean {
  const scheme = signatureScheme(alg) as { kind: "eddsa"; curve: "Ed25519" | "Ed448" | undefined };
  const k = checkEddsaKey(scheme, key);
  checkEdPoint(cache, k);
  if (sig.length !== 2 * k.x.length) return false; // RFC 8032: 64 / 114 bytes
  try {
    // zip215: false = RFC 8032 / FIPS 186-5 strict decoding of R and A, and S < L.
    return k.crv === "Ed25519"
      ? ed25519.verify(sig, data, k.x, { zip215: false })
      : ed448.verify(sig, data, k.x, { zip215: false });
  } catch {
    return false;
  }
}

function checkHkdfLength(alg: HashAlg, length: number): number {
  // RFC 5869 §2.3: L <= 255 * HashLen. Zero-length output is refused: it is always a caller bug.
  return checkLength("HKDF output length", length, 1, 255 * hashLength(alg));
}

function aeadTagLength(alg: AeadAlg, params: AeadParams): number | undefined {
  if (alg !== "AES-GCM" && alg !== "AES-CCM")
    throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", `unsupported AEAD ${alg}`);
  if (alg === "AES-CCM" && params.tagLength === undefined) {
    throw new RotkitError("CRYPTO_INVALID_LENGTH", "AES-CCM needs an explicit tagLength");
  }
  return params.tagLength;
}

/** HMAC (RFC 2104) with a noble hash. */
function nobleHmacSync(alg: HashAlg, key: Uint8Array, data: Uint8Array): Uint8Array {
  checkBytes("HMAC key", key);
  checkBytes("HMAC data", data);
  return nobleHmac(nobleHash(alg), key, data);
}

function digestNow(alg: HashAlg, data: Uint8Array): Uint8Array {
  checkBytes("digest data", data);
  return portableDigest(alg)(data);
}

/**
 * The portable CryptoProvider: @noble/curves, @noble/hashes, @noble/ciphers and @noble/post-quantum plus rotkit's
 * BigInt RSA verifier. Works on any host with ES2020 and BigInt; `randomBytes` needs `crypto.getRandomValues` (else
 * `CRYPTO_NO_RANDOM`). ECDSA verification accepts high-S signatures (COSE does not normalise s); EdDSA verification
 * is RFC 8032 strict. RSA keys must be 1024..16384 bits. ML-DSA is pure FIPS 204 with an empty context.
 *
 * @example
 * ```ts
 * const crypto = nobleProvider();
 * const ok = await crypto.verify("ES256", publicKey, toBeSigned, signature);
 * ```
 */
export function nobleProvider(): CryptoProvider {
  const cache: KeyCache = { ec: new WeakMap(), ed: new WeakMap(), rsa: new WeakMap() };
  return {
    name: "noble",
    async digest(alg, data) {
      return digestNow(alg, data);
    },
    digestSync: digestNow,
    async verify(alg, key, data, signature, options) {
      checkBytes("signed data", data);
      checkBytes("signature", signature);
      const scheme = signatureScheme(alg);
      switch (scheme.kind) {
        case "ecdsa":
          return verifyEcdsa(cache, alg, key, data, signature, options);
        case "eddsa":
          return verifyEddsa(cache, alg, key, data, signature);
        case "rsa-pss": {
          const k = rsaKeyOf(cache, key);
          const salt = options?.pssSaltLength ?? hashLength(scheme.hash);
          checkLength("PSS salt length", salt, 0, k.k);
          return rsaPssVerify(k, scheme.hash, data, signature, salt);
        }
        case "rsa-pkcs1":
          return rsaPkcs1Verify(rsaKeyOf(cache, key), scheme.hash, data, signature);
        case "ml-dsa":
          return nobleMlDsaVerify(scheme.alg, checkMlDsaKey(scheme.alg, key).pub, data, signature);
        case "hss-lms":
          return hssVerify(hssLmsKeyBytes(key), data, signature); // hssVerify parses the key once
      }
    },
    async hmac(alg, key, data) {
      return nobleHmacSync(alg, key, data);
    },
    async hkdf(alg, ikm, salt, info, length) {
      checkBytes("HKDF ikm", ikm);
      checkBytes("HKDF salt", salt);
      checkBytes("HKDF info", info);
      const l = checkHkdfLength(alg, length);
      // RFC 5869 §2.2: an empty salt is HashLen zero bytes; HMAC pads either to the same block, noble does both.
      return nobleHkdf(nobleHash(alg), ikm, salt, info, l);
    },
    async aeadEncrypt(alg, params, plaintext) {
      const t = aeadTagLength(alg, params);
      return alg === "AES-GCM"
        ? aesGcmEncrypt(params.key, params.iv, params.aad, plaintext, t)
        : aesCcmEncrypt(params.key, params.iv, params.aad, plaintext, t as number);
    },
    async aeadDecrypt(alg, params, ciphertextAndTag) {
      const t = aeadTagLength(alg, params);
      return alg === "AES-GCM"
        ? aesGcmDecrypt(params.key, params.iv, params.aad, ciphertextAndTag, t)
        : aesCcmDecrypt(params.key, params.iv, params.aad, ciphertextAndTag, t as number);
    },
    async aesCbcMac(key, data, tagLength) {
      return aesCbcMac(key, data, tagLength);
    },
    async aesKeyWrap(kek, key) {
      return aesKeyWrap(kek, key);
    },
    async aesKeyUnwrap(kek, wrapped) {
      return aesKeyUnwrap(kek, wrapped);
    },
    randomBytes,
  };
}
