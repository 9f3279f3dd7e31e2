import { RotkitError } from "../errors.js";

// A tiny, strict, bounded DER (X.690 §10) reader and writer: enough for SubjectPublicKeyInfo and RSAPublicKey.
// It is not a general ASN.1 library. Anything that is not DER (indefinite or non-minimal lengths, high tag numbers,
// a declared length past the end) throws `ENCODING_INVALID` before any allocation.

/** One DER element: `tag` octet and the contents as a subarray (no copy); `end` is the offset after it. */
export interface DerElement {
  tag: number;
  contents: Uint8Array;
  /** Offset of the tag octet in the input. */
  start: number;
  /** Offset just past the element. */
  end: number;
}

/** Refuse lengths above 16 MiB: nothing this reader parses (keys) comes near it. */
const MAX_LENGTH = 0xffffff;

function bad(message: string, at: number): never {
  throw new RotkitError("ENCODING_INVALID", `DER: ${message}`, { at });
}

/**
 * Reads the element starting at `pos` (which must lie before `limit`, default the end of `der`).
 *
 * @example
 * ```ts
 * const seq = readDer(spki, 0); // seq.tag === 0x30
 * ```
 */
export function readDer(der: Uint8Array, pos: number, limit: number = der.length): DerElement {
  if (limit > der.length) limit = der.length;
  if (pos + 2 > limit) bad("truncated element", pos);
  const tag = der[pos] as number;
  // X.690 §8.1.2.4: tag number 31 announces the multi-octet (high) tag form, which nothing here needs.
  if ((tag & 0x1f) === 0x1f) bad("high tag numbers are not supported", pos);
  let p = pos + 1;
  const first = der[p++] as number;
  let len = first;
  if (first >= 0x80) {
    const n = first & 0x7f;
    if (n === 0) bad("indefinite length is not DER", pos + 1); // X.690 §10.1
    if (n > 3) bad("length too large", pos + 1);
    if (p + n > limit) bad("truncated length", pos + 1);
    if (der[p] === 0) bad("non-minimal length", pos + 1);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[p++] as number);
    if (len < 0x80) bad("non-minimal length", pos + 1); // X.690 §10.1: the short form must be used
  }
  if (len > MAX_LENGTH) bad("length too large", pos + 1);
  if (p + len > limit) bad("length exceeds the input", pos + 1);
  return { tag, contents: der.subarray(p, p + len), start: pos, end: p + len };
}

/**
 * Reads the element at `pos` and checks its tag.
 *
 * @example
 * ```ts
 * const seq = expectDer(spki, 0, 0x30);
 * ```
 */
export function expectDer(der: Uint8Array, pos: number, tag: number, limit?: number): DerElement {
  const el = readDer(der, pos, limit);
  if (el.tag !== tag) bad(`expected tag 0x${tag.toString(16)}, found 0x${el.tag.toString(16)}`, pos);
  return el;
}

/**
 * Splits the contents of a constructed element (SEQUENCE) into its children; the children must fill it exactly.
 * `maxChildren` bounds the work on hostile input.
 *
 * @example
 * ```ts
 * const [algId, bits] = derChildren(expectDer(spki, 0, 0x30).contents, 2);
 * ```
 */
export function derChildren(contents: Uint8Array, maxChildren: number): DerElement[] {
  const out: DerElement[] = [];
  let pos = 0;
  while (pos < contents.length) {
    if (out.length >= maxChildren) bad("too many elements", pos);
    const el = readDer(contents, pos);
    out.push(el);
    pos = el.end;
  }
  return out;
}

/**
 * The magnitude of a non-negative DER INTEGER (X.690 §8.3), without the sign octet. Rejects negative and
 * non-minimal encodings.
 *
 * @example
 * ```ts
 * const n = derUnsignedInteger(children[0]); // modulus bytes
 * ```
 */
export function derUnsignedInteger(el: DerElement): Uint8Array {
  if (el.tag !== 0x02) bad("expected INTEGER", el.start);
  const c = el.contents;
  if (c.length === 0) bad("empty INTEGER", el.start);
  const b0 = c[0] as number;
  if (b0 & 0x80) bad("negative INTEGER", el.start);
  if (c.length > 1 && b0 === 0 && ((c[1] as number) & 0x80) === 0) bad("non-minimal INTEGER", el.start);
  return c.length > 1 && b0 === 0 ? c.subarray(1) : c;
}

/**
 * The contents of a BIT STRING whose bit length is a whole number of octets (keys always are).
 *
 * @example
 * ```ts
 * const point = derBitStringBytes(children[1]);
 * ```
 */
export function derBitStringBytes(el: DerElement): Uint8Array {
  if (el.tag !== 0x03) bad("expected BIT STRING", el.start);
  if (el.contents.length === 0) bad("empty BIT STRING", el.start);
  if (el.contents[0] !== 0) bad("BIT STRING with unused bits", el.start);
  return el.contents.subarray(1);
}

/**
 * Encodes one element: tag, minimal length, then the concatenated contents.
 *
 * @example
 * ```ts
 * const nul = derEncode(0x05); // 05 00
 * ```
 */
export function derEncode(tag: number, ...contents: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const c of contents) len += c.length;
  if (len > MAX_LENGTH) throw new RotkitError("INVALID_ARGUMENT", "DER: contents too large");
  const head: number[] = [tag];
  if (len < 0x80) head.push(len);
  else if (len < 0x100) head.push(0x81, len);
  else if (len < 0x10000) head.push(0x82, len >> 8, len & 0xff);
  else head.push(0x83, len >> 16, (len >> 8) & 0xff, len & 0xff);
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let o = head.length;
  for (const c of contents) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Encodes a non-negative big-endian magnitude as a minimal DER INTEGER.
 *
 * @example
 * ```ts
 * derEncodeUnsignedInteger(new Uint8Array([1, 0, 1])); // 02 03 01 00 01
 * ```
 */
export function derEncodeUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.length === 0 ? new Uint8Array(1) : magnitude.subarray(i);
  return ((m[0] as number) & 0x80) !== 0 ? derEncode(0x02, new Uint8Array(1), m) : derEncode(0x02, m);
}
