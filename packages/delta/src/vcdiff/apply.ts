import { type ByteSink, type ByteSource, type RandomReader, RotkitError } from "@rotkit/core";
import { corrupt, DEFAULT_READ_SIZE, optionInt, PullInput } from "../bzip2/pull-input.js";
import { AddressCache } from "./address-cache.js";
import { adler32 } from "./adler32.js";
import { defaultCodeTable } from "./code-table.js";
import { Section, varint } from "./section.js";
import { runWindow, type SourceSegment } from "./window.js";

/** Options of {@link applyVcdiff}. */
export interface ApplyVcdiffOptions {
  /**
   * Largest target window accepted (default 8 MiB, xdelta3's default `-W`; its hard maximum is 16 MiB). The whole
   * window is held in memory: COPY may reference any earlier byte of it. More is DELTA_LIMIT before allocation.
   */
  maxWindowSize?: number;
  /** Largest delta encoding (data + instructions + addresses) of one window (default: maxWindowSize + 25 %). */
  maxEncodingSize?: number;
  /** Largest new image accepted (default 256 MiB); more is DELTA_LIMIT. */
  maxNewSize?: number;
  /** Largest application header (xdelta3 `VCD_APPHEADER`) kept (default 4 KiB); more is DELTA_LIMIT. */
  maxAppHeaderSize?: number;
  /**
   * The new image's size when the caller knows it (a manifest does). VCDIFF has no total length, so a patch cut
   * exactly between two windows would otherwise decode to a shorter image; with this set that is
   * DELTA_OUTPUT_MISMATCH, checked before the last window is written.
   */
  expectedNewSize?: number;
  /** Reads back output already written; needed only for VCD_TARGET windows (xdelta3 never writes them). */
  writtenReader?: RandomReader;
  /** Output chunk size handed to the sink (default 64 KiB). */
  chunkSize?: number;
  /** Bytes asked of the patch per read (default 16 KiB). */
  readSize?: number;
}

/** What {@link applyVcdiff} did. */
export interface ApplyVcdiffResult {
  /** Bytes written to the sink. */
  newSize: number;
  /** Windows decoded. */
  windows: number;
  /** Windows that carried an Adler-32 (xdelta3 `VCD_ADLER32`), all verified. */
  checksummedWindows: number;
  /** Bytes allocated for the largest target window and the largest window encoding (the working memory). */
  windowBytes: number;
  /** The application header (xdelta3: "new//old/" file names), when present. Not authenticated by anything. */
  appHeader?: Uint8Array;
}

// RFC 3284 §4.1 header indicator bits, plus xdelta3's application header bit.
const VCD_DECOMPRESS = 0x01;
const VCD_CODETABLE = 0x02;
const VCD_APPHEADER = 0x04;
// §4.2 window indicator bits, plus xdelta3's checksum bit.
const VCD_SOURCE = 0x01;
const VCD_TARGET = 0x02;
const VCD_ADLER32 = 0x04;

const MiB = 1024 * 1024;
/** Empty target windows tolerated in one patch (xdelta3 writes one, for an empty target). */
const MAX_EMPTY_WINDOWS = 64;

function tooBig(what: string, n: number, max: number, at: number): never {
  throw new RotkitError("DELTA_LIMIT", `VCDIFF ${what} of ${n} bytes exceeds the limit ${max}`, { at });
}

/** Reads a varint from the stream, byte by byte (window headers are a handful of bytes). */
async function streamVarint(input: PullInput, what: string): Promise<number> {
  const bytes: number[] = [];
  for (;;) {
    const b = await input.byte(`VCDIFF ${what}`);
    bytes.push(b);
    if (!(b & 0x80) || bytes.length >= 8) break;
  }
  let i = 0;
  return varint(() => bytes[i++] ?? 0x80, what);
}

