import {
  bytesEqual,
  type CborMap,
  type CborValue,
  type EcCurve,
  ecCoordinateLength,
  fromBase64Url,
  isBytes,
  isMlDsaAlg,
  ML_DSA_LENGTHS,
  ML_DSA_SEED_LENGTH,
  type MlDsaAlg,
  type OkpCurve,
  type PublicKey,
  parseHssPublicKey,
  RotkitError,
  toBase64Url,
  utf8Decode,
  utf8Encode,
} from "@rotkit/core";
import { coseAlgIdOf, coseAlgorithm } from "./algorithms.js";
import { decodeCose, encodeCose } from "./cbor.js";
import { decompressEcPoint, isOnCurve } from "./ec-point.js";

// COSE_Key (RFC 9052 §7) with the key type parameters of RFC 9053 §7 (OKP, EC2, Symmetric), RFC 8230 §4 (RSA) and
// RFC 9964 (AKP, for ML-DSA), plus conversions to JWK (RFC 7517/7518/8037/9964), to core's PublicKey and to SPKI DER.

/** Parameters common to every key type (RFC 9052 §7.1). */
export interface CoseKeyCommon {
  /** kid (2). */
  kid?: Uint8Array;
  /** alg (3): the only algorithm this key may be used with. */
  alg?: number | string;
  /** key_ops (4). */
  keyOps?: (number | string)[];
  /** Base IV (5). */
  baseIv?: Uint8Array;
}

/**
 * A decoded COSE_Key. The OKP and RSA variants are shaped like core's `PublicKey` (extra private fields aside),
 * so a COSE_Key can be passed wherever a verification key is taken; EC2 keys use `kty: "EC2"`. AKP (ML-DSA) keys
 * keep `alg` as written (the COSE integer -48/-49/-50, or the name) and always carry one (RFC 9964: required).
 * HSS-LMS keys (RFC 8778 §5) are public only: `pub` is the HSS public key of RFC 8554 §6.1.
 */
export type CoseKey =
  | ({ kty: "OKP"; crv: OkpCurve; x: Uint8Array; d?: Uint8Array } & CoseKeyCommon)
  | ({ kty: "EC2"; crv: EcCurve; x: Uint8Array; y: Uint8Array; d?: Uint8Array } & CoseKeyCommon)
  | ({
      kty: "RSA";
      n: Uint8Array;
      e: Uint8Array;
      d?: Uint8Array;
      p?: Uint8Array;
      q?: Uint8Array;
      dp?: Uint8Array;
      dq?: Uint8Array;
      qi?: Uint8Array;
    } & CoseKeyCommon)
  | ({ kty: "Symmetric"; k: Uint8Array } & CoseKeyCommon)
  | ({ kty: "AKP"; alg: number | string; pub: Uint8Array; priv?: Uint8Array } & CoseKeyCommon)
  | ({ kty: "HSS-LMS"; pub: Uint8Array } & CoseKeyCommon);

/** A JSON Web Key (the members rotkit reads and writes). Binary members are base64url without padding. */
export interface Jwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  k?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  kid?: string;
  alg?: string;
  key_ops?: string[];
  pub?: string;
  priv?: string;
  [member: string]: unknown;
}

/** COSE key type values, RFC 9053 §7 / RFC 8230 §4 / RFC 8778 §5 (HSS-LMS) / RFC 9964 (AKP). */
const KTY = { OKP: 1, EC2: 2, RSA: 3, Symmetric: 4, "HSS-LMS": 5, AKP: 7 } as const;
/** COSE Elliptic Curves registry, RFC 9053 §7.1. */
const CRV: Record<number, EcCurve | OkpCurve> = {
  1: "P-256",
  2: "P-384",
  3: "P-521",
  4: "X25519",
  5: "X448",
  6: "Ed25519",
  7: "Ed448",
};
const OKP_LENGTH: Record<OkpCurve, number> = { X25519: 32, X448: 56, Ed25519: 32, Ed448: 57 };
/** RFC 9052 §7.1 key_ops values. */
const KEY_OPS = ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits"];
const RSA_FIELDS = [
  ["d", -3],
  ["p", -4],
  ["q", -5],
  ["dp", -6],
  ["dq", -7],
  ["qi", -8],
] as const;

