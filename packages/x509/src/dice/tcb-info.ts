import type { DerElement } from "@rotkit/core";
import { malformed } from "../der/errors.js";
import { derOid } from "../der/oid.js";
import { derBitString, derSmallUint } from "../der/primitives.js";
import { derChildrenOf, derContextFields, derWhole, Tag } from "../der/read.js";
import { derString } from "../der/strings.js";
import { decodeDiceValue } from "./errors.js";
import { HASH_ALG_NAMES } from "./oids.js";

// TCG DICE Attestation Architecture (r23 / v1.1 §6.1.1 "DiceTcbInfo", §6.1.2 "DiceMultiTcbInfo",
// §6.1.3 "DiceMultiTcbInfoComp"):
//
//   DiceTcbInfo ::= SEQUENCE {
//     vendor [0] IMPLICIT UTF8String OPTIONAL,   model [1] IMPLICIT UTF8String OPTIONAL,
//     version [2] IMPLICIT UTF8String OPTIONAL,  svn [3] IMPLICIT INTEGER OPTIONAL,
//     layer [4] IMPLICIT INTEGER OPTIONAL,       index [5] IMPLICIT INTEGER OPTIONAL,
//     fwids [6] IMPLICIT FWIDLIST OPTIONAL,      flags [7] IMPLICIT OperationalFlags OPTIONAL,
//     vendorInfo [8] IMPLICIT OCTET STRING OPTIONAL, type [9] IMPLICIT OCTET STRING OPTIONAL,
//     flagsMask [10] IMPLICIT OperationalFlagsMask OPTIONAL }   -- later revisions
//   FWIDLIST ::= SEQUENCE SIZE (1..MAX) OF FWID
//   FWID ::= SEQUENCE { hashAlg OBJECT IDENTIFIER, digest OCTET STRING }
//
// Implementations disagree on [10] (flagsMask in Caliptra and nat20; integrityRegisters in a caliptra-dpe comment;
// the v1.2 body text vs its Appendix A). So: a primitive [10] is read as flagsMask (a BIT STRING); anything else
// beyond [9] (a constructed [10], [11] integrityRegisters, later fields) is kept raw in `unknown`.

/** OperationalFlags bit names in bit order (bit 0 first); bits 4–8 come from later revisions of the spec. */
export const OPERATIONAL_FLAG_NAMES = [
  "notConfigured",
  "notSecure",
  "recovery",
  "debug",
  "notReplayProtected",
  "notIntegrityProtected",
  "notRuntimeMeasured",
  "notImmutable",
  "notTcb",
] as const;

export type OperationalFlagName = (typeof OPERATIONAL_FLAG_NAMES)[number];

/** A decoded OperationalFlags / OperationalFlagsMask BIT STRING (ASN.1 bit numbering: bit 0 = MSB of byte 0). */
export interface OperationalFlags {
  /** The BIT STRING's bytes (without the unused-bits octet). */
  bytes: Uint8Array;
  unusedBits: number;
  /** Every set bit, named or not (Caliptra, for example, sets bit 31 of its 32-bit flags). */
  setBits: number[];
  /** Names of the set bits that the spec names, in bit order. */
  names: OperationalFlagName[];
}

/** One firmware measurement. */
export interface Fwid {
  /** hashAlg OID, dotted. */
  hashAlg: string;
  /** "SHA-384", … when the OID is a known hash; undefined otherwise. */
  hashAlgName?: string;
  digest: Uint8Array;
}

/** A context-tagged field this decoder does not interpret, kept as received. */
export interface UnknownField {
  /** Context tag number ([10] → 10). */
  tag: number;
  /** Whether the element was constructed. */
  constructed: boolean;
  /** The element's full DER (tag, length, contents). */
  der: Uint8Array;
}

/** A decoded DiceTcbInfo. Absent fields are undefined; `unknown` holds context tags beyond [9] not understood. */
export interface DiceTcbInfo {
  vendor?: string;
  model?: string;
  version?: string;
  svn?: number;
  layer?: number;
  index?: number;
  fwids?: Fwid[];
  flags?: OperationalFlags;
  vendorInfo?: Uint8Array;
  type?: Uint8Array;
  flagsMask?: OperationalFlags;
  unknown: UnknownField[];
}

/** MultiTcbInfoComp: the fields common to every entry once, then the per-entry fields (see decodeMultiTcbInfoComp). */
export interface DiceMultiTcbInfoComp {
  commonFields: DiceTcbInfo;
  entries: DiceTcbInfo[];
}

/** Bounds on hostile input: FWIDs per TcbInfo and TcbInfo entries per MultiTcbInfo. */
const MAX_FWIDS = 64;
const MAX_TCB_INFOS = 256;

