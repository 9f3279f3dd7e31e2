import { type ByteSink, bytesEqual, type RandomReader } from "@rotkit/core";
import { applyDelta, DELTA_HEADER_SIZE, type DeltaCheckpoint, decodeDeltaHeader, memorySource } from "@rotkit/delta";
import { createDelta } from "@rotkit/delta/create";
import { describe, expect, it } from "vitest";
import { firmwarePair } from "./helpers/firmware.js";
import { corpusPairs } from "./helpers/interop-tools.js";

// In-place apply: one flash slot holds the old image and receives the new one. The simulated slot erases a whole
// granule when a write first touches it (NOR flash), so a copy that reads overwritten old bytes shows up as a
// wrong image.

interface Slot {
  bytes: Uint8Array;
  reader: RandomReader;
  sink: ByteSink;
  unalignedWrites: () => number;
}

/** Sequential writes into `bytes` from `from` on; a write first touching a granule erases all of it (0xff). */
function slotSink(bytes: Uint8Array, granule: number, from: number): ByteSink & { unaligned: number } {
  let at = from;
  return {
    unaligned: 0,
    write(chunk) {
      if (at % granule !== 0) this.unaligned++;
      for (let g = at - (at % granule); g < at + chunk.length; g += granule) bytes.fill(0xff, g, g + granule);
      bytes.set(chunk, at);
      at += chunk.length;
    },
  };
}

function flashSlot(old: Uint8Array, size: number, granule: number): Slot {
  const bytes = new Uint8Array(size).fill(0xff);
  bytes.set(old);
  const sink = slotSink(bytes, granule, 0);
  return {
    bytes,
    // Memory-mapped flash: reads are views of the slot, as on a device.
    reader: { size: old.length, read: (o, n) => bytes.subarray(o, o + n) },
    sink,
    unalignedWrites: () => sink.unaligned,
  };
}

const G = 4096;
// The inserted function near the start moves everything after it forward: copies with a negative displacement.
const pair = firmwarePair(41, 40000, "thumb");

describe("rotkit delta in place (one slot)", () => {
  it("an in-place patch rebuilds the new image over the old one, writing whole aligned granules", async () => {
    const patch = await createDelta(pair.old, pair.new, { inPlace: { granule: G } });
    const h = decodeDeltaHeader(patch.subarray(0, DELTA_HEADER_SIZE));
    expect(h.inPlaceGranule).toBe(G);
    expect(h.blockOutputMax % G).toBe(0);
    const slot = flashSlot(pair.old, Math.max(pair.old.length, pair.new.length), G);
    await applyDelta(slot.reader, memorySource(patch, 999), slot.sink, { inPlace: true });
    expect(bytesEqual(slot.bytes.subarray(0, pair.new.length), pair.new)).toBe(true);
    expect(slot.unalignedWrites()).toBe(0);
  });

  it("an ordinary patch applied in place would read overwritten bytes: refused up front", async () => {
    const patch = await createDelta(pair.old, pair.new);
    const slot = flashSlot(pair.old, Math.max(pair.old.length, pair.new.length), G);
    await expect(applyDelta(slot.reader, memorySource(patch), slot.sink, { inPlace: true })).rejects.toMatchObject({
      code: "DELTA_UNSUPPORTED",
    });
    // Forced through anyway, it reads erased bytes: the decoder loses step (its model learns from old bytes) or the
    // final digest check fails; either way a DELTA_* error, never an image that passes.
    const forced = flashSlot(pair.old, Math.max(pair.old.length, pair.new.length), G);
    const err = await applyDelta(forced.reader, memorySource(patch), forced.sink).catch((e) => e);
    expect(err.code).toMatch(/^DELTA_(CORRUPT|OUTPUT_MISMATCH)$/);
  });

  it("resumes after power loss inside a block when the host kept that block's old bytes", async () => {
    const patch = await createDelta(pair.old, pair.new, { inPlace: { granule: G }, blockSize: 8 * G });
    const size = Math.max(pair.old.length, pair.new.length);
    const slot = flashSlot(pair.old, size, G);
    // The host's scratch area: the old bytes of the block in progress, saved before its first write.
    let scratch = { from: 0, bytes: new Uint8Array(0) };
    const onBlockStart = (from: number, length: number) => {
      scratch = { from, bytes: slot.bytes.slice(from, Math.min(from + length, pair.old.length)) };
    };
    let checkpoint: DeltaCheckpoint | undefined;
    const cut = new Error("power loss");
    let writes = 0;
    const dying: ByteSink = {
      write(chunk) {
        // Power fails in block 3 (index 2), after the first 16 KiB of it reached the flash.
        if (checkpoint?.block === 2 && ++writes === 2) throw cut;
        return slot.sink.write(chunk);
      },
    };
    await expect(
      applyDelta(slot.reader, memorySource(patch), dying, {
        inPlace: true,
        onBlockStart,
        onCheckpoint: (cp) => {
          checkpoint = cp;
        },
      }),
    ).rejects.toBe(cut);
    const cp = checkpoint as DeltaCheckpoint;
    // After reboot: the reader serves the saved old bytes for the interrupted block, the slot for the rest.
    const reader: RandomReader = {
      size: pair.old.length,
      read(o, n) {
        const out = slot.bytes.slice(o, o + n);
        const s = scratch;
        for (let i = Math.max(o, s.from); i < Math.min(o + n, s.from + s.bytes.length); i++) {
          out[i - o] = s.bytes[i - s.from] as number;
        }
        return out;
      },
    };
    // Without the saved bytes the resumed block reads what the interrupted one already overwrote.
    const clone = slot.bytes.slice();
    const plain: RandomReader = { size: pair.old.length, read: (o, n) => clone.subarray(o, o + n) };
    const lost = await applyDelta(
      plain,
      memorySource(patch.subarray(cp.patchOffset)),
      slotSink(clone, G, cp.newOffset),
      {
        inPlace: true,
        resume: cp,
      },
    ).catch((e) => e);
    expect(lost.code).toMatch(/^DELTA_/);
    const sink = slotSink(slot.bytes, G, cp.newOffset);
    await applyDelta(reader, memorySource(patch.subarray(cp.patchOffset)), sink, { inPlace: true, resume: cp });
    expect(bytesEqual(slot.bytes.subarray(0, pair.new.length), pair.new)).toBe(true);
  });

  it("rebuilds a real firmware pair in place (pybricks Cortex-M4, a minor release)", async () => {
    const pairs = corpusPairs(["pybricks-primehub-minor"]);
    if (pairs.length === 0) return; // the shared corpus is not next to this checkout
    const [, p] = pairs[0] as [string, { old: Uint8Array; new: Uint8Array }];
    const patch = await createDelta(p.old, p.new, { inPlace: true });
    const slot = flashSlot(p.old, Math.max(p.old.length, p.new.length), 16384);
    await applyDelta(slot.reader, memorySource(patch), slot.sink, { inPlace: true });
    expect(bytesEqual(slot.bytes.subarray(0, p.new.length), p.new)).toBe(true);
  });

  it("refuses bad in-place options", async () => {
    for (const granule of [100, 128, 32768, 3000]) {
      await expect(createDelta(pair.old, pair.new, { inPlace: { granule } })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
    await expect(
      createDelta(pair.old, pair.new, { inPlace: { granule: 8192 }, blockSize: 12288 }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
