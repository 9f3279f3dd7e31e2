import type { BitReader } from "./bit-reader.js";
import { HuffmanTable, MAX_ALPHA_SIZE, MAX_CODE_LEN } from "./huffman.js";
import { corrupt } from "./pull-input.js";

// One bzip2 block after its header (bzip2 1.0.8 decompress.c): symbol map, Huffman group selectors (MTF-coded),
// delta-coded code lengths, then Huffman symbols -> RUNA/RUNB zero runs (RLE2) + move-to-front -> the BWT's last
// column L. The caller inverts the BWT.

const MAX_GROUPS = 6;
const GROUP_SIZE = 50;
/** bzip2 1.0.8 reads up to 2^15-1 selectors but keeps only this many (CVE-2019-12900 fix). */
const MAX_SELECTORS = 2 + Math.floor(900000 / GROUP_SIZE);
/** Longest RUNA/RUNB run bzip2 accepts (`N >= 2*1024*1024` is an error). */
const MAX_RUN_WEIGHT = 2 * 1024 * 1024;
/** Bits one group of 50 symbols can take at most (20-bit codes), read without awaiting. */
const GROUP_BITS = GROUP_SIZE * MAX_CODE_LEN;
/**
 * First allocation of the block vector. It doubles as a block needs more, capped at the header's block size, so
 * memory follows the largest block actually decoded (the copy while growing briefly holds old + new).
 */
const INITIAL_CAPACITY = 4096;

/** How a block's symbols are kept: 4 bytes each (fast) or 2 + ½ bytes each (bzip2's small mode). */
export type Bzip2Memory = "fast" | "small";

/** The decoded block: L in `store` (low byte of each entry), its length, the BWT origin, the byte counts. */
export interface DecodedBlock {
  nblock: number;
  origPtr: number;
  /** counts[b] = occurrences of byte b in the block. */
  counts: Int32Array;
}

export class BlockDecoder {
  private readonly tables = Array.from({ length: MAX_GROUPS }, () => new HuffmanTable());
  private readonly selectorMtf = new Uint8Array(MAX_SELECTORS);
  private readonly selectors = new Uint8Array(MAX_SELECTORS);
  private readonly seqToUnseq = new Uint8Array(256);
  private readonly yy = new Uint8Array(256);
  private readonly counts = new Int32Array(256);
  /** The block vector: L, then (after inversion) the links. Grown on demand, never beyond the header's size. */
  store: Uint32Array | Uint16Array;

  constructor(readonly memory: Bzip2Memory) {
    this.store = memory === "fast" ? new Uint32Array(0) : new Uint16Array(0);
  }

  private grow(needed: number, nblockMax: number): void {
    const old = this.store;
    const size = Math.min(nblockMax, Math.max(needed, old.length * 2, INITIAL_CAPACITY));
    const next = this.memory === "fast" ? new Uint32Array(size) : new Uint16Array(size);
    next.set(old);
    this.store = next;
  }

