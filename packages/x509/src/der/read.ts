import { type DerElement, readDer } from "@rotkit/core";
import { asMalformed, malformed } from "./errors.js";

// Element access over core's strict DER reader (X.690 §10: definite, minimal lengths; low tag numbers only, which
// is all X.509 uses), with `X509_MALFORMED` errors and a bound on how many elements one SEQUENCE/SET may hold.

/** Universal tags (X.690 §8.1.2.2, Table 1) and the constructed bit, as X.509 uses them. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Bounds on hostile input (DESIGN.md "Bounded decoding"). */
export interface X509Limits {
  /** Largest certificate or CRL accepted, in bytes. */
  maxBytes: number;
  /** Most elements in one SEQUENCE OF / SET OF (extensions, RDNs, GeneralNames, policies, ...). */
  maxElements: number;
  /** Most revoked-certificate entries in one CRL. */
  maxCrlEntries: number;
}

/** Defaults: far above anything a real PKI issues, small enough that hostile input stays cheap. */
export const DEFAULT_X509_LIMITS: Readonly<X509Limits> = Object.freeze({
  maxBytes: 1 << 20,
  maxElements: 1024,
  maxCrlEntries: 1_000_000,
});

/** Context tag octets: `[n]` primitive (IMPLICIT over a primitive type) and constructed (EXPLICIT, or IMPLICIT
 * over a SEQUENCE/SET) — X.690 §8.1.2 with class bits 10.
 *
 * @example
 * ```ts
 * contextTag(3, true); // 0xa3, extensions [3] EXPLICIT
 * ```
 */
export function contextTag(n: number, constructed: boolean): number {
  return (constructed ? 0xa0 : 0x80) | n;
}

/**
 * Reads one element at `pos` (bounded by `limit`), throwing `X509_MALFORMED` for anything that is not DER.
 *
 * @example
 * ```ts
 * const cert = derRead(bytes, 0); // cert.tag === 0x30
 * ```
 */
export function derRead(der: Uint8Array, pos: number, limit?: number): DerElement {
  try {
    return readDer(der, pos, limit);
  } catch (e) {
    throw asMalformed(e, "DER");
  }
}

/**
 * Reads the element at `pos` and checks its tag; `what` names it in the error.
 *
 * @example
 * ```ts
 * const seq = derExpect(bytes, 0, Tag.SEQUENCE, "Certificate");
 * ```
 */
export function derExpect(der: Uint8Array, pos: number, tag: number, what: string, limit?: number): DerElement {
  const el = derRead(der, pos, limit);
  if (el.tag !== tag) malformed(`${what}: expected tag 0x${hex2(tag)}, found 0x${hex2(el.tag)}`, pos);
  return el;
}

/**
 * Reads exactly one element filling all of `der` with tag `tag` (no trailing bytes), e.g. an extension value.
 *
 * @example
 * ```ts
 * const seq = derWhole(ext.value, Tag.SEQUENCE, "basicConstraints");
 * ```
 */
export function derWhole(der: Uint8Array, tag: number, what: string): DerElement {
  const el = derExpect(der, 0, tag, what);
  if (el.end !== der.length) malformed(`${what}: trailing bytes after the value`, el.end);
  return el;
}

/**
 * The children of a constructed element's contents; they must fill it exactly, and there may be at most
 * `max` of them (bounds the work on hostile input).
 *
 * @example
 * ```ts
 * const [tbs, alg, sig] = derElements(cert.contents, 3, "Certificate");
 * ```
 */
export function derElements(contents: Uint8Array, max: number, what: string): DerElement[] {
  return readRun(contents, 0, contents.length, max, what);
}

/**
 * Like {@link derElements}, but reads the children of `parent` inside `buf`, the buffer `parent` was read from, so
 * every child's start/end (and every error's offset) is a position in `buf`.
 *
 * @example
 * ```ts
 * const seq = derWhole(value, Tag.SEQUENCE, "DiceTcbInfo");
 * const fields = derChildrenOf(value, seq, 32, "DiceTcbInfo"); // fields[0].start === 2
 * ```
 */
export function derChildrenOf(buf: Uint8Array, parent: DerElement, max: number, what: string): DerElement[] {
  return readRun(buf, derContentStart(parent), parent.end, max, what);
}

