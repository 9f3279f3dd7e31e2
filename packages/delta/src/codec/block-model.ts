import type { BitCoder } from "./coder.js";
import { PROB_INIT } from "./constants.js";
import {
  literalContext,
  M_BYTE_SAME,
  M_COPY_LEN,
  M_DIFF,
  M_INSERT_LEN,
  M_LITERAL,
  M_RUN,
  M_SEEK,
  M_SOURCE,
  M_WORD,
  M_WORD_OLD,
  MODEL_SIZE,
  NUM_MODELLED_BITS,
  NUM_SLOT,
  REPS,
  wordContext,
} from "./model.js";
import { KIND_NONE, Predictor } from "./predictor.js";

// The model of one block (docs/delta-format.md "Block payload"), written once for both directions (codec/coder.ts):
// every method takes the value to encode and returns the value coded, so the decoder passes a placeholder and uses
// the result. State is reset per block, so each block decodes on its own.

/** A decoded step header. */
export interface StepHeader {
  copyLen: number;
  insertLen: number;
  /** Old-image offset the copy reads from (meaningful when copyLen > 0; not range-checked here). */
  oldPos: number;
}

/** Adaptive state of one block: probabilities, repeat displacements, predictor, short histories. */
export class BlockModel {
  readonly probs = new Uint16Array(MODEL_SIZE);
  readonly predictor: Predictor;
  private readonly reps = new Float64Array(REPS);
  private lastOldEnd = 0;
  private prevInsert = 0;
  private wordHistory = 0;
  private prevLiteral = 0;
  /** Unpredicted words left that stay the same before the next unpredicted word that changes. */
  private run = 0;
  private lastRunZero = 0;
  /**
   * Encoder only: the run lengths of this block in order (create/block-encoder.ts works them out with a dry run of
   * the predictor); the decoder leaves it empty and reads them from the stream.
   */
  plannedRuns: number[] = [];
  private runIndex = 0;

  constructor(predictors: number) {
    this.predictor = new Predictor(predictors);
  }

  get workingBytes(): number {
    return this.probs.byteLength + this.reps.byteLength + this.predictor.workingBytes + 64;
  }

  reset(): void {
    this.probs.fill(PROB_INIT);
    this.reps.fill(0);
    this.predictor.reset();
    this.lastOldEnd = 0;
    this.prevInsert = 0;
    this.wordHistory = 0;
    this.prevLiteral = 0;
    this.run = 0;
    this.lastRunZero = 0;
    this.plannedRuns = [];
    this.runIndex = 0;
  }

  /** Starts a block's stream: the first run length. Call after reset() (and after setting plannedRuns). */
  begin(c: BitCoder): void {
    this.nextRun(c);
  }

  /** Codes a step header at new offset `newPos` into `out` (docs/delta-format.md "Steps"). */
  step(c: BitCoder, newPos: number, copyLen: number, insertLen: number, oldPos: number, out: StepHeader): void {
    const p = this.probs;
    copyLen = codeNum(c, p, M_COPY_LEN + (this.prevInsert === 0 ? 0 : NUM_SLOT), copyLen);
    insertLen = codeNum(c, p, M_INSERT_LEN + (copyLen === 0 ? 0 : NUM_SLOT), insertLen);
    this.prevInsert = insertLen;
    if (copyLen > 0) {
      const reps = this.reps;
      const rep = reps.indexOf(oldPos - newPos);
      if (c.bit(p, M_SOURCE, rep >= 0 ? 0 : 1) === 0) {
        const hi = c.bit(p, M_SOURCE + 1, rep >> 1);
        oldPos = newPos + (reps[(hi << 1) | c.bit(p, M_SOURCE + 2 + hi, rep & 1)] as number);
      } else if (c.bit(p, M_SOURCE + 4, oldPos === this.lastOldEnd ? 0 : 1) === 0) {
        oldPos = this.lastOldEnd;
      } else {
        const seek = oldPos - this.lastOldEnd;
        const negative = c.bit(p, M_SOURCE + 5, seek < 0 ? 1 : 0);
        const magnitude = codeNum(c, p, M_SEEK, Math.abs(seek) - 1) + 1;
        oldPos = this.lastOldEnd + (negative ? -magnitude : magnitude);
      }
      pushRep(reps, oldPos - newPos);
      this.lastOldEnd = oldPos + copyLen;
    }
    out.copyLen = copyLen;
    out.insertLen = insertLen;
    out.oldPos = oldPos;
  }

  /**
   * Codes one aligned 4-byte word of a copy: old word `w` (little-endian, as int32) at old offset o, new word `n`
   * at new offset q (a multiple of 4). Returns the new word (int32).
   */
  word(c: BitCoder, w: number, o: number, q: number, n: number): number {
    return this.codeWord(c, w, q, n, this.predictor.predict(w, o, q));
  }

