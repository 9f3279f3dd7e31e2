import {
  bytesEqual,
  type Clock,
  type CryptoProvider,
  type PublicKey,
  RotkitError,
  rsaPkcs1Sha1Verify,
  systemClock,
} from "@rotkit/core";
import { type ParseOptions, parseCertificate } from "../cert.js";
import { algorithmIdentifierEquals } from "../der/algorithm.js";
import { OID_AUTHORITY_KEY_IDENTIFIER, OID_CRL_DISTRIBUTION_POINTS } from "../extensions/oids.js";
import { nameEquals, nameToString } from "../names.js";
import { verifySigned } from "../signature.js";
import { type Certificate, KeyUsageBit } from "../types.js";
import { parseAttributeCertificate } from "./parse.js";
import type { AttributeCertificate } from "./types.js";

// Verifying an attribute certificate (RFC 5755 §5): the signature under the AC issuer's key, the AC issuer's PKC
// usable for signatures (§4.5), the validity period at the caller's clock, and every critical extension understood.
// Validating the issuer's own certification path is the caller's job (validatePath), as is deciding whether that
// issuer is trusted to issue these attributes.

/** authorityInfoAccess (RFC 5280 §4.2.2.1). */
const OID_AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1";
/** id-ce-noRevAvail (RFC 5755 §4.3.6). */
const OID_NO_REV_AVAIL = "2.5.29.56";

/** sha1WithRSAEncryption (RFC 3279 §2.2.1): the only SHA-1 algorithm `allowSha1` admits. */
const OID_SHA1_WITH_RSA = "1.2.840.113549.1.1.5";

/** The extensions RFC 5755 §4.3 defines that carry nothing a verifier must act on: accepted when critical. */
const INFORMATIONAL_EXTENSIONS: readonly string[] = [
  OID_AUTHORITY_KEY_IDENTIFIER,
  OID_AUTHORITY_INFO_ACCESS,
  OID_CRL_DISTRIBUTION_POINTS,
  OID_NO_REV_AVAIL,
];

/** Options of {@link verifyAttributeCertificate}. */
export interface VerifyAttributeCertificateOptions extends ParseOptions {
  /**
   * The AC issuer: its certificate (parsed or DER), whose subject must equal the AC's issuer name and whose keyUsage,
   * when present, must allow digitalSignature (RFC 5755 §4.5); or just its public key (no name check).
   */
  issuer: Certificate | Uint8Array | PublicKey;
  provider: CryptoProvider;
  /** The time the AC must be valid at; default the system clock. */
  clock?: Clock;
  /** Critical extension OIDs the caller processes itself (any other critical one is `X509_UNKNOWN_CRITICAL`). */
  processedCriticalExtensions?: readonly string[];
  /**
   * Legacy only: accept an RSASSA-PKCS1-v1_5 signature with SHA-1 (sha1WithRSAEncryption), which is otherwise
   * `X509_UNSUPPORTED_ALG`. For TCG platform certificates issued before the move to SHA-256 (e.g. Intel's 2017
   * credentials), whose issuer the caller already trusts. SHA-1 collisions are practical: never set this for
   * certificates an attacker could have had issued. Default false. Certification path validation has no such option.
   */
  allowSha1?: boolean;
}

function issuerKey(ac: AttributeCertificate, issuer: VerifyAttributeCertificateOptions["issuer"]): PublicKey {
  if (typeof issuer !== "object" || issuer === null) {
    throw new RotkitError("INVALID_ARGUMENT", "issuer must be a certificate (parsed or DER) or a public key");
  }
  if (issuer instanceof Uint8Array || "spki" in issuer) {
    const cert = issuer instanceof Uint8Array ? parseCertificate(issuer) : issuer;
    if (!nameEquals(ac.issuer, cert.subject)) {
      throw new RotkitError(
        "X509_NAME_CHAINING",
        `the AC issuer "${nameToString(ac.issuer)}" is not the certificate subject "${nameToString(cert.subject)}"`,
      );
    }
    const ku = cert.ext.keyUsage;
    if (ku !== undefined && (ku & (1 << KeyUsageBit.digitalSignature)) === 0) {
      throw new RotkitError(
        "X509_KEY_USAGE",
        "the AC issuer's keyUsage does not allow digitalSignature (RFC 5755 §4.5)",
      );
    }
    if (cert.publicKey === undefined) {
      throw new RotkitError(
        "X509_UNSUPPORTED_ALG",
        `the AC issuer's key is not supported (${cert.publicKeyAlgorithm.oid})`,
      );
    }
    return cert.publicKey;
  }
  return issuer;
}

