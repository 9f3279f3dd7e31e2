import {
  type CborDecodeOptions,
  type CborLimits,
  type CborMap,
  type CborValue,
  cborTypeName,
  decodeCbor,
  isRotkitError,
  RotkitError,
  type RotkitErrorCode,
} from "@rotkit/core";

// Strict CBOR for SUIT structures. draft-ietf-suit-manifest §8.1: "All CBOR maps in the Manifest and manifest
// envelope MUST be encoded with the canonical CBOR ordering" (RFC 8949 §4.2), so SUIT-level items are decoded
// with core deterministic encoding required; opaque members (COSE messages, CoSWID, payloads) are not.

/** Options every SUIT decoder takes. */
export interface SuitDecodeOptions {
  /** CBOR limits applied to every (nested) decode. Defaults: core's DEFAULT_CBOR_LIMITS. */
  limits?: Partial<CborLimits>;
  /**
   * Require the canonical (deterministic) encoding §8.1 mandates for SUIT maps. Default true. With false, map
   * order and non-preferred heads are tolerated (duplicate keys never are); re-encoding may then differ.
   */
  canonical?: boolean;
  /** Bound on nested bstr-wrapped command sequences (try-each / run-sequence inside each other). Default 8. */
  maxNesting?: number;
  /** Bound on integrated dependencies inside integrated dependencies. Default 3. */
  maxDependencyDepth?: number;
}

/** Decoding state threaded through the SUIT decoders. */
export interface SuitContext {
  limits: Partial<CborLimits> | undefined;
  canonical: boolean;
  maxNesting: number;
  maxDependencyDepth: number;
  /** Current nesting of bstr-wrapped sequences. */
  nesting: number;
  /** True while decoding the shared sequence (§8.4.5: only conditions and a few directives). */
  shared: boolean;
  /** Decoder options of SUIT-level items (canonical when required) and of opaque ones (COSE, CoSWID). */
  strict: CborDecodeOptions;
  opaque: CborDecodeOptions;
}

/**
 * Resolves the options into a context (INVALID_ARGUMENT on a nonsensical bound). With `zeroCopy`, decoded byte
 * strings are views of the decoded bytes instead of copies: only for bytes the decoder owns (a private copy of the
 * caller's input), so nothing the caller does later can change what was checked.
 */
export function suitContext(options: SuitDecodeOptions = {}, zeroCopy = false): SuitContext {
  const canonical = options.canonical !== false;
  const limits = options.limits;
  return {
    limits,
    canonical,
    maxNesting: bound(options.maxNesting, 8, "maxNesting"),
    maxDependencyDepth: bound(options.maxDependencyDepth, 3, "maxDependencyDepth"),
    nesting: 0,
    shared: false,
    strict: decodeOptions(limits, canonical, zeroCopy),
    opaque: decodeOptions(limits, false, zeroCopy),
  };
}

function bound(v: number | undefined, d: number, name: string): number {
  if (v === undefined) return d;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new RotkitError("INVALID_ARGUMENT", `SUIT: ${name} must be a non-negative integer`);
  }
  return v;
}

/** Decoder options by [deterministic][zeroCopy] for the default limits, made once (the decoder never mutates them). */
let shared: CborDecodeOptions[][] | undefined;

function decodeOptions(
  limits: Partial<CborLimits> | undefined,
  requireDeterministic: boolean,
  zeroCopy: boolean,
): CborDecodeOptions {
  if (limits) return { requireDeterministic, rejectDuplicateKeys: true, zeroCopy, limits };
  shared ??= [false, true].map((d) =>
    [false, true].map((z) => ({ requireDeterministic: d, rejectDuplicateKeys: true, zeroCopy: z })),
  );
  return (shared[requireDeterministic ? 1 : 0] as CborDecodeOptions[])[zeroCopy ? 1 : 0] as CborDecodeOptions;
}

/** SUIT_MALFORMED at `where`. */
export function malformed(where: string, message: string, cause?: unknown): never {
  throw new RotkitError("SUIT_MALFORMED", `${where}: ${message}`, { at: where, cause });
}

