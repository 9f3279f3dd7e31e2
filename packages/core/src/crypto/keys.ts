import { ed448, x448 } from "@noble/curves/ed448.js";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { bytesEqual, fromBase64Url, toBase64Url } from "../bytes.js";
import { RotkitError } from "../errors.js";
import { checkBytes, ecCoordinateLength, hashLength, OKP_KEY_LENGTH, signatureScheme } from "./algs.js";
import { type DerElement, derChildren, derUnsignedInteger, expectDer } from "./der.js";
import { decodeEcPoint, ecUncompressed, nobleCurve } from "./ec.js";
import { nobleHash } from "./hash.js";
import { ML_DSA_SEED_LENGTH, nobleMlDsa } from "./ml-dsa.js";
import { randomBytes } from "./random.js";
import type { EcCurve, KeyAgreementHandle, KeyHandle, MlDsaAlg, PublicKey, SignatureAlg } from "./types.js";
import type { SubtleCryptoLike, WebCryptoKey, WebCryptoKeyPair, WebJsonWebKey } from "./webcrypto-types.js";

// Software keys: for tests, servers and simulators. The private key lives only in a closure, never in a property,
// so it is not serialised, logged or enumerable by accident. Devices use a secure element behind the same
// KeyHandle / KeyAgreementHandle interfaces.

/**
 * A private key as a JWK (RFC 7517 / RFC 7518 §6): EC (`crv`, `d`, optional `x`/`y`), OKP, RSA (all CRT members), or
 * AKP for ML-DSA (RFC 9964: `alg`, `priv` = the 32-byte seed, optional `pub`).
 */
export interface PrivateJwk {
  kty: string;
  alg?: string;
  pub?: string;
  priv?: string;
  crv?: string;
  d?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
}

/** Options of {@link softwareKeyHandle} and {@link generateSoftwareKey}. */
export interface SoftwareKeyOptions {
  /** COSE `kid` of the key. */
  kid?: Uint8Array;
  /** The curve when `alg` does not pin one and the key is raw bytes: ES256 → P-256 (default), EdDSA → Ed25519. */
  crv?: EcCurve | "Ed25519" | "Ed448";
  /** WebCrypto for RSA (default `globalThis.crypto.subtle`); RSA signing is WebCrypto-only. */
  subtle?: SubtleCryptoLike;
  /** RSA key generation: modulus length in bits (default 2048). */
  modulusLength?: number;
}

const DEFAULT_EC_CURVE: Record<string, EcCurve> = { "SHA-256": "P-256", "SHA-384": "P-384", "SHA-512": "P-521" };

function isJwk(v: unknown): v is PrivateJwk {
  return v !== null && typeof v === "object" && !(v instanceof Uint8Array) && typeof (v as PrivateJwk).kty === "string";
}

function jwkBytes(jwk: PrivateJwk, member: keyof PrivateJwk): Uint8Array {
  const v = jwk[member];
  if (typeof v !== "string") throw new RotkitError("CRYPTO_INVALID_KEY", `JWK member "${member}" missing`);
  try {
    return fromBase64Url(v);
  } catch (e) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `JWK member "${member}" is not base64url`, { cause: e });
  }
}

function hostSubtle(opts: SoftwareKeyOptions): SubtleCryptoLike {
  const s = opts.subtle ?? (globalThis as { crypto?: { subtle?: SubtleCryptoLike } }).crypto?.subtle;
  if (s === undefined || s === null) {
    throw new RotkitError("UNSUPPORTED", "RSA keys need WebCrypto (crypto.subtle), which this host lacks");
  }
  return s;
}

function ecdsaHandle(alg: SignatureAlg, crv: EcCurve, d: Uint8Array, opts: SoftwareKeyOptions, jwk?: PrivateJwk) {
  const scheme = signatureScheme(alg) as { kind: "ecdsa"; hash: "SHA-256" | "SHA-384" | "SHA-512" };
  const curve = nobleCurve(crv);
  // RFC 7518 §6.2.2.1: d is the full coordinate length; SEC 1 §3.2.1: 1 <= d < n.
  if (d.length !== ecCoordinateLength(crv) || !curve.utils.isValidSecretKey(d)) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `not a valid ${crv} private key`);
  }
  const secret = d.slice();
  const publicKey = decodeEcPoint(crv, curve.getPublicKey(secret, false));
  if (jwk?.x !== undefined || jwk?.y !== undefined) {
    const x = jwkBytes(jwk, "x");
    const y = jwkBytes(jwk, "y");
    if (!bytesEqual(x, publicKey.x) || !bytesEqual(y, publicKey.y)) {
      throw new RotkitError("CRYPTO_INVALID_KEY", "JWK x/y do not match d");
    }
  }
  const hash = nobleHash(scheme.hash);
  return handle(alg, publicKey, opts, async (data) => {
    checkBytes("data to sign", data);
    // Hash with the algorithm's hash (the curve may be another size), then sign the digest: prehash false.
    return curve.sign(hash(data), secret, { prehash: false, format: "compact" });
  });
}

