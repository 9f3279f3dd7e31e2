// SA-IS suffix array construction (Nong, Zhang, Chan: "Two Efficient Algorithms for Linear Time Suffix Array
// Construction", IEEE TC 2011), with the speed-ups of Yuta Mori's sais-lite: the induction passes read no type
// array (a suffix's predecessor type is carried in the sign of its SA entry) and LMS substrings are named by
// length + symbol compare. The sentinel is virtual (position n, smaller than every symbol), so the text is never
// copied; the reduced problem lives inside SA itself, as in the paper's reference code. Memory: SA (4n) + one type
// bit per symbol + the counts/bucket arrays of each level (the reduced alphabet is at most n/2 names).

type Text = Uint8Array | Int32Array;

/**
 * The suffix array of `text`: the start positions of its suffixes in lexicographic order (the empty suffix left
 * out). Linear time.
 *
 * @example
 * ```ts
 * suffixArray(Uint8Array.of(98, 97, 110, 97, 110, 97)); // "banana" -> Int32Array [5, 3, 1, 0, 4, 2]
 * ```
 */
export function suffixArray(text: Uint8Array): Int32Array {
  const sa = new Int32Array(text.length);
  if (text.length > 0) sais(text, sa, text.length, 256);
  return sa;
}

function counts(s: Text, n: number, cnt: Int32Array): void {
  cnt.fill(0);
  for (let i = 0; i < n; i++) {
    const c = s[i] as number;
    cnt[c] = (cnt[c] as number) + 1;
  }
}

function buckets(cnt: Int32Array, bkt: Int32Array, k: number, ends: boolean): void {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const x = cnt[c] as number;
    sum += x;
    bkt[c] = ends ? sum : sum - x;
  }
}

/** S-type bit of position i (the bit array is filled by classify()). */
function isS(t: Uint8Array, i: number): boolean {
  return ((t[i >> 3] as number) & (1 << (i & 7))) !== 0;
}

function isLms(t: Uint8Array, i: number): boolean {
  return i > 0 && isS(t, i) && !isS(t, i - 1);
}

function classify(s: Text, n: number, t: Uint8Array): void {
  // The last symbol is L-type: it is larger than the virtual sentinel.
  let next = 0;
  for (let i = n - 2; i >= 0; i--) {
    const a = s[i] as number;
    const b = s[i + 1] as number;
    const type = a < b || (a === b && next === 1) ? 1 : 0;
    if (type) t[i >> 3] = (t[i >> 3] as number) | (1 << (i & 7));
    next = type;
  }
}

/**
 * Induced sorting (SA-IS §3): L-type suffixes left to right from bucket heads, then S-type right to left from
 * bucket tails. An entry is stored complemented (~j) when its predecessor must not be induced in the current pass,
 * which sais-lite derives from one symbol comparison instead of a type lookup.
 */
function induce(s: Text, sa: Int32Array, n: number, k: number, cnt: Int32Array, bkt: Int32Array): void {
  buckets(cnt, bkt, k, false);
  // The virtual sentinel sorts first; its predecessor n-1 is L-type.
  let j = n - 1;
  let c1 = s[j] as number;
  let b = bkt[c1] as number;
  sa[b++] = j > 0 && (s[j - 1] as number) < c1 ? ~j : j;
  for (let i = 0; i < n; i++) {
    j = sa[i] as number;
    sa[i] = ~j;
    if (j > 0) {
      j--;
      const c0 = s[j] as number;
      if (c0 !== c1) {
        bkt[c1] = b;
        c1 = c0;
        b = bkt[c1] as number;
      }
      sa[b++] = j > 0 && (s[j - 1] as number) < c1 ? ~j : j;
    }
  }
  buckets(cnt, bkt, k, true);
  c1 = 0;
  b = bkt[0] as number;
  for (let i = n - 1; i >= 0; i--) {
    j = sa[i] as number;
    if (j > 0) {
      j--;
      const c0 = s[j] as number;
      if (c0 !== c1) {
        bkt[c1] = b;
        c1 = c0;
        b = bkt[c1] as number;
      }
      sa[--b] = j === 0 || (s[j - 1] as number) > c1 ? ~j : j;
    } else {
      sa[i] = ~j;
    }
  }
}

