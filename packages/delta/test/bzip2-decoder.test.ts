import { Bzip2Decoder, decompressBzip2 } from "@rotkit/delta";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bzip2Compress,
  codeOf,
  equalBytes,
  haveTool,
  patchMutations,
  pullSource,
  runMutations,
  vector,
} from "./helpers/interop-tools.js";

const hasBzip2 = haveTool("bzip2", "bzip2");

async function decodeChunked(bytes: Uint8Array, chunk: number, memory: "fast" | "small", readMax = 1000) {
  const dec = new Bzip2Decoder(pullSource(bytes, chunk, true), { memory });
  const parts: number[] = [];
  for (let c = await dec.read(readMax); c.length > 0; c = await dec.read(readMax)) parts.push(...c);
  return new Uint8Array(parts);
}

describe("bzip2 decoder: committed vector (no tool needed)", () => {
  const compressed = vector("new.bin.bz2");
  const expected = vector("new.bin");

  it.each(["fast", "small"] as const)("decodes bzip2 -9 output byte-exact (%s memory)", async (memory) => {
    expect(equalBytes(await decompressBzip2(compressed, { memory }), expected)).toBe(true);
  });

  it("gives the same bytes through a 1-byte source and small reads", async () => {
    expect(equalBytes(await decodeChunked(compressed, 1, "fast", 7), expected)).toBe(true);
  });

  it("rejects a block size above the limit with DELTA_LIMIT, and a wrong maxBlockSize100k with INVALID_ARGUMENT", async () => {
    expect(await codeOf(() => decompressBzip2(compressed, { maxBlockSize100k: 8 }))).toBe("DELTA_LIMIT");
    expect(await codeOf(() => decompressBzip2(compressed, { maxBlockSize100k: 10 }))).toBe("INVALID_ARGUMENT");
  });

  it("rejects output beyond maxOutput with DELTA_LIMIT", async () => {
    expect(await codeOf(() => decompressBzip2(compressed, { maxOutput: expected.length - 1 }))).toBe("DELTA_LIMIT");
    expect((await decompressBzip2(compressed, { maxOutput: expected.length })).length).toBe(expected.length);
  });

  it("rejects bytes after the stream, non-zero end padding and a randomised block", async () => {
    const trailing = new Uint8Array([...compressed, 0]);
    expect(await codeOf(() => decompressBzip2(trailing))).toBe("DELTA_CORRUPT");
    // The stream CRC ends somewhere inside the last byte: any set bit after it is padding.
    const padded = compressed.slice();
    padded[padded.length - 1] = (padded[padded.length - 1] as number) | 0x01;
    expect(await codeOf(() => decompressBzip2(padded))).toBe("DELTA_CORRUPT");
    // "BZh9", 6 bytes of block magic, 4 bytes of block CRC, then the randomised bit (MSB of byte 14).
    const randomised = compressed.slice();
    randomised[14] = (randomised[14] as number) | 0x80;
    expect(await codeOf(() => decompressBzip2(randomised))).toBe("DELTA_UNSUPPORTED");
  });

  it("stays failed: a read after an error throws again instead of looking like the end", async () => {
    const bad = compressed.slice();
    bad[compressed.length - 6] = (bad[compressed.length - 6] as number) ^ 0xff; // inside the stream CRC
    const dec = new Bzip2Decoder(pullSource(bad, 512));
    const out = new Uint8Array(expected.length + 10);
    let got = 0;
    const first = await codeOf(async () => {
      for (;;) {
        const n = await dec.readInto(out, got, out.length - got);
        if (n === 0) break;
        got += n;
      }
    });
    expect(first).toBe("DELTA_CORRUPT");
    expect(await codeOf(() => dec.readInto(out, 0, 1))).toBe("DELTA_CORRUPT");
  });

  it("rejects streams that are not bzip2", async () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array([0x42, 0x5a]), new Uint8Array([0x42, 0x5a, 0x68, 0x30])]) {
      expect(await codeOf(() => decompressBzip2(bytes))).toBe("DELTA_CORRUPT");
    }
  });
});

describe.skipIf(!hasBzip2)("bzip2 decoder vs /usr/bin/bzip2", () => {
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["one byte", new Uint8Array([0x5a])],
    // RLE1 edges: runs of 3, 4, 5, 255+4, 256+4 and beyond.
    ...[3, 4, 5, 259, 260, 1000].map((n): [string, Uint8Array] => [`run of ${n}`, new Uint8Array(n).fill(0xab)]),
    ["all byte values", Uint8Array.from({ length: 1024 }, (_, i) => i & 0xff)],
  ];

  it.each(cases)("round-trips %s in both memory modes", async (_name, data) => {
    const compressed = bzip2Compress(data);
    expect(equalBytes(await decompressBzip2(compressed, { memory: "fast" }), data)).toBe(true);
    expect(equalBytes(await decompressBzip2(compressed, { memory: "small" }), data)).toBe(true);
  });

  it("decodes several blocks (bzip2 -1, 100k blocks) and checks every block CRC", async () => {
    let x = 1;
    const data = Uint8Array.from({ length: 350_000 }, (_, i) => {
      x = (x * 1103515245 + 12345) >>> 0;
      return i % 3 === 0 ? x >>> 24 : (x >>> 24) & 3;
    });
    const compressed = bzip2Compress(data, 1);
    for (const memory of ["fast", "small"] as const) {
      expect(equalBytes(await decompressBzip2(compressed, { memory }), data)).toBe(true);
    }
    expect(await codeOf(() => decompressBzip2(compressed, { maxBlockSize100k: 1 }))).toBe("ok");
  });

  it("property: decodes whatever bzip2 makes (any level, memory mode, source chunking)", async () => {
    const segment = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 300 }),
      fc
        .record({ b: fc.integer({ min: 0, max: 255 }), n: fc.integer({ min: 1, max: 700 }) })
        .map(({ b, n }) => new Uint8Array(n).fill(b)),
      fc.uint8Array({ minLength: 0, maxLength: 200, max: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 12 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom("fast" as const, "small" as const),
        fc.integer({ min: 1, max: 5000 }),
        async (segments, level, memory, chunk) => {
          const data = new Uint8Array(segments.reduce((n, s) => n + s.length, 0));
          let at = 0;
          for (const s of segments) {
            data.set(s, at);
            at += s.length;
          }
          const got = await decodeChunked(bzip2Compress(data, level), chunk, memory, 4096);
          expect(equalBytes(got, data)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("every single-byte mutation and truncation is rejected with DELTA_* or decodes to the same bytes", async () => {
    const data = new TextEncoder().encode("firmware firmware firmware 0123456789 aaaaaaaaaaaa zzzz ".repeat(5));
    const compressed = bzip2Compress(data);
    const outcome = await runMutations(patchMutations(compressed), (b) => decompressBzip2(b), data);
    expect(outcome.acceptedDifferent).toEqual([]);
    // Accepted mutations hit bits that do not matter (the block-size digit, an unused Huffman table).
    expect(outcome.rejected).toBeGreaterThan(0.9 * (compressed.length * 6));
  });
});

describe("bzip2 decoder: fuzz (no tool needed)", () => {
  it("random bodies after a valid header and block magic only ever end in DELTA_* errors", async () => {
    const head = [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (body) => {
        const code = await codeOf(() => decompressBzip2(new Uint8Array([...head, ...body]), { maxOutput: 1 << 20 }));
        expect(code).toMatch(/^DELTA_/);
      }),
      { numRuns: 300 },
    );
  });
});
