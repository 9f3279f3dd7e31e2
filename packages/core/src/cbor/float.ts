// IEEE 754 half-precision helpers for CBOR (RFC 8949 §3.3 and Appendix D). JavaScript has no Float16 on every
// device runtime (QuickJS, XS), so the conversion is done arithmetically: no typed-array scratch buffer, no state.

const TWO_POW_24 = 16777216;
const HALF_MIN_SUBNORMAL = 2 ** -24;
const HALF_MIN_NORMAL = 6.103515625e-5; // 2^-14
const HALF_MAX = 65504;

/**
 * The value of a binary16 bit pattern (RFC 8949 Appendix D, without the C).
 *
 * @example
 * ```ts
 * decodeHalf(0x3c00); // 1
 * decodeHalf(0x7e00); // NaN
 * ```
 */
export function decodeHalf(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  let v: number;
  if (exp === 0) v = mant * HALF_MIN_SUBNORMAL;
  else if (exp === 31) v = mant === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  else v = (mant + 1024) * 2 ** (exp - 25);
  return h & 0x8000 ? -v : v;
}

/**
 * The binary16 bit pattern that represents `v` exactly, or -1 when there is none. NaN maps to 0x7e00, the one
 * NaN deterministic encoding allows (RFC 8949 §4.2.1), because rotkit's data model keeps no NaN payloads.
 *
 * @example
 * ```ts
 * halfBits(1.5); // 0x3e00
 * halfBits(0.1); // -1
 * ```
 */
export function halfBits(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || (v === 0 && 1 / v < 0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === 0) return sign;
  if (a === Number.POSITIVE_INFINITY) return sign | 0x7c00;
  if (a > HALF_MAX || a < HALF_MIN_SUBNORMAL) return -1;
  if (a < HALF_MIN_NORMAL) {
    // Subnormal: v = m * 2^-24 with an integer m < 1024.
    const m = a * TWO_POW_24;
    return Number.isInteger(m) ? sign | m : -1;
  }
  // Normal: v = (1 + m/1024) * 2^e with e in [-14, 15]. Math.log2 may be off by one on some engines: correct it.
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const m = (a / 2 ** e - 1) * 1024; // exact: a power-of-two division and values in [1, 2)
  return Number.isInteger(m) ? sign | ((e + 15) << 10) | m : -1;
}
