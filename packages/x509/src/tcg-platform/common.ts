import type { DerElement } from "@rotkit/core";
import { derAlgorithmIdentifier } from "../der/algorithm.js";
import { malformed } from "../der/errors.js";
import { derBitString, derBoolean, derSmallUint } from "../der/primitives.js";
import { derElements, Tag } from "../der/read.js";
import { derString } from "../der/strings.js";
import type { TcgPlatformIssue, TcgSpecificationVersion, UriReference } from "./types.js";

// Building blocks of the TCG Platform Certificate Profile ASN.1 (v1.1 module): bounded strings (strmax 256, urimax
// 1024), ENUMERATED values within their named lists, URIReference, TCGSpecificationVersion, DEFAULT handling.

/** strmax of the profile: the bound of every UTF8String. */
export const STRMAX = 256;
/** urimax of the profile: the bound of every URI. */
export const URIMAX = 1024;

/**
 * Adds `issue` once.
 *
 * @example
 * ```ts
 * note(issues, "der-default-encoded");
 * ```
 */
export function note(issues: TcgPlatformIssue[], issue: TcgPlatformIssue): void {
  if (!issues.includes(issue)) issues.push(issue);
}

/**
 * A character string of type `tag` (UTF8String by default; an IMPLICIT tag when given) with SIZE (1..max).
 *
 * @example
 * ```ts
 * const model = boundedString(el, "componentModel", STRMAX);
 * ```
 */
export function boundedString(
  el: DerElement | undefined,
  what: string,
  max: number,
  universal: number = Tag.UTF8_STRING,
  tag: number = universal,
): string {
  if (el === undefined || el.tag !== tag) return malformed(`${what}: expected ${tagName(universal)}`, el?.start);
  const s = derString(el, what, universal);
  if (s.length === 0 || s.length > max) malformed(`${what}: length ${s.length} outside 1..${max}`, el.start);
  return s;
}

function tagName(t: number): string {
  return t === Tag.IA5_STRING ? "IA5String" : t === Tag.UTF8_STRING ? "UTF8String" : `tag 0x${t.toString(16)}`;
}

/**
 * An ENUMERATED (or an IMPLICIT `[n]` in its place) whose value names an item of `names`.
 *
 * @example
 * ```ts
 * const status = enumerated(el, "status", ATTRIBUTE_STATUSES, 0x87);
 * ```
 */
export function enumerated<T extends string>(
  el: DerElement,
  what: string,
  names: readonly T[],
  tag: number = Tag.ENUMERATED,
): T {
  return names[derSmallUint(el, what, names.length - 1, false, tag)] as T;
}

/**
 * An ENUMERATED in `lo..hi` (levels), or an IMPLICIT `[n]` one.
 *
 * @example
 * ```ts
 * const eal = enumeratedRange(el, "assurancelevel", 1, 7);
 * ```
 */
export function enumeratedRange(el: DerElement, what: string, lo: number, hi: number, tag = Tag.ENUMERATED): number {
  const v = derSmallUint(el, what, hi, false, tag);
  if (v < lo) malformed(`${what}: ${v} is below ${lo}`, el.start);
  return v;
}

/**
 * BOOLEAN DEFAULT FALSE: an encoded FALSE is a DER slip (X.690 §11.5), recorded.
 *
 * @example
 * ```ts
 * const plus = booleanDefaultFalse(el, "plus", issues);
 * ```
 */
export function booleanDefaultFalse(el: DerElement, what: string, issues: TcgPlatformIssue[]): boolean {
  const b = derBoolean(el, what);
  if (!b) note(issues, "der-default-encoded");
  return b;
}

/**
 * URIReference from the contents of its SEQUENCE (or of an IMPLICIT `[n]` in its place).
 *
 * @example
 * ```ts
 * const ref = uriReference(el.contents, "platformConfigUri");
 * ```
 */
export function uriReference(contents: Uint8Array, what: string): UriReference {
  const [uriEl, a, b, extra] = derElements(contents, 4, what);
  const out: UriReference = { uri: boundedString(uriEl, `${what} uniformResourceIdentifier`, URIMAX, Tag.IA5_STRING) };
  let hashEl = b;
  if (a?.tag === Tag.SEQUENCE) out.hashAlgorithm = derAlgorithmIdentifier(a, `${what} hashAlgorithm`);
  else hashEl = a;
  if (hashEl !== undefined) out.hashValue = derBitString(hashEl, `${what} hashValue`).bytes;
  if (extra !== undefined || (hashEl === a && b !== undefined)) malformed(`${what}: unexpected field`);
  return out;
}

/**
 * TCGSpecificationVersion ::= SEQUENCE { majorVersion INTEGER, minorVersion INTEGER, revision INTEGER }.
 *
 * @example
 * ```ts
 * specificationVersion(el, "tcgPlatformSpecification version"); // { major: 2, minor: 0, revision: 43 }
 * ```
 */
export function specificationVersion(el: DerElement | undefined, what: string): TcgSpecificationVersion {
  if (el === undefined || el.tag !== Tag.SEQUENCE) return malformed(`${what}: expected TCGSpecificationVersion`);
  const [major, minor, revision, extra] = derElements(el.contents, 4, what);
  if (revision === undefined || extra !== undefined) malformed(`${what}: expected three INTEGERs`, el.start);
  return {
    major: derSmallUint(major as DerElement, `${what} majorVersion`, 0xffff),
    minor: derSmallUint(minor as DerElement, `${what} minorVersion`, 0xffff),
    revision: derSmallUint(revision, `${what} revision`, 0xffffffff),
  };
}
