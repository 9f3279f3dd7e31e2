import type { DerElement } from "@rotkit/core";
import { malformed } from "../der/errors.js";
import { oidToString } from "../der/oid.js";
import { derSmallUint } from "../der/primitives.js";
import { derElements, derWhole, Tag } from "../der/read.js";
import {
  booleanDefaultFalse,
  boundedString,
  enumerated,
  enumeratedRange,
  note,
  STRMAX,
  URIMAX,
  uriReference,
} from "./common.js";
import {
  type CommonCriteriaMeasures,
  EVALUATION_STATUSES,
  type FipsLevel,
  MEASUREMENT_ROOT_TYPES,
  STRENGTHS_OF_FUNCTION,
  type TbbSecurityAssertions,
  type TcgPlatformIssue,
} from "./types.js";

// TCG Platform Certificate Profile v1.1 (ASN.1 module; the EK Credential Profile defines the same types):
//   TBBSecurityAssertions ::= SEQUENCE { version Version DEFAULT v1,
//     ccInfo [0] IMPLICIT CommonCriteriaMeasures OPTIONAL, fipsLevel [1] IMPLICIT FIPSLevel OPTIONAL,
//     rtmType [2] IMPLICIT MeasurementRootType OPTIONAL, iso9000Certified BOOLEAN DEFAULT FALSE,
//     iso9000Uri IA5String (SIZE (1..URIMAX)) OPTIONAL }
//   CommonCriteriaMeasures ::= SEQUENCE { version IA5String (SIZE (1..STRMAX)),
//     assurancelevel EvaluationAssuranceLevel (1..7), evaluationStatus EvaluationStatus, plus BOOLEAN DEFAULT FALSE,
//     strengthOfFunction [0] IMPLICIT StrengthOfFunction OPTIONAL, profileOid [1] IMPLICIT OBJECT IDENTIFIER OPTIONAL,
//     profileUri [2] IMPLICIT URIReference OPTIONAL, targetOid [3] IMPLICIT OBJECT IDENTIFIER OPTIONAL,
//     targetUri [4] IMPLICIT URIReference OPTIONAL }
//   FIPSLevel ::= SEQUENCE { version IA5String (SIZE (1..STRMAX)), level SecurityLevel (1..4), plus BOOLEAN DEFAULT FALSE }
// Early platform credentials (TCG Credential Profiles era, in subjectDirectoryAttributes) leave ccInfo, fipsLevel,
// rtmType and strengthOfFunction untagged; with `untagged` allowed, that reading is accepted and recorded.

function commonCriteria(contents: Uint8Array, issues: TcgPlatformIssue[], untagged: boolean): CommonCriteriaMeasures {
  const what = "ccInfo";
  const f = derElements(contents, 9, what);
  const [v, eal, status] = f;
  if (status === undefined) return malformed(`${what}: expected version, assurancelevel, evaluationStatus`);
  const out: CommonCriteriaMeasures = {
    version: boundedString(v, `${what} version`, STRMAX, Tag.IA5_STRING),
    assuranceLevel: enumeratedRange(eal as DerElement, `${what} assurancelevel`, 1, 7),
    evaluationStatus: enumerated(status, `${what} evaluationStatus`, EVALUATION_STATUSES),
    plus: false,
  };
  let i = 3;
  if (f[i]?.tag === Tag.BOOLEAN) out.plus = booleanDefaultFalse(f[i++] as DerElement, `${what} plus`, issues);
  let last = -1;
  for (; i < f.length; i++) {
    const el = f[i] as DerElement;
    if (el.tag === Tag.ENUMERATED && untagged && last < 0) {
      note(issues, "untagged-security-assertions");
      out.strengthOfFunction = enumerated(el, `${what} strengthOfFunction`, STRENGTHS_OF_FUNCTION);
      last = 0;
      continue;
    }
    const n = el.tag & 0x1f;
    const expected = n === 2 || n === 4 ? 0xa0 | n : 0x80 | n;
    if (el.tag !== expected || n > 4 || n <= last) malformed(`${what}: unexpected field`, el.start);
    last = n;
    if (n === 0) out.strengthOfFunction = enumerated(el, `${what} strengthOfFunction`, STRENGTHS_OF_FUNCTION, 0x80);
    else if (n === 1) out.profileOid = oidToString(el.contents, el.start);
    else if (n === 2) out.profileUri = uriReference(el.contents, `${what} profileUri`);
    else if (n === 3) out.targetOid = oidToString(el.contents, el.start);
    else out.targetUri = uriReference(el.contents, `${what} targetUri`);
  }
  return out;
}

