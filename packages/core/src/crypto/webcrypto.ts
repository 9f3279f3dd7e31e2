import { toBase64Url, toHex } from "../bytes.js";
import { RotkitError } from "../errors.js";
import { checkGcmTagLength, GCM_MAX_IV_LENGTH } from "./aes.js";
import {
  checkAesKey,
  checkBytes,
  checkEcdsaKey,
  checkEddsaKey,
  checkLength,
  ecCoordinateLength,
  hashLength,
  signatureScheme,
} from "./algs.js";
import { ecUncompressed } from "./ec.js";
import { ecdsaDerToRaw } from "./ecdsa-der.js";
import { portableDigest } from "./hash.js";
import { checkMlDsaKey, ML_DSA_LENGTHS } from "./ml-dsa.js";
import { nobleProvider } from "./noble.js";
import { rsaPublicKey } from "./rsa.js";
import type { AeadParams, CryptoProvider, HashAlg, MlDsaAlg, PublicKey, SignatureAlg, VerifyOptions } from "./types.js";
import type { SubtleCryptoLike, WebAlgorithm, WebCryptoKey } from "./webcrypto-types.js";

// The server provider: the host's WebCrypto (`crypto.subtle`) for native speed. Importing a key costs more than a
// verification, so imported verification keys are cached: per PublicKey object (WeakMap, no hashing on the hot
// path) and, for callers that rebuild key objects per message, in a small LRU keyed by the key bytes. Secret keys
// (HMAC, AES) are never cached. What WebCrypto lacks (AES-CCM, CBC-MAC, key wrap of raw bytes, some curves on some
// hosts, ML-DSA before Node 24.7 and in most browsers) goes to the portable provider.

/** Options of {@link webCryptoProvider}. */
export interface WebCryptoProviderOptions {
  /** Entries in the LRU of imported public keys keyed by key bytes (default 256; 0 disables it). */
  keyCacheSize?: number;
}

type KeyUse = "ecdsa" | "eddsa" | "ml-dsa" | `pkcs1:${HashAlg}` | `pss:${HashAlg}`;

/** Inputs up to this size are hashed with the portable SHA-2 (measured CPU crossover on Node 20: ~1 KiB). */
const SMALL_DIGEST_BYTES = 1024;

// Algorithm parameter dictionaries are built once: the verify path allocates nothing of its own.
const ECDSA_PARAMS: { readonly [H in HashAlg]: WebAlgorithm } = {
  "SHA-256": { name: "ECDSA", hash: "SHA-256" },
  "SHA-384": { name: "ECDSA", hash: "SHA-384" },
  "SHA-512": { name: "ECDSA", hash: "SHA-512" },
};
const PKCS1_PARAMS: WebAlgorithm = { name: "RSASSA-PKCS1-v1_5" };
// WICG "Modern Algorithms in WebCrypto" §ML-DSA: no context member means the empty context (pure ML-DSA, FIPS 204).
const ML_DSA_PARAMS: { readonly [A in MlDsaAlg]: WebAlgorithm } = {
  "ML-DSA-44": { name: "ML-DSA-44" },
  "ML-DSA-65": { name: "ML-DSA-65" },
  "ML-DSA-87": { name: "ML-DSA-87" },
};
const PSS_DEFAULT: { readonly [H in HashAlg]: WebAlgorithm } = {
  "SHA-256": { name: "RSA-PSS", saltLength: 32 },
  "SHA-384": { name: "RSA-PSS", saltLength: 48 },
  "SHA-512": { name: "RSA-PSS", saltLength: 64 },
};

function errorName(e: unknown): string {
  return e !== null && typeof e === "object" && "name" in e ? String((e as { name: unknown }).name) : "";
}

/** Resolves the host's SubtleCrypto, or throws UNSUPPORTED. */
function hostSubtle(): SubtleCryptoLike {
  const c = (globalThis as { crypto?: { subtle?: SubtleCryptoLike } }).crypto;
  if (c?.subtle === undefined || c.subtle === null) {
    throw new RotkitError("UNSUPPORTED", "no WebCrypto (crypto.subtle) on this host: use nobleProvider()");
  }
  return c.subtle;
}

/** A small LRU on Map insertion order. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    if (this.max <= 0) return;
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
}

function keyFingerprint(use: KeyUse, key: PublicKey): string {
  switch (key.kty) {
    case "EC":
      return `${use}|EC|${key.crv}|${toHex(key.x)}|${toHex(key.y)}`;
    case "OKP":
      return `${use}|OKP|${key.crv}|${toHex(key.x)}`;
    case "RSA":
      return `${use}|RSA|${toHex(key.n)}|${toHex(key.e)}`;
    case "AKP":
      return `${use}|AKP|${key.alg}|${toHex(key.pub)}`;
    case "HSS-LMS":
      return `${use}|HSS-LMS|${toHex(key.pub)}`;
  }
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Marks a key/curve the host WebCrypto does not implement: the operation goes to the portable provider. */
const UNSUPPORTED: unique symbol = Symbol("rotkit.webcrypto.unsupported");
type Unsupported = typeof UNSUPPORTED;

