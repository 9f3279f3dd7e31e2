import { Plan } from "./plan.js";
import { longestMatch, type Match } from "./search.js";

// The matching loop of bsdiff 4.3 (Colin Percival, "Naive differences of executable code", 2003): scan the new
// image for exact matches that beat the running approximate alignment by more than 8 bytes, then extend the
// previous alignment forward and the new match backward while at least half the bytes agree, splitting any overlap
// where the byte-agreement score is best.

/**
 * A bsdiff-style plan for old -> neu given old's suffix array.
 *
 * @example
 * ```ts
 * const plan = bsdiffPlan(old, neu, suffixArray(old));
 * ```
 */
export function bsdiffPlan(
  old: Uint8Array,
  neu: Uint8Array,
  sa: Int32Array,
  onProgress?: (done: number) => void,
): Plan {
  const plan = new Plan();
  const oldSize = old.length;
  const newSize = neu.length;
  const m: Match = { pos: 0, len: 0 };
  let scan = 0;
  let len = 0;
  let pos = 0;
  let lastScan = 0;
  let lastPos = 0;
  let lastOffset = 0;
  let nextReport = 1 << 20;
  while (scan < newSize) {
    let oldScore = 0;
    scan += len;
    let scsc = scan;
    for (; scan < newSize; scan++) {
      longestMatch(old, sa, neu, scan, m);
      len = m.len;
      pos = m.pos;
      for (; scsc < scan + len; scsc++) {
        if (scsc + lastOffset < oldSize && old[scsc + lastOffset] === neu[scsc]) oldScore++;
      }
      if ((len === oldScore && len !== 0) || len > oldScore + 8) break;
      if (scan + lastOffset < oldSize && old[scan + lastOffset] === neu[scan]) oldScore--;
    }
    if (len !== oldScore || scan === newSize) {
      let s = 0;
      let sf = 0;
      let lenf = 0;
      for (let i = 0; lastScan + i < scan && lastPos + i < oldSize; ) {
        if (old[lastPos + i] === neu[lastScan + i]) s++;
        i++;
        if (s * 2 - i > sf * 2 - lenf) {
          sf = s;
          lenf = i;
        }
      }
      let lenb = 0;
      if (scan < newSize) {
        s = 0;
        let sb = 0;
        for (let i = 1; scan >= lastScan + i && pos >= i; i++) {
          if (old[pos - i] === neu[scan - i]) s++;
          if (s * 2 - i > sb * 2 - lenb) {
            sb = s;
            lenb = i;
          }
        }
      }
      if (lastScan + lenf > scan - lenb) {
        const overlap = lastScan + lenf - (scan - lenb);
        s = 0;
        let ss = 0;
        let lens = 0;
        for (let i = 0; i < overlap; i++) {
          if (neu[lastScan + lenf - overlap + i] === old[lastPos + lenf - overlap + i]) s++;
          if (neu[scan - lenb + i] === old[pos - lenb + i]) s--;
          if (s > ss) {
            ss = s;
            lens = i + 1;
          }
        }
        lenf += lens - overlap;
        lenb -= lens;
      }
      plan.push(lenf, scan - lenb - (lastScan + lenf), lastPos);
      lastScan = scan - lenb;
      lastPos = pos - lenb;
      lastOffset = pos - scan;
      if (onProgress && scan >= nextReport) {
        onProgress(scan);
        nextReport = scan + (1 << 20);
      }
    }
  }
  return plan;
}
