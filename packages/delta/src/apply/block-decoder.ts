import { RotkitError } from "@rotkit/core";
import { PROB_INIT } from "../codec/constants.js";
import {
  literalContext,
  M_COPY_LEN,
  M_DIFF,
  M_INSERT_LEN,
  M_LITERAL,
  M_SAME,
  M_SEEK,
  M_SOURCE,
  MODEL_SIZE,
  NUM_MODELLED_BITS,
  NUM_SLOT,
  REPS,
  sameContext,
} from "../codec/model.js";
import { RangeDecoder } from "../codec/range-decoder.js";

// Decodes one block of the instruction stream (docs/delta-format.md "Block payload") as a resumable state machine:
// run() works synchronously until it needs more patch bytes, more old-image bytes, room in the output buffer, or
// the block ends, and says which; the async driver (apply.ts) provides it and calls run() again. Nothing here
// allocates per byte; the memory is the model, the output buffer and the range decoder's input window.

export const RUN_BLOCK_DONE = 0;
export const RUN_NEED_INPUT = 1;
export const RUN_NEED_OLD = 2;
export const RUN_OUTPUT_FULL = 3;

/** Most patch bytes one step header or one output byte can consume (each binary decision reads at most 2). */
export const MAX_UNIT_INPUT = 512;

const PHASE_STEP = 0;
const PHASE_COPY = 1;
const PHASE_INSERT = 2;

/** The block decoder; one instance serves every block of an apply. */
export class BlockDecoder {
  readonly rc = new RangeDecoder();
  readonly probs = new Uint16Array(MODEL_SIZE);
  readonly out: Uint8Array;
  outPos = 0;
  /** Absolute offset in the new image of the next output byte. */
  newPos = 0;
  /** Output bytes left in this block. */
  outLeft = 0;
  /** rc.pos beyond which run() returns RUN_NEED_INPUT (the driver lifts it once the payload is all buffered). */
  safeEnd = 0;
  /** The old-image bytes the driver provided: old[oldBufStart, oldBufStart + oldBuf.length). */
  oldBuf: Uint8Array = new Uint8Array(0);
  oldBufStart = 0;
  /** Where the next copy byte is read in the old image, and how many copy bytes are left in this step. */
  oldPos = 0;
  copyLeft = 0;
  private phase = PHASE_STEP;
  private insertLeft = 0;
  private prevInsert = 0;
  private lastOldEnd = 0;
  private readonly reps = new Float64Array(REPS);
  private history = 0;
  private prevLiteral = 0;
  private readonly oldSize: number;

  constructor(oldSize: number, outBufSize: number) {
    this.oldSize = oldSize;
    this.out = new Uint8Array(outBufSize);
  }

  /** Bytes this decoder holds (model, output buffer, state). */
  get workingBytes(): number {
    return this.probs.byteLength + this.out.byteLength + this.reps.byteLength + 128;
  }

  /** Resets the model and state for a block that writes `outputLen` bytes starting at new offset `newPos`. */
  startBlock(outputLen: number, newPos: number): void {
    this.probs.fill(PROB_INIT);
    this.reps.fill(0);
    this.outLeft = outputLen;
    this.newPos = newPos;
    this.phase = PHASE_STEP;
    this.copyLeft = 0;
    this.insertLeft = 0;
    this.prevInsert = 0;
    this.lastOldEnd = 0;
    this.history = 0;
    this.prevLiteral = 0;
    this.rc.init();
  }