/**
 * Decodes a tcg-dice-TcbInfo (2.23.133.5.4.1) extension value. Throws `X509_MALFORMED` naming the field and offset.
 * The same OID was used by the legacy RIoT CompositeDeviceID extension: {@link decodeTcbInfoOrRiot} tells them apart.
 *
 * @example
 * ```ts
 * const tcb = decodeDiceTcbInfo(ext.value);
 * tcb.fwids?.[0]?.hashAlgName; // "SHA-384"
 * ```
 */
export function decodeDiceTcbInfo(value: Uint8Array): DiceTcbInfo {
  return decodeDiceValue(value, "DiceTcbInfo", (v) =>
    tcbInfoFields(v, derWhole(v, Tag.SEQUENCE, "DiceTcbInfo"), "DiceTcbInfo"),
  );
}

/**
 * Decodes a tcg-dice-MultiTcbInfo (2.23.133.5.4.5) extension value: `SEQUENCE SIZE (1..MAX) OF DiceTcbInfo`.
 *
 * @example
 * ```ts
 * const layers = decodeMultiTcbInfo(ext.value); // Caliptra FMC alias: [DEVICE_INFO, FMC_INFO]
 * ```
 */
export function decodeMultiTcbInfo(value: Uint8Array): DiceTcbInfo[] {
  return decodeDiceValue(value, "MultiTcbInfo", (v) =>
    tcbInfoList(v, derWhole(v, Tag.SEQUENCE, "MultiTcbInfo"), "MultiTcbInfo"),
  );
}

/**
 * Decodes a tcg-dice-MultiTcbInfoComp (2.23.133.5.4.8) extension value, read as
 * `SEQUENCE { commonFields DiceTcbInfo, tcbInfoList SEQUENCE SIZE (1..MAX) OF DiceTcbInfo }`: fields shared by all
 * entries appear once in `commonFields`. {@link expandMultiTcbInfoComp} turns it into plain DiceTcbInfo entries, as
 * draft-ietf-rats-evidence-trans ("each DiceMultiTcbInfoComp entry is converted to a DiceMultiTcbInfo entry") does.
 * No public vector carries this extension; the layout follows our reading of the TCG text (see the package README).
 *
 * @example
 * ```ts
 * const entries = expandMultiTcbInfoComp(decodeMultiTcbInfoComp(ext.value));
 * ```
 */
export function decodeMultiTcbInfoComp(value: Uint8Array): DiceMultiTcbInfoComp {
  const what = "MultiTcbInfoComp";
  return decodeDiceValue(value, what, (v) => {
    const seq = derWhole(v, Tag.SEQUENCE, what);
    const parts = derChildrenOf(v, seq, 2, what);
    const common = parts[0];
    const list = parts[1];
    if (parts.length !== 2 || common === undefined || list === undefined) {
      return malformed(`${what}: expected SEQUENCE { commonFields, tcbInfoList }`, seq.start);
    }
    if (common.tag !== Tag.SEQUENCE) malformed(`${what}.commonFields: expected SEQUENCE`, common.start);
    if (list.tag !== Tag.SEQUENCE) malformed(`${what}.tcbInfoList: expected SEQUENCE`, list.start);
    return {
      commonFields: tcbInfoFields(v, common, `${what}.commonFields`),
      entries: tcbInfoList(v, list, `${what}.tcbInfoList`),
    };
  });
}

/**
 * Each MultiTcbInfoComp entry with the common fields filled in where the entry leaves them out.
 *
 * @example
 * ```ts
 * expandMultiTcbInfoComp({ commonFields: { vendor: "ACME", unknown: [] }, entries: [{ svn: 2, unknown: [] }] });
 * // [{ vendor: "ACME", svn: 2, unknown: [] }]
 * ```
 */
