import { malformed } from "../der/errors.js";
import { noteIssue, type ProfileIssue } from "../der/issues.js";
import { derInteger, derOctetString } from "../der/primitives.js";
import { derElements, derImplicit, derWhole, Tag } from "../der/read.js";
import type { KnownExtensions } from "../types.js";
import { parseGeneralNamesContents } from "./general-names.js";

/**
 * authorityKeyIdentifier (RFC 5280 §4.2.1.1): SEQUENCE { keyIdentifier [0] OCTET STRING OPTIONAL,
 * authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2] INTEGER OPTIONAL } (IMPLICIT tags;
 * the last two MUST come together; one without the other is recorded as `aki-issuer-serial-unpaired`).
 *
 * @example
 * ```ts
 * decodeAuthorityKeyIdentifier(ext.value).keyIdentifier; // 20 bytes
 * ```
 */
export function decodeAuthorityKeyIdentifier(
  value: Uint8Array,
  issues?: ProfileIssue[],
): NonNullable<KnownExtensions["authorityKeyIdentifier"]> {
  const seq = derWhole(value, Tag.SEQUENCE, "authorityKeyIdentifier");
  const out: NonNullable<KnownExtensions["authorityKeyIdentifier"]> = {};
  let last = -1;
  for (const el of derElements(seq.contents, 3, "authorityKeyIdentifier")) {
    const n = el.tag & 0x1f;
    if ((el.tag & 0xc0) !== 0x80 || n <= last || n > 2) malformed("authorityKeyIdentifier: unexpected field", el.start);
    last = n;
    if (n === 0) out.keyIdentifier = derImplicit(el, 0, Tag.OCTET_STRING, false, "keyIdentifier").contents;
    else if (n === 1) {
      out.authorityCertIssuer = parseGeneralNamesContents(
        derImplicit(el, 1, Tag.SEQUENCE, true, "authorityCertIssuer").contents,
        "authorityCertIssuer",
      );
    } else out.authorityCertSerialNumber = derInteger(el, "authorityCertSerialNumber", 0x82);
  }
  if ((out.authorityCertIssuer === undefined) !== (out.authorityCertSerialNumber === undefined)) {
    noteIssue(issues, "aki-issuer-serial-unpaired");
  }
  return out;
}

/**
 * subjectKeyIdentifier (RFC 5280 §4.2.1.2): KeyIdentifier ::= OCTET STRING.
 *
 * @example
 * ```ts
 * decodeSubjectKeyIdentifier(ext.value); // 20 bytes
 * ```
 */
export function decodeSubjectKeyIdentifier(value: Uint8Array): Uint8Array {
  return derOctetString(derWhole(value, Tag.OCTET_STRING, "subjectKeyIdentifier"), "subjectKeyIdentifier");
}
