import type { DerElement } from "@rotkit/core";
import { malformed } from "../der/errors.js";
import type { ProfileIssue } from "../der/issues.js";
import { oidToString } from "../der/oid.js";
import { DEFAULT_X509_LIMITS, derElements, derNonEmpty, derRead, derWhole, Tag } from "../der/read.js";
import { derString } from "../der/strings.js";
import { parseNameElement } from "../names.js";
import type { GeneralName } from "../types.js";

// GeneralName, RFC 5280 §4.2.1.6 (module IMPLICIT TAGS, so [n] replaces the tag of a primitive type and is
// constructed for SEQUENCE types; directoryName [4] is a CHOICE, hence EXPLICIT, X.680 §31.2.7):
//   otherName [0] OtherName, rfc822Name [1] IA5String, dNSName [2] IA5String, x400Address [3] ORAddress,
//   directoryName [4] Name, ediPartyName [5] EDIPartyName, uniformResourceIdentifier [6] IA5String,
//   iPAddress [7] OCTET STRING, registeredID [8] OBJECT IDENTIFIER

/**
 * Decodes one GeneralName element read from `base`. `ipLengths` are the iPAddress lengths allowed: 4/16 in
 * subjectAltName, 8/32 (address ‖ mask) in name constraints (§4.2.1.10). otherName, x400Address and ediPartyName
 * come back as `{ type: "other", tag: <context tag number 0|3|5>, der }`.
 *
 * @example
 * ```ts
 * const base = parseGeneralNameElement(st.contents, st0, "permittedSubtrees", [8, 32]);
 * ```
 */
export function parseGeneralNameElement(
  base: Uint8Array,
  el: DerElement,
  what: string,
  ipLengths: readonly number[] = [4, 16],
  issues?: ProfileIssue[],
): GeneralName {
  switch (el.tag) {
    case 0x81:
      return { type: "email", value: derString(el, `${what} rfc822Name`, Tag.IA5_STRING) };
    case 0x82:
      return { type: "dns", value: derString(el, `${what} dNSName`, Tag.IA5_STRING) };
    case 0x86:
      return { type: "uri", value: derString(el, `${what} uniformResourceIdentifier`, Tag.IA5_STRING) };
    case 0x87:
      if (!ipLengths.includes(el.contents.length)) {
        malformed(`${what} iPAddress: ${el.contents.length} octets (expected ${ipLengths.join(" or ")})`, el.start);
      }
      return { type: "ip", value: el.contents };
    case 0x88:
      return { type: "rid", value: oidToString(el.contents, el.start) };
    case 0xa4: {
      const inner = derRead(el.contents, 0);
      if (inner.end !== el.contents.length) malformed(`${what} directoryName: [4] must hold one Name`, el.start);
      return {
        type: "dn",
        value: parseNameElement(el.contents, inner, `${what} directoryName`, DEFAULT_X509_LIMITS.maxElements, issues),
      };
    }
    case 0xa0: {
      // OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }
      const parts = derElements(el.contents, 2, `${what} otherName`);
      const typeId = parts[0];
      const value = parts[1];
      if (
        parts.length !== 2 ||
        typeId === undefined ||
        value === undefined ||
        typeId.tag !== Tag.OID ||
        value.tag !== 0xa0
      ) {
        malformed(`${what} otherName: expected type-id and [0] value`, el.start);
      }
      oidToString(typeId.contents, el.start);
      return { type: "other", tag: 0, der: base.subarray(el.start, el.end) };
    }
    case 0xa3:
      return { type: "other", tag: 3, der: base.subarray(el.start, el.end) };
    case 0xa5:
      return { type: "other", tag: 5, der: base.subarray(el.start, el.end) };
    default:
      return malformed(`${what}: not a GeneralName (tag 0x${el.tag.toString(16)})`, el.start);
  }
}

/**
 * Decodes the contents of a GeneralNames (SEQUENCE SIZE (1..MAX) OF GeneralName) — or of an IMPLICIT-tagged one.
 *
 * @example
 * ```ts
 * const names = parseGeneralNamesContents(el.contents, "cRLIssuer");
 * ```
 */
export function parseGeneralNamesContents(
  contents: Uint8Array,
  what: string,
  maxElements: number = DEFAULT_X509_LIMITS.maxElements,
  issues?: ProfileIssue[],
): GeneralName[] {
  const els = derNonEmpty(contents, maxElements, what);
  const out: GeneralName[] = [];
  for (const el of els) out.push(parseGeneralNameElement(contents, el, what, [4, 16], issues));
  return out;
}

/**
 * Decodes a DER GeneralNames value (subjectAltName / issuerAltName / certificateIssuer extension value).
 *
 * @example
 * ```ts
 * decodeGeneralNames(ext.value); // [{ type: "dns", value: "device.example" }]
 * ```
 */
export function decodeGeneralNames(value: Uint8Array, what = "GeneralNames", issues?: ProfileIssue[]): GeneralName[] {
  return parseGeneralNamesContents(derWhole(value, Tag.SEQUENCE, what).contents, what, undefined, issues);
}
