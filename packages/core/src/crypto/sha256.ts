import { checkBytes } from "./algs.js";

// SHA-256 (FIPS 180-4 §6.2) for the hashes rotkit computes most: manifests, severable members, claims and small
// payloads of a few hundred bytes. A general-purpose hash object costs more to set up than such an input costs to
// hash; this one-shot function allocates only its output, and the block function keeps the working variables and
// the state in locals across blocks. The incremental hasher of @rotkit/delta runs on the same block function.

/** FIPS 180-4 §5.3.3: the initial hash value. */
export const SHA256_IV: readonly number[] = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/**
 * The block function and the one-shot hash over their constants and scratch space (416 bytes: message schedule,
 * one-shot state, two padding blocks). Built in a closure on first use, not at module level: a bundler turns
 * module-level `const` into `var`, and V8 then no longer treats the tables as fixed, which made every block ~30%
 * slower. Sharing the scratch is safe: JavaScript runs one call at a time and nothing here yields.
 */
function sha256Engine() {
  // FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
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
  const W = new Int32Array(64);
  const ONE_SHOT = new Int32Array(8);
  const PAD = new Uint8Array(128);

  function blocks(state: Int32Array, data: Uint8Array, from: number, to: number): void {
    const w = W;
    let h0 = state[0] as number;
    let h1 = state[1] as number;
    let h2 = state[2] as number;
    let h3 = state[3] as number;
    let h4 = state[4] as number;
    let h5 = state[5] as number;
    let h6 = state[6] as number;
    let h7 = state[7] as number;
    for (let p = from; p + 64 <= to; p += 64) {
      let a = h0;
      let b = h1;
      let c = h2;
      let d = h3;
      let e = h4;
      let f = h5;
      let g = h6;
      let h = h7;
      // The message schedule (§6.2.2 step 1) is computed as the rounds need it, in one pass.
      for (let t = 0; t < 64; t++) {
        let wt: number;
        if (t < 16) {
          const q = p + 4 * t;
          wt =
            ((data[q] as number) << 24) |
            ((data[q + 1] as number) << 16) |
            ((data[q + 2] as number) << 8) |
            (data[q + 3] as number);
        } else {
          const x = w[t - 15] as number;
          const y = w[t - 2] as number;
          const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
          const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
          wt = (s1 + (w[t - 7] as number) + s0 + (w[t - 16] as number)) | 0;
        }
        w[t] = wt;
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[t] as number) + wt) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0;
      h1 = (h1 + b) | 0;
      h2 = (h2 + c) | 0;
      h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0;
      h5 = (h5 + f) | 0;
      h6 = (h6 + g) | 0;
      h7 = (h7 + h) | 0;
    }
    state[0] = h0;
    state[1] = h1;
    state[2] = h2;
    state[3] = h3;
    state[4] = h4;
    state[5] = h5;
    state[6] = h6;
    state[7] = h7;
  }

  function oneShot(data: Uint8Array): Uint8Array {
    const state = ONE_SHOT;
    for (let i = 0; i < 8; i++) state[i] = SHA256_IV[i] as number;
    const n = data.length;
    const full = n - (n % 64);
    blocks(state, data, 0, full);
    // §5.1.1 padding: the rest of the message, a 1 bit, zeros, and the length in bits as 64 bits big-endian.
    const pad = PAD;
    pad.fill(0);
    const rest = n - full;
    for (let i = 0; i < rest; i++) pad[i] = data[full + i] as number;
    pad[rest] = 0x80;
    const end = rest < 56 ? 64 : 128;
    const hi = Math.floor(n / 0x20000000); // (n * 8) / 2^32, exact for any length a Uint8Array can have
    const lo = (n * 8) >>> 0;
    pad[end - 8] = hi >>> 24;
    pad[end - 7] = hi >>> 16;
    pad[end - 6] = hi >>> 8;
    pad[end - 5] = hi;
    pad[end - 4] = lo >>> 24;
    pad[end - 3] = lo >>> 16;
    pad[end - 2] = lo >>> 8;
    pad[end - 1] = lo;
    blocks(state, pad, 0, end);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const v = state[i] as number;
      out[4 * i] = v >>> 24;
      out[4 * i + 1] = v >>> 16;
      out[4 * i + 2] = v >>> 8;
      out[4 * i + 3] = v;
    }
    return out;
  }

  return { blocks, oneShot };
}

let engine: ReturnType<typeof sha256Engine> | undefined;

/**
 * Runs the SHA-256 compression function (FIPS 180-4 §6.2.2) over the 64-byte blocks of `data[from, to)` (`to - from`
 * a multiple of 64), updating `state` (8 words). For incremental hashers; most callers want {@link sha256}.
 *
 * @example
 * ```ts
 * const state = Int32Array.from(SHA256_IV);
 * sha256Blocks(state, block64, 0, 64);
 * ```
 */
export function sha256Blocks(state: Int32Array, data: Uint8Array, from: number, to: number): void {
  engine ??= sha256Engine();
  engine.blocks(state, data, from, to);
}

/**
 * SHA-256 of `data` (FIPS 180-4 §6.2). Same digest as any SHA-256; faster than a hash object on small inputs.
 *
 * @example
 * ```ts
 * toHex(sha256(utf8Encode("abc"))); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function sha256(data: Uint8Array): Uint8Array {
  checkBytes("SHA-256 input", data);
  engine ??= sha256Engine();
  return engine.oneShot(data);
}
