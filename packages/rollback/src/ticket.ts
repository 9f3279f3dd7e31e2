import {
  type CborValue,
  type CryptoProvider,
  decodeCbor,
  encodeCbor,
  isRotkitError,
  type KeyHandle,
  type PublicKey,
  RotkitError,
  type SignatureAlg,
} from "@rotkit/core";
import {
  componentIdBytes,
  counterValue,
  MAX_COMPONENT_ID_LENGTH,
  MAX_COUNTER_VALUE,
  MAX_TICKET_ID_LENGTH,
  MIN_TICKET_ID_LENGTH,
} from "./values.js";

// Signed downgrade tickets: the one way to install an image whose sequence number is not above the device's
// anti-rollback floor (an emergency rollback). rollback depends on core only, so the envelope is a two-element CBOR
// array rather than COSE:
//
//   ticket = [ body: bstr .cbor ticket-body, signature: bstr ]
//   ticket-body = {                ; deterministic CBOR (RFC 8949 §4.2.1), exactly these six keys
//     1: bstr,   ; device id (1..64 bytes): the device the ticket is for (e.g. its UEID)
//     2: bstr,   ; component id (0..64 bytes)
//     3: uint,   ; from: the sequence number the device must have installed now
//     4: uint,   ; to: the sequence number it may install (below from)
//     5: uint,   ; expires-at, seconds since the epoch
//     6: bstr,   ; ticket id, 8..32 random bytes: spent once, never accepted again
//   }
//   signature = Sign(key, to-be-signed)
//   to-be-signed = deterministic CBOR of [ "rotkit-downgrade-ticket-v1", body ]
//
// The context string separates these signatures from every other use of the key (the same idea as COSE's
// Sig_structure, RFC 9052 §4.4). The algorithm comes from the verifier's trusted-key list, never from the ticket.

const CONTEXT = "rotkit-downgrade-ticket-v1";
/** Largest encoded ticket accepted (a full body with an ML-DSA-87 or RSA-8192 signature fits). */
export const MAX_TICKET_LENGTH = 8192;
const MAX_DEVICE_ID_LENGTH = 64;

/** The signed content of a downgrade ticket. */
export interface DowngradeTicketBody {
  deviceId: Uint8Array;
  component: Uint8Array;
  /** The sequence number the device must have installed (and confirmed) now. */
  fromSequence: number;
  /** The sequence number the ticket lets it install; below `fromSequence`. */
  toSequence: number;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** 8..32 random bytes; a ticket id is accepted once. */
  ticketId: Uint8Array;
}

/** A decoded, NOT verified ticket. */
export interface UnverifiedDowngradeTicket {
  body: DowngradeTicketBody;
  bodyBytes: Uint8Array;
  signature: Uint8Array;
}

/** A ticket whose signature checked against a trusted key (made only by {@link verifyDowngradeTicket}). */
export interface VerifiedDowngradeTicket {
  readonly body: DowngradeTicketBody;
}

/** A key trusted to sign downgrade tickets, with the one algorithm it is used with. */
export interface TicketKey {
  alg: SignatureAlg;
  key: PublicKey;
}

let verifiedTickets: WeakSet<object> | undefined;

function registry(): WeakSet<object> {
  if (verifiedTickets === undefined) verifiedTickets = new WeakSet();
  return verifiedTickets;
}

/** True when `t` came from {@link verifyDowngradeTicket} (a plain object with the same shape does not count). */
export function isVerifiedDowngradeTicket(t: unknown): t is VerifiedDowngradeTicket {
  return typeof t === "object" && t !== null && registry().has(t);
}

