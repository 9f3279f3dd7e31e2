import { decodeCborPrefix } from "./decode.js";
import { type CborEncodable, encodeCbor } from "./encode.js";
import type { CborDecodeOptions, CborValue } from "./types.js";

// The codec seam (see README-codec.md). Protocol packages call only decodeCbor / decodeCborPrefix /
// decodeCborSequence / encodeCbor from @rotkit/core; those are built on the two operations below. A device build
// that wants another codec (a native binding, a smaller decoder) replaces decode.ts / encode.ts with modules
// that satisfy this interface and run packages/core/test/cbor*.test.ts against it: callers do not change.

/** The two operations every rotkit CBOR codec provides, with the strictness contract of decode.ts. */
export interface CborCodec {
  /** One item at `offset`, validated per `options` (limits, duplicates, preferred/deterministic). */
  decodePrefix(bytes: Uint8Array, offset: number, options?: CborDecodeOptions): { value: CborValue; end: number };
  /** Core deterministic encoding (RFC 8949 §4.2.1). */
  encode(value: CborEncodable): Uint8Array;
}

/**
 * rotkit's own codec: the strict hand-written decoder and deterministic encoder (no dependency, no Node APIs).
 *
 * @example
 * ```ts
 * const codec: CborCodec = rotkitCborCodec;
 * const { value, end } = codec.decodePrefix(bytes, 0, { rejectIndefinite: true });
 * ```
 */
export const rotkitCborCodec: CborCodec = { decodePrefix: decodeCborPrefix, encode: encodeCbor };
