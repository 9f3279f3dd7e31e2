// Word predictor of the copy model (docs/delta-format.md "Predictors"). When code moves, the words that change in
// a copied region are mostly references: absolute pointers and PC-relative branches whose target moved by a
// different amount than the instruction. The predictor learns, per 4 KiB page of the old address space, how far
// targets in that page moved (from the words it has already seen decoded) and proposes the new value of the next
// pointer or branch into that page. Nothing is transmitted for it: encoder and decoder learn the same table.
//
// Words are int32 throughout (never >>> 0): V8 keeps small integers unboxed, while a uint32 above 2^31 stored in a
// field becomes a heap number, one allocation per word.
//
// Branch encodings (Arm ARM DDI 0406C): A32 B/BL with condition AL (§A8.8.18, §A8.8.25: 1110 101L imm24, target =
// PC + 8 + imm24 * 4; conditional branches are short and rarely change, and testing them costs more than they
// save) and Thumb-2 BL / B.W T4 (§A8.8.25, §A8.8.18: 11110 S imm10, 1 J1 x J2 imm11 with I1 = !(J1 ^ S),
// I2 = !(J2 ^ S), target = PC + 4 + SignExtend(S:I1:I2:imm10:imm11:0)).

/** Header flag bits selecting the predictors (stored in the delta header's predictor byte). */
export const PREDICT_POINTERS = 1;
export const PREDICT_A32 = 2;
export const PREDICT_THUMB = 4;
export const PREDICT_ALL = PREDICT_POINTERS | PREDICT_A32 | PREDICT_THUMB;

export const KIND_NONE = 0;
export const KIND_POINTER = 1;
export const KIND_BRANCH = 2;

const SLOTS_LOG = 10;
const SLOTS = 1 << SLOTS_LOG;
const PAGE_SHIFT = 12;
const CONF_MAX = 3;

const BRANCH_NONE = 0;
const BRANCH_A32 = 1;
const BRANCH_THUMB = 2;

/** Learned displacement per page, in a small hash table (tag 0 = empty); memory: SLOTS * 9 bytes. */
export class Predictor {
  private readonly tags = new Int32Array(SLOTS);
  private readonly deltas = new Int32Array(SLOTS);
  private readonly confs = new Uint8Array(SLOTS);
  /** Set by predict(): KIND_* of the prediction (KIND_NONE when the expected word is the old one) and confidence. */
  kind = KIND_NONE;
  conf = 0;
  private branch = BRANCH_NONE;
  private target = 0;
  private slot = 0;
  private tag = 0;

  constructor(readonly enabled: number) {}

  get workingBytes(): number {
    return SLOTS * 9;
  }

  reset(): void {
    this.tags.fill(0);
    this.deltas.fill(0);
    this.confs.fill(0);
  }

  /** The expected new word at new offset q for old word w at old offset o; sets kind and conf. */
  predict(w: number, o: number, q: number): number {
    this.kind = KIND_NONE;
    const en = this.enabled;
    if (en & PREDICT_A32 && w >>> 25 === 0x75) {
      this.branch = BRANCH_A32;
      const target = o + 8 + ((w << 8) >> 6);
      this.target = target;
      if (!this.lookup(target >>> PAGE_SHIFT, KIND_BRANCH)) return w;
      const t = target + (this.deltas[this.slot] as number);
      return this.expect(KIND_BRANCH, w, (w & 0xff000000) | (((t - q - 8) >> 2) & 0xffffff));
    }
    if (en & PREDICT_THUMB && (w & 0xf800) === 0xf000 && ((w >>> 28) & 9) === 9) {
      this.branch = BRANCH_THUMB;
      const target = o + 4 + thumbOffset(w);
      this.target = target;
      if (!this.lookup(target >>> PAGE_SHIFT, KIND_BRANCH)) return w;
      return this.expect(KIND_BRANCH, w, thumbWithOffset(w, target + (this.deltas[this.slot] as number) - q - 4));
    }
    this.branch = BRANCH_NONE;
    if (!(en & PREDICT_POINTERS) || !this.lookup(w >>> PAGE_SHIFT, KIND_POINTER)) return w;
    return this.expect(KIND_POINTER, w, (w + (this.deltas[this.slot] as number)) | 0);
  }