function bad(message: string): never {
  throw new RotkitError("COSE_BAD_KEY", `COSE_Key: ${message}`);
}

function isEcCurve(c: string): c is EcCurve {
  return c === "P-256" || c === "P-384" || c === "P-521";
}

function isOkpCurve(c: string): c is OkpCurve {
  return c === "Ed25519" || c === "Ed448" || c === "X25519" || c === "X448";
}

function crvId(crv: string): number {
  for (const [id, name] of Object.entries(CRV)) if (name === crv) return Number(id);
  return bad(`unknown curve ${crv}`);
}

function bstr(map: CborMap, label: number, name: string, required: true): Uint8Array;
function bstr(map: CborMap, label: number, name: string, required: false): Uint8Array | undefined;
function bstr(map: CborMap, label: number, name: string, required: boolean): Uint8Array | undefined {
  const v = map.get(label);
  if (v === undefined) {
    if (required) bad(`${name} (${label}) is missing`);
    return undefined;
  }
  if (!isBytes(v)) bad(`${name} (${label}) must be a bstr`);
  return v;
}

/** The ML-DSA parameter set an AKP key's `alg` names (COSE integer or name); COSE_BAD_KEY for anything else. */
function akpAlg(alg: unknown): MlDsaAlg {
  if (alg === undefined) bad("an AKP key needs alg (3)");
  let name: unknown = alg;
  if (typeof alg === "number") {
    try {
      name = coseAlgorithm(alg).signature;
    } catch {
      name = undefined;
    }
  }
  if (!isMlDsaAlg(name)) bad(`unsupported AKP algorithm ${String(alg)}`);
  return name;
}

/** RFC 9964: pub is pkEncode (FIPS 204 Table 2 length); priv is the 32-byte seed. */
function checkAkp(alg: MlDsaAlg, pub: Uint8Array, priv: Uint8Array | undefined): void {
  const n = ML_DSA_LENGTHS[alg].publicKey;
  if (pub.length !== n) bad(`${alg} pub must be ${n} bytes`);
  if (priv !== undefined && priv.length !== ML_DSA_SEED_LENGTH)
    bad(`${alg} priv (seed) must be ${ML_DSA_SEED_LENGTH} bytes`);
}

/** RFC 8554 §6.1: the HSS public key must parse (levels, known parameter sets, exact length). */
function checkHssPub(pub: Uint8Array): void {
  try {
    parseHssPublicKey(pub);
  } catch (e) {
    throw new RotkitError("COSE_BAD_KEY", `COSE_Key: HSS-LMS pub: ${(e as Error).message}`, { cause: e });
  }
}

function checkEcPrivate(crv: EcCurve, d: Uint8Array | undefined): void {
  if (d !== undefined && d.length !== ecCoordinateLength(crv)) {
    bad(`d must be ${ecCoordinateLength(crv)} bytes for ${crv}`);
  }
}

function checkEc(crv: EcCurve, x: Uint8Array, y: Uint8Array): void {
  const n = ecCoordinateLength(crv);
  // RFC 9053 §7.1.1: coordinates keep their leading zero octets, so the length is fixed per curve.
  if (x.length !== n || y.length !== n) bad(`${crv} coordinates must be ${n} bytes`);
  if (!isOnCurve(crv, x, y)) bad(`the point is not on ${crv}`);
}