/** SUIT_UNSUPPORTED at `where`. */
export function unsupported(where: string, message: string): never {
  throw new RotkitError("SUIT_UNSUPPORTED", `${where}: ${message}`, { at: where });
}

/**
 * Decodes one SUIT-level CBOR item (the content of a bstr-wrapped member). CBOR errors become SUIT_MALFORMED
 * naming the member, except CBOR_LIMIT, which stays a limit error.
 */
export function decodeSuitItem(bytes: Uint8Array, where: string, ctx: SuitContext, opaque = false): CborValue {
  try {
    return decodeCbor(bytes, opaque ? ctx.opaque : ctx.strict);
  } catch (e) {
    throw wrapCbor(e, where);
  }
}

/** CBOR errors in SUIT terms. */
export function wrapCbor(e: unknown, where: string): unknown {
  if (isRotkitError(e, "CBOR_LIMIT")) return e;
  if (isRotkitError(e) && e.code.startsWith("CBOR_")) {
    return new RotkitError("SUIT_MALFORMED", `${where}: ${e.message}`, { at: where, cause: e });
  }
  return e;
}

function wrong(expected: string, v: CborValue, where: string, code: RotkitErrorCode = "SUIT_MALFORMED"): never {
  throw new RotkitError(code, `${where}: expected ${expected}, got ${cborTypeName(v)}`, { at: where });
}

/** `v` as a map. */
export function map(v: CborValue, where: string): CborMap {
  return v instanceof Map ? v : wrong("a map", v, where);
}

/** `v` as an array (optionally non-empty). */
export function array(v: CborValue, where: string, nonEmpty = false): CborValue[] {
  if (!Array.isArray(v)) return wrong("an array", v, where);
  if (nonEmpty && v.length === 0) malformed(where, "must not be empty");
  return v;
}

/** `v` as a byte string (optionally of an exact size). */
export function bstr(v: CborValue, where: string, size?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) return wrong("a bstr", v, where);
  if (size !== undefined && v.length !== size) malformed(where, `must be ${size} bytes, got ${v.length}`);
  return v;
}

/** `v` as a text string. */
export function tstr(v: CborValue, where: string): string {
  return typeof v === "string" ? v : wrong("a tstr", v, where);
}

/** `v` as a boolean. */
export function bool(v: CborValue, where: string): boolean {
  return typeof v === "boolean" ? v : wrong("a bool", v, where);
}

/** `v` as an unsigned integer that fits a safe JS number (larger ones are SUIT_UNSUPPORTED). */
export function uint(v: CborValue, where: string): number {
  if (typeof v === "number" && Number.isInteger(v)) {
    if (v < 0) malformed(where, "must be an unsigned integer");
    return v;
  }
  if (typeof v === "bigint") {
    if (v < 0n) malformed(where, "must be an unsigned integer");
    unsupported(where, "integer too large");
  }
  return wrong("a uint", v, where);
}

/** `v` as any integer that fits a safe JS number. */
export function int(v: CborValue, where: string): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "bigint") unsupported(where, "integer too large");
  return wrong("an int", v, where);
}

/** `v` as an unsigned integer of any size (64-bit). */
export function bigUint(v: CborValue, where: string): bigint {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "bigint" && v >= 0n) return v;
  return wrong("a uint", v, where);
}

/** Decodes `v` as bstr-wrapped CBOR (`bstr .cbor T`). */
export function wrapped(v: CborValue, where: string, ctx: SuitContext, opaque = false): CborValue {
  return decodeSuitItem(bstr(v, where), where, ctx, opaque);
}

/**
 * `where` of a map member (`where/key`) or of an array element (`where[i]` when `index`). Hot paths check the common
 * case inline and build a path only for a nested decoder or an error.
 */
export function sub(where: string, key: number | string, index = false): string {
  return index ? `${where}[${key}]` : `${where}/${key}`;
}

/** The integer keys of a map, refusing any other key type. */
export function intKey(k: CborValue, where: string): number {
  if (typeof k === "number" && Number.isInteger(k)) return k;
  if (typeof k === "bigint") unsupported(where, `key ${k} out of range`);
  return malformed(where, `map key must be an integer, got ${cborTypeName(k)}`);
}
