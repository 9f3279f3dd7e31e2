/**
 * The small I/O seams device-side packages are written against (DESIGN.md "I/O at the edges"). No WHATWG streams:
 * QuickJS and XS have none, so bytes move through these pull/push interfaces. Every method may return a value or a
 * promise; callers always `await` it, so a host can back them with synchronous flash drivers or async files.
 */

/** A pull source of bytes (a patch being downloaded, a file): `read(max)` returns 1..max bytes, or an empty array at the end. */
export interface ByteSource {
  read(max: number): Promise<Uint8Array> | Uint8Array;
}

/** Random-access reads from an image of known size (the running firmware in flash, a file). */
export interface RandomReader {
  readonly size: number;
  /** Exactly `length` bytes at `offset`; the caller keeps offset + length within `size`. */
  read(offset: number, length: number): Promise<Uint8Array> | Uint8Array;
}

/** A sequential sink (the slot being written). The chunk is the caller's: copy it if you keep it. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void> | void;
}

/** Flash geometry: erase works on whole sectors; writes go to erased bytes in multiples of `writeSize`. */
export interface FlashGeometry {
  /** Total bytes. */
  readonly size: number;
  /** Erase unit (sector) in bytes; erase offsets and lengths are multiples of it. */
  readonly eraseSize: number;
  /** Program unit in bytes (1 for byte-writable NOR, 4/8/16 for many MCUs); write offsets and lengths are multiples of it. */
  readonly writeSize: number;
  /** The value of an erased byte (0xff for NOR flash). */
  readonly erasedValue: number;
}

/**
 * NOR-flash-like storage. A write may be torn by power loss: after a failed write any prefix of it (at `writeSize`
 * granularity, possibly with one unit half-programmed) may be on the medium. Implementations throw a RotkitError
 * `COUNTER_IO`-style code of their package on hardware errors.
 */
export interface Flash extends FlashGeometry {
  read(offset: number, length: number): Promise<Uint8Array> | Uint8Array;
  write(offset: number, data: Uint8Array): Promise<void> | void;
  erase(offset: number, length: number): Promise<void> | void;
}