/**
 * A CryptoProvider over WebCrypto (`crypto.subtle`, or the `subtle` passed in): native speed on servers (Node >= 20,
 * Deno, Bun, browsers, workers). Verification keys are imported once and cached (per PublicKey object, plus an LRU
 * by key bytes). Behaviour matches {@link nobleProvider}: same input checks, same error codes, raw or strict-DER
 * ECDSA, high-S accepted. AES-CCM, AES-CBC-MAC, AES key wrap and anything the host lacks (e.g. Ed448 on some
 * hosts) are computed by the portable code. ML-DSA uses the host's native "ML-DSA-44/65/87" where it exists (Node
 * >= 24.7; detected on first use and remembered per parameter set), else @noble/post-quantum. Throws `UNSUPPORTED`
 * when the host has no WebCrypto.
 *
 * @example
 * ```ts
 * const crypto = webCryptoProvider();
 * const ok = await crypto.verify("ES256", publicKey, toBeSigned, signature);
 * ```
 */
export function webCryptoProvider(subtle?: SubtleCryptoLike, options: WebCryptoProviderOptions = {}): CryptoProvider {
  const s = subtle ?? hostSubtle();
  const portable = nobleProvider();
  const lru = new Lru<WebCryptoKey | Unsupported>(options.keyCacheSize ?? 256);
  const byObject = new Map<KeyUse, WeakMap<object, WebCryptoKey | Unsupported>>();
  // Whether the host implements each ML-DSA parameter set: unknown until the first import tries it.
  const mlDsaNative = new Map<MlDsaAlg, boolean>();

  /**
   * The key length is already checked and every pkEncode string of that length is a valid key, so any refusal here
   * means the host lacks the algorithm or the "raw-public" format: remember it and use the portable code.
   */
  async function importMlDsa(k: Extract<PublicKey, { kty: "AKP" }>): Promise<WebCryptoKey | Unsupported> {
    if (mlDsaNative.get(k.alg) === false) return UNSUPPORTED;
    try {
      const ck = await s.importKey("raw-public", k.pub, ML_DSA_PARAMS[k.alg], false, ["verify"]);
      mlDsaNative.set(k.alg, true);
      return ck;
    } catch {
      mlDsaNative.set(k.alg, false);
      return UNSUPPORTED;
    }
  }

  async function importPublic(use: KeyUse, key: PublicKey): Promise<WebCryptoKey | Unsupported> {
    if (use === "ml-dsa") return importMlDsa(key as Extract<PublicKey, { kty: "AKP" }>);
    try {
      switch (use) {
        case "ecdsa": {
          const k = key as Extract<PublicKey, { kty: "EC" }>;
          // Validate on the curve ourselves too: hosts differ in how loudly they reject bad points.
          const raw = ecUncompressed(k);
          return await s.importKey("raw", raw, { name: "ECDSA", namedCurve: k.crv }, false, ["verify"]);
        }
        case "eddsa": {
          const k = key as Extract<PublicKey, { kty: "OKP" }>;
          // Ed448 in WebCrypto is experimental where it exists at all (Node prints a warning): use the portable code.
          if (k.crv !== "Ed25519") return UNSUPPORTED;
          return await s.importKey("raw", k.x, { name: k.crv }, false, ["verify"]);
        }
        default: {
          rsaPublicKey(key); // rotkit's bounds on n and e, so both providers accept the same keys
          const k = key as Extract<PublicKey, { kty: "RSA" }>;
          const [kind, hash] = use.split(":") as ["pkcs1" | "pss", HashAlg];
          const jwk = { kty: "RSA", n: toBase64Url(stripZeros(k.n)), e: toBase64Url(stripZeros(k.e)), ext: true };
          const name = kind === "pss" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5";
          return await s.importKey("jwk", jwk, { name, hash }, false, ["verify"]);
        }
      }
    } catch (e) {
      if (e instanceof RotkitError) throw e;
      if (errorName(e) === "NotSupportedError") return UNSUPPORTED;
      throw new RotkitError("CRYPTO_INVALID_KEY", `WebCrypto refused the ${use} public key`, { cause: e });
    }
  }

  /** The hot path: a synchronous lookup by key object, so a cache hit costs no extra promise. */
  function cachedKey(use: KeyUse, key: PublicKey): WebCryptoKey | Unsupported | undefined {
    return byObject.get(use)?.get(key);
  }

  async function verificationKey(use: KeyUse, key: PublicKey): Promise<WebCryptoKey | Unsupported> {
    let m = byObject.get(use);
    if (m === undefined) {
      m = new WeakMap();
      byObject.set(use, m);
    }
    const fp = keyFingerprint(use, key);
    let ck = lru.get(fp);
    if (ck === undefined) {
      ck = await importPublic(use, key);
      lru.set(fp, ck);
    }
    m.set(key, ck);
    return ck;
  }

  async function verify(
    alg: SignatureAlg,
    key: PublicKey,
    data: Uint8Array,
    signature: Uint8Array,
    opts?: VerifyOptions,
  ): Promise<boolean> {
    checkBytes("signed data", data);
    checkBytes("signature", signature);
    const scheme = signatureScheme(alg);
    // Each supported case sets what WebCrypto verifies; the others return on their own.
    let params: WebAlgorithm | string;
    let ck: WebCryptoKey | Unsupported;
    let sig = signature;
    switch (scheme.kind) {
      case "ecdsa": {
        const k = checkEcdsaKey(scheme, key);
        const size = ecCoordinateLength(k.crv);
        const format = opts?.format ?? "raw";
        let raw = signature;
        if (format === "der") {
          try {
            raw = ecdsaDerToRaw(signature, size); // WebCrypto takes r‖s only; same strict parser as noble
          } catch {
            return false;
          }
        } else if (format !== "raw") throw new RotkitError("INVALID_ARGUMENT", `unknown signature format ${format}`);
        else if (signature.length !== 2 * size) return false;
        ck = cachedKey("ecdsa", k) ?? (await verificationKey("ecdsa", k));
        if (ck === UNSUPPORTED) return portable.verify(alg, key, data, raw, { format: "raw" });
        params = ECDSA_PARAMS[scheme.hash];
        sig = raw;
        break;
      }
      case "eddsa": {
        const k = checkEddsaKey(scheme, key);
        ck = cachedKey("eddsa", k) ?? (await verificationKey("eddsa", k));
        if (ck === UNSUPPORTED) return portable.verify(alg, key, data, signature);
        if (signature.length !== 2 * k.x.length) return false;
        params = k.crv;
        break;
      }
      case "rsa-pss":
      case "rsa-pkcs1": {
        const pss = scheme.kind === "rsa-pss";
        const use: KeyUse = `${pss ? "pss" : "pkcs1"}:${scheme.hash}`;
        ck = cachedKey(use, key) ?? (await verificationKey(use, key));
        if (ck === UNSUPPORTED) return portable.verify(alg, key, data, signature, opts);
        const k = key as Extract<PublicKey, { kty: "RSA" }>;
        // RFC 8017 §8.1.2 / §8.2.2 step 1: the signature is exactly k bytes.
        if (signature.length !== stripZeros(k.n).length) return false;
        params = PKCS1_PARAMS;
        if (pss) {
          const salt = opts?.pssSaltLength;
          params =
            salt === undefined || salt === hashLength(scheme.hash)
              ? PSS_DEFAULT[scheme.hash]
              : { name: "RSA-PSS", saltLength: checkLength("PSS salt length", salt, 0, signature.length) };
        }
        break;
      }
      case "ml-dsa": {
        const k = checkMlDsaKey(scheme.alg, key);
        // FIPS 204 Table 2: a signature of another length cannot verify (and hosts differ in how they refuse it).
        if (signature.length !== ML_DSA_LENGTHS[scheme.alg].signature) return false;
        ck =
          mlDsaNative.get(scheme.alg) === false
            ? UNSUPPORTED
            : (cachedKey("ml-dsa", k) ?? (await verificationKey("ml-dsa", k)));
        if (ck === UNSUPPORTED) return portable.verify(alg, key, data, signature);
        params = ML_DSA_PARAMS[scheme.alg];
        break;
      }
      case "hss-lms":
        // No WebCrypto implements LMS; hashing is all it costs, which the portable code does on this thread.
        return portable.verify(alg, key, data, signature);
      default:
        throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", `unsupported signature algorithm ${String(alg)}`);
    }
    // On a server this sits on every verification: one await on the host's promise, no derived promise or wrapper
    // (each adds a microtask turn per message). A host that rejects or throws on a malformed signature is still
    // reporting an invalid signature.
    try {
      return await s.verify(params, ck, sig, data);
    } catch {
      return false;
    }
  }

  async function importSecret(
    raw: Uint8Array,
    alg: WebAlgorithm,
    usages: string[],
  ): Promise<WebCryptoKey | Unsupported> {
    try {
      return await s.importKey("raw", raw, alg, false, usages);
    } catch (e) {
      if (errorName(e) === "NotSupportedError") return UNSUPPORTED;
      throw new RotkitError("CRYPTO_INVALID_KEY", "WebCrypto refused the key", { cause: e });
    }
  }

  /**
   * A WebCrypto digest is a thread-pool job: ~10 µs of CPU before it hashes a byte, where the portable SHA-2 needs a
   * µs or two for a manifest-sized input. Small inputs are hashed on the calling thread; large ones go to WebCrypto.
   */
  function digestHere(alg: HashAlg, data: Uint8Array): Uint8Array | undefined {
    const hash = portableDigest(alg); // validates the name
    checkBytes("digest data", data);
    return data.length > SMALL_DIGEST_BYTES ? undefined : hash(data);
  }

  function gcmParams(params: AeadParams): {
    name: string;
    iv: Uint8Array;
    additionalData: Uint8Array;
    tagLength: number;
  } {
    checkAesKey("AES-GCM key", params.key);
    checkBytes("AES-GCM iv", params.iv);
    checkLength("AES-GCM iv length", params.iv.length, 1, GCM_MAX_IV_LENGTH); // SP 800-38D §5.2.1.1
    const aad = params.aad ?? new Uint8Array(0);
    checkBytes("AES-GCM aad", aad);
    const t = checkGcmTagLength(params.tagLength);
    return { name: "AES-GCM", iv: params.iv, additionalData: aad, tagLength: t * 8 };
  }

  return {
    name: "webcrypto",
    async digest(alg, data) {
      return digestHere(alg, data) ?? new Uint8Array(await s.digest(alg, data));
    },
    digestSync: digestHere,
    verify,
    async hmac(alg, key, data) {
      hashLength(alg);
      checkBytes("HMAC key", key);
      checkBytes("HMAC data", data);
      // WebCrypto refuses zero-length HMAC keys; RFC 2104 allows them.
      if (key.length === 0) return portable.hmac(alg, key, data);
      const ck = await importSecret(key, { name: "HMAC", hash: alg }, ["sign"]);
      if (ck === UNSUPPORTED) return portable.hmac(alg, key, data);
      return new Uint8Array(await s.sign("HMAC", ck, data));
    },
    async hkdf(alg, ikm, salt, info, length) {
      checkBytes("HKDF ikm", ikm);
      checkBytes("HKDF salt", salt);
      checkBytes("HKDF info", info);
      const l = checkLength("HKDF output length", length, 1, 255 * hashLength(alg)); // RFC 5869 §2.3
      if (ikm.length === 0) return portable.hkdf(alg, ikm, salt, info, length);
      const ck = await importSecret(ikm, "HKDF", ["deriveBits"]);
      if (ck === UNSUPPORTED) return portable.hkdf(alg, ikm, salt, info, length);
      return new Uint8Array(await s.deriveBits({ name: "HKDF", hash: alg, salt, info }, ck, l * 8));
    },
    async aeadEncrypt(alg, params, plaintext) {
      // Hosts differ on GCM IVs other than 96 bits (Node 20 refuses < 12 and > 128 bytes): those go portable.
      if (alg !== "AES-GCM" || params.iv?.length !== 12) return portable.aeadEncrypt(alg, params, plaintext);
      const p = gcmParams(params);
      checkBytes("AES-GCM plaintext", plaintext);
      const ck = await importSecret(params.key, "AES-GCM", ["encrypt"]);
      if (ck === UNSUPPORTED) return portable.aeadEncrypt(alg, params, plaintext);
      return new Uint8Array(await s.encrypt(p, ck, plaintext));
    },
    async aeadDecrypt(alg, params, ciphertextAndTag) {
      if (alg !== "AES-GCM" || params.iv?.length !== 12) return portable.aeadDecrypt(alg, params, ciphertextAndTag);
      const p = gcmParams(params);
      checkBytes("AES-GCM ciphertext", ciphertextAndTag);
      if (ciphertextAndTag.length < p.tagLength / 8) {
        throw new RotkitError("CRYPTO_DECRYPT_FAILED", "AES-GCM: input shorter than the tag");
      }
      const ck = await importSecret(params.key, "AES-GCM", ["decrypt"]);
      if (ck === UNSUPPORTED) return portable.aeadDecrypt(alg, params, ciphertextAndTag);
      try {
        return new Uint8Array(await s.decrypt(p, ck, ciphertextAndTag));
      } catch (e) {
        throw new RotkitError("CRYPTO_DECRYPT_FAILED", "AES-GCM: authentication failed", { cause: e });
      }
    },
    aesCbcMac: (key, data, tagLength) => portable.aesCbcMac(key, data, tagLength),
    aesKeyWrap: (kek, key) => portable.aesKeyWrap(kek, key),
    aesKeyUnwrap: (kek, wrapped) => portable.aesKeyUnwrap(kek, wrapped),
    randomBytes: (length) => portable.randomBytes(length),
  };
}
