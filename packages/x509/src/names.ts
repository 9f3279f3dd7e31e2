import type { DerElement } from "@rotkit/core";
import { malformed } from "./der/errors.js";
import { noteIssue, type ProfileIssue } from "./der/issues.js";
import { derOid } from "./der/oid.js";
import { DEFAULT_X509_LIMITS, derElements, derWhole, Tag } from "./der/read.js";
import { derString, isStringTag, needsLenientPrintable, printable } from "./der/strings.js";
import type { Name, NameAttribute } from "./types.js";

// Distinguished names, RFC 5280 §4.1.2.4: Name ::= CHOICE { rdnSequence RDNSequence }, RDNSequence ::= SEQUENCE OF
// RelativeDistinguishedName, RDN ::= SET SIZE (1..MAX) OF AttributeTypeAndValue { type OID, value ANY }.

/** emailAddress (PKCS #9, RFC 5280 §4.1.2.6 legacy): name constraints on rfc822Name apply to it. */
export const OID_EMAIL_ADDRESS = "1.2.840.113549.1.9.1";

/**
 * Parses one RelativeDistinguishedName SET element into its attributes (value DER are subarrays of the input).
 * Shared by Name and DistributionPointName's nameRelativeToCRLIssuer.
 *
 * @example
 * ```ts
 * const attrs = parseRdnSet(setEl, "nameRelativeToCRLIssuer", 64);
 * ```
 */
export function parseRdnSet(
  el: DerElement,
  what: string,
  maxElements: number,
  issues?: ProfileIssue[],
): NameAttribute[] {
  const atvs = derElements(el.contents, maxElements, what);
  if (atvs.length === 0) malformed(`${what}: empty RelativeDistinguishedName`, el.start);
  const out: NameAttribute[] = [];
  let prev: DerElement | undefined;
  for (const atv of atvs) {
    if (atv.tag !== Tag.SEQUENCE) malformed(`${what}: AttributeTypeAndValue must be a SEQUENCE`, atv.start);
    if (prev !== undefined && issues !== undefined && compareDer(el.contents, prev, atv) > 0) {
      noteIssue(issues, "der-set-unsorted");
    }
    prev = atv;
    const parts = derElements(atv.contents, 2, what);
    const value = parts[1];
    if (parts.length !== 2 || value === undefined)
      malformed(`${what}: AttributeTypeAndValue needs type and value`, atv.start);
    const type = derOid(parts[0], `${what}.type`);
    const valueDer = atv.contents.subarray(value.start, value.end);
    let text: string | undefined;
    if (value.tag === Tag.PRINTABLE_STRING) {
      text = printable(value.contents, what, value.start, true);
      if (issues !== undefined && needsLenientPrintable(value.contents)) noteIssue(issues, "printable-string-lenient");
    } else if (isStringTag(value.tag)) text = derString(value, what);
    out.push(
      text === undefined ? { type, valueTag: value.tag, valueDer } : { type, valueTag: value.tag, text, valueDer },
    );
  }
  return out;
}

/** X.690 §11.6 order of two elements of one SET OF `contents`: their encodings as octet strings. */
function compareDer(contents: Uint8Array, a: DerElement, b: DerElement): number {
  const la = a.end - a.start;
  const lb = b.end - b.start;
  const n = Math.min(la, lb);
  for (let i = 0; i < n; i++) {
    const d = (contents[a.start + i] as number) - (contents[b.start + i] as number);
    if (d !== 0) return d;
  }
  return la - lb;
}

/**
 * Parses the Name element `el` read from `base` (the Name's DER is `base.subarray(el.start, el.end)`).
 * Internal form of {@link parseName} used by the certificate, CRL and GeneralName decoders.
 *
 * @example
 * ```ts
 * const issuer = parseNameElement(tbs.contents, fields[3], "issuer");
 * ```
 */
export function parseNameElement(
  base: Uint8Array,
  el: DerElement,
  what: string,
  maxElements: number = DEFAULT_X509_LIMITS.maxElements,
  issues?: ProfileIssue[],
): Name {
  if (el.tag !== Tag.SEQUENCE) malformed(`${what}: Name must be a SEQUENCE (rdnSequence)`, el.start);
  const sets = derElements(el.contents, maxElements, what);
  const rdns: NameAttribute[][] = [];
  for (const set of sets) {
    if (set.tag !== Tag.SET) malformed(`${what}: RelativeDistinguishedName must be a SET`, set.start);
    rdns.push(parseRdnSet(set, what, maxElements, issues));
  }
  return { der: base.subarray(el.start, el.end), rdns };
}

/**
 * Parses a DER Name (RDNSequence). The result's `der` is a copy of the input.
 *
 * @example
 * ```ts
 * const name = parseName(nameDer);
 * nameToString(name); // "CN=device 42,O=Acme"
 * ```
 */
export function parseName(der: Uint8Array): Name {
  const copy = der.slice();
  return parseNameElement(copy, derWhole(copy, Tag.SEQUENCE, "Name"), "Name");
}

/**
 * True when the name has no RDNs (an empty SEQUENCE; RFC 5280 §4.1.2.6 subjects of SAN-only certificates).
 *
 * @example
 * ```ts
 * if (nameIsEmpty(cert.subject)) { ... } // identity is in subjectAltName
 * ```
 */
export function nameIsEmpty(name: Name): boolean {
  return name.rdns.length === 0;
}

/**
 * The values of every emailAddress attribute (1.2.840.113549.1.9.1) in the name, in order. RFC 5280 §4.2.1.10:
 * rfc822Name constraints apply to them when the certificate has no subjectAltName email.
 *
 * @example
 * ```ts
 * nameEmailAddresses(cert.subject); // ["ops@example.com"]
 * ```
 */