function sais(s: Text, sa: Int32Array, n: number, k: number): void {
  if (n === 1) {
    sa[0] = 0;
    return;
  }
  const t = new Uint8Array((n >> 3) + 1);
  classify(s, n, t);
  const cnt = new Int32Array(k);
  const bkt = new Int32Array(k);
  counts(s, n, cnt);

  // Stage 1: sort the LMS substrings by induction from LMS positions dropped at their bucket ends.
  sa.fill(0, 0, n);
  buckets(cnt, bkt, k, true);
  for (let i = 1; i < n; i++) if (isLms(t, i)) dropAtBucketEnd(s, sa, bkt, i);
  induce(s, sa, n, k, cnt, bkt);

  // Compact the sorted LMS positions into sa[0, n1).
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    const p = sa[i] as number;
    if (isLms(t, p)) sa[n1++] = p;
  }
  // Name the LMS substrings: store each one's length (up to and including the next LMS position, or the sentinel)
  // at n1 + pos/2, then equal names need equal length and equal symbols.
  sa.fill(0, n1, n);
  let next = n; // the sentinel is the LMS position after the last one
  for (let i = n - 1; i >= 1; i--) {
    if (isLms(t, i)) {
      sa[n1 + (i >> 1)] = next - i + 1;
      next = i;
    }
  }
  let name = 0;
  let prev = -1;
  let prevLen = 0;
  for (let i = 0; i < n1; i++) {
    const pos = sa[i] as number;
    const len = sa[n1 + (pos >> 1)] as number;
    let same = len === prevLen && pos + len <= n && prev + len <= n;
    for (let d = 0; same && d < len; d++) if (s[pos + d] !== s[prev + d]) same = false;
    if (!same) {
      name++;
      prev = pos;
      prevLen = len;
    }
    sa[n1 + (pos >> 1)] = name - 1;
  }
  for (let i = n - 1, j = n - 1; i >= n1; i--) {
    const v = sa[i] as number;
    if (v > 0 || (v === 0 && isNameSlot(t, n1, i))) sa[j--] = v;
  }

  // Stage 2: the suffix array of the reduced string (recursing while names repeat).
  const s1 = sa.subarray(n - n1, n);
  const sa1 = sa.subarray(0, n1);
  if (name < n1) sais(s1, sa1, n1, name);
  else for (let i = 0; i < n1; i++) sa1[s1[i] as number] = i;

  // Stage 3: induce the full order from the sorted LMS suffixes dropped at their bucket ends.
  for (let i = 1, j = 0; i < n; i++) if (isLms(t, i)) s1[j++] = i;
  for (let i = 0; i < n1; i++) sa1[i] = s1[sa1[i] as number] as number;
  sa.fill(0, n1, n);
  buckets(cnt, bkt, k, true);
  for (let i = n1 - 1; i >= 0; i--) {
    const j = sa[i] as number;
    sa[i] = 0;
    dropAtBucketEnd(s, sa, bkt, j);
  }
  induce(s, sa, n, k, cnt, bkt);
}

function dropAtBucketEnd(s: Text, sa: Int32Array, bkt: Int32Array, i: number): void {
  const c = s[i] as number;
  const at = (bkt[c] as number) - 1;
  bkt[c] = at;
  sa[at] = i;
}

/** True when slot i (>= n1) holds the name of an LMS position (names can be 0, so the slot is identified by position). */
function isNameSlot(t: Uint8Array, n1: number, i: number): boolean {
  const half = i - n1;
  return isLms(t, 2 * half) || isLms(t, 2 * half + 1);
}
