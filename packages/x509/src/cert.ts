import { type DerElement, publicKeyFromSpki, RotkitError } from "@rotkit/core";
import { algorithmIdentifierEquals, derAlgorithmIdentifier } from "./der/algorithm.js";
import { asMalformed, malformed } from "./der/errors.js";
import { noteIssue, type ProfileIssue } from "./der/issues.js";
import { derOid } from "./der/oid.js";
import { derBitString, derBoolean, derInteger, derSmallUint } from "./der/primitives.js";
import { DEFAULT_X509_LIMITS, derElements, derRead, Tag, type X509Limits } from "./der/read.js";
import { derTime, UTC_TIME_END } from "./der/time.js";
import { decodeKnownExtensions } from "./extensions/decode.js";
import * as O from "./extensions/oids.js";
import { parseNameElement } from "./names.js";
import { pemBlocks } from "./pem.js";
import { type AlgorithmIdentifier, type Certificate, type Extension, KeyUsageBit } from "./types.js";

// X.509 certificates, RFC 5280 §4.1:
//   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier,
//                              signatureValue BIT STRING }
//   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER,
//     signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
//     subjectPublicKeyInfo SubjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT UniqueIdentifier OPTIONAL,
//     subjectUniqueID [2] IMPLICIT UniqueIdentifier OPTIONAL, extensions [3] EXPLICIT Extensions OPTIONAL }
// Not DER / not this ASN.1 → X509_MALFORMED. RFC 5280 profile rules and unambiguous DER canonical-form slips are
// recorded (encodingIssues / profileIssues) for the validator to judge per profile.

/** Options of {@link parseCertificate}. */
export interface ParseOptions {
  limits?: Partial<X509Limits>;
}

/** A certificate as {@link parseCertificate} returns it: `encodingIssues` always present. */
export interface ParsedCertificate extends Certificate {
  encodingIssues: ProfileIssue[];
}

function limitsOf(options: ParseOptions | undefined): X509Limits {
  const l = options?.limits;
  return l === undefined ? DEFAULT_X509_LIMITS : { ...DEFAULT_X509_LIMITS, ...l };
}

/** A signed object's outer SEQUENCE, read: the TBS element (within `der`) and the outer signature. */
export interface SignedEnvelope {
  tbs: DerElement;
  /** The DER of the TBS part: the bytes the signature covers. */
  tbsBytes: Uint8Array;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
}

/**
 * The outer structure that certificates (RFC 5280 §4.1) and CRLs (§5.1) share: exactly one
 * `SEQUENCE { tbs SEQUENCE, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }` filling `der`.
 *
 * A signatureValue whose bit length is not whole octets cannot be any algorithm's signature; its bytes are replaced
 * by an empty array (which verifies under no algorithm, so nothing malleable gets through) and the deviation is
 * recorded as `signature-not-octets` — the object still parses, its signature just fails (NIST PKITS 4.1.2 is such a
 * certificate).
 *
 * @example
 * ```ts
 * const { tbs, signatureAlgorithm, signature } = signedEnvelope(der, "Certificate", "tbsCertificate", issues);
 * ```
 */
export function signedEnvelope(
  der: Uint8Array,
  what: "Certificate" | "CertificateList" | "CertificationRequest" | "AttributeCertificate",
  tbsName: string,
  issues: ProfileIssue[],
): SignedEnvelope {
  const top = derRead(der, 0);
  if (top.tag !== Tag.SEQUENCE) malformed(`${what} must be a SEQUENCE`, 0);
  if (top.end !== der.length) malformed(`trailing bytes after the ${what}`, top.end);
  const [tbs, sigAlgEl, sigEl] = derElements(top.contents, 3, what);
  if (tbs === undefined || sigAlgEl === undefined || sigEl === undefined || tbs.tag !== Tag.SEQUENCE) {
    return malformed(`${what} must be SEQUENCE { ${tbsName}, signatureAlgorithm, signatureValue }`);
  }
  const signatureAlgorithm = derAlgorithmIdentifier(sigAlgEl, "signatureAlgorithm");
  const bs = derBitString(sigEl, "signatureValue");
  let signature = bs.bytes;
  if (bs.unusedBits !== 0) {
    noteIssue(issues, "signature-not-octets");
    signature = new Uint8Array(0);
  }
  return { tbs, tbsBytes: top.contents.subarray(tbs.start, tbs.end), signatureAlgorithm, signature };
}

