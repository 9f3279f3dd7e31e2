import { itemLength, RotkitError } from "@rotkit/core";

// Exact byte ranges of the elements of an already validated CBOR array or map, so a bstr-wrapped member can be
// digested and re-emitted exactly as received (draft-ietf-suit-manifest §8.3: the digest covers the bstr head).

interface Head {
  major: number;
  /** The argument; -1 for an indefinite length. */
  arg: number;
  next: number;
}

function head(b: Uint8Array, pos: number): Head {
  const ib = b[pos];
  if (ib === undefined) throw new RotkitError("SUIT_MALFORMED", "SUIT: truncated item", { at: pos });
  const major = ib >> 5;
  const ai = ib & 31;
  if (ai < 24) return { major, arg: ai, next: pos + 1 };
  if (ai === 31) return { major, arg: -1, next: pos + 1 };
  if (ai > 27) throw new RotkitError("SUIT_MALFORMED", "SUIT: reserved additional information", { at: pos });
  const n = 1 << (ai - 24);
  if (pos + 1 + n > b.length) throw new RotkitError("SUIT_MALFORMED", "SUIT: truncated head", { at: pos });
  let arg = 0;
  for (let i = 1; i <= n; i++) arg = arg * 256 + (b[pos + i] as number);
  return { major, arg, next: pos + 1 + n };
}

/** Offset of the item after any tags at `pos`. */
export function skipTags(b: Uint8Array, pos: number): number {
  let p = pos;
  for (let h = head(b, p); h.major === 6; h = head(b, p)) p = h.next;
  return p;
}

/**
 * The encoded elements of the array (or the keys and values, alternately, of the map) at `pos`, as subarrays of
 * `b`. The bytes must already have passed a full decode (limits, well-formedness).
 */
export function elementSlices(b: Uint8Array, pos: number): Uint8Array[] {
  const h = head(b, pos);
  if (h.major !== 4 && h.major !== 5) throw new RotkitError("SUIT_MALFORMED", "SUIT: expected an array or map");
  const out: Uint8Array[] = [];
  let p = h.next;
  const count = h.arg < 0 ? -1 : h.major === 5 ? h.arg * 2 : h.arg;
  while (count < 0 ? b[p] !== 0xff : out.length < count) {
    const n = itemLength(b, p);
    out.push(b.subarray(p, p + n));
    p += n;
  }
  return out;
}

/** Length of the bstr head at the start of `wrapped` (so `wrapped.subarray(len)` is the content). */
export function bstrHeadLength(wrapped: Uint8Array): number {
  const h = head(wrapped, 0);
  if (h.major !== 2 || h.arg < 0) throw new RotkitError("SUIT_MALFORMED", "SUIT: expected a definite-length bstr");
  return h.next;
}
