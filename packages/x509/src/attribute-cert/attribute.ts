import type { DerElement } from "@rotkit/core";
import { malformed } from "../der/errors.js";
import { derOid } from "../der/oid.js";
import { derElements, Tag } from "../der/read.js";

// Attribute, as PKCS #10 (RFC 2986 §4.1) and attribute certificates (RFC 5755 §4.1, via RFC 5280 Appendix A.1) use it:
//   Attribute ::= SEQUENCE { type AttributeType (OBJECT IDENTIFIER), values SET OF AttributeValue }
// RFC 5280 A.1: "at least one value is required"; RFC 2986 writes SET SIZE(1..MAX).

/** One Attribute: its type and the DER of each value, in order. */
export interface RawAttribute {
  /** The attribute type OID, dotted. */
  oid: string;
  /** The complete DER encoding of each AttributeValue (subarrays of the parsed input). */
  values: Uint8Array[];
}

/**
 * Parses one Attribute element; each value's DER is a subarray of the element's own contents.
 *
 * @example
 * ```ts
 * const { oid, values } = parseAttributeElement(el, "attributes", 1024);
 * ```
 */
export function parseAttributeElement(el: DerElement, what: string, maxElements: number): RawAttribute {
  if (el.tag !== Tag.SEQUENCE) malformed(`${what}: Attribute must be a SEQUENCE`, el.start);
  const parts = derElements(el.contents, 2, what);
  const set = parts[1];
  if (parts.length !== 2 || set === undefined || set.tag !== Tag.SET) {
    return malformed(`${what}: Attribute must be SEQUENCE { type, values SET OF }`, el.start);
  }
  const oid = derOid(parts[0], `${what} type`);
  const vals = derElements(set.contents, maxElements, `${what} ${oid} values`);
  if (vals.length === 0) malformed(`${what} ${oid}: at least one value is required`, el.start);
  return { oid, values: vals.map((v) => set.contents.subarray(v.start, v.end)) };
}

/**
 * The one value of a single-valued attribute; more than one value throws `X509_MALFORMED`.
 *
 * @example
 * ```ts
 * const der = singleValue(attr, "tcgPlatformSpecification");
 * ```
 */
export function singleValue(attr: RawAttribute, what: string): Uint8Array {
  if (attr.values.length !== 1) malformed(`${what}: exactly one value expected, found ${attr.values.length}`);
  return attr.values[0] as Uint8Array;
}
