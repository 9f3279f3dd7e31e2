import { type DerElement, utf8Decode } from "@rotkit/core";
import { malformed } from "./errors.js";
import { Tag } from "./read.js";

// Character string types of X.680 §41 as X.509 names and GeneralNames use them, decoded strictly: every byte
// sequence has at most one reading, and a character outside the type's repertoire throws `X509_MALFORMED`.

/** PrintableString repertoire (X.680 §41.4, Table 10): A-Z a-z 0-9 space ' ( ) + , - . / : = ? */
const PRINTABLE = new Uint8Array(128);
for (let c = 0x41; c <= 0x5a; c++) PRINTABLE[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) PRINTABLE[c] = 1;
for (let c = 0x30; c <= 0x39; c++) PRINTABLE[c] = 1;
for (const ch of " '()+,-./:=?") PRINTABLE[ch.charCodeAt(0)] = 1;

/**
 * The string tags {@link derString} decodes.
 *
 * @example
 * ```ts
 * isStringTag(0x13); // true: PrintableString
 * ```
 */
export function isStringTag(tag: number): boolean {
  return (
    tag === Tag.UTF8_STRING ||
    tag === Tag.PRINTABLE_STRING ||
    tag === Tag.IA5_STRING ||
    tag === Tag.BMP_STRING ||
    tag === Tag.TELETEX_STRING ||
    tag === Tag.UNIVERSAL_STRING ||
    tag === Tag.VISIBLE_STRING ||
    tag === Tag.NUMERIC_STRING
  );
}

function ascii(c: Uint8Array, lo: number, hi: number, what: string, at: number, type: string): string {
  let s = "";
  for (let i = 0; i < c.length; i++) {
    const b = c[i] as number;
    if (b < lo || b > hi) malformed(`${what}: byte 0x${b.toString(16)} is not allowed in ${type}`, at);
    s += String.fromCharCode(b);
  }
  return s;
}

/**
 * Decodes the contents of a string element of the given universal tag (or of an IMPLICIT-tagged one when `tag`
 * is passed explicitly). Throws `X509_MALFORMED` for a tag that is not a string type or a character outside its
 * repertoire. (Name attributes use {@link printable} with its lenient mode instead.)
 *
 * @example
 * ```ts
 * const cn = derString(el, "commonName"); // "device 42"
 * ```
 */
export function derString(el: DerElement, what: string, tag: number = el.tag): string {
  const c = el.contents;
  switch (tag) {
    case Tag.UTF8_STRING:
      try {
        return utf8Decode(c);
      } catch (e) {
        return malformed(`${what}: invalid UTF-8`, el.start, e);
      }
    case Tag.PRINTABLE_STRING:
      return printable(c, what, el.start, false);
    case Tag.IA5_STRING:
      return ascii(c, 0, 0x7f, what, el.start, "IA5String");
    case Tag.VISIBLE_STRING:
      return ascii(c, 0x20, 0x7e, what, el.start, "VisibleString");
    case Tag.NUMERIC_STRING:
      for (let i = 0; i < c.length; i++) {
        const b = c[i] as number;
        if (b !== 0x20 && (b < 0x30 || b > 0x39)) malformed(`${what}: not a NumericString`, el.start);
      }
      return ascii(c, 0x20, 0x39, what, el.start, "NumericString");
    case Tag.TELETEX_STRING:
      // T.61 has no faithful Unicode mapping; like most X.509 stacks, read it as ISO 8859-1.
      return ascii(c, 0, 0xff, what, el.start, "TeletexString");
    case Tag.BMP_STRING: {
      // UCS-2 big-endian (X.680 §41.16): surrogates are not characters of the BMP.
      if (c.length % 2 !== 0) malformed(`${what}: BMPString has an odd length`, el.start);
      let s = "";
      for (let i = 0; i < c.length; i += 2) {
        const u = ((c[i] as number) << 8) | (c[i + 1] as number);
        if (u >= 0xd800 && u <= 0xdfff) malformed(`${what}: surrogate in BMPString`, el.start);
        s += String.fromCharCode(u);
      }
      return s;
    }
    case Tag.UNIVERSAL_STRING: {
      // UCS-4 big-endian (X.680 §41.15).
      if (c.length % 4 !== 0) malformed(`${what}: UniversalString length is not a multiple of 4`, el.start);
      let s = "";
      for (let i = 0; i < c.length; i += 4) {
        const u =
          (c[i] as number) * 0x1000000 +
          (((c[i + 1] as number) << 16) | ((c[i + 2] as number) << 8) | (c[i + 3] as number));
        if (u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff)) malformed(`${what}: bad UniversalString character`, el.start);
        s += String.fromCodePoint(u);
      }
      return s;
    }
    default:
      return malformed(`${what}: expected a character string, found tag 0x${tag.toString(16)}`, el.start);
  }
}

/**
 * PrintableString contents; with `lenient`, `*` `&` `@` are accepted too: widely deployed CAs put them in names
 * (Go accepts the same three).
 *
 * @example
 * ```ts
 * printable(el.contents, "countryName", el.start, false); // "DE"
 * ```
 */
export function printable(c: Uint8Array, what: string, at: number, lenient: boolean): string {
  let s = "";
  for (let i = 0; i < c.length; i++) {
    const b = c[i] as number;
    if (b >= 0x80 || PRINTABLE[b] !== 1) {
      if (!(lenient && (b === 0x2a || b === 0x26 || b === 0x40))) {
        malformed(`${what}: byte 0x${b.toString(16)} is not allowed in PrintableString`, at);
      }
    }
    s += String.fromCharCode(b);
  }
  return s;
}

/**
 * True when `c` is a PrintableString only by the lenient reading of {@link printable}.
 *
 * @example
 * ```ts
 * needsLenientPrintable(utf8Encode("*.example.com")); // true
 * ```
 */
export function needsLenientPrintable(c: Uint8Array): boolean {
  for (let i = 0; i < c.length; i++) {
    const b = c[i] as number;
    if (b < 0x80 && PRINTABLE[b] !== 1 && (b === 0x2a || b === 0x26 || b === 0x40)) return true;
  }
  return false;
}