/**
 * Decodes a COSE_Key (RFC 9052 §7) from its CBOR bytes or an already decoded map, checking every parameter's
 * type and length: EC2 points must be on the curve (a compressed `y` bool is decompressed), OKP `x` has the
 * curve's length, unknown key types and curves are refused with COSE_BAD_KEY.
 *
 * @example
 * ```ts
 * const key = decodeCoseKey(fromHex("a501020326200121582065eda5a1...")); // { kty: "EC2", crv: "P-256", ... }
 * ```
 */
export function decodeCoseKey(input: Uint8Array | CborValue): CoseKey {
  let map: CborValue = input;
  if (isBytes(input)) {
    try {
      map = decodeCose(input, "COSE_Key");
    } catch (e) {
      throw new RotkitError("COSE_BAD_KEY", "COSE_Key: not well-formed CBOR", { cause: e });
    }
  }
  if (!(map instanceof Map)) bad("must be a map");
  const common: CoseKeyCommon = {};
  const kid = bstr(map, 2, "kid", false);
  if (kid) common.kid = kid;
  const alg = map.get(3);
  if (alg !== undefined) {
    if (typeof alg !== "string" && !(typeof alg === "number" && Number.isSafeInteger(alg)))
      bad("alg (3) must be an int or tstr");
    common.alg = alg;
  }
  const ops = map.get(4);
  if (ops !== undefined) {
    if (!Array.isArray(ops) || ops.length === 0) bad("key_ops (4) must be a non-empty array");
    for (const o of ops) {
      if (typeof o !== "string" && !(typeof o === "number" && Number.isSafeInteger(o)))
        bad("key_ops entries must be int or tstr");
    }
    common.keyOps = ops as (number | string)[];
  }
  const baseIv = bstr(map, 5, "Base IV", false);
  if (baseIv) common.baseIv = baseIv;

  const kty = map.get(1);
  const crvOf = (): EcCurve | OkpCurve => {
    const c = map.get(-1);
    const name = typeof c === "number" ? CRV[c] : undefined;
    if (!name) bad(`unsupported curve ${String(c)}`);
    return name;
  };
  switch (kty) {
    case KTY.OKP: {
      const crv = crvOf();
      if (!isOkpCurve(crv)) bad(`${crv} is not an OKP curve`);
      const x = bstr(map, -2, "x", true);
      if (x.length !== OKP_LENGTH[crv]) bad(`${crv} x must be ${OKP_LENGTH[crv]} bytes`);
      const d = bstr(map, -4, "d", false);
      if (d !== undefined && d.length !== OKP_LENGTH[crv]) bad(`${crv} d must be ${OKP_LENGTH[crv]} bytes`);
      return d ? { kty: "OKP", crv, x, d, ...common } : { kty: "OKP", crv, x, ...common };
    }
    case KTY.EC2: {
      const crv = crvOf();
      if (!isEcCurve(crv)) bad(`${crv} is not an EC2 curve`);
      const x = bstr(map, -2, "x", true);
      const yv = map.get(-3);
      let y: Uint8Array;
      if (typeof yv === "boolean") {
        // RFC 9053 §7.1.1: y as a bool is the sign bit of a compressed point.
        y = decompressEcPoint(crv, x, yv);
      } else if (isBytes(yv)) y = yv;
      else bad("y (-3) must be a bstr or a bool");
      checkEc(crv, x, y);
      const d = bstr(map, -4, "d", false);
      checkEcPrivate(crv, d);
      return d ? { kty: "EC2", crv, x, y, d, ...common } : { kty: "EC2", crv, x, y, ...common };
    }
    case KTY.RSA: {
      if (map.has(-9) || map.has(-10) || map.has(-11) || map.has(-12)) bad("multi-prime RSA keys are not supported");
      const n = bstr(map, -1, "n", true);
      const e = bstr(map, -2, "e", true);
      if (n.length === 0 || e.length === 0) bad("RSA n and e must not be empty");
      const key: CoseKey = { kty: "RSA", n, e, ...common };
      for (const [name, label] of RSA_FIELDS) {
        const v = bstr(map, label, name, false);
        if (v) key[name] = v;
      }
      return key;
    }
    case KTY.Symmetric: {
      const k = bstr(map, -1, "k", true);
      if (k.length === 0) bad("k must not be empty");
      return { kty: "Symmetric", k, ...common };
    }
    case KTY.AKP: {
      // RFC 9964: AKP keys name their algorithm (alg required), pub (-1), priv (-2).
      const keyAlg = common.alg;
      const name = akpAlg(keyAlg);
      const pub = bstr(map, -1, "pub", true);
      const priv = bstr(map, -2, "priv", false);
      checkAkp(name, pub, priv);
      const key: CoseKey = { kty: "AKP", pub, ...common, alg: keyAlg as number | string };
      if (priv) key.priv = priv;
      return key;
    }
    case KTY["HSS-LMS"]: {
      // RFC 8778 §5: pub (-1) is the HSS public key (RFC 8554 §6.1). Its private key is stateful and has no COSE
      // form, so a COSE_Key here is always public.
      const pub = bstr(map, -1, "pub", true);
      checkHssPub(pub);
      return { kty: "HSS-LMS", pub, ...common };
    }
    default:
      return bad(`unsupported key type ${String(kty)}`);
  }
}

