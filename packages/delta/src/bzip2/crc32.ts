// bzip2's CRC-32: polynomial 0x04C11DB7, MSB-first (not the reflected zlib CRC), initial value and final XOR
// 0xFFFFFFFF. Each block carries the CRC of its decoded bytes; the stream trailer carries their combination.

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  table = t;
  return t;
}

/** Continues a running (not yet inverted) CRC over `bytes[start, end)`. Start with 0xFFFFFFFF; invert at the end. */
export function bzip2CrcUpdate(crc: number, bytes: Uint8Array, start: number, end: number): number {
  const t = crcTable();
  let c = crc;
  for (let i = start; i < end; i++) c = (c << 8) ^ (t[((c >>> 24) ^ (bytes[i] as number)) & 0xff] as number);
  return c >>> 0;
}

/** The stream CRC: rotate left by one, then XOR in the block's CRC (bzip2 1.0.x `combinedCRC`). */
export function bzip2CombineCrc(combined: number, blockCrc: number): number {
  return (((combined << 1) | (combined >>> 31)) ^ blockCrc) >>> 0;
}
