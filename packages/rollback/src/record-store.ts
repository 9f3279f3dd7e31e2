// The persistence seam under counters and the guard: one opaque payload, replaced atomically. Implementations: the
// flash journal (FlashJournal), a file (@rotkit/rollback/node) and memory (tests, or state that a host persists itself).

/**
 * Stores one payload and replaces it atomically: after a power cut during `save`, `load` returns either the old or
 * the new payload, never a mix and never nothing (when something had been saved before).
 */
export interface RecordStore {
  /** The last saved payload, or undefined when nothing was ever saved; throws `COUNTER_CORRUPT` / `COUNTER_IO`. */
  load(): Promise<Uint8Array | undefined>;
  /** Replaces the payload (the bytes are copied); throws `COUNTER_IO` when the medium fails. */
  save(payload: Uint8Array): Promise<void>;
}

/**
 * A RecordStore in memory. `saveCount` tells tests how many writes an operation made.
 *
 * @example
 * ```ts
 * const store = new MemoryRecordStore();
 * const counters = await openCounterStore(store);
 * ```
 */
export class MemoryRecordStore implements RecordStore {
  private payload: Uint8Array | undefined;
  /** How many times `save` has been called. */
  saveCount = 0;

  constructor(initial?: Uint8Array) {
    this.payload = initial?.slice();
  }

  async load(): Promise<Uint8Array | undefined> {
    return this.payload?.slice();
  }

  async save(payload: Uint8Array): Promise<void> {
    this.payload = payload.slice();
    this.saveCount++;
  }
}
