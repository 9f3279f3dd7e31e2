import { RotkitError, type RotkitErrorCode } from "../errors.js";
import { type CborMap, CborSimple, CborTag, type CborValue } from "./types.js";

// Typed views of decoded CBOR for protocol code. Each throws a RotkitError whose `at` is the caller's path
// ("COSE_Sign1[2]", "claims/-75010") so a failure says where in the structure the wrong type was. The default
// code is CBOR_WRONG_TYPE; protocol code passes its own (e.g. "COSE_MALFORMED") to keep its error contract.

/** A short, stable name for the type of a decoded value, used in error messages. */
export function cborTypeName(v: CborValue): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "bigint") return "int";
  if (typeof v === "string") return "tstr";
  if (typeof v === "boolean") return "bool";
  if (v instanceof Uint8Array) return "bstr";
  if (Array.isArray(v)) return "array";
  if (v instanceof Map) return "map";
  if (v instanceof CborTag) return `tag(${v.tag})`;
  if (v instanceof CborSimple) return `simple(${v.value})`;
  return "unknown";
}

function wrong(expected: string, v: CborValue, where: string, code: RotkitErrorCode): never {
  throw new RotkitError(code, `expected ${expected} at ${where}, got ${cborTypeName(v)}`, { at: where });
}

/**
 * `v` as a map, or throws.
 *
 * @example
 * ```ts
 * const claims = asMap(decodeCbor(bytes), "claims");
 * ```
 */
export function asMap(v: CborValue, where: string, code: RotkitErrorCode = "CBOR_WRONG_TYPE"): CborMap {
  if (v instanceof Map) return v;
  return wrong("map", v, where, code);
}

/**
 * `v` as an array, or throws; with `length`, also requires exactly that many elements.
 *
 * @example
 * ```ts
 * const [protectedBytes, unprotected, payload, signature] = asArray(tag.value, "COSE_Sign1", 4);
 * ```
 */
export function asArray(
  v: CborValue,
  where: string,
  length?: number,
  code: RotkitErrorCode = "CBOR_WRONG_TYPE",
): CborValue[] {
  if (!Array.isArray(v)) return wrong("array", v, where, code);
  if (length !== undefined && v.length !== length) {
    throw new RotkitError(code, `expected an array of ${length} at ${where}, got ${v.length}`, { at: where });
  }
  return v;
}

/**
 * `v` as a byte string, or throws.
 *
 * @example
 * ```ts
 * const sig = asBytes(arr[3], "COSE_Sign1[3]", "COSE_MALFORMED");
 * ```
 */
export function asBytes(v: CborValue, where: string, code: RotkitErrorCode = "CBOR_WRONG_TYPE"): Uint8Array {
  if (v instanceof Uint8Array) return v;
  return wrong("bstr", v, where, code);
}

/**
 * `v` as a text string, or throws.
 *
 * @example
 * ```ts
 * const iss = asText(mapGet(claims, 1), "claims/iss");
 * ```
 */
export function asText(v: CborValue, where: string, code: RotkitErrorCode = "CBOR_WRONG_TYPE"): string {
  if (typeof v === "string") return v;
  return wrong("tstr", v, where, code);
}

/**
 * `v` as a boolean, or throws.
 *
 * @example
 * ```ts
 * const debug = asBool(mapGet(claims, "debug"), "claims/debug");
 * ```
 */
export function asBool(v: CborValue, where: string, code: RotkitErrorCode = "CBOR_WRONG_TYPE"): boolean {
  if (typeof v === "boolean") return v;
  return wrong("bool", v, where, code);
}

/**
 * `v` as a safe integer (`number`), or throws: integers beyond ±(2^53-1) are refused here so protocol code
 * never does arithmetic on a rounded value; use {@link asBigInt} where 64-bit values are legitimate.
 * Optional `min`/`max` bound the value (e.g. a COSE algorithm id, a counter).
 *
 * @example
 * ```ts
 * const alg = asInt(mapGet(headers, 1), "protected/alg");
 * const exp = asInt(mapGet(claims, 4), "claims/exp", { min: 0 });
 * ```
 */
export function asInt(
  v: CborValue,
  where: string,
  range: { min?: number; max?: number } = {},
  code: RotkitErrorCode = "CBOR_WRONG_TYPE",
): number {
  let n: number;
  if (typeof v === "number" && Number.isSafeInteger(v)) n = v;
  else if (typeof v === "bigint" && v >= -9007199254740991n && v <= 9007199254740991n) n = Number(v);
  else if (typeof v === "number" || typeof v === "bigint") return wrong("a safe integer", v, where, code);
  else return wrong("int", v, where, code);
  if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
    throw new RotkitError(code, `integer ${n} at ${where} outside [${range.min ?? ""}, ${range.max ?? ""}]`, {
      at: where,
    });
  }
  return n;
}

/**
 * `v` as a `bigint` (any CBOR integer, up to 64 bits), or throws.
 *
 * @example
 * ```ts
 * const counter = asBigInt(mapGet(manifest, 2), "manifest/sequence-number");
 * ```
 */
export function asBigInt(v: CborValue, where: string, code: RotkitErrorCode = "CBOR_WRONG_TYPE"): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  return wrong("int", v, where, code);
}

/**
 * The content of `v` when it is tag `tag`, or throws.
 *
 * @example
 * ```ts
 * const sign1 = asArray(asTag(decodeCbor(bytes), 18, "COSE_Sign1"), "COSE_Sign1", 4);
 * ```
 */
export function asTag(v: CborValue, tag: number, where: string, code: RotkitErrorCode = "CBOR_WRONG_TYPE"): CborValue {
  if (v instanceof CborTag && v.tag === tag) return v.value;
  return wrong(`tag(${tag})`, v, where, code);
}

/**
 * Looks up an int or text key. Integer keys may be given as number or bigint: safe ones are looked up as
 * numbers, which is how the decoder produces them.
 *
 * @example
 * ```ts
 * const alg = mapGet(protectedHeaders, 1); // undefined when absent
 * ```
 */
export function mapGet(map: CborMap, key: number | bigint | string): CborValue | undefined {
  if (typeof key === "bigint" && key >= -9007199254740991n && key <= 9007199254740991n) {
    return map.get(Number(key));
  }
  return map.get(key);
}

/**
 * Like {@link mapGet}, but a missing key throws (code `CBOR_WRONG_TYPE` unless given).
 *
 * @example
 * ```ts
 * const payload = asBytes(mapRequire(envelope, 3, "envelope"), "envelope/3");
 * ```
 */
export function mapRequire(
  map: CborMap,
  key: number | bigint | string,
  where: string,
  code: RotkitErrorCode = "CBOR_WRONG_TYPE",
): CborValue {
  const v = mapGet(map, key);
  if (v === undefined && !map.has(typeof key === "bigint" ? Number(key) : key)) {
    throw new RotkitError(code, `missing key ${String(key)} in ${where}`, { at: where });
  }
  return v;
}