function eddsaHandle(
  alg: SignatureAlg,
  crv: "Ed25519" | "Ed448",
  seed: Uint8Array,
  opts: SoftwareKeyOptions,
  jwk?: PrivateJwk,
) {
  if (seed.length !== OKP_KEY_LENGTH[crv]) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `${crv} private key must be ${OKP_KEY_LENGTH[crv]} bytes`);
  }
  const ed = crv === "Ed25519" ? ed25519 : ed448;
  const secret = seed.slice();
  const publicKey: PublicKey = { kty: "OKP", crv, x: ed.getPublicKey(secret) };
  if (jwk?.x !== undefined && !bytesEqual(jwkBytes(jwk, "x"), publicKey.x)) {
    throw new RotkitError("CRYPTO_INVALID_KEY", "JWK x does not match d");
  }
  return handle(alg, publicKey, opts, async (data) => {
    checkBytes("data to sign", data);
    return ed.sign(data, secret);
  });
}

/**
 * HSS-LMS private keys are stateful (RFC 8554 §9: a one-time key used twice breaks the scheme). A software handle
 * cannot keep that state safe across crashes and copies, so rotkit only verifies HSS-LMS.
 */
function noStatefulSoftwareKey(): RotkitError {
  return new RotkitError("UNSUPPORTED", "HSS-LMS signing keys are stateful: rotkit offers no software HSS-LMS key");
}

function mlDsaHandle(alg: MlDsaAlg, seed: Uint8Array, opts: SoftwareKeyOptions, jwk?: PrivateJwk): KeyHandle {
  // RFC 9964 / RFC 9881 keep the private key as the seed ξ of ML-DSA.KeyGen_internal (FIPS 204 Algorithm 6).
  if (seed.length !== ML_DSA_SEED_LENGTH) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} private key (seed) must be ${ML_DSA_SEED_LENGTH} bytes`);
  }
  const impl = nobleMlDsa(alg);
  const { publicKey: pub, secretKey } = impl.keygen(seed.slice());
  if (jwk?.pub !== undefined && !bytesEqual(jwkBytes(jwk, "pub"), pub)) {
    throw new RotkitError("CRYPTO_INVALID_KEY", "JWK pub does not match priv");
  }
  const publicKey: PublicKey = { kty: "AKP", alg, pub };
  return handle(alg, publicKey, opts, async (data) => {
    checkBytes("data to sign", data);
    // FIPS 204 §3.4: the hedged variant (fresh rnd per signature) is the default; pure ML-DSA, empty context.
    return impl.sign(data, secretKey, { extraEntropy: randomBytes(32) });
  });
}

function handle(
  alg: SignatureAlg,
  publicKey: PublicKey,
  opts: SoftwareKeyOptions,
  sign: (data: Uint8Array) => Promise<Uint8Array>,
): KeyHandle {
  const h: KeyHandle =
    opts.kid === undefined ? { alg, publicKey, sign } : { alg, publicKey, kid: opts.kid.slice(), sign };
  return Object.freeze(h);
}

/** RSAPrivateKey inside PKCS#8 (RFC 5208 §5, RFC 8017 §A.1.2): only n and e are read, to fill `publicKey`. */
function rsaPublicFromPkcs8(pkcs8: Uint8Array): PublicKey {
  const top = expectDer(pkcs8, 0, 0x30);
  const parts = derChildren(top.contents, 4);
  const inner = parts[2];
  if (parts.length < 3 || inner === undefined || inner.tag !== 0x04) {
    throw new RotkitError("CRYPTO_INVALID_KEY", "not a PKCS#8 PrivateKeyInfo");
  }
  const rsa = derChildren(expectDer(inner.contents, 0, 0x30).contents, 10);
  if (rsa.length < 9) throw new RotkitError("CRYPTO_INVALID_KEY", "not an RSAPrivateKey");
  return {
    kty: "RSA",
    n: derUnsignedInteger(rsa[1] as DerElement).slice(),
    e: derUnsignedInteger(rsa[2] as DerElement).slice(),
  };
}

function rsaHandle(alg: SignatureAlg, key: Uint8Array | PrivateJwk, opts: SoftwareKeyOptions): KeyHandle {
  const scheme = signatureScheme(alg) as { kind: "rsa-pss" | "rsa-pkcs1"; hash: "SHA-256" | "SHA-384" | "SHA-512" };
  const name = scheme.kind === "rsa-pss" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5";
  let publicKey: PublicKey;
  let material: Uint8Array | WebJsonWebKey;
  if (key instanceof Uint8Array) {
    publicKey = rsaPublicFromPkcs8(key);
    material = key.slice();
  } else {
    if (key.kty !== "RSA") throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} needs an RSA key`);
    for (const m of ["d", "p", "q", "dp", "dq", "qi"] as const) jwkBytes(key, m);
    publicKey = { kty: "RSA", n: jwkBytes(key, "n"), e: jwkBytes(key, "e") };
    const { kty, n, e, d, p, q, dp, dq, qi } = key;
    material = { kty, n, e, d, p, q, dp, dq, qi };
  }
  let imported: Promise<WebCryptoKey> | undefined;
  const params = { name, saltLength: hashLength(scheme.hash) };
  return handle(alg, publicKey, opts, async (data) => {
    checkBytes("data to sign", data);
    const s = hostSubtle(opts);
    if (imported === undefined) {
      const a = { name, hash: scheme.hash };
      imported =
        material instanceof Uint8Array
          ? s.importKey("pkcs8", material, a, false, ["sign"])
          : s.importKey("jwk", material, a, false, ["sign"]);
      imported.catch(() => {
        imported = undefined;
      });
    }
    let ck: WebCryptoKey;
    try {
      ck = await imported;
    } catch (e) {
      throw new RotkitError("CRYPTO_INVALID_KEY", "WebCrypto refused the RSA private key", { cause: e });
    }
    return new Uint8Array(await s.sign(params, ck, data));
  });
}

