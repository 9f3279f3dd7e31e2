import { BlockModel, type StepHeader } from "../codec/block-model.js";
import { RangeEncoder } from "../codec/range-encoder.js";

// Encodes the steps of one block with the shared block model (codec/block-model.ts); apply/block-decoder.ts runs the
// same model in the other direction, so the walk over a copy (head bytes, aligned words, tail bytes) must match.

function le32(b: Uint8Array, i: number): number {
  return (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24);
}

/** Encodes the steps of one block. */
export class BlockEncoder {
  private readonly rc = new RangeEncoder(1 << 16);
  private readonly model: BlockModel;
  private readonly header: StepHeader = { copyLen: 0, insertLen: 0, oldPos: 0 };
  /** Output bytes encoded so far in this block. */
  output = 0;

  constructor(
    private readonly old: Uint8Array,
    private readonly neu: Uint8Array,
    predictors: number,
  ) {
    this.model = new BlockModel(predictors);
    this.model.reset();
  }

  /** Payload bytes so far (approximate until finish). */
  get size(): number {
    return this.rc.length;
  }

  /** Encodes a step at new offset `newPos`: `copyLen` bytes against old[oldPos..], then `insertLen` new bytes. */
  step(newPos: number, copyLen: number, insertLen: number, oldPos: number): void {
    const rc = this.rc;
    const model = this.model;
    const old = this.old;
    const neu = this.neu;
    model.step(rc, newPos, copyLen, insertLen, oldPos, this.header);
    let q = newPos;
    let o = oldPos;
    const end = newPos + copyLen;
    while (q < end) {
      if ((q & 3) === 0 && end - q >= 4) {
        model.word(rc, le32(old, o), o, q, le32(neu, q));
        q += 4;
        o += 4;
      } else {
        model.byte(rc, old[o] as number, q, neu[q] as number);
        q++;
        o++;
      }
    }
    for (const stop = end + insertLen; q < stop; q++) model.literal(rc, q, neu[q] as number);
    this.output += copyLen + insertLen;
  }

  /** Flushes the range coder; returns the block payload. */
  finish(): Uint8Array {
    return this.rc.finish();
  }
}
