import type { EcCurve } from "@rotkit/core";
import { RotkitError } from "@rotkit/core";

// Short-Weierstrass arithmetic for the NIST prime curves, only what COSE_Key decoding needs: an on-curve check
// (RFC 9053 §7.1.1 keys, RFC 9053 §6.3 ephemeral keys: an off-curve point enables invalid-curve attacks) and
// point decompression (RFC 9053 §7.1.1: `y` may be a bool, the sign bit of the compressed form). All three
// curves have a = -3 and p ≡ 3 (mod 4), so sqrt(v) = v^((p+1)/4).

interface CurveParams {
  p: bigint;
  b: bigint;
  size: number;
}

let params: Record<EcCurve, CurveParams> | undefined;

function curve(crv: EcCurve): CurveParams {
  // Built on first use: no work at module load.
  params ??= {
    "P-256": {
      p: BigInt("0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
      b: BigInt("0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"),
      size: 32,
    },
    "P-384": {
      p: BigInt("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff"),
      b: BigInt("0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef"),
      size: 48,
    },
    "P-521": {
      p: (1n << 521n) - 1n,
      b: BigInt(
        "0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
      ),
      size: 66,
    },
  };
  return params[crv];
}

/**
 * Coordinate (and private scalar) length in bytes of a NIST curve: 32, 48 or 66.
 *
 * @example
 * ```ts
 * ecCoordinateLength("P-521"); // 66
 * ```
 */
export function ecCoordinateLength(crv: EcCurve): number {
  return curve(crv).size;
}

function toBig(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = 0; i < bytes.length; i++) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

function toBytes(n: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let r = 1n;
  let b = base % m;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

function rhs(x: bigint, c: CurveParams): bigint {
  // y² = x³ - 3x + b (mod p)
  const { p } = c;
  return (((((x * x) % p) * x) % p) - ((3n * x) % p) + c.b + 2n * p) % p;
}

/**
 * True when (x, y) lies on the curve and both coordinates are reduced (< p) and of the curve's length.
 *
 * @example
 * ```ts
 * isOnCurve("P-256", x, y); // true for a valid public key
 * ```
 */
export function isOnCurve(crv: EcCurve, x: Uint8Array, y: Uint8Array): boolean {
  const c = curve(crv);
  if (x.length !== c.size || y.length !== c.size) return false;
  const X = toBig(x);
  const Y = toBig(y);
  if (X >= c.p || Y >= c.p) return false;
  return (Y * Y) % c.p === rhs(X, c);
}

/**
 * Recovers y from x and the sign bit (RFC 9053 §7.1.1: `y` = true/false is the low bit of y). Throws
 * COSE_BAD_KEY when x is not the abscissa of a curve point.
 *
 * @example
 * ```ts
 * const y = decompressEcPoint("P-256", x, false);
 * ```
 */
export function decompressEcPoint(crv: EcCurve, x: Uint8Array, yOdd: boolean): Uint8Array {
  const c = curve(crv);
  if (x.length !== c.size) throw new RotkitError("COSE_BAD_KEY", `${crv}: x must be ${c.size} bytes`);
  const X = toBig(x);
  if (X >= c.p) throw new RotkitError("COSE_BAD_KEY", `${crv}: x is not reduced`);
  const v = rhs(X, c);
  let Y = modPow(v, (c.p + 1n) / 4n, c.p);
  if ((Y * Y) % c.p !== v) throw new RotkitError("COSE_BAD_KEY", `${crv}: x is not on the curve`);
  if ((Y & 1n) !== (yOdd ? 1n : 0n)) Y = (c.p - Y) % c.p;
  return toBytes(Y, c.size);
}
