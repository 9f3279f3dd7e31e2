import { type DerElement, type PublicKey, publicKeyFromSpki, RotkitError, type RotkitErrorCode } from "@rotkit/core";
import { parseAttributeElement, type RawAttribute, singleValue } from "./attribute-cert/attribute.js";
import { parseBounded } from "./attribute-cert/entry.js";
import { type ParseOptions, parseExtensionsElement, signedEnvelope } from "./cert.js";
import { derAlgorithmIdentifier } from "./der/algorithm.js";
import { malformed } from "./der/errors.js";
import { noteIssue, type ProfileIssue } from "./der/issues.js";
import { derBitString, derSmallUint } from "./der/primitives.js";
import { derElements, derWhole, Tag, type X509Limits } from "./der/read.js";
import { decodeKnownExtensions } from "./extensions/decode.js";
import { parseNameElement } from "./names.js";
import { pemBlocks } from "./pem.js";
import type { AlgorithmIdentifier, Extension, KnownExtensions, Name } from "./types.js";

// PKCS #10 certification requests, RFC 2986 §4:
//   CertificationRequest ::= SEQUENCE { certificationRequestInfo CertificationRequestInfo,
//                                       signatureAlgorithm AlgorithmIdentifier, signature BIT STRING }
//   CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) }, subject Name,
//     subjectPKInfo SubjectPublicKeyInfo, attributes [0] Attributes }
//   Attributes ::= SET OF Attribute
// extensionRequest (PKCS #9, RFC 2985 §5.4.2, 1.2.840.113549.1.9.14) carries the Extensions the requester asks for;
// it is decoded with the certificate extension parsers. Other attributes stay DER with their type.

/** PKCS #9 extensionRequest (RFC 2985 §5.4.2). */
export const OID_EXTENSION_REQUEST = "1.2.840.113549.1.9.14";

/** A parsed PKCS #10 certification request. */
export interface CertificationRequest {
  der: Uint8Array;
  /** DER of CertificationRequestInfo: what the signature covers. */
  tbs: Uint8Array;
  /** v1 (encoded 0), the only version RFC 2986 defines. */
  version: 1;
  subject: Name;
  /** DER of SubjectPublicKeyInfo. */
  spki: Uint8Array;
  publicKeyAlgorithm: AlgorithmIdentifier;
  /** The requester's public key when rotkit supports its algorithm, else undefined (`publicKeyError` says why). */
  publicKey?: PublicKey;
  publicKeyError?: RotkitErrorCode;
  /** The extensions of the extensionRequest attribute, in order (empty without one). */
  extensions: Extension[];
  /** The requested extensions x509 decodes (basicConstraints, keyUsage, extKeyUsage, subjectAltName, ...). */
  ext: KnownExtensions;
  /** Every attribute other than extensionRequest, each value kept as DER. */
  attributes: RawAttribute[];
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  /** Tolerated deviations found while parsing (DER canonical form). */
  encodingIssues: ProfileIssue[];
}

/** X.690 §11.6: SET OF elements in ascending order of their encodings (recorded, the value is unambiguous). */
function checkSetOrder(contents: Uint8Array, els: readonly DerElement[], issues: ProfileIssue[]): void {
  for (let k = 1; k < els.length; k++) {
    const a = contents.subarray((els[k - 1] as DerElement).start, (els[k - 1] as DerElement).end);
    const b = contents.subarray((els[k] as DerElement).start, (els[k] as DerElement).end);
    let d = 0;
    for (let i = 0; i < Math.min(a.length, b.length) && d === 0; i++) d = (a[i] as number) - (b[i] as number);
    if (d > 0 || (d === 0 && a.length > b.length)) noteIssue(issues, "der-set-unsorted");
  }
}

