// Longest-match search in a suffix array: binary search that remembers how many leading symbols the lower and upper
// bounds already share with the pattern, so each probe compares from min(lcpLo, lcpHi) instead of from 0
// (Manber & Myers 1993, "the mlr accelerant").

/** Where the longest match found starts in `old`, and its length. */
export interface Match {
  pos: number;
  len: number;
}

/** Length of the common prefix of old[a..] and neu[b..]. */
export function matchLength(old: Uint8Array, a: number, neu: Uint8Array, b: number): number {
  const max = Math.min(old.length - a, neu.length - b);
  let i = 0;
  while (i < max && old[a + i] === neu[b + i]) i++;
  return i;
}

/**
 * The longest prefix of neu[at..] that occurs in `old` (whose suffix array is `sa`); fills `out`. Ties go to the
 * lexicographically later suffix, as in bsdiff.
 *
 * @example
 * ```ts
 * const m = { pos: 0, len: 0 };
 * longestMatch(old, suffixArray(old), neu, 0, m);
 * ```
 */
export function longestMatch(old: Uint8Array, sa: Int32Array, neu: Uint8Array, at: number, out: Match): void {
  let lo = 0;
  let hi = sa.length - 1;
  if (hi < 0) {
    out.pos = 0;
    out.len = 0;
    return;
  }
  let lcpLo = matchLength(old, sa[lo] as number, neu, at);
  let lcpHi = matchLength(old, sa[hi] as number, neu, at);
  const patLen = neu.length - at;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    const p = sa[mid] as number;
    let l = Math.min(lcpLo, lcpHi);
    const max = Math.min(old.length - p, patLen);
    while (l < max && old[p + l] === neu[at + l]) l++;
    // Suffix old[p..] vs pattern: smaller when it mismatches lower or ends first (bsdiff's memcmp over min length).
    if (l < max ? (old[p + l] as number) < (neu[at + l] as number) : l < patLen) {
      lo = mid;
      lcpLo = l;
    } else {
      hi = mid;
      lcpHi = l;
    }
  }
  if (lcpLo > lcpHi) {
    out.pos = sa[lo] as number;
    out.len = lcpLo;
  } else {
    out.pos = sa[hi] as number;
    out.len = lcpHi;
  }
}

/**
 * The longest prefix of neu[at..] that occurs in `old` at a position >= minPos (in-place patches may only read the
 * old image ahead of what is already overwritten); fills `out` (len 0 when none). Looks at most `scan` suffix-array
 * neighbours on each side of where the pattern sorts, where the longest matches are.
 *
 * @example
 * ```ts
 * longestMatchFrom(old, sa, neu, q, q, 64, m);
 * ```
 */
export function longestMatchFrom(
  old: Uint8Array,
  sa: Int32Array,
  neu: Uint8Array,
  at: number,
  minPos: number,
  scan: number,
  out: Match,
): void {
  out.len = 0;
  out.pos = 0;
  if (sa.length === 0) return;
  // Where the pattern sorts: binary search for the first suffix not smaller than it.
  let lo = 0;
  let hi = sa.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = sa[mid] as number;
    const l = matchLength(old, p, neu, at);
    const smaller =
      l < old.length - p && at + l < neu.length
        ? (old[p + l] as number) < (neu[at + l] as number)
        : l === old.length - p && at + l < neu.length;
    if (smaller) lo = mid + 1;
    else hi = mid;
  }
  for (let i = Math.max(0, lo - scan); i < Math.min(sa.length, lo + scan); i++) {
    const p = sa[i] as number;
    if (p < minPos) continue;
    const l = matchLength(old, p, neu, at);
    if (l > out.len) {
      out.len = l;
      out.pos = p;
    }
  }
}
