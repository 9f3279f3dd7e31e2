import { pushRep } from "../apply/block-decoder.js";
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
import { RangeEncoder } from "../codec/range-encoder.js";

// The encoding mirror of apply/block-decoder.ts: the same model, the same context choices, in the same order.
// Any change here needs the same change there (the round-trip tests catch a mismatch).

/** Encodes the steps of one block. */
export class BlockEncoder {
  private readonly rc = new RangeEncoder(1 << 16);
  private readonly probs = new Uint16Array(MODEL_SIZE).fill(PROB_INIT);
  private readonly reps = new Float64Array(REPS);
  private lastOldEnd = 0;
  private prevInsert = 0;
  private history = 0;
  private prevLiteral = 0;
  /** Output bytes encoded so far in this block. */
  output = 0;

  constructor(
    private readonly old: Uint8Array,
    private readonly neu: Uint8Array,
  ) {}

  /** Payload bytes so far (approximate until finish). */
  get size(): number {
    return this.rc.length;
  }

  /** Encodes a step at new offset `newPos`: `copyLen` bytes against old[oldPos..], then `insertLen` new bytes. */
  step(newPos: number, copyLen: number, insertLen: number, oldPos: number): void {
    const rc = this.rc;
    const p = this.probs;
    encodeNum(rc, p, M_COPY_LEN + (this.prevInsert === 0 ? 0 : NUM_SLOT), copyLen);
    encodeNum(rc, p, M_INSERT_LEN + (copyLen === 0 ? 0 : NUM_SLOT), insertLen);
    this.prevInsert = insertLen;
    if (copyLen > 0) {
      this.encodeSource(newPos, oldPos);
      this.copyBytes(newPos, copyLen, oldPos);
      this.lastOldEnd = oldPos + copyLen;
    }
    if (insertLen > 0) this.literals(newPos + copyLen, insertLen);
    this.output += copyLen + insertLen;
  }

  /** Flushes the range coder; returns the block payload. */
  finish(): Uint8Array {
    return this.rc.finish();
  }

  private encodeSource(newPos: number, oldPos: number): void {
    const rc = this.rc;
    const p = this.probs;
    const reps = this.reps;
    const disp = oldPos - newPos;
    const r = reps.indexOf(disp);
    if (r >= 0) {
      rc.bit(p, M_SOURCE, 0);
      const hi = r >> 1;
      rc.bit(p, M_SOURCE + 1, hi);
      rc.bit(p, M_SOURCE + 2 + hi, r & 1);
    } else if (oldPos === this.lastOldEnd) {
      rc.bit(p, M_SOURCE, 1);
      rc.bit(p, M_SOURCE + 4, 0);
    } else {
      rc.bit(p, M_SOURCE, 1);
      rc.bit(p, M_SOURCE + 4, 1);
      const seek = oldPos - this.lastOldEnd;
      rc.bit(p, M_SOURCE + 5, seek < 0 ? 1 : 0);
      encodeNum(rc, p, M_SEEK, Math.abs(seek) - 1);
    }
    pushRep(reps, disp);
  }

  private copyBytes(newPos: number, len: number, oldPos: number): void {
    const rc = this.rc;
    const p = this.probs;
    const old = this.old;
    const neu = this.neu;
    let history = this.history;
    for (let j = 0; j < len; j++) {
      const q = newPos + j;
      const ob = old[oldPos + j] as number;
      const nb = neu[q] as number;
      if (nb === ob) {
        rc.bit(p, M_SAME + sameContext(q, history), 0);
        history <<= 1;
      } else {
        rc.bit(p, M_SAME + sameContext(q, history), 1);
        encodeTree8(rc, p, M_DIFF + (q & 3) * 256, (nb - ob) & 0xff);
        history = (history << 1) | 1;
      }
      history &= 0xff;
    }
    this.history = history;
  }

  private literals(newPos: number, len: number): void {
    const rc = this.rc;
    const p = this.probs;
    const neu = this.neu;
    let prev = this.prevLiteral;
    for (let j = 0; j < len; j++) {
      const q = newPos + j;
      const b = neu[q] as number;
      encodeTree8(rc, p, M_LITERAL + literalContext(q, prev) * 256, b);
      prev = b;
    }
    this.prevLiteral = prev;
  }
}

function encodeTree8(rc: RangeEncoder, p: Uint16Array, base: number, v: number): void {
  let m = 1;
  for (let k = 7; k >= 0; k--) {
    const b = (v >> k) & 1;
    rc.bit(p, base + m, b);
    m = (m << 1) | b;
  }
}

/** The encoding of apply/block-decoder.ts decodeNum. */
export function encodeNum(rc: RangeEncoder, p: Uint16Array, base: number, v: number): void {
  const nb = v === 0 ? 0 : 32 - Math.clz32(v);
  let m = 1;
  for (let k = 5; k >= 0; k--) {
    const b = (nb >> k) & 1;
    rc.bit(p, base + m, b);
    m = (m << 1) | b;
  }
  if (nb < 2) return;
  const rest = nb - 1;
  const modelled = Math.min(rest, NUM_MODELLED_BITS);
  let direct = rest - modelled;
  const hi = Math.floor(v / 2 ** direct) & ((1 << modelled) - 1);
  const tree = base + 64 + nb * (1 << NUM_MODELLED_BITS);
  m = 1;
  for (let k = modelled - 1; k >= 0; k--) {
    const b = (hi >> k) & 1;
    rc.bit(p, tree + m, b);
    m = (m << 1) | b;
  }
  const low = v % 2 ** direct;
  while (direct > 0) {
    const n = Math.min(direct, 16);
    rc.direct(Math.floor(low / 2 ** (direct - n)) & ((1 << n) - 1), n);
    direct -= n;
  }
}
