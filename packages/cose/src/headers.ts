import { type CborMap, type CborValue, isBytes, isRotkitError, RotkitError } from "@rotkit/core";
import { decodeCose, encodeCose } from "./cbor.js";

/** Common header parameter labels, RFC 9052 §3.1 and RFC 9053 §6 (key management), RFC 9360 (X.509), RFC 9338. */
export const HeaderLabel = {
  alg: 1,
  crit: 2,
  contentType: 3,
  kid: 4,
  iv: 5,
  partialIv: 6,
  counterSignature: 7, // RFC 8152 / RFC 9338 V1 label is 7 (COSE_Countersignature), V2 is 11
  counterSignature0: 9, // V1 abbreviated; V2 is 12
  kidContext: 10,
  counterSignatureV2: 11,
  counterSignature0V2: 12,
  cwtClaims: 15, // RFC 9597
  x5bag: 32,
  x5chain: 33,
  x5t: 34,
  x5u: 35,
  // RFC 9053 §6.3 / §6.4 key agreement parameters
  ephemeralKey: -1,
  staticKey: -2,
  staticKeyId: -3,
  salt: -20,
  partyUIdentity: -21,
  partyUNonce: -22,
  partyUOther: -23,
  partyVIdentity: -24,
  partyVNonce: -25,
  partyVOther: -26,
} as const;

/** A header label: RFC 9052 §3 `label = int / tstr`. */
export type HeaderLabelValue = number | bigint | string;

/**
 * A protected header bucket. `bytes` are kept exactly as received because the signature covers those bytes,
 * not a re-encoding of `map` (RFC 9052 §3: "the protected header ... is wrapped in a bstr"). One exception: an
 * empty map is always the zero-length bstr here, as the Sig/Enc/MAC structures require (RFC 9052 §4.4).
 */
export interface ProtectedHeader {
  readonly bytes: Uint8Array;
  readonly map: CborMap;
}

export interface CoseHeaders {
  readonly protected: ProtectedHeader;
  readonly unprotected: CborMap;
}

export interface HeaderCheckOptions {
  /** Used in error messages: which structure / layer the bucket belongs to. */
  where?: string;
  /**
   * Labels the *application* processes beyond the ones this package understands (RFC 9052 §3.1 `crit`): a
   * message whose `crit` lists a label neither here nor in {@link UNDERSTOOD_HEADERS} is refused.
   */
  criticalHeaders?: readonly HeaderLabelValue[];
}

/**
 * Labels @rotkit/cose itself processes, so `crit` may name them (RFC 9052 §3.1): alg, crit, content type,
 * kid, IV, Partial IV, kid context.
 */
export const UNDERSTOOD_HEADERS: readonly number[] = [1, 2, 3, 4, 5, 6, 10];

/**
 * Looks a parameter up in the protected bucket first, then the unprotected one (they may not overlap: see checkHeaders).
 *
 * @example
 * ```ts
 * headerParam(headers, HeaderLabel.kid); // protected first, then unprotected
 * ```
 */
export function headerParam(h: CoseHeaders, label: number): CborValue | undefined {
  return h.protected.map.has(label) ? h.protected.map.get(label) : h.unprotected.get(label);
}

/**
 * Throws COSE_BAD_HEADER with a uniform message.
 *
 * @example
 * ```ts
 * if (!isBytes(kid)) badHeader("kid must be a bstr", "COSE_Sign1");
 * ```
 */
export function badHeader(message: string, where: string): never {
  throw new RotkitError("COSE_BAD_HEADER", `${where}: ${message}`);
}

function isLabel(v: CborValue): v is HeaderLabelValue {
  return typeof v === "string" || typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v));
}

function isUint(v: CborValue): boolean {
  return (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) || (typeof v === "bigint" && v >= 0n);
}

function isInt(v: CborValue): boolean {
  return (typeof v === "number" && Number.isSafeInteger(v)) || typeof v === "bigint";
}

function labelKey(l: HeaderLabelValue): string {
  // One key space for int and tstr labels: 1 and "1" are different labels.
  return typeof l === "string" ? `t:${l}` : `i:${String(l)}`;
}

function showLabel(l: CborValue): string {
  return typeof l === "string" ? JSON.stringify(l) : String(l);
}

/**
 * Decodes the protected bucket (RFC 9052 §3): a bstr; zero length means an empty map, otherwise it must hold
 * exactly one CBOR map. Anything else (not a bstr, a bstr holding a non-map, malformed CBOR, trailing bytes) is
 * COSE_BAD_HEADER; a duplicate label inside it is COSE_DUPLICATE_HEADER. `bytes` are the received bytes.
 *
 * @example
 * ```ts
 * const p = decodeProtectedHeader(fromHex("43a10126"), "COSE_Sign1"); // p.map.get(1) === -7
 * ```
 */
