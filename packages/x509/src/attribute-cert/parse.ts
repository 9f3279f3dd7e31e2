import type { DerElement } from "@rotkit/core";
import { type ParseOptions, parseExtensionsElement, signedEnvelope } from "../cert.js";
import { derAlgorithmIdentifier } from "../der/algorithm.js";
import { malformed } from "../der/errors.js";
import { noteIssue, type ProfileIssue } from "../der/issues.js";
import { derOid } from "../der/oid.js";
import { derBitString, derInteger, derSmallUint } from "../der/primitives.js";
import { derElements, Tag, type X509Limits } from "../der/read.js";
import { derTime } from "../der/time.js";
import { decodeKnownExtensions } from "../extensions/decode.js";
import { parseGeneralNamesContents } from "../extensions/general-names.js";
import { OID_SUBJECT_ALT_NAME } from "../extensions/oids.js";
import { pemBlocks } from "../pem.js";
import type { Name } from "../types.js";
import { parseAttributeElement, type RawAttribute } from "./attribute.js";
import { parseBounded } from "./entry.js";
import type { AttributeCertificate, AttributeCertificateHolder, IssuerSerial, ObjectDigestInfo } from "./types.js";

// Attribute certificates, RFC 5755 §4.1 (module PKIXAttributeCertificate, IMPLICIT TAGS):
//   AttributeCertificate ::= SEQUENCE { acinfo AttributeCertificateInfo, signatureAlgorithm AlgorithmIdentifier,
//                                       signatureValue BIT STRING }
//   AttributeCertificateInfo ::= SEQUENCE { version AttCertVersion (v2), holder Holder, issuer AttCertIssuer,
//     signature AlgorithmIdentifier, serialNumber CertificateSerialNumber, attrCertValidityPeriod AttCertValidityPeriod,
//     attributes SEQUENCE OF Attribute, issuerUniqueID UniqueIdentifier OPTIONAL, extensions Extensions OPTIONAL }
//   Holder ::= SEQUENCE { baseCertificateID [0] IssuerSerial OPTIONAL, entityName [1] GeneralNames OPTIONAL,
//                         objectDigestInfo [2] ObjectDigestInfo OPTIONAL }
//   AttCertIssuer ::= CHOICE { v1Form GeneralNames, v2Form [0] V2Form }
//   V2Form ::= SEQUENCE { issuerName GeneralNames OPTIONAL, baseCertificateID [0] IssuerSerial OPTIONAL,
//                         objectDigestInfo [1] ObjectDigestInfo OPTIONAL }
//   IssuerSerial ::= SEQUENCE { issuer GeneralNames, serial CertificateSerialNumber, issuerUID UniqueIdentifier OPTIONAL }
//   ObjectDigestInfo ::= SEQUENCE { digestedObjectType ENUMERATED { publicKey(0), publicKeyCert(1),
//     otherObjectTypes(2) }, otherObjectTypeID OBJECT IDENTIFIER OPTIONAL, digestAlgorithm AlgorithmIdentifier,
//     objectDigest BIT STRING }
//   AttCertValidityPeriod ::= SEQUENCE { notBeforeTime GeneralizedTime, notAfterTime GeneralizedTime }
// Anything that is not DER of this ASN.1, and the §4.2 MUSTs a parser can see (version v2, v2Form with one
// directoryName, GeneralizedTime, at least one attribute, one instance per attribute type), is X509_MALFORMED.

const DIGESTED_OBJECT_TYPES = ["publicKey", "publicKeyCert", "otherObjectTypes"] as const;

/**
 * IssuerSerial's fields from `contents` (the SEQUENCE's contents, or those of an IMPLICIT `[n]` in its place).
 *
 * @example
 * ```ts
 * const base = parseIssuerSerialContents(el.contents, "baseCertificateID", 1024);
 * ```
 */
export function parseIssuerSerialContents(contents: Uint8Array, what: string, maxElements: number): IssuerSerial {
  const [issuerEl, serialEl, uidEl, extra] = derElements(contents, 4, what);
  if (issuerEl === undefined || serialEl === undefined || extra !== undefined || issuerEl.tag !== Tag.SEQUENCE) {
    return malformed(`${what}: expected IssuerSerial { issuer GeneralNames, serial, issuerUID OPTIONAL }`);
  }
  const out: IssuerSerial = {
    issuer: parseGeneralNamesContents(issuerEl.contents, `${what} issuer`, maxElements),
    serial: derInteger(serialEl, `${what} serial`),
  };
  if (uidEl !== undefined) out.issuerUid = derBitString(uidEl, `${what} issuerUID`).bytes;
  return out;
}