  /** Decodes until the block ends or the driver must act; returns one of the RUN_* codes. */
  run(): number {
    const rc = this.rc;
    const p = this.probs;
    const out = this.out;
    for (;;) {
      if (this.phase === PHASE_STEP) {
        if (this.outLeft === 0) return RUN_BLOCK_DONE;
        if (rc.pos > this.safeEnd) return RUN_NEED_INPUT;
        this.decodeStep();
      }
      if (this.phase === PHASE_COPY) {
        let left = this.copyLeft;
        let oldPos = this.oldPos;
        let outPos = this.outPos;
        let newPos = this.newPos;
        let history = this.history;
        const oldBuf = this.oldBuf;
        const bufStart = this.oldBufStart;
        const bufEnd = bufStart + oldBuf.length;
        const safeEnd = this.safeEnd;
        let reason = -1;
        while (left > 0) {
          if (outPos === out.length) {
            reason = RUN_OUTPUT_FULL;
            break;
          }
          if (oldPos < bufStart || oldPos >= bufEnd) {
            reason = RUN_NEED_OLD;
            break;
          }
          if (rc.pos > safeEnd) {
            reason = RUN_NEED_INPUT;
            break;
          }
          const ob = oldBuf[oldPos - bufStart] as number;
          let b = ob;
          if (rc.bit(p, M_SAME + sameContext(newPos, history)) !== 0) {
            const base = M_DIFF + (newPos & 3) * 256;
            let m = 1;
            while (m < 256) m = (m << 1) | rc.bit(p, base + m);
            b = (ob + m) & 0xff;
            history = (history << 1) | 1;
          } else {
            history <<= 1;
          }
          out[outPos++] = b;
          oldPos++;
          newPos++;
          left--;
        }
        this.outLeft -= this.copyLeft - left;
        this.copyLeft = left;
        this.oldPos = oldPos;
        this.outPos = outPos;
        this.newPos = newPos;
        this.history = history & 0xff;
        if (reason >= 0) return reason;
        this.lastOldEnd = oldPos;
        this.phase = this.insertLeft > 0 ? PHASE_INSERT : PHASE_STEP;
      }
      if (this.phase === PHASE_INSERT) {
        let left = this.insertLeft;
        let outPos = this.outPos;
        let newPos = this.newPos;
        let prev = this.prevLiteral;
        const safeEnd = this.safeEnd;
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
          const base = M_LITERAL + literalContext(newPos, prev) * 256;
          let m = 1;
          while (m < 256) m = (m << 1) | rc.bit(p, base + m);
          prev = m & 0xff;
          out[outPos++] = prev;
          newPos++;
          left--;
        }
        this.outLeft -= this.insertLeft - left;
        this.insertLeft = left;
        this.outPos = outPos;
        this.newPos = newPos;
        this.prevLiteral = prev;
        if (reason >= 0) return reason;
        this.phase = PHASE_STEP;
      }
    }
  }

  /** Step header: copy length, insert length, and where the copy reads (docs/delta-format.md "Steps"). */
  private decodeStep(): void {
    const rc = this.rc;
    const p = this.probs;
    const copyLen = decodeNum(rc, p, M_COPY_LEN + (this.prevInsert === 0 ? 0 : NUM_SLOT));
    const insertLen = decodeNum(rc, p, M_INSERT_LEN + (copyLen === 0 ? 0 : NUM_SLOT));
    if (copyLen + insertLen === 0 || copyLen + insertLen > this.outLeft) {
      throw new RotkitError("DELTA_CORRUPT", "rotkit delta: step length out of range", { at: this.newPos });
    }
    if (copyLen > 0) {
      const reps = this.reps;
      let oldPos: number;
      if (rc.bit(p, M_SOURCE) === 0) {
        const hi = rc.bit(p, M_SOURCE + 1);
        const disp = reps[(hi << 1) | rc.bit(p, M_SOURCE + 2 + hi)] as number;
        pushRep(reps, disp);
        oldPos = this.newPos + disp;
      } else if (rc.bit(p, M_SOURCE + 4) === 0) {
        oldPos = this.lastOldEnd;
        pushRep(reps, oldPos - this.newPos);
      } else {
        const negative = rc.bit(p, M_SOURCE + 5);
        const magnitude = decodeNum(rc, p, M_SEEK) + 1;
        oldPos = this.lastOldEnd + (negative ? -magnitude : magnitude);
        pushRep(reps, oldPos - this.newPos);
      }
      if (oldPos < 0 || oldPos + copyLen > this.oldSize) {
        throw new RotkitError("DELTA_CORRUPT", "rotkit delta: copy reads outside the old image", { at: this.newPos });
      }
      this.oldPos = oldPos;
    }
    this.copyLeft = copyLen;
    this.insertLeft = insertLen;
    this.prevInsert = insertLen;
    this.phase = copyLen > 0 ? PHASE_COPY : PHASE_INSERT;
  }
}

/** Moves `disp` to the front of the repeat list (a new displacement pushes the oldest out). */
export function pushRep(reps: Float64Array, disp: number): void {
  let i = 0;
  while (i < REPS - 1 && reps[i] !== disp) i++;
  for (let k = i; k > 0; k--) reps[k] = reps[k - 1] as number;
  reps[0] = disp;
}

/** A number coded as bit length + modelled top mantissa bits + direct bits (codec/model.ts NUM_SLOT). */
export function decodeNum(rc: RangeDecoder, p: Uint16Array, base: number): number {
  let nb = 1;
  while (nb < 64) nb = (nb << 1) | rc.bit(p, base + nb);
  nb -= 64;
  if (nb < 2) return nb;
  if (nb > 32) throw new RotkitError("DELTA_CORRUPT", "rotkit delta: number longer than 32 bits");
  const rest = nb - 1;
  const modelled = Math.min(rest, NUM_MODELLED_BITS);
  const tree = base + 64 + nb * (1 << NUM_MODELLED_BITS);
  let m = 1;
  for (let k = 0; k < modelled; k++) m = (m << 1) | rc.bit(p, tree + m);
  let v = m; // the leading one and the modelled bits
  let direct = rest - modelled;
  while (direct > 0) {
    const n = Math.min(direct, 16);
    v = v * (1 << n) + rc.direct(n);
    direct -= n;
  }
  return v;
}
