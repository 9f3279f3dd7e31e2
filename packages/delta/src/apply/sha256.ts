import { RotkitError, SHA256_IV, sha256Blocks } from "@rotkit/core";

// SHA-256 (FIPS 180-4 §6.2, on core's block function) whose running state can be saved and restored: an apply
// checkpoint carries the digest state of the output written so far, so a resumed apply still checks the whole new
// image (the state is H0..H7 plus the unprocessed tail and the message length). Hosts with a native SHA-256 inject
// one through Sha256Factory.

/** An incremental SHA-256. `save` (optional) returns the state for a checkpoint. */
export interface Sha256Hasher {
  update(data: Uint8Array): void;
  /** The digest of everything given to update; the hasher is finished afterwards. */
  digest(): Uint8Array;
  save?(): Uint8Array;
}

/** Makes hashers; `restore` (optional) resumes one from `save()`'s bytes, needed to resume from a checkpoint. */
export interface Sha256Factory {
  create(): Sha256Hasher;
  restore?(state: Uint8Array): Sha256Hasher;
}

/** Saved state: H0..H7 (32 bytes, big-endian), message length in bytes (8, big-endian), then the 0..63 byte tail. */
export const SHA256_STATE_MIN = 40;

/**
 * The portable SHA-256 with a saveable state.
 *
 * @example
 * ```ts
 * const h = new Sha256();
 * h.update(data);
 * const state = h.save(); // store it with the checkpoint
 * const again = Sha256.restore(state);
 * ```
 */
export class Sha256 implements Sha256Hasher {
  private readonly h = new Int32Array(8);
  private readonly tail = new Uint8Array(64);
  private tailLen = 0;
  private length = 0;

  constructor() {
    for (let i = 0; i < 8; i++) this.h[i] = SHA256_IV[i] as number;
  }

  /** A hasher in the state `save()` returned; DELTA_CORRUPT when the bytes are not such a state. */
  static restore(state: Uint8Array): Sha256 {
    if (state.length < SHA256_STATE_MIN || state.length >= SHA256_STATE_MIN + 64) {
      throw new RotkitError("DELTA_CORRUPT", "SHA-256 state has the wrong length");
    }
    const s = new Sha256();
    for (let i = 0; i < 8; i++) s.h[i] = readBe32(state, i * 4);
    const length = (readBe32(state, 32) >>> 0) * 0x100000000 + (readBe32(state, 36) >>> 0);
    const tailLen = state.length - SHA256_STATE_MIN;
    if (length > Number.MAX_SAFE_INTEGER || length % 64 !== tailLen) {
      throw new RotkitError("DELTA_CORRUPT", "SHA-256 state length and tail disagree");
    }
    s.length = length;
    s.tailLen = tailLen;
    s.tail.set(state.subarray(SHA256_STATE_MIN));
    return s;
  }

  update(data: Uint8Array): void {
    let i = 0;
    const n = data.length;
    this.length += n;
    if (this.tailLen > 0) {
      const take = Math.min(64 - this.tailLen, n);
      this.tail.set(data.subarray(0, take), this.tailLen);
      this.tailLen += take;
      i = take;
      if (this.tailLen < 64) return;
      sha256Blocks(this.h, this.tail, 0, 64);
      this.tailLen = 0;
    }
    const full = n - ((n - i) % 64);
    sha256Blocks(this.h, data, i, full);
    i = full;
    if (i < n) {
      this.tail.set(data.subarray(i), 0);
      this.tailLen = n - i;
    }
  }

  digest(): Uint8Array {
    const bits = this.length * 8;
    const pad = new Uint8Array((this.tailLen < 56 ? 64 : 128) - this.tailLen);
    pad[0] = 0x80;
    writeBe32(pad, pad.length - 8, Math.floor(bits / 0x100000000));
    writeBe32(pad, pad.length - 4, bits >>> 0);
    this.update(pad);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) writeBe32(out, i * 4, this.h[i] as number);
    return out;
  }

  save(): Uint8Array {
    const out = new Uint8Array(SHA256_STATE_MIN + this.tailLen);
    for (let i = 0; i < 8; i++) writeBe32(out, i * 4, this.h[i] as number);
    writeBe32(out, 32, Math.floor(this.length / 0x100000000));
    writeBe32(out, 36, this.length >>> 0);
    out.set(this.tail.subarray(0, this.tailLen), SHA256_STATE_MIN);
    return out;
  }
}

/** The portable hasher factory (the default of applyDelta). */
export const portableSha256: Sha256Factory = {
  create: () => new Sha256(),
  restore: (state) => Sha256.restore(state),
};

function readBe32(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number);
}

function writeBe32(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 24;
  b[i + 1] = v >>> 16;
  b[i + 2] = v >>> 8;
  b[i + 3] = v;
}
