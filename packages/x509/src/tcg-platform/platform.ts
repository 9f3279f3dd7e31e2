import { parseAttributeElement, type RawAttribute, singleValue } from "../attribute-cert/attribute.js";
import type { AttributeCertificate } from "../attribute-cert/types.js";
import { asMalformed, malformed } from "../der/errors.js";
import { derOid } from "../der/oid.js";
import { derOctetString } from "../der/primitives.js";
import { derElements, derWhole, Tag } from "../der/read.js";
import { decodeGeneralNames } from "../extensions/general-names.js";
import { OID_SUBJECT_ALT_NAME } from "../extensions/oids.js";
import { parseNameElement } from "../names.js";
import type { Name, NameAttribute } from "../types.js";
import { note, specificationVersion, uriReference } from "./common.js";
import { decodePlatformConfiguration } from "./configuration.js";
import { decodePolicyQualifiers, decodeUserNotice } from "./notices.js";
import * as O from "./oids.js";
import { decodeTbbSecurityAssertions } from "./security-assertions.js";
import type {
  TcgPlatformAttributes,
  TcgPlatformIssue,
  TcgPlatformSpecification,
  TcgSpecificationVersion,
} from "./types.js";

// The TCG attributes of a platform certificate (TCG Platform Certificate Profile v1.1 §3, Platform Attribute
// Credential Profile v1.0): AC attributes (tcgPlatformSpecification, tcgCredentialType, tcgCredentialSpecification,
// tbbSecurityAssertions, platformConfiguration v1/v2, platformConfigUri), the platform identity in a subjectAltName
// directoryName (platformManufacturerStr, platformModel, platformVersion, platformSerial, platformManufacturerId),
// and, in early credentials, subjectDirectoryAttributes and a UserNotice attribute. Every single-valued attribute must
// have one value and appear once, across the attributes and subjectDirectoryAttributes together.

type Fields = Omit<TcgPlatformAttributes, "policies" | "otherAttributes" | "otherSubjectAltNameAttributes" | "issues">;

/** TCGPlatformSpecification ::= SEQUENCE { version TCGSpecificationVersion, platformClass OCTET STRING SIZE(4) }. */
function platformSpecification(value: Uint8Array, issues: TcgPlatformIssue[]): TcgPlatformSpecification {
  const seq = derWhole(value, Tag.SEQUENCE, "TCGPlatformSpecification");
  const [version, cls, extra] = derElements(seq.contents, 3, "TCGPlatformSpecification");
  if (cls === undefined || extra !== undefined) malformed("TCGPlatformSpecification: expected version, platformClass");
  if (cls.tag === Tag.UTF8_STRING) note(issues, "platform-class-utf8");
  else if (derOctetString(cls, "platformClass").length !== 4) malformed("platformClass must be 4 octets", cls.start);
  return { version: specificationVersion(version, "TCGPlatformSpecification version"), platformClass: cls.contents };
}

/** TCGCredentialSpecification ::= TCGSpecificationVersion (some issuers wrap it in one more SEQUENCE). */
function credentialSpecification(value: Uint8Array, issues: TcgPlatformIssue[]): TcgSpecificationVersion {
  const seq = derWhole(value, Tag.SEQUENCE, "TCGCredentialSpecification");
  const [inner, extra] = derElements(seq.contents, 3, "TCGCredentialSpecification");
  if (inner?.tag === Tag.SEQUENCE && extra === undefined) {
    note(issues, "credential-specification-wrapped");
    return specificationVersion(inner, "TCGCredentialSpecification");
  }
  return specificationVersion(seq, "TCGCredentialSpecification");
}

/** TCGCredentialType ::= SEQUENCE { certificateType OBJECT IDENTIFIER }. */
function credentialType(value: Uint8Array): string {
  const [type, extra] = derElements(
    derWhole(value, Tag.SEQUENCE, "TCGCredentialType").contents,
    2,
    "TCGCredentialType",
  );
  if (extra !== undefined) malformed("TCGCredentialType: unexpected field");
  return derOid(type, "TCGCredentialType certificateType");
}

