// Not exported from the package: shared by the decoder and the cursor.

// Short ASCII strings repeat from message to message (profile names, claim values, algorithm names): a small
// direct-mapped table returns the string built last time for the same bytes, so a busy verifier stops allocating
// them. Bounded (INTERN_SLOTS entries of at most INTERN_MAX bytes) and created on first use.
const INTERN_MAX = 48;
const INTERN_SLOTS = 256;
let internBytes: Uint8Array | undefined;
let internLen: Uint8Array | undefined;
let internStr: string[] | undefined;

/** The interned string for ASCII bytes `[from, to)` whose hash (as asciiText computes it) is `h`. */
function internAscii(b: Uint8Array, from: number, to: number, h: number): string {
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

/** Longer text goes to the UTF-8 decoder (or, for the cursor, to the general path) in one piece. */
const ASCII_ONE_PASS_MAX = 1024;

/**
 * The string of `b[from, to)` when every byte is ASCII and the range is at most 1024 bytes, else undefined (then
 * the UTF-8 decoder decides). Short strings come from the intern table; longer ones are checked and copied in one
 * pass. Shared by the decoder's text strings and the cursor's.
 */
export function asciiText(b: Uint8Array, from: number, to: number): string | undefined {
  const n = to - from;
  if (n <= INTERN_MAX) {
    let h = n;
    for (let i = from; i < to; i++) {
      const c = b[i] as number;
      if (c >= 0x80) return undefined;
      h = (Math.imul(h, 31) + c) | 0;
    }
    return internAscii(b, from, to, h);
  }
  if (n > ASCII_ONE_PASS_MAX) return undefined;
  const codes = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const c = b[from + i] as number;
    if (c >= 0x80) return undefined;
    codes[i] = c;
  }
  return String.fromCharCode.apply(null, codes);
}
