import { type DerElement, isRotkitError, RotkitError, readDer, utf8Decode } from "@rotkit/core";

// Small DER readers for the DICE extension decoders, over core's strict readDer. Every position is absolute in the
// extension value (readDer is always called on the whole value with a limit), so an error can say exactly where the
// problem is. Failures are X509_MALFORMED naming the field. When the x509 parser's own der/ helpers land, these can
// become thin wrappers around them; the decoders only use the functions below.

/** Throws X509_MALFORMED "<what>: <problem>" at `at` (byte offset inside the extension value). */
export function malformed(what: string, problem: string, at: number, cause?: unknown): never {
  throw new RotkitError("X509_MALFORMED", `${what}: ${problem} at offset ${at}`, { cause });
}

/** readDer that reports the field name instead of core's ENCODING_INVALID. */
export function element(buf: Uint8Array, pos: number, limit: number, what: string): DerElement {
  try {
    return readDer(buf, pos, limit);
  } catch (e) {
    if (isRotkitError(e, "ENCODING_INVALID")) {
      malformed(what, e.message.replace(/ \(at \d+\)$/, ""), typeof e.at === "number" ? e.at : pos, e);
    }
    throw e;
  }
}

/** Reads an element at `pos` and checks its tag. */
export function expectTag(buf: Uint8Array, pos: number, limit: number, tag: number, what: string): DerElement {
  const el = element(buf, pos, limit, what);
  if (el.tag !== tag) malformed(what, `expected tag 0x${hex2(tag)}, found 0x${hex2(el.tag)}`, pos);
  return el;
}

/** Offset of an element's contents in `buf` (contents is a subarray of buf). */
export function contentStart(el: DerElement): number {
  return el.end - el.contents.length;
}

/** The children of a constructed element, as absolute-position elements; they must fill it exactly. */
export function children(buf: Uint8Array, parent: DerElement, what: string, max = 64): DerElement[] {
  const out: DerElement[] = [];
  let pos = contentStart(parent);
  while (pos < parent.end) {
    if (out.length >= max) malformed(what, `more than ${max} elements`, pos);
    const el = element(buf, pos, parent.end, what);
    out.push(el);
    pos = el.end;
  }
  return out;
}

/** Reads the single top-level element of an extension value; trailing bytes are an error. */
export function topLevel(value: Uint8Array, tag: number, what: string): DerElement {
  if (!(value instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${what}: value must be bytes`);
  const el = expectTag(value, 0, value.length, tag, what);
  if (el.end !== value.length) malformed(what, "trailing bytes after the value", el.end);
  return el;
}

/** OBJECT IDENTIFIER contents (X.690 §8.19) → dotted string. Rejects non-minimal sub-identifiers. */
export function oidText(el: DerElement, what: string): string {
  if (el.tag !== 0x06) malformed(what, `expected OBJECT IDENTIFIER, found tag 0x${hex2(el.tag)}`, el.start);
  const c = el.contents;
  if (c.length === 0) malformed(what, "empty OBJECT IDENTIFIER", el.start);
  if (c.length > 64) malformed(what, "OBJECT IDENTIFIER too long", el.start);
  const arcs: number[] = [];
  let v = 0;
  let started = false;
  for (let i = 0; i < c.length; i++) {
    const b = c[i] as number;
    if (!started && b === 0x80) malformed(what, "non-minimal OBJECT IDENTIFIER arc", el.start);
    started = true;
    if (v > 2 ** 45) malformed(what, "OBJECT IDENTIFIER arc too large", el.start);
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0;
      started = false;
    } else if (i === c.length - 1) {
      malformed(what, "truncated OBJECT IDENTIFIER", el.start);
    }
  }
  const first = arcs[0] as number;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join(".");
}

/** A UTF8String (or IMPLICITly tagged one) → text; rejects invalid UTF-8. */
export function utf8Text(el: DerElement, what: string): string {
  try {
    return utf8Decode(el.contents);
  } catch (e) {
    return malformed(what, "invalid UTF-8", el.start, e);
  }
}

/**
 * A non-negative INTEGER (or ENUMERATED, or IMPLICITly tagged one) that fits a JS number (≤ 2^53 − 1). DER requires
 * the minimal two's-complement encoding (X.690 §8.3.2); negative values are refused because no DICE field is signed.
 */
export function smallUnsigned(el: DerElement, what: string): number {
  const c = el.contents;
  if (c.length === 0) malformed(what, "empty INTEGER", el.start);
  const b0 = c[0] as number;
  if (c.length > 1 && ((b0 === 0 && ((c[1] as number) & 0x80) === 0) || (b0 === 0xff && (c[1] as number) & 0x80))) {
    malformed(what, "non-minimal INTEGER", el.start);
  }
  if (b0 & 0x80) malformed(what, "negative INTEGER", el.start);
  let v = 0;
  for (const b of c) {
    v = v * 256 + b;
    if (v > Number.MAX_SAFE_INTEGER) malformed(what, "INTEGER too large", el.start);
  }
  return v;
}

/** A BIT STRING's contents split into the unused-bit count and the bytes; unused bits must be zero (X.690 §11.2.1). */
export function bitString(el: DerElement, what: string): { unusedBits: number; bytes: Uint8Array } {
  const c = el.contents;
  if (c.length === 0) malformed(what, "empty BIT STRING", el.start);
  const unusedBits = c[0] as number;
  if (unusedBits > 7 || (c.length === 1 && unusedBits !== 0)) malformed(what, "bad unused-bits count", el.start);
  const bytes = c.subarray(1);
  if (unusedBits > 0 && ((bytes[bytes.length - 1] as number) & ((1 << unusedBits) - 1)) !== 0) {
    malformed(what, "unused bits are not zero", el.start);
  }
  return { unusedBits, bytes };
}

export function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}