function objectDigestInfo(contents: Uint8Array, what: string): ObjectDigestInfo {
  const f = derElements(contents, 4, what);
  let i = 0;
  const typeEl = f[i++];
  if (typeEl === undefined) return malformed(`${what}: empty ObjectDigestInfo`);
  const t = derSmallUint(typeEl, `${what} digestedObjectType`, 2, false, Tag.ENUMERATED);
  const out = { digestedObjectType: DIGESTED_OBJECT_TYPES[t] } as ObjectDigestInfo;
  if (f[i]?.tag === Tag.OID) out.otherObjectTypeId = derOid(f[i++], `${what} otherObjectTypeID`);
  const algEl = f[i++];
  const digestEl = f[i++];
  if (algEl === undefined || digestEl === undefined || i !== f.length) {
    return malformed(`${what}: expected digestAlgorithm and objectDigest`);
  }
  out.digestAlgorithm = derAlgorithmIdentifier(algEl, `${what} digestAlgorithm`);
  out.objectDigest = derBitString(digestEl, `${what} objectDigest`).bytes;
  return out;
}

function holder(el: DerElement, maxElements: number): AttributeCertificateHolder {
  if (el.tag !== Tag.SEQUENCE) malformed("holder must be a SEQUENCE", el.start);
  const out: AttributeCertificateHolder = {};
  let last = -1;
  for (const f of derElements(el.contents, 3, "holder")) {
    // All three are IMPLICIT over SEQUENCE types: constructed [0]..[2], each at most once and in order.
    const n = f.tag - 0xa0;
    if (n < 0 || n > 2 || n <= last) malformed(`holder: unexpected field (tag 0x${f.tag.toString(16)})`, f.start);
    last = n;
    if (n === 0) out.baseCertificateId = parseIssuerSerialContents(f.contents, "holder baseCertificateID", maxElements);
    else if (n === 1) out.entityName = parseGeneralNamesContents(f.contents, "holder entityName", maxElements);
    else out.objectDigestInfo = objectDigestInfo(f.contents, "holder objectDigestInfo");
  }
  return out;
}

/** AttCertIssuer: only v2Form, with issuerName holding exactly one non-empty directoryName (RFC 5755 §4.2.3). */
function issuerName(el: DerElement, maxElements: number): Name {
  if (el.tag !== 0xa0) malformed("issuer: RFC 5755 §4.2.3 requires v2Form ([0])", el.start);
  const [names, extra] = derElements(el.contents, 3, "issuer v2Form");
  if (names === undefined || names.tag !== Tag.SEQUENCE) malformed("issuer: v2Form must hold issuerName", el.start);
  if (extra !== undefined)
    malformed("issuer: v2Form baseCertificateID / objectDigestInfo MUST NOT be present", el.start);
  const gn = parseGeneralNamesContents(names.contents, "issuer issuerName", maxElements);
  const dn = gn[0];
  if (gn.length !== 1 || dn?.type !== "dn" || dn.value.rdns.length === 0) {
    return malformed("issuer: issuerName must be exactly one non-empty directoryName (RFC 5755 §4.2.3)", el.start);
  }
  return dn.value;
}

function attributes(el: DerElement, maxElements: number): RawAttribute[] {
  if (el.tag !== Tag.SEQUENCE) malformed("attributes must be a SEQUENCE", el.start);
  const out: RawAttribute[] = [];
  const seen = new Set<string>();
  for (const a of derElements(el.contents, maxElements, "attributes")) {
    const attr = parseAttributeElement(a, "attributes", maxElements);
    // RFC 5755 §4.2.7: one instance per attribute type, and at least one attribute.
    if (seen.has(attr.oid)) malformed(`attributes: ${attr.oid} appears twice`, a.start);
    seen.add(attr.oid);
    out.push(attr);
  }
  if (out.length === 0) malformed("attributes: an attribute certificate MUST contain at least one attribute");
  return out;
}

function generalizedTime(el: DerElement | undefined, what: string): number {
  if (el === undefined || el.tag !== Tag.GENERALIZED_TIME)
    malformed(`${what}: GeneralizedTime expected (RFC 5755 §4.2.6)`);
  return derTime(el, what);
}