/** Reads a Time and records GeneralizedTime used for a date UTCTime must carry (RFC 5280 §4.1.2.5). */
function time(el: DerElement | undefined, what: string, issues: ProfileIssue[]): number {
  if (el === undefined) malformed(`${what}: missing`);
  const t = derTime(el, what);
  if (el.tag === Tag.GENERALIZED_TIME && t < UTC_TIME_END) noteIssue(issues, "time-encoding");
  return t;
}

/**
 * Parses Extensions (SEQUENCE SIZE (1..MAX) OF Extension { extnID, critical BOOLEAN DEFAULT FALSE, extnValue
 * OCTET STRING }). A repeated extnID throws (RFC 5280 §4.2: a certificate MUST NOT include more than one instance).
 *
 * @example
 * ```ts
 * const exts = parseExtensionsElement(seqEl, "crlExtensions", 1024, issues);
 * ```
 */
export function parseExtensionsElement(
  el: DerElement,
  what: string,
  maxElements: number,
  issues: ProfileIssue[],
): Extension[] {
  if (el.tag !== Tag.SEQUENCE) malformed(`${what}: Extensions must be a SEQUENCE`, el.start);
  const items = derElements(el.contents, maxElements, what);
  if (items.length === 0) noteIssue(issues, "empty-extensions");
  const out: Extension[] = [];
  for (const item of items) {
    if (item.tag !== Tag.SEQUENCE) malformed(`${what}: Extension must be a SEQUENCE`, item.start);
    const parts = derElements(item.contents, 3, what);
    const oid = derOid(parts[0], `${what} extnID`);
    let critical = false;
    let v = parts[1];
    if (v !== undefined && v.tag === Tag.BOOLEAN) {
      critical = derBoolean(v, `${what} critical`);
      if (!critical) noteIssue(issues, "der-critical-false-encoded");
      v = parts[2];
    } else if (parts.length === 3) malformed(`${what} ${oid}: unexpected field`, item.start);
    if (v === undefined || v.tag !== Tag.OCTET_STRING)
      malformed(`${what} ${oid}: extnValue must be an OCTET STRING`, item.start);
    for (const e of out)
      if (e.oid === oid) malformed(`${what}: extension ${oid} appears twice (RFC 5280 §4.2)`, item.start);
    out.push({ oid, critical, value: v.contents });
  }
  return out;
}

/**
 * Parses a DER X.509 certificate (RFC 5280 §4.1) strictly. The result keeps the exact bytes the signature and name
 * comparisons need (`der`, `tbs`, `issuer.der`, `subject.der`, `spki`) as subarrays of a private copy of the input.
 * Throws `X509_MALFORMED` when the input is not DER of the Certificate ASN.1 (or a known extension does not
 * decode, or an extension appears twice). `publicKey` is undefined for keys rotkit does not support (DSA, P-192, …);
 * `publicKeyError` says why.
 *
 * @example
 * ```ts
 * const cert = parseCertificate(der);
 * cert.ext.basicConstraints?.ca; // true for a CA
 * nameToString(cert.subject);    // "CN=Device CA,O=Acme"
 * ```
 */
