// Inverse Burrows-Wheeler transform of one bzip2 block (bzip2 1.0.8 decompress.c, after the MTF loop), in the two
// layouts bzip2 itself has: "fast" packs the byte and the link into one 32-bit entry (4 bytes per symbol); "small"
// keeps a 20-bit link as 16 + 4 bits and finds each byte by binary search in the cumulative counts (2.5 bytes per
// symbol, about 2.25 MB for a 900k block instead of 3.6 MB).

/** Cumulative counts: cftab[b] = number of bytes < b in the block; cftab[256] = nblock. */
export function cumulativeCounts(counts: Int32Array, cftab: Int32Array): void {
  cftab[0] = 0;
  for (let i = 1; i <= 256; i++) cftab[i] = (cftab[i - 1] as number) + (counts[i - 1] as number);
}

/** Fast layout: adds each row's successor link above its byte; returns the first position to walk. */
export function invertFast(tt: Uint32Array, nblock: number, origPtr: number, cftab: Int32Array): number {
  const next = cftab.slice(0, 256);
  for (let i = 0; i < nblock; i++) {
    const b = (tt[i] as number) & 0xff;
    const p = next[b]!++;
    tt[p] = (tt[p] as number) | (i << 8);
  }
  return (tt[origPtr] as number) >>> 8;
}

export function getLL(ll16: Uint16Array, ll4: Uint8Array, i: number): number {
  return (ll16[i] as number) | ((((ll4[i >> 1] as number) >> ((i << 2) & 4)) & 0xf) << 16);
}

function setLL(ll16: Uint16Array, ll4: Uint8Array, i: number, n: number): void {
  ll16[i] = n & 0xffff;
  const shift = (i << 2) & 4;
  const j = i >> 1;
  ll4[j] = ((ll4[j] as number) & (0xf0 >> shift)) | ((n >>> 16) << shift);
}

/**
 * Small layout: replaces each byte of L by its link (T^-1), then reverses the cycle through `origPtr` so the walk
 * runs forwards. T^-1 is a permutation (it comes from the block's own counts), so the reversal ends.
 */
export function invertSmall(
  ll16: Uint16Array,
  ll4: Uint8Array,
  nblock: number,
  origPtr: number,
  cftab: Int32Array,
): number {
  const next = cftab.slice(0, 256);
  for (let i = 0; i < nblock; i++) {
    const b = ll16[i] as number;
    setLL(ll16, ll4, i, next[b]!++);
  }
  let i = origPtr;
  let j = getLL(ll16, ll4, i);
  do {
    const tmp = getLL(ll16, ll4, j);
    setLL(ll16, ll4, j, i);
    i = j;
    j = tmp;
  } while (i !== origPtr);
  return origPtr;
}

/** The byte of row `pos`: the `b` with cftab[b] <= pos < cftab[b + 1] (bzip2 `BZ2_indexIntoF`). */
export function indexIntoF(pos: number, cftab: Int32Array): number {
  let lo = 0;
  let hi = 256;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (pos >= (cftab[mid] as number)) lo = mid;
    else hi = mid;
  }
  return lo;
}