  /**
   * The rest of word() once the predictor has run (`expected` = predictor.predict(w, o, q)): the decoder calls
   * predict itself so that it can copy unpredicted words of a run without a call (apply/block-decoder.ts).
   */
  codeWord(c: BitCoder, w: number, q: number, n: number, expected: number): number {
    const pr = this.predictor;
    const history = this.wordHistory;
    let result: number;
    if (pr.kind === KIND_NONE) {
      // Unpredicted words cost nothing while the run lasts; the word that ends it is known to change.
      if (this.run > 0) {
        this.run--;
        result = w;
      } else {
        result = this.wordBytes(c, w, n, w);
        this.nextRun(c);
      }
    } else {
      const p = this.probs;
      const kind = pr.kind;
      result = expected;
      if (c.bit(p, M_WORD + wordContext(kind, pr.conf, history), n === expected ? 0 : 1) !== 0) {
        if (c.bit(p, M_WORD_OLD + kind * 2 + (history & 1), n === w ? 0 : 1) === 0) result = w;
        else result = this.wordBytes(c, w, n, expected);
      }
    }
    this.wordHistory = ((history << 1) | (result === w ? 0 : 1)) & 3;
    pr.learn(w, result, q);
    return result;
  }

  /**
   * Decoder fast path: copies up to `words` aligned words (old offset o, new offset q on) from src[from..] to
   * dst[to..] while they are inside the current run and quiet for the predictor (Predictor.quiet), which is exactly
   * what word() would do for them. Returns how many words it copied; the caller codes the next one with word().
   */
  copyRun(src: DataView, from: number, dst: Uint8Array, to: number, words: number, o: number, q: number): number {
    const pr = this.predictor;
    const disp = q - o;
    let k = 0;
    const limit = Math.min(words, this.run);
    while (k < limit && pr.quiet(src.getInt32(from + 4 * k, true), o + 4 * k, disp)) k++;
    if (k > 0) {
      dst.set(new Uint8Array(src.buffer, src.byteOffset + from, 4 * k), to);
      this.run -= k;
      this.wordHistory = k > 1 ? 0 : (this.wordHistory << 1) & 3;
    }
    return k;
  }

  private nextRun(c: BitCoder): void {
    const planned = this.plannedRuns[this.runIndex++] ?? 0;
    this.run = codeNum(c, this.probs, M_RUN + this.lastRunZero * NUM_SLOT, planned);
    this.lastRunZero = this.run === 0 ? 1 : 0;
  }

  /** Codes one copy byte outside the aligned words (the head and tail of a copy). */
  byte(c: BitCoder, ob: number, q: number, nb: number): number {
    const p = this.probs;
    if (c.bit(p, M_BYTE_SAME + (q & 3), nb === ob ? 0 : 1) === 0) return ob;
    return (ob + c.tree(p, M_DIFF + (q & 3) * 256, 8, (nb - ob) & 0xff)) & 0xff;
  }

  /** Codes one inserted byte at new offset q. */
  literal(c: BitCoder, q: number, b: number): number {
    b = c.tree(this.probs, M_LITERAL + literalContext(q, this.prevLiteral) * 256, 8, b);
    this.prevLiteral = b;
    return b;
  }

  // A word that is neither the expected nor the old one: byte by byte against the old word.
  private wordBytes(c: BitCoder, w: number, n: number, expected: number): number {
    const p = this.probs;
    let result = 0;
    let seen = 0;
    for (let k = 0; k < 4; k++) {
      const ob = (w >>> (8 * k)) & 0xff;
      const nb = (n >>> (8 * k)) & 0xff;
      const eb = (expected >>> (8 * k)) & 0xff;
      let b = ob;
      if (c.bit(p, M_BYTE_SAME + 4 + k * 4 + seen * 2 + (eb === ob ? 0 : 1), nb === ob ? 0 : 1) !== 0) {
        b = (ob + c.tree(p, M_DIFF + k * 256, 8, (nb - ob) & 0xff)) & 0xff;
        seen = 1;
      }
      result |= b << (8 * k);
    }
    return result;
  }
}

/** Moves `disp` to the front of the repeat list (a new displacement pushes the oldest out). */
function pushRep(reps: Float64Array, disp: number): void {
  let i = 0;
  while (i < REPS - 1 && reps[i] !== disp) i++;
  for (let k = i; k > 0; k--) reps[k] = reps[k - 1] as number;
  reps[0] = disp;
}

/**
 * A number (0 .. 2^32-1): its bit length as a 6-bit tree, the top NUM_MODELLED_BITS mantissa bits below the leading
 * one modelled per bit length, the rest direct. Throws nothing; callers range-check the result.
 */
export function codeNum(c: BitCoder, p: Uint16Array, base: number, v: number): number {
  const nb = c.tree(p, base, 6, v === 0 ? 0 : 32 - Math.clz32(v));
  if (nb < 2) return nb;
  if (nb > 32) return 2 ** 32; // out of range for every caller
  const rest = nb - 1;
  const modelled = Math.min(rest, NUM_MODELLED_BITS);
  let direct = rest - modelled;
  const hi = Math.floor(v / 2 ** direct) & ((1 << modelled) - 1);
  let out = (1 << modelled) | c.tree(p, base + 64 + nb * (1 << NUM_MODELLED_BITS), modelled, hi);
  while (direct > 0) {
    const n = Math.min(direct, 16);
    direct -= n;
    out = out * (1 << n) + c.direct(Math.floor(v / 2 ** direct) & ((1 << n) - 1), n);
  }
  return out;
}
