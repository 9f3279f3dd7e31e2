import { bytesEqual, type Flash, RotkitError } from "@rotkit/core";
import {
  encodeRecord,
  type JournalRecord,
  MAX_RECORD_PAYLOAD,
  parseRecord,
  RECORD_HEADER_LENGTH,
  RECORD_OVERHEAD,
  recordHeaderPayloadLength,
  recordLength,
} from "./record.js";
import type { RecordStore } from "./record-store.js";
import { Serial } from "./serial.js";

// A power-safe record store on NOR flash: a ring of two or more sectors ("ping-pong" with two) holding a journal of
// records (record.ts), each a complete copy of the state with a sequence number one higher than the last.
//
// Invariants that make every power cut survivable:
// - The newest valid record (highest sequence, CRC good) is the state. It lives in the head sector.
// - A write only ever touches erased bytes after the last valid record of the head sector, or a sector that has just
//   been erased. An erase only ever hits a sector other than the head. So the newest valid record survives every
//   operation until a newer valid record exists, whatever byte a cut stops at.
// - A torn record (bad CRC) ends the scan of its sector; the rest of that sector is "dirty", so the next record goes
//   to the next sector (erased first) instead of next to the torn bytes.
// - Before the first valid record exists, only the first sector is ever written or erased. So "no valid record" with
//   only the first sector touched means "never written" (a torn first write); no valid record while another sector
//   holds data cannot come from power cuts and is reported as COUNTER_CORRUPT.
// Appending inside a sector and erasing one sector per ring turn spreads the wear over all sectors of the region.

/** Where the journal lives on the flash. */
export interface FlashJournalOptions {
  /** First byte of the journal region; a multiple of the sector size. Default 0. */
  offset?: number;
  /** Number of sectors in the region (at least 2). Default: every sector from `offset` to the end of the flash. */
  sectors?: number;
}

interface SectorState {
  /** Offset (within the sector) just after the last valid record, aligned to the program unit. */
  end: number;
  /** Every byte from `end` to the end of the sector is erased. */
  cleanTail: boolean;
}

interface ScanResult {
  sectors: SectorState[];
  /** Sector holding the newest valid record, or -1 when there is none. */
  head: number;
  latest: JournalRecord | undefined;
}

/** Bytes read at once while checking that a range is erased. */
const ERASED_CHECK_CHUNK = 256;

function wrapIo(e: unknown, what: string): RotkitError {
  if (e instanceof RotkitError) return e;
  return new RotkitError("COUNTER_IO", `flash journal: ${what} failed`, { cause: e });
}

/**
 * A power-safe journal of records on a `Flash` region of two or more sectors. Use it as the
 * {@link RecordStore} of a counter store or of the anti-rollback guard.
 *
 * @example
 * ```ts
 * const journal = await FlashJournal.open(flash, { offset: 0x3e000, sectors: 2 });
 * const counters = await openCounterStore(journal);
 * ```
 */
export class FlashJournal implements RecordStore {
  readonly flash: Flash;
  readonly offset: number;
  readonly sectorCount: number;
  /** The largest payload one record can carry on this geometry. */
  readonly maxPayload: number;
  private readonly serial = new Serial();
  private scan: ScanResult | undefined;

  private constructor(flash: Flash, offset: number, sectors: number) {
    this.flash = flash;
    this.offset = offset;
    this.sectorCount = sectors;
    this.maxPayload = Math.min(MAX_RECORD_PAYLOAD, flash.eraseSize - RECORD_OVERHEAD);
  }

  /**
   * Opens the journal and scans it; throws `COUNTER_CORRUPT` when the region holds data but no valid record (run
   * {@link FlashJournal.format} once when provisioning a region that is not erased), `INVALID_ARGUMENT` for a
   * geometry it cannot use, `COUNTER_IO` when the flash fails.
   *
   * @example
   * ```ts
   * const journal = await FlashJournal.open(new MemoryFlash({ size: 8192, eraseSize: 4096 }));
   * ```
   */
  static async open(flash: Flash, options: FlashJournalOptions = {}): Promise<FlashJournal> {
    const j = FlashJournal.create(flash, options);
    await j.serial.run(() => j.rescan());
    return j;
  }

