import { type ByteSource, type RandomReader, RotkitError } from "@rotkit/core";

/** A ByteSource over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  let pos = 0;
  return {
    read(max: number): Uint8Array {
      const n = Math.min(max, bytes.length - pos);
      const out = bytes.subarray(pos, pos + n);
      pos += n;
      return out;
    },
  };
}

/** A ByteSource over `reader[start, end)`, read in pieces of at most `readSize` bytes. */
export function rangeSource(reader: RandomReader, start: number, end: number, readSize: number): ByteSource {
  let pos = start;
  return {
    async read(max: number): Promise<Uint8Array> {
      const n = Math.min(max, readSize, end - pos);
      if (n <= 0) return new Uint8Array(0);
      const out = await reader.read(pos, n);
      if (!(out instanceof Uint8Array) || out.length !== n) {
        throw new RotkitError("INVALID_ARGUMENT", `patch reader returned a wrong length at ${pos}`);
      }
      pos += n;
      return out;
    },
  };
}

/** True when `x` is a RandomReader (has a numeric size) rather than a pull ByteSource. */
export function isRandomReader(x: ByteSource | RandomReader): x is RandomReader {
  return typeof (x as RandomReader).size === "number";
}
