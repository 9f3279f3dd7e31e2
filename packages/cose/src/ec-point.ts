import type { EcCurve } from "@rotkit/core";
import { decodeEcPoint, encodeEcPoint, isRotkitError, RotkitError } from "@rotkit/core";

// COSE_Key's view of NIST curve points. The curve arithmetic lives in core (decodeEcPoint, via noble); this file
// only adapts it to RFC 9053 §7.1.1 shapes (x and y as separate coordinates, or x plus a sign bit) and to COSE
// error codes. The on-curve check matters: an off-curve point enables invalid-curve attacks (RFC 9053 §6.3).

/**
 * True when (x, y) lies on the curve and both coordinates are reduced (< p) and of the curve's length.
 *
 * @example
 * ```ts
 * isOnCurve("P-256", x, y); // true for a valid public key
 * ```
 */
export function isOnCurve(crv: EcCurve, x: Uint8Array, y: Uint8Array): boolean {
  try {
    encodeEcPoint({ kty: "EC", crv, x, y }); // validates lengths and the point
    return true;
  } catch (e) {
    if (isRotkitError(e, "CRYPTO_INVALID_KEY")) return false;
    throw e;
  }
}

/**
 * Recovers y from x and the sign bit (RFC 9053 §7.1.1: `y` = true/false is the low bit of y) by decoding the SEC 1
 * compressed form 0x02/0x03 ‖ x. Throws COSE_BAD_KEY when x is not the abscissa of a curve point.
 *
 * @example
 * ```ts
 * const y = decompressEcPoint("P-256", x, false);
 * ```
 */
export function decompressEcPoint(crv: EcCurve, x: Uint8Array, yOdd: boolean): Uint8Array {
  const sec1 = new Uint8Array(1 + x.length);
  sec1[0] = yOdd ? 0x03 : 0x02;
  sec1.set(x, 1);
  try {
    return decodeEcPoint(crv, sec1).y; // checks x's length, x < p, and that x³ - 3x + b is a square
  } catch (e) {
    if (isRotkitError(e, "CRYPTO_INVALID_KEY")) {
      throw new RotkitError("COSE_BAD_KEY", `${crv}: x is not the abscissa of a curve point`, { cause: e });
    }
    throw e;
  }
}