/** Decodes one attribute into `out`; false when it is not a TCG platform attribute. */
function decodeAttribute(attr: RawAttribute, out: Fields, issues: TcgPlatformIssue[], early: boolean): boolean {
  const one = () => singleValue(attr, attr.oid);
  switch (attr.oid) {
    case O.OID_TCG_AT_TCG_PLATFORM_SPECIFICATION:
      out.platformSpecification = platformSpecification(one(), issues);
      return true;
    case O.OID_TCG_AT_TBB_SECURITY_ASSERTIONS:
      out.tbbSecurityAssertions = decodeTbbSecurityAssertions(one(), issues, early);
      return true;
    case O.OID_TCG_AT_TCG_CREDENTIAL_SPECIFICATION:
      out.credentialSpecification = credentialSpecification(one(), issues);
      return true;
    case O.OID_TCG_AT_TCG_CREDENTIAL_TYPE:
      out.credentialType = credentialType(one());
      return true;
    case O.OID_TCG_AT_PLATFORM_CONFIGURATION_V1:
    case O.OID_TCG_AT_PLATFORM_CONFIGURATION_V2:
      if (out.platformConfiguration !== undefined) malformed("platformConfiguration v1 and v2 both present");
      out.platformConfiguration = decodePlatformConfiguration(
        one(),
        attr.oid === O.OID_TCG_AT_PLATFORM_CONFIGURATION_V1 ? 1 : 2,
        issues,
      );
      return true;
    case O.OID_TCG_AT_PLATFORM_CONFIG_URI:
      out.platformConfigUri = uriReference(
        derWhole(one(), Tag.SEQUENCE, "platformConfigUri").contents,
        "platformConfigUri",
      );
      return true;
    case O.OID_QT_UNOTICE:
      out.userNotice = decodeUserNotice(one());
      return true;
    default:
      return false;
  }
}

/** subjectAltName directoryName attribute types of the platform identity, by field. */
const SAN_FIELDS: Record<string, "platformManufacturer" | "platformModel" | "platformVersion" | "platformSerial"> = {
  [O.OID_TCG_AT_PLATFORM_MANUFACTURER_STR]: "platformManufacturer",
  [O.OID_TCG_AT_PLATFORM_MODEL]: "platformModel",
  [O.OID_TCG_AT_PLATFORM_VERSION]: "platformVersion",
  [O.OID_TCG_AT_PLATFORM_SERIAL]: "platformSerial",
  // TCG Credential Profiles v1.1 (2007) names for the same three.
  [O.OID_TCG_AT_PLATFORM_MANUFACTURER_V1]: "platformManufacturer",
  [O.OID_TCG_AT_PLATFORM_MODEL_V1]: "platformModel",
  [O.OID_TCG_AT_PLATFORM_VERSION_V1]: "platformVersion",
};

function sanAttribute(a: NameAttribute, out: Fields, issues: TcgPlatformIssue[]): boolean {
  if (a.type === O.OID_TCG_AT_PLATFORM_MANUFACTURER_ID) {
    if (out.platformManufacturerId !== undefined) malformed("platformManufacturerId appears twice");
    // ManufacturerId ::= SEQUENCE { manufacturerIdentifier PrivateEnterpriseNumber }
    const [pen, extra] = derElements(
      derWhole(a.valueDer, Tag.SEQUENCE, "ManufacturerId").contents,
      2,
      "ManufacturerId",
    );
    if (extra !== undefined) malformed("ManufacturerId: unexpected field");
    out.platformManufacturerId = derOid(pen, "manufacturerIdentifier");
    return true;
  }
  const field = SAN_FIELDS[a.type];
  if (field === undefined) return false;
  if (a.text === undefined || a.text.length === 0 || a.text.length > 256)
    malformed(`subjectAltName ${a.type}: expected a string of 1..256 characters`);
  if (out[field] !== undefined) malformed(`subjectAltName: ${field} appears twice`);
  if (a.type.startsWith("2.23.133.2.")) note(issues, "credential-profile-v1-attribute");
  out[field] = a.text;
  return true;
}

