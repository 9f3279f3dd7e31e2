import { RotkitError } from "@rotkit/core";
import { BlockModel, type StepHeader } from "../codec/block-model.js";
import { RangeDecoder } from "../codec/range-decoder.js";
import { inPlaceSafe } from "../format/in-place.js";

// Decodes one block of the instruction stream (docs/delta-format.md "Block payload") as a resumable state machine:
// run() works synchronously until it needs more patch bytes, more old-image bytes, room in the output buffer, or
// the block ends, and says which; the async driver (apply.ts) provides it and calls run() again. The walk over a
// copy (head bytes, aligned words, tail bytes) is the one create/block-encoder.ts makes. Nothing here allocates per
// byte: the memory is the model, the output buffer and the range decoder's input window.

export const RUN_BLOCK_DONE = 0;
export const RUN_NEED_INPUT = 1;
export const RUN_NEED_OLD = 2;
export const RUN_OUTPUT_FULL = 3;

/** Most patch bytes one step header or one copy word can consume (each binary decision reads at most 2). */
export const MAX_UNIT_INPUT = 512;

const PHASE_STEP = 0;
const PHASE_COPY = 1;
const PHASE_INSERT = 2;

/** The block decoder; one instance serves every block of an apply. */
export class BlockDecoder {
  readonly rc = new RangeDecoder();
  readonly model: BlockModel;
  readonly out: Uint8Array;
  outPos = 0;
  /** Absolute offset in the new image of the next output byte. */
  newPos = 0;
  /** Output bytes left in this block. */
  outLeft = 0;
  /** rc.pos beyond which run() returns RUN_NEED_INPUT (the driver lifts it once the payload is all buffered). */
  safeEnd = 0;
  /** The old-image bytes the driver provided: old[oldBufStart, oldBufStart + oldBuf.length). */
  private oldBuf: Uint8Array = new Uint8Array(0);
  private oldView = new DataView(this.oldBuf.buffer);
  private oldBufStart = 0;
  /** Where the next copy byte is read in the old image, and how many copy bytes are left in this step. */
  oldPos = 0;
  copyLeft = 0;
  private phase = PHASE_STEP;
  private insertLeft = 0;
  private readonly header: StepHeader = { copyLen: 0, insertLen: 0, oldPos: 0 };

  constructor(
    private readonly oldSize: number,
    outBufSize: number,
    predictors: number,
    private readonly inPlaceGranule = 0,
  ) {
    this.out = new Uint8Array(outBufSize);
    this.model = new BlockModel(predictors);
  }

  /** Bytes this decoder holds (model, output buffer, state). */
  get workingBytes(): number {
    return this.model.workingBytes + this.out.byteLength + 128;
  }

  /** Provides old-image bytes old[start, start + bytes.length) (after RUN_NEED_OLD). */
  setOld(bytes: Uint8Array, start: number): void {
    this.oldBuf = bytes;
    this.oldView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.oldBufStart = start;
  }

  /** Resets the model and state for a block that writes `outputLen` bytes starting at new offset `newPos`. */
  startBlock(outputLen: number, newPos: number): void {
    this.model.reset();
    this.outLeft = outputLen;
    this.newPos = newPos;
    this.phase = PHASE_STEP;
    this.copyLeft = 0;
    this.insertLeft = 0;
    this.rc.init();
    this.model.begin(this.rc);
  }

  /** Decodes until the block ends or the driver must act; returns one of the RUN_* codes. */
  run(): number {
    for (;;) {
      if (this.phase === PHASE_STEP) {
        if (this.outLeft === 0) return RUN_BLOCK_DONE;
        if (this.rc.pos > this.safeEnd) return RUN_NEED_INPUT;
        this.decodeStep();
      }
      if (this.phase === PHASE_COPY) {
        const reason = this.copy();
        if (reason >= 0) return reason;
        this.phase = this.insertLeft > 0 ? PHASE_INSERT : PHASE_STEP;
      }
      if (this.phase === PHASE_INSERT) {
        const reason = this.insert();
        if (reason >= 0) return reason;
        this.phase = PHASE_STEP;
      }
    }
  }

