import type { DerElement } from "@rotkit/core";
import { parseIssuerSerialContents } from "../attribute-cert/parse.js";
import { derAlgorithmIdentifier } from "../der/algorithm.js";
import { malformed } from "../der/errors.js";
import { derOid, oidToString } from "../der/oid.js";
import { derBoolean, derOctetString } from "../der/primitives.js";
import { DEFAULT_X509_LIMITS, derElements, derImplicit, derNonEmpty, derWhole, Tag } from "../der/read.js";
import { boundedString, enumerated, note, STRMAX, uriReference } from "./common.js";
import {
  ATTRIBUTE_STATUSES,
  type CertificateIdentifier,
  type ComponentAddress,
  type ComponentIdentifier,
  type PlatformConfiguration,
  type PlatformProperty,
  type TcgPlatformIssue,
} from "./types.js";

// Platform configuration attributes:
// - v1 (tcg-at-platformConfiguration-v1, Platform Attribute Credential Profile v1.0):
//     PlatformConfiguration ::= SEQUENCE { componentIdentifier [0] IMPLICIT SEQUENCE SIZE(1..MAX) OF ComponentIdentifier
//       OPTIONAL, platformProperties [1] IMPLICIT SEQUENCE SIZE(1..MAX) OF Properties OPTIONAL,
//       platformPropertiesUri [2] IMPLICIT URIReference OPTIONAL }
//     ComponentIdentifier ::= SEQUENCE { componentManufacturer UTF8String, componentModel UTF8String,
//       componentSerial [0] IMPLICIT UTF8String OPTIONAL, componentRevision [1] IMPLICIT UTF8String OPTIONAL,
//       componentManufacturerId [2] IMPLICIT PrivateEnterpriseNumber OPTIONAL, fieldReplaceable [3] IMPLICIT BOOLEAN
//       OPTIONAL, componentAddress [4] IMPLICIT SEQUENCE SIZE(1..MAX) OF ComponentAddress OPTIONAL }
// - v2 (tcg-at-platformConfiguration-v2, Platform Certificate Profile v1.1):
//     PlatformConfiguration ::= SEQUENCE { componentIdentifiers [0] IMPLICIT SEQUENCE SIZE(1..MAX) OF
//       ComponentIdentifier OPTIONAL, componentIdentifiersUri [1] IMPLICIT URIReference OPTIONAL,
//       platformProperties [2] IMPLICIT SEQUENCE SIZE(1..MAX) OF Properties OPTIONAL,
//       platformPropertiesUri [3] IMPLICIT URIReference OPTIONAL }
//     ComponentIdentifier ::= SEQUENCE { componentClass ComponentClass, componentManufacturer, componentModel,
//       componentSerial [0], componentRevision [1], componentManufacturerId [2], fieldReplaceable [3],
//       componentAddresses [4], componentPlatformCert [5] IMPLICIT CertificateIdentifier OPTIONAL,
//       componentPlatformCertUri [6] IMPLICIT URIReference OPTIONAL, status [7] IMPLICIT AttributeStatus OPTIONAL }
//     ComponentClass ::= SEQUENCE { componentClassRegistry OBJECT IDENTIFIER, componentClassValue OCTET STRING SIZE(4) }
//     CertificateIdentifier ::= SEQUENCE { attributeCertIdentifier [0] IMPLICIT AttributeCertificateIdentifier
//       OPTIONAL, genericCertIdentifier [1] IMPLICIT IssuerSerial OPTIONAL }
//     AttributeCertificateIdentifier ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashOverSignatureValue OCTET STRING }
//   Properties ::= SEQUENCE { propertyName UTF8String, propertyValue UTF8String, status [0] IMPLICIT AttributeStatus
//     OPTIONAL } (status: v2 only)

const MAX = DEFAULT_X509_LIMITS.maxElements;

function address(el: DerElement): ComponentAddress {
  if (el.tag !== Tag.SEQUENCE) malformed("ComponentAddress must be a SEQUENCE", el.start);
  const [type, value, extra] = derElements(el.contents, 3, "ComponentAddress");
  if (extra !== undefined) malformed("ComponentAddress: unexpected field", el.start);
  return {
    addressType: derOid(type, "ComponentAddress addressType"),
    addressValue: boundedString(value, "ComponentAddress addressValue", STRMAX),
  };
}

function certificateIdentifier(contents: Uint8Array): CertificateIdentifier {
  const out: CertificateIdentifier = {};
  let last = -1;
  for (const el of derElements(contents, 2, "componentPlatformCert")) {
    const n = el.tag - 0xa0;
    if (n < 0 || n > 1 || n <= last) malformed("componentPlatformCert: unexpected field", el.start);
    last = n;
    if (n === 0) {
      const [alg, hash, extra] = derElements(el.contents, 3, "attributeCertIdentifier");
      if (alg === undefined || hash === undefined || extra !== undefined)
        malformed("attributeCertIdentifier: expected hashAlgorithm and hashOverSignatureValue", el.start);
      out.attributeCertIdentifier = {
        hashAlgorithm: derAlgorithmIdentifier(alg, "attributeCertIdentifier hashAlgorithm"),
        hashOverSignatureValue: derOctetString(hash, "attributeCertIdentifier hashOverSignatureValue"),
      };
    } else out.genericCertIdentifier = parseIssuerSerialContents(el.contents, "genericCertIdentifier", MAX);
  }
  return out;
}

