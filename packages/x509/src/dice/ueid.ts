import { children, malformed, topLevel } from "./der.js";

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
  const seq = topLevel(value, 0x30, "TcgUeid");
  const parts = children(value, seq, "TcgUeid", 1);
  const u = parts[0];
  if (parts.length !== 1 || u === undefined) return malformed("TcgUeid", "expected SEQUENCE { ueid }", seq.start);
  if (u.tag !== 0x04) malformed("TcgUeid.ueid", "expected OCTET STRING", u.start);
  return { ueid: u.contents.slice() };
}
