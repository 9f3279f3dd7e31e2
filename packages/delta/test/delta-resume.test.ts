import { bytesEqual, concatBytes, isRotkitError, RotkitError } from "@rotkit/core";
import { type DeltaCheckpoint, decodeCheckpoint, encodeCheckpoint } from "@rotkit/delta";
import { createDelta } from "@rotkit/delta/create";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firmwarePair } from "./helpers/firmware.js";
import { applyInMemory } from "./helpers/rotkit-delta.js";

// Power loss during apply: the checkpoint taken after block k lets a fresh apply continue at block k and still
// produce (and verify) the whole new image.

const pair = firmwarePair(21, 12000, "thumb");
const blockSize = 4096;
const patchPromise = createDelta(pair.old, pair.new, { blockSize });

/** Applies until the checkpoint after block `cut` (1-based), then "loses power". */
async function applyUntil(patch: Uint8Array, cut: number) {
  const checkpoints: Uint8Array[] = [];
  const stop = new Error("power loss");
  try {
    await applyInMemory(pair.old, patch, {
      onCheckpoint: (cp) => {
        checkpoints.push(encodeCheckpoint(cp));
        if (checkpoints.length === cut) throw stop;
      },
    });
  } catch (e) {
    if (e !== stop) throw e;
  }
  return checkpoints;
}

describe("rotkit delta resume from a checkpoint", () => {
  it("takes one checkpoint per block, each with the offsets of the next block", async () => {
    const patch = await patchPromise;
    const cps = await applyUntil(patch, Number.POSITIVE_INFINITY);
    const blocks = Math.ceil(pair.new.length / blockSize);
    expect(cps.length).toBe(blocks);
    const last = decodeCheckpoint(cps[blocks - 1] as Uint8Array);
    expect(last.block).toBe(blocks);
    expect(last.newOffset).toBe(pair.new.length);
    expect(last.patchOffset).toBe(patch.length);
  });

  it("cutting after any block and resuming gives the same bytes (property)", async () => {
    const patch = await patchPromise;
    const blocks = Math.ceil(pair.new.length / blockSize);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: blocks }), fc.integer({ min: 1, max: 5000 }), async (cut, chunk) => {
        const cps = await applyUntil(patch, cut);
        // The checkpoint went through storage: only its bytes survive.
        const cp = decodeCheckpoint(cps[cut - 1] as Uint8Array);
        const first = pair.new.subarray(0, cp.newOffset);
        const rest = await applyInMemory(pair.old, patch.subarray(cp.patchOffset), { resume: cp }, chunk);
        expect(rest.result.written).toBe(pair.new.length - cp.newOffset);
        expect(bytesEqual(concatBytes(first, rest.bytes), pair.new)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it("a resumed apply still checks the whole image: a wrong prefix state ends in DELTA_OUTPUT_MISMATCH", async () => {
    const patch = await patchPromise;
    const cp = decodeCheckpoint((await applyUntil(patch, 1))[0] as Uint8Array);
    const other = await applyUntil(await createDelta(pair.old, pair.old, { blockSize }), 1);
    const forged: DeltaCheckpoint = { ...cp, hashState: decodeCheckpoint(other[0] as Uint8Array).hashState };
    await expect(applyInMemory(pair.old, patch.subarray(cp.patchOffset), { resume: forged })).rejects.toMatchObject({
      code: "DELTA_OUTPUT_MISMATCH",
    });
  });

  it("a resume with the patch source at the wrong offset ends in DELTA_CORRUPT", async () => {
    const patch = await patchPromise;
    const cp = decodeCheckpoint((await applyUntil(patch, 1))[0] as Uint8Array);
    await expect(applyInMemory(pair.old, patch.subarray(cp.patchOffset + 1), { resume: cp })).rejects.toMatchObject({
      code: "DELTA_CORRUPT",
    });
  });

  it("checkpoint bytes: round trip, and every truncation or byte flip is DELTA_CORRUPT", async () => {
    const patch = await patchPromise;
    const bytes = (await applyUntil(patch, 2))[1] as Uint8Array;
    expect(encodeCheckpoint(decodeCheckpoint(bytes))).toEqual(bytes);
    for (let n = 0; n < bytes.length; n++) {
      expect(() => decodeCheckpoint(bytes.subarray(0, n))).toThrow(RotkitError);
    }
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] = (bad[i] as number) ^ 0x10;
      try {
        decodeCheckpoint(bad);
        expect.unreachable(`flip at ${i} accepted`);
      } catch (e) {
        expect(isRotkitError(e, "DELTA_CORRUPT")).toBe(true);
      }
    }
  });

  it("refuses checkpoints without a saveable hash state and resume points that do not fit the header", async () => {
    const patch = await patchPromise;
    const nativeLike = { create: () => ({ update() {}, digest: () => new Uint8Array(32) }) };
    await expect(applyInMemory(pair.old, patch, { sha256: nativeLike, onCheckpoint: () => {} })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    const cp = decodeCheckpoint((await applyUntil(patch, 1))[0] as Uint8Array);
    for (const bad of [{ newOffset: pair.new.length + 1 }, { block: 999 }, { newOffset: pair.new.length }]) {
      await expect(
        applyInMemory(pair.old, patch.subarray(cp.patchOffset), { resume: { ...cp, ...bad } }),
      ).rejects.toThrow(RotkitError);
    }
  });
});
