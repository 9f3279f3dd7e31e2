import { RotkitError } from "@rotkit/core";
import { asMalformed } from "../der/errors.js";
import type { ProfileIssue } from "../der/issues.js";
import type { Extension, KnownExtensions } from "../types.js";
import {
  decodeBasicConstraints,
  decodeInhibitAnyPolicy,
  decodeNameConstraints,
  decodePolicyConstraints,
} from "./constraints.js";
import { decodeCrlDistributionPoints } from "./distribution-points.js";
import { decodeGeneralNames } from "./general-names.js";
import { decodeAuthorityKeyIdentifier, decodeSubjectKeyIdentifier } from "./identifiers.js";
import { decodeExtKeyUsage, decodeKeyUsage } from "./key-usage.js";
import * as O from "./oids.js";
import { decodeCertificatePolicies, decodePolicyMappings } from "./policies.js";

// The certificate extensions of RFC 5280 §4.2 that validation uses, by OID: name, KnownExtensions field, decoder.

type Decoder = (value: Uint8Array, issues?: ProfileIssue[]) => unknown;

const CERT_EXTENSIONS: Record<string, readonly [string, keyof KnownExtensions, Decoder]> = {
  [O.OID_BASIC_CONSTRAINTS]: ["basicConstraints", "basicConstraints", decodeBasicConstraints],
  [O.OID_KEY_USAGE]: ["keyUsage", "keyUsage", decodeKeyUsage],
  [O.OID_EXT_KEY_USAGE]: ["extKeyUsage", "extKeyUsage", decodeExtKeyUsage],
  [O.OID_SUBJECT_ALT_NAME]: ["subjectAltName", "subjectAltName", (v, i) => decodeGeneralNames(v, "subjectAltName", i)],
  [O.OID_ISSUER_ALT_NAME]: ["issuerAltName", "issuerAltName", (v, i) => decodeGeneralNames(v, "issuerAltName", i)],
  [O.OID_NAME_CONSTRAINTS]: ["nameConstraints", "nameConstraints", decodeNameConstraints],
  [O.OID_CERTIFICATE_POLICIES]: ["certificatePolicies", "certificatePolicies", decodeCertificatePolicies],
  [O.OID_POLICY_MAPPINGS]: ["policyMappings", "policyMappings", decodePolicyMappings],
  [O.OID_POLICY_CONSTRAINTS]: ["policyConstraints", "policyConstraints", decodePolicyConstraints],
  [O.OID_INHIBIT_ANY_POLICY]: ["inhibitAnyPolicy", "inhibitAnyPolicy", decodeInhibitAnyPolicy],
  [O.OID_AUTHORITY_KEY_IDENTIFIER]: ["authorityKeyIdentifier", "authorityKeyIdentifier", decodeAuthorityKeyIdentifier],
  [O.OID_SUBJECT_KEY_IDENTIFIER]: ["subjectKeyIdentifier", "subjectKeyIdentifier", decodeSubjectKeyIdentifier],
  [O.OID_CRL_DISTRIBUTION_POINTS]: [
    "cRLDistributionPoints",
    "crlDistributionPoints",
    (v, i) => decodeCrlDistributionPoints(v, "cRLDistributionPoints", i),
  ],
  [O.OID_FRESHEST_CRL]: ["freshestCRL", "freshestCrl", (v, i) => decodeCrlDistributionPoints(v, "freshestCRL", i)],
};

/**
 * True when rotkit decodes the certificate extension `oid` into {@link KnownExtensions}.
 *
 * @example
 * ```ts
 * isKnownCertificateExtension("2.5.29.19"); // true
 * ```
 */
export function isKnownCertificateExtension(oid: string): boolean {
  return Object.hasOwn(CERT_EXTENSIONS, oid);
}

/**
 * Decodes the known extensions of a certificate into {@link KnownExtensions}. A known extension whose value does not
 * decode throws `X509_MALFORMED` naming it; unknown extensions are skipped (they stay in `extensions`).
 *
 * @example
 * ```ts
 * const ext = decodeKnownExtensions(cert.extensions);
 * ext.basicConstraints?.ca;
 * ```
 */
export function decodeKnownExtensions(extensions: readonly Extension[], issues?: ProfileIssue[]): KnownExtensions {
  const out: Record<string, unknown> = {};
  for (const e of extensions) {
    const entry = CERT_EXTENSIONS[e.oid];
    if (entry === undefined) continue;
    try {
      out[entry[1]] = entry[2](e.value, issues);
    } catch (err) {
      throw asMalformed(err, `extension ${entry[0]} (${e.oid})`);
    }
  }
  return out as KnownExtensions;
}

/**
 * Decodes one known certificate extension's value by OID; throws `INVALID_ARGUMENT` for an OID rotkit does not
 * decode.
 *
 * @example
 * ```ts
 * decodeExtensionValue("2.5.29.19", ext.value); // { ca: true }
 * ```
 */
export function decodeExtensionValue(oid: string, value: Uint8Array): unknown {
  const entry = CERT_EXTENSIONS[oid];
  if (entry === undefined) throw new RotkitError("INVALID_ARGUMENT", `no decoder for extension ${oid}`);
  try {
    return entry[2](value);
  } catch (err) {
    throw asMalformed(err, `extension ${entry[0]} (${oid})`);
  }
}
