import {
  bytesEqual,
  type CryptoProvider,
  type HashAlg,
  type MlDsaAlg,
  type PublicKey,
  RotkitError,
  type SignatureAlg,
} from "@rotkit/core";
import { derOid } from "./der/oid.js";
import { derElements, derWhole, Tag } from "./der/read.js";
import type { Profile } from "./options.js";
import type { AlgorithmIdentifier } from "./types.js";
import { SIG } from "./validate-oids.js";

// Signature algorithms of certificates and CRLs (RFC 5280 §4.1.1.2, RFC 3279, RFC 4055, RFC 5758, RFC 8410, RFC 9881)
// and the verification of a signed object with its issuer's key. Anything not listed here — SHA-1, DSA, P-192, unknown OIDs —
// is X509_UNSUPPORTED_ALG (fail closed).

/** What a signatureAlgorithm resolves to for the CryptoProvider. */
export interface ResolvedSignatureAlg {
  alg: SignatureAlg;
  kind: "ecdsa" | "eddsa" | "rsa-pkcs1" | "rsa-pss" | "ml-dsa";
  hash?: HashAlg;
  pssSaltLength?: number;
}

const DER_NULL = Uint8Array.of(0x05, 0x00);

const HASH_OIDS: Record<string, HashAlg> = {
  [SIG.sha256]: "SHA-256",
  [SIG.sha384]: "SHA-384",
  [SIG.sha512]: "SHA-512",
};
const HASH_LEN: Record<HashAlg, number> = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };

function unsupported(message: string): never {
  throw new RotkitError("X509_UNSUPPORTED_ALG", message);
}

function malformed(message: string): never {
  throw new RotkitError("X509_MALFORMED", message);
}

/** RFC 9881 §2: id-ml-dsa-44/65/87, pure ML-DSA (FIPS 204) with an empty context. HashML-DSA OIDs are not listed. */
const ML_DSA_SIG: Readonly<Record<string, MlDsaAlg>> = {
  "2.16.840.1.101.3.4.3.17": "ML-DSA-44",
  "2.16.840.1.101.3.4.3.18": "ML-DSA-65",
  "2.16.840.1.101.3.4.3.19": "ML-DSA-87",
};

/** HashAlgorithm / MGF hash AlgorithmIdentifier inside RSASSA-PSS-params: SHA-2 with NULL or absent parameters. */
function hashOf(algId: Uint8Array): HashAlg {
  const what = "RSASSA-PSS-params hash AlgorithmIdentifier";
  const el = derWhole(algId, Tag.SEQUENCE, what);
  const [oid, params, extra] = derElements(el.contents, 3, what);
  if (extra) malformed(`${what}: too many fields`);
  if (params && !(params.tag === Tag.NULL && params.contents.length === 0))
    malformed("RSASSA-PSS-params: hash parameters");
  const hash = HASH_OIDS[derOid(oid, what)];
  if (!hash) unsupported("RSASSA-PSS with a hash other than SHA-256/384/512");
  return hash;
}

/**
 * Parses RSASSA-PSS-params (RFC 4055 §3.1). The defaults (SHA-1, MGF1-SHA-1, salt 20) are SHA-1 and refused; the
 * MGF must be MGF1 with the same hash, the trailer field 1.
 */