function invalid(message: string, cause?: unknown): RotkitError {
  return new RotkitError(
    "ROLLBACK_TICKET_INVALID",
    `downgrade ticket: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

function checkBody(b: DowngradeTicketBody): void {
  const lengthOk = (v: unknown, min: number, max: number) =>
    v instanceof Uint8Array && v.length >= min && v.length <= max;
  if (!lengthOk(b.deviceId, 1, MAX_DEVICE_ID_LENGTH)) throw invalid("device id must be 1..64 bytes");
  if (!lengthOk(b.component, 0, MAX_COMPONENT_ID_LENGTH)) throw invalid("component id must be at most 64 bytes");
  if (!lengthOk(b.ticketId, MIN_TICKET_ID_LENGTH, MAX_TICKET_ID_LENGTH)) throw invalid("ticket id must be 8..32 bytes");
  for (const [name, v] of [
    ["from", b.fromSequence],
    ["to", b.toSequence],
    ["expires-at", b.expiresAt],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_COUNTER_VALUE)
      throw invalid(`${name} must be an unsigned integer`);
  }
  if (b.toSequence >= b.fromSequence) throw invalid("to must be below from (it is a downgrade)");
}

/**
 * Deterministic CBOR of a ticket body (what gets signed, inside the to-be-signed array).
 *
 * @example
 * ```ts
 * const bodyBytes = encodeDowngradeTicketBody(body);
 * ```
 */
export function encodeDowngradeTicketBody(body: DowngradeTicketBody): Uint8Array {
  checkBody(body);
  return encodeCbor(
    new Map<CborValue, CborValue>([
      [1, body.deviceId],
      [2, body.component],
      [3, body.fromSequence],
      [4, body.toSequence],
      [5, body.expiresAt],
      [6, body.ticketId],
    ]),
  );
}

/**
 * The bytes a ticket signature covers: deterministic CBOR of `["rotkit-downgrade-ticket-v1", bodyBytes]`.
 *
 * @example
 * ```ts
 * const tbs = downgradeTicketToBeSigned(encodeDowngradeTicketBody(body));
 * ```
 */
export function downgradeTicketToBeSigned(bodyBytes: Uint8Array): Uint8Array {
  return encodeCbor([CONTEXT, bodyBytes]);
}

/**
 * Signs a downgrade ticket (server side, or a test). `body.component` may be given as a string (its UTF-8 bytes).
 *
 * @example
 * ```ts
 * const ticket = await createDowngradeTicket(
 *   { deviceId, component: "app", fromSequence: 12, toSequence: 11, expiresAt: now + 3600, ticketId: randomBytes(16) },
 *   ticketSigningKey,
 * );
 * ```
 */
export async function createDowngradeTicket(
  body: Omit<DowngradeTicketBody, "component" | "fromSequence" | "toSequence" | "expiresAt"> & {
    component: string | Uint8Array;
    fromSequence: number | bigint;
    toSequence: number | bigint;
    expiresAt: number | bigint;
  },
  key: KeyHandle,
): Promise<Uint8Array> {
  const bodyBytes = encodeDowngradeTicketBody({
    deviceId: body.deviceId,
    component: componentIdBytes(body.component, "component"),
    fromSequence: counterValue(body.fromSequence, "fromSequence"),
    toSequence: counterValue(body.toSequence, "toSequence"),
    expiresAt: counterValue(body.expiresAt, "expiresAt"),
    ticketId: body.ticketId,
  });
  const signature = await key.sign(downgradeTicketToBeSigned(bodyBytes));
  return encodeCbor([bodyBytes, signature]);
}

function strictDecode(bytes: Uint8Array, what: string): CborValue {
  try {
    return decodeCbor(bytes, {
      requireDeterministic: true,
      rejectIndefinite: true,
      limits: { maxDepth: 2, maxItems: 16, maxBytes: MAX_TICKET_LENGTH },
    });
  } catch (e) {
    throw invalid(`${what} is not deterministic CBOR`, isRotkitError(e) ? e : undefined);
  }
}

function field(m: Map<CborValue, CborValue>, key: number): CborValue {
  if (!m.has(key)) throw invalid(`body lacks key ${key}`);
  return m.get(key);
}

function uintField(m: Map<CborValue, CborValue>, key: number): number {
  const v = field(m, key);
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw invalid(`body key ${key} must be a uint up to 2^53-1`);
  return v;
}

function bytesField(m: Map<CborValue, CborValue>, key: number): Uint8Array {
  const v = field(m, key);
  if (!(v instanceof Uint8Array)) throw invalid(`body key ${key} must be a bstr`);
  return v;
}

/**
 * Decodes a ticket WITHOUT checking its signature (for logs and tooling); throws `ROLLBACK_TICKET_INVALID` when it
 * is malformed.
 *
 * @example
 * ```ts
 * const { body } = decodeDowngradeTicketUnverified(ticketBytes);
 * ```
 */
export function decodeDowngradeTicketUnverified(bytes: Uint8Array): UnverifiedDowngradeTicket {
  if (!(bytes instanceof Uint8Array)) throw invalid("must be bytes");
  if (bytes.length > MAX_TICKET_LENGTH) throw invalid(`longer than ${MAX_TICKET_LENGTH} bytes`);
  const outer = strictDecode(bytes, "ticket");
  if (!Array.isArray(outer) || outer.length !== 2) throw invalid("must be an array of [body, signature]");
  const [bodyBytes, signature] = outer;
  if (!(bodyBytes instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    throw invalid("body and signature must be byte strings");
  }
  const m = strictDecode(bodyBytes, "body");
  if (!(m instanceof Map) || m.size !== 6) throw invalid("body must be a map of exactly keys 1..6");
  const body: DowngradeTicketBody = {
    deviceId: bytesField(m, 1),
    component: bytesField(m, 2),
    fromSequence: uintField(m, 3),
    toSequence: uintField(m, 4),
    expiresAt: uintField(m, 5),
    ticketId: bytesField(m, 6),
  };
  checkBody(body);
  return { body, bodyBytes, signature };
}

/**
 * Verifies a ticket's structure and signature against the trusted keys (any one may have signed it). Binding to the
 * device, component, versions, expiry and replay is checked by the policy (`evaluateCandidate`) against the trusted
 * state. Throws `ROLLBACK_TICKET_INVALID`.
 *
 * @example
 * ```ts
 * const ticket = await verifyDowngradeTicket(bytes, { keys: [{ alg: "ES256", key: vendorTicketKey }], provider });
 * ```
 */
export async function verifyDowngradeTicket(
  bytes: Uint8Array,
  options: { keys: readonly TicketKey[]; provider: CryptoProvider },
): Promise<VerifiedDowngradeTicket> {
  const t = decodeDowngradeTicketUnverified(bytes);
  const keys = options?.keys ?? [];
  if (keys.length === 0 || options.provider === undefined) throw invalid("no trusted ticket key is configured");
  const tbs = downgradeTicketToBeSigned(t.bodyBytes);
  for (const k of keys) {
    if (await options.provider.verify(k.alg, k.key, tbs, t.signature)) {
      const verified: VerifiedDowngradeTicket = Object.freeze({ body: t.body });
      registry().add(verified);
      return verified;
    }
  }
  throw invalid("the signature does not verify with any trusted ticket key");
}
