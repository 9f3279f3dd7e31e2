/** Injectable time source: every time-dependent check takes one, so tests and vectors can pin "now". */
export interface Clock {
  /** Seconds since the Unix epoch (may be fractional). */
  now(): number;
}

/** The host's wall clock (`Date.now()`). */
export function systemClock(): Clock {
  return { now: () => Date.now() / 1000 };
}

/**
 * A clock pinned at `epochSeconds` (or a `Date`).
 *
 * @example
 * ```ts
 * const clock = fixedClock(new Date("2026-01-01T00:00:00Z"));
 * ```
 */
export function fixedClock(at: number | Date): Clock {
  const t = typeof at === "number" ? at : at.getTime() / 1000;
  return { now: () => t };
}