  /**
   * True when predict() would expect the old word w unchanged and learning w -> w would change nothing, for a word of
   * a copy whose displacement is `disp` (new offset - old offset): w is no branch or pointer the table knows, or it
   * is one whose page the table already knows, with full confidence, to move by exactly `disp` (a branch) or 0 (a
   * pointer). Lets the decoder copy runs of such words without calling predict() and learn().
   */
  quiet(w: number, o: number, disp: number): boolean {
    const en = this.enabled;
    let tag: number;
    if (en & PREDICT_A32 && w >>> 25 === 0x75) {
      tag = (((o + 8 + ((w << 8) >> 6)) >>> PAGE_SHIFT) << 2) + KIND_BRANCH + 1;
    } else if (en & PREDICT_THUMB && (w & 0xf800) === 0xf000 && ((w >>> 28) & 9) === 9) {
      tag = (((o + 4 + thumbOffset(w)) >>> PAGE_SHIFT) << 2) + KIND_BRANCH + 1;
    } else if (en & PREDICT_POINTERS) {
      tag = ((w >>> PAGE_SHIFT) << 2) + KIND_POINTER + 1;
      const s = Math.imul(tag, 0x9e3779b1) >>> (32 - SLOTS_LOG);
      return this.tags[s] !== tag || (this.deltas[s] === 0 && this.confs[s] === CONF_MAX);
    } else {
      return true;
    }
    const s = Math.imul(tag, 0x9e3779b1) >>> (32 - SLOTS_LOG);
    return this.tags[s] === tag && this.deltas[s] === disp && this.confs[s] === CONF_MAX;
  }

  /** Learns from the word just coded: w (old) became n (new) at new offset q. Call right after predict(w, o, q). */
  learn(w: number, n: number, q: number): void {
    const branch = this.branch;
    if (branch === BRANCH_A32) {
      // The new word must still be a branch of the same kind for its target to say where the old target went.
      if (n >>> 24 === w >>> 24) this.update(q + 8 + ((n << 8) >> 6) - this.target);
    } else if (branch === BRANCH_THUMB) {
      if ((n & 0xf800) === 0xf000 && (n & 0xd0000000) === (w & 0xd0000000)) {
        this.update(q + 4 + thumbOffset(n) - this.target);
      }
    } else if (this.enabled & PREDICT_POINTERS) {
      // Unchanged words only teach a page that is already known (most words are not pointers).
      if (n !== w || this.tags[this.slot] === this.tag) this.update((n - w) | 0);
    }
  }

  private expect(kind: number, w: number, expected: number): number {
    if (expected !== w) {
      this.kind = kind;
      this.conf = this.confs[this.slot] as number;
    }
    return expected;
  }

  /** Points slot/tag at the table entry for (key, kind); true when that page is known. */
  private lookup(key: number, kind: number): boolean {
    const tag = ((key << 2) | kind) + 1;
    const s = Math.imul(tag, 0x9e3779b1) >>> (32 - SLOTS_LOG);
    this.tag = tag;
    this.slot = s;
    return this.tags[s] === tag;
  }

  // A repeated displacement raises the page's confidence; a different one lowers it, and replaces it once the
  // confidence is gone. A colliding page takes the slot the same way, so a busy entry survives occasional noise.
  private update(delta: number): void {
    const s = this.slot;
    const tag = this.tag;
    const conf = this.confs[s] as number;
    if (this.tags[s] === tag) {
      if (this.deltas[s] === delta) {
        if (conf < CONF_MAX) this.confs[s] = conf + 1;
      } else if (conf > 0) {
        this.confs[s] = conf - 1;
      } else {
        this.deltas[s] = delta;
      }
    } else if (conf > 0 && this.tags[s] !== 0) {
      this.confs[s] = conf - 1;
    } else {
      this.tags[s] = tag;
      this.deltas[s] = delta;
      this.confs[s] = 0;
    }
  }
}

/** The branch offset of a Thumb-2 BL / B.W T4 word (first halfword in the low 16 bits, as stored little-endian). */
function thumbOffset(w: number): number {
  const s = (w >>> 10) & 1;
  const i1 = 1 - (((w >>> 29) & 1) ^ s);
  const i2 = 1 - (((w >>> 27) & 1) ^ s);
  const imm = (s << 24) | (i1 << 23) | (i2 << 22) | ((w & 0x3ff) << 12) | (((w >>> 16) & 0x7ff) << 1);
  return (imm << 7) >> 7;
}

function thumbWithOffset(w: number, offset: number): number {
  const s = (offset >>> 24) & 1;
  const j1 = ((offset >>> 23) & 1) ^ 1 ^ s;
  const j2 = ((offset >>> 22) & 1) ^ 1 ^ s;
  const hw1 = (w & 0xf800) | (s << 10) | ((offset >>> 12) & 0x3ff);
  const hw2 = ((w >>> 16) & 0xd000) | (j1 << 13) | (j2 << 11) | ((offset >>> 1) & 0x7ff);
  return hw1 | (hw2 << 16);
}
