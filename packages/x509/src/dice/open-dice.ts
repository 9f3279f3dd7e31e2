import { children, contentStart, element, malformed, smallUnsigned, topLevel, utf8Text } from "./der.js";
import type { UnknownField } from "./tcb-info.js";

// Open Profile for DICE (google/open-dice docs/specification.md), "X.509 CDI Certificates" → "Custom Extension
// Format", extension 1.3.6.1.4.1.11129.2.1.24:
//
//   Mode ::= INTEGER (0..3)
//   OpenDiceInput ::= SEQUENCE {
//     codeHash                [0] EXPLICIT OCTET STRING OPTIONAL,
//     codeDescriptor          [1] EXPLICIT OCTET STRING OPTIONAL,
//     configurationHash       [2] EXPLICIT OCTET STRING OPTIONAL,
//     configurationDescriptor [3] EXPLICIT OCTET STRING OPTIONAL,
//     authorityHash           [4] EXPLICIT OCTET STRING OPTIONAL,
//     authorityDescriptor     [5] EXPLICIT OCTET STRING OPTIONAL,
//     mode                    [6] EXPLICIT Mode OPTIONAL,
//     profileName             [7] EXPLICIT UTF8String OPTIONAL }
//
// "All fields are explicitly tagged and optional to allow for flexibility and extensibility", so every field is
// optional here too and context tags beyond [7] are kept raw. The spec's "Required" semantics (codeHash,
// configurationDescriptor, authorityHash, mode) are reported by `missingRequired`, not enforced. Mode is declared
// INTEGER but the reference implementation (and every known certificate) encodes ENUMERATED: both are accepted.

/** Mode names by value ("Mode Value Details"). */
export const OPEN_DICE_MODES = ["notConfigured", "normal", "debug", "recovery"] as const;
export type OpenDiceModeName = (typeof OPEN_DICE_MODES)[number];

/** A decoded OpenDiceInput. */
export interface OpenDiceInput {
  codeHash?: Uint8Array;
  codeDescriptor?: Uint8Array;
  configurationHash?: Uint8Array;
  configurationDescriptor?: Uint8Array;
  authorityHash?: Uint8Array;
  authorityDescriptor?: Uint8Array;
  /** The mode value as encoded. */
  mode?: number;
  /**
   * The mode's name; values outside 0..3 are named "notConfigured", as the spec says invalid modes "should be
   * treated like" Not Configured.
   */
  modeName?: OpenDiceModeName;
  profileName?: string;
  /** Fields the spec calls required that are absent. */
  missingRequired: string[];
  unknown: UnknownField[];
}

const NAMES = [
  "codeHash",
  "codeDescriptor",
  "configurationHash",
  "configurationDescriptor",
  "authorityHash",
  "authorityDescriptor",
  "mode",
  "profileName",
] as const;

/**
 * Decodes an Open-DICE X.509 extension value (OpenDiceInput). Throws `X509_MALFORMED` naming the field and offset.
 *
 * @example
 * ```ts
 * const input = decodeOpenDiceInput(ext.value);
 * input.modeName; // "normal"
 * ```
 */
export function decodeOpenDiceInput(value: Uint8Array): OpenDiceInput {
  const what = "OpenDiceInput";
  const seq = topLevel(value, 0x30, what);
  const out: OpenDiceInput = { missingRequired: [], unknown: [] };
  let last = -1;
  for (const el of children(value, seq, what, 32)) {
    if ((el.tag & 0xc0) !== 0x80) malformed(what, `unexpected non-context tag 0x${el.tag.toString(16)}`, el.start);
    const n = el.tag & 0x1f;
    if (n <= last) malformed(what, `field [${n}] out of order or repeated`, el.start);
    last = n;
    if (n > 7) {
      out.unknown.push({ tag: n, constructed: (el.tag & 0x20) !== 0, der: value.slice(el.start, el.end) });
      continue;
    }
    const name = NAMES[n] as (typeof NAMES)[number];
    const field = `${what}.${name}`;
    // EXPLICIT: a constructed [n] holding exactly one element.
    if ((el.tag & 0x20) === 0) malformed(field, "EXPLICIT tag must be constructed", el.start);
    const inner = element(value, contentStart(el), el.end, field);
    if (inner.end !== el.end) malformed(field, "trailing bytes inside the EXPLICIT tag", inner.end);
    if (n <= 5) {
      if (inner.tag !== 0x04) malformed(field, "expected OCTET STRING", inner.start);
      out[name as Exclude<typeof name, "mode" | "profileName">] = inner.contents.slice();
    } else if (n === 6) {
      if (inner.tag !== 0x0a && inner.tag !== 0x02) malformed(field, "expected ENUMERATED or INTEGER", inner.start);
      const mode = smallUnsigned(inner, field);
      out.mode = mode;
      out.modeName = OPEN_DICE_MODES[mode] ?? "notConfigured";
    } else {
      if (inner.tag !== 0x0c) malformed(field, "expected UTF8String", inner.start);
      out.profileName = utf8Text(inner, field);
    }
  }
  for (const req of ["codeHash", "configurationDescriptor", "authorityHash", "mode"] as const) {
    if (out[req] === undefined) out.missingRequired.push(req);
  }
  return out;
}
