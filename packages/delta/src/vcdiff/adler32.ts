// Adler-32 (RFC 1950 §8.2), as xdelta3 writes it for VCD_ADLER32 windows: of the whole target window.

const MOD = 65521;
/** Largest n with 255·n·(n+1)/2 + (n+1)·(MOD-1) < 2^32 (zlib's NMAX): the sums stay exact between reductions. */
const NMAX = 5552;

export function adler32(bytes: Uint8Array, start: number, end: number): number {
  let a = 1;
  let b = 0;
  let i = start;
  while (i < end) {
    const stop = Math.min(end, i + NMAX);
    for (; i < stop; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}
