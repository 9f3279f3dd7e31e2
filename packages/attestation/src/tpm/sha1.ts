// SHA-1 (FIPS 180-4 §6.1) for the two places TPM 2.0 still needs it and a CryptoProvider does not offer it: the
// SHA-1 PCR bank (event-log replay, PCR digests of SHA-1 quotes) and RSASSA-SHA1 quote signatures (the GCP
// Shielded VM AK signs with TPM_ALG_SHA1). Written from the standard; only public data is hashed here.

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/**
 * SHA-1 of `data` (FIPS 180-4 §6.1.2).
 *
 * @example
 * ```ts
 * sha1(new Uint8Array(0)); // da39a3ee5e6b4b0d3255bfef95601890afd80709
 * ```
 */
export function sha1(data: Uint8Array): Uint8Array {
  // §5.1.1 padding: 0x80, zeros, then the 64-bit big-endian bit length, to a multiple of 64 bytes.
  const blocks = Math.ceil((data.length + 9) / 64);
  const m = new Uint8Array(blocks * 64);
  m.set(data);
  m[data.length] = 0x80;
  const bitLen = data.length * 8;
  const dv = new DataView(m.buffer);
  dv.setUint32(m.length - 8, Math.floor(bitLen / 0x100000000));
  dv.setUint32(m.length - 4, bitLen >>> 0);
  // §5.3.1 initial hash value.
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  for (let b = 0; b < blocks; b++) {
    for (let t = 0; t < 16; t++) w[t] = dv.getUint32(b * 64 + t * 4);
    for (let t = 16; t < 80; t++)
      w[t] = rotl((w[t - 3] as number) ^ (w[t - 8] as number) ^ (w[t - 14] as number) ^ (w[t - 16] as number), 1);
    let a = h0;
    let bb = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      // §4.1.1 functions and §4.2.1 constants.
      let f: number;
      let k: number;
      if (t < 20) {
        f = (bb & c) | (~bb & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = bb ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (bb & c) | (bb & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = bb ^ c ^ d;
        k = 0xca62c1d6;
      }
      const tmp = (rotl(a, 5) + f + e + k + (w[t] as number)) >>> 0;
      e = d;
      d = c;
      c = rotl(bb, 30) >>> 0;
      bb = a;
      a = tmp;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + bb) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  ov.setUint32(0, h0);
  ov.setUint32(4, h1);
  ov.setUint32(8, h2);
  ov.setUint32(12, h3);
  ov.setUint32(16, h4);
  return out;
}
