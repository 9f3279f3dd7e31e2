import { fromHex, utf8Encode } from "@rotkit/core";
import { CaseInputError, type Json } from "./case-outcome.js";

// Members of a cose-wg/Examples case that both the signing/MAC and the encryption runners read. The examples write
// byte values either as text (UTF-8) or as a `*_hex` sibling.

/**
 * The case's plaintext (`plaintext` or `plaintext_hex`); CaseInputError when neither is there.
 *
 * @example
 * ```ts
 * plaintextOf({ plaintext: "This is the content." });
 * ```
 */
export function plaintextOf(input: Json): Uint8Array {
  if (typeof input.plaintext === "string") return utf8Encode(input.plaintext);
  if (typeof input.plaintext_hex === "string") return fromHex(input.plaintext_hex);
  throw new CaseInputError("no plaintext");
}

/**
 * `o[name]` as UTF-8, or `o[name_hex]` as bytes, or undefined.
 *
 * @example
 * ```ts
 * textOrHex(unsent, "apu_id");
 * ```
 */
export function textOrHex(o: Json | undefined, name: string): Uint8Array | undefined {
  if (!o) return undefined;
  const t = o[name];
  if (typeof t === "string") return utf8Encode(t);
  const hex = o[`${name}_hex`];
  if (typeof hex === "string") return fromHex(hex);
  return undefined;
}
