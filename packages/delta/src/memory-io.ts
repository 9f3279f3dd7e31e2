import type { ByteSink, ByteSource, RandomReader } from "@rotkit/core";

// In-memory ends of the I/O seams (core io.ts), for hosts that hold an image in RAM, tests and the CLI.

/**
 * A RandomReader over bytes in memory (reads are views, no copies).
 *
 * @example
 * ```ts
 * const old = memoryReader(oldImage);
 * ```
 */
export function memoryReader(bytes: Uint8Array): RandomReader {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/**
 * A ByteSource over bytes in memory that hands out at most `chunk` bytes per read (to mimic a download).
 *
 * @example
 * ```ts
 * const patchSource = memorySource(patch, 1024);
 * ```
 */
export function memorySource(bytes: Uint8Array, chunk = Number.POSITIVE_INFINITY): ByteSource {
  let at = 0;
  return {
    read(max) {
      const end = Math.min(bytes.length, at + Math.min(max, chunk));
      const view = bytes.subarray(at, end);
      at = end;
      return view;
    },
  };
}

/** A ByteSink that keeps everything written; `bytes()` joins it. */
export interface MemorySink extends ByteSink {
  readonly length: number;
  bytes(): Uint8Array;
}

/**
 * A growable in-memory ByteSink.
 *
 * @example
 * ```ts
 * const sink = memorySink();
 * await applyDelta(memoryReader(old), memorySource(patch), sink);
 * const newImage = sink.bytes();
 * ```
 */
export function memorySink(): MemorySink {
  let buf = new Uint8Array(1 << 16);
  let n = 0;
  return {
    get length() {
      return n;
    },
    write(chunk) {
      if (n + chunk.length > buf.length) {
        let size = buf.length * 2;
        while (size < n + chunk.length) size *= 2;
        const next = new Uint8Array(size);
        next.set(buf.subarray(0, n));
        buf = next;
      }
      buf.set(chunk, n);
      n += chunk.length;
    },
    bytes: () => buf.slice(0, n),
  };
}
