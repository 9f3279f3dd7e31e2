// MGF1 (RFC 8017 §B.2.1), the mask generation function of RSASSA-PSS (core) and RSAES-OAEP (cose). It takes the
// hash as a function so OAEP can use SHA-1 (RFC 8230 §3), which core's HashAlg deliberately does not name.

/**
 * MGF1 mask of `length` bytes: Hash(seed ‖ C) for C = 0, 1, 2, … (4-byte big-endian counters), concatenated and
 * cut to length.
 *
 * @example
 * ```ts
 * const mask = mgf1(sha256, seed, 223);
 * ```
 */
export function mgf1(hash: (data: Uint8Array) => Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed, 0);
  for (let counter = 0, o = 0; o < length; counter++) {
    input[seed.length] = counter >>> 24;
    input[seed.length + 1] = (counter >>> 16) & 0xff;
    input[seed.length + 2] = (counter >>> 8) & 0xff;
    input[seed.length + 3] = counter & 0xff;
    const block = hash(input);
    out.set(block.subarray(0, Math.min(block.length, length - o)), o);
    o += block.length;
  }
  return out;
}
