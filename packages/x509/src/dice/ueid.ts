import { malformed } from "../der/errors.js";
import { derChildrenOf, derWhole, Tag } from "../der/read.js";
import { decodeDiceValue } from "./errors.js";

// TCG DICE Attestation Architecture §6.1.4 "tcg-dice-Ueid" (2.23.133.5.4.4): TcgUeid ::= SEQUENCE { ueid OCTET STRING }.

/** A decoded tcg-dice-Ueid. */
export interface DiceUeid {
  ueid: Uint8Array;
}

/**
 * Decodes a tcg-dice-Ueid (2.23.133.5.4.4) extension value. Throws `X509_MALFORMED` naming the field and offset.
 *
 * @example
 * ```ts
 * decodeDiceUeid(ext.value).ueid; // 17 bytes on Caliptra
 * ```
 */
export function decodeDiceUeid(value: Uint8Array): DiceUeid {
  return decodeDiceValue(value, "TcgUeid", (v) => {
    const seq = derWhole(v, Tag.SEQUENCE, "TcgUeid");
    const parts = derChildrenOf(v, seq, 1, "TcgUeid");
    const u = parts[0];
    if (parts.length !== 1 || u === undefined) return malformed("TcgUeid: expected SEQUENCE { ueid }", seq.start);
    if (u.tag !== Tag.OCTET_STRING) malformed("TcgUeid.ueid: expected OCTET STRING", u.start);
    return { ueid: u.contents.slice() };
  });
}
