import { type DerElement, RotkitError } from "@rotkit/core";
import { parseExtensionsElement, signedEnvelope } from "./cert.js";
import { derAlgorithmIdentifier } from "./der/algorithm.js";
import { asMalformed, malformed } from "./der/errors.js";
import { noteIssue, type ProfileIssue } from "./der/issues.js";
import { derInteger, derSmallUint } from "./der/primitives.js";
import { DEFAULT_X509_LIMITS, derElements, derRead, derWhole, Tag, type X509Limits } from "./der/read.js";
import { derTime, UTC_TIME_END } from "./der/time.js";
import { decodeCrlDistributionPoints, decodeIssuingDistributionPoint } from "./extensions/distribution-points.js";
import { decodeGeneralNames } from "./extensions/general-names.js";
import { decodeAuthorityKeyIdentifier } from "./extensions/identifiers.js";
import * as O from "./extensions/oids.js";
import { parseNameElement } from "./names.js";
import { pemBlocks } from "./pem.js";
import type { Crl, Extension } from "./types.js";

// Certificate revocation lists, RFC 5280 §5.1:
//   CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier,
//                                  signatureValue BIT STRING }
//   TBSCertList ::= SEQUENCE { version Version OPTIONAL (v2 if present), signature AlgorithmIdentifier,
//     issuer Name, thisUpdate Time, nextUpdate Time OPTIONAL,
//     revokedCertificates SEQUENCE OF SEQUENCE { userCertificate CertificateSerialNumber, revocationDate Time,
//       crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
//     crlExtensions [0] EXPLICIT Extensions OPTIONAL }

/** A CRL as {@link parseCrl} returns it: `encodingIssues` always present. */
export interface ParsedCrl extends Crl {
  encodingIssues: ProfileIssue[];
}

/** Default size bound of a CRL (core's DER reader refuses lengths above 16 MiB). */
export const CRL_MAX_BYTES = 16 << 20;

type RevokedEntry = Crl["revoked"][number];

/** CRLReason (§5.3.1) values: 0..10 without 7. */
function reasonCode(value: Uint8Array): number {
  const v = derSmallUint(derWhole(value, Tag.ENUMERATED, "reasonCode"), "reasonCode", 10, false, Tag.ENUMERATED);
  if (v === 7) malformed("reasonCode: 7 is not a CRLReason");
  return v;
}

/** CRLNumber ::= INTEGER (0..MAX) (§5.2.3; also BaseCRLNumber of deltaCRLIndicator §5.2.4): content octets. */
function crlNumber(value: Uint8Array, what: string): Uint8Array {
  const c = derInteger(derWhole(value, Tag.INTEGER, what), what);
  if (((c[0] as number) & 0x80) !== 0) malformed(`${what}: negative`);
  return c;
}

function entry(el: DerElement, limits: X509Limits, issues: ProfileIssue[]): RevokedEntry {
  if (el.tag !== Tag.SEQUENCE) malformed("revokedCertificates: entry must be a SEQUENCE", el.start);
  const parts = derElements(el.contents, 3, "revokedCertificates entry");
  const serialEl = parts[0];
  const dateEl = parts[1];
  if (serialEl === undefined || dateEl === undefined)
    malformed("revokedCertificates: entry needs serial and date", el.start);
  const out: RevokedEntry = {
    serialNumber: derInteger(serialEl, "userCertificate"),
    revocationDate: derTime(dateEl, "revocationDate"),
    extensions: [],
  };
  if (dateEl.tag === Tag.GENERALIZED_TIME && out.revocationDate < UTC_TIME_END) noteIssue(issues, "time-encoding");
  const extEl = parts[2];
  if (extEl !== undefined) {
    out.extensions = parseExtensionsElement(extEl, "crlEntryExtensions", limits.maxElements, issues);
    for (const e of out.extensions) {
      try {
        if (e.oid === O.OID_CRL_REASON) out.reason = reasonCode(e.value);
        else if (e.oid === O.OID_INVALIDITY_DATE) {
          // §5.3.2: InvalidityDate ::= GeneralizedTime
          out.invalidityDate = derTime(derWhole(e.value, Tag.GENERALIZED_TIME, "invalidityDate"), "invalidityDate");
        } else if (e.oid === O.OID_CERTIFICATE_ISSUER)
          out.certificateIssuer = decodeGeneralNames(e.value, "certificateIssuer", issues);
      } catch (err) {
        throw asMalformed(err, `CRL entry extension ${e.oid}`);
      }
    }
  }
  return out;
}

/**
 * Parses a DER CRL (RFC 5280 §5) strictly: the revoked entries with their reasonCode, invalidityDate and
 * certificateIssuer entry extensions, and the cRLNumber, deltaCRLIndicator, issuingDistributionPoint,
 * authorityKeyIdentifier and freshestCRL CRL extensions. `der`, `tbs` and `issuer.der` are subarrays of a private
 * copy. Throws `X509_MALFORMED`. `certificateIssuer` is reported per entry as encoded: in an indirect CRL an entry
 * without it belongs to the issuer of the previous entry (§5.3.3), which revocation checking must carry forward.
 *
 * @example
 * ```ts
 * const crl = parseCrl(der);
 * crl.revoked.some((r) => bytesEqual(r.serialNumber, cert.serialNumber));
 * ```
 */
