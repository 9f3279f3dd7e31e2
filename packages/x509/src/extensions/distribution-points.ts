import type { DerElement } from "@rotkit/core";
import { malformed } from "../der/errors.js";
import { noteIssue, type ProfileIssue } from "../der/issues.js";
import { derBoolean, derNamedBits } from "../der/primitives.js";
import { DEFAULT_X509_LIMITS, derElements, derNonEmpty, derRead, derWhole, Tag } from "../der/read.js";
import { parseRdnSet } from "../names.js";
import type { Crl, DistributionPoint, GeneralName, NameAttribute } from "../types.js";
import { parseGeneralNamesContents } from "./general-names.js";

// cRLDistributionPoints / freshestCRL (RFC 5280 §4.2.1.13, §4.2.1.15) and issuingDistributionPoint (§5.2.5).
//   DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL,
//     reasons [1] ReasonFlags OPTIONAL, cRLIssuer [2] GeneralNames OPTIONAL }
//   DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] RDN }
// [0] around the CHOICE is EXPLICIT (X.680 §31.2.7); the CHOICE alternatives are IMPLICIT.

type DpName = { fullName?: GeneralName[]; nameRelativeToCrlIssuer?: NameAttribute[] };

function distributionPointName(el: DerElement, what: string, issues?: ProfileIssue[]): DpName {
  if (el.tag !== 0xa0) malformed(`${what}: distributionPoint must be [0]`, el.start);
  const inner = derRead(el.contents, 0);
  if (inner.end !== el.contents.length) malformed(`${what}: [0] must hold one DistributionPointName`, el.start);
  if (inner.tag === 0xa0)
    return { fullName: parseGeneralNamesContents(inner.contents, `${what} fullName`, undefined, issues) };
  if (inner.tag === 0xa1) {
    return {
      nameRelativeToCrlIssuer: parseRdnSet(
        inner,
        `${what} nameRelativeToCRLIssuer`,
        DEFAULT_X509_LIMITS.maxElements,
        issues,
      ),
    };
  }
  return malformed(`${what}: unknown DistributionPointName`, inner.start);
}

function reasonFlags(el: DerElement, what: string, tag: number, issues?: ProfileIssue[]): number {
  const { bits, trailingZero } = derNamedBits(el, what, tag);
  if (bits >= 1 << 9) malformed(`${what}: ReasonFlags beyond aACompromise (8)`, el.start);
  if (trailingZero) noteIssue(issues, "der-named-bits-trailing-zero");
  return bits;
}

/**
 * CRLDistributionPoints (also the syntax of freshestCRL): SEQUENCE SIZE (1..MAX) OF DistributionPoint. Each point
 * needs a distributionPoint or a cRLIssuer (§4.2.1.13). `reasons` is a bitset, bit i = `1 << i` (bit 0 unused).
 *
 * @example
 * ```ts
 * decodeCrlDistributionPoints(ext.value)[0].fullName; // [{ type: "uri", value: "http://crl.example/ca.crl" }]
 * ```
 */
export function decodeCrlDistributionPoints(
  value: Uint8Array,
  what = "cRLDistributionPoints",
  issues?: ProfileIssue[],
): DistributionPoint[] {
  const seq = derWhole(value, Tag.SEQUENCE, what);
  const out: DistributionPoint[] = [];
  for (const dpEl of derNonEmpty(seq.contents, DEFAULT_X509_LIMITS.maxElements, what)) {
    if (dpEl.tag !== Tag.SEQUENCE) malformed(`${what}: DistributionPoint must be a SEQUENCE`, dpEl.start);
    const dp: DistributionPoint = {};
    let last = -1;
    for (const el of derElements(dpEl.contents, 3, what)) {
      const n = el.tag & 0x1f;
      if ((el.tag & 0xc0) !== 0x80 || n <= last || n > 2) malformed(`${what}: unexpected field`, el.start);
      last = n;
      if (n === 0) Object.assign(dp, distributionPointName(el, what, issues));
      else if (n === 1) dp.reasons = reasonFlags(el, `${what} reasons`, 0x81, issues);
      else {
        if (el.tag !== 0xa2) malformed(`${what}: cRLIssuer must be constructed`, el.start);
        dp.crlIssuer = parseGeneralNamesContents(el.contents, `${what} cRLIssuer`, undefined, issues);
      }
    }
    if (dp.fullName === undefined && dp.nameRelativeToCrlIssuer === undefined && dp.crlIssuer === undefined) {
      malformed(`${what}: DistributionPoint needs distributionPoint or cRLIssuer`, dpEl.start);
    }
    out.push(dp);
  }
  return out;
}

/**
 * issuingDistributionPoint (RFC 5280 §5.2.5): SEQUENCE { distributionPoint [0] OPTIONAL, onlyContainsUserCerts [1]
 * BOOLEAN DEFAULT FALSE, onlyContainsCACerts [2] DEFAULT FALSE, onlySomeReasons [3] ReasonFlags OPTIONAL,
 * indirectCRL [4] DEFAULT FALSE, onlyContainsAttributeCerts [5] DEFAULT FALSE }.
 *
 * @example
 * ```ts
 * decodeIssuingDistributionPoint(ext.value).onlyContainsCACerts; // false
 * ```
 */
export function decodeIssuingDistributionPoint(
  value: Uint8Array,
  issues?: ProfileIssue[],
): NonNullable<Crl["issuingDistributionPoint"]> {
  const what = "issuingDistributionPoint";
  const seq = derWhole(value, Tag.SEQUENCE, what);
  const out: NonNullable<Crl["issuingDistributionPoint"]> = {
    onlyContainsUserCerts: false,
    onlyContainsCACerts: false,
    indirectCrl: false,
    onlyContainsAttributeCerts: false,
  };
  let last = -1;
  for (const el of derElements(seq.contents, 6, what)) {
    const n = el.tag & 0x1f;
    if ((el.tag & 0xc0) !== 0x80 || n <= last || n > 5) malformed(`${what}: unexpected field`, el.start);
    last = n;
    if (n === 0) {
      out.distributionPoint = distributionPointName(el, what, issues);
      continue;
    }
    if (n === 3) {
      out.onlySomeReasons = reasonFlags(el, `${what} onlySomeReasons`, 0x83, issues);
      continue;
    }
    const b = derBoolean({ ...el, tag: Tag.BOOLEAN }, what);
    if (el.tag !== (0x80 | n)) malformed(`${what}: BOOLEAN field must be primitive`, el.start);
    if (!b) noteIssue(issues, "der-default-encoded");
    if (n === 1) out.onlyContainsUserCerts = b;
    else if (n === 2) out.onlyContainsCACerts = b;
    else if (n === 4) out.indirectCrl = b;
    else out.onlyContainsAttributeCerts = b;
  }
  return out;
}