export function decodeProtectedHeader(value: CborValue, where = "protected"): ProtectedHeader {
  if (!isBytes(value)) badHeader("protected header bucket must be a bstr", where);
  if (value.length === 0) return { bytes: value, map: new Map() };
  // The bucket nearly every message carries, {1: alg} with the alg in the head (a1 01 26 for ES256) or in one more
  // byte (a1 01 38 22 for ES384): read here; what the general decoder would build from these bytes, minus its cost.
  if (value[0] === 0xa1 && value[1] === 0x01) {
    const h = value[2] as number;
    if (value.length === 3 && (h < 0x18 || (h >= 0x20 && h < 0x38))) {
      return { bytes: value, map: new Map([[1, h < 0x18 ? h : 0x1f - h]]) };
    }
    const n = value[3] as number;
    if (value.length === 4 && (h === 0x18 || h === 0x38) && n >= 0x18) {
      return { bytes: value, map: new Map([[1, h === 0x18 ? n : -1 - n]]) };
    }
  }
  let map: CborValue;
  try {
    map = decodeCose(value, `${where}: protected header`);
  } catch (e) {
    if (isRotkitError(e, "COSE_DUPLICATE_HEADER")) throw e;
    throw new RotkitError("COSE_BAD_HEADER", `${where}: protected header bstr is not well-formed CBOR`, { cause: e });
  }
  if (!(map instanceof Map)) badHeader("protected header bstr must hold a map", where);
  checkBucket(map, where, "protected");
  // RFC 9052 §3: recipients MUST accept an empty map encoded in the bstr (h'a0') as well as the zero-length bstr,
  // and §4.4 / §5.3 / §6.3: "if there are no protected attributes, a zero-length byte string is used" in the
  // Sig/Enc/MAC structures (cose-wg sign-pass-01 / mac-pass-01 check exactly this).
  if (map.size === 0) return { bytes: new Uint8Array(0), map };
  return { bytes: value, map };
}

/**
 * Checks an unprotected bucket (RFC 9052 §3): a map with int/tstr labels and well-typed known parameters.
 *
 * @example
 * ```ts
 * const u = decodeUnprotectedHeader(new Map([[4, kid]]), "COSE_Sign1");
 * ```
 */
export function decodeUnprotectedHeader(value: CborValue, where = "unprotected"): CborMap {
  if (!(value instanceof Map)) badHeader("unprotected header bucket must be a map", where);
  checkBucket(value, where, "unprotected");
  return value;
}

/**
 * Decodes and checks both buckets of a COSE layer: RFC 9052 §3 (no label in both buckets), §3.1 (`crit` is
 * protected, non-empty, lists only present and understood labels; IV and Partial IV not both present).
 *
 * @example
 * ```ts
 * const [p, u] = coseArray; // of a COSE_Sign1
 * const h = decodeHeaders(p, u, { where: "COSE_Sign1" });
 * ```
 */
export function decodeHeaders(
  protectedValue: CborValue,
  unprotectedValue: CborValue,
  options: HeaderCheckOptions = {},
): CoseHeaders {
  const where = options.where ?? "header";
  const h: CoseHeaders = {
    protected: decodeProtectedHeader(protectedValue, where),
    unprotected: decodeUnprotectedHeader(unprotectedValue, where),
  };
  checkHeaders(h, options);
  return h;
}

/**
 * The cross-bucket rules of RFC 9052 §3 and §3.1 on already decoded buckets (used for received messages and
 * before signing, so rotkit never emits what it would refuse).
 *
 * @example
 * ```ts
 * checkHeaders({ protected: protectedHeader(new Map([[1, -7]])), unprotected: new Map() });
 * ```
 */
