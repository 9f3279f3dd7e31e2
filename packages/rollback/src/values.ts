import { RotkitError, toHex, utf8Encode } from "@rotkit/core";

// Counter values are unsigned integers up to 2^53-1 and travel as `number`. SUIT sequence numbers are uint64
// (draft-ietf-suit-manifest §8.4.3), but every value a real fleet uses (release counters, Unix seconds, even
// microseconds) fits in 53 bits, and a `number` keeps device code free of BigInt arithmetic. A bigint within range is
// accepted and converted; anything beyond is refused rather than rounded. The stored formats are 64-bit wide, so
// widening later needs no migration.

/** The largest value a counter, sequence number or security counter may hold: 2^53-1. */
export const MAX_COUNTER_VALUE = Number.MAX_SAFE_INTEGER;

/** The longest component identifier (bytes) a counter store or the guard accepts. */
export const MAX_COMPONENT_ID_LENGTH = 64;

/** The longest image digest (bytes) the guard accepts (SHA-512). */
export const MAX_DIGEST_LENGTH = 64;

/** Length bounds of a downgrade ticket id (its nonce). */
export const MIN_TICKET_ID_LENGTH = 8;
export const MAX_TICKET_ID_LENGTH = 32;

/**
 * A component identifier: bytes, or a string standing for its UTF-8 bytes (so `"boot"` and `utf8Encode("boot")`
 * name the same component).
 */
export type ComponentId = string | Uint8Array;

/**
 * `v` as a counter value (a safe unsigned integer), or a RotkitError `INVALID_ARGUMENT` naming `what`.
 *
 * @example
 * ```ts
 * counterValue(42n, "sequence"); // 42
 * counterValue(-1, "sequence");  // throws INVALID_ARGUMENT
 * ```
 */
export function counterValue(v: unknown, what: string): number {
  if (typeof v === "bigint" && v >= 0n && v <= BigInt(MAX_COUNTER_VALUE)) return Number(v);
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  throw new RotkitError("INVALID_ARGUMENT", `${what} must be an unsigned integer up to 2^53-1`, { at: what });
}

/**
 * The bytes of a component identifier (a copy), checked for length, or a RotkitError `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * componentIdBytes("boot", "component"); // Uint8Array [0x62, 0x6f, 0x6f, 0x74]
 * ```
 */
export function componentIdBytes(id: unknown, what: string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof id === "string") bytes = utf8Encode(id);
  else if (id instanceof Uint8Array) bytes = id.slice();
  else throw new RotkitError("INVALID_ARGUMENT", `${what} must be a string or bytes`, { at: what });
  if (bytes.length > MAX_COMPONENT_ID_LENGTH) {
    throw new RotkitError("INVALID_ARGUMENT", `${what} is longer than ${MAX_COMPONENT_ID_LENGTH} bytes`, { at: what });
  }
  return bytes;
}

/** A Map key for component identifier bytes (lowercase hex). */
export function componentKey(bytes: Uint8Array): string {
  return toHex(bytes);
}

/** Seconds since the epoch from a caller (manifest times, expiries): finite and non-negative. */
export function timeValue(v: unknown, what: string): number {
  if (typeof v === "bigint" && v >= 0n && v <= BigInt(MAX_COUNTER_VALUE)) return Number(v);
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
  throw new RotkitError("INVALID_ARGUMENT", `${what} must be a non-negative number of seconds`, { at: what });
}

/** Deterministic CBOR order of byte strings: shorter first, then bytewise (RFC 8949 §4.2.1). */
export function compareIds(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}