function fipsLevel(contents: Uint8Array, issues: TcgPlatformIssue[]): FipsLevel {
  const [v, level, plus, extra] = derElements(contents, 4, "fipsLevel");
  if (level === undefined || extra !== undefined) return malformed("fipsLevel: expected version, level, plus");
  return {
    version: boundedString(v, "fipsLevel version", STRMAX, Tag.IA5_STRING),
    level: enumeratedRange(level, "fipsLevel level", 1, 4),
    plus: plus === undefined ? false : booleanDefaultFalse(plus, "fipsLevel plus", issues),
  };
}

/** The position of each TBBSecurityAssertions field in definition order, by tag (untagged forms when allowed). */
function fieldIndex(el: DerElement, untagged: boolean): number {
  switch (el.tag) {
    case Tag.INTEGER:
      return 0;
    case 0xa0:
      return 1;
    case 0xa1:
      return 2;
    case 0x82:
      return 3;
    case Tag.BOOLEAN:
      return 4;
    case Tag.IA5_STRING:
      return 5;
  }
  if (untagged && el.tag === Tag.ENUMERATED) return 3;
  if (untagged && el.tag === Tag.SEQUENCE) {
    // CommonCriteriaMeasures has an ENUMERATED third field (evaluationStatus); FIPSLevel has at most a BOOLEAN there.
    const third = derElements(el.contents, 9, "TBBSecurityAssertions")[2];
    return third?.tag === Tag.ENUMERATED ? 1 : 2;
  }
  return malformed(`TBBSecurityAssertions: unexpected field (tag 0x${el.tag.toString(16)})`, el.start);
}

/**
 * Decodes a TBBSecurityAssertions value (tcg-at-tbbSecurityAssertions, 2.23.133.2.19). With `untagged`, the early
 * form without context tags on ccInfo, fipsLevel, rtmType and strengthOfFunction is accepted (recorded as
 * `untagged-security-assertions`). Throws `X509_MALFORMED`.
 *
 * @example
 * ```ts
 * decodeTbbSecurityAssertions(value, []).rtmType; // "hybrid"
 * ```
 */
export function decodeTbbSecurityAssertions(
  value: Uint8Array,
  issues: TcgPlatformIssue[],
  untagged = false,
): TbbSecurityAssertions {
  const seq = derWhole(value, Tag.SEQUENCE, "TBBSecurityAssertions");
  const out: TbbSecurityAssertions = { version: 0, iso9000Certified: false };
  let last = -1;
  for (const el of derElements(seq.contents, 6, "TBBSecurityAssertions")) {
    const n = fieldIndex(el, untagged);
    if (n <= last) malformed("TBBSecurityAssertions: field out of order or repeated", el.start);
    last = n;
    const isUntagged = (n === 1 || n === 2) && el.tag === Tag.SEQUENCE;
    if (isUntagged || (n === 3 && el.tag === Tag.ENUMERATED)) note(issues, "untagged-security-assertions");
    if (n === 0) {
      out.version = derSmallUint(el, "TBBSecurityAssertions version", 0xff);
      if (out.version === 0) note(issues, "der-default-encoded");
    } else if (n === 1) out.ccInfo = commonCriteria(el.contents, issues, untagged);
    else if (n === 2) out.fipsLevel = fipsLevel(el.contents, issues);
    else if (n === 3) out.rtmType = enumerated(el, "rtmType", MEASUREMENT_ROOT_TYPES, el.tag);
    else if (n === 4) out.iso9000Certified = booleanDefaultFalse(el, "iso9000Certified", issues);
    else out.iso9000Uri = boundedString(el, "iso9000Uri", URIMAX, Tag.IA5_STRING);
  }
  return out;
}