export function checkHeaders(h: CoseHeaders, options: HeaderCheckOptions = {}): void {
  const where = options.where ?? "header";
  // §3: "the same label MUST NOT occur in both the protected and unprotected header buckets". Most messages have
  // an empty bucket, which needs no comparison.
  if (h.protected.map.size > 0 && h.unprotected.size > 0) {
    const seen = new Set<string>();
    for (const k of h.protected.map.keys()) seen.add(labelKey(k as HeaderLabelValue));
    for (const k of h.unprotected.keys()) {
      if (seen.has(labelKey(k as HeaderLabelValue))) {
        throw new RotkitError(
          "COSE_DUPLICATE_HEADER",
          `${where}: label ${showLabel(k)} is in both the protected and the unprotected bucket`,
        );
      }
    }
  }
  // §3.1 crit: "MUST be ... in the protected header bucket".
  if (h.unprotected.has(HeaderLabel.crit)) {
    throw new RotkitError("COSE_CRIT_UNSUPPORTED", `${where}: crit (2) must be in the protected bucket`);
  }
  const crit = h.protected.map.get(HeaderLabel.crit);
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0) {
      throw new RotkitError("COSE_CRIT_UNSUPPORTED", `${where}: crit (2) must be a non-empty array of labels`);
    }
    const understood = new Set<string>();
    for (const l of UNDERSTOOD_HEADERS) understood.add(labelKey(l));
    for (const l of options.criticalHeaders ?? []) understood.add(labelKey(l));
    for (const l of crit) {
      if (!isLabel(l)) throw new RotkitError("COSE_CRIT_UNSUPPORTED", `${where}: crit lists a non-label`);
      // §3.1: every label in crit MUST be present in the protected bucket and processed by the recipient.
      let present = false;
      for (const k of h.protected.map.keys()) if (isLabel(k) && labelKey(k) === labelKey(l)) present = true;
      if (!present) {
        throw new RotkitError(
          "COSE_CRIT_UNSUPPORTED",
          `${where}: crit lists ${showLabel(l)}, absent from the protected bucket`,
        );
      }
      if (!understood.has(labelKey(l))) {
        throw new RotkitError("COSE_CRIT_UNSUPPORTED", `${where}: critical header ${showLabel(l)} is not understood`);
      }
    }
  }
  // §3.1: "The Initialization Vector and Partial Initialization Vector parameters MUST NOT both be present".
  const hasIv = h.protected.map.has(HeaderLabel.iv) || h.unprotected.has(HeaderLabel.iv);
  const hasPiv = h.protected.map.has(HeaderLabel.partialIv) || h.unprotected.has(HeaderLabel.partialIv);
  if (hasIv && hasPiv) badHeader("IV (5) and Partial IV (6) must not both be present", where);
}

/** Type checks of the parameters RFC 9052 §3.1 defines, for one bucket. */
function checkBucket(map: CborMap, where: string, bucket: string): void {
  for (const [k, v] of map) {
    if (!isLabel(k)) badHeader(`${bucket} bucket has a label that is neither int nor tstr`, where);
    if (typeof k !== "number") continue;
    switch (k) {
      case HeaderLabel.alg:
        if (!isInt(v) && typeof v !== "string") badHeader(`alg (1) must be an int or tstr`, where);
        break;
      case HeaderLabel.crit:
        if (!Array.isArray(v)) badHeader("crit (2) must be an array", where);
        break;
      case HeaderLabel.contentType:
        if (!isUint(v) && typeof v !== "string") badHeader("content type (3) must be a uint or tstr", where);
        break;
      case HeaderLabel.kid:
      case HeaderLabel.iv:
      case HeaderLabel.partialIv:
      case HeaderLabel.kidContext:
        if (!isBytes(v)) badHeader(`header ${k} must be a bstr`, where);
        break;
      case HeaderLabel.x5bag:
      case HeaderLabel.x5chain:
        if (!isBytes(v) && !(Array.isArray(v) && v.length > 0 && v.every(isBytes))) {
          badHeader(`header ${k} must be a bstr or a non-empty array of bstr`, where);
        }
        break;
      case HeaderLabel.counterSignature0:
      case HeaderLabel.counterSignature0V2:
        if (!isBytes(v)) badHeader(`countersignature0 (${k}) must be a bstr`, where);
        break;
      case HeaderLabel.counterSignature:
      case HeaderLabel.counterSignatureV2:
        if (!Array.isArray(v)) badHeader(`countersignature (${k}) must be an array`, where);
        break;
      default:
        break;
    }
  }
}

/**
 * Encodes a protected bucket: an empty map becomes the zero-length bstr (RFC 9052 §3), anything else its
 * deterministic encoding. Returns the bucket with the bytes that go on the wire and into Sig/MAC structures.
 *
 * @example
 * ```ts
 * protectedHeader(new Map([[HeaderLabel.alg, -7]])).bytes; // a1 01 26
 * ```
 */
export function protectedHeader(map: CborMap = new Map()): ProtectedHeader {
  checkBucket(map, "protected header", "protected");
  return { bytes: encodeProtectedHeader(map), map };
}

/**
 * The bytes of a protected bucket's bstr content: zero length for an empty map (RFC 9052 §3).
 *
 * @example
 * ```ts
 * encodeProtectedHeader(new Map()).length; // 0
 * ```
 */
export function encodeProtectedHeader(map: CborMap): Uint8Array {
  return map.size === 0 ? new Uint8Array(0) : encodeCose(map);
}
