import { isRotkitError } from "@rotkit/core";
import { type CounterStore, MemoryFlash, openFlashCounterStore } from "@rotkit/rollback";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// The counter guarantee under power loss: whatever sequence of advances runs and wherever power is cut (inside any
// write or erase, at any program unit, with or without a garbage unit), after the reboot every counter reads back, at
// least at its last acknowledged value, at most at the highest value ever requested, and never below a value read
// before.

const IDS = ["", "app", "app/security"];

type Op =
  | { kind: "advance"; id: number; step: number }
  | { kind: "advanceAll"; steps: number[] }
  | { kind: "lower"; id: number }
  | { kind: "cut"; afterOperations: number; completedUnits: number; garbage: boolean }
  | { kind: "reboot" };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      id: fc.nat(2),
      step: fc.integer({ min: 0, max: 1000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("advanceAll" as const),
      steps: fc.array(fc.nat(50), { minLength: 3, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("lower" as const), id: fc.nat(2) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("cut" as const),
      afterOperations: fc.nat(2),
      completedUnits: fc.nat(40),
      garbage: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "reboot" as const }) },
);

const geometry = fc.record({
  writeSize: fc.constantFrom(1, 4, 8, 16),
  sectorUnits: fc.integer({ min: 6, max: 12 }),
  sectors: fc.integer({ min: 2, max: 4 }),
  erasedValue: fc.constantFrom(0xff, 0x00),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
});

async function readAll(store: CounterStore): Promise<number[]> {
  return Promise.all(IDS.map((id) => store.read(id)));
}

describe("flash counters under power cuts", () => {
  it("never lower than acknowledged, never above requested, never unreadable, never moving back", async () => {
    const stats = { cuts: 0, erases: 0 };
    await fc.assert(
      fc.asyncProperty(geometry, fc.array(op, { minLength: 10, maxLength: 40, size: "max" }), async (g, ops) => {
        const eraseSize = g.writeSize * g.sectorUnits * Math.ceil(64 / (g.writeSize * g.sectorUnits));
        const flash = new MemoryFlash({
          size: eraseSize * g.sectors,
          eraseSize,
          writeSize: g.writeSize,
          erasedValue: g.erasedValue,
          seed: g.seed,
        });
        const acked = [0, 0, 0];
        const requested = [0, 0, 0];
        let seen = [0, 0, 0];
        let store = await openFlashCounterStore(flash);
        const reboot = async () => {
          flash.cancelPowerCut();
          flash.powerOn();
          store = await openFlashCounterStore(flash); // must not throw COUNTER_CORRUPT
          const now = await readAll(store);
          for (let i = 0; i < IDS.length; i++) {
            expect(now[i]).toBeGreaterThanOrEqual(acked[i] as number);
            expect(now[i]).toBeLessThanOrEqual(requested[i] as number);
            expect(now[i]).toBeGreaterThanOrEqual(seen[i] as number);
          }
          seen = now;
        };
        const attempt = async (targets: Array<[number, number]>) => {
          for (const [i, v] of targets) requested[i] = Math.max(requested[i] as number, v);
          try {
            await store.advanceAll(targets.map(([i, v]) => [IDS[i] as string, v] as const));
            for (const [i, v] of targets) acked[i] = Math.max(acked[i] as number, v);
          } catch (e) {
            if (!isRotkitError(e, "COUNTER_IO")) throw e;
            stats.cuts++;
            await reboot();
          }
        };
        for (const o of ops) {
          if (o.kind === "cut") flash.schedulePowerCut(o);
          else if (o.kind === "reboot") await reboot();
          else if (o.kind === "advance") {
            const base = Math.max(seen[o.id] as number, acked[o.id] as number);
            await attempt([[o.id, base + o.step]]);
          } else if (o.kind === "advanceAll") {
            await attempt(o.steps.map((s, i) => [i, Math.max(seen[i] as number, acked[i] as number) + s]));
          } else {
            const current = await store.read(IDS[o.id] as string);
            if (current > 0) {
              await expect(store.advanceTo(IDS[o.id] as string, current - 1)).rejects.toThrow(
                expect.objectContaining({ code: "COUNTER_DECREASE" }),
              );
            }
          }
          if (flash.powered) seen = (await readAll(store)).map((v, i) => Math.max(v, seen[i] as number));
        }
        await reboot();
        stats.erases += flash.eraseCounts().reduce((a, b) => a + b, 0);
      }),
      { numRuns: 300 },
    );
    // The runs did reach the interesting cases: cuts inside operations, and sector rotations.
    expect(stats.cuts).toBeGreaterThan(100);
    expect(stats.erases).toBeGreaterThan(300);
  }, 60_000);

  it("survives a power cut at every unit of every write and erase of a fixed workload", async () => {
    // Exhaustive over cut positions for one geometry: run the workload once to count operations, then once per
    // (operation, unit, garbage) with the cut there.
    const make = () => new MemoryFlash({ size: 3 * 96, eraseSize: 96, writeSize: 8, seed: 99 });
    const workload = [5, 9, 9, 40, 41, 100, 1000, 1001, 5000, 5001, 5002, 70000];
    const dry = make();
    const dryStore = await openFlashCounterStore(dry);
    for (const v of workload) await dryStore.advanceTo("c", v);
    const operations = dry.writes + dry.eraseCounts().reduce((a, b) => a + b, 0);
    let cuts = 0;
    for (let opIndex = 0; opIndex < operations; opIndex++) {
      for (let units = 0; units <= 12; units++) {
        for (const garbage of [false, true]) {
          const flash = make();
          let store = await openFlashCounterStore(flash);
          flash.schedulePowerCut({ afterOperations: opIndex, completedUnits: units, garbage });
          let acked = 0;
          let requested = 0;
          for (const v of workload) {
            requested = Math.max(requested, v);
            try {
              await store.advanceTo("c", v);
            } catch (e) {
              expect(e).toEqual(expect.objectContaining({ code: "COUNTER_IO" }));
              cuts++;
              flash.powerOn();
              store = await openFlashCounterStore(flash);
              const after = await store.read("c");
              expect(after).toBeGreaterThanOrEqual(acked);
              expect(after).toBeLessThanOrEqual(requested);
              await store.advanceTo("c", v); // the retry after the reboot
            }
            acked = v;
          }
          expect(await (await openFlashCounterStore(flash)).read("c")).toBe(70000);
        }
      }
    }
    expect(cuts).toBe(operations * 13 * 2);
  }, 60_000);
});