/**
 * The CBOR map of a COSE_Key (RFC 9052 §7), private members included when present.
 *
 * @example
 * ```ts
 * const map = coseKeyToMap({ kty: "Symmetric", k });
 * ```
 */
export function coseKeyToMap(key: CoseKey): CborMap {
  const m: CborMap = new Map();
  m.set(1, KTY[key.kty]);
  if (key.kid) m.set(2, key.kid);
  if (key.alg !== undefined) m.set(3, key.alg);
  if (key.keyOps) m.set(4, [...key.keyOps]);
  if (key.baseIv) m.set(5, key.baseIv);
  switch (key.kty) {
    case "OKP":
      m.set(-1, crvId(key.crv));
      m.set(-2, key.x);
      if (key.d) m.set(-4, key.d);
      break;
    case "EC2":
      m.set(-1, crvId(key.crv));
      m.set(-2, key.x);
      m.set(-3, key.y);
      if (key.d) m.set(-4, key.d);
      break;
    case "RSA":
      m.set(-1, key.n);
      m.set(-2, key.e);
      for (const [name, label] of RSA_FIELDS) {
        const v = key[name];
        if (v) m.set(label, v);
      }
      break;
    case "Symmetric":
      m.set(-1, key.k);
      break;
    case "AKP":
      m.set(-1, key.pub);
      if (key.priv) m.set(-2, key.priv);
      break;
    case "HSS-LMS":
      m.set(-1, key.pub);
      break;
  }
  return m;
}

/**
 * Deterministic CBOR bytes of a COSE_Key.
 *
 * @example
 * ```ts
 * const bytes = encodeCoseKey(coseKeyFromPublicKey(handle.publicKey));
 * ```
 */
export function encodeCoseKey(key: CoseKey): Uint8Array {
  return encodeCose(coseKeyToMap(key));
}

/**
 * Decodes a COSE_KeySet (RFC 9052 §7: an array of COSE_Key).
 *
 * @example
 * ```ts
 * const keys = decodeCoseKeySet(bytes);
 * ```
 */
export function decodeCoseKeySet(input: Uint8Array | CborValue): CoseKey[] {
  let arr: CborValue = input;
  if (isBytes(input)) {
    try {
      arr = decodeCose(input, "COSE_KeySet");
    } catch (e) {
      throw new RotkitError("COSE_BAD_KEY", "COSE_KeySet: not well-formed CBOR", { cause: e });
    }
  }
  if (!Array.isArray(arr)) bad("COSE_KeySet must be an array");
  return arr.map((k) => decodeCoseKey(k));
}

/**
 * The public part of a COSE_Key as core's `PublicKey` (for a CryptoProvider). Symmetric keys are refused.
 *
 * @example
 * ```ts
 * const pk = publicKeyFromCoseKey(decodeCoseKey(bytes));
 * ```
 */