function parse(bytes: Uint8Array, limits: X509Limits): AttributeCertificate {
  const issues: ProfileIssue[] = [];
  // The outer SIGNED{} shape is the one RFC 5280 certificates use.
  const env = signedEnvelope(bytes, "AttributeCertificate", "acinfo", issues);
  const f = derElements(env.tbs.contents, 9, "AttributeCertificateInfo");
  const [versionEl, holderEl, issuerEl, algEl, serialEl, validityEl, attrsEl] = f;
  if (attrsEl === undefined) return malformed("AttributeCertificateInfo: missing fields");
  const v = derSmallUint(versionEl as DerElement, "version", 0xff);
  if (v !== 1) malformed(`version: only v2 (1) is allowed (RFC 5755 §4.2.1), found ${v}`);
  if ((validityEl as DerElement).tag !== Tag.SEQUENCE) malformed("attrCertValidityPeriod must be a SEQUENCE");
  const period = derElements((validityEl as DerElement).contents, 2, "attrCertValidityPeriod");
  const serialNumber = derInteger(serialEl as DerElement, "serialNumber");
  const ac: AttributeCertificate = {
    der: bytes,
    tbs: env.tbsBytes,
    version: 2,
    holder: holder(holderEl as DerElement, limits.maxElements),
    issuer: issuerName(issuerEl as DerElement, limits.maxElements),
    signatureAlgorithm: env.signatureAlgorithm,
    tbsSignatureAlgorithm: derAlgorithmIdentifier(algEl as DerElement, "signature"),
    signature: env.signature,
    serialNumber,
    notBefore: generalizedTime(period[0], "notBeforeTime"),
    notAfter: generalizedTime(period[1], "notAfterTime"),
    attributes: attributes(attrsEl, limits.maxElements),
    extensions: [],
    ext: {},
    encodingIssues: issues,
  };
  // §4.2.5: a positive integer of at most 20 octets — recorded like RFC 5280 §4.1.2.2.
  if (serialNumber.length > 20 + (serialNumber[0] === 0 ? 1 : 0)) noteIssue(issues, "serial-too-long");
  if (((serialNumber[0] as number) & 0x80) !== 0 || (serialNumber.length === 1 && serialNumber[0] === 0))
    noteIssue(issues, "serial-not-positive");
  let i = 7;
  const uid = f[i];
  if (uid?.tag === Tag.BIT_STRING) {
    ac.issuerUniqueId = derBitString(uid, "issuerUniqueID").bytes;
    i++;
  }
  const extEl = f[i];
  if (extEl !== undefined) {
    ac.extensions = parseExtensionsElement(extEl, "extensions", limits.maxElements, issues);
    // subjectAltName is not an AC extension (RFC 5755 §4.3; an AC has no subject): the profile that puts one there
    // decodes it (TCG platform certificates: the platform identity, decodeTcgPlatformAttributes).
    ac.ext = decodeKnownExtensions(
      ac.extensions.filter((e) => e.oid !== OID_SUBJECT_ALT_NAME),
      issues,
    );
    i++;
  }
  if (i !== f.length) malformed("AttributeCertificateInfo: unexpected trailing field", f[i]?.start);
  return ac;
}

/**
 * Parses a DER attribute certificate (RFC 5755 §4.1) strictly. The result keeps the exact bytes the signature covers
 * (`der`, `tbs`) as subarrays of a private copy of the input; each attribute value stays DER with its type OID
 * (decode TCG platform attributes with {@link decodeTcgPlatformAttributes}). Throws `X509_MALFORMED` for anything
 * that is not DER of the ASN.1 or breaks a §4.2 rule a parser can see. Nothing is verified: see
 * {@link verifyAttributeCertificate}.
 *
 * @example
 * ```ts
 * const ac = parseAttributeCertificate(der);
 * nameToString(ac.issuer);                  // "CN=www.intel.com,OU=...,O=Intel Corporation,..."
 * ac.attributes.map((a) => a.oid);          // ["2.23.133.2.17", "2.23.133.2.19", ...]
 * ```
 */
export function parseAttributeCertificate(der: Uint8Array, options?: ParseOptions): AttributeCertificate {
  return parseBounded(der, "attribute certificate", options, parse);
}

/**
 * Parses every `-----BEGIN ATTRIBUTE CERTIFICATE-----` block of `text`, in order (RFC 7468 §12).
 *
 * @example
 * ```ts
 * const [platformCert] = parseAttributeCertificatePem(pemText);
 * ```
 */
export function parseAttributeCertificatePem(text: string, options?: ParseOptions): AttributeCertificate[] {
  return pemBlocks(text, "ATTRIBUTE CERTIFICATE").map((der) => parseAttributeCertificate(der, options));
}
