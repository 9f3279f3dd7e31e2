// Deviations a parse tolerates but records (Certificate.encodingIssues, profileIssues()). Two kinds:
// - DER canonical-form rules whose violation leaves the value unambiguous (X.690 §11: DEFAULT values encoded,
//   trailing zero bits in named-bit lists, unsorted SET OF), and repertoire leniencies real CAs need;
// - RFC 5280 profile rules (§4.1, §4.2) that a validator may enforce per profile (serial length, versions, ...).
// Malformed DER/ASN.1 throws X509_MALFORMED instead. The validator decides which issues fail which profile.

/** Stable identifiers of tolerated deviations. */
export type ProfileIssue =
  // DER canonical form (X.690 §11), value unambiguous
  | "der-explicit-default-version" // version [0] present with v1 (DEFAULT v1, X.690 §11.5)
  | "der-critical-false-encoded" // Extension.critical FALSE encoded (DEFAULT FALSE)
  | "der-ca-false-encoded" // basicConstraints cA FALSE encoded (DEFAULT FALSE)
  | "der-default-encoded" // another DEFAULT value encoded (GeneralSubtree minimum 0, IDP booleans FALSE)
  | "der-named-bits-trailing-zero" // named-bit BIT STRING with trailing zero bits (X.690 §11.2.2)
  | "der-set-unsorted" // SET OF elements not in ascending order (X.690 §11.6)
  | "printable-string-lenient" // '*', '&' or '@' in a PrintableString
  // RFC 5280 profile
  | "serial-too-long" // §4.1.2.2: more than 20 octets
  | "serial-not-positive" // §4.1.2.2: zero or negative
  | "time-encoding" // §4.1.2.5: GeneralizedTime before 2050
  | "signature-not-octets" // signatureValue BIT STRING is not whole octets (signature emptied, cannot verify)
  | "signature-algorithm-mismatch" // §4.1.1.2: signatureAlgorithm ≠ TBSCertificate.signature
  | "extensions-before-v3" // §4.1.2.9: extensions in a v1/v2 certificate
  | "unique-id-in-v1" // §4.1.2.8: unique identifiers in a v1 certificate
  | "v2-without-unique-id" // §4.1.2.1: version 2 should only be used with unique identifiers
  | "empty-issuer" // §4.1.2.4: issuer MUST be a non-empty DN
  | "empty-subject-without-critical-san" // §4.1.2.6 / §4.2.1.6
  | "empty-extensions" // §4.1: Extensions ::= SEQUENCE SIZE (1..MAX) — zero extensions encoded
  | "key-usage-empty" // §4.2.1.3: at least one bit MUST be set
  | "aki-critical" // §4.2.1.1: MUST be non-critical
  | "aki-issuer-serial-unpaired" // §4.2.1.1: authorityCertIssuer and authorityCertSerialNumber not both present
  | "ski-critical" // §4.2.1.2: MUST be non-critical
  | "ca-basic-constraints-not-critical" // §4.2.1.9: MUST be critical in CA certificates
  | "pathlen-without-ca-keycertsign" // §4.2.1.9: pathLenConstraint only with cA and keyCertSign
  | "name-constraints-not-critical" // §4.2.1.10: MUST be critical
  | "name-constraints-in-non-ca" // §4.2.1.10: only in CA certificates
  | "policy-constraints-not-critical" // §4.2.1.11: MUST be critical
  | "inhibit-any-policy-not-critical" // §4.2.1.14: MUST be critical
  | "crl-v1-explicit-version" // §5.1.2.1: version present but v1 (only v2 is ever encoded)
  | "crl-extensions-in-v1" // §5.1.2.1: CRL or entry extensions require v2
  | "crl-empty-revoked-list" // §5.1.2.6: an empty list MUST be absent
  | "crl-missing-next-update" // §5.1.2.5: conforming issuers MUST include nextUpdate
  | "policy-mappings-any-policy"; // §4.2.1.5: MUST NOT map to or from anyPolicy

/**
 * Adds `issue` to `issues` (when collecting) unless already there.
 *
 * @example
 * ```ts
 * noteIssue(issues, "der-ca-false-encoded");
 * ```
 */
export function noteIssue(issues: ProfileIssue[] | undefined, issue: ProfileIssue): void {
  if (issues !== undefined && !issues.includes(issue)) issues.push(issue);
}
