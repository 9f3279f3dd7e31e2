// The crypto contract of rotkit. Protocol code (COSE, PSA, SUIT, ...) only talks to a CryptoProvider, so a
// device host can inject its own (native SHA, a secure element) and a server gets native speed.

/** Hash functions used by the protocols rotkit implements. */
export type HashAlg = "SHA-256" | "SHA-384" | "SHA-512";

/** Named curves for ECDSA / ECDH and the Edwards/Montgomery curves. */
export type EcCurve = "P-256" | "P-384" | "P-521";
export type OkpCurve = "Ed25519" | "Ed448" | "X25519" | "X448";

/** The ML-DSA parameter sets of FIPS 204 (Table 1), named as RFC 9964 (COSE/JOSE) and RFC 9881 (X.509) name them. */
export type MlDsaAlg = "ML-DSA-44" | "ML-DSA-65" | "ML-DSA-87";

/**
 * Signature schemes, named as JOSE/COSE name them.
 * - `ES256`/`ES384`/`ES512`: ECDSA with that hash; the curve comes from the key (RFC 9053 §2.1).
 * - `ESP256`/`ESP384`/`ESP512`: fully-specified ECDSA (RFC 9864): the curve is pinned (P-256/P-384/P-521).
 * - `EdDSA`: the curve comes from the key; `Ed25519` / `Ed448`: fully specified.
 * - `PS256`.. : RSASSA-PSS with MGF1 of the same hash and salt length = hash length (RFC 8230 §2).
 * - `RS256`.. : RSASSA-PKCS1-v1_5.
 * - `ML-DSA-44` / `ML-DSA-65` / `ML-DSA-87`: pure ML-DSA (FIPS 204 §5.2 / §5.3) with an empty context string, as
 *   RFC 9964 (COSE) and RFC 9881 (X.509) use it; the parameter set is pinned and must match the key's.
 * - `HSS-LMS`: Leighton-Micali hash-based signatures (RFC 8554 §6, HSS of 1 to 8 LMS levels; the SHA-256, SHA-256/192
 *   and SHAKE256 parameter sets of RFC 9858), as COSE names it (RFC 8778, alg -46). Verification only: a stateful
 *   signing key belongs in hardware that keeps its state.
 */
export type SignatureAlg =
  | "ES256"
  | "ES384"
  | "ES512"
  | "ESP256"
  | "ESP384"
  | "ESP512"
  | "EdDSA"
  | "Ed25519"
  | "Ed448"
  | "PS256"
  | "PS384"
  | "PS512"
  | "RS256"
  | "RS384"
  | "RS512"
  | MlDsaAlg
  | "HSS-LMS";

/**
 * Public keys as plain bytes (big-endian integers, raw coordinates), independent of any encoding. EC coordinates
 * are exactly the curve's length (leading zeros kept, RFC 9053 §7.1.1). ML-DSA keys use the "Algorithm Key Pair"
 * shape of RFC 9964 (`kty: "AKP"`, the parameter set in `alg`, `pub` = pkEncode(ρ, t1) of FIPS 204 §7.2). HSS-LMS keys
 * carry the HSS public key of RFC 8554 §6.1 (`u32str(L) || pub[0]`) in `pub`, as the COSE_Key of RFC 8778 §5. Providers
 * cache validated and imported keys per PublicKey object, so treat a key object as immutable once it has been used.
 */
export type PublicKey =
  | { kty: "EC"; crv: EcCurve; x: Uint8Array; y: Uint8Array }
  | { kty: "OKP"; crv: OkpCurve; x: Uint8Array }
  | { kty: "RSA"; n: Uint8Array; e: Uint8Array }
  | { kty: "AKP"; alg: MlDsaAlg; pub: Uint8Array }
  | { kty: "HSS-LMS"; pub: Uint8Array };

/** How an ECDSA signature is encoded: raw fixed-width r‖s (COSE, JOSE) or an ASN.1 DER SEQUENCE (X.509). */
export type SignatureFormat = "raw" | "der";

