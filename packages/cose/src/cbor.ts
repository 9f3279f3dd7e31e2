import {
  type CborDecodeOptions,
  type CborValue,
  decodeCbor,
  encodeCbor,
  isRotkitError,
  RotkitError,
} from "@rotkit/core";

// The one place where @rotkit/cose calls the core CBOR codec. COSE messages are decoded with core's strict
// defaults (duplicate map keys rejected, RFC 9052 §3 / RFC 8949 §5.6) and every codec failure becomes a COSE_*
// code, so a caller of verify* only ever branches on COSE codes.

/**
 * Decodes a whole COSE item. CBOR_DUPLICATE_KEY becomes COSE_DUPLICATE_HEADER (every map in a COSE structure
 * is a header bucket or a key inside one); any other codec failure becomes COSE_MALFORMED with the cause.
 *
 * @example
 * ```ts
 * const v = decodeCose(bytes, "COSE_Sign1"); // COSE_* errors only
 * ```
 */
export function decodeCose(bytes: Uint8Array, where: string, options?: CborDecodeOptions): CborValue {
  try {
    return decodeCbor(bytes, options);
  } catch (e) {
    throw coseCodecError(e, where);
  }
}

/**
 * Maps a codec error to the COSE error space (RotkitErrors with a COSE_* code pass through).
 *
 * @example
 * ```ts
 * try { decodeCbor(b); } catch (e) { throw coseCodecError(e, "COSE_Key"); }
 * ```
 */
export function coseCodecError(e: unknown, where: string): RotkitError {
  if (isRotkitError(e) && (e.code.startsWith("COSE_") || e.code.startsWith("CWT_"))) return e;
  if (isRotkitError(e, "CBOR_DUPLICATE_KEY")) {
    return new RotkitError("COSE_DUPLICATE_HEADER", `${where}: duplicate map key in a header bucket`, { cause: e });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new RotkitError("COSE_MALFORMED", `${where}: not well-formed CBOR: ${msg}`, { cause: e });
}

/**
 * Deterministic encoding (RFC 8949 §4.2) of a value this package built itself.
 *
 * @example
 * ```ts
 * const tbs = encodeCose(["Signature1", protectedBytes, aad, payload]);
 * ```
 */
export function encodeCose(value: CborValue): Uint8Array {
  return encodeCbor(value);
}
