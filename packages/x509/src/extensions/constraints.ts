import type { DerElement } from "@rotkit/core";
import { malformed } from "../der/errors.js";
import { noteIssue, type ProfileIssue } from "../der/issues.js";
import { derBoolean, derSmallUint } from "../der/primitives.js";
import { DEFAULT_X509_LIMITS, derElements, derNonEmpty, derWhole, Tag } from "../der/read.js";
import type { GeneralSubtree, KnownExtensions } from "../types.js";
import { parseGeneralNameElement } from "./general-names.js";

// Counts (pathLenConstraint, SkipCerts) larger than any chain are all equivalent: clamp instead of refusing.
const MAX_COUNT = 0x7fffffff;

/**
 * basicConstraints (RFC 5280 §4.2.1.9): SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX)
 * OPTIONAL }. An encoded cA FALSE breaks DER (X.690 §11.5) and is recorded as `der-ca-false-encoded`.
 *
 * @example
 * ```ts
 * decodeBasicConstraints(ext.value); // { ca: true, pathLenConstraint: 0 }
 * ```
 */
export function decodeBasicConstraints(
  value: Uint8Array,
  issues?: ProfileIssue[],
): { ca: boolean; pathLenConstraint?: number } {
  const seq = derWhole(value, Tag.SEQUENCE, "basicConstraints");
  const parts = derElements(seq.contents, 2, "basicConstraints");
  let i = 0;
  let ca = false;
  const first = parts[0];
  if (first !== undefined && first.tag === Tag.BOOLEAN) {
    ca = derBoolean(first, "basicConstraints cA");
    if (!ca) noteIssue(issues, "der-ca-false-encoded");
    i = 1;
  }
  const pl = parts[i];
  if (pl === undefined) return { ca };
  if (i + 1 !== parts.length) malformed("basicConstraints: unexpected field", pl.start);
  return { ca, pathLenConstraint: derSmallUint(pl, "basicConstraints pathLenConstraint", MAX_COUNT, true) };
}

function subtrees(el: DerElement, what: string, issues: ProfileIssue[] | undefined): GeneralSubtree[] {
  // GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree (IMPLICIT [n], so el's contents are the items)
  const out: GeneralSubtree[] = [];
  for (const st of derNonEmpty(el.contents, DEFAULT_X509_LIMITS.maxElements, what)) {
    if (st.tag !== Tag.SEQUENCE) malformed(`${what}: GeneralSubtree must be a SEQUENCE`, st.start);
    // GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] BaseDistance DEFAULT 0, maximum [1] OPTIONAL }
    const parts = derElements(st.contents, 3, what);
    const baseEl = parts[0];
    if (baseEl === undefined) malformed(`${what}: GeneralSubtree without base`, st.start);
    const base = parseGeneralNameElement(st.contents, baseEl, what, [8, 32], issues);
    let minimum = 0;
    let maximum: number | undefined;
    let k = 1;
    const minEl = parts[k];
    if (minEl !== undefined && minEl.tag === 0x80) {
      minimum = derSmallUint(minEl, `${what} minimum`, MAX_COUNT, true, 0x80);
      if (minimum === 0) noteIssue(issues, "der-default-encoded");
      k++;
    }
    const maxEl = parts[k];
    if (maxEl !== undefined) {
      if (maxEl.tag !== 0x81) malformed(`${what}: unexpected field in GeneralSubtree`, maxEl.start);
      maximum = derSmallUint(maxEl, `${what} maximum`, MAX_COUNT, true, 0x81);
      k++;
    }
    if (k !== parts.length) malformed(`${what}: unexpected field in GeneralSubtree`, st.start);
    out.push(maximum === undefined ? { base, minimum } : { base, minimum, maximum });
  }
  return out;
}

/**
 * nameConstraints (RFC 5280 §4.2.1.10): SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
 * excludedSubtrees [1] GeneralSubtrees OPTIONAL }. An empty sequence is refused (§4.2.1.10: conforming CAs MUST NOT
 * issue it). iPAddress bases are address ‖ mask (8 or 32 octets).
 *
 * @example
 * ```ts
 * decodeNameConstraints(ext.value).permitted; // [{ base: { type: "dns", value: ".example.com" }, minimum: 0 }]
 * ```
 */
export function decodeNameConstraints(
  value: Uint8Array,
  issues?: ProfileIssue[],
): NonNullable<KnownExtensions["nameConstraints"]> {
  const seq = derWhole(value, Tag.SEQUENCE, "nameConstraints");
  const parts = derElements(seq.contents, 2, "nameConstraints");
  if (parts.length === 0) malformed("nameConstraints: neither permittedSubtrees nor excludedSubtrees");
  const out: NonNullable<KnownExtensions["nameConstraints"]> = {};
  let last = -1;
  for (const el of parts) {
    if (el.tag !== 0xa0 && el.tag !== 0xa1) malformed("nameConstraints: unexpected field", el.start);
    const n = el.tag & 1;
    if (n <= last) malformed("nameConstraints: fields out of order", el.start);
    last = n;
    if (n === 0) out.permitted = subtrees(el, "nameConstraints permittedSubtrees", issues);
    else out.excluded = subtrees(el, "nameConstraints excludedSubtrees", issues);
  }
  return out;
}

/**
 * policyConstraints (RFC 5280 §4.2.1.11): SEQUENCE { requireExplicitPolicy [0] SkipCerts OPTIONAL,
 * inhibitPolicyMapping [1] SkipCerts OPTIONAL }; at least one MUST be present.
 *
 * @example
 * ```ts
 * decodePolicyConstraints(ext.value); // { requireExplicitPolicy: 0 }
 * ```
 */
export function decodePolicyConstraints(value: Uint8Array): NonNullable<KnownExtensions["policyConstraints"]> {
  const seq = derWhole(value, Tag.SEQUENCE, "policyConstraints");
  const parts = derElements(seq.contents, 2, "policyConstraints");
  if (parts.length === 0) malformed("policyConstraints: empty (RFC 5280 §4.2.1.11 requires one field)");
  const out: NonNullable<KnownExtensions["policyConstraints"]> = {};
  let last = -1;
  for (const el of parts) {
    if (el.tag !== 0x80 && el.tag !== 0x81) malformed("policyConstraints: unexpected field", el.start);
    const n = el.tag & 1;
    if (n <= last) malformed("policyConstraints: fields out of order", el.start);
    last = n;
    const v = derSmallUint(el, "policyConstraints SkipCerts", MAX_COUNT, true, el.tag);
    if (n === 0) out.requireExplicitPolicy = v;
    else out.inhibitPolicyMapping = v;
  }
  return out;
}

/**
 * inhibitAnyPolicy (RFC 5280 §4.2.1.14): InhibitAnyPolicy ::= SkipCerts (INTEGER (0..MAX)).
 *
 * @example
 * ```ts
 * decodeInhibitAnyPolicy(ext.value); // 0
 * ```
 */
export function decodeInhibitAnyPolicy(value: Uint8Array): number {
  return derSmallUint(derWhole(value, Tag.INTEGER, "inhibitAnyPolicy"), "inhibitAnyPolicy", MAX_COUNT, true);
}