/**
 * A KeyHandle over a software private key, which stays inside a closure.
 * - ECDSA (`ES*`, `ESP*`): `privateKey` is the scalar d (exactly the coordinate length) or an EC JWK; the curve is
 *   pinned by ESP*, else taken from the JWK, `opts.crv`, or the hash size (ES256 → P-256). Signatures are raw r‖s.
 * - EdDSA / Ed25519 / Ed448: the 32- or 57-byte seed, or an OKP JWK.
 * - ML-DSA-44/65/87: the 32-byte seed ξ (FIPS 204 §6.1, the private key form of RFC 9881 / RFC 9964), or an AKP JWK
 *   (`priv` = seed). Signing is hedged (FIPS 204 §3.4) and needs `crypto.getRandomValues`.
 * - RSA (`PS*`, `RS*`): PKCS#8 DER or an RSA JWK with all CRT members; signing goes through WebCrypto only (rotkit has
 *   no constant-time BigInt RSA private-key code), so it throws `UNSUPPORTED` on hosts without `crypto.subtle`.
 * Throws `CRYPTO_INVALID_KEY` for a key that does not fit the algorithm.
 *
 * @example
 * ```ts
 * const key = softwareKeyHandle("ES256", fromHex(dHex), { kid: utf8Encode("device-1") });
 * const sig = await key.sign(toBeSigned); // 64 bytes r‖s
 * ```
 */
export function softwareKeyHandle(
  alg: SignatureAlg,
  privateKey: Uint8Array | PrivateJwk,
  opts: SoftwareKeyOptions = {},
): KeyHandle {
  const scheme = signatureScheme(alg);
  const jwk = isJwk(privateKey) ? privateKey : undefined;
  if (jwk === undefined && !(privateKey instanceof Uint8Array)) {
    throw new RotkitError("CRYPTO_INVALID_KEY", "private key must be bytes or a JWK");
  }
  switch (scheme.kind) {
    case "ecdsa": {
      if (jwk !== undefined && jwk.kty !== "EC") throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} needs an EC key`);
      const crv = (scheme.curve ?? jwk?.crv ?? opts.crv ?? DEFAULT_EC_CURVE[scheme.hash]) as EcCurve;
      ecCoordinateLength(crv);
      if (jwk?.crv !== undefined && jwk.crv !== crv) {
        throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} pins ${crv}, the JWK is on ${jwk.crv}`);
      }
      return ecdsaHandle(alg, crv, jwk ? jwkBytes(jwk, "d") : (privateKey as Uint8Array), opts, jwk);
    }
    case "eddsa": {
      if (jwk !== undefined && jwk.kty !== "OKP")
        throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} needs an OKP key`);
      const crv = scheme.curve ?? jwk?.crv ?? opts.crv ?? "Ed25519";
      if (crv !== "Ed25519" && crv !== "Ed448") throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} with curve ${crv}`);
      if (jwk?.crv !== undefined && jwk.crv !== crv) {
        throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} pins ${crv}, the JWK is ${jwk.crv}`);
      }
      return eddsaHandle(alg, crv, jwk ? jwkBytes(jwk, "d") : (privateKey as Uint8Array), opts, jwk);
    }
    case "ml-dsa": {
      if (jwk !== undefined && (jwk.kty !== "AKP" || (jwk.alg !== undefined && jwk.alg !== scheme.alg))) {
        throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} needs an AKP ${alg} key`);
      }
      return mlDsaHandle(scheme.alg, jwk ? jwkBytes(jwk, "priv") : (privateKey as Uint8Array), opts, jwk);
    }
    case "hss-lms":
      throw noStatefulSoftwareKey();
    default:
      return rsaHandle(alg, privateKey, opts);
  }
}