/**
 * The directoryNames of the subjectAltName extension (TCG Platform Certificate Profile §3.1: the platform identity).
 * Early platform credentials put a bare Name (RDNSequence) where GeneralNames belongs; the two cannot be confused (a
 * GeneralNames holds context-tagged choices, a Name holds SETs), so that form is read too and recorded.
 */
function subjectAltNameDirectoryNames(ac: AttributeCertificate, issues: TcgPlatformIssue[]): Name[] {
  const san = ac.extensions.find((e) => e.oid === OID_SUBJECT_ALT_NAME);
  if (san === undefined) return [];
  try {
    return decodeGeneralNames(san.value, "subjectAltName").flatMap((g) => (g.type === "dn" ? [g.value] : []));
  } catch (e) {
    const first = san.value[0] === Tag.SEQUENCE ? derWhole(san.value, Tag.SEQUENCE, "subjectAltName") : undefined;
    if (first === undefined || first.contents[0] !== Tag.SET) throw e;
    note(issues, "subject-alt-name-rdn-sequence");
    return [parseNameElement(san.value, first, "subjectAltName")];
  }
}

/**
 * Decodes the TCG platform attributes of a parsed attribute certificate into typed fields (TCG Platform Certificate
 * Profile v1.1; the v1.0 and earlier forms real certificates carry are accepted and listed in `issues`). Attributes
 * and subjectAltName entries that are not platform fields are kept (`otherAttributes`, as DER with their type).
 * Throws `X509_MALFORMED` when a TCG attribute does not decode or appears twice. Decoding is not verification:
 * see {@link verifyPlatformCertificate}.
 *
 * @example
 * ```ts
 * const tcg = decodeTcgPlatformAttributes(parseAttributeCertificate(der));
 * tcg.platformManufacturer;                     // "Intel"
 * tcg.platformConfiguration?.properties;        // [{ name: "vPro", value: "true" }, ...]
 * ```
 */
export function decodeTcgPlatformAttributes(ac: AttributeCertificate): TcgPlatformAttributes {
  const issues: TcgPlatformIssue[] = [];
  const fields: Fields = {};
  const otherAttributes: RawAttribute[] = [];
  const otherSubjectAltNameAttributes: NameAttribute[] = [];
  const seen = new Set<string>();
  const take = (attr: RawAttribute, early: boolean) => {
    if (seen.has(attr.oid)) malformed(`attribute ${attr.oid} appears twice`);
    seen.add(attr.oid);
    try {
      if (!decodeAttribute(attr, fields, issues, early)) otherAttributes.push(attr);
    } catch (e) {
      throw asMalformed(e, `TCG attribute ${attr.oid}`);
    }
  };
  for (const attr of ac.attributes) take(attr, false);
  try {
    const sda = ac.extensions.find((e) => e.oid === O.OID_SUBJECT_DIRECTORY_ATTRIBUTES);
    if (sda !== undefined) {
      // SubjectDirectoryAttributes ::= SEQUENCE SIZE (1..MAX) OF Attribute (RFC 5280 §4.2.1.8)
      const seq = derWhole(sda.value, Tag.SEQUENCE, "subjectDirectoryAttributes");
      const els = derElements(seq.contents, 64, "subjectDirectoryAttributes");
      if (els.length === 0) malformed("subjectDirectoryAttributes: SIZE (1..MAX) but empty");
      for (const el of els) take(parseAttributeElement(el, "subjectDirectoryAttributes", 64), true);
    }
    for (const name of subjectAltNameDirectoryNames(ac, issues)) {
      for (const rdn of name.rdns)
        for (const a of rdn) if (!sanAttribute(a, fields, issues)) otherSubjectAltNameAttributes.push(a);
    }
    const policies = decodePolicyQualifiers(ac.ext.certificatePolicies ?? []);
    return { ...fields, policies, otherAttributes, otherSubjectAltNameAttributes, issues };
  } catch (e) {
    throw asMalformed(e, "TCG platform extensions");
  }
}
