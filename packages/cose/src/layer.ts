import { type CborMap, type CborValue, type CryptoProvider, isBytes, RotkitError } from "@rotkit/core";
import type { AlgPolicy } from "./alg-policy.js";
import type { CoseAlgInfo } from "./algorithms.js";
import {
  type CoseHeaders,
  checkHeaders,
  decodeUnprotectedHeader,
  HeaderLabel,
  type HeaderLabelValue,
  protectedHeader,
} from "./headers.js";
import type { CoseStructureOptions } from "./message.js";

// Pieces shared by every COSE layer this package signs or MACs: the common verify options, payload handling
// (attached or detached, RFC 9052 §2) and the headers a sender writes.

/** Options every verify* function takes. */
export interface CoseVerifyOptions extends CoseStructureOptions {
  provider: CryptoProvider;
  /** Externally supplied data bound into the signature / MAC (RFC 9052 §4.3 / §6.3). Default empty. */
  externalAad?: Uint8Array;
  /** The payload of a message sent with a nil payload (RFC 9052 §2 detached content). */
  detachedPayload?: Uint8Array;
  /** Only these algorithms are acceptable (COSE_ALG_MISMATCH otherwise). */
  allowedAlgs?: AlgPolicy;
  /** Refuse an `alg` carried in the unprotected bucket (RFC 9052 §3.1 recommends protecting it). Default false. */
  requireProtectedAlg?: boolean;
  /** Header labels the application processes, so `crit` may list them (RFC 9052 §3.1). */
  criticalHeaders?: readonly HeaderLabelValue[];
}

/** What a sender passes to sign / MAC a payload. */
export interface CoseContent {
  payload: Uint8Array;
  /** Send a nil payload (RFC 9052 §2 detached content); the receiver supplies `detachedPayload`. */
  detached?: boolean;
  /** Protected bucket parameters; `alg` is added from the key when absent. */
  protected?: CborMap;
  unprotected?: CborMap;
  externalAad?: Uint8Array;
  /** Emit the COSE tag (default true). */
  tagged?: boolean;
}

/**
 * The payload a signature / MAC covers: the attached bstr, or the detached one the caller passed. Both present,
 * or neither, is refused.
 *
 * @example
 * ```ts
 * const payload = layerPayload(items[2], options.detachedPayload, "COSE_Sign1");
 * ```
 */
export function layerPayload(item: CborValue, detached: Uint8Array | undefined, where: string): Uint8Array {
  if (item === null) {
    if (detached === undefined) {
      throw new RotkitError(
        "COSE_DETACHED_PAYLOAD_REQUIRED",
        `${where}: payload is detached (nil); pass detachedPayload`,
      );
    }
    if (!(detached instanceof Uint8Array))
      throw new RotkitError("INVALID_ARGUMENT", `${where}: detachedPayload must be bytes`);
    return detached;
  }
  if (!isBytes(item)) throw new RotkitError("COSE_MALFORMED", `${where}: payload must be a bstr or nil`);
  if (detached !== undefined) {
    throw new RotkitError("COSE_MALFORMED", `${where}: the payload is attached but a detached payload was also given`);
  }
  return item;
}

/**
 * The buckets a sender writes for one layer: copies of the caller's maps with `alg` added to the protected
 * bucket when absent from both; an `alg` the caller set must equal the key's (COSE_ALG_MISMATCH). The result
 * passes the same checks a receiver applies.
 *
 * @example
 * ```ts
 * const h = senderHeaders(coseAlgorithm(-7), new Map(), new Map([[4, kid]]), "COSE_Sign1"); // alg -7 protected
 * ```
 */
export function senderHeaders(
  info: CoseAlgInfo | undefined,
  protectedMap: CborMap | undefined,
  unprotectedMap: CborMap | undefined,
  where: string,
): CoseHeaders {
  if (protectedMap !== undefined && !(protectedMap instanceof Map)) {
    throw new RotkitError("INVALID_ARGUMENT", `${where}: protected headers must be a Map`);
  }
  const p: CborMap = new Map(protectedMap ?? []);
  const u: CborMap = decodeUnprotectedHeader(new Map(unprotectedMap ?? []), where);
  if (info) {
    const given = p.has(HeaderLabel.alg) ? p.get(HeaderLabel.alg) : u.get(HeaderLabel.alg);
    if (given === undefined) p.set(HeaderLabel.alg, info.id);
    else if (given !== info.id) {
      throw new RotkitError(
        "COSE_ALG_MISMATCH",
        `${where}: alg header ${String(given)} does not match the key's ${info.name}`,
      );
    }
  }
  const h: CoseHeaders = { protected: protectedHeader(p), unprotected: u };
  checkHeaders(h, { where });
  return h;
}

/**
 * External AAD argument check: bytes or absent.
 *
 * @example
 * ```ts
 * externalAadOf(undefined, "COSE_Mac0").length; // 0
 * ```
 */
const EMPTY = new Uint8Array(0);

export function externalAadOf(v: Uint8Array | undefined, where: string): Uint8Array {
  if (v === undefined) return EMPTY;
  if (!(v instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${where}: externalAad must be bytes`);
  return v;
}
