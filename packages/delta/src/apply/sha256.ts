import { RotkitError } from "@rotkit/core";

// SHA-256 (FIPS 180-4 §6.2) whose running state can be saved and restored: an apply checkpoint carries the digest
// state of the output written so far, so a resumed apply still checks the whole new image (the state is H0..H7 plus
// the unprocessed tail and the message length). Hosts with a native SHA-256 inject one through Sha256Factory.

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

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

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
  private readonly w = new Int32Array(64);
  private readonly tail = new Uint8Array(64);
  private tailLen = 0;
  private length = 0;

  constructor() {
    for (let i = 0; i < 8; i++) this.h[i] = IV[i] as number;
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
      this.compress(this.tail, 0);
      this.tailLen = 0;
    }
    for (; i + 64 <= n; i += 64) this.compress(data, i);
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

  // FIPS 180-4 §6.2.2: one 512-bit block.
  private compress(d: Uint8Array, at: number): void {
    const w = this.w;
    for (let t = 0; t < 16; t++) {
      const j = at + t * 4;
      w[t] =
        ((d[j] as number) << 24) | ((d[j + 1] as number) << 16) | ((d[j + 2] as number) << 8) | (d[j + 3] as number);
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15] as number;
      const y = w[t - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = ((w[t - 16] as number) + s0 + (w[t - 7] as number) + s1) | 0;
    }
    const h = this.h;
    let a = h[0] as number;
    let b = h[1] as number;
    let c = h[2] as number;
    let d3 = h[3] as number;
    let e = h[4] as number;
    let f = h[5] as number;
    let g = h[6] as number;
    let h7 = h[7] as number;
    for (let t = 0; t < 64; t++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h7 + s1 + ch + (K[t] as number) + (w[t] as number)) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h7 = g;
      g = f;
      f = e;
      e = (d3 + t1) | 0;
      d3 = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = ((h[0] as number) + a) | 0;
    h[1] = ((h[1] as number) + b) | 0;
    h[2] = ((h[2] as number) + c) | 0;
    h[3] = ((h[3] as number) + d3) | 0;
    h[4] = ((h[4] as number) + e) | 0;
    h[5] = ((h[5] as number) + f) | 0;
    h[6] = ((h[6] as number) + g) | 0;
    h[7] = ((h[7] as number) + h7) | 0;
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