  /**
   * Erases the journal region (provisioning; this forgets every stored value).
   *
   * @example
   * ```ts
   * await FlashJournal.format(flash, { offset: 0x3e000, sectors: 2 });
   * ```
   */
  static async format(flash: Flash, options: FlashJournalOptions = {}): Promise<void> {
    const j = FlashJournal.create(flash, options);
    try {
      await flash.erase(j.offset, j.sectorCount * flash.eraseSize);
    } catch (e) {
      throw wrapIo(e, "erase");
    }
  }

  private static create(flash: Flash, options: FlashJournalOptions): FlashJournal {
    if (flash === null || typeof flash !== "object") {
      throw new RotkitError("INVALID_ARGUMENT", "flash journal: a Flash is required");
    }
    const { size, eraseSize, writeSize, erasedValue } = flash;
    const geometryOk =
      Number.isSafeInteger(size) &&
      Number.isSafeInteger(eraseSize) &&
      Number.isSafeInteger(writeSize) &&
      writeSize >= 1 &&
      eraseSize % writeSize === 0 &&
      eraseSize >= RECORD_OVERHEAD + 1 &&
      Number.isInteger(erasedValue) &&
      erasedValue >= 0 &&
      erasedValue <= 0xff;
    if (!geometryOk) throw new RotkitError("INVALID_ARGUMENT", "flash journal: unusable flash geometry");
    const offset = options.offset ?? 0;
    const sectors = options.sectors ?? Math.floor((size - offset) / eraseSize);
    const regionOk =
      Number.isSafeInteger(offset) &&
      offset >= 0 &&
      offset % eraseSize === 0 &&
      Number.isSafeInteger(sectors) &&
      sectors >= 2 &&
      offset + sectors * eraseSize <= size;
    if (!regionOk) {
      throw new RotkitError(
        "INVALID_ARGUMENT",
        "flash journal: the region must be 2 or more whole sectors in the flash",
      );
    }
    return new FlashJournal(flash, offset, sectors);
  }

  /**
   * The newest payload, or undefined when nothing was ever saved.
   *
   * @example
   * ```ts
   * const payload = await journal.load();
   * ```
   */
  load(): Promise<Uint8Array | undefined> {
    return this.serial.run(async () => {
      const scan = this.scan ?? (await this.rescan());
      return scan.latest?.payload.slice();
    });
  }

  /**
   * Appends a record holding `payload`. When it returns, the payload is on the flash and verified by reading it
   * back; when it throws (power loss, a flash error), the next operation rescans, and the state is the old or the
   * new payload.
   *
   * @example
   * ```ts
   * await journal.save(encodeState(state));
   * ```
   */
  save(payload: Uint8Array): Promise<void> {
    return this.serial.run(async () => {
      if (!(payload instanceof Uint8Array) || payload.length > this.maxPayload) {
        throw new RotkitError("INVALID_ARGUMENT", `flash journal: payload larger than ${this.maxPayload} bytes`);
      }
      const scan = this.scan ?? (await this.rescan());
      try {
        await this.append(scan, payload);
      } catch (e) {
        this.scan = undefined;
        throw wrapIo(e, "write");
      }
    });
  }

