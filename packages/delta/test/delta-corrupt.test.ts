import { concatBytes } from "@rotkit/core";
import {
  applyDelta,
  DELTA_HEADER_SIZE,
  decodeDeltaHeader,
  encodeDeltaHeader,
  memoryReader,
  memorySink,
  memorySource,
} from "@rotkit/delta";
import { createDelta } from "@rotkit/delta/create";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firmwarePair } from "./helpers/firmware.js";
import { codeOf, patchMutations, runMutations } from "./helpers/interop-tools.js";
import { applyInMemory } from "./helpers/rotkit-delta.js";

// Hostile and damaged patches: every failure is a DELTA_* RotkitError, never a crash, a hang or an output that
// passes for the new image.

const pair = firmwarePair(31, 2500, "a32");
const patchPromise = createDelta(pair.old, pair.new, { blockSize: 4096 });

function withHeader(patch: Uint8Array, edit: (h: ReturnType<typeof decodeDeltaHeader>) => void): Uint8Array {
  const h = decodeDeltaHeader(patch.subarray(0, DELTA_HEADER_SIZE));
  edit(h);
  return concatBytes(encodeDeltaHeader(h), patch.subarray(DELTA_HEADER_SIZE));
}

describe("rotkit delta: damaged patches", () => {
  it("every truncation and every single-byte corruption ends in a DELTA_* error", async () => {
    const patch = await patchPromise;
    expect(patch.length).toBeGreaterThan(DELTA_HEADER_SIZE + 12);
    const outcome = await runMutations(
      patchMutations(patch),
      async (bytes) => (await applyInMemory(pair.old, bytes, {}, 97)).bytes,
      pair.new,
    );
    expect(outcome.acceptedDifferent).toEqual([]);
    expect(outcome.acceptedSame).toBe(0);
    expect(outcome.rejected).toBe(patch.length * 6);
  });

  it("random bytes after a valid header and random whole patches are refused", async () => {
    const patch = await patchPromise;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), async (tail, keepHeader) => {
        const bytes = keepHeader ? concatBytes(patch.subarray(0, DELTA_HEADER_SIZE), tail) : tail;
        expect(await codeOf(() => applyInMemory(pair.old, bytes))).toMatch(/^DELTA_/);
      }),
      { numRuns: 300 },
    );
  });

  it("checks the old image before writing anything: DELTA_BASE_MISMATCH", async () => {
    const patch = await patchPromise;
    const wrong = pair.old.slice();
    wrong[100] = (wrong[100] as number) ^ 1;
    const sink = memorySink();
    await expect(applyDelta(memoryReader(wrong), memorySource(patch), sink)).rejects.toMatchObject({
      code: "DELTA_BASE_MISMATCH",
    });
    expect(sink.length).toBe(0);
    expect(await codeOf(() => applyInMemory(pair.old.subarray(1), patch))).toBe("DELTA_BASE_MISMATCH");
  });

  it("checks the new image at the end: DELTA_OUTPUT_MISMATCH", async () => {
    const patch = await patchPromise;
    const forged = withHeader(patch, (h) => {
      h.newDigest = h.newDigest.map((b) => b ^ 0x55);
    });
    expect(await codeOf(() => applyInMemory(pair.old, forged))).toBe("DELTA_OUTPUT_MISMATCH");
  });

  it("refuses unknown versions, codecs, flags and predictors (DELTA_UNSUPPORTED) and limits (DELTA_LIMIT)", async () => {
    const patch = await patchPromise;
    for (const edit of [
      (h: ReturnType<typeof decodeDeltaHeader>) => {
        h.version = 2;
      },
      (h: ReturnType<typeof decodeDeltaHeader>) => {
        h.codec = 7;
      },
      (h: ReturnType<typeof decodeDeltaHeader>) => {
        h.flags = 0x80;
      },
      (h: ReturnType<typeof decodeDeltaHeader>) => {
        h.predictors = 0x40;
      },
    ]) {
      expect(await codeOf(() => applyInMemory(pair.old, withHeader(patch, edit)))).toBe("DELTA_UNSUPPORTED");
    }
    expect(await codeOf(() => applyInMemory(pair.old, patch, { maxNewSize: pair.new.length - 1 }))).toBe("DELTA_LIMIT");
  });

  it("header fields that cannot describe the image are DELTA_CORRUPT", async () => {
    const patch = await patchPromise;
    const cases = [
      withHeader(patch, (h) => {
        h.blockCount = 0;
      }),
      withHeader(patch, (h) => {
        h.blockCount += 1;
      }),
      withHeader(patch, (h) => {
        h.blockOutputMax = 1024;
      }),
      withHeader(patch, (h) => {
        h.newSize += 4;
      }),
    ];
    for (const bytes of cases) expect(await codeOf(() => applyInMemory(pair.old, bytes))).toBe("DELTA_CORRUPT");
  });

  it("a misbehaving host (old reader or patch source returning the wrong lengths) is INVALID_ARGUMENT", async () => {
    const patch = await patchPromise;
    const shortReader = { size: pair.old.length, read: (o: number, n: number) => pair.old.subarray(o, o + n - 1) };
    await expect(applyDelta(shortReader, memorySource(patch), memorySink())).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    const greedy = { read: () => patch };
    await expect(applyDelta(memoryReader(pair.old), greedy, memorySink())).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});