export function publicKeyFromCoseKey(key: CoseKey): PublicKey {
  switch (key.kty) {
    case "OKP":
      return { kty: "OKP", crv: key.crv, x: key.x };
    case "EC2":
      return { kty: "EC", crv: key.crv, x: key.x, y: key.y };
    case "RSA":
      return { kty: "RSA", n: key.n, e: key.e };
    case "AKP": {
      const alg = akpAlg(key.alg);
      if (!(key.pub instanceof Uint8Array)) bad("AKP pub must be bytes");
      checkAkp(alg, key.pub, undefined);
      return { kty: "AKP", alg, pub: key.pub };
    }
    case "HSS-LMS":
      if (!(key.pub instanceof Uint8Array)) bad("HSS-LMS pub must be bytes");
      checkHssPub(key.pub);
      return { kty: "HSS-LMS", pub: key.pub };
    default:
      return bad("a symmetric key has no public key");
  }
}

/**
 * A COSE_Key for a core `PublicKey`, with optional kid / alg.
 *
 * @example
 * ```ts
 * const coseKey = coseKeyFromPublicKey(handle.publicKey, { kid: handle.kid, alg: -7 });
 * ```
 */
export function coseKeyFromPublicKey(pk: PublicKey, common: CoseKeyCommon = {}): CoseKey {
  switch (pk.kty) {
    case "OKP":
      if (pk.x.length !== OKP_LENGTH[pk.crv]) bad(`${pk.crv} x must be ${OKP_LENGTH[pk.crv]} bytes`);
      return { kty: "OKP", crv: pk.crv, x: pk.x, ...common };
    case "EC":
      checkEc(pk.crv, pk.x, pk.y);
      return { kty: "EC2", crv: pk.crv, x: pk.x, y: pk.y, ...common };
    case "RSA":
      return { kty: "RSA", n: pk.n, e: pk.e, ...common };
    case "AKP": {
      const alg = akpAlg(pk.alg);
      checkAkp(alg, pk.pub, undefined);
      if (common.alg !== undefined && akpAlg(common.alg) !== alg) bad(`alg ${String(common.alg)} is not ${alg}`);
      return { kty: "AKP", pub: pk.pub, ...common, alg: common.alg ?? coseAlgIdOf(alg) };
    }
    case "HSS-LMS":
      checkHssPub(pk.pub);
      return { kty: "HSS-LMS", pub: pk.pub, ...common };
    default:
      return bad("unknown public key type");
  }
}

function b64(jwk: Jwk, name: string, required: true): Uint8Array;
function b64(jwk: Jwk, name: string, required: false): Uint8Array | undefined;
function b64(jwk: Jwk, name: string, required: boolean): Uint8Array | undefined {
  const v = jwk[name];
  if (v === undefined) {
    if (required) bad(`JWK member "${name}" is missing`);
    return undefined;
  }
  if (typeof v !== "string") bad(`JWK member "${name}" must be a base64url string`);
  try {
    return fromBase64Url(v);
  } catch (e) {
    throw new RotkitError("COSE_BAD_KEY", `JWK member "${name}" is not base64url`, { cause: e });
  }
}

function jwkCommon(jwk: Jwk): CoseKeyCommon {
  const c: CoseKeyCommon = {};
  if (jwk.kid !== undefined) {
    if (typeof jwk.kid !== "string") bad('JWK "kid" must be a string');
    c.kid = utf8Encode(jwk.kid);
  }
  if (jwk.alg !== undefined) {
    if (typeof jwk.alg !== "string") bad('JWK "alg" must be a string');
    // A JOSE name with a COSE equivalent (ES256, EdDSA, HS256, A128KW, ...) maps to the COSE integer; other
    // names stay text (a tstr alg is legal in a COSE_Key and is refused when used).
    const id = Object.keys(JOSE_ALG).find((k) => JOSE_ALG[Number(k)] === jwk.alg);
    c.alg = id === undefined ? jwk.alg : Number(id);
  }
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops)) bad('JWK "key_ops" must be an array');
    c.keyOps = jwk.key_ops.map((o) => {
      const i = KEY_OPS.indexOf(o);
      return i >= 0 ? i + 1 : o;
    });
  }
  return c;
}

