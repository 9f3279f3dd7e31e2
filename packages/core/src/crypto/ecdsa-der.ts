import { RotkitError } from "../errors.js";

// Strict DER for the ECDSA-Sig-Value of RFC 3279 §2.2.3 / RFC 5480 §2.2.3:
//   ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
// DER (X.690 §10) allows exactly one encoding per value. Every BER leniency (long-form lengths that fit the short
// form, leading zero octets, negative integers, trailing bytes) is a malleability hazard, so each is rejected.

function fail(message: string, at: number): never {
  throw new RotkitError("CRYPTO_INVALID_SIGNATURE_FORMAT", `ECDSA DER signature: ${message}`, { at });
}

/** Reads a DER length at `pos`; returns [length, offset of the contents]. X.690 §10.1: minimal definite form. */
function readLength(der: Uint8Array, pos: number): [number, number] {
  if (pos >= der.length) fail("truncated length", pos);
  const first = der[pos] as number;
  if (first < 0x80) return [first, pos + 1];
  // 0x80 is the indefinite form (forbidden in DER); a signature is far below 2^16 bytes, so at most 2 octets.
  const n = first & 0x7f;
  if (n === 0) fail("indefinite length", pos);
  if (n > 2) fail("length too large", pos);
  if (pos + 1 + n > der.length) fail("truncated length", pos);
  let len = 0;
  for (let i = 0; i < n; i++) len = (len << 8) | (der[pos + 1 + i] as number);
  // Minimal: a long form must be needed (>= 128) and must not start with a zero octet.
  if (len < 0x80 || (der[pos + 1] as number) === 0) fail("non-minimal length", pos);
  return [len, pos + 1 + n];
}

/** Reads one positive INTEGER at `pos`; returns [magnitude bytes without the sign octet, next offset]. */
function readPositiveInteger(der: Uint8Array, pos: number, end: number): [Uint8Array, number] {
  if (pos >= end) fail("missing INTEGER", pos);
  if (der[pos] !== 0x02) fail("expected INTEGER (0x02)", pos);
  const [len, start] = readLength(der, pos + 1);
  if (len === 0) fail("empty INTEGER", pos);
  if (start + len > end) fail("INTEGER overruns the SEQUENCE", pos);
  const b0 = der[start] as number;
  // X.690 §8.3.2: the first 9 bits must not be all 0 or all 1 (minimal two's complement).
  if (b0 & 0x80) fail("negative INTEGER", start);
  if (b0 === 0 && len > 1 && ((der[start + 1] as number) & 0x80) === 0)
    fail("non-minimal INTEGER (leading zero)", start);
  const mag = b0 === 0 && len > 1 ? der.subarray(start + 1, start + len) : der.subarray(start, start + len);
  return [mag, start + len];
}

/**
 * Parses a strict-DER ECDSA-Sig-Value into the fixed-width raw form r‖s (each `size` bytes, big-endian), the form
 * COSE, JOSE and WebCrypto use. Throws `CRYPTO_INVALID_SIGNATURE_FORMAT` on any deviation from DER and when r or s
 * do not fit in `size` bytes (they could not be below the group order then).
 *
 * @param der the DER signature
 * @param size the curve's scalar length in bytes: 32 (P-256), 48 (P-384), 66 (P-521)
 * @example
 * ```ts
 * const raw = ecdsaDerToRaw(derSig, 32); // 64 bytes for P-256
 * ```
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  if (!(der instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "ECDSA DER signature: not bytes");
  if (!Number.isInteger(size) || size < 1 || size > 66) {
    throw new RotkitError("INVALID_ARGUMENT", `ECDSA DER signature: unsupported scalar size ${size}`);
  }
  if (der.length < 2) fail("too short", 0);
  if (der[0] !== 0x30) fail("expected SEQUENCE (0x30)", 0);
  const [len, start] = readLength(der, 1);
  // No trailing bytes after the SEQUENCE, and the SEQUENCE must not claim more than there is.
  if (start + len !== der.length) fail(start + len > der.length ? "truncated SEQUENCE" : "trailing bytes", start);
  const [r, afterR] = readPositiveInteger(der, start, der.length);
  const [s, afterS] = readPositiveInteger(der, afterR, der.length);
  if (afterS !== der.length) fail("trailing bytes inside the SEQUENCE", afterS);
  if (r.length > size || s.length > size) fail("integer wider than the curve order", start);
  const out = new Uint8Array(2 * size);
  out.set(r, size - r.length);
  out.set(s, 2 * size - s.length);
  return out;
}

function integerTlv(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  const mag = v.subarray(i);
  const pad = ((mag[0] as number) & 0x80) !== 0 ? 1 : 0;
  const out = new Uint8Array(2 + pad + mag.length);
  out[0] = 0x02;
  out[1] = pad + mag.length;
  out.set(mag, 2 + pad);
  return out;
}

/**
 * Encodes a raw r‖s ECDSA signature (two equal halves) as a DER ECDSA-Sig-Value, as X.509 and CMS carry it.
 * Throws `CRYPTO_INVALID_SIGNATURE_FORMAT` for an odd or out-of-range length.
 *
 * @example
 * ```ts
 * const der = ecdsaRawToDer(rawSig); // rawSig: 64 bytes for P-256
 * ```
 */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (!(raw instanceof Uint8Array) || raw.length === 0 || raw.length % 2 !== 0 || raw.length > 132) {
    throw new RotkitError("CRYPTO_INVALID_SIGNATURE_FORMAT", "ECDSA raw signature: length must be even, 2..132");
  }
  const half = raw.length / 2;
  const r = integerTlv(raw.subarray(0, half));
  const s = integerTlv(raw.subarray(half));
  const bodyLen = r.length + s.length;
  // At most 2 * (2 + 1 + 66) = 138 bytes of body: the short form or a one-octet long form (0x81) suffices.
  const head = bodyLen < 0x80 ? [0x30, bodyLen] : [0x30, 0x81, bodyLen];
  const out = new Uint8Array(head.length + bodyLen);
  out.set(head, 0);
  out.set(r, head.length);
  out.set(s, head.length + r.length);
  return out;
}
