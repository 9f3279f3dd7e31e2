import { p256, p384, p521 } from "@noble/curves/nist.js";
import { RotkitError } from "../errors.js";
import { ecCoordinateLength } from "./algs.js";
import { bigIntToBytes, bytesToBigInt } from "./bigint.js";
import type { EcCurve, PublicKey } from "./types.js";

// NIST curve points (SEC 1 §2.3.3 / §2.3.4) with on-curve validation, via @noble/curves.

/** The noble implementation of a NIST curve. */
export function nobleCurve(crv: EcCurve): typeof p256 {
  ecCoordinateLength(crv); // validates the name
  return crv === "P-256" ? p256 : crv === "P-384" ? p384 : p521;
}

/**
 * Parses an uncompressed (0x04 ‖ x ‖ y) or compressed (0x02/0x03 ‖ x) SEC 1 point on `crv` and validates it (on
 * the curve, not the identity, coordinates below p). Throws `CRYPTO_INVALID_KEY` for anything else.
 *
 * @example
 * ```ts
 * const key = decodeEcPoint("P-256", point65); // { kty: "EC", crv: "P-256", x, y }
 * ```
 */
export function decodeEcPoint(crv: EcCurve, bytes: Uint8Array): Extract<PublicKey, { kty: "EC" }> {
  const n = ecCoordinateLength(crv);
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("CRYPTO_INVALID_KEY", "EC point must be bytes");
  const first = bytes[0];
  const okShape =
    (first === 0x04 && bytes.length === 1 + 2 * n) || ((first === 0x02 || first === 0x03) && bytes.length === 1 + n);
  if (!okShape) throw new RotkitError("CRYPTO_INVALID_KEY", `not a SEC 1 point encoding for ${crv}`);
  if (first === 0x04) return uncompressedPoint(crv, bytes, n);
  let x: bigint;
  let y: bigint;
  try {
    // fromBytes checks the coordinates are field elements and the point is on the curve (SEC 1 §3.2.2.1).
    const p = nobleCurve(crv).Point.fromBytes(bytes);
    p.assertValidity();
    if (p.is0()) throw new Error("identity");
    ({ x, y } = p.toAffine());
  } catch (e) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `invalid ${crv} point`, { cause: e });
  }
  return { kty: "EC", crv, x: bigIntToBytes(x, n), y: bigIntToBytes(y, n) };
}

// SEC 1 §3.2.2.1 for an uncompressed point, checked directly: both coordinates are field elements and
// y² = x³ + ax + b (mod p). This runs for every certificate a server parses, so it avoids building a curve point
// and converting the coordinates back to bytes; the identity cannot be encoded in this form.
function uncompressedPoint(crv: EcCurve, bytes: Uint8Array, n: number): Extract<PublicKey, { kty: "EC" }> {
  const { p, a, b } = nobleCurve(crv).Point.CURVE();
  const xb = bytes.slice(1, 1 + n);
  const yb = bytes.slice(1 + n);
  const x = bytesToBigInt(xb);
  const y = bytesToBigInt(yb);
  if (x >= p || y >= p || (y * y - ((x * x + a) * x + b)) % p !== 0n) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `invalid ${crv} point: not on the curve`);
  }
  return { kty: "EC", crv, x: xb, y: yb };
}

/**
 * Encodes an EC public key as a SEC 1 point: uncompressed by default, compressed on request. Validates the point.
 *
 * @example
 * ```ts
 * const point = encodeEcPoint(key); // 0x04 || x || y
 * ```
 */
export function encodeEcPoint(key: Extract<PublicKey, { kty: "EC" }>, compressed = false): Uint8Array {
  const raw = ecUncompressed(key);
  if (!compressed) return raw;
  const out = raw.slice(0, 1 + key.x.length);
  out[0] = ((key.y[key.y.length - 1] as number) & 1) === 1 ? 0x03 : 0x02;
  return out;
}

/** 0x04 ‖ x ‖ y after checking lengths and that the point is on the curve; throws `CRYPTO_INVALID_KEY`. */
export function ecUncompressed(key: Extract<PublicKey, { kty: "EC" }>): Uint8Array {
  const n = ecCoordinateLength(key.crv);
  if (!(key.x instanceof Uint8Array) || !(key.y instanceof Uint8Array) || key.x.length !== n || key.y.length !== n) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `EC ${key.crv} coordinates must be ${n} bytes each`);
  }
  const raw = new Uint8Array(1 + 2 * n);
  raw[0] = 0x04;
  raw.set(key.x, 1);
  raw.set(key.y, 1 + n);
  decodeEcPoint(key.crv, raw); // on-curve validation
  return raw;
}