  /** Decodes the block body; the bit reader sits right after the block CRC and the randomised bit. */
  async decode(bits: BitReader, nblockMax: number): Promise<DecodedBlock> {
    await bits.ensure(24 + 16 + 256 + 3 + 15);
    const origPtr = bits.read(24);
    if (origPtr > nblockMax + 10) corrupt("bzip2 block origin pointer out of range", bits.input.offset);

    const nInUse = this.readSymbolMap(bits);
    const alphaSize = nInUse + 2;
    const nGroups = bits.read(3);
    if (nGroups < 2 || nGroups > MAX_GROUPS) corrupt("bzip2 Huffman group count out of range", bits.input.offset);
    const nSelectors = await this.readSelectors(bits, nGroups);
    await this.readCodeLengths(bits, nGroups, alphaSize);

    // Huffman + RLE2 + MTF (decompress.c, GET_MTF_VAL and the loop after it).
    const { selectors, tables, seqToUnseq, yy, counts } = this;
    const eob = nInUse + 1;
    counts.fill(0);
    for (let i = 0; i < 256; i++) yy[i] = i;
    let store = this.store;
    let nblock = 0;
    let groupNo = -1;
    let groupPos = 0;
    let table = tables[0] as HuffmanTable;
    let runWeight = 0;
    let runLength = 0;
    for (;;) {
      if (groupPos === 0) {
        if (++groupNo >= nSelectors) corrupt("bzip2 block has more symbol groups than selectors", bits.input.offset);
        groupPos = GROUP_SIZE;
        table = tables[selectors[groupNo] as number] as HuffmanTable;
        if (bits.buffered < GROUP_BITS) await bits.ensure(GROUP_BITS);
      }
      groupPos--;
      const { limit, base, perm } = table;
      let zn = table.minLen;
      let zvec = bits.read(zn);
      while (zvec > (limit[zn] as number)) {
        if (++zn > MAX_CODE_LEN) corrupt("bzip2 Huffman code too long", bits.input.offset);
        zvec = (zvec << 1) | bits.bit();
      }
      const index = zvec - (base[zn] as number);
      if (index < 0 || index >= MAX_ALPHA_SIZE) corrupt("bzip2 Huffman code out of range", bits.input.offset);
      const sym = perm[index] as number;

      if (sym <= 1) {
        // RUNA (0) / RUNB (1): bijective base-2 digits of a run of the front symbol, least significant first.
        if (runWeight === 0) {
          runWeight = 1;
          runLength = 0;
        } else if (runWeight >= MAX_RUN_WEIGHT) {
          corrupt("bzip2 run too long", bits.input.offset);
        }
        runLength += (sym + 1) * runWeight;
        runWeight *= 2;
        continue;
      }
      if (runWeight !== 0) {
        runWeight = 0;
        const b = seqToUnseq[yy[0] as number] as number;
        if (nblock + runLength > nblockMax) corrupt("bzip2 block longer than its declared size", bits.input.offset);
        if (nblock + runLength > store.length) {
          this.grow(nblock + runLength, nblockMax);
          store = this.store;
        }
        counts[b]! += runLength;
        store.fill(b, nblock, nblock + runLength);
        nblock += runLength;
      }
      if (sym === eob) break;
      if (sym > eob) corrupt("bzip2 symbol outside the block's alphabet", bits.input.offset);
      if (nblock >= store.length) {
        if (nblock >= nblockMax) corrupt("bzip2 block longer than its declared size", bits.input.offset);
        this.grow(nblock + 1, nblockMax);
        store = this.store;
      }
      // Move-to-front: symbol n (2..nInUse) is MTF position n-1.
      let k = sym - 1;
      const uc = yy[k] as number;
      for (; k > 0; k--) yy[k] = yy[k - 1] as number;
      yy[0] = uc;
      const b = seqToUnseq[uc] as number;
      counts[b]!++;
      store[nblock++] = b;
    }
    if (origPtr >= nblock) corrupt("bzip2 block origin pointer beyond the block", bits.input.offset);
    return { nblock, origPtr, counts };
  }

  /** 16-bit map of used 16-byte ranges, then a 16-bit map for each used range. */
  private readSymbolMap(bits: BitReader): number {
    const used = bits.read(16);
    let n = 0;
    for (let i = 0; i < 16; i++) {
      if (!(used & (0x8000 >>> i))) continue;
      const word = bits.read(16);
      for (let j = 0; j < 16; j++) if (word & (0x8000 >>> j)) this.seqToUnseq[n++] = i * 16 + j;
    }
    if (n === 0) corrupt("bzip2 block uses no symbols", bits.input.offset);
    return n;
  }

  /** Selector count, then each selector as a unary MTF index; returns the number kept. */
  private async readSelectors(bits: BitReader, nGroups: number): Promise<number> {
    const total = bits.read(15);
    if (total < 1) corrupt("bzip2 block has no selectors", bits.input.offset);
    const mtf = this.selectorMtf;
    for (let i = 0; i < total; i++) {
      if ((i & 1023) === 0) await bits.ensure(1024 * MAX_GROUPS);
      let j = 0;
      while (bits.bit()) {
        if (++j >= nGroups) corrupt("bzip2 selector out of range", bits.input.offset);
      }
      if (i < MAX_SELECTORS) mtf[i] = j;
    }
    const kept = Math.min(total, MAX_SELECTORS);
    const pos = [0, 1, 2, 3, 4, 5];
    for (let i = 0; i < kept; i++) {
      let v = mtf[i] as number;
      const tmp = pos[v] as number;
      for (; v > 0; v--) pos[v] = pos[v - 1] as number;
      pos[0] = tmp;
      this.selectors[i] = tmp;
    }
    return kept;
  }

  /** Per group: a 5-bit start length, then per symbol +1/-1 steps ("10" up, "11" down) ended by a "0". */
  private async readCodeLengths(bits: BitReader, nGroups: number, alphaSize: number): Promise<void> {
    for (let t = 0; t < nGroups; t++) {
      const table = this.tables[t] as HuffmanTable;
      await bits.ensure(5);
      let curr = bits.read(5);
      for (let i = 0; i < alphaSize; i++) {
        for (;;) {
          if (curr < 1 || curr > MAX_CODE_LEN) corrupt("bzip2 code length out of range", bits.input.offset);
          if (bits.buffered < 2) await bits.ensure(512);
          if (!bits.bit()) break;
          curr += bits.bit() ? -1 : 1;
        }
        table.lengths[i] = curr;
      }
      table.build(alphaSize);
    }
  }
}