/**
 * Converts a JWK (kty EC / OKP / RSA / oct / AKP) into a COSE_Key with the same checks as {@link decodeCoseKey}.
 * `kid` strings become their UTF-8 bytes.
 *
 * @example
 * ```ts
 * const key = coseKeyFromJwk({ kty: "EC", crv: "P-256", x: "usWxHK2P...", y: "IBOL-C3B..." });
 * ```
 */
export function coseKeyFromJwk(jwk: Jwk): CoseKey {
  if (typeof jwk !== "object" || jwk === null) bad("JWK must be an object");
  const common = jwkCommon(jwk);
  switch (jwk.kty) {
    case "EC": {
      const crv = String(jwk.crv);
      if (!isEcCurve(crv)) bad(`unsupported JWK EC curve ${crv}`);
      const x = b64(jwk, "x", true);
      const y = b64(jwk, "y", true);
      checkEc(crv, x, y);
      const d = b64(jwk, "d", false);
      checkEcPrivate(crv, d);
      return d ? { kty: "EC2", crv, x, y, d, ...common } : { kty: "EC2", crv, x, y, ...common };
    }
    case "OKP": {
      const crv = String(jwk.crv);
      if (!isOkpCurve(crv)) bad(`unsupported JWK OKP curve ${crv}`);
      const x = b64(jwk, "x", true);
      if (x.length !== OKP_LENGTH[crv]) bad(`${crv} x must be ${OKP_LENGTH[crv]} bytes`);
      const d = b64(jwk, "d", false);
      if (d !== undefined && d.length !== OKP_LENGTH[crv]) bad(`${crv} d must be ${OKP_LENGTH[crv]} bytes`);
      return d ? { kty: "OKP", crv, x, d, ...common } : { kty: "OKP", crv, x, ...common };
    }
    case "RSA": {
      const key: CoseKey = { kty: "RSA", n: b64(jwk, "n", true), e: b64(jwk, "e", true), ...common };
      if (key.n.length === 0 || key.e.length === 0) bad("RSA n and e must not be empty");
      for (const [name] of RSA_FIELDS) {
        const v = b64(jwk, name, false);
        if (v) key[name] = v;
      }
      return key;
    }
    case "oct": {
      const k = b64(jwk, "k", true);
      if (k.length === 0) bad("k must not be empty");
      return { kty: "Symmetric", k, ...common };
    }
    case "AKP": {
      // RFC 9964: "alg" is required and names the parameter set; "pub", "priv" (the seed) are base64url.
      const alg = akpAlg(common.alg);
      const pub = b64(jwk, "pub", true);
      const priv = b64(jwk, "priv", false);
      checkAkp(alg, pub, priv);
      const key: CoseKey = { kty: "AKP", pub, ...common, alg: common.alg as number | string };
      if (priv) key.priv = priv;
      return key;
    }
    default:
      return bad(`unsupported JWK kty ${String(jwk.kty)}`);
  }
}

/**
 * Converts a COSE_Key into a JWK. A kid that is not valid UTF-8 is written as base64url; a COSE integer `alg`
 * is written by its registered name when it has a JOSE equivalent, and omitted otherwise.
 *
 * @example
 * ```ts
 * const jwk = coseKeyToJwk(decodeCoseKey(bytes)); // { kty: "EC", crv: "P-256", x: "...", y: "..." }
 * ```
 */