/** sha1WithRSAEncryption under `allowSha1`; every other algorithm through the certificate verifier (SHA-1 refused). */
async function signatureVerifies(
  ac: AttributeCertificate,
  key: PublicKey,
  options: VerifyAttributeCertificateOptions,
): Promise<boolean> {
  const alg = ac.signatureAlgorithm;
  if (options.allowSha1 !== true || alg.oid !== OID_SHA1_WITH_RSA) {
    return verifySigned(alg, key, ac.tbs, ac.signature, options.provider, "rfc5280");
  }
  // RFC 3279 §2.2.1: the parameters are NULL (absent tolerated, as RFC 4055 §5 does for the SHA-2 forms).
  if (alg.parameters !== undefined && !bytesEqual(alg.parameters, Uint8Array.of(0x05, 0x00))) {
    throw new RotkitError("X509_MALFORMED", "sha1WithRSAEncryption: parameters must be NULL or absent");
  }
  if (key.kty !== "RSA") throw new RotkitError("X509_UNSUPPORTED_ALG", "sha1WithRSAEncryption needs an RSA key");
  try {
    return rsaPkcs1Sha1Verify(key, ac.tbs, ac.signature);
  } catch (e) {
    if (e instanceof RotkitError && e.code === "CRYPTO_INVALID_KEY") {
      throw new RotkitError("X509_UNSUPPORTED_ALG", `issuer key not usable: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/**
 * Checks the validity period of an attribute certificate at `clock` (RFC 5755 §5: "the time for which the AC is being
 * evaluated is within the AC validity"). Throws `X509_NOT_YET_VALID` or `X509_EXPIRED`.
 *
 * @example
 * ```ts
 * checkAttributeCertificateValidity(ac, fixedClock(new Date("2024-01-01T00:00:00Z")));
 * ```
 */
export function checkAttributeCertificateValidity(ac: AttributeCertificate, clock: Clock): void {
  const now = Math.floor(clock.now());
  if (now < ac.notBefore) throw new RotkitError("X509_NOT_YET_VALID", "attribute certificate is not yet valid");
  if (now > ac.notAfter) throw new RotkitError("X509_EXPIRED", "attribute certificate has expired");
}

/**
 * Verifies an attribute certificate (RFC 5755 §5) and returns it: the acinfo signature algorithm equals the outer one,
 * every critical extension is understood (authorityKeyIdentifier, authorityInfoAccess, cRLDistributionPoints,
 * noRevAvail, plus the caller's `processedCriticalExtensions`), the issuer checks of
 * {@link VerifyAttributeCertificateOptions.issuer}, the signature (`X509_BAD_SIGNATURE`; SHA-1 and other refused
 * algorithms are `X509_UNSUPPORTED_ALG`, except sha1WithRSAEncryption under the legacy-only
 * {@link VerifyAttributeCertificateOptions.allowSha1}), then the validity period at `clock`.
 *
 * @example
 * ```ts
 * const ac = await verifyAttributeCertificate(der, { issuer: issuerCertDer, provider: webCryptoProvider(), clock });
 * // a 2017 SHA-1 TCG platform certificate from an issuer the caller trusts:
 * await verifyAttributeCertificate(legacyDer, { issuer: intelCert, provider, clock, allowSha1: true });
 * ```
 */
export async function verifyAttributeCertificate(
  input: Uint8Array | AttributeCertificate,
  options: VerifyAttributeCertificateOptions,
): Promise<AttributeCertificate> {
  const ac = input instanceof Uint8Array ? parseAttributeCertificate(input, options) : input;
  if (!algorithmIdentifierEquals(ac.signatureAlgorithm, ac.tbsSignatureAlgorithm)) {
    throw new RotkitError("X509_MALFORMED", "signatureAlgorithm differs from acinfo.signature (RFC 5755 §4.2.4)");
  }
  const processed = [...INFORMATIONAL_EXTENSIONS, ...(options.processedCriticalExtensions ?? [])];
  for (const e of ac.extensions) {
    if (e.critical && !processed.includes(e.oid)) {
      throw new RotkitError("X509_UNKNOWN_CRITICAL", `critical extension ${e.oid} is not processed`);
    }
  }
  const key = issuerKey(ac, options.issuer);
  if (!(await signatureVerifies(ac, key, options))) {
    throw new RotkitError("X509_BAD_SIGNATURE", "attribute certificate signature does not verify with the issuer key");
  }
  checkAttributeCertificateValidity(ac, options.clock ?? systemClock());
  return ac;
}

/**
 * True when the AC's holder names `cert` by baseCertificateID (RFC 5755 §4.2.2): an issuer directoryName equal to the
 * certificate's issuer and the same serial number. For a TCG platform certificate, `cert` is the TPM's EK certificate.
 *
 * @example
 * ```ts
 * if (!attributeCertificateHolderMatches(ac, ekCert)) throw new Error("platform certificate is for another TPM");
 * ```
 */
export function attributeCertificateHolderMatches(ac: AttributeCertificate, cert: Certificate): boolean {
  const base = ac.holder.baseCertificateId;
  if (base === undefined) return false;
  const s = base.serial;
  const t = cert.serialNumber;
  if (s.length !== t.length || s.some((b, i) => b !== t[i])) return false;
  return base.issuer.some((g) => g.type === "dn" && nameEquals(g.value, cert.issuer));
}