/**
 * Generates a fresh software key for `alg` (randomness from `crypto.getRandomValues`, else `CRYPTO_NO_RANDOM`).
 * RSA keys are generated by WebCrypto, non-extractable (`opts.modulusLength`, default 2048).
 *
 * @example
 * ```ts
 * const key = await generateSoftwareKey("ESP256");
 * const ok = await nobleProvider().verify("ESP256", key.publicKey, msg, await key.sign(msg));
 * ```
 */
export async function generateSoftwareKey(alg: SignatureAlg, opts: SoftwareKeyOptions = {}): Promise<KeyHandle> {
  const scheme = signatureScheme(alg);
  switch (scheme.kind) {
    case "ecdsa": {
      const crv = scheme.curve ?? (opts.crv as EcCurve | undefined) ?? (DEFAULT_EC_CURVE[scheme.hash] as EcCurve);
      const curve = nobleCurve(crv);
      const seed = randomBytes(curve.lengths.seed as number);
      return ecdsaHandle(alg, crv, curve.utils.randomSecretKey(seed), opts);
    }
    case "eddsa": {
      const crv = scheme.curve ?? opts.crv ?? "Ed25519";
      if (crv !== "Ed25519" && crv !== "Ed448") throw new RotkitError("CRYPTO_INVALID_KEY", `${alg} with curve ${crv}`);
      return eddsaHandle(alg, crv, randomBytes(OKP_KEY_LENGTH[crv]), opts);
    }
    case "ml-dsa":
      return mlDsaHandle(scheme.alg, randomBytes(ML_DSA_SEED_LENGTH), opts);
    case "hss-lms":
      throw noStatefulSoftwareKey();
    default: {
      const s = hostSubtle(opts);
      const bits = opts.modulusLength ?? 2048;
      if (!Number.isInteger(bits) || bits < 2048 || bits > 8192 || bits % 8 !== 0) {
        throw new RotkitError("CRYPTO_INVALID_LENGTH", "RSA modulus length must be 2048..8192 bits, a multiple of 8");
      }
      const name = scheme.kind === "rsa-pss" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5";
      const pair = (await s.generateKey(
        { name, modulusLength: bits, publicExponent: Uint8Array.of(1, 0, 1), hash: scheme.hash },
        false,
        ["sign", "verify"],
      )) as WebCryptoKeyPair;
      const jwk = await s.exportKey("jwk", pair.publicKey);
      const publicKey: PublicKey = { kty: "RSA", n: fromBase64Url(jwk.n ?? ""), e: fromBase64Url(jwk.e ?? "") };
      const params = { name, saltLength: hashLength(scheme.hash) };
      return handle(alg, publicKey, opts, async (data) => {
        checkBytes("data to sign", data);
        return new Uint8Array(await s.sign(params, pair.privateKey, data));
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Key agreement (ECDH on the NIST curves, X25519 / X448).

/** Curves of {@link softwareKeyAgreementHandle}. */
export type KeyAgreementCurve = EcCurve | "X25519" | "X448";

function checkPeer(curve: KeyAgreementCurve, peer: PublicKey): void {
  const ok =
    peer !== null &&
    typeof peer === "object" &&
    ((peer.kty === "EC" && peer.crv === curve) || (peer.kty === "OKP" && peer.crv === curve));
  if (!ok) throw new RotkitError("CRYPTO_INVALID_KEY", `peer key is not a ${curve} key`);
}

/**
 * A KeyAgreementHandle over a software private key: the scalar d for P-256/384/521 (coordinate length), or the
 * 32/56-byte X25519/X448 private key. `deriveBits` validates the peer key (on the curve; for X25519/X448 not of
 * small order, RFC 7748 §6) and returns the x coordinate (NIST, RFC 9053 §6.3.1) or the X25519/X448 output.
 *
 * @example
 * ```ts
 * const me = softwareKeyAgreementHandle("P-256", d);
 * const z = await me.deriveBits(senderEphemeralKey); // 32 bytes
 * ```
 */
export function softwareKeyAgreementHandle(curve: KeyAgreementCurve, d: Uint8Array): KeyAgreementHandle {
  checkBytes("private key", d);
  const secret = d.slice();
  if (curve === "X25519" || curve === "X448") {
    const fn = curve === "X25519" ? x25519 : x448;
    if (secret.length !== OKP_KEY_LENGTH[curve]) {
      throw new RotkitError("CRYPTO_INVALID_KEY", `${curve} private key must be ${OKP_KEY_LENGTH[curve]} bytes`);
    }
    const publicKey: PublicKey = { kty: "OKP", crv: curve, x: fn.getPublicKey(secret) };
    return Object.freeze({
      publicKey,
      async deriveBits(peer: PublicKey) {
        checkPeer(curve, peer);
        const x = (peer as { x: Uint8Array }).x;
        if (!(x instanceof Uint8Array) || x.length !== OKP_KEY_LENGTH[curve]) {
          throw new RotkitError("CRYPTO_INVALID_KEY", `${curve} peer key must be ${OKP_KEY_LENGTH[curve]} bytes`);
        }
        try {
          return fn.getSharedSecret(secret, x); // throws on the all-zero output (RFC 7748 §6.1)
        } catch (e) {
          throw new RotkitError("CRYPTO_INVALID_KEY", `${curve} peer key of small order`, { cause: e });
        }
      },
    });
  }
  const c = nobleCurve(curve);
  if (secret.length !== ecCoordinateLength(curve) || !c.utils.isValidSecretKey(secret)) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `not a valid ${curve} private key`);
  }
  const publicKey = decodeEcPoint(curve, c.getPublicKey(secret, false));
  return Object.freeze({
    publicKey,
    async deriveBits(peer: PublicKey) {
      checkPeer(curve, peer);
      const point = ecUncompressed(peer as Extract<PublicKey, { kty: "EC" }>); // on-curve check (invalid-curve attacks)
      // SEC 1 §3.3.1: the shared secret is the x coordinate of d·Q.
      return c.getSharedSecret(secret, point, true).slice(1);
    },
  });
}

/**
 * Generates a fresh key-agreement key (for ECDH-ES senders, tests, simulators).
 *
 * @example
 * ```ts
 * const eph = generateKeyAgreementKey("X25519");
 * const z = await eph.deriveBits(recipientPublicKey);
 * ```
 */
export function generateKeyAgreementKey(curve: KeyAgreementCurve): KeyAgreementHandle {
  if (curve === "X25519" || curve === "X448") {
    return softwareKeyAgreementHandle(curve, randomBytes(OKP_KEY_LENGTH[curve]));
  }
  const c = nobleCurve(curve);
  return softwareKeyAgreementHandle(curve, c.utils.randomSecretKey(randomBytes(c.lengths.seed as number)));
}

/**
 * The public JWK of a PublicKey (RFC 7518 §6), e.g. to log or publish a generated key.
 *
 * @example
 * ```ts
 * publicKeyToJwk(key.publicKey); // { kty: "EC", crv: "P-256", x: "…", y: "…" }
 * ```
 */
export function publicKeyToJwk(key: PublicKey): Record<string, string> {
  switch (key.kty) {
    case "EC":
      return { kty: "EC", crv: key.crv, x: toBase64Url(key.x), y: toBase64Url(key.y) };
    case "OKP":
      return { kty: "OKP", crv: key.crv, x: toBase64Url(key.x) };
    case "RSA":
      return { kty: "RSA", n: toBase64Url(key.n), e: toBase64Url(key.e) };
    case "AKP":
      // RFC 9964: the AKP JWK names its algorithm and carries the raw public key in "pub".
      return { kty: "AKP", alg: key.alg, pub: toBase64Url(key.pub) };
    case "HSS-LMS":
      throw new RotkitError("UNSUPPORTED", "no JWK is registered for HSS-LMS keys (RFC 8778 defines a COSE_Key only)");
  }
}
