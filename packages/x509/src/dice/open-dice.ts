import { malformed } from "../der/errors.js";
import { derSmallUint } from "../der/primitives.js";
import { derChildrenOf, derContentStart, derContextFields, derRead, derWhole, Tag } from "../der/read.js";
import { derString } from "../der/strings.js";
import { decodeDiceValue } from "./errors.js";
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
  return decodeDiceValue(value, "OpenDiceInput", readOpenDiceInput);
}

function readOpenDiceInput(value: Uint8Array): OpenDiceInput {
  const what = "OpenDiceInput";
  const seq = derWhole(value, Tag.SEQUENCE, what);
  const out: OpenDiceInput = { missingRequired: [], unknown: [] };
  for (const { el, n, constructed } of derContextFields(derChildrenOf(value, seq, 32, what), what)) {
    if (n > 7) {
      out.unknown.push({ tag: n, constructed, der: value.slice(el.start, el.end) });
      continue;
    }
    const name = NAMES[n] as (typeof NAMES)[number];
    const field = `${what}.${name}`;
    // EXPLICIT: a constructed [n] holding exactly one element.
    if (!constructed) malformed(`${field}: EXPLICIT tag must be constructed`, el.start);
    const inner = derRead(value, derContentStart(el), el.end);
    if (inner.end !== el.end) malformed(`${field}: trailing bytes inside the EXPLICIT tag`, inner.end);
    if (n <= 5) {
      if (inner.tag !== Tag.OCTET_STRING) malformed(`${field}: expected OCTET STRING`, inner.start);
      out[name as Exclude<typeof name, "mode" | "profileName">] = inner.contents.slice();
    } else if (n === 6) {
      if (inner.tag !== Tag.ENUMERATED && inner.tag !== Tag.INTEGER)
        malformed(`${field}: expected ENUMERATED or INTEGER`, inner.start);
      const mode = derSmallUint(inner, field, Number.MAX_SAFE_INTEGER, false, inner.tag);
      out.mode = mode;
      out.modeName = OPEN_DICE_MODES[mode] ?? "notConfigured";
    } else {
      if (inner.tag !== Tag.UTF8_STRING) malformed(`${field}: expected UTF8String`, inner.start);
      out.profileName = derString(inner, field, Tag.UTF8_STRING);
    }
  }
  for (const req of ["codeHash", "configurationDescriptor", "authorityHash", "mode"] as const) {
    if (out[req] === undefined) out.missingRequired.push(req);
  }
  return out;
}