export function nameEmailAddresses(name: Name): string[] {
  const out: string[] = [];
  for (const rdn of name.rdns)
    for (const a of rdn) if (a.type === OID_EMAIL_ADDRESS && a.text !== undefined) out.push(a.text);
  return out;
}

/**
 * The text values of every attribute of type `oid` (e.g. "2.5.4.3" commonName), in order.
 *
 * @example
 * ```ts
 * nameAttributeValues(cert.subject, "2.5.4.3"); // ["device 42"]
 * ```
 */
export function nameAttributeValues(name: Name, oid: string): string[] {
  const out: string[] = [];
  for (const rdn of name.rdns) for (const a of rdn) if (a.type === oid && a.text !== undefined) out.push(a.text);
  return out;
}

/**
 * A string value prepared for comparison, RFC 5280 §7.1 with the LDAP StringPrep rules of RFC 4518 reduced to what
 * X.509 names need: NFKC normalization, case folding, and insignificant space handling (§2.6.1: leading and trailing
 * spaces removed, inner runs of spaces collapsed to one).
 *
 * @example
 * ```ts
 * prepareNameText("  Good   CA "); // "good ca"
 * ```
 */
export function prepareNameText(text: string): string {
  let s = text.normalize("NFKC").toLowerCase();
  let out = "";
  let space = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    // RFC 4518 §2.2 maps these to space (tab, LF, VT, FF, CR, NEL, NBSP, ...); §2.6.1 folds runs.
    if (
      ch === 0x20 ||
      (ch >= 0x09 && ch <= 0x0d) ||
      ch === 0x85 ||
      ch === 0xa0 ||
      ch === 0x1680 ||
      (ch >= 0x2000 && ch <= 0x200a) ||
      ch === 0x2028 ||
      ch === 0x2029 ||
      ch === 0x202f ||
      ch === 0x205f ||
      ch === 0x3000
    ) {
      space = out.length > 0;
      continue;
    }
    if (space) out += " ";
    space = false;
    out += s[i];
  }
  s = out;
  return s;
}

function attributeEquals(a: NameAttribute, b: NameAttribute): boolean {
  if (a.type !== b.type) return false;
  if (a.text !== undefined && b.text !== undefined) {
    return a.text === b.text || prepareNameText(a.text) === prepareNameText(b.text);
  }
  if (a.valueDer.length !== b.valueDer.length) return false;
  for (let i = 0; i < a.valueDer.length; i++) if (a.valueDer[i] !== b.valueDer[i]) return false;
  return true;
}

/**
 * Name matching per RFC 5280 §7.1: same number of RDNs, pairwise matching RDNs (an RDN is a set: attribute order
 * inside it does not matter), attribute values compared after {@link prepareNameText} when both are strings (so
 * PrintableString and UTF8String forms of one name match, case-insensitively, with insignificant whitespace
 * ignored), and by DER otherwise. Byte-identical DER is the fast path.
 *
 * @example
 * ```ts
 * if (!nameEquals(child.issuer, parent.subject)) throw ...; // RFC 5280 §6.1.3 (a)(4)
 * ```
 */
export function nameEquals(a: Name, b: Name): boolean {
  const da = a.der;
  const db = b.der;
  if (da.length === db.length) {
    let same = true;
    for (let i = 0; i < da.length; i++) {
      if (da[i] !== db[i]) {
        same = false;
        break;
      }
    }
    if (same) return true;
  }
  if (a.rdns.length !== b.rdns.length) return false;
  for (let r = 0; r < a.rdns.length; r++) {
    const ra = a.rdns[r] as NameAttribute[];
    const rb = b.rdns[r] as NameAttribute[];
    if (ra.length !== rb.length) return false;
    if (ra.length === 1) {
      if (!attributeEquals(ra[0] as NameAttribute, rb[0] as NameAttribute)) return false;
      continue;
    }
    const used = new Array<boolean>(rb.length).fill(false);
    for (const x of ra) {
      let found = false;
      for (let k = 0; k < rb.length; k++) {
        if (!used[k] && attributeEquals(x, rb[k] as NameAttribute)) {
          used[k] = true;
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
  }
  return true;
}

const SHORT_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "1.2.840.113549.1.9.1": "emailAddress",
};

function escapeValue(v: string): string {
  let out = "";
  for (let i = 0; i < v.length; i++) {
    const ch = v[i] as string;
    const special =
      ch === "," ||
      ch === "+" ||
      ch === '"' ||
      ch === "\\" ||
      ch === "<" ||
      ch === ">" ||
      ch === ";" ||
      ch === "=" ||
      ((ch === " " || ch === "#") && i === 0) ||
      (ch === " " && i === v.length - 1);
    out += special ? `\\${ch}` : ch;
  }
  return out;
}

/**
 * RFC 4514-style text of a name for messages (last RDN first, `+` inside an RDN, `#hex` for non-string values).
 * Not a canonical form: compare names with {@link nameEquals}.
 *
 * @example
 * ```ts
 * nameToString(cert.subject); // "CN=device 42,O=Acme,C=DE"
 * ```
 */
export function nameToString(name: Name): string {
  const parts: string[] = [];
  for (let r = name.rdns.length - 1; r >= 0; r--) {
    const rdn = name.rdns[r] as NameAttribute[];
    const attrs: string[] = [];
    for (const a of rdn) {
      const key = SHORT_NAMES[a.type] ?? a.type;
      let value: string;
      if (a.text !== undefined) value = escapeValue(a.text);
      else {
        value = "#";
        for (const b of a.valueDer) value += (b < 16 ? "0" : "") + b.toString(16);
      }
      attrs.push(`${key}=${value}`);
    }
    parts.push(attrs.join("+"));
  }
  return parts.join(",");
}