function parse(bytes: Uint8Array, limits: X509Limits): CertificationRequest {
  const issues: ProfileIssue[] = [];
  // The outer SIGNED{} shape is the one RFC 5280 certificates use.
  const env = signedEnvelope(bytes, "CertificationRequest", "certificationRequestInfo", issues);
  const info = env.tbs.contents;
  const [versionEl, subjectEl, spkiEl, attrsEl, extra] = derElements(info, 5, "CertificationRequestInfo");
  if (attrsEl === undefined || extra !== undefined) {
    return malformed("CertificationRequestInfo must be SEQUENCE { version, subject, subjectPKInfo, attributes [0] }");
  }
  const v = derSmallUint(versionEl as DerElement, "version", 0xff);
  if (v !== 0) malformed(`version: RFC 2986 defines only v1 (0), found ${v}`);
  const subject = parseNameElement(info, subjectEl as DerElement, "subject", limits.maxElements, issues);
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  const spkiDer = spkiEl as DerElement;
  if (spkiDer.tag !== Tag.SEQUENCE) malformed("subjectPKInfo must be a SEQUENCE", spkiDer.start);
  const sp = derElements(spkiDer.contents, 2, "subjectPKInfo");
  if (sp.length !== 2) malformed("subjectPKInfo must be SEQUENCE { algorithm, subjectPublicKey }", spkiDer.start);
  const publicKeyAlgorithm = derAlgorithmIdentifier(sp[0] as DerElement, "subjectPKInfo.algorithm");
  derBitString(sp[1] as DerElement, "subjectPublicKey");

  // attributes [0] IMPLICIT SET OF Attribute: required (possibly empty).
  if (attrsEl.tag !== 0xa0) malformed("attributes: expected [0] IMPLICIT SET OF Attribute", attrsEl.start);
  const attrEls = derElements(attrsEl.contents, limits.maxElements, "attributes");
  checkSetOrder(attrsEl.contents, attrEls, issues);
  const attributes: RawAttribute[] = [];
  let extensions: Extension[] = [];
  const seen = new Set<string>();
  for (const el of attrEls) {
    const attr = parseAttributeElement(el, "attributes", limits.maxElements);
    // Two instances of one attribute type (two extensionRequests above all) would be ambiguous.
    if (seen.has(attr.oid)) malformed(`attributes: ${attr.oid} appears twice`, el.start);
    seen.add(attr.oid);
    if (attr.oid !== OID_EXTENSION_REQUEST) {
      attributes.push(attr);
      continue;
    }
    // RFC 2985 §5.4.2: extensionRequest is single-valued, its value an Extensions SEQUENCE.
    const value = singleValue(attr, "extensionRequest");
    extensions = parseExtensionsElement(
      derWhole(value, Tag.SEQUENCE, "extensionRequest"),
      "extensionRequest",
      limits.maxElements,
      issues,
    );
  }
  const spki = info.subarray(spkiDer.start, spkiDer.end);
  const csr: CertificationRequest = {
    der: bytes,
    tbs: env.tbsBytes,
    version: 1,
    subject,
    spki,
    publicKeyAlgorithm,
    extensions,
    ext: decodeKnownExtensions(extensions, issues),
    attributes,
    signatureAlgorithm: env.signatureAlgorithm,
    signature: env.signature,
    encodingIssues: issues,
  };
  try {
    csr.publicKey = publicKeyFromSpki(spki);
  } catch (e) {
    csr.publicKeyError = e instanceof RotkitError ? e.code : "CRYPTO_INVALID_KEY";
  }
  return csr;
}

/**
 * Parses a DER PKCS #10 certification request (RFC 2986 §4) strictly: the requested extensions (extensionRequest)
 * are decoded like a certificate's (`extensions`, `ext`), other attributes are kept as DER. Throws `X509_MALFORMED`
 * when the input is not DER of the ASN.1 (or a known requested extension does not decode, or one appears twice).
 * Nothing is verified: {@link verifyCertificationRequest} checks the proof of possession.
 *
 * @example
 * ```ts
 * const csr = parseCertificationRequest(der);
 * nameToString(csr.subject);         // "serialNumber=7FFE…,CN=Caliptra 2.1 Ecc384 IDevID"
 * csr.ext.basicConstraints?.ca;      // true
 * ```
 */
export function parseCertificationRequest(der: Uint8Array, options?: ParseOptions): CertificationRequest {
  return parseBounded(der, "certification request", options, parse);
}

/**
 * Parses every `-----BEGIN CERTIFICATE REQUEST-----` block of `text`, in order (RFC 7468 §7).
 *
 * @example
 * ```ts
 * const [csr] = parseCertificationRequestPem(pemText);
 * ```
 */
export function parseCertificationRequestPem(text: string, options?: ParseOptions): CertificationRequest[] {
  return pemBlocks(text, "CERTIFICATE REQUEST").map((der) => parseCertificationRequest(der, options));
}
