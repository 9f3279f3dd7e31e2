import { isRotkitError, RotkitError } from "@rotkit/core";
import { decodeExtKeyUsage } from "../extensions/key-usage.js";
import type { Certificate } from "../types.js";
import {
  DICE_EXTENSION_OIDS,
  OID_EXT_KEY_USAGE,
  OID_OPEN_DICE_INPUT,
  OID_TCG_DICE_MULTI_TCB_INFO,
  OID_TCG_DICE_MULTI_TCB_INFO_COMP,
  OID_TCG_DICE_TCB_INFO,
  OID_TCG_DICE_UEID,
  TCG_DICE_KEY_PURPOSES,
} from "./oids.js";
import { decodeOpenDiceInput, type OpenDiceInput } from "./open-dice.js";
import { decodeTcbInfoOrRiot, type RiotCompositeDeviceId } from "./riot.js";
import { type DiceMultiTcbInfoComp, type DiceTcbInfo, decodeMultiTcbInfo, decodeMultiTcbInfoComp } from "./tcb-info.js";
import { type DiceUeid, decodeDiceUeid } from "./ueid.js";

/** The DICE extensions of one certificate, decoded. */
export interface DiceExtensions {
  /** tcg-dice-TcbInfo (2.23.133.5.4.1) when it holds a DiceTcbInfo. */
  tcbInfo?: DiceTcbInfo;
  /** tcg-dice-MultiTcbInfo (2.23.133.5.4.5). */
  multiTcbInfo?: DiceTcbInfo[];
  /** tcg-dice-MultiTcbInfoComp (2.23.133.5.4.8). */
  multiTcbInfoComp?: DiceMultiTcbInfoComp;
  /** tcg-dice-Ueid (2.23.133.5.4.4). */
  ueid?: DiceUeid;
  /** Open-DICE input (1.3.6.1.4.1.11129.2.1.24). */
  openDice?: OpenDiceInput;
  /** The legacy RIoT CompositeDeviceID (found under 2.23.133.5.4.1 instead of a DiceTcbInfo). */
  riot?: RiotCompositeDeviceId;
  /**
   * The tcg-dice-kp key purposes among the certificate's extended key usages, by name ("identityLoc", "ECA", …);
   * OIDs under the tcg-dice-kp arc (2.23.133.5.4.100) without a name are listed dotted.
   */
  diceKeyPurposes: string[];
  /** With `lenient`, the DICE extensions that did not decode, instead of throwing. */
  errors: { oid: string; error: RotkitError }[];
}

export interface DecodeDiceExtensionsOptions {
  /**
   * Collect a malformed DICE extension in `errors` instead of throwing (e.g. redacted test certificates, or to
   * show what else a certificate says). Default false: any malformed DICE extension throws `X509_MALFORMED`.
   */
  lenient?: boolean;
}

const KP_ARC = "2.23.133.5.4.100.";

/**
 * Reads every DICE extension of a parsed certificate by OID. Criticality is not consulted: deployed certificates
 * disagree on it (none of Caliptra's TCG extensions is critical; the caliptra-dpe verifier expects MultiTcbInfo and
 * Ueid to be; Open-DICE marks its extension critical), so an extension is decoded wherever it appears.
 *
 * @example
 * ```ts
 * const dice = decodeDiceExtensions(parseCertificate(der));
 * dice.multiTcbInfo?.map((t) => t.svn);
 * ```
 */
export function decodeDiceExtensions(
  cert: Pick<Certificate, "extensions" | "ext">,
  options: DecodeDiceExtensionsOptions = {},
): DiceExtensions {
  const out: DiceExtensions = { diceKeyPurposes: [], errors: [] };
  const seen = new Set<string>();
  for (const ext of cert.extensions) {
    if (seen.has(ext.oid) && isDiceOid(ext.oid)) {
      // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
      throw new RotkitError("X509_MALFORMED", `DICE extension ${ext.oid} appears more than once`);
    }
    seen.add(ext.oid);
    try {
      switch (ext.oid) {
        case OID_TCG_DICE_TCB_INFO: {
          const r = decodeTcbInfoOrRiot(ext.value);
          if (r.kind === "riot") out.riot = r.riot;
          else out.tcbInfo = r.tcbInfo;
          break;
        }
        case OID_TCG_DICE_MULTI_TCB_INFO:
          out.multiTcbInfo = decodeMultiTcbInfo(ext.value);
          break;
        case OID_TCG_DICE_MULTI_TCB_INFO_COMP:
          out.multiTcbInfoComp = decodeMultiTcbInfoComp(ext.value);
          break;
        case OID_TCG_DICE_UEID:
          out.ueid = decodeDiceUeid(ext.value);
          break;
        case OID_OPEN_DICE_INPUT:
          out.openDice = decodeOpenDiceInput(ext.value);
          break;
      }
    } catch (e) {
      if (!options.lenient || !isRotkitError(e, "X509_MALFORMED")) throw e;
      out.errors.push({ oid: ext.oid, error: e });
    }
  }
  out.diceKeyPurposes = diceKeyPurposeNames(extendedKeyUsages(cert));
  return out;
}

/**
 * Names the tcg-dice-kp key purposes among a list of EKU OIDs (others are dropped; unnamed ones under the
 * tcg-dice-kp arc are kept dotted).
 *
 * @example
 * ```ts
 * diceKeyPurposeNames(["2.23.133.5.4.100.7", "1.3.6.1.5.5.7.3.2"]); // ["identityLoc"]
 * ```
 */
export function diceKeyPurposeNames(ekus: readonly string[]): string[] {
  const out: string[] = [];
  for (const oid of ekus) {
    const name = TCG_DICE_KEY_PURPOSES[oid];
    if (name !== undefined) out.push(name);
    else if (oid.startsWith(KP_ARC)) out.push(oid);
  }
  return out;
}

function isDiceOid(oid: string): boolean {
  return DICE_EXTENSION_OIDS.includes(oid);
}

/** The EKU OIDs: from the parser's decoded `ext.extKeyUsage` when present, else read from the raw extension. */
function extendedKeyUsages(cert: Pick<Certificate, "extensions" | "ext">): string[] {
  if (cert.ext?.extKeyUsage !== undefined) return cert.ext.extKeyUsage;
  const ext = cert.extensions.find((e) => e.oid === OID_EXT_KEY_USAGE);
  if (ext === undefined) return [];
  return decodeExtKeyUsage(ext.value);
}
