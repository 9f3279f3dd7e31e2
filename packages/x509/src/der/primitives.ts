import type { DerElement } from "@rotkit/core";
import { malformed } from "./errors.js";
import { Tag } from "./read.js";

// Universal primitive types with their DER rules (X.690 §8 encoding, §10/§11 DER restrictions).

/**
 * BOOLEAN (X.690 §8.2): one octet; DER (§11.1) allows only 0x00 (FALSE) and 0xFF (TRUE).
 *
 * @example
 * ```ts
 * const critical = derBoolean(children[1], "critical");
 * ```
 */
export function derBoolean(el: DerElement, what: string): boolean {
  if (el.tag !== Tag.BOOLEAN) malformed(`${what}: expected BOOLEAN`, el.start);
  if (el.contents.length !== 1) malformed(`${what}: BOOLEAN must be one octet`, el.start);
  const b = el.contents[0];
  if (b === 0xff) return true;
  if (b === 0x00) return false;
  return malformed(`${what}: DER BOOLEAN must be 0x00 or 0xFF`, el.start);
}

/**
 * INTEGER (X.690 §8.3) content octets, checked minimal (§8.3.2: the first nine bits are not all 0 or all 1).
 * Two's complement, as encoded; `tag` allows IMPLICIT-tagged and ENUMERATED (§8.4) values.
 *
 * @example
 * ```ts
 * const serial = derInteger(children[1], "serialNumber"); // content octets
 * ```
 */
export function derInteger(el: DerElement, what: string, tag: number = Tag.INTEGER): Uint8Array {
  if (el.tag !== tag) malformed(`${what}: expected INTEGER`, el.start);
  const c = el.contents;
  if (c.length === 0) malformed(`${what}: empty INTEGER`, el.start);
  if (c.length > 1) {
    const b0 = c[0] as number;
    const b1 = c[1] as number;
    if ((b0 === 0x00 && (b1 & 0x80) === 0) || (b0 === 0xff && (b1 & 0x80) !== 0)) {
      malformed(`${what}: non-minimal INTEGER`, el.start);
    }
  }
  return c;
}

/**
 * A non-negative INTEGER as a number. Values above `max` throw unless `clamp` is set, in which case they become
 * `max` (for counts such as pathLenConstraint or SkipCerts, where "very large" and "max" mean the same thing).
 *
 * @example
 * ```ts
 * const pathLen = derSmallUint(el, "pathLenConstraint", Number.MAX_SAFE_INTEGER, true);
 * ```
 */
export function derSmallUint(
  el: DerElement,
  what: string,
  max: number,
  clamp = false,
  tag: number = Tag.INTEGER,
): number {
  const c = derInteger(el, what, tag);
  if (((c[0] as number) & 0x80) !== 0) malformed(`${what}: negative INTEGER`, el.start);
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    v = v * 256 + (c[i] as number);
    if (v > max) {
      if (clamp) return max;
      malformed(`${what}: INTEGER above ${max}`, el.start);
    }
  }
  return v;
}

/** A BIT STRING: the octets and how many trailing bits of the last one are unused (X.690 §8.6.2). */
export interface BitString {
  bytes: Uint8Array;
  unusedBits: number;
}

/**
 * BIT STRING (X.690 §8.6): unused-bit count 0..7, zero when empty, and the unused bits themselves zero (DER §11.2.1).
 *
 * @example
 * ```ts
 * const { bytes } = derBitString(children[2], "signatureValue");
 * ```
 */
export function derBitString(el: DerElement, what: string, tag: number = Tag.BIT_STRING): BitString {
  if (el.tag !== tag) malformed(`${what}: expected BIT STRING`, el.start);
  const c = el.contents;
  if (c.length === 0) malformed(`${what}: BIT STRING without the unused-bits octet`, el.start);
  const unused = c[0] as number;
  // X.690 §8.6.2.2: 0..7, and 0 when there are no bits.
  if (unused > 7 || (c.length === 1 && unused !== 0)) malformed(`${what}: bad unused-bits count`, el.start);
  if (c.length > 1 && ((c[c.length - 1] as number) & ((1 << unused) - 1)) !== 0) {
    malformed(`${what}: BIT STRING padding bits are not zero (DER)`, el.start);
  }
  return { bytes: c.subarray(1), unusedBits: unused };
}

/**
 * A BIT STRING whose length is whole octets (signatures, keys).
 *
 * @example
 * ```ts
 * const sig = derOctetBits(children[2], "signatureValue");
 * ```
 */
export function derOctetBits(el: DerElement, what: string): Uint8Array {
  const bs = derBitString(el, what);
  if (bs.unusedBits !== 0) malformed(`${what}: BIT STRING is not whole octets`, el.start);
  return bs.bytes;
}

/**
 * A named-bit-list BIT STRING (KeyUsage, ReasonFlags) as a bitset: bit i of the ASN.1 value is `1 << i`. Only bits
 * 0..30 fit; higher set bits throw. `trailingZero` reports a DER violation of X.690 §11.2.2 (trailing zero bits
 * must be removed) — callers record it rather than reject, since the value is unambiguous.
 *
 * @example
 * ```ts
 * const { bits } = derNamedBits(el, "keyUsage"); // bits & (1 << KeyUsageBit.keyCertSign)
 * ```
 */
export function derNamedBits(
  el: DerElement,
  what: string,
  tag: number = Tag.BIT_STRING,
): { bits: number; trailingZero: boolean } {
  const { bytes, unusedBits } = derBitString(el, what, tag);
  const total = bytes.length * 8 - unusedBits;
  let bits = 0;
  let last = -1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0) continue;
    for (let k = 0; k < 8; k++) {
      if ((b & (0x80 >> k)) !== 0) {
        const bit = i * 8 + k;
        if (bit > 30) malformed(`${what}: named bit ${bit} is out of range`, el.start);
        bits |= 1 << bit;
        last = bit;
      }
    }
  }
  return { bits, trailingZero: last !== total - 1 };
}

/**
 * OCTET STRING contents.
 *
 * @example
 * ```ts
 * const value = derOctetString(children[2], "extnValue");
 * ```
 */
export function derOctetString(el: DerElement, what: string, tag: number = Tag.OCTET_STRING): Uint8Array {
  if (el.tag !== tag) malformed(`${what}: expected OCTET STRING`, el.start);
  return el.contents;
}

/**
 * NULL (X.690 §8.8): empty contents.
 *
 * @example
 * ```ts
 * derNull(params, "rsaEncryption parameters");
 * ```
 */
export function derNull(el: DerElement, what: string): void {
  if (el.tag !== Tag.NULL || el.contents.length !== 0) malformed(`${what}: expected NULL`, el.start);
}