export function parseCrl(der: Uint8Array, options?: { limits?: Partial<X509Limits> }): ParsedCrl {
  if (!(der instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "CRL must be bytes");
  const limits = options?.limits === undefined ? DEFAULT_X509_LIMITS : { ...DEFAULT_X509_LIMITS, ...options.limits };
  // A CRL is often larger than a certificate: unless the caller set maxBytes, allow what core's reader can address.
  const maxBytes = options?.limits?.maxBytes ?? CRL_MAX_BYTES;
  if (der.length > maxBytes) malformed(`CRL: ${der.length} bytes is above the limit of ${maxBytes}`);
  try {
    return parse(der.slice(), limits);
  } catch (e) {
    throw asMalformed(e, "CRL");
  }
}

function parse(bytes: Uint8Array, limits: X509Limits): ParsedCrl {
  const issues: ProfileIssue[] = [];
  const {
    tbs: tbsEl,
    tbsBytes,
    signatureAlgorithm,
    signature,
  } = signedEnvelope(bytes, "CertificateList", "tbsCertList", issues);

  const tc = tbsEl.contents;
  const f = derElements(tc, 7, "TBSCertList");
  let i = 0;
  let version: 1 | 2 = 1;
  if (f[0]?.tag === Tag.INTEGER) {
    const v = derSmallUint(f[0], "version", 0xff);
    if (v > 1) malformed(`version: unknown CRL version ${v + 1}`, f[0].start);
    if (v === 0) noteIssue(issues, "crl-v1-explicit-version");
    version = (v + 1) as 1 | 2;
    i = 1;
  }
  const algEl = f[i++];
  const issuerEl = f[i++];
  const thisEl = f[i++];
  if (algEl === undefined || issuerEl === undefined || thisEl === undefined) malformed("TBSCertList: missing fields");
  const tbsSignatureAlgorithm = derAlgorithmIdentifier(algEl, "signature");
  const issuer = parseNameElement(tc, issuerEl, "issuer", limits.maxElements, issues);
  const thisUpdate = derTime(thisEl, "thisUpdate");
  if (thisEl.tag === Tag.GENERALIZED_TIME && thisUpdate < UTC_TIME_END) noteIssue(issues, "time-encoding");
  let nextUpdate: number | undefined;
  let el = f[i];
  if (el !== undefined && (el.tag === Tag.UTC_TIME || el.tag === Tag.GENERALIZED_TIME)) {
    nextUpdate = derTime(el, "nextUpdate");
    if (el.tag === Tag.GENERALIZED_TIME && nextUpdate < UTC_TIME_END) noteIssue(issues, "time-encoding");
    el = f[++i];
  } else noteIssue(issues, "crl-missing-next-update");
  const revoked: RevokedEntry[] = [];
  let entryExtensions = false;
  if (el !== undefined && el.tag === Tag.SEQUENCE) {
    const entries = derElements(el.contents, limits.maxCrlEntries, "revokedCertificates");
    if (entries.length === 0) noteIssue(issues, "crl-empty-revoked-list");
    for (const e of entries) {
      const r = entry(e, limits, issues);
      if (r.extensions.length > 0) entryExtensions = true;
      revoked.push(r);
    }
    el = f[++i];
  }
  let extensions: Extension[] = [];
  if (el !== undefined) {
    if (el.tag !== 0xa0) malformed(`TBSCertList: unexpected field (tag 0x${el.tag.toString(16)})`, el.start);
    const inner = derRead(el.contents, 0);
    if (inner.end !== el.contents.length) malformed("crlExtensions: [0] must hold one SEQUENCE", el.start);
    extensions = parseExtensionsElement(inner, "crlExtensions", limits.maxElements, issues);
    i++;
  }
  if (i !== f.length) malformed("TBSCertList: unexpected trailing field");
  if (version === 1 && (extensions.length > 0 || entryExtensions)) noteIssue(issues, "crl-extensions-in-v1");

  const crl: ParsedCrl = {
    der: bytes,
    tbs: tbsBytes,
    version,
    signatureAlgorithm,
    tbsSignatureAlgorithm,
    signature,
    issuer,
    thisUpdate,
    revoked,
    extensions,
    encodingIssues: issues,
  };
  if (nextUpdate !== undefined) crl.nextUpdate = nextUpdate;
  for (const e of extensions) {
    try {
      if (e.oid === O.OID_CRL_NUMBER) crl.crlNumber = crlNumber(e.value, "cRLNumber");
      else if (e.oid === O.OID_DELTA_CRL_INDICATOR) crl.deltaCrlIndicator = crlNumber(e.value, "deltaCRLIndicator");
      else if (e.oid === O.OID_ISSUING_DISTRIBUTION_POINT)
        crl.issuingDistributionPoint = decodeIssuingDistributionPoint(e.value, issues);
      else if (e.oid === O.OID_AUTHORITY_KEY_IDENTIFIER)
        crl.authorityKeyIdentifier = decodeAuthorityKeyIdentifier(e.value, issues);
      else if (e.oid === O.OID_FRESHEST_CRL)
        crl.freshestCrl = decodeCrlDistributionPoints(e.value, "freshestCRL", issues);
    } catch (err) {
      throw asMalformed(err, `CRL extension ${e.oid}`);
    }
  }
  return crl;
}

/**
 * Parses every `-----BEGIN X509 CRL-----` block of `text` (RFC 7468 §6), in order.
 *
 * @example
 * ```ts
 * const [crl] = parseCrlPem(text);
 * ```
 */
export function parseCrlPem(text: string, options?: { limits?: Partial<X509Limits> }): ParsedCrl[] {
  return pemBlocks(text, "X509 CRL").map((der) => parseCrl(der, options));
}