function component(el: DerElement, version: 1 | 2, issues: TcgPlatformIssue[]): ComponentIdentifier {
  const what = "ComponentIdentifier";
  if (el.tag !== Tag.SEQUENCE) malformed(`${what} must be a SEQUENCE`, el.start);
  const f = derElements(el.contents, 12, what);
  let i = 0;
  let componentClass: ComponentIdentifier["componentClass"];
  let componentClassOctets: Uint8Array | undefined;
  const first = f[0];
  if (first?.tag === Tag.SEQUENCE) {
    const [registry, value, extra] = derElements(first.contents, 3, `${what} componentClass`);
    if (value === undefined || extra !== undefined)
      return malformed(`${what}: componentClass needs registry and value`);
    const octets = derOctetString(value, `${what} componentClassValue`);
    if (octets.length !== 4) malformed(`${what}: componentClassValue must be 4 octets`, value.start);
    componentClass = { registry: derOid(registry, `${what} componentClassRegistry`), value: octets };
    i = 1;
  } else if (first?.tag === Tag.OCTET_STRING && version === 1) {
    // Drafts of the v1.0 profile led with a bare componentClass OCTET STRING.
    note(issues, "component-class-octets");
    componentClassOctets = first.contents;
    i = 1;
  } else if (version === 2) malformed(`${what}: componentClass is required (Platform Certificate Profile v1.1)`);
  const out: ComponentIdentifier = {
    manufacturer: boundedString(f[i++], `${what} componentManufacturer`, STRMAX),
    model: boundedString(f[i++], `${what} componentModel`, STRMAX),
    addresses: [],
  };
  if (componentClass !== undefined) out.componentClass = componentClass;
  if (componentClassOctets !== undefined) out.componentClassOctets = componentClassOctets;
  let last = -1;
  for (; i < f.length; i++) {
    const c = f[i] as DerElement;
    const n = c.tag & 0x1f;
    const constructed = n === 4 || n === 5 || n === 6;
    if (c.tag !== (constructed ? 0xa0 : 0x80) + n || n <= last || n > (version === 1 ? 4 : 7))
      malformed(`${what}: unexpected field (tag 0x${c.tag.toString(16)})`, c.start);
    last = n;
    if (n === 0) out.serial = boundedString(c, `${what} componentSerial`, STRMAX, Tag.UTF8_STRING, 0x80);
    else if (n === 1) out.revision = boundedString(c, `${what} componentRevision`, STRMAX, Tag.UTF8_STRING, 0x81);
    else if (n === 2) out.manufacturerId = oidToString(c.contents, c.start);
    else if (n === 3)
      out.fieldReplaceable = derBoolean(derImplicit(c, 3, Tag.BOOLEAN, false, what), `${what} fieldReplaceable`);
    else if (n === 4) out.addresses = derNonEmpty(c.contents, MAX, `${what} componentAddresses`).map(address);
    else if (n === 5) out.platformCert = certificateIdentifier(c.contents);
    else if (n === 6) out.platformCertUri = uriReference(c.contents, `${what} componentPlatformCertUri`);
    else out.status = enumerated(c, `${what} status`, ATTRIBUTE_STATUSES, 0x87);
  }
  return out;
}

function property(el: DerElement, version: 1 | 2): PlatformProperty {
  if (el.tag !== Tag.SEQUENCE) malformed("Properties must be a SEQUENCE", el.start);
  const [name, value, status, extra] = derElements(el.contents, 4, "Properties");
  if (extra !== undefined || (status !== undefined && version === 1))
    malformed("Properties: unexpected field", el.start);
  const out: PlatformProperty = {
    name: boundedString(name, "propertyName", STRMAX),
    value: boundedString(value, "propertyValue", STRMAX),
  };
  if (status !== undefined) out.status = enumerated(status, "Properties status", ATTRIBUTE_STATUSES, 0x80);
  return out;
}

/**
 * Decodes a platformConfiguration value: `version` 1 for tcg-at-platformConfiguration-v1 (2.23.133.5.1.7.1), 2 for
 * tcg-at-platformConfiguration-v2 (2.23.133.5.1.7.2). Throws `X509_MALFORMED`.
 *
 * @example
 * ```ts
 * decodePlatformConfiguration(value, 1, []).properties; // [{ name: "AMT", value: "true" }]
 * ```
 */
export function decodePlatformConfiguration(
  value: Uint8Array,
  version: 1 | 2,
  issues: TcgPlatformIssue[],
): PlatformConfiguration {
  const seq = derWhole(value, Tag.SEQUENCE, "PlatformConfiguration");
  const out: PlatformConfiguration = { version, components: [], properties: [] };
  // Field roles by tag number: v1 has no componentIdentifiersUri, so its properties/URI sit one tag lower.
  const role =
    version === 1
      ? ["components", "properties", "propertiesUri"]
      : ["components", "componentsUri", "properties", "propertiesUri"];
  let last = -1;
  for (const el of derElements(seq.contents, 4, "PlatformConfiguration")) {
    const n = el.tag - 0xa0;
    if (n < 0 || n >= role.length || n <= last) malformed("PlatformConfiguration: unexpected field", el.start);
    last = n;
    switch (role[n]) {
      case "components":
        out.components = derNonEmpty(el.contents, MAX, "componentIdentifiers").map((c) =>
          component(c, version, issues),
        );
        break;
      case "componentsUri":
        out.componentsUri = uriReference(el.contents, "componentIdentifiersUri");
        break;
      case "properties":
        out.properties = derNonEmpty(el.contents, MAX, "platformProperties").map((p) => property(p, version));
        break;
      default:
        out.propertiesUri = uriReference(el.contents, "platformPropertiesUri");
    }
  }
  return out;
}
