import { RotkitError } from "@rotkit/core";
import {
  type ComponentId,
  componentIdBytes,
  componentKey,
  counterValue,
  MAX_DIGEST_LENGTH,
  timeValue,
} from "./values.js";

/**
 * An update candidate as the verified manifest describes it. Every field must come from a manifest whose signature
 * was already checked (the guard trusts what it is told about the image; it decides whether it may be installed).
 */
export interface Candidate {
  component: ComponentId;
  /** The manifest's sequence number (SUIT suit-manifest-sequence-number). */
  sequence: number | bigint;
  /** Digest of the image (compared in constant time for an idempotent re-install). */
  digest: Uint8Array;
  /** The image's security counter (MCUboot IMAGE_TLV_SEC_CNT semantics); default 0. */
  securityCounter?: number | bigint;
  /** When the manifest expires, seconds since the epoch (freeze protection). */
  expiresAt?: number | bigint;
  /** When the manifest was issued, seconds since the epoch (maximum age, time floor). */
  issuedAt?: number | bigint;
  /** An encoded, signed downgrade ticket allowing a sequence number that is not above the floor. */
  ticket?: Uint8Array;
}

/** A candidate with every field checked and normalised. */
export interface NormalizedCandidate {
  id: Uint8Array;
  key: string;
  sequence: number;
  securityCounter: number;
  digest: Uint8Array;
  expiresAt: number | undefined;
  issuedAt: number | undefined;
  ticket: Uint8Array | undefined;
}

/**
 * Checks a candidate's fields (throws `INVALID_ARGUMENT`) and normalises them.
 *
 * @example
 * ```ts
 * const c = normalizeCandidate({ component: "app", sequence: 12n, digest });
 * ```
 */
export function normalizeCandidate(c: Candidate): NormalizedCandidate {
  if (c === null || typeof c !== "object") throw new RotkitError("INVALID_ARGUMENT", "a candidate is required");
  const id = componentIdBytes(c.component, "component");
  if (!(c.digest instanceof Uint8Array) || c.digest.length === 0 || c.digest.length > MAX_DIGEST_LENGTH) {
    throw new RotkitError("INVALID_ARGUMENT", `digest must be 1..${MAX_DIGEST_LENGTH} bytes`, { at: "digest" });
  }
  if (c.ticket !== undefined && !(c.ticket instanceof Uint8Array)) {
    throw new RotkitError("INVALID_ARGUMENT", "ticket must be bytes", { at: "ticket" });
  }
  return {
    id,
    key: componentKey(id),
    sequence: counterValue(c.sequence, "sequence"),
    securityCounter: counterValue(c.securityCounter ?? 0, "securityCounter"),
    digest: c.digest.slice(),
    expiresAt: c.expiresAt === undefined ? undefined : timeValue(c.expiresAt, "expiresAt"),
    issuedAt: c.issuedAt === undefined ? undefined : timeValue(c.issuedAt, "issuedAt"),
    ticket: c.ticket?.slice(),
  };
}
