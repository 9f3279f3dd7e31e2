// The default instruction code table (RFC 3284 §5.6): each of the 256 opcodes stands for one or two instructions
// (type, size, mode). Size 0 means "the size follows in the instructions section".

export const NOOP = 0;
export const ADD = 1;
export const RUN = 2;
export const COPY = 3;

export interface CodeTable {
  type1: Uint8Array;
  size1: Uint8Array;
  mode1: Uint8Array;
  type2: Uint8Array;
  size2: Uint8Array;
  mode2: Uint8Array;
}

/** Address-cache sizes of the default table (RFC 3284 §5.3): s_near = 4, s_same = 3, so COPY modes are 0..8. */
export const NEAR_SIZE = 4;
export const SAME_SIZE = 3;
const MODES = 2 + NEAR_SIZE + SAME_SIZE;

let cached: CodeTable | undefined;

export function defaultCodeTable(): CodeTable {
  if (cached) return cached;
  const t: CodeTable = {
    type1: new Uint8Array(256),
    size1: new Uint8Array(256),
    mode1: new Uint8Array(256),
    type2: new Uint8Array(256),
    size2: new Uint8Array(256),
    mode2: new Uint8Array(256),
  };
  let i = 0;
  const one = (type: number, size: number, mode: number) => {
    t.type1[i] = type;
    t.size1[i] = size;
    t.mode1[i] = mode;
    i++;
  };
  const two = (ta: number, sa: number, ma: number, tb: number, sb: number, mb: number) => {
    t.type2[i] = tb;
    t.size2[i] = sb;
    t.mode2[i] = mb;
    one(ta, sa, ma);
  };
  one(RUN, 0, 0); // 0
  one(ADD, 0, 0); // 1
  for (let s = 1; s <= 17; s++) one(ADD, s, 0); // 2..18
  for (let m = 0; m < MODES; m++) {
    one(COPY, 0, m); // 19 + 16m
    for (let s = 4; s <= 18; s++) one(COPY, s, m);
  }
  for (let m = 0; m < 6; m++) {
    for (let a = 1; a <= 4; a++) for (let c = 4; c <= 6; c++) two(ADD, a, 0, COPY, c, m); // 163..234
  }
  for (let m = 6; m < MODES; m++) for (let a = 1; a <= 4; a++) two(ADD, a, 0, COPY, 4, m); // 235..246
  for (let m = 0; m < MODES; m++) two(COPY, 4, m, ADD, 1, 0); // 247..255
  cached = t;
  return t;
}