  private copy(): number {
    const rc = this.rc;
    const model = this.model;
    const out = this.out;
    const oldBuf = this.oldBuf;
    const bufStart = this.oldBufStart;
    const bufEnd = bufStart + oldBuf.length;
    const safeEnd = this.safeEnd;
    let left = this.copyLeft;
    let oldPos = this.oldPos;
    let outPos = this.outPos;
    let q = this.newPos;
    let reason = -1;
    while (left > 0) {
      if (rc.pos > safeEnd) {
        reason = RUN_NEED_INPUT;
        break;
      }
      if ((q & 3) === 0 && left >= 4) {
        if (outPos + 4 > out.length) {
          reason = RUN_OUTPUT_FULL;
          break;
        }
        if (oldPos < bufStart || oldPos + 4 > bufEnd) {
          reason = RUN_NEED_OLD;
          break;
        }
        const i = oldPos - bufStart;
        const words = Math.min(left, out.length - outPos, bufEnd - oldPos) >> 2;
        const k = model.copyRun(this.oldView, i, out, outPos, words, oldPos, q);
        if (k > 0) {
          outPos += 4 * k;
          oldPos += 4 * k;
          q += 4 * k;
          left -= 4 * k;
          continue;
        }
        const w =
          (oldBuf[i] as number) |
          ((oldBuf[i + 1] as number) << 8) |
          ((oldBuf[i + 2] as number) << 16) |
          ((oldBuf[i + 3] as number) << 24);
        const n = model.word(rc, w, oldPos, q, 0);
        out[outPos] = n;
        out[outPos + 1] = n >>> 8;
        out[outPos + 2] = n >>> 16;
        out[outPos + 3] = n >>> 24;
        outPos += 4;
        oldPos += 4;
        q += 4;
        left -= 4;
      } else {
        if (outPos === out.length) {
          reason = RUN_OUTPUT_FULL;
          break;
        }
        if (oldPos < bufStart || oldPos >= bufEnd) {
          reason = RUN_NEED_OLD;
          break;
        }
        out[outPos++] = model.byte(rc, oldBuf[oldPos - bufStart] as number, q, 0);
        oldPos++;
        q++;
        left--;
      }
    }
    this.outLeft -= this.copyLeft - left;
    this.copyLeft = left;
    this.oldPos = oldPos;
    this.outPos = outPos;
    this.newPos = q;
    return reason;
  }

  private insert(): number {
    const rc = this.rc;
    const model = this.model;
    const out = this.out;
    const safeEnd = this.safeEnd;
    let left = this.insertLeft;
    let outPos = this.outPos;
    let q = this.newPos;
    let reason = -1;
    while (left > 0) {
      if (outPos === out.length) {
        reason = RUN_OUTPUT_FULL;
        break;
      }
      if (rc.pos > safeEnd) {
        reason = RUN_NEED_INPUT;
        break;
      }
      out[outPos++] = model.literal(rc, q, 0);
      q++;
      left--;
    }
    this.outLeft -= this.insertLeft - left;
    this.insertLeft = left;
    this.outPos = outPos;
    this.newPos = q;
    return reason;
  }

  /** Step header: copy length, insert length, and where the copy reads (docs/delta-format.md "Steps"). */
  private decodeStep(): void {
    const h = this.header;
    this.model.step(this.rc, this.newPos, 0, 0, 0, h);
    const total = h.copyLen + h.insertLen;
    if (total === 0 || total > this.outLeft) {
      throw new RotkitError("DELTA_CORRUPT", "rotkit delta: step length out of range", { at: this.newPos });
    }
    if (h.copyLen > 0 && (h.oldPos < 0 || h.oldPos + h.copyLen > this.oldSize)) {
      throw new RotkitError("DELTA_CORRUPT", "rotkit delta: copy reads outside the old image", { at: this.newPos });
    }
    const g = this.inPlaceGranule;
    if (g > 0 && h.copyLen > 0 && !inPlaceSafe(h.oldPos, this.newPos, h.copyLen, g)) {
      throw new RotkitError("DELTA_CORRUPT", "rotkit delta: in-place copy reads overwritten bytes", {
        at: this.newPos,
      });
    }
    this.oldPos = h.oldPos;
    this.copyLeft = h.copyLen;
    this.insertLeft = h.insertLen;
    this.phase = h.copyLen > 0 ? PHASE_COPY : PHASE_INSERT;
  }
}
