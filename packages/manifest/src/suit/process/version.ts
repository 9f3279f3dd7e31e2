import { SuitVersionComparison } from "../labels.js";
import type { SuitVersionMatch } from "../types.js";

// update-management suit-parameter-version: "Comparisons are done on each integer in sequence. Comparison stops
// after all integers in the list defined by the manifest have been consumed OR after an non-equal comparison has
// occurred." A position the device's version lacks counts as 0, so [2,0] (release) is above [2,0,-1] (an RC).

/**
 * -1, 0 or 1: the device's version against the manifest's, over the manifest's positions only.
 *
 * @example
 * ```ts
 * compareVersion([2, 0], [2, 0, -1]); // 1: a release is above its release candidate
 * ```
 */
export function compareVersion(actual: readonly number[], wanted: readonly number[]): number {
  for (let i = 0; i < wanted.length; i++) {
    const a = actual[i] ?? 0;
    const w = wanted[i] as number;
    if (a !== w) return a < w ? -1 : 1;
  }
  return 0;
}

/**
 * Whether `actual` satisfies the version match.
 *
 * @example
 * ```ts
 * versionMatches([1, 2, 3], { comparison: SuitVersionComparison.greaterEqual, version: [1, 2] }); // true
 * ```
 */
export function versionMatches(actual: readonly number[], match: SuitVersionMatch): boolean {
  const c = compareVersion(actual, match.version);
  switch (match.comparison) {
    case SuitVersionComparison.greater:
      return c > 0;
    case SuitVersionComparison.greaterEqual:
      return c >= 0;
    case SuitVersionComparison.equal:
      return c === 0;
    case SuitVersionComparison.lesserEqual:
      return c <= 0;
    case SuitVersionComparison.lesser:
      return c < 0;
    default:
      return false;
  }
}