function pssParams(params: Uint8Array | undefined): { hash: HashAlg; saltLength: number } {
  if (!params) unsupported("RSASSA-PSS without parameters means SHA-1");
  const seq = derWhole(params, Tag.SEQUENCE, "RSASSA-PSS-params");
  let hash: HashAlg | undefined;
  let mgfHash: HashAlg | undefined;
  let saltLength = 20;
  let lastTag = 0;
  for (const f of derElements(seq.contents, 4, "RSASSA-PSS-params")) {
    if (f.tag <= lastTag) malformed("RSASSA-PSS-params fields out of order");
    lastTag = f.tag;
    const inner = f.contents;
    if (f.tag === 0xa0) hash = hashOf(inner);
    else if (f.tag === 0xa1) {
      const el = derWhole(inner, Tag.SEQUENCE, "RSASSA-PSS-params maskGenAlgorithm");
      const [oid, p, extra] = derElements(el.contents, 3, "RSASSA-PSS-params maskGenAlgorithm");
      if (!p || extra) malformed("RSASSA-PSS-params: bad maskGenAlgorithm");
      if (derOid(oid, "RSASSA-PSS-params maskGenAlgorithm") !== SIG.mgf1)
        unsupported("RSASSA-PSS with a mask generation function other than MGF1");
      mgfHash = hashOf(el.contents.subarray(p.start, p.end));
    } else if (f.tag === 0xa2) {
      const i = derWhole(inner, Tag.INTEGER, "RSASSA-PSS-params saltLength");
      if (i.contents.length === 0 || i.contents.length > 2) {
        malformed("RSASSA-PSS-params: bad saltLength");
      }
      if (((i.contents[0] as number) & 0x80) !== 0) malformed("RSASSA-PSS-params: negative saltLength");
      saltLength = 0;
      for (const b of i.contents) saltLength = saltLength * 256 + b;
    } else if (f.tag === 0xa3) {
      const i = derWhole(inner, Tag.INTEGER, "RSASSA-PSS-params trailerField");
      if (i.contents.length !== 1 || i.contents[0] !== 1) {
        malformed("RSASSA-PSS-params: trailerField must be 1");
      }
    } else malformed("RSASSA-PSS-params: unknown field");
  }
  if (!hash) unsupported("RSASSA-PSS with the default hash SHA-1");
  if (mgfHash !== hash) unsupported("RSASSA-PSS whose MGF1 hash differs from the message hash");
  return { hash, saltLength };
}

/**
 * Resolves a certificate or CRL signatureAlgorithm to a CryptoProvider algorithm, checking its parameters
 * (RFC 5758 §3.2: ECDSA parameters absent; RFC 4055 §5: PKCS #1 v1.5 parameters NULL or absent; RFC 8410 §3:
 * EdDSA parameters absent; RFC 9881 §2: ML-DSA parameters absent). Throws X509_UNSUPPORTED_ALG for anything else.
 *
 * @example
 * ```ts
 * resolveSignatureAlgorithm({ oid: "1.2.840.10045.4.3.2" }); // { alg: "ES256", kind: "ecdsa", hash: "SHA-256" }
 * ```
 */
export function resolveSignatureAlgorithm(id: AlgorithmIdentifier): ResolvedSignatureAlg {
  const p = id.parameters;
  const nullOrAbsent = () => {
    if (p && !bytesEqual(p, DER_NULL)) malformed(`signature algorithm ${id.oid}: parameters must be NULL or absent`);
  };
  const absent = () => {
    if (p) malformed(`signature algorithm ${id.oid}: parameters must be absent`);
  };
  switch (id.oid) {
    case SIG.ecdsaSha256:
      absent();
      return { alg: "ES256", kind: "ecdsa", hash: "SHA-256" };
    case SIG.ecdsaSha384:
      absent();
      return { alg: "ES384", kind: "ecdsa", hash: "SHA-384" };
    case SIG.ecdsaSha512:
      absent();
      return { alg: "ES512", kind: "ecdsa", hash: "SHA-512" };
    case SIG.ed25519:
      absent();
      return { alg: "Ed25519", kind: "eddsa" };
    case SIG.ed448:
      absent();
      return { alg: "Ed448", kind: "eddsa" };
    case SIG.rsaSha256:
      nullOrAbsent();
      return { alg: "RS256", kind: "rsa-pkcs1", hash: "SHA-256" };
    case SIG.rsaSha384:
      nullOrAbsent();
      return { alg: "RS384", kind: "rsa-pkcs1", hash: "SHA-384" };
    case SIG.rsaSha512:
      nullOrAbsent();
      return { alg: "RS512", kind: "rsa-pkcs1", hash: "SHA-512" };
    case SIG.rsaPss: {
      const { hash, saltLength } = pssParams(p);
      const alg: SignatureAlg = hash === "SHA-256" ? "PS256" : hash === "SHA-384" ? "PS384" : "PS512";
      return { alg, kind: "rsa-pss", hash, pssSaltLength: saltLength };
    }
    default: {
      const mlDsa = Object.hasOwn(ML_DSA_SIG, id.oid) ? ML_DSA_SIG[id.oid] : undefined;
      if (mlDsa === undefined) return unsupported(`signature algorithm ${id.oid} is not supported`);
      absent();
      return { alg: mlDsa, kind: "ml-dsa" };
    }
  }
}

/** Bit length of an RSA modulus given as big-endian bytes. */
export function rsaModulusBits(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i] as number));
}