/**
 * Offset of an element's contents in the buffer it was read from.
 *
 * @example
 * ```ts
 * derContentStart(derRead(Uint8Array.of(0x04, 0x01, 0xaa), 0)); // 2
 * ```
 */
export function derContentStart(el: DerElement): number {
  return el.end - el.contents.length;
}

function readRun(buf: Uint8Array, from: number, to: number, max: number, what: string): DerElement[] {
  const out: DerElement[] = [];
  let pos = from;
  while (pos < to) {
    if (out.length >= max) malformed(`${what}: more than ${max} elements`, pos);
    const el = derRead(buf, pos, to);
    out.push(el);
    pos = el.end;
  }
  return out;
}

/** One field of a SEQUENCE of context-tagged OPTIONAL fields: its tag number and whether it is constructed. */
export interface ContextField {
  el: DerElement;
  n: number;
  constructed: boolean;
}

/**
 * Checks a SEQUENCE whose fields are all context-tagged `[n]` OPTIONAL (DiceTcbInfo, OpenDiceInput, ...): each field
 * context-class with a low tag number, in definition order and at most once (X.690 §10.3 / DER).
 *
 * @example
 * ```ts
 * for (const { n, constructed, el } of derContextFields(derChildrenOf(value, seq, 32, what), what)) { ... }
 * ```
 */
export function derContextFields(fields: readonly DerElement[], what: string): ContextField[] {
  let last = -1;
  return fields.map((el) => {
    if ((el.tag & 0xc0) !== 0x80) malformed(`${what}: unexpected non-context tag 0x${el.tag.toString(16)}`, el.start);
    const n = el.tag & 0x1f;
    if (n <= last) malformed(`${what}: field [${n}] out of order or repeated`, el.start);
    last = n;
    return { el, n, constructed: (el.tag & 0x20) !== 0 };
  });
}

/**
 * Like {@link derElements} for `SEQUENCE SIZE (1..MAX) OF` / `SET SIZE (1..MAX) OF`: at least one element.
 *
 * @example
 * ```ts
 * const names = derNonEmpty(seq.contents, limits.maxElements, "GeneralNames");
 * ```
 */
export function derNonEmpty(contents: Uint8Array, max: number, what: string): DerElement[] {
  const out = derElements(contents, max, what);
  if (out.length === 0) malformed(`${what}: SIZE (1..MAX) but empty`);
  return out;
}

/**
 * The inner element of an EXPLICIT context tag `[n]` (X.690 §8.14.2): `el` must be constructed `[n]` and hold
 * exactly one element.
 *
 * @example
 * ```ts
 * const versionInt = derExplicit(el, 0, "version");
 * ```
 */
export function derExplicit(el: DerElement, n: number, what: string): DerElement {
  if (el.tag !== (0xa0 | n)) malformed(`${what}: expected [${n}] EXPLICIT`, el.start);
  const inner = derRead(el.contents, 0);
  if (inner.end !== el.contents.length) malformed(`${what}: [${n}] EXPLICIT must hold one element`, el.start);
  return inner;
}

/**
 * Re-tags an IMPLICIT `[n]` element as the universal type it replaces (X.690 §8.14.3), so the typed readers
 * (derInteger, derBoolean, ...) can check its contents. `el` must carry the context tag for a primitive type
 * (`constructed` false) or a SEQUENCE/SET (`constructed` true).
 *
 * @example
 * ```ts
 * const keyId = derImplicit(el, 0, Tag.OCTET_STRING, false, "keyIdentifier").contents;
 * ```
 */
export function derImplicit(
  el: DerElement,
  n: number,
  universal: number,
  constructed: boolean,
  what: string,
): DerElement {
  if (el.tag !== contextTag(n, constructed)) malformed(`${what}: expected [${n}] IMPLICIT`, el.start);
  return { tag: universal, contents: el.contents, start: el.start, end: el.end };
}

/**
 * The whole encoding of `el` within `base` (the buffer `el` was read from).
 *
 * @example
 * ```ts
 * const nameDer = derBytes(tbs.contents, issuerEl);
 * ```
 */
export function derBytes(base: Uint8Array, el: DerElement): Uint8Array {
  return base.subarray(el.start, el.end);
}

function hex2(n: number): string {
  return n < 16 ? `0${n.toString(16)}` : n.toString(16);
}
