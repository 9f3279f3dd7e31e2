import { CBOR_CURSOR_MAX_BYTES, CborCursor, canonicalKeyAfter, readWithCursor } from "@rotkit/core";
import type { SuitContext } from "./cbor.js";

// The fast readers (fast.ts, fast-envelope.ts) read with core's CborCursor and give up on anything unexpected; the
// general decoder then takes the same bytes.
//
// They run only where the general path would decode with the default limits, canonical encoding required and byte
// strings as views of a private copy: a content of at most 65536 bytes holds at most 65536 items (maxItems), the
// structures they read nest a few levels (maxDepth 32), and their strings are shorter than the content
// (maxStringLength).

export type Reader = CborCursor;
export function giveUp(): never {
  return CborCursor.giveUp();
}
export const after = canonicalKeyAfter;
export const whole = readWithCursor;

/** Whether the fast reader may stand in for the general path under this context. */
export function fastEligible(bytes: Uint8Array, ctx: SuitContext): boolean {
  return (
    ctx.strict.zeroCopy === true && ctx.canonical && ctx.limits === undefined && bytes.length <= CBOR_CURSOR_MAX_BYTES
  );
}
