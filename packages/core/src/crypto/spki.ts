import { ed448 } from "@noble/curves/ed448.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesEqual } from "../bytes.js";
import { RotkitError } from "../errors.js";
import { OKP_KEY_LENGTH } from "./algs.js";
import {
  type DerElement,
  derBitStringBytes,
  derChildren,
  derEncode,
  derEncodeUnsignedInteger,
  derUnsignedInteger,
  expectDer,
} from "./der.js";
import { decodeEcPoint, encodeEcPoint } from "./ec.js";
import { checkMlDsaKey, mlDsaPublicKey } from "./ml-dsa.js";
import { rsaPublicKey } from "./rsa.js";
import type { EcCurve, MlDsaAlg, OkpCurve, PublicKey } from "./types.js";

// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) for the key types of PublicKey: EC (RFC 5480), Ed25519/Ed448/X25519/X448
// (RFC 8410), rsaEncryption (RFC 3279 §2.3.1) and ML-DSA (RFC 9881). Object identifiers as their DER contents octets.

const OID_EC_PUBLIC_KEY = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01); // 1.2.840.10045.2.1
const OID_RSA = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01); // 1.2.840.113549.1.1.1
const EC_CURVE_OIDS: ReadonlyArray<readonly [EcCurve, Uint8Array]> = [
  ["P-256", Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07)], // 1.2.840.10045.3.1.7
  ["P-384", Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x22)], // 1.3.132.0.34
  ["P-521", Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x23)], // 1.3.132.0.35
];
const OKP_OIDS: ReadonlyArray<readonly [OkpCurve, Uint8Array]> = [
  ["X25519", Uint8Array.of(0x2b, 0x65, 0x6e)], // 1.3.101.110
  ["X448", Uint8Array.of(0x2b, 0x65, 0x6f)], // 1.3.101.111
  ["Ed25519", Uint8Array.of(0x2b, 0x65, 0x70)], // 1.3.101.112
  ["Ed448", Uint8Array.of(0x2b, 0x65, 0x71)], // 1.3.101.113
];
// RFC 9881 §2: id-ml-dsa-44/65/87 (NIST sigAlgs arc); the same OIDs name the signature algorithms.
const ML_DSA_OIDS: ReadonlyArray<readonly [MlDsaAlg, Uint8Array]> = [
  ["ML-DSA-44", Uint8Array.of(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11)], // 2.16.840.1.101.3.4.3.17
  ["ML-DSA-65", Uint8Array.of(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12)], // 2.16.840.1.101.3.4.3.18
  ["ML-DSA-87", Uint8Array.of(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x13)], // 2.16.840.1.101.3.4.3.19
];

function oidOf(el: DerElement | undefined, what: string): Uint8Array {
  if (el === undefined || el.tag !== 0x06 || el.contents.length === 0) {
    throw new RotkitError("ENCODING_INVALID", `SPKI: ${what} must be an OBJECT IDENTIFIER`);
  }
  return el.contents;
}

/**
 * Validates the key bytes of an OKP curve: length, and for Ed25519/Ed448 that they decode to a point
 * (RFC 8032 §5.1.3). Throws `CRYPTO_INVALID_KEY`.
 */
function okpKey(crv: OkpCurve, x: Uint8Array): PublicKey {
  if (x.length !== OKP_KEY_LENGTH[crv]) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `${crv} public key must be ${OKP_KEY_LENGTH[crv]} bytes`);
  }
  try {
    if (crv === "Ed25519") ed25519.Point.fromBytes(x, false);
    else if (crv === "Ed448") ed448.Point.fromBytes(x, false);
  } catch (e) {
    throw new RotkitError("CRYPTO_INVALID_KEY", `${crv} public key is not a curve point`, { cause: e });
  }
  return { kty: "OKP", crv, x: x.slice() };
}

/**
 * Parses a DER SubjectPublicKeyInfo into a PublicKey and validates the key (EC point on the curve, Ed point
 * decodes, RSA within rotkit's bounds, ML-DSA of its exact length). Throws `ENCODING_INVALID` for malformed DER, `CRYPTO_UNSUPPORTED_ALG` for
 * an unknown algorithm or curve, `CRYPTO_INVALID_KEY` for a bad key.
 *
 * @example
 * ```ts
 * const key = publicKeyFromSpki(spkiDer); // { kty: "EC", crv: "P-256", x, y }
 * ```
 */
