// bzip2 canonical Huffman decoding tables (bzip2 1.0.8 huffman.c `BZ2_hbCreateDecodeTables`): codes of one length
// are consecutive integers, so a code of length `n` is decoded by comparing against `limit[n]` and indexing `perm`
// with `code - base[n]`. Lengths are 1..20 (the table reader enforces it).

/** Longest code bzip2 emits; a longer one is DELTA_CORRUPT. */
export const MAX_CODE_LEN = 20;
/** 256 MTF values + RUNA/RUNB - 1 + EOB: the largest alphabet. */
export const MAX_ALPHA_SIZE = 258;

export class HuffmanTable {
  readonly lengths = new Uint8Array(MAX_ALPHA_SIZE);
  readonly limit = new Int32Array(MAX_CODE_LEN + 3);
  readonly base = new Int32Array(MAX_CODE_LEN + 3);
  readonly perm = new Int32Array(MAX_ALPHA_SIZE);
  minLen = 0;

  /** Builds the tables from `lengths[0, alphaSize)`, each already checked to be in 1..20. */
  build(alphaSize: number): void {
    const { lengths, limit, base, perm } = this;
    let minLen = 32;
    let maxLen = 0;
    for (let i = 0; i < alphaSize; i++) {
      const l = lengths[i] as number;
      if (l > maxLen) maxLen = l;
      if (l < minLen) minLen = l;
    }
    perm.fill(0);
    let pp = 0;
    for (let len = minLen; len <= maxLen; len++) {
      for (let j = 0; j < alphaSize; j++) if (lengths[j] === len) perm[pp++] = j;
    }
    base.fill(0);
    for (let i = 0; i < alphaSize; i++) base[(lengths[i] as number) + 1]!++;
    for (let i = 1; i < base.length; i++) base[i]! += base[i - 1] as number;
    limit.fill(0);
    let vec = 0;
    for (let i = minLen; i <= maxLen; i++) {
      vec += (base[i + 1] as number) - (base[i] as number);
      limit[i] = vec - 1;
      vec <<= 1;
    }
    for (let i = minLen + 1; i <= maxLen; i++) base[i] = (((limit[i - 1] as number) + 1) << 1) - (base[i] as number);
    this.minLen = minLen;
  }
}
