// CRC-32 as in IEEE 802.3 / zlib / PNG (reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF;
// check value of "123456789" is 0xCBF43926). A nibble-wise table of 16 entries keeps it small for device builds
// while staying 2 table look-ups per byte. It detects every burst error of up to 32 bits, so a single corrupted
// byte or a half-programmed flash unit of up to 4 bytes never passes as a valid record.

const NIBBLE_TABLE: readonly number[] = [
  0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c, 0xedb88320,
  0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
];

/**
 * CRC-32 (IEEE) of `bytes[start..end)`, as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * crc32(utf8Encode("123456789")); // 0xcbf43926
 * ```
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) {
    c ^= bytes[i] as number;
    c = (c >>> 4) ^ (NIBBLE_TABLE[c & 0x0f] as number);
    c = (c >>> 4) ^ (NIBBLE_TABLE[c & 0x0f] as number);
  }
  return (c ^ 0xffffffff) >>> 0;
}
