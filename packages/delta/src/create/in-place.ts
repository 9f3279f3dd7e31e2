import { Plan } from "./plan.js";
import { longestMatchFrom, type Match } from "./search.js";

// In-place patches (docs/delta-format.md "In-place patches"): the new image is written over the old one in the same
// slot, in pieces of `granule` bytes aligned to the granule, each piece written only once it is complete. So when
// new offset q is produced, the old bytes below alignDown(q, granule) are gone. A copy may read old offset o for new
// offset q only when o >= alignDown(q, granule). Copies that break the rule are cut to their safe parts; what is
// left is covered again with matches from the old image at or ahead of the write position, or inserted.

/** Shortest exact match worth a step in the re-covered holes (a step costs about as much as 3 literals). */
const MIN_MATCH = 12;
/** Suffix-array neighbours looked at per position when re-covering holes. */
const SCAN = 48;

/**
 * The plan made safe for in-place apply.
 *
 * @example
 * ```ts
 * const safe = inPlacePlan(old, neu, sa, bsdiffPlan(old, neu, sa), 16384);
 * ```
 */
export function inPlacePlan(old: Uint8Array, neu: Uint8Array, sa: Int32Array, plan: Plan, granule: number): Plan {
  const out = new Plan(plan.count + 16);
  let pendingInsert = 0;
  let q = 0;
  const m: Match = { pos: 0, len: 0 };
  // Emits a copy, carrying inserted bytes that came before it into the previous step.
  const copy = (oldPos: number, len: number) => {
    out.push(0, pendingInsert, 0);
    pendingInsert = 0;
    out.push(len, 0, oldPos);
  };
  // Re-covers new[from, to) with safe exact matches, inserting what no match covers.
  const hole = (from: number, to: number) => {
    let at = from;
    while (at < to) {
      longestMatchFrom(old, sa, neu.subarray(0, to), at, at, SCAN, m);
      if (m.len >= MIN_MATCH) {
        copy(m.pos, m.len);
        at += m.len;
      } else {
        pendingInsert++;
        at++;
      }
    }
  };
  for (let i = 0; i < plan.count; i++) {
    const copyLen = plan.copyLen[i] as number;
    const insertLen = plan.insertLen[i] as number;
    const oldPos = plan.oldPos[i] as number;
    if (oldPos >= q) {
      if (copyLen > 0) copy(oldPos, copyLen);
    } else {
      // A negative displacement is safe only inside one granule, from offset -disp on: walk granule by granule.
      for (let j = 0; j < copyLen; ) {
        const inGranule = (q + j) & (granule - 1);
        const n = Math.min(copyLen - j, granule - inGranule);
        const start = Math.max(j, Math.min(j + n, j + (q - oldPos) - inGranule));
        if (start > j) hole(q + j, q + start);
        if (start < j + n) copy(oldPos + start, j + n - start);
        j += n;
      }
    }
    q += copyLen + insertLen;
    pendingInsert += insertLen;
  }
  out.push(0, pendingInsert, 0);
  return compact(out);
}

/** Merges insert-only steps into the step before and adjacent copies that continue each other. */
function compact(plan: Plan): Plan {
  const out = new Plan(plan.count);
  let c = 0;
  let n = 0;
  let o = 0;
  for (let i = 0; i < plan.count; i++) {
    const copyLen = plan.copyLen[i] as number;
    const insertLen = plan.insertLen[i] as number;
    const oldPos = plan.oldPos[i] as number;
    if (copyLen === 0) n += insertLen;
    else if (n === 0 && c > 0 && oldPos === o + c) c += copyLen;
    else {
      out.push(c, n, o);
      c = copyLen;
      n = 0;
      o = oldPos;
    }
    if (copyLen > 0 && insertLen > 0) n += insertLen;
  }
  out.push(c, n, o);
  return out;
}
