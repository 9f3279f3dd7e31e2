import type { ByteSource, RandomReader } from "@rotkit/core";
import { type ApplyBsdiffOptions, applyBsdiff } from "@rotkit/delta";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bsdiff,
  bspatch,
  bzip2Compress,
  codeOf,
  collectingSink,
  corpusPairs,
  editImage,
  equalBytes,
  haveTool,
  memoryReader,
  patchMutations,
  pullSource,
  runMutations,
  synthImage,
  vector,
} from "./helpers/interop-tools.js";

const hasBsdiff = haveTool("bsdiff", "bsdiff") && haveTool("bspatch", "bsdiff");
const hasBzip2 = haveTool("bzip2", "bzip2");

type PatchMode = "reader" | "pull";

async function apply(old: Uint8Array, patch: Uint8Array, mode: PatchMode = "reader", options: ApplyBsdiffOptions = {}) {
  const sink = collectingSink();
  const source: ByteSource | RandomReader = mode === "reader" ? memoryReader(patch) : pullSource(patch, 1000, true);
  const result = await applyBsdiff(memoryReader(old), source, sink, options);
  return { result, bytes: sink.bytes(), writes: sink.writes };
}

/** A BSDIFF40 patch from parts: header + three bzip2 streams (control tuples as [diff, extra, seek]). */
function craftPatch(tuples: number[][], diff: Uint8Array, extra: Uint8Array, newSize: number): Uint8Array {
  const ctrlRaw = new Uint8Array(tuples.length * 24);
  const offtout = (v: number, out: Uint8Array, at: number) => {
    let m = Math.abs(v);
    for (let i = 0; i < 8; i++) {
      out[at + i] = m % 256;
      m = Math.floor(m / 256);
    }
    if (v < 0) out[at + 7] = (out[at + 7] as number) | 0x80;
  };
  tuples.forEach((t, i) => {
    t.forEach((v, j) => {
      offtout(v, ctrlRaw, i * 24 + j * 8);
    });
  });
  const ctrl = bzip2Compress(ctrlRaw);
  const diffZ = bzip2Compress(diff);
  const extraZ = bzip2Compress(extra);
  const header = new Uint8Array(32);
  header.set(new TextEncoder().encode("BSDIFF40"));
  offtout(ctrl.length, header, 8);
  offtout(diffZ.length, header, 16);
  offtout(newSize, header, 24);
  return new Uint8Array([...header, ...ctrl, ...diffZ, ...extraZ]);
}

