import { encodeCbor, fromHex, utf8Encode } from "@rotkit/core";
import {
  decodeCounters,
  encodeCounters,
  MemoryFlash,
  MemoryRecordStore,
  memoryCounter,
  openCounterStore,
  openFlashCounter,
  openFlashCounterStore,
} from "@rotkit/rollback";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";

const code = (c: string) => expect.objectContaining({ code: c });

describe("memoryCounter", () => {
  it("advances, treats equal as a no-op and refuses to go back", async () => {
    const c = memoryCounter(3);
    expect(await c.read()).toBe(3);
    await c.advanceTo(3);
    await c.advanceTo(10);
    await expect(c.advanceTo(9)).rejects.toThrow(code("COUNTER_DECREASE"));
    expect(await c.read()).toBe(10);
  });

  it("accepts values up to 2^53-1 (bigint too) and nothing beyond", async () => {
    const c = memoryCounter();
    await c.advanceTo(2 ** 53 - 1);
    expect(await c.read()).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of [2 ** 53, -1, 1.5, Number.NaN, "3"]) {
      await expect(memoryCounter().advanceTo(bad as number)).rejects.toThrow(code("INVALID_ARGUMENT"));
    }
    const b = memoryCounter();
    await b.advanceTo(5n as unknown as number);
    expect(await b.read()).toBe(5);
    expect(() => memoryCounter(-1)).toThrow(code("INVALID_ARGUMENT"));
  });
});

describe("counter store", () => {
  it("keeps named counters, reads 0 for unknown ones, and writes only on a real advance", async () => {
    const store = new MemoryRecordStore();
    const counters = await openCounterStore(store);
    expect(await counters.read("app")).toBe(0);
    await counters.advanceTo("app", 7);
    await counters.advanceTo(utf8Encode("app"), 7); // same component, equal value: no write
    await counters.advanceTo(fromHex("00ff"), 1);
    expect(store.saveCount).toBe(2);
    expect(await counters.read(utf8Encode("app"))).toBe(7);
    expect((await counters.entries()).map((e) => [e.id, e.value])).toEqual([
      [fromHex("00ff"), 1],
      [utf8Encode("app"), 7],
    ]);
  });

  it("refuses a decrease with COUNTER_DECREASE and leaves every counter as it was", async () => {
    const store = new MemoryRecordStore();
    const counters = await openCounterStore(store);
    await counters.advanceAll([
      ["a", 5],
      ["b", 9],
    ]);
    const before = await store.load();
    await expect(
      counters.advanceAll([
        ["a", 6],
        ["b", 8],
      ]),
    ).rejects.toThrow(code("COUNTER_DECREASE"));
    expect(await store.load()).toEqual(before);
    expect(store.saveCount).toBe(1);
    expect([await counters.read("a"), await counters.read("b")]).toEqual([5, 9]);
  });

  it("serialises concurrent advances (the higher value wins, none is lost)", async () => {
    const counters = await openCounterStore(new MemoryRecordStore());
    await Promise.all([counters.advanceTo("x", 3), counters.advanceTo("y", 4), counters.advanceTo("x", 5)]);
    expect([await counters.read("x"), await counters.read("y")]).toEqual([5, 4]);
  });

  it("refuses ids longer than 64 bytes", async () => {
    const counters = await openCounterStore(new MemoryRecordStore());
    await expect(counters.advanceTo(new Uint8Array(65), 1)).rejects.toThrow(code("INVALID_ARGUMENT"));
    expect(() => counters.counter("x".repeat(65))).toThrow(code("INVALID_ARGUMENT"));
  });

  it("runs on the flash journal: a single counter and a store survive reopening", async () => {
    const flash = new MemoryFlash({ size: 2048, eraseSize: 512, writeSize: 4 });
    const counter = await openFlashCounter(flash, { offset: 0, sectors: 2 });
    for (let v = 1; v <= 200; v += 3) await counter.advanceTo(v);
    expect(await (await openFlashCounter(flash, { offset: 0, sectors: 2 })).read()).toBe(199);
    const store = await openFlashCounterStore(flash, { offset: 1024, sectors: 2 });
    await store.counter("boot").advanceTo(2);
    expect(await (await openFlashCounterStore(flash, { offset: 1024, sectors: 2 })).read("boot")).toBe(2);
  });

  it("reports a corrupt payload when the store is opened", async () => {
    await expect(openCounterStore(new MemoryRecordStore(fromHex("ff")))).rejects.toThrow(code("COUNTER_CORRUPT"));
  });
});

describe("counter payload codec", () => {
  const sample = () =>
    new Map([
      ["61", { id: fromHex("61"), value: 1 }],
      ["6262", { id: fromHex("6262"), value: 2 ** 40 }],
      ["", { id: new Uint8Array(0), value: 3 }],
    ]);

  it("round-trips, omitting counters at 0", () => {
    const m = sample();
    m.set("00", { id: fromHex("00"), value: 0 });
    const back = decodeCounters(encodeCounters(m));
    expect([...back.values()].map((e) => e.value).sort()).toEqual([1, 1099511627776, 3].sort());
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
        (d) => {
          const map = new Map(Object.entries(d).map(([k, v]) => [k, { id: utf8Encode(k), value: v }]));
          const got = decodeCounters(encodeCounters(map));
          expect(got.size).toBe(map.size);
        },
      ),
    );
  });

  it("rejects payloads of the wrong shape as COUNTER_CORRUPT", () => {
    const bad = [
      encodeCbor([1]),
      encodeCbor(new Map([["a", 1]])),
      encodeCbor(new Map([[fromHex("61"), 0]])),
      encodeCbor(new Map([[fromHex("61"), -1]])),
      encodeCbor(new Map([[fromHex("61"), 2n ** 60n]])),
      encodeCbor(new Map([[new Uint8Array(65), 1]])),
      fromHex("a2416101416101"), // duplicate key
      fromHex("a2416201416101"), // keys not in deterministic order
    ];
    for (const b of bad) expect(() => decodeCounters(b)).toThrow(code("COUNTER_CORRUPT"));
  });

  it("ends every mutation and truncation in a RotkitError or a valid map", () => {
    const bytes = encodeCounters(sample());
    const flipped = expectOnlyRotkitErrors((b) => decodeCounters(b), singleByteMutations(bytes));
    expect(flipped.rejected).toBeGreaterThan(0);
    expect(Object.keys(flipped.codes)).toEqual(["COUNTER_CORRUPT"]);
    const cut = expectOnlyRotkitErrors((b) => decodeCounters(b), truncations(bytes));
    expect(cut.ok).toBe(0);
  });
});