export function parseCertificate(der: Uint8Array, options?: ParseOptions): ParsedCertificate {
  if (!(der instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "certificate must be bytes");
  const limits = limitsOf(options);
  if (der.length > limits.maxBytes)
    malformed(`certificate: ${der.length} bytes is above the limit of ${limits.maxBytes}`);
  try {
    return parse(der.slice(), limits);
  } catch (e) {
    throw asMalformed(e, "certificate");
  }
}

function parse(bytes: Uint8Array, limits: X509Limits): ParsedCertificate {
  const issues: ProfileIssue[] = [];
  const {
    tbs: tbsEl,
    tbsBytes,
    signatureAlgorithm,
    signature,
  } = signedEnvelope(bytes, "Certificate", "tbsCertificate", issues);

  const tc = tbsEl.contents;
  const f = derElements(tc, 10, "TBSCertificate");
  let i = 0;
  let version: 1 | 2 | 3 = 1;
  const f0 = f[0];
  if (f0 !== undefined && f0.tag === 0xa0) {
    const inner = derRead(f0.contents, 0);
    if (inner.end !== f0.contents.length) malformed("version: [0] must hold one INTEGER", f0.start);
    const v = derSmallUint(inner, "version", 0xff);
    if (v > 2) malformed(`version: unknown version ${v + 1}`, f0.start);
    if (v === 0) noteIssue(issues, "der-explicit-default-version");
    version = (v + 1) as 1 | 2 | 3;
    i = 1;
  }
  const serialEl = f[i++];
  const algEl = f[i++];
  const issuerEl = f[i++];
  const validityEl = f[i++];
  const subjectEl = f[i++];
  const spkiEl = f[i++];
  if (
    spkiEl === undefined ||
    serialEl === undefined ||
    algEl === undefined ||
    issuerEl === undefined ||
    validityEl === undefined ||
    subjectEl === undefined
  ) {
    malformed("TBSCertificate: missing fields");
  }
  const serialNumber = derInteger(serialEl, "serialNumber");
  const tbsSignatureAlgorithm = derAlgorithmIdentifier(algEl, "signature");
  const issuer = parseNameElement(tc, issuerEl, "issuer", limits.maxElements, issues);
  if (validityEl.tag !== Tag.SEQUENCE) malformed("validity must be a SEQUENCE", validityEl.start);
  const val = derElements(validityEl.contents, 2, "validity");
  const notBefore = time(val[0], "notBefore", issues);
  const notAfter = time(val[1], "notAfter", issues);
  const subject = parseNameElement(tc, subjectEl, "subject", limits.maxElements, issues);

  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  if (spkiEl.tag !== Tag.SEQUENCE) malformed("subjectPublicKeyInfo must be a SEQUENCE", spkiEl.start);
  const sp = derElements(spkiEl.contents, 2, "subjectPublicKeyInfo");
  if (sp.length !== 2) malformed("subjectPublicKeyInfo must be SEQUENCE { algorithm, subjectPublicKey }", spkiEl.start);
  const publicKeyAlgorithm = derAlgorithmIdentifier(sp[0] as DerElement, "subjectPublicKeyInfo.algorithm");
  derBitString(sp[1] as DerElement, "subjectPublicKey");
  const spki = tc.subarray(spkiEl.start, spkiEl.end);

  let issuerUniqueId: Uint8Array | undefined;
  let subjectUniqueId: Uint8Array | undefined;
  let extensions: Extension[] = [];
  let hasExtensions = false;
  let last = 0;
  for (; i < f.length; i++) {
    const el = f[i] as DerElement;
    const n = el.tag === 0x81 ? 1 : el.tag === 0x82 ? 2 : el.tag === 0xa3 ? 3 : 0;
    if (n <= last) malformed(`TBSCertificate: unexpected field (tag 0x${el.tag.toString(16)})`, el.start);
    last = n;
    if (n === 1) issuerUniqueId = derBitString(el, "issuerUniqueID", 0x81).bytes;
    else if (n === 2) subjectUniqueId = derBitString(el, "subjectUniqueID", 0x82).bytes;
    else {
      const inner = derRead(el.contents, 0);
      if (inner.end !== el.contents.length) malformed("extensions: [3] must hold one SEQUENCE", el.start);
      extensions = parseExtensionsElement(inner, "extensions", limits.maxElements, issues);
      hasExtensions = true;
    }
  }
  if (hasExtensions && version !== 3) noteIssue(issues, "extensions-before-v3");
  if ((issuerUniqueId !== undefined || subjectUniqueId !== undefined) && version === 1)
    noteIssue(issues, "unique-id-in-v1");

  const cert: ParsedCertificate = {
    der: bytes,
    tbs: tbsBytes,
    version,
    serialNumber,
    signatureAlgorithm,
    tbsSignatureAlgorithm,
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki,
    publicKeyAlgorithm,
    extensions,
    ext: decodeKnownExtensions(extensions, issues),
    encodingIssues: issues,
  };
  if (issuerUniqueId !== undefined) cert.issuerUniqueId = issuerUniqueId;
  if (subjectUniqueId !== undefined) cert.subjectUniqueId = subjectUniqueId;
  try {
    cert.publicKey = publicKeyFromSpki(spki);
  } catch (e) {
    cert.publicKeyError = e instanceof RotkitError ? e.code : "CRYPTO_INVALID_KEY";
  }
  return cert;
}

/**
 * Parses every `-----BEGIN CERTIFICATE-----` block of `text`, in order (RFC 7468 §5.1).
 *
 * @example
 * ```ts
 * const [leaf, ...intermediates] = parseCertificatePem(chainPem);
 * ```
 */
export function parseCertificatePem(text: string, options?: ParseOptions): ParsedCertificate[] {
  return pemBlocks(text, "CERTIFICATE").map((der) => parseCertificate(der, options));
}

/**
 * RFC 5280 profile deviations of a certificate that DER parsing tolerates: the parse-time `encodingIssues` plus
 * rules over decoded fields (serial length and sign, signature algorithm consistency, version vs. extensions and
 * unique IDs, empty names, criticality rules of §4.2.1). A validator maps them to failures per profile.
 *
 * @example
 * ```ts
 * if (profileIssues(cert).includes("serial-not-positive")) ...
 * ```
 */
export function profileIssues(cert: Certificate): ProfileIssue[] {
  const out: ProfileIssue[] = [...(cert.encodingIssues ?? [])];
  const s = cert.serialNumber;
  // §4.2.1.2: positive, at most 20 octets (a leading 0x00 sign octet does not count toward a 20-octet value).
  const serialLen = s.length > 1 && s[0] === 0 ? s.length - 1 : s.length;
  if (serialLen > 20) noteIssue(out, "serial-too-long");
  if (((s[0] ?? 0) & 0x80) !== 0 || (s.length === 1 && s[0] === 0)) noteIssue(out, "serial-not-positive");
  if (!algorithmIdentifierEquals(cert.signatureAlgorithm, cert.tbsSignatureAlgorithm))
    noteIssue(out, "signature-algorithm-mismatch");
  if (cert.version === 2 && cert.issuerUniqueId === undefined && cert.subjectUniqueId === undefined)
    noteIssue(out, "v2-without-unique-id");
  if (cert.issuer.rdns.length === 0) noteIssue(out, "empty-issuer");
  const byOid = new Map<string, Extension>();
  for (const e of cert.extensions) byOid.set(e.oid, e);
  const san = byOid.get(O.OID_SUBJECT_ALT_NAME);
  if (cert.subject.rdns.length === 0 && (san === undefined || !san.critical))
    noteIssue(out, "empty-subject-without-critical-san");
  if (byOid.get(O.OID_AUTHORITY_KEY_IDENTIFIER)?.critical) noteIssue(out, "aki-critical");
  if (byOid.get(O.OID_SUBJECT_KEY_IDENTIFIER)?.critical) noteIssue(out, "ski-critical");
  const bc = cert.ext.basicConstraints;
  if (bc?.ca && !byOid.get(O.OID_BASIC_CONSTRAINTS)?.critical) noteIssue(out, "ca-basic-constraints-not-critical");
  const ku = cert.ext.keyUsage;
  const keyCertSign = ku === undefined || (ku & (1 << KeyUsageBit.keyCertSign)) !== 0;
  if (bc?.pathLenConstraint !== undefined && (!bc.ca || !keyCertSign)) noteIssue(out, "pathlen-without-ca-keycertsign");
  const nc = byOid.get(O.OID_NAME_CONSTRAINTS);
  if (nc !== undefined && !nc.critical) noteIssue(out, "name-constraints-not-critical");
  if (nc !== undefined && !bc?.ca) noteIssue(out, "name-constraints-in-non-ca");
  const pc = byOid.get(O.OID_POLICY_CONSTRAINTS);
  if (pc !== undefined && !pc.critical) noteIssue(out, "policy-constraints-not-critical");
  const iap = byOid.get(O.OID_INHIBIT_ANY_POLICY);
  if (iap !== undefined && !iap.critical) noteIssue(out, "inhibit-any-policy-not-critical");
  return out;
}