/**
 * Applies a VCDIFF patch (RFC 3284) as `xdelta3 -e -S none` writes it, with or without `-n` (no checksums) and
 * `-A` (no application header), streaming the new image to `newWriter`. Supported: the default code table, the
 * near/same address cache, ADD/COPY/RUN, VCD_SOURCE windows (from `oldReader`), VCD_TARGET windows (from
 * `options.writtenReader`), xdelta3's VCD_ADLER32 window checksum (checked before the window is written) and
 * application header. Secondary compression (VCD_DECOMPRESS: `-S lzma`, `djw`, `fgk`) and custom code tables are
 * DELTA_UNSUPPORTED.
 *
 * Memory: one target window plus its delta encoding, bounded by `maxWindowSize` and `maxEncodingSize`. A window is
 * written only after it decoded completely (and its checksum matched); the last one only after the patch ended
 * cleanly. Any failure throws a DELTA_* RotkitError; bytes written before it must be discarded.
 *
 * @example
 * ```ts
 * const chunks: Uint8Array[] = [];
 * let sent = false;
 * const res = await applyVcdiff(
 *   { size: old.length, read: (o, n) => old.subarray(o, o + n) },
 *   { read: () => (sent ? new Uint8Array(0) : ((sent = true), patch)) },
 *   { write: (c) => void chunks.push(c.slice()) },
 *   { expectedNewSize: 4512 },
 * );
 * ```
 */
