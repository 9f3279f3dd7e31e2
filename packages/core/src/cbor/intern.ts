// Not exported from the package: shared by the decoder and the cursor.

// Short ASCII strings repeat from message to message (profile names, claim values, algorithm names): a small
// direct-mapped table returns the string built last time for the same bytes, so a busy verifier stops allocating
// them. Bounded (INTERN_SLOTS entries of at most INTERN_MAX bytes) and created on first use.
export const INTERN_MAX = 48;
const INTERN_SLOTS = 256;
let internBytes: Uint8Array | undefined;
let internLen: Uint8Array | undefined;
let internStr: string[] | undefined;

/** The interned string for ASCII bytes `[from, to)` whose hash (as text() computes it) is `h`. */
export function internAscii(b: Uint8Array, from: number, to: number, h: number): string {
  const n = to - from;
  if (internBytes === undefined || internLen === undefined || internStr === undefined) {
    internBytes = new Uint8Array(INTERN_SLOTS * INTERN_MAX);
    internLen = new Uint8Array(INTERN_SLOTS);
    internStr = new Array<string>(INTERN_SLOTS).fill("");
  }
  const slot = (h ^ (h >>> 8)) & (INTERN_SLOTS - 1);
  const base = slot * INTERN_MAX;
  if (internLen[slot] === n) {
    let k = 0;
    while (k < n && internBytes[base + k] === b[from + k]) k++;
    // Slot 0-length entries are "" and match only an empty string, which is what they are.
    if (k === n) return internStr[slot] as string;
  }
  const s = asciiString(b, from, to);
  internBytes.set(b.subarray(from, to), base);
  internLen[slot] = n;
  internStr[slot] = s;
  return s;
}

/**
 * An ASCII range as a string: a plain array through fromCharCode.apply is markedly faster than a typed-array view,
 * and than adding one character at a time (which also leaves a rope to flatten).
 */
function asciiString(b: Uint8Array, from: number, to: number): string {
  const codes = new Array<number>(to - from);
  for (let k = from; k < to; k++) codes[k - from] = b[k] as number;
  return String.fromCharCode.apply(null, codes);
}
