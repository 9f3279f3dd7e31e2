import { corrupt } from "../bzip2/pull-input.js";

// BSDIFF40 (bsdiff 4.x, Colin Percival; Debian package bsdiff 4.3): a 32-byte header, then three bzip2 streams
// back to back: control tuples, diff bytes, extra bytes.
//   0  "BSDIFF40"   8  control stream length   16  diff stream length   24  new file size
// Integers are 64-bit sign-magnitude little-endian (bspatch.c `offtin`).

export const BSDIFF_HEADER_SIZE = 32;
const MAGIC = [0x42, 0x53, 0x44, 0x49, 0x46, 0x46, 0x34, 0x30]; // "BSDIFF40"

/**
 * Reads one `offtin` integer. Magnitudes above 2^53 - 1 are DELTA_CORRUPT: no real file offset gets there, and a
 * JS number could not hold it exactly.
 */
export function offtin(bytes: Uint8Array, at: number, what: string): number {
  const top = (bytes[at + 7] as number) & 0x7f;
  if (top !== 0 || (bytes[at + 6] as number) > 0x1f) corrupt(`${what} out of range`, at);
  let v = 0;
  for (let i = 6; i >= 0; i--) v = v * 256 + (bytes[at + i] as number);
  return (bytes[at + 7] as number) & 0x80 ? -v : v;
}

export interface BsdiffHeader {
  controlLength: number;
  diffLength: number;
  newSize: number;
}

export function parseBsdiffHeader(h: Uint8Array): BsdiffHeader {
  for (let i = 0; i < 8; i++) if (h[i] !== MAGIC[i]) corrupt("not a BSDIFF40 patch", i);
  const controlLength = offtin(h, 8, "control stream length");
  const diffLength = offtin(h, 16, "diff stream length");
  const newSize = offtin(h, 24, "new size");
  // bspatch.c: "if ((bzctrllen < 0) || (bzdatalen < 0) || (newsize < 0)) errx(1, "Corrupt patch")".
  if (controlLength < 0 || diffLength < 0 || newSize < 0) corrupt("negative length in BSDIFF40 header", 8);
  // Object.is: a "negative zero" length is as odd as a negative one; bsdiff never writes it.
  if (Object.is(controlLength, -0) || Object.is(diffLength, -0) || Object.is(newSize, -0)) {
    corrupt("negative zero in BSDIFF40 header", 8);
  }
  return { controlLength, diffLength, newSize };
}