export async function applyVcdiff(
  oldReader: RandomReader,
  patchSource: ByteSource,
  newWriter: ByteSink,
  options: ApplyVcdiffOptions = {},
): Promise<ApplyVcdiffResult> {
  const maxWindow = optionInt(options.maxWindowSize, 8 * MiB, "maxWindowSize");
  const maxEncoding = optionInt(options.maxEncodingSize, maxWindow + Math.ceil(maxWindow / 4), "maxEncodingSize");
  const maxNewSize = optionInt(options.maxNewSize, 256 * MiB, "maxNewSize");
  const maxAppHeader = optionInt(options.maxAppHeaderSize, 4096, "maxAppHeaderSize");
  const chunkSize = Math.max(1, optionInt(options.chunkSize, 64 * 1024, "chunkSize"));
  const expected = options.expectedNewSize;
  const input = new PullInput(patchSource, Math.max(1, optionInt(options.readSize, DEFAULT_READ_SIZE, "readSize")));

  // §4.1 header: 0xD6 0xC3 0xC4 ("VCD" with high bits) and version 0.
  const magic = new Uint8Array(4);
  await input.readInto(magic, 0, 4, "VCDIFF header");
  if (magic[0] !== 0xd6 || magic[1] !== 0xc3 || magic[2] !== 0xc4) corrupt("not a VCDIFF patch", 0);
  if (magic[3] !== 0) throw new RotkitError("DELTA_UNSUPPORTED", `VCDIFF version ${magic[3]}`, { at: 3 });
  const hdr = await input.byte("VCDIFF header indicator");
  if (hdr & ~(VCD_DECOMPRESS | VCD_CODETABLE | VCD_APPHEADER)) corrupt("unknown VCDIFF header indicator bits", 4);
  if (hdr & VCD_DECOMPRESS) {
    throw new RotkitError("DELTA_UNSUPPORTED", "VCDIFF secondary compression (make the patch with xdelta3 -S none)", {
      at: 4,
    });
  }
  if (hdr & VCD_CODETABLE) throw new RotkitError("DELTA_UNSUPPORTED", "VCDIFF custom code table", { at: 4 });
  let appHeader: Uint8Array | undefined;
  if (hdr & VCD_APPHEADER) {
    const at = input.offset;
    const n = await streamVarint(input, "application header length");
    if (n > maxAppHeader) tooBig("application header", n, maxAppHeader, at);
    appHeader = new Uint8Array(n);
    await input.readInto(appHeader, 0, n, "VCDIFF application header");
  }

  const table = defaultCodeTable();
  const cache = new AddressCache();
  let target = new Uint8Array(0);
  let encoding = new Uint8Array(0);
  let written = 0;
  let windows = 0;
  let checksummed = 0;
  let emptyWindows = 0;

  // §4.2 windows, until the patch ends. xdelta3 writes at least one window, even for an empty target.
  for (;;) {
    const winAt = input.offset;
    const win = await input.byte("VCDIFF window indicator");
    if (win & ~(VCD_SOURCE | VCD_TARGET | VCD_ADLER32)) corrupt("unknown VCDIFF window indicator bits", winAt);
    if ((win & (VCD_SOURCE | VCD_TARGET)) === (VCD_SOURCE | VCD_TARGET)) {
      corrupt("VCDIFF window has both VCD_SOURCE and VCD_TARGET", winAt);
    }
    let source: SourceSegment | undefined;
    if (win & (VCD_SOURCE | VCD_TARGET)) {
      const length = await streamVarint(input, "source segment length");
      const position = await streamVarint(input, "source segment position");
      let reader: RandomReader;
      let available: number;
      if (win & VCD_SOURCE) {
        reader = oldReader;
        available = oldReader.size;
      } else {
        if (!options.writtenReader) {
          throw new RotkitError("DELTA_UNSUPPORTED", "VCDIFF VCD_TARGET window needs options.writtenReader", {
            at: winAt,
          });
        }
        reader = options.writtenReader;
        available = written;
      }
      if (length > available || position > available - length) {
        corrupt(`VCDIFF source segment [${position}, +${length}) outside the ${available} bytes available`, winAt);
      }
      source = { reader, position, length };
    }
    const encLength = await streamVarint(input, "delta encoding length");
    const encStart = input.offset;
    const targetLength = await streamVarint(input, "target window length");
    if (targetLength > maxWindow) tooBig("target window", targetLength, maxWindow, encStart);
    if (written + targetLength > maxNewSize) tooBig("new image", written + targetLength, maxNewSize, encStart);
    if (expected !== undefined && written + targetLength > expected) {
      throw new RotkitError("DELTA_OUTPUT_MISMATCH", `VCDIFF patch makes more than the expected ${expected} bytes`, {
        at: encStart,
      });
    }
    // Every other window yields at least a byte (bounded by maxNewSize); empty ones are capped so that an endless
    // patch of empty windows cannot keep the applier busy without output.
    if (targetLength === 0 && ++emptyWindows > MAX_EMPTY_WINDOWS) {
      throw new RotkitError("DELTA_LIMIT", `VCDIFF patch has more than ${MAX_EMPTY_WINDOWS} empty windows`, {
        at: encStart,
      });
    }
    const deltaIndicator = await input.byte("VCDIFF delta indicator");
    // Without VCD_DECOMPRESS in the header no section can be compressed (§4.3).
    if (deltaIndicator !== 0) corrupt("VCDIFF delta indicator set without secondary compression", input.offset - 1);
    const dataLength = await streamVarint(input, "data section length");
    const instLength = await streamVarint(input, "instructions section length");
    const addrLength = await streamVarint(input, "addresses section length");
    let checksum: number | undefined;
    if (win & VCD_ADLER32) {
      const c = new Uint8Array(4);
      await input.readInto(c, 0, 4, "VCDIFF window checksum");
      checksum =
        (((c[0] as number) << 24) | ((c[1] as number) << 16) | ((c[2] as number) << 8) | (c[3] as number)) >>> 0;
    }
    const sectionsLength = dataLength + instLength + addrLength;
    if (sectionsLength > maxEncoding) tooBig("window encoding", sectionsLength, maxEncoding, encStart);
    if (encLength !== input.offset - encStart + sectionsLength) {
      corrupt("VCDIFF delta encoding length does not match its sections", encStart);
    }

    if (encoding.length < sectionsLength) encoding = new Uint8Array(sectionsLength);
    await input.readInto(encoding, 0, sectionsLength, "VCDIFF window sections");
    if (target.length < targetLength) target = new Uint8Array(targetLength);
    await runWindow(
      table,
      cache,
      {
        data: new Section(encoding, 0, dataLength, "data"),
        instructions: new Section(encoding, dataLength, dataLength + instLength, "instructions"),
        addresses: new Section(encoding, dataLength + instLength, sectionsLength, "addresses"),
      },
      source,
      target,
      targetLength,
    );
    if (checksum !== undefined) {
      if (adler32(target, 0, targetLength) !== checksum) corrupt(`VCDIFF window ${windows} Adler-32 mismatch`, winAt);
      checksummed++;
    }
    windows++;

    const last = await input.atEnd();
    if (last && expected !== undefined && written + targetLength !== expected) {
      throw new RotkitError(
        "DELTA_OUTPUT_MISMATCH",
        `VCDIFF patch ends after ${written + targetLength} of the expected ${expected} bytes`,
        { at: input.offset },
      );
    }
    for (let off = 0; off < targetLength; off += chunkSize) {
      await newWriter.write(target.subarray(off, Math.min(targetLength, off + chunkSize)));
    }
    written += targetLength;
    if (last) break;
  }

  const result: ApplyVcdiffResult = {
    newSize: written,
    windows,
    checksummedWindows: checksummed,
    windowBytes: target.byteLength + encoding.byteLength,
  };
  if (appHeader) result.appHeader = appHeader;
  return result;
}
