// Word predictor of the copy model (docs/delta-format.md "Predictors"). When code moves, the words that change in
// a copied region are mostly references: absolute pointers and PC-relative branches whose target moved by a
// different amount than the instruction. The predictor learns, per 4 KiB page of the old address space, how far
// targets in that page moved (from the words it has already seen decoded) and proposes the new value of the next
// pointer or branch into that page. Nothing is transmitted for it: encoder and decoder learn the same table.
//
// Branch encodings (Arm ARM DDI 0406C): A32 B/BL (§A8.8.18, §A8.8.25: cond 101L imm24, target = PC + 8 +
// imm24 * 4) and Thumb-2 BL / B.W T4 (§A8.8.25, §A8.8.18: 11110 S imm10, 1 J1 x J2 imm11 with I1 = !(J1 ^ S),
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
  /** Result of the last predict(): the expected new word, its kind, and the table confidence behind it. */
  expected = 0;
  kind = KIND_NONE;
  conf = 0;
  private branch = BRANCH_NONE;
  private target = 0;

  constructor(readonly enabled: number) {}

  get workingBytes(): number {
    return SLOTS * 9;
  }

  reset(): void {
    this.tags.fill(0);
    this.deltas.fill(0);
    this.confs.fill(0);
  }

  /** Predicts the new word at new offset q for old word w at old offset o; sets expected / kind / conf. */
  predict(w: number, o: number, q: number): void {
    this.expected = w;
    this.kind = KIND_NONE;
    this.conf = 0;
    this.branch = BRANCH_NONE;
    const en = this.enabled;
    if (en & PREDICT_A32 && ((w >>> 25) & 7) === 5 && w >>> 28 !== 0xf) {
      this.branch = BRANCH_A32;
      this.target = o + 8 + ((w << 8) >> 6);
      const s = this.find(this.target >>> PAGE_SHIFT, KIND_BRANCH);
      if (s >= 0) {
        const t = this.target + (this.deltas[s] as number);
        this.expected = ((w & 0xff000000) | (((t - q - 8) >> 2) & 0xffffff)) >>> 0;
        this.setKind(KIND_BRANCH, s, w);
      }
      return;
    }
    if (en & PREDICT_THUMB && (w & 0xf800) === 0xf000 && (w & 0x90000000) === 0x90000000) {
      this.branch = BRANCH_THUMB;
      this.target = o + 4 + thumbOffset(w);
      const s = this.find(this.target >>> PAGE_SHIFT, KIND_BRANCH);
      if (s >= 0) {
        this.expected = thumbWithOffset(w, this.target + (this.deltas[s] as number) - q - 4);
        this.setKind(KIND_BRANCH, s, w);
      }
      return;
    }
    if (en & PREDICT_POINTERS) {
      const s = this.find(w >>> PAGE_SHIFT, KIND_POINTER);
      if (s >= 0) {
        this.expected = (w + (this.deltas[s] as number)) >>> 0;
        this.setKind(KIND_POINTER, s, w);
      }
    }
  }

  /** Learns from the word just coded: w (old) became n (new) at new offset q. Call after predict(w, o, q). */
  learn(w: number, n: number, q: number): void {
    if (this.branch === BRANCH_A32) {
      // The new word must still be a branch of the same kind for its target to say where the old target went.
      if (n >>> 24 === w >>> 24)
        this.update(this.target >>> PAGE_SHIFT, KIND_BRANCH, q + 8 + ((n << 8) >> 6) - this.target);
    } else if (this.branch === BRANCH_THUMB) {
      if ((n & 0xf800) === 0xf000 && (n & 0xd0000000) === (w & 0xd0000000)) {
        this.update(this.target >>> PAGE_SHIFT, KIND_BRANCH, q + 4 + thumbOffset(n) - this.target);
      }
    } else if (this.enabled & PREDICT_POINTERS) {
      const key = w >>> PAGE_SHIFT;
      // Unchanged words only teach a page that is already known (most words are not pointers).
      if (n !== w || this.find(key, KIND_POINTER) >= 0) this.update(key, KIND_POINTER, (n - w) | 0);
    }
  }

  private setKind(kind: number, slot: number, w: number): void {
    if (this.expected === w) return; // no change expected: code it as an ordinary word
    this.kind = kind;
    this.conf = this.confs[slot] as number;
  }

  private slotOf(tag: number): number {
    return Math.imul(tag, 0x9e3779b1) >>> (32 - SLOTS_LOG);
  }

  private find(key: number, kind: number): number {
    const tag = ((key << 2) | kind) + 1;
    const s = this.slotOf(tag);
    return this.tags[s] === tag ? s : -1;
  }

  // A repeated displacement raises the page's confidence; a different one lowers it, and replaces it once the
  // confidence is gone. A colliding page takes the slot the same way, so a busy entry survives occasional noise.
  private update(key: number, kind: number, delta: number): void {
    const tag = ((key << 2) | kind) + 1;
    const s = this.slotOf(tag);
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
  return (hw1 | (hw2 << 16)) >>> 0;
}
