// @rotkit/rollback/node: the file-backed store for Linux-class devices and servers. Node built-ins are only allowed
// here (DESIGN.md: device-side packages keep Node code in a separate subpath).
import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { RotkitError, toHex } from "@rotkit/core";
import type { MonotonicCounter } from "./counter.js";
import { type CounterStore, openCounterStore } from "./counter-store.js";
import { decodeRecord, encodeRecord, MAX_RECORD_SEQUENCE } from "./record.js";
import type { RecordStore } from "./record-store.js";
import { Serial } from "./serial.js";

/** Options of {@link FileRecordStore}. */
export interface FileRecordStoreOptions {
  /** Treat a missing file as `COUNTER_CORRUPT` instead of "never written" (once provisioned, it must exist). */
  mustExist?: boolean;
}

function ioError(e: unknown, what: string, path: string): RotkitError {
  if (e instanceof RotkitError) return e;
  return new RotkitError("COUNTER_IO", `file store: ${what} failed`, { at: path, cause: e });
}

function errno(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : undefined;
}

/**
 * A RecordStore in one file holding one journal record (magic, sequence, payload, CRC-32; see the README). `save`
 * writes a temporary file in the same directory, fsyncs it, renames it over the old one and fsyncs the directory, so
 * after a crash the file holds the old or the new record. A file that fails its CRC is `COUNTER_CORRUPT`.
 *
 * @example
 * ```ts
 * const store = new FileRecordStore("/var/lib/rotkit/rollback.state");
 * const guard = await AntiRollbackGuard.open({ store, clock: systemClock(), deviceId });
 * ```
 */
export class FileRecordStore implements RecordStore {
  private readonly serial = new Serial();
  private sequence = 0;

  constructor(
    readonly path: string,
    private readonly options: FileRecordStoreOptions = {},
  ) {}

  load(): Promise<Uint8Array | undefined> {
    return this.serial.run(() => this.read());
  }

  private async read(): Promise<Uint8Array | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(this.path));
    } catch (e) {
      if (errno(e) === "ENOENT" && !this.options.mustExist) return undefined;
      if (errno(e) === "ENOENT")
        throw new RotkitError("COUNTER_CORRUPT", "file store: the state file is missing", { at: this.path });
      throw ioError(e, "read", this.path);
    }
    const rec = decodeRecord(bytes);
    this.sequence = rec.sequence;
    return rec.payload;
  }

  save(payload: Uint8Array): Promise<void> {
    return this.serial.run(async () => {
      const next = this.sequence >= MAX_RECORD_SEQUENCE ? 1 : this.sequence + 1;
      const record = encodeRecord(next, payload);
      const dir = dirname(this.path);
      const tmp = join(dir, `.${basename(this.path)}.${toHex(randomBytes(6))}.tmp`);
      try {
        const fh = await open(tmp, "wx", 0o600);
        try {
          await fh.writeFile(record);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(tmp, this.path);
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw ioError(e, "write", this.path);
      }
      await syncDirectory(dir);
      this.sequence = next;
    });
  }
}

/** fsync of the directory makes the rename durable; platforms without directory fsync (Windows) refuse it harmlessly. */
async function syncDirectory(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (e) {
    const code = errno(e);
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF")
      throw ioError(e, "directory fsync", dir);
  } finally {
    await fh?.close();
  }
}

/**
 * Named monotonic counters in a file (see {@link FileRecordStore}).
 *
 * @example
 * ```ts
 * const counters = await openFileCounterStore("/var/lib/rotkit/counters");
 * await counters.advanceTo("app", 13);
 * ```
 */
export function openFileCounterStore(path: string, options?: FileRecordStoreOptions): Promise<CounterStore> {
  return openCounterStore(new FileRecordStore(path, options));
}

/**
 * One MonotonicCounter in a file.
 *
 * @example
 * ```ts
 * const counter = await openFileCounter("/var/lib/rotkit/boot-counter");
 * await counter.advanceTo((await counter.read()) + 1);
 * ```
 */
export async function openFileCounter(path: string, options?: FileRecordStoreOptions): Promise<MonotonicCounter> {
  return (await openFileCounterStore(path, options)).counter(new Uint8Array(0));
}
