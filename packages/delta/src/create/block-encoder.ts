import { BlockModel, type StepHeader } from "../codec/block-model.js";
import { KIND_NONE, Predictor } from "../codec/predictor.js";
import { RangeEncoder } from "../codec/range-encoder.js";

// Encodes one block with the shared block model (codec/block-model.ts); apply/block-decoder.ts runs the same model
// in the other direction, so the walk over a copy (head bytes, aligned words, tail bytes) must match. The model
// codes unpredicted words as runs up to the next one that changes, so the encoder first walks the block's words
// with its own predictor to know those run lengths (the predictor only depends on words already coded, so this
// dry run sees exactly what the coding pass will).

/** One step of a block: copy `copyLen` bytes against old[oldPos..] at new offset newPos, then insert `insertLen`. */
export interface Step {
  newPos: number;
  copyLen: number;
  insertLen: number;
  oldPos: number;
}

function le32(b: Uint8Array, i: number): number {
  return (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24);
}

/** Calls `word(w, n, o, q)` for every aligned copy word of `steps`, in coding order. */
function forEachWord(
  old: Uint8Array,
  neu: Uint8Array,
  steps: readonly Step[],
  word: (w: number, n: number, o: number, q: number) => void,
  byte?: (ob: number, nb: number, q: number) => void,
): void {
  for (const s of steps) {
    let q = s.newPos;
    let o = s.oldPos;
    const end = s.newPos + s.copyLen;
    while (q < end) {
      if ((q & 3) === 0 && end - q >= 4) {
        word(le32(old, o), le32(neu, q), o, q);
        q += 4;
        o += 4;
      } else {
        byte?.(old[o] as number, neu[q] as number, q);
        q++;
        o++;
      }
    }
  }
}

/** The lengths of the runs of unchanged unpredicted words, as the model will code them. */
function planRuns(old: Uint8Array, neu: Uint8Array, steps: readonly Step[], predictors: number): number[] {
  const pr = new Predictor(predictors);
  const runs: number[] = [];
  let count = 0;
  forEachWord(old, neu, steps, (w, n, o, q) => {
    pr.predict(w, o, q);
    if (pr.kind === KIND_NONE) {
      if (n === w) count++;
      else {
        runs.push(count);
        count = 0;
      }
    }
    pr.learn(w, n, q);
  });
  runs.push(count);
  return runs;
}

/**
 * The payload of one block made of `steps`.
 *
 * @example
 * ```ts
 * const payload = encodeBlock(old, neu, [{ newPos: 0, copyLen: neu.length, insertLen: 0, oldPos: 0 }], PREDICT_ALL);
 * ```
 */
export function encodeBlock(old: Uint8Array, neu: Uint8Array, steps: readonly Step[], predictors: number): Uint8Array {
  const rc = new RangeEncoder(1 << 16);
  const model = new BlockModel(predictors);
  model.reset();
  model.plannedRuns = planRuns(old, neu, steps, predictors);
  model.begin(rc);
  const header: StepHeader = { copyLen: 0, insertLen: 0, oldPos: 0 };
  for (const s of steps) {
    model.step(rc, s.newPos, s.copyLen, s.insertLen, s.oldPos, header);
    forEachWord(
      old,
      neu,
      [s],
      (w, n, o, q) => void model.word(rc, w, o, q, n),
      (ob, nb, q) => void model.byte(rc, ob, q, nb),
    );
    for (let q = s.newPos + s.copyLen, stop = q + s.insertLen; q < stop; q++) model.literal(rc, q, neu[q] as number);
  }
  return rc.finish();
}
