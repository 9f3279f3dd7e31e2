import { type CborValue, decodeCbor, encodeCbor, isRotkitError, RotkitError } from "@rotkit/core";
import { componentKey, MAX_COMPONENT_ID_LENGTH, MAX_COUNTER_VALUE } from "./values.js";

// The payload of a counter store: a deterministic CBOR map (RFC 8949 §4.2.1) from counter id (bstr, at most 64
// bytes) to value (uint, at most 2^53-1). Counters at 0 are not stored. Decoding is strict: anything else is
// COUNTER_CORRUPT, since the payload already passed its CRC and a wrong shape means a bug or tampering.

/** One counter of a store. */
export interface CounterEntry {
  id: Uint8Array;
  value: number;
}

/** Counters keyed by the lowercase hex of their id. */
export type CounterMap = Map<string, CounterEntry>;

/** Most counters one store holds (bounds the decoder). */
export const MAX_COUNTERS = 1024;

/**
 * Encodes counters as the store's payload.
 *
 * @example
 * ```ts
 * const bytes = encodeCounters(new Map([["00", { id: Uint8Array.of(0), value: 7 }]]));
 * ```
 */
export function encodeCounters(counters: CounterMap): Uint8Array {
  const m = new Map<CborValue, CborValue>();
  for (const { id, value } of counters.values()) if (value > 0) m.set(id, value);
  return encodeCbor(m);
}

function corrupt(message: string, cause?: unknown): RotkitError {
  return new RotkitError("COUNTER_CORRUPT", `counter store: ${message}`, cause === undefined ? {} : { cause });
}

/**
 * Decodes a counter store payload, or throws `COUNTER_CORRUPT`.
 *
 * @example
 * ```ts
 * const counters = decodeCounters(payload);
 * ```
 */
export function decodeCounters(bytes: Uint8Array): CounterMap {
  let v: CborValue;
  try {
    v = decodeCbor(bytes, {
      requireDeterministic: true,
      rejectIndefinite: true,
      limits: { maxDepth: 2, maxItems: 1 + 2 * MAX_COUNTERS, maxStringLength: MAX_COMPONENT_ID_LENGTH },
    });
  } catch (e) {
    throw corrupt("payload is not deterministic CBOR", isRotkitError(e) ? e : undefined);
  }
  if (!(v instanceof Map)) throw corrupt("payload is not a map");
  const out: CounterMap = new Map();
  for (const [k, value] of v) {
    if (!(k instanceof Uint8Array)) throw corrupt("a counter id is not a byte string");
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1 || value > MAX_COUNTER_VALUE) {
      throw corrupt("a counter value is not an unsigned integer in 1..2^53-1");
    }
    out.set(componentKey(k), { id: k, value });
  }
  return out;
}