export function publicKeyFromSpki(spki: Uint8Array): PublicKey {
  if (!(spki instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "SPKI must be bytes");
  const top = expectDer(spki, 0, 0x30);
  if (top.end !== spki.length) throw new RotkitError("ENCODING_INVALID", "SPKI: trailing bytes", { at: top.end });
  const parts = derChildren(top.contents, 2);
  const algId = parts[0];
  const bits = parts[1];
  if (parts.length !== 2 || algId === undefined || bits === undefined || algId.tag !== 0x30) {
    throw new RotkitError("ENCODING_INVALID", "SPKI: expected SEQUENCE { AlgorithmIdentifier, BIT STRING }");
  }
  const keyBytes = derBitStringBytes(bits);
  const alg = derChildren(algId.contents, 2);
  const oid = oidOf(alg[0], "algorithm");
  const params = alg[1];
  if (bytesEqual(oid, OID_EC_PUBLIC_KEY)) {
    // RFC 5480 §2.1.1: parameters are a namedCurve OID (implicit and specified curves MUST NOT be used).
    const curveOid = oidOf(params, "EC parameters (namedCurve)");
    const entry = EC_CURVE_OIDS.find(([, o]) => bytesEqual(o, curveOid));
    if (entry === undefined) throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", "SPKI: unsupported EC curve");
    return decodeEcPoint(entry[0], keyBytes);
  }
  if (bytesEqual(oid, OID_RSA)) {
    // RFC 3279 §2.3.1: the parameters MUST be present and MUST be NULL.
    if (params === undefined || params.tag !== 0x05 || params.contents.length !== 0) {
      throw new RotkitError("ENCODING_INVALID", "SPKI: rsaEncryption parameters must be NULL");
    }
    const seq = expectDer(keyBytes, 0, 0x30);
    if (seq.end !== keyBytes.length) throw new RotkitError("ENCODING_INVALID", "SPKI: trailing bytes in RSAPublicKey");
    const ints = derChildren(seq.contents, 2);
    if (ints.length !== 2) throw new RotkitError("ENCODING_INVALID", "SPKI: RSAPublicKey needs n and e");
    const key: PublicKey = {
      kty: "RSA",
      n: derUnsignedInteger(ints[0] as DerElement).slice(),
      e: derUnsignedInteger(ints[1] as DerElement).slice(),
    };
    rsaPublicKey(key);
    return key;
  }
  const okp = OKP_OIDS.find(([, o]) => bytesEqual(o, oid));
  if (okp !== undefined) {
    // RFC 8410 §3: the parameters MUST be absent.
    if (params !== undefined) throw new RotkitError("ENCODING_INVALID", `SPKI: ${okp[0]} parameters must be absent`);
    return okpKey(okp[0], keyBytes);
  }
  const mlDsa = ML_DSA_OIDS.find(([, o]) => bytesEqual(o, oid));
  if (mlDsa !== undefined) {
    // RFC 9881 §4: the parameters MUST be absent; the BIT STRING holds the raw pkEncode bytes (no OCTET STRING).
    if (params !== undefined) throw new RotkitError("ENCODING_INVALID", `SPKI: ${mlDsa[0]} parameters must be absent`);
    return mlDsaPublicKey(mlDsa[0], keyBytes);
  }
  throw new RotkitError("CRYPTO_UNSUPPORTED_ALG", "SPKI: unsupported public key algorithm");
}

/**
 * Encodes a PublicKey as a DER SubjectPublicKeyInfo (EC points uncompressed). Validates the key first.
 *
 * @example
 * ```ts
 * const der = publicKeyToSpki(handle.publicKey);
 * ```
 */
export function publicKeyToSpki(key: PublicKey): Uint8Array {
  const bitString = (b: Uint8Array) => derEncode(0x03, new Uint8Array(1), b);
  if (key === null || typeof key !== "object") throw new RotkitError("CRYPTO_INVALID_KEY", "not a public key");
  switch (key.kty) {
    case "EC": {
      const entry = EC_CURVE_OIDS.find(([c]) => c === key.crv);
      if (entry === undefined) throw new RotkitError("CRYPTO_INVALID_KEY", `unsupported EC curve ${String(key.crv)}`);
      const algId = derEncode(0x30, derEncode(0x06, OID_EC_PUBLIC_KEY), derEncode(0x06, entry[1]));
      return derEncode(0x30, algId, bitString(encodeEcPoint(key)));
    }
    case "OKP": {
      const entry = OKP_OIDS.find(([c]) => c === key.crv);
      if (entry === undefined) throw new RotkitError("CRYPTO_INVALID_KEY", `unsupported OKP curve ${String(key.crv)}`);
      okpKey(key.crv, key.x);
      return derEncode(0x30, derEncode(0x30, derEncode(0x06, entry[1])), bitString(key.x));
    }
    case "RSA": {
      rsaPublicKey(key);
      const rsaKey = derEncode(0x30, derEncodeUnsignedInteger(key.n), derEncodeUnsignedInteger(key.e));
      const algId = derEncode(0x30, derEncode(0x06, OID_RSA), derEncode(0x05));
      return derEncode(0x30, algId, bitString(rsaKey));
    }
    case "AKP": {
      const entry = ML_DSA_OIDS.find(([a]) => a === key.alg);
      if (entry === undefined) throw new RotkitError("CRYPTO_INVALID_KEY", `unsupported AKP alg ${String(key.alg)}`);
      checkMlDsaKey(entry[0], key);
      return derEncode(0x30, derEncode(0x30, derEncode(0x06, entry[1])), bitString(key.pub));
    }
    default:
      throw new RotkitError("CRYPTO_INVALID_KEY", "unknown key type");
  }
}
