import type { DerElement } from "@rotkit/core";
import { malformed } from "../der/errors.js";
import { derOid } from "../der/oid.js";
import { derSmallUint } from "../der/primitives.js";
import { DEFAULT_X509_LIMITS, derElements, derWhole, Tag } from "../der/read.js";
import { derString } from "../der/strings.js";
import type { PolicyInformation } from "../types.js";
import { OID_QT_CPS, OID_QT_UNOTICE } from "./oids.js";
import type { TcgPolicy, UserNotice } from "./types.js";

// RFC 5280 §4.2.1.4 policy qualifiers, which TCG platform certificates use for their CPS pointer and the
// "TCG Trusted Platform Endorsement" notice:
//   PolicyQualifierInfo ::= SEQUENCE { policyQualifierId OBJECT IDENTIFIER, qualifier ANY }
//   CPSuri ::= IA5String
//   UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL, explicitText DisplayText OPTIONAL }
//   NoticeReference ::= SEQUENCE { organization DisplayText, noticeNumbers SEQUENCE OF INTEGER }
//   DisplayText ::= CHOICE { ia5String, visibleString, bmpString, utf8String }

const DISPLAY_TEXT_TAGS: readonly number[] = [Tag.IA5_STRING, Tag.VISIBLE_STRING, Tag.BMP_STRING, Tag.UTF8_STRING];

function displayText(el: DerElement | undefined, what: string): string {
  if (el === undefined || !DISPLAY_TEXT_TAGS.includes(el.tag))
    return malformed(`${what}: expected DisplayText`, el?.start);
  return derString(el, what);
}

/**
 * Decodes a UserNotice (RFC 5280 §4.2.1.4). Throws `X509_MALFORMED`.
 *
 * @example
 * ```ts
 * decodeUserNotice(der).explicitText; // "TCG Trusted Platform Endorsement"
 * ```
 */
export function decodeUserNotice(der: Uint8Array): UserNotice {
  const seq = derWhole(der, Tag.SEQUENCE, "UserNotice");
  const f = derElements(seq.contents, 2, "UserNotice");
  const out: UserNotice = {};
  let i = 0;
  const ref = f[0];
  if (ref?.tag === Tag.SEQUENCE) {
    const [org, numbers, extra] = derElements(ref.contents, 3, "noticeRef");
    if (numbers === undefined || numbers.tag !== Tag.SEQUENCE || extra !== undefined)
      malformed("noticeRef: expected organization and noticeNumbers", ref.start);
    out.noticeRef = {
      organization: displayText(org, "noticeRef organization"),
      noticeNumbers: derElements(numbers.contents, DEFAULT_X509_LIMITS.maxElements, "noticeNumbers").map((n) =>
        derSmallUint(n, "noticeNumbers", 0x7fffffff),
      ),
    };
    i = 1;
  }
  if (f[i] !== undefined) out.explicitText = displayText(f[i++], "explicitText");
  if (i !== f.length) malformed("UserNotice: unexpected field");
  return out;
}

/**
 * The CPS URIs and user notices of each certificatePolicies entry; other qualifier types are skipped (RFC 5280
 * §4.2.1.4 lets a relying party ignore them). Throws `X509_MALFORMED` for a CPS or notice that does not decode.
 *
 * @example
 * ```ts
 * decodePolicyQualifiers(ac.ext.certificatePolicies ?? [])[0]?.userNotices[0]?.explicitText;
 * ```
 */
export function decodePolicyQualifiers(policies: readonly PolicyInformation[]): TcgPolicy[] {
  return policies.map(({ policy, qualifiers }) => {
    const out: TcgPolicy = { policy, cpsUris: [], userNotices: [] };
    for (const q of qualifiers) {
      const pqi = derWhole(q, Tag.SEQUENCE, "PolicyQualifierInfo").contents;
      const [id, value] = derElements(pqi, 2, "PolicyQualifierInfo");
      const oid = derOid(id, "policyQualifierId");
      if (value === undefined) continue;
      if (oid === OID_QT_CPS) {
        if (value.tag !== Tag.IA5_STRING) malformed("CPSuri: expected IA5String", value.start);
        out.cpsUris.push(derString(value, "CPSuri"));
      } else if (oid === OID_QT_UNOTICE) {
        out.userNotices.push(decodeUserNotice(pqi.subarray(value.start, value.end)));
      }
    }
    return out;
  });
}
