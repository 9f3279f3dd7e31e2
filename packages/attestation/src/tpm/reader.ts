import { RotkitError, type RotkitErrorCode } from "@rotkit/core";

// A bounded cursor over TPM and TCG structures. TPM 2.0 Part 2 §5 (marshalling) is big-endian; the TCG PC Client
// Platform Firmware Profile event log (§10.2) is little-endian. Every read checks the bytes left first and throws
// the reader's error code with the offset, so no declared length is trusted before it is checked.

/** @internal */
export class TpmReader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
    readonly code: RotkitErrorCode = "TPM_MALFORMED",
    readonly littleEndian = false,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  fail(message: string, at: number = this.pos): never {
    throw new RotkitError(this.code, `${this.what}: ${message}`, { at });
  }

  get left(): number {
    return this.end - this.pos;
  }

  need(n: number, field: string): void {
    if (n > this.left) this.fail(`${field} needs ${n} bytes, ${this.left} left`);
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++] as number;
  }

  u16(field: string): number {
    this.need(2, field);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 2;
    return this.littleEndian
      ? (b[p] as number) | ((b[p + 1] as number) << 8)
      : ((b[p] as number) << 8) | (b[p + 1] as number);
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    const v = this.littleEndian
      ? (b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24)
      : ((b[p] as number) << 24) | ((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number);
    return v >>> 0;
  }

  u64(field: string): bigint {
    const hi = this.u32(field);
    const lo = this.u32(field);
    return this.littleEndian ? (BigInt(lo) << 32n) | BigInt(hi) : (BigInt(hi) << 32n) | BigInt(lo);
  }

  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A TPM2B_*: UINT16 size then that many bytes (Part 2 §10.4), at most `max` bytes. */
  tpm2b(field: string, max: number): Uint8Array {
    const at = this.pos;
    const size = this.u16(`${field}.size`);
    if (size > max) this.fail(`${field} of ${size} bytes exceeds ${max}`, at);
    return this.take(size, field);
  }

  /** Throws unless every byte was consumed. */
  done(): void {
    if (this.pos !== this.end) this.fail(`${this.end - this.pos} trailing bytes`);
  }
}
