import { type Flash, RotkitError } from "@rotkit/core";

// A simulated NOR flash for tests and host-side simulators. It behaves like the parts the journal is written for:
// writes must be aligned to the program unit and land on erased bytes only (a real controller refuses or corrupts
// otherwise), erases work on whole sectors, and power can be cut in the middle of any write or erase. A cut leaves a
// prefix of the operation done, optionally one unit of random garbage after it (a half-programmed or half-erased
// unit), and then the part is off until `powerOn()`, like a device that lost power and reboots.

/** Geometry and initial state of a {@link MemoryFlash}. */
export interface MemoryFlashOptions {
  /** Total bytes; a multiple of `eraseSize`. */
  size: number;
  /** Sector size in bytes. */
  eraseSize: number;
  /** Program unit in bytes; divides `eraseSize`. Default 1. */
  writeSize?: number;
  /** Value of an erased byte. Default 0xff. */
  erasedValue?: number;
  /** Initial contents (default: all erased). */
  contents?: Uint8Array;
  /** Seed of the generator that makes garbage units (deterministic, so a failing property test replays). Default 1. */
  seed?: number;
}

/** Where the next power cut happens. */
export interface PowerCut {
  /** How many write/erase operations complete before the one that is cut. Default 0 (the next one). */
  afterOperations?: number;
  /**
   * Units of the cut operation that complete (program units for a write, the same units for an erase). At or above
   * the operation's size, the operation completes but power fails before it returns.
   */
  completedUnits: number;
  /** Leave the unit after the completed ones holding random bytes. Default false. */
  garbage?: boolean;
}

function checkGeometry(o: MemoryFlashOptions): void {
  const writeSize = o.writeSize ?? 1;
  const ok =
    Number.isSafeInteger(o.size) &&
    Number.isSafeInteger(o.eraseSize) &&
    Number.isSafeInteger(writeSize) &&
    writeSize >= 1 &&
    o.eraseSize >= writeSize &&
    o.eraseSize % writeSize === 0 &&
    o.size > 0 &&
    o.size % o.eraseSize === 0 &&
    Number.isInteger(o.erasedValue ?? 0xff) &&
    (o.erasedValue ?? 0xff) >= 0 &&
    (o.erasedValue ?? 0xff) <= 0xff &&
    (o.contents === undefined || o.contents.length === o.size);
  if (!ok) throw new RotkitError("INVALID_ARGUMENT", "MemoryFlash: inconsistent geometry or contents");
}

/**
 * A simulated NOR flash with power-cut injection.
 *
 * @example
 * ```ts
 * const flash = new MemoryFlash({ size: 8192, eraseSize: 4096, writeSize: 8 });
 * flash.schedulePowerCut({ completedUnits: 2, garbage: true }); // the next write stops after 16 bytes
 * ```
 */
export class MemoryFlash implements Flash {
  readonly size: number;
  readonly eraseSize: number;
  readonly writeSize: number;
  readonly erasedValue: number;
  /** Completed write calls. */
  writes = 0;
  private readonly data: Uint8Array;
  private readonly erases: number[];
  private cut: Required<PowerCut> | undefined;
  private on = true;
  private rng: number;

  constructor(options: MemoryFlashOptions) {
    checkGeometry(options);
    this.size = options.size;
    this.eraseSize = options.eraseSize;
    this.writeSize = options.writeSize ?? 1;
    this.erasedValue = options.erasedValue ?? 0xff;
    this.data = options.contents ? options.contents.slice() : new Uint8Array(options.size).fill(this.erasedValue);
    this.erases = new Array<number>(options.size / options.eraseSize).fill(0);
    this.rng = (options.seed ?? 1) >>> 0 || 1;
  }

  /** False after a simulated power cut, until {@link MemoryFlash.powerOn}. */
  get powered(): boolean {
    return this.on;
  }

  /** Arms a power cut (replacing any armed one). */
  schedulePowerCut(cut: PowerCut): void {
    this.cut = {
      afterOperations: cut.afterOperations ?? 0,
      completedUnits: cut.completedUnits,
      garbage: !!cut.garbage,
    };
  }

  /** Disarms a scheduled power cut; returns whether one was still armed. */
  cancelPowerCut(): boolean {
    const armed = this.cut !== undefined;
    this.cut = undefined;
    return armed;
  }

  /** Restores power after a cut (the contents stay as the cut left them). */
  powerOn(): void {
    this.on = true;
  }

  /** A copy of the whole medium. */
  snapshot(): Uint8Array {
    return this.data.slice();
  }

  /** How many times each sector has been erased (wear). */
  eraseCounts(): number[] {
    return this.erases.slice();
  }

  read(offset: number, length: number): Uint8Array {
    this.checkPower();
    this.checkRange(offset, length, 1, "read");
    return this.data.slice(offset, offset + length);
  }

  write(offset: number, data: Uint8Array): void {
    this.checkPower();
    this.checkRange(offset, data.length, this.writeSize, "write");
    for (let i = 0; i < data.length; i++) {
      if (this.data[offset + i] !== this.erasedValue) {
        throw new RotkitError("COUNTER_IO", "MemoryFlash: write to a byte that is not erased", { at: offset + i });
      }
    }
    const cut = this.dueCut();
    const n = cut ? Math.min(cut.completedUnits * this.writeSize, data.length) : data.length;
    this.data.set(data.subarray(0, n), offset);
    if (cut) this.powerFail(cut, offset + n, offset + data.length);
    this.writes++;
  }

  erase(offset: number, length: number): void {
    this.checkPower();
    this.checkRange(offset, length, this.eraseSize, "erase");
    const cut = this.dueCut();
    const n = cut ? Math.min(cut.completedUnits * this.writeSize, length) : length;
    this.data.fill(this.erasedValue, offset, offset + n);
    for (let s = offset / this.eraseSize; s < (offset + length) / this.eraseSize; s++) {
      this.erases[s] = (this.erases[s] as number) + 1;
    }
    if (cut) this.powerFail(cut, offset + n, offset + length);
  }

  private checkPower(): void {
    if (!this.on) throw new RotkitError("COUNTER_IO", "MemoryFlash: power is off");
  }

  private checkRange(offset: number, length: number, unit: number, op: string): void {
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > this.size ||
      offset % unit !== 0 ||
      length % unit !== 0
    ) {
      throw new RotkitError(
        "INVALID_ARGUMENT",
        `MemoryFlash: ${op} of ${length} bytes at ${offset} is out of range or unaligned`,
      );
    }
  }

  /** The armed cut when it is due at this operation (and disarms it), else undefined. */
  private dueCut(): Required<PowerCut> | undefined {
    const cut = this.cut;
    if (cut === undefined) return undefined;
    if (cut.afterOperations > 0) {
      cut.afterOperations--;
      return undefined;
    }
    this.cut = undefined;
    return cut;
  }

  /** Garbage in the unit at `from` (when the cut asks for it and the operation had more), power off, throw. */
  private powerFail(cut: Required<PowerCut>, from: number, end: number): never {
    if (cut.garbage && from < end) {
      for (let i = from; i < from + this.writeSize; i++) this.data[i] = this.nextRandomByte();
    }
    this.on = false;
    throw new RotkitError("COUNTER_IO", "MemoryFlash: simulated power loss");
  }

  private nextRandomByte(): number {
    // xorshift32: deterministic test garbage, not a secret.
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng & 0xff;
  }
}