export function coseKeyToJwk(key: CoseKey): Jwk {
  let jwk: Jwk;
  switch (key.kty) {
    case "OKP":
      jwk = { kty: "OKP", crv: key.crv, x: toBase64Url(key.x) };
      if (key.d) jwk.d = toBase64Url(key.d);
      break;
    case "EC2":
      jwk = { kty: "EC", crv: key.crv, x: toBase64Url(key.x), y: toBase64Url(key.y) };
      if (key.d) jwk.d = toBase64Url(key.d);
      break;
    case "RSA":
      jwk = { kty: "RSA", n: toBase64Url(key.n), e: toBase64Url(key.e) };
      for (const [name] of RSA_FIELDS) {
        const v = key[name];
        if (v) jwk[name] = toBase64Url(v);
      }
      break;
    case "Symmetric":
      jwk = { kty: "oct", k: toBase64Url(key.k) };
      break;
    case "AKP":
      jwk = { kty: "AKP", pub: toBase64Url(key.pub) };
      if (key.priv) jwk.priv = toBase64Url(key.priv);
      break;
    case "HSS-LMS":
      return bad("no JWK is registered for HSS-LMS keys (RFC 8778 defines a COSE_Key only)");
  }
  if (key.kid) {
    try {
      jwk.kid = utf8Decode(key.kid);
    } catch {
      jwk.kid = toBase64Url(key.kid);
    }
  }
  if (typeof key.alg === "string") jwk.alg = key.alg;
  else if (typeof key.alg === "number") {
    const name = JOSE_ALG[key.alg];
    if (name) jwk.alg = name;
  }
  if (key.keyOps) {
    jwk.key_ops = key.keyOps.map((o) =>
      typeof o === "number" && o >= 1 && o <= 8 ? (KEY_OPS[o - 1] as string) : String(o),
    );
  }
  return jwk;
}

/** COSE algorithm integers with the same name in JOSE (RFC 7518, RFC 8037). */
const JOSE_ALG: Record<number, string> = {
  [-7]: "ES256",
  [-35]: "ES384",
  [-36]: "ES512",
  [-8]: "EdDSA",
  [-37]: "PS256",
  [-38]: "PS384",
  [-39]: "PS512",
  [-257]: "RS256",
  [-258]: "RS384",
  [-259]: "RS512",
  5: "HS256",
  6: "HS384",
  7: "HS512",
  1: "A128GCM",
  2: "A192GCM",
  3: "A256GCM",
  [-3]: "A128KW",
  [-4]: "A192KW",
  [-5]: "A256KW",
  [-6]: "dir",
  // RFC 9964 registers the same names in JOSE and COSE.
  [-48]: "ML-DSA-44",
  [-49]: "ML-DSA-65",
  [-50]: "ML-DSA-87",
};

/**
 * True when two COSE_Keys carry the same public key material (kid/alg/ops ignored).
 *
 * @example
 * ```ts
 * samePublicKey(a, b);
 * ```
 */
export function samePublicKey(a: CoseKey, b: CoseKey): boolean {
  if (a.kty !== b.kty) return false;
  if (a.kty === "Symmetric" || b.kty === "Symmetric") return false;
  const pa = publicKeyFromCoseKey(a);
  const pb = publicKeyFromCoseKey(b);
  if (pa.kty === "RSA" && pb.kty === "RSA") return bytesEqual(pa.n, pb.n) && bytesEqual(pa.e, pb.e);
  if (pa.kty === "EC" && pb.kty === "EC") return pa.crv === pb.crv && bytesEqual(pa.x, pb.x) && bytesEqual(pa.y, pb.y);
  if (pa.kty === "OKP" && pb.kty === "OKP") return pa.crv === pb.crv && bytesEqual(pa.x, pb.x);
  if (pa.kty === "AKP" && pb.kty === "AKP") return pa.alg === pb.alg && bytesEqual(pa.pub, pb.pub);
  if (pa.kty === "HSS-LMS" && pb.kty === "HSS-LMS") return bytesEqual(pa.pub, pb.pub);
  return false;
}
