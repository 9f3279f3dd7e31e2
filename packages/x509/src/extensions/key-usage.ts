import { malformed } from "../der/errors.js";
import { noteIssue, type ProfileIssue } from "../der/issues.js";
import { derOid } from "../der/oid.js";
import { derNamedBits } from "../der/primitives.js";
import { DEFAULT_X509_LIMITS, derNonEmpty, derWhole, Tag } from "../der/read.js";

/**
 * keyUsage (RFC 5280 §4.2.1.3): KeyUsage ::= BIT STRING { digitalSignature (0) … decipherOnly (8) }, as a bitset
 * by KeyUsageBit (`1 << KeyUsageBit.keyCertSign`).
 *
 * @example
 * ```ts
 * const ku = decodeKeyUsage(ext.value); // (ku & (1 << KeyUsageBit.keyCertSign)) !== 0
 * ```
 */
export function decodeKeyUsage(value: Uint8Array, issues?: ProfileIssue[]): number {
  const el = derWhole(value, Tag.BIT_STRING, "keyUsage");
  const { bits, trailingZero } = derNamedBits(el, "keyUsage");
  if (bits >= 1 << 9) malformed("keyUsage: bits beyond decipherOnly (8)", el.start);
  if (trailingZero) noteIssue(issues, "der-named-bits-trailing-zero");
  if (bits === 0) noteIssue(issues, "key-usage-empty");
  return bits;
}

/**
 * extKeyUsage (RFC 5280 §4.2.1.12): SEQUENCE SIZE (1..MAX) OF KeyPurposeId, as dotted OIDs in order.
 *
 * @example
 * ```ts
 * decodeExtKeyUsage(ext.value); // ["1.3.6.1.5.5.7.3.1"]
 * ```
 */
export function decodeExtKeyUsage(value: Uint8Array): string[] {
  const seq = derWhole(value, Tag.SEQUENCE, "extKeyUsage");
  const out: string[] = [];
  for (const el of derNonEmpty(seq.contents, DEFAULT_X509_LIMITS.maxElements, "extKeyUsage")) {
    out.push(derOid(el, "extKeyUsage KeyPurposeId"));
  }
  return out;
}
