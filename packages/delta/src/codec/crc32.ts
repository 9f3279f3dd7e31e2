// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as in zlib/PNG: guards each block's payload and the header
// against transfer corruption, so a bad block fails before its checkpoint is taken.

let table: Int32Array | undefined;

function crcTable(): Int32Array {
  if (table) return table;
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  table = t;
  return t;
}

/**
 * Continues a CRC-32 over `data[start..end)`; start a new one with `crc = 0`.
 *
 * @example
 * ```ts
 * crc32(0, utf8Encode("123456789")); // 0xcbf43926
 * ```
 */
export function crc32(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  const t = crcTable();
  let c = ~crc;
  for (let i = start; i < end; i++) c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}