describe("applyBsdiff: committed vectors (no tool needed)", () => {
  const old = vector("old.bin");
  const expected = vector("new.bin");
  const patch = vector("new.bsdiff");

  it.each([
    ["reader", "fast"],
    ["reader", "small"],
    ["pull", "fast"],
    ["pull", "small"],
  ] as const)("reproduces new.bin byte-exact (patch as %s, bzip2 %s memory)", async (mode, bzip2Memory) => {
    const { result, bytes } = await apply(old, patch, mode, { bzip2Memory });
    expect(equalBytes(bytes, expected)).toBe(true);
    expect(result.newSize).toBe(expected.length);
    expect(result.controlTuples).toBeGreaterThan(0);
    // Pull mode buffers exactly the compressed control + diff streams; reader mode buffers nothing.
    const header = new DataView(patch.buffer, patch.byteOffset);
    const buffered = header.getUint32(8, true) + header.getUint32(16, true);
    expect(result.bufferedPatchBytes).toBe(mode === "pull" ? buffered : 0);
  });

  it("reports the bzip2 working memory: sized by the blocks seen, 4 or 2.5 bytes per block byte", async () => {
    const fast = (await apply(old, patch, "reader", { bzip2Memory: "fast" })).result.bzip2WorkingBytes;
    const small = (await apply(old, patch, "reader", { bzip2Memory: "small" })).result.bzip2WorkingBytes;
    // Three streams, none with more than the new image's bytes in a block: far below 3 x 3.6 MB.
    expect(fast).toBeGreaterThan(0);
    expect(fast).toBeLessThanOrEqual(3 * 4 * 65536);
    expect(small).toBeLessThan(fast);
  });

  it("hands the sink chunkSize pieces (and a 1-byte patch source works)", async () => {
    const sink = collectingSink();
    await applyBsdiff(memoryReader(old), pullSource(patch, 1), sink, { chunkSize: 1000 });
    expect(sink.writes).toBe(Math.ceil(expected.length / 1000));
    expect(equalBytes(sink.bytes(), expected)).toBe(true);
  });

  it("ath9k-htc firmware pair (Xtensa, 51 KB): byte-exact", async () => {
    const d = "ath9k-htc-fw/";
    const { bytes } = await apply(vector(`${d}old.bin`), vector(`${d}new.bsdiff`), "pull");
    expect(equalBytes(bytes, vector(`${d}new.bin`))).toBe(true);
  });

  it("checks the header against the limits before any output", async () => {
    expect(await codeOf(() => apply(old, patch, "reader", { maxNewSize: expected.length - 1 }))).toBe("DELTA_LIMIT");
    expect(await codeOf(() => apply(old, patch, "pull", { maxBufferedPatchBytes: 10 }))).toBe("DELTA_LIMIT");
    expect(await codeOf(() => apply(old, patch, "reader", { maxBufferedPatchBytes: 10 }))).toBe("ok");
    expect(await codeOf(() => apply(old, patch, "reader", { expectedNewSize: expected.length + 1 }))).toBe(
      "DELTA_OUTPUT_MISMATCH",
    );
    expect(await codeOf(() => apply(old, patch, "reader", { maxBlockSize100k: 8 }))).toBe("DELTA_LIMIT");
  });

  it("writes nothing when a stream has data past the new image (the last chunk waits for every check)", async () => {
    const sink = collectingSink();
    const withTail = new Uint8Array([...patch, 0x42]);
    expect(await codeOf(() => applyBsdiff(memoryReader(old), memoryReader(withTail), sink))).toBe("DELTA_CORRUPT");
    expect(sink.writes).toBe(0);
  });

  it("rejects a negative or out-of-range header field and a patch shorter than its streams", async () => {
    const neg = patch.slice();
    neg[31] = 0x80; // new size negative
    expect(await codeOf(() => apply(old, neg))).toBe("DELTA_CORRUPT");
    const huge = patch.slice();
    huge[14] = 0x01; // control length 2^48 + ...
    expect(await codeOf(() => apply(old, huge))).toBe("DELTA_CORRUPT");
    expect(await codeOf(() => apply(old, huge, "pull"))).toBe("DELTA_LIMIT");
    const tooBig = patch.slice();
    tooBig[15] = 0x20; // 2^61: beyond a safe integer
    expect(await codeOf(() => apply(old, tooBig))).toBe("DELTA_CORRUPT");
  });

  it.each(["reader", "pull"] as const)(
    "every single-byte mutation and truncation is rejected with DELTA_* or gives the same image (%s)",
    async (mode) => {
      const outcome = await runMutations(
        patchMutations(patch),
        async (p) => (await apply(old, p, mode)).bytes,
        expected,
      );
      expect(outcome.acceptedDifferent).toEqual([]);
      // What is accepted is immaterial: the BZh block-size digit lowered, an unused Huffman table.
      expect(outcome.acceptedSame).toBeLessThan(patch.length);
      expect(outcome.rejected).toBeGreaterThan(5 * patch.length);
    },
  );
});