export function expandMultiTcbInfoComp(comp: DiceMultiTcbInfoComp): DiceTcbInfo[] {
  return comp.entries.map((e) => {
    const out: DiceTcbInfo = { ...comp.commonFields, unknown: [...comp.commonFields.unknown, ...e.unknown] };
    for (const [k, v] of Object.entries(e)) {
      if (k !== "unknown" && v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
    }
    return out;
  });
}

/**
 * Decodes an OperationalFlags BIT STRING's contents into set bits and names (exported for callers that carry the
 * flags elsewhere, e.g. CoRIM flags-map mapping: a flag is meaningful where flagsMask has it set).
 *
 * @example
 * ```ts
 * decodeOperationalFlags(new Uint8Array([0x00, 0xd0, 0, 0, 1])).names; // ["notConfigured", "notSecure", "debug"]
 * ```
 */
export function decodeOperationalFlags(contents: Uint8Array): OperationalFlags {
  const el: DerElement = { tag: Tag.BIT_STRING, contents, start: 0, end: contents.length };
  return decodeDiceValue(contents, "OperationalFlags", () => flagsOf(el, "OperationalFlags"));
}

function flagsOf(el: DerElement, what: string): OperationalFlags {
  const { unusedBits, bytes } = derBitString(el, what, el.tag);
  const setBits: number[] = [];
  for (let i = 0; i < bytes.length * 8 - unusedBits; i++) {
    if (((bytes[i >> 3] as number) & (0x80 >> (i & 7))) !== 0) setBits.push(i);
  }
  const names = setBits.filter((b) => b < OPERATIONAL_FLAG_NAMES.length).map((b) => OPERATIONAL_FLAG_NAMES[b]!);
  return { bytes: bytes.slice(), unusedBits, setBits, names };
}

function tcbInfoList(buf: Uint8Array, seq: DerElement, what: string): DiceTcbInfo[] {
  const items = derChildrenOf(buf, seq, MAX_TCB_INFOS, what);
  if (items.length === 0) malformed(`${what}: empty list (SIZE (1..MAX))`, seq.start);
  return items.map((item, i) => {
    if (item.tag !== Tag.SEQUENCE) malformed(`${what}[${i}]: expected SEQUENCE (DiceTcbInfo)`, item.start);
    return tcbInfoFields(buf, item, `${what}[${i}]`);
  });
}

/** Reads the fields of one DiceTcbInfo SEQUENCE whose element is `seq` (positions absolute in `buf`). */
function tcbInfoFields(buf: Uint8Array, seq: DerElement, what: string): DiceTcbInfo {
  const out: DiceTcbInfo = { unknown: [] };
  for (const { el, n, constructed } of derContextFields(derChildrenOf(buf, seq, 32, what), what)) {
    const field = `${what}.${FIELD_NAMES[n] ?? `[${n}]`}`;
    const expectConstructed = n === 6;
    if (n <= 9 && constructed !== expectConstructed) {
      malformed(`${field}: ${constructed ? "must be primitive" : "must be constructed"}`, el.start);
    }
    switch (n) {
      case 0:
        out.vendor = derString(el, field, Tag.UTF8_STRING);
        break;
      case 1:
        out.model = derString(el, field, Tag.UTF8_STRING);
        break;
      case 2:
        out.version = derString(el, field, Tag.UTF8_STRING);
        break;
      case 3:
        out.svn = uint(el, field);
        break;
      case 4:
        out.layer = uint(el, field);
        break;
      case 5:
        out.index = uint(el, field);
        break;
      case 6:
        out.fwids = fwidList(buf, el, field);
        break;
      case 7:
        out.flags = flagsOf(el, field);
        break;
      case 8:
        out.vendorInfo = el.contents.slice();
        break;
      case 9:
        out.type = el.contents.slice();
        break;
      case 10:
        if (!constructed) {
          out.flagsMask = flagsOf(el, field);
          break;
        }
        out.unknown.push({ tag: n, constructed, der: buf.slice(el.start, el.end) });
        break;
      default:
        out.unknown.push({ tag: n, constructed, der: buf.slice(el.start, el.end) });
    }
  }
  return out;
}

/** A non-negative IMPLICIT INTEGER that fits a JS number (no DICE field is signed). */
function uint(el: DerElement, what: string): number {
  return derSmallUint(el, what, Number.MAX_SAFE_INTEGER, false, el.tag);
}

const FIELD_NAMES: readonly string[] = [
  "vendor",
  "model",
  "version",
  "svn",
  "layer",
  "index",
  "fwids",
  "flags",
  "vendorInfo",
  "type",
  "flagsMask",
];

function fwidList(buf: Uint8Array, list: DerElement, what: string): Fwid[] {
  const items = derChildrenOf(buf, list, MAX_FWIDS, what);
  if (items.length === 0) malformed(`${what}: empty FWIDLIST (SIZE (1..MAX))`, list.start);
  return items.map((item, i) => readFwid(buf, item, `${what}[${i}]`));
}

/** FWID ::= SEQUENCE { hashAlg OBJECT IDENTIFIER, digest OCTET STRING } (also used by the RIoT extension). */
export function readFwid(buf: Uint8Array, item: DerElement, what: string): Fwid {
  if (item.tag !== Tag.SEQUENCE) malformed(`${what}: expected SEQUENCE (FWID)`, item.start);
  const parts = derChildrenOf(buf, item, 2, what);
  const alg = parts[0];
  const digest = parts[1];
  if (parts.length !== 2 || alg === undefined || digest === undefined) {
    return malformed(`${what}: expected SEQUENCE { hashAlg, digest }`, item.start);
  }
  const hashAlg = derOid(alg, `${what}.hashAlg`);
  if (digest.tag !== Tag.OCTET_STRING) malformed(`${what}.digest: expected OCTET STRING`, digest.start);
  const fwid: Fwid = { hashAlg, digest: digest.contents.slice() };
  const name = HASH_ALG_NAMES[hashAlg];
  if (name !== undefined) fwid.hashAlgName = name;
  return fwid;
}
