import { bytesEqual } from "@rotkit/core";
import { DELTA_HEADER_SIZE, decodeDeltaHeader } from "@rotkit/delta";
import { createDelta } from "@rotkit/delta/create";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firmwarePair, rng } from "./helpers/firmware.js";
import { corpusPairs } from "./helpers/interop-tools.js";
import { applyInMemory } from "./helpers/rotkit-delta.js";

// createDelta -> applyDelta must give back the new image byte for byte, for any pair of images.

async function roundTrip(old: Uint8Array, neu: Uint8Array, blockSize?: number) {
  const patch = await createDelta(old, neu, blockSize === undefined ? {} : { blockSize });
  const { bytes, result } = await applyInMemory(old, patch);
  expect(bytes.length).toBe(neu.length);
  expect(bytesEqual(bytes, neu)).toBe(true);
  return { patch, result };
}

function random(seed: number, n: number): Uint8Array {
  const r = rng(seed);
  return Uint8Array.from({ length: n }, () => r() & 0xff);
}

describe("rotkit delta round trip", () => {
  it("handles empty and identical images", async () => {
    const img = random(1, 5000);
    await roundTrip(new Uint8Array(0), new Uint8Array(0));
    await roundTrip(new Uint8Array(0), img);
    await roundTrip(img, new Uint8Array(0));
    const same = await roundTrip(img, img);
    // An unchanged image costs a few bytes beyond the header.
    expect(same.patch.length).toBeLessThan(DELTA_HEADER_SIZE + 64);
  });

  it("handles unrelated images, odd lengths and one-byte images", async () => {
    await roundTrip(random(2, 3001), random(3, 2999));
    await roundTrip(Uint8Array.of(7), Uint8Array.of(9));
    await roundTrip(random(4, 1), random(5, 7));
  });

  for (const arch of ["a32", "thumb"] as const) {
    it(`predicts moved ${arch} calls and pointers: the patch is far smaller than the change`, async () => {
      const pair = firmwarePair(11, 20000, arch);
      const { patch } = await roundTrip(pair.old, pair.new);
      let differing = 0;
      for (let i = 0; i < pair.new.length; i++) if (pair.new[i] !== pair.old[i]) differing++;
      expect(differing).toBeGreaterThan(10000);
      expect(patch.length).toBeLessThan(2000);
    });
  }

  it("splits into blocks of the requested size and records them in the header", async () => {
    const pair = firmwarePair(12, 10000);
    const { patch, result } = await roundTrip(pair.old, pair.new, 4096);
    const h = decodeDeltaHeader(patch.subarray(0, DELTA_HEADER_SIZE));
    expect(h.blockOutputMax).toBe(4096);
    expect(h.blockCount).toBe(Math.ceil(pair.new.length / 4096));
    expect(result.blocks).toBe(h.blockCount);
    expect(h.newSize).toBe(pair.new.length);
    expect(h.oldSize).toBe(pair.old.length);
  });

  it("keeps the applier's working memory within 64 KiB", async () => {
    const pair = firmwarePair(13, 30000, "thumb");
    const { result } = await roundTrip(pair.old, pair.new);
    expect(result.workingBytes).toBeLessThanOrEqual(65536);
  });

  it("round-trips a real firmware pair (ath9k-htc, Xtensa) at under 1.0x bsdiff's size", async () => {
    const pairs = corpusPairs(["ath9k-htc-fw"]);
    if (pairs.length === 0) return; // the shared corpus is not checked out next to this repository
    const [, pair] = pairs[0] as [string, { old: Uint8Array; new: Uint8Array }];
    const { patch } = await roundTrip(pair.old, pair.new);
    expect(patch.length).toBeLessThan(20271); // bsdiff 4.3's patch for this pair
  });

  it("round-trips edited images (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            cut: fc.nat({ max: 200 }),
            insert: fc.uint8Array({ maxLength: 100 }),
          }),
          { maxLength: 6 },
        ),
        async (old, edits) => {
          const neu = Array.from(old);
          for (const e of edits) neu.splice(e.at % (neu.length + 1), e.cut, ...e.insert);
          await roundTrip(old, Uint8Array.from(neu), 4096);
        },
      ),
      { numRuns: 60 },
    );
  });
});