describe.skipIf(!hasBzip2)("applyBsdiff: hand-made patches (bzip2 for the streams)", () => {
  it("adds old bytes only inside the old image (bspatch semantics for positions outside it)", async () => {
    const old = Uint8Array.from({ length: 10 }, (_, i) => 10 * (i + 1));
    // 6 diff bytes starting at old position -3, then seek +20 and 4 more diff bytes facing old[27..31).
    const patch = craftPatch(
      [
        [0, 0, -3],
        [6, 0, 20],
        [4, 2, 0],
      ],
      new Uint8Array([1, 1, 1, 1, 1, 1, 2, 2, 2, 2]),
      new Uint8Array([7, 7]),
      12,
    );
    const { bytes } = await apply(old, patch);
    expect(Array.from(bytes)).toEqual([1, 1, 1, 11, 21, 31, 2, 2, 2, 2, 7, 7]);
    if (hasBsdiff) expect(Array.from(bspatch(old, patch))).toEqual(Array.from(bytes));
  });

  it("rejects control tuples that are negative, run past the new size or run out", async () => {
    const diff = new Uint8Array(8);
    const cases: [number[][], number][] = [
      [[[-1, 0, 0]], 8],
      [[[0, -1, 0]], 8],
      [[[9, 0, 0]], 8],
      [[[4, 5, 0]], 8],
      [[[4, 0, 0]], 8], // control stream ends before the new image is complete
    ];
    for (const [tuples, size] of cases) {
      expect(await codeOf(() => apply(diff, craftPatch(tuples, diff, new Uint8Array(0), size)))).toBe("DELTA_CORRUPT");
    }
    // Streams that hold more than the tuples use.
    const long = craftPatch([[8, 0, 0]], new Uint8Array(9), new Uint8Array(0), 8);
    expect(await codeOf(() => apply(diff, long))).toBe("DELTA_CORRUPT");
  });
});

describe.skipIf(!hasBsdiff)("applyBsdiff vs bsdiff/bspatch 4.3", () => {
  const pairs: [string, Uint8Array, Uint8Array][] = [
    ["small edit", synthImage(1, 6000), editImage(synthImage(1, 6000), 3)],
    ["identical", synthImage(2, 5000), synthImage(2, 5000)],
    ["new much larger", synthImage(3, 3000), synthImage(3, 40000)],
    ["new much smaller", synthImage(4, 40000), synthImage(4, 2000)],
    ["unrelated", synthImage(5, 4000), synthImage(6, 4000)],
    ["one byte each", new Uint8Array([1]), new Uint8Array([2])],
    ["big zero runs", new Uint8Array(120_000), new Uint8Array(120_000).fill(1, 1000, 1010)],
  ];

  it.each(pairs)("%s: same bytes as bspatch, in both patch modes", async (_name, oldImage, newImage) => {
    const patch = bsdiff(oldImage, newImage);
    const reference = bspatch(oldImage, patch);
    expect(equalBytes(reference, newImage)).toBe(true);
    for (const mode of ["reader", "pull"] as const) {
      expect(equalBytes((await apply(oldImage, patch, mode)).bytes, reference)).toBe(true);
    }
  });

  it("property: random edits of synthetic images apply byte-exact", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1 << 30 }),
        fc.integer({ min: 64, max: 20000 }),
        fc.constantFrom("fast" as const, "small" as const),
        async (seed, size, bzip2Memory) => {
          const oldImage = synthImage(seed, size);
          const newImage = editImage(oldImage, seed);
          const patch = bsdiff(oldImage, newImage);
          const { bytes } = await apply(oldImage, patch, seed % 2 ? "pull" : "reader", { bzip2Memory });
          expect(equalBytes(bytes, newImage)).toBe(true);
        },
      ),
      { numRuns: 20 },
    );
  });

  const corpus = corpusPairs(["seabios-minor", "pybricks-primehub-minor"]);
  it.skipIf(corpus.length === 0).each(corpus)("corpus pair %s: same bytes as bspatch", async (_name, pair) => {
    const patch = bsdiff(pair.old, pair.new);
    const { bytes } = await apply(pair.old, patch, "pull", { bzip2Memory: "small" });
    expect(equalBytes(bytes, bspatch(pair.old, patch))).toBe(true);
    expect(equalBytes(bytes, pair.new)).toBe(true);
  });
});