export interface VerifyOptions {
  /** ECDSA only; default `"raw"`. */
  format?: SignatureFormat;
  /** RSASSA-PSS salt length in bytes; default = hash length. */
  pssSaltLength?: number;
}

export interface AeadParams {
  key: Uint8Array;
  iv: Uint8Array;
  aad?: Uint8Array;
  /** Tag length in bytes; AES-GCM default 16, AES-CCM requires it. */
  tagLength?: number;
}

export type AeadAlg = "AES-GCM" | "AES-CCM";

/**
 * What rotkit needs from a crypto implementation. All operations are async because WebCrypto is.
 *
 * Failure semantics (fail closed):
 * - `verify` returns `false` for a signature that does not verify, including a malformed signature encoding;
 *   it throws `CRYPTO_INVALID_KEY` for an unusable key and `CRYPTO_UNSUPPORTED_ALG` for an unknown scheme.
 * - `aeadDecrypt` / `aesKeyUnwrap` throw `CRYPTO_DECRYPT_FAILED` / `CRYPTO_UNWRAP_FAILED` on an authentication failure.
 */
export interface CryptoProvider {
  readonly name: string;
  digest(alg: HashAlg, data: Uint8Array): Promise<Uint8Array>;
  /**
   * The digest computed synchronously on the calling thread where that is the provider's own choice (e.g. a small
   * input, which costs less to hash than to hand to a thread pool), else `undefined`: then call `digest`. Optional;
   * for hot paths that hash a few hundred bytes per message and would otherwise pay an async turn per hash.
   *
   * Callers that find `digestSync` use it instead of `digest`, so both must give the same answer. A provider that
   * wraps another by spreading it (`{ ...base, digest: myDigest }`) inherits `base.digestSync`: override it too, or
   * set it to `undefined`, or the override is bypassed.
   */
  digestSync?(alg: HashAlg, data: Uint8Array): Uint8Array | undefined;
  verify(
    alg: SignatureAlg,
    key: PublicKey,
    data: Uint8Array,
    signature: Uint8Array,
    options?: VerifyOptions,
  ): Promise<boolean>;
  hmac(alg: HashAlg, key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /** RFC 5869. `salt` may be empty (then a zero block of hash length is used, as the RFC says). */
  hkdf(alg: HashAlg, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array>;
  /** Returns ciphertext ‖ tag. */
  aeadEncrypt(alg: AeadAlg, params: AeadParams, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Takes ciphertext ‖ tag. */
  aeadDecrypt(alg: AeadAlg, params: AeadParams, ciphertextAndTag: Uint8Array): Promise<Uint8Array>;
  /** AES-CBC-MAC as COSE uses it (RFC 9053 §3.2): IV of zeros, last block truncated to `tagLength` bytes. */
  aesCbcMac(key: Uint8Array, data: Uint8Array, tagLength: number): Promise<Uint8Array>;
  /** AES Key Wrap, RFC 3394. */
  aesKeyWrap(kek: Uint8Array, key: Uint8Array): Promise<Uint8Array>;
  aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Promise<Uint8Array>;
  /** Cryptographically secure random bytes; throws `CRYPTO_NO_RANDOM` where the host has no CSPRNG. */
  randomBytes(length: number): Uint8Array;
}

/**
 * A signing key that never exposes its private part: a secure element, a TPM, or (for tests and servers)
 * `softwareKeyHandle`. ECDSA signatures come back raw r‖s, as COSE needs them; ML-DSA signatures are the FIPS 204
 * sigEncode bytes.
 */
export interface KeyHandle {
  readonly alg: SignatureAlg;
  readonly publicKey: PublicKey;
  /** Optional key identifier (COSE `kid`). */
  readonly kid?: Uint8Array;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * A key-agreement private key (ECDH-ES recipients, SUIT firmware decryption). `deriveBits` receives the peer's
 * public key and returns the raw shared secret (the x coordinate for the NIST curves, RFC 9053 §6.3.1).
 */
export interface KeyAgreementHandle {
  readonly publicKey: PublicKey;
  deriveBits(peer: PublicKey): Promise<Uint8Array>;
}
