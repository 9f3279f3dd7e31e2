import { isRotkitError, type PublicKey, publicKeyFromSpki } from "@rotkit/core";
import { malformed } from "../der/errors.js";
import { derOid } from "../der/oid.js";
import { derSmallUint } from "../der/primitives.js";
import { derChildrenOf, derContentStart, derWhole, Tag } from "../der/read.js";
import { decodeDiceValue } from "./errors.js";
import { type DiceTcbInfo, decodeDiceTcbInfo, type Fwid, readFwid } from "./tcb-info.js";

// The legacy RIoT "DiceExtension" (Microsoft RIoT reference code, later TCG DICE drafts) was issued under the same
// OID as tcg-dice-TcbInfo, 2.23.133.5.4.1, with a different body:
//
//   DiceExtension ::= SEQUENCE { [0] { id OBJECT IDENTIFIER, compositeDeviceID CompositeDeviceID } }
//   CompositeDeviceID ::= SEQUENCE { version INTEGER, deviceID SubjectPublicKeyInfo, fwid FWID }
//
// A DiceTcbInfo's fields are all IMPLICIT and its [0] (vendor, UTF8String) is primitive, so a constructed [0] as
// the first element of the outer SEQUENCE identifies the RIoT form.

/** A decoded legacy RIoT CompositeDeviceID. */
export interface RiotCompositeDeviceId {
  /** The OID inside the [0] wrapper (2.23.133.5.4.1 in the known samples). */
  id: string;
  version: number;
  /** DER of the DeviceID SubjectPublicKeyInfo. */
  deviceIdSpki: Uint8Array;
  /** The DeviceID public key when rotkit supports its algorithm. */
  deviceIdKey?: PublicKey;
  fwid: Fwid;
}

/** What an extension under 2.23.133.5.4.1 turned out to be. */
export type TcbInfoOrRiot = { kind: "tcbInfo"; tcbInfo: DiceTcbInfo } | { kind: "riot"; riot: RiotCompositeDeviceId };

/**
 * Decodes the legacy RIoT CompositeDeviceID extension value (see the module comment for the ASN.1).
 *
 * @example
 * ```ts
 * const riot = decodeRiotCompositeDeviceId(ext.value);
 * riot.fwid.hashAlgName; // "SHA-256"
 * ```
 */
export function decodeRiotCompositeDeviceId(value: Uint8Array): RiotCompositeDeviceId {
  return decodeDiceValue(value, "RiotDiceExtension", readRiot);
}

function readRiot(value: Uint8Array): RiotCompositeDeviceId {
  const what = "RiotDiceExtension";
  const seq = derWhole(value, Tag.SEQUENCE, what);
  const outer = derChildrenOf(value, seq, 1, what);
  const wrapper = outer[0];
  if (outer.length !== 1 || wrapper === undefined || wrapper.tag !== 0xa0) {
    return malformed(`${what}: expected SEQUENCE { [0] { id, CompositeDeviceID } }`, seq.start);
  }
  const inner = derChildrenOf(value, wrapper, 2, `${what}[0]`);
  const idEl = inner[0];
  const cdi = inner[1];
  if (inner.length !== 2 || idEl === undefined || cdi === undefined) {
    return malformed(`${what}[0]: expected { id, CompositeDeviceID }`, derContentStart(wrapper));
  }
  const id = derOid(idEl, `${what}.id`);
  const field = `${what}.compositeDeviceID`;
  if (cdi.tag !== Tag.SEQUENCE) malformed(`${field}: expected SEQUENCE`, cdi.start);
  const parts = derChildrenOf(value, cdi, 3, field);
  const [ver, spki, fwid] = parts;
  if (parts.length !== 3 || ver === undefined || spki === undefined || fwid === undefined) {
    return malformed(`${field}: expected SEQUENCE { version, deviceID, fwid }`, cdi.start);
  }
  if (ver.tag !== Tag.INTEGER) malformed(`${field}.version: expected INTEGER`, ver.start);
  if (spki.tag !== Tag.SEQUENCE) malformed(`${field}.deviceID: expected SEQUENCE (SubjectPublicKeyInfo)`, spki.start);
  const out: RiotCompositeDeviceId = {
    id,
    version: derSmallUint(ver, `${field}.version`, Number.MAX_SAFE_INTEGER),
    deviceIdSpki: value.slice(spki.start, spki.end),
    fwid: readFwid(value, fwid, `${field}.fwid`),
  };
  try {
    out.deviceIdKey = publicKeyFromSpki(out.deviceIdSpki);
  } catch (e) {
    // An algorithm rotkit does not know leaves the key undefined; a broken key is a malformed extension.
    if (!isRotkitError(e, "CRYPTO_UNSUPPORTED_ALG")) malformed(`${field}.deviceID: bad public key`, spki.start, e);
  }
  return out;
}

/**
 * Decodes an extension under OID 2.23.133.5.4.1, detecting which of the two structures it holds: a TCG DiceTcbInfo
 * or the legacy RIoT CompositeDeviceID (a constructed [0] first inside the SEQUENCE).
 *
 * @example
 * ```ts
 * const r = decodeTcbInfoOrRiot(ext.value);
 * if (r.kind === "riot") console.log(r.riot.fwid.digest);
 * ```
 */
export function decodeTcbInfoOrRiot(value: Uint8Array): TcbInfoOrRiot {
  return decodeDiceValue(value, "tcg-dice-TcbInfo", (v) => {
    const seq = derWhole(v, Tag.SEQUENCE, "tcg-dice-TcbInfo");
    // Peek at the first element's tag: 0xa0 = constructed [0].
    const first = seq.contents.length > 0 ? v[derContentStart(seq)] : undefined;
    if (first === 0xa0) return { kind: "riot", riot: decodeRiotCompositeDeviceId(v) };
    return { kind: "tcbInfo", tcbInfo: decodeDiceTcbInfo(v) };
  });
}
