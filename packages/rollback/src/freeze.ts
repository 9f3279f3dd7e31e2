import { RotkitError } from "@rotkit/core";

// Freeze protection. An attacker who cannot forge a manifest can still replay an old, validly signed one, or withhold
// every newer one, to keep a device on vulnerable firmware. Expiry bounds how long a signed manifest (or ticket) is
// good for; a maximum age bounds how old an accepted manifest may be even without an expiry; both are measured on a
// trusted clock that never runs below the newest issuance time already accepted (the time floor), so a device whose
// clock resets to 1970 cannot be fed manifests that expired long ago.

/** Freshness rules for manifests. */
export interface FreshnessOptions {
  /** Largest accepted age of a manifest (now - issuedAt), in seconds. When set, a manifest without `issuedAt` is stale. */
  maxAge?: number;
  /** Refuse manifests without `expiresAt`. Default false (SUIT manifests carry no expiry of their own). */
  requireExpiry?: boolean;
}

/**
 * The time the checks use: the host clock, but never below the trusted time floor.
 *
 * @example
 * ```ts
 * const now = trustedNow(clock.now(), state.timeFloor);
 * ```
 */
export function trustedNow(clockNow: number, timeFloor: number): number {
  if (!Number.isFinite(clockNow)) throw new RotkitError("INVALID_ARGUMENT", "the clock returned a non-finite time");
  return Math.max(clockNow, timeFloor);
}

/**
 * Throws `ROLLBACK_EXPIRED` when the manifest is past its expiry (or has none and one is required) and
 * `ROLLBACK_STALE` when it is older than `maxAge` (or undated while a maximum age is set).
 *
 * @example
 * ```ts
 * checkFreshness({ expiresAt: 1767225600, issuedAt: 1764547200 }, now, { maxAge: 90 * 86400 });
 * ```
 */
export function checkFreshness(
  times: { expiresAt?: number | undefined; issuedAt?: number | undefined },
  now: number,
  options: FreshnessOptions = {},
): void {
  // TUF specification §5.4.4, §5.5.6, §5.6.5 ("Check for a freeze attack"): the expiry MUST be higher than the
  // (fixed) update start time, so expiresAt == now is already expired.
  if (times.expiresAt === undefined) {
    if (options.requireExpiry)
      throw new RotkitError("ROLLBACK_EXPIRED", "the manifest has no expiry and one is required");
  } else if (times.expiresAt <= now) {
    throw new RotkitError("ROLLBACK_EXPIRED", `the manifest expired at ${times.expiresAt} (now ${now})`);
  }
  const maxAge = options.maxAge;
  if (maxAge === undefined) return;
  if (!Number.isFinite(maxAge) || maxAge < 0)
    throw new RotkitError("INVALID_ARGUMENT", "maxAge must be a non-negative number");
  if (times.issuedAt === undefined)
    throw new RotkitError("ROLLBACK_STALE", "the manifest has no issue time and a maximum age is set");
  if (now - times.issuedAt > maxAge) {
    throw new RotkitError(
      "ROLLBACK_STALE",
      `the manifest was issued ${now - times.issuedAt} s ago (maximum ${maxAge} s)`,
    );
  }
}