  private async append(scan: ScanResult, payload: Uint8Array): Promise<void> {
    const { eraseSize, writeSize, erasedValue } = this.flash;
    const sequence = (scan.latest?.sequence ?? 0) + 1;
    const record = encodeRecord(sequence, payload, writeSize, erasedValue);
    let target: number;
    let at: number;
    const head = scan.head >= 0 ? (scan.sectors[scan.head] as SectorState) : undefined;
    if (head?.cleanTail && head.end + record.length <= eraseSize) {
      target = scan.head;
      at = head.end;
    } else {
      // A new sector: the one after the head in the ring (the oldest), or the first one while nothing valid exists.
      target = scan.head >= 0 ? (scan.head + 1) % this.sectorCount : 0;
      at = 0;
      const sector = scan.sectors[target] as SectorState;
      if (sector.end !== 0 || !sector.cleanTail) {
        sector.cleanTail = false;
        await this.flash.erase(this.sectorBase(target), eraseSize);
      }
      sector.end = 0;
      sector.cleanTail = true;
    }
    const address = this.sectorBase(target) + at;
    const state = scan.sectors[target] as SectorState;
    state.cleanTail = false;
    await this.flash.write(address, record);
    const back = await this.readExact(address, record.length);
    if (!bytesEqual(back, record)) {
      throw new RotkitError("COUNTER_IO", "flash journal: read-back of the new record differs", { at: address });
    }
    state.end = at + record.length;
    state.cleanTail = true;
    scan.head = target;
    scan.latest = { sequence, payload: payload.slice() };
  }

  private sectorBase(index: number): number {
    return this.offset + index * this.flash.eraseSize;
  }

  private async readExact(offset: number, length: number): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await this.flash.read(offset, length);
    } catch (e) {
      throw wrapIo(e, "read");
    }
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
      throw new RotkitError("COUNTER_IO", "flash journal: the flash returned a short read", { at: offset });
    }
    return bytes;
  }

  private async isErased(offset: number, length: number): Promise<boolean> {
    const erased = this.flash.erasedValue;
    for (let p = 0; p < length; p += ERASED_CHECK_CHUNK) {
      const chunk = await this.readExact(offset + p, Math.min(ERASED_CHECK_CHUNK, length - p));
      for (let i = 0; i < chunk.length; i++) if (chunk[i] !== erased) return false;
    }
    return true;
  }

  private async scanSector(index: number, found: (r: JournalRecord) => void): Promise<SectorState> {
    const { eraseSize, writeSize } = this.flash;
    const base = this.sectorBase(index);
    let p = 0;
    while (p + RECORD_HEADER_LENGTH <= eraseSize) {
      const header = await this.readExact(base + p, RECORD_HEADER_LENGTH);
      const len = recordHeaderPayloadLength(header, this.maxPayload);
      if (len === undefined || p + recordLength(len) > eraseSize) break;
      const rec = parseRecord(await this.readExact(base + p, recordLength(len)), this.maxPayload);
      if (rec === undefined) break;
      found(rec);
      p += Math.ceil(recordLength(len) / writeSize) * writeSize;
    }
    return { end: p, cleanTail: await this.isErased(base + p, eraseSize - p) };
  }

  private async rescan(): Promise<ScanResult> {
    this.scan = undefined;
    const sectors: SectorState[] = [];
    let head = -1;
    let latest: JournalRecord | undefined;
    for (let s = 0; s < this.sectorCount; s++) {
      sectors.push(
        await this.scanSector(s, (rec) => {
          if (latest !== undefined && rec.sequence === latest.sequence && !bytesEqual(rec.payload, latest.payload)) {
            throw new RotkitError(
              "COUNTER_CORRUPT",
              `flash journal: two different records with sequence ${rec.sequence}`,
            );
          }
          if (latest === undefined || rec.sequence > latest.sequence) {
            latest = rec;
            head = s;
          }
        }),
      );
    }
    if (latest === undefined) {
      for (let s = 1; s < this.sectorCount; s++) {
        const st = sectors[s] as SectorState;
        if (st.end !== 0 || !st.cleanTail) {
          throw new RotkitError("COUNTER_CORRUPT", "flash journal: data but no valid record", {
            at: this.sectorBase(s),
          });
        }
      }
    }
    this.scan = { sectors, head, latest };
    return this.scan;
  }
}
