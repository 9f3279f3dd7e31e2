import { bytesEqual } from "@rotkit/core";
import { prepareNameText } from "./names.js";
import type { Name, NameAttribute } from "./types.js";

// Distinguished-name comparison for directoryName name constraints (RFC 5280 §4.2.1.10: a DN is within a subtree
// when its leading RDNs equal the subtree's base) with the attribute matching of RFC 5280 §7.1 (RFC 4518 string
// preparation, reduced to case folding and insignificant-space handling).

// DirectoryString-like types whose values compare as prepared strings; anything else compares by DER octets.
const STRING_TAGS = new Set([0x0c, 0x13, 0x14, 0x16, 0x1c, 0x1e]);

const prepare = prepareNameText;

/**
 * RFC 5280 §7.1: attribute values of string types match case-insensitively with leading, trailing and repeated
 * inner spaces insignificant; other values match by their DER.
 *
 * @example
 * ```ts
 * attributeEquals(a, b);
 * ```
 */
export function attributeEquals(a: NameAttribute, b: NameAttribute): boolean {
  if (a.type !== b.type) return false;
  if (STRING_TAGS.has(a.valueTag) && STRING_TAGS.has(b.valueTag) && a.text !== undefined && b.text !== undefined) {
    return prepare(a.text) === prepare(b.text);
  }
  return bytesEqual(a.valueDer, b.valueDer);
}

/** Two RDNs are equal when they hold the same set of attributes. */
export function rdnEquals(a: NameAttribute[], b: NameAttribute[]): boolean {
  if (a.length !== b.length) return false;
  const used = new Array<boolean>(b.length).fill(false);
  for (const x of a) {
    const i = b.findIndex((y, j) => !used[j] && attributeEquals(x, y));
    if (i < 0) return false;
    used[i] = true;
  }
  return true;
}

/**
 * Is `name` within the directoryName subtree `base` (its first RDNs equal base's)?
 *
 * @example
 * ```ts
 * dnWithin(leaf.subject, constraintBase); // true when leaf.subject = base + more RDNs
 * ```
 */
export function dnWithin(name: Name, base: Name): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  for (let i = 0; i < base.rdns.length; i++) {
    if (!rdnEquals(name.rdns[i] as NameAttribute[], base.rdns[i] as NameAttribute[])) return false;
  }
  return true;
}
