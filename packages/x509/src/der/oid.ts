import type { DerElement } from "@rotkit/core";
import { malformed } from "./errors.js";
import { Tag } from "./read.js";

// OBJECT IDENTIFIER contents to dotted text, X.690 §8.19: base-128 subidentifiers, high bit = "more follows",
// minimal (§8.19.2: the leading octet of a subidentifier is never 0x80); the first subidentifier packs the first two
// arcs as 40·X + Y (§8.19.4).

const MAX_OID_BYTES = 256;

/**
 * Dotted-decimal text of OID contents octets. Throws `X509_MALFORMED` for empty, truncated or non-minimal
 * encodings. Arcs beyond 2^53 are decoded exactly with BigInt (e.g. 2.25.<UUID>).
 *
 * @example
 * ```ts
 * oidToString(Uint8Array.of(0x55, 0x1d, 0x13)); // "2.5.29.19"
 * ```
 */
export function oidToString(c: Uint8Array, at?: number): string {
  const n = c.length;
  if (n === 0) malformed("OBJECT IDENTIFIER: empty", at);
  if (n > MAX_OID_BYTES) malformed("OBJECT IDENTIFIER: too long", at);
  if (((c[n - 1] as number) & 0x80) !== 0) malformed("OBJECT IDENTIFIER: truncated subidentifier", at);
  let out = "";
  let i = 0;
  let first = true;
  while (i < n) {
    if (c[i] === 0x80) malformed("OBJECT IDENTIFIER: non-minimal subidentifier", at); // §8.19.2
    const s = i;
    let v = 0;
    let b: number;
    do {
      b = c[i++] as number;
      v = v * 128 + (b & 0x7f);
    } while ((b & 0x80) !== 0);
    let text: string;
    if (v > Number.MAX_SAFE_INTEGER) {
      let big = 0n;
      for (let k = s; k < i; k++) big = (big << 7n) | BigInt((c[k] as number) & 0x7f);
      if (first) {
        out = `2.${(big - 80n).toString()}`;
        first = false;
        continue;
      }
      text = big.toString();
    } else if (first) {
      // §8.19.4: X = 0 or 1 covers Y < 40; everything ≥ 80 belongs to arc 2.
      first = false;
      out = v < 40 ? `0.${v}` : v < 80 ? `1.${v - 40}` : `2.${v - 80}`;
      continue;
    } else text = String(v);
    out += `.${text}`;
  }
  return out;
}

/**
 * Reads an OBJECT IDENTIFIER element as dotted text.
 *
 * @example
 * ```ts
 * const oid = derOid(children[0], "extnID");
 * ```
 */
export function derOid(el: DerElement | undefined, what: string): string {
  if (el === undefined || el.tag !== Tag.OID) malformed(`${what}: expected OBJECT IDENTIFIER`, el?.start);
  return oidToString(el.contents, el.start);
}

/**
 * Encodes dotted text as OID contents octets (for tests and for building comparisons).
 *
 * @example
 * ```ts
 * oidFromString("2.5.29.19"); // 55 1d 13
 * ```
 */
export function oidFromString(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((a) => {
    if (!/^(0|[1-9][0-9]*)$/.test(a)) malformed(`OID text: bad arc "${a}"`);
    return BigInt(a);
  });
  const a0 = arcs[0];
  const a1 = arcs[1];
  if (a0 === undefined || a1 === undefined || a0 > 2n || (a0 < 2n && a1 >= 40n)) malformed("OID text: bad first arcs");
  const subs = [a0 * 40n + a1, ...arcs.slice(2)];
  const out: number[] = [];
  for (const s of subs) {
    const groups: number[] = [Number(s & 0x7fn)];
    let v = s >> 7n;
    while (v > 0n) {
      groups.unshift(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(...groups);
  }
  return Uint8Array.from(out);
}