/**
 * Whether `key` is of the type `r` signs with (EC for ECDSA, the same curve for EdDSA, RSA for PKCS #1 / PSS, an
 * AKP key of the same parameter set for ML-DSA): a key of another type cannot have made the signature.
 *
 * @example
 * ```ts
 * keyFitsAlgorithm(resolveSignatureAlgorithm(cert.signatureAlgorithm), issuer.publicKey); // true
 * ```
 */
export function keyFitsAlgorithm(r: ResolvedSignatureAlg, key: PublicKey): boolean {
  if (r.kind === "ecdsa") return key.kty === "EC";
  if (r.kind === "eddsa") return key.kty === "OKP" && key.crv === r.alg;
  // RFC 9881 §4: an ML-DSA key is bound to its one parameter set.
  if (r.kind === "ml-dsa") return key.kty === "AKP" && key.alg === r.alg;
  return key.kty === "RSA";
}

/**
 * The profile's rule on a signature algorithm with a given issuer key: the key type must fit the algorithm; webpki
 * (CA/B Forum BR §7.1.3.2) allows only ECDSA P-256/SHA-256 and P-384/SHA-384, RSASSA-PKCS1-v1_5 and RSASSA-PSS
 * (salt = hash length) with SHA-256/384/512 (no EdDSA, no ML-DSA). Throws X509_UNSUPPORTED_ALG or X509_PROFILE.
 *
 * @example
 * ```ts
 * checkAlgorithmForKey(resolveSignatureAlgorithm(cert.signatureAlgorithm), issuer.publicKey, "webpki");
 * ```
 */
export function checkAlgorithmForKey(r: ResolvedSignatureAlg, key: PublicKey, profile: Profile): void {
  if (!keyFitsAlgorithm(r, key)) {
    const need = r.kind === "ecdsa" ? "an EC" : r.kind === "eddsa" || r.kind === "ml-dsa" ? `an ${r.alg}` : "an RSA";
    unsupported(`${r.alg} needs ${need} key`);
  }
  switch (r.kind) {
    case "ecdsa": {
      if (profile === "webpki" && key.kty === "EC") {
        const ok = (key.crv === "P-256" && r.hash === "SHA-256") || (key.crv === "P-384" && r.hash === "SHA-384");
        if (!ok) throw new RotkitError("X509_PROFILE", `webpki: ECDSA ${key.crv} with ${r.hash} is not allowed`);
      }
      return;
    }
    case "eddsa":
    case "ml-dsa":
      if (profile === "webpki") throw new RotkitError("X509_PROFILE", `webpki: ${r.alg} signatures are not allowed`);
      return;
    case "rsa-pkcs1":
    case "rsa-pss":
      if (r.kind === "rsa-pss" && profile === "webpki" && r.pssSaltLength !== HASH_LEN[r.hash as HashAlg]) {
        throw new RotkitError("X509_PROFILE", "webpki: RSASSA-PSS salt length must equal the hash length");
      }
      return;
  }
}

/**
 * Verifies `signature` over `tbs` with the issuer's key. Returns false when the signature does not verify; throws
 * X509_UNSUPPORTED_ALG / X509_PROFILE when the algorithm or key is not acceptable.
 *
 * @example
 * ```ts
 * const ok = await verifySigned(cert.signatureAlgorithm, issuer.publicKey, cert.tbs, cert.signature, provider, "rfc5280");
 * ```
 */
export async function verifySigned(
  algId: AlgorithmIdentifier,
  key: PublicKey | undefined,
  tbs: Uint8Array,
  signature: Uint8Array,
  provider: CryptoProvider,
  profile: Profile,
): Promise<boolean> {
  if (!key) unsupported("the issuer's public key algorithm is not supported");
  const r = resolveSignatureAlgorithm(algId);
  checkAlgorithmForKey(r, key, profile);
  try {
    const opts =
      r.kind === "ecdsa"
        ? { format: "der" as const }
        : r.kind === "rsa-pss"
          ? { pssSaltLength: r.pssSaltLength as number }
          : {};
    return await provider.verify(r.alg, key, tbs, signature, opts);
  } catch (e) {
    if (e instanceof RotkitError && e.code === "CRYPTO_UNSUPPORTED_ALG") unsupported(e.message);
    if (e instanceof RotkitError && e.code === "CRYPTO_INVALID_KEY") {
      throw new RotkitError("X509_UNSUPPORTED_ALG", `issuer key not usable: ${e.message}`, { cause: e });
    }
    if (e instanceof RotkitError && e.code === "CRYPTO_INVALID_SIGNATURE_FORMAT") return false;
    throw e;
  }
}
