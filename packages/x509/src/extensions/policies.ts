import { malformed } from "../der/errors.js";
import { noteIssue, type ProfileIssue } from "../der/issues.js";
import { derOid } from "../der/oid.js";
import { DEFAULT_X509_LIMITS, derElements, derNonEmpty, derWhole, Tag } from "../der/read.js";
import type { KnownExtensions, PolicyInformation } from "../types.js";
import { OID_ANY_POLICY } from "./oids.js";

/**
 * certificatePolicies (RFC 5280 §4.2.1.4): SEQUENCE SIZE (1..MAX) OF PolicyInformation { policyIdentifier OID,
 * policyQualifiers SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }. A policy OID appearing twice is
 * refused (§4.2.1.4: "A certificate policy OID MUST NOT appear more than once"). Qualifiers are kept as DER.
 *
 * @example
 * ```ts
 * decodeCertificatePolicies(ext.value); // [{ policy: "2.23.140.1.2.1", qualifiers: [] }]
 * ```
 */
export function decodeCertificatePolicies(value: Uint8Array): PolicyInformation[] {
  const seq = derWhole(value, Tag.SEQUENCE, "certificatePolicies");
  const out: PolicyInformation[] = [];
  for (const pi of derNonEmpty(seq.contents, DEFAULT_X509_LIMITS.maxElements, "certificatePolicies")) {
    if (pi.tag !== Tag.SEQUENCE) malformed("certificatePolicies: PolicyInformation must be a SEQUENCE", pi.start);
    const parts = derElements(pi.contents, 2, "certificatePolicies");
    const policy = derOid(parts[0], "certificatePolicies policyIdentifier");
    for (const p of out)
      if (p.policy === policy) malformed(`certificatePolicies: policy ${policy} appears twice`, pi.start);
    const qualifiers: Uint8Array[] = [];
    const q = parts[1];
    if (q !== undefined) {
      if (q.tag !== Tag.SEQUENCE) malformed("certificatePolicies: policyQualifiers must be a SEQUENCE", q.start);
      for (const pq of derNonEmpty(q.contents, DEFAULT_X509_LIMITS.maxElements, "policyQualifiers")) {
        // PolicyQualifierInfo ::= SEQUENCE { policyQualifierId OID, qualifier ANY }
        if (pq.tag !== Tag.SEQUENCE) malformed("certificatePolicies: PolicyQualifierInfo must be a SEQUENCE", pq.start);
        const qp = derElements(pq.contents, 2, "PolicyQualifierInfo");
        derOid(qp[0], "policyQualifierId");
        qualifiers.push(q.contents.subarray(pq.start, pq.end));
      }
    }
    out.push({ policy, qualifiers });
  }
  return out;
}

/**
 * policyMappings (RFC 5280 §4.2.1.5): SEQUENCE SIZE (1..MAX) OF SEQUENCE { issuerDomainPolicy, subjectDomainPolicy }.
 * A mapping to or from anyPolicy is recorded as `policy-mappings-any-policy` (§6.1.4 (a) rejects it).
 *
 * @example
 * ```ts
 * decodePolicyMappings(ext.value); // [{ issuerDomainPolicy: "2.16.840.1.101.3.2.1.48.1", subjectDomainPolicy: "..." }]
 * ```
 */
export function decodePolicyMappings(
  value: Uint8Array,
  issues?: ProfileIssue[],
): NonNullable<KnownExtensions["policyMappings"]> {
  const seq = derWhole(value, Tag.SEQUENCE, "policyMappings");
  const out: NonNullable<KnownExtensions["policyMappings"]> = [];
  for (const m of derNonEmpty(seq.contents, DEFAULT_X509_LIMITS.maxElements, "policyMappings")) {
    if (m.tag !== Tag.SEQUENCE) malformed("policyMappings: mapping must be a SEQUENCE", m.start);
    const parts = derElements(m.contents, 2, "policyMappings");
    if (parts.length !== 2) malformed("policyMappings: mapping needs two policies", m.start);
    const issuerDomainPolicy = derOid(parts[0], "issuerDomainPolicy");
    const subjectDomainPolicy = derOid(parts[1], "subjectDomainPolicy");
    if (issuerDomainPolicy === OID_ANY_POLICY || subjectDomainPolicy === OID_ANY_POLICY) {
      noteIssue(issues, "policy-mappings-any-policy");
    }
    out.push({ issuerDomainPolicy, subjectDomainPolicy });
  }
  return out;
}
