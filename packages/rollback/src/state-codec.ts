import { type CborValue, decodeCbor, encodeCbor, isRotkitError, RotkitError } from "@rotkit/core";
import type { ComponentState, DecisionKind, PendingInstall, TrustedState, UsedTicket } from "./state.js";
import {
  compareIds,
  componentKey,
  MAX_COMPONENT_ID_LENGTH,
  MAX_COUNTER_VALUE,
  MAX_DIGEST_LENGTH,
  MAX_TICKET_ID_LENGTH,
  MIN_TICKET_ID_LENGTH,
} from "./values.js";

// The guard's persisted state, deterministic CBOR (RFC 8949 §4.2.1):
//
//   state = {
//     0: 1,                                                     ; format version
//     1: [* [id: bstr, sequence: uint, security-counter: uint, installed: uint, digest: bstr]],  ; confirmed
//     2: [* [id: bstr, sequence: uint, security-counter: uint, digest: bstr, kind: 0/1/2]],       ; pending
//     3: [* [ticket-id: bstr, expires-at: uint]],              ; spent downgrade tickets
//     4: time-floor: uint,
//   }
//
// Entries of 1 and 2 are sorted by id and unique. Decoding is strict; any deviation is COUNTER_CORRUPT.

const FORMAT_VERSION = 1;
const KINDS: readonly DecisionKind[] = ["upgrade", "reinstall", "downgrade"];
/** Bounds the decoder: components, pending installs and spent tickets a state may hold. */
export const MAX_STATE_ENTRIES = 256;

function corrupt(message: string, cause?: unknown): RotkitError {
  return new RotkitError("COUNTER_CORRUPT", `trusted state: ${message}`, cause === undefined ? {} : { cause });
}

function byId<T extends { id: Uint8Array }>(m: Map<string, T>): T[] {
  return [...m.values()].sort((a, b) => compareIds(a.id, b.id));
}

/**
 * Encodes a trusted state (deterministic CBOR).
 *
 * @example
 * ```ts
 * await store.save(encodeTrustedState(state));
 * ```
 */
export function encodeTrustedState(s: TrustedState): Uint8Array {
  const m = new Map<CborValue, CborValue>([
    [0, FORMAT_VERSION],
    [1, byId(s.components).map((c) => [c.id, c.sequence, c.securityCounter, c.installed, c.digest])],
    [2, byId(s.pending).map((p) => [p.id, p.sequence, p.securityCounter, p.digest, KINDS.indexOf(p.kind)])],
    [3, s.usedTickets.map((t) => [t.ticketId, t.expiresAt])],
    [4, Math.floor(s.timeFloor)],
  ]);
  return encodeCbor(m);
}

function uint(v: CborValue | undefined, where: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > MAX_COUNTER_VALUE) {
    throw corrupt(`${where} is not an unsigned integer up to 2^53-1`);
  }
  return v;
}

function bstr(v: CborValue | undefined, where: string, min: number, max: number): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length < min || v.length > max)
    throw corrupt(`${where} is not a bstr of ${min}..${max} bytes`);
  return v;
}

function tuples(v: CborValue | undefined, where: string, size: number): CborValue[][] {
  if (!Array.isArray(v) || v.length > MAX_STATE_ENTRIES) throw corrupt(`${where} is not an array of entries`);
  return v.map((e, i) => {
    if (!Array.isArray(e) || e.length !== size) throw corrupt(`${where}[${i}] is not an array of ${size}`);
    return e;
  });
}

function keyed<T extends { id: Uint8Array }>(items: T[], where: string): Map<string, T> {
  const out = new Map<string, T>();
  let previous: Uint8Array | undefined;
  for (const item of items) {
    if (previous !== undefined && compareIds(previous, item.id) >= 0) throw corrupt(`${where} is not sorted by id`);
    previous = item.id;
    out.set(componentKey(item.id), item);
  }
  return out;
}

/**
 * Decodes a trusted state, or throws `COUNTER_CORRUPT`.
 *
 * @example
 * ```ts
 * const payload = await store.load();
 * const state = payload === undefined ? emptyTrustedState() : decodeTrustedState(payload);
 * ```
 */
export function decodeTrustedState(bytes: Uint8Array): TrustedState {
  let v: CborValue;
  try {
    v = decodeCbor(bytes, {
      requireDeterministic: true,
      rejectIndefinite: true,
      limits: { maxDepth: 4, maxItems: 16 + 8 * 3 * MAX_STATE_ENTRIES, maxStringLength: 256 },
    });
  } catch (e) {
    throw corrupt("not deterministic CBOR", isRotkitError(e) ? e : undefined);
  }
  if (!(v instanceof Map) || v.size !== 5) throw corrupt("not a map of 5 entries");
  if (v.get(0) !== FORMAT_VERSION) throw corrupt("unknown format version");
  const components: ComponentState[] = tuples(v.get(1), "components", 5).map((e, i) => {
    const where = `components[${i}]`;
    const c: ComponentState = {
      id: bstr(e[0], `${where}.id`, 0, MAX_COMPONENT_ID_LENGTH),
      sequence: uint(e[1], `${where}.sequence`),
      securityCounter: uint(e[2], `${where}.securityCounter`),
      installed: uint(e[3], `${where}.installed`),
      digest: bstr(e[4], `${where}.digest`, 1, MAX_DIGEST_LENGTH),
    };
    if (c.installed > c.sequence) throw corrupt(`${where}: installed above the anti-rollback floor`);
    return c;
  });
  const pending: PendingInstall[] = tuples(v.get(2), "pending", 5).map((e, i) => {
    const where = `pending[${i}]`;
    const kind = KINDS[uint(e[4], `${where}.kind`)];
    if (kind === undefined) throw corrupt(`${where}.kind is unknown`);
    return {
      id: bstr(e[0], `${where}.id`, 0, MAX_COMPONENT_ID_LENGTH),
      sequence: uint(e[1], `${where}.sequence`),
      securityCounter: uint(e[2], `${where}.securityCounter`),
      digest: bstr(e[3], `${where}.digest`, 1, MAX_DIGEST_LENGTH),
      kind,
    };
  });
  const usedTickets: UsedTicket[] = tuples(v.get(3), "usedTickets", 2).map((e, i) => ({
    ticketId: bstr(e[0], `usedTickets[${i}].ticketId`, MIN_TICKET_ID_LENGTH, MAX_TICKET_ID_LENGTH),
    expiresAt: uint(e[1], `usedTickets[${i}].expiresAt`),
  }));
  return {
    components: keyed(components, "components"),
    pending: keyed(pending, "pending"),
    usedTickets,
    timeFloor: uint(v.get(4), "timeFloor"),
  };
}
