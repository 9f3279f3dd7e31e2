import { RotkitError, type RotkitErrorCode } from "../errors.js";
import { resolveCborOptions } from "./limits.js";
import type { CborLimits } from "./types.js";

// A non-allocating well-formedness scan (RFC 8949 Appendix C, iteratively): it walks heads without building
// values, so callers can slice the exact bytes of an item (e.g. a bstr-wrapped header to be signed verbatim).

// Markers in `pending` for indefinite-length containers.
const INDEF_ARRAY = -1;
const EVEN_MAP = -2;
const ODD_MAP = -3;

function fail(code: RotkitErrorCode, what: string, at: number): never {
  throw new RotkitError(code, `cbor: ${what}`, { at });
}

/**
 * Byte length of the well-formed CBOR data item at `offset`. Checks well-formedness (heads, lengths against
 * the bytes left, breaks, indefinite string chunks, two-byte simple values) and the depth/item limits, but not
 * validity (UTF-8, duplicate keys) and builds nothing.
 *
 * @example
 * ```ts
 * const n = itemLength(bytes, 0);
 * const firstItem = bytes.subarray(0, n);
 * ```
 */
export function itemLength(bytes: Uint8Array, offset: number, limits?: Partial<CborLimits>): number {
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "cbor: input must be a Uint8Array");
  if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new RotkitError("INVALID_ARGUMENT", `cbor: offset ${offset} outside the input`);
  }
  const o = resolveCborOptions({ limits });
  const b = bytes;
  const end = b.length;
  // pending[d]: items still expected at depth d (or an indefinite marker); pending[0] is the root item.
  const pending: number[] = [1];
  let depth = 0;
  let items = 0;
  let pos = offset;
  while (depth >= 0) {
    if (pos >= end) fail("CBOR_TRUNCATED", "expected a data item", pos);
    const start = pos;
    const ib = b[pos++] as number;
    if (ib === 0xff) {
      const p = pending[depth] as number;
      if (p >= 0) fail("CBOR_MALFORMED", "unexpected break", start);
      if (p === ODD_MAP) fail("CBOR_MALFORMED", "break after a map key", start);
      depth--;
    } else {
      if (++items > o.maxItems) fail("CBOR_LIMIT", `more than ${o.maxItems} items`, start);
      const mt = ib >> 5;
      const ai = ib & 31;
      let n = ai;
      let huge = false;
      if (ai === 31) {
        if (mt < 2 || mt > 5) fail("CBOR_MALFORMED", `indefinite length for major type ${mt}`, start);
      } else if (ai >= 24) {
        if (ai > 27) fail("CBOR_MALFORMED", `reserved additional information ${ai}`, start);
        const len = 1 << (ai - 24);
        if (len > end - pos) fail("CBOR_TRUNCATED", "head", start);
        n = 0;
        for (let i = 0; i < len; i++) n = n * 256 + (b[pos + i] as number);
        // Above 2^53 the float sum is inexact, but any such length or count is far beyond the input anyway.
        huge = n > Number.MAX_SAFE_INTEGER;
        pos += len;
        if (mt === 7 && ai === 24 && n < 32) fail("CBOR_MALFORMED", `simple value ${n} in two-byte form`, start);
      }
      if (mt === 2 || mt === 3) {
        if (ai === 31) {
          // Chunks: definite strings of the same major type, then a break (§3.2.3).
          for (;;) {
            if (pos >= end) fail("CBOR_TRUNCATED", "indefinite-length string without a break", start);
            const cs = pos;
            const c = b[pos++] as number;
            if (c === 0xff) break;
            const cai = c & 31;
            if (c >> 5 !== mt || cai > 27) fail("CBOR_MALFORMED", "bad indefinite-length string chunk", cs);
            if (++items > o.maxItems) fail("CBOR_LIMIT", `more than ${o.maxItems} items`, cs);
            let len = cai;
            if (cai >= 24) {
              const hl = 1 << (cai - 24);
              if (hl > end - pos) fail("CBOR_TRUNCATED", "head", cs);
              len = 0;
              for (let i = 0; i < hl; i++) len = len * 256 + (b[pos + i] as number);
              pos += hl;
            }
            if (len > end - pos) fail("CBOR_TRUNCATED", `string chunk declares ${len} bytes`, cs);
            pos += len;
          }
        } else {
          if (huge || n > end - pos) fail("CBOR_TRUNCATED", `string declares ${n} bytes, ${end - pos} left`, start);
          pos += n;
        }
      } else if (mt === 4 || mt === 5 || mt === 6) {
        const count = ai === 31 ? (mt === 4 ? INDEF_ARRAY : EVEN_MAP) : mt === 4 ? n : mt === 5 ? 2 * n : 1;
        if (huge || count > end - pos) fail("CBOR_TRUNCATED", `container declares ${n} items`, start);
        if (count !== 0) {
          if (depth >= o.maxDepth) fail("CBOR_LIMIT", `nesting deeper than maxDepth (${o.maxDepth})`, start);
          // Finish this item only when its children are done: record them, then descend.
          pending[++depth] = count;
          continue;
        }
      }
      // mt 0, 1, 7 and empty containers are complete here.
    }
    // One item at `depth` is done: pop every container it completes.
    while (depth >= 0) {
      const p = pending[depth] as number;
      if (p === 1) {
        depth--;
        continue;
      }
      // Indefinite maps flip between "expecting a key" and "expecting a value" so a break can be checked.
      pending[depth] = p > 1 ? p - 1 : p === EVEN_MAP ? ODD_MAP : p === ODD_MAP ? EVEN_MAP : p;
      break;
    }
  }
  return pos - offset;
}
