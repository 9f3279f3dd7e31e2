import { type Flash, RotkitError } from "@rotkit/core";
import { checkAdvance, type MonotonicCounter } from "./counter.js";
import { type CounterEntry, type CounterMap, decodeCounters, encodeCounters, MAX_COUNTERS } from "./counter-codec.js";
import { FlashJournal, type FlashJournalOptions } from "./flash-journal.js";
import type { RecordStore } from "./record-store.js";
import { Serial } from "./serial.js";
import { type ComponentId, compareIds, componentIdBytes, componentKey, counterValue } from "./values.js";

/**
 * Named monotonic counters kept together in one {@link RecordStore}, updated atomically (one record per change).
 * A counter never written reads 0.
 */
export interface CounterStore {
  /** The value of counter `id` (0 when never advanced). */
  read(id: ComponentId): Promise<number>;
  /** Advances counter `id`; below its value throws `COUNTER_DECREASE` and nothing is written; equal is a no-op. */
  advanceTo(id: ComponentId, value: number): Promise<void>;
  /** Advances several counters in one atomic write; any decrease throws `COUNTER_DECREASE` and nothing is written. */
  advanceAll(values: Iterable<readonly [ComponentId, number]>): Promise<void>;
  /** Every counter above 0, ordered by id as deterministic CBOR orders them. */
  entries(): Promise<CounterEntry[]>;
  /** A MonotonicCounter view of counter `id`. */
  counter(id: ComponentId): MonotonicCounter;
}

class RecordCounterStore implements CounterStore {
  private readonly serial = new Serial();

  constructor(private readonly store: RecordStore) {}

  private async loadMap(): Promise<CounterMap> {
    const payload = await this.store.load();
    return payload === undefined ? new Map() : decodeCounters(payload);
  }

  async read(id: ComponentId): Promise<number> {
    const key = componentKey(componentIdBytes(id, "counter id"));
    return this.serial.run(async () => (await this.loadMap()).get(key)?.value ?? 0);
  }

  async advanceTo(id: ComponentId, value: number): Promise<void> {
    return this.advanceAll([[id, value]]);
  }

  async advanceAll(values: Iterable<readonly [ComponentId, number]>): Promise<void> {
    const wanted: CounterEntry[] = [];
    for (const [id, v] of values)
      wanted.push({ id: componentIdBytes(id, "counter id"), value: counterValue(v, "value") });
    return this.serial.run(async () => {
      const map = await this.loadMap();
      let changed = false;
      for (const { id, value } of wanted) {
        const key = componentKey(id);
        const current = map.get(key)?.value ?? 0;
        checkAdvance(current, value, key);
        if (value > current) {
          map.set(key, { id, value });
          changed = true;
        }
      }
      if (map.size > MAX_COUNTERS) {
        throw new RotkitError("INVALID_ARGUMENT", `counter store: more than ${MAX_COUNTERS} counters`);
      }
      if (changed) await this.store.save(encodeCounters(map));
    });
  }

  async entries(): Promise<CounterEntry[]> {
    const map = await this.serial.run(() => this.loadMap());
    return [...map.values()].sort((a, b) => compareIds(a.id, b.id));
  }

  counter(id: ComponentId): MonotonicCounter {
    const bytes = componentIdBytes(id, "counter id");
    return { read: () => this.read(bytes), advanceTo: (v: number) => this.advanceTo(bytes, v) };
  }
}

/**
 * Named monotonic counters over any {@link RecordStore}. The store is read on every call (a FlashJournal caches
 * its scan), so several handles on one store stay consistent.
 *
 * @example
 * ```ts
 * const counters = await openCounterStore(new MemoryRecordStore());
 * await counters.advanceTo("bootloader", 3);
 * ```
 */
export async function openCounterStore(store: RecordStore): Promise<CounterStore> {
  const s = new RecordCounterStore(store);
  await s.entries(); // fail at open, not at the first update, when the stored payload is corrupt
  return s;
}

/**
 * Named monotonic counters in a {@link FlashJournal} on `flash`.
 *
 * @example
 * ```ts
 * const counters = await openFlashCounterStore(flash, { offset: 0x3e000, sectors: 2 });
 * await counters.advanceAll([["app", 12], ["app/security", 3]]);
 * ```
 */
export async function openFlashCounterStore(flash: Flash, options?: FlashJournalOptions): Promise<CounterStore> {
  return openCounterStore(await FlashJournal.open(flash, options));
}

/**
 * One MonotonicCounter in a {@link FlashJournal} on `flash` (the counter with the empty id of a counter store).
 *
 * @example
 * ```ts
 * const counter = await openFlashCounter(new MemoryFlash({ size: 8192, eraseSize: 4096 }));
 * await counter.advanceTo(7);
 * ```
 */
export async function openFlashCounter(flash: Flash, options?: FlashJournalOptions): Promise<MonotonicCounter> {
  return (await openFlashCounterStore(flash, options)).counter(new Uint8Array(0));
}
