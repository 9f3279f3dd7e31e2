import { corrupt } from "../bzip2/pull-input.js";

/** Longest varint accepted: 8 bytes carry 56 bits, more than any safe integer. */
const MAX_VARINT_BYTES = 8;

/**
 * RFC 3284 §2 integer: base-128, most significant digit first, high bit set on all but the last byte. Values above
 * 2^53 - 1 are DELTA_CORRUPT. `next` returns the next byte (or throws when there is none).
 */
export function varint(next: () => number, what: string): number {
  let v = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const b = next();
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER) break;
    if (!(b & 0x80)) return v;
  }
  return corrupt(`${what}: integer too large`);
}

/** One of a window's three sections (data, instructions, addresses), consumed front to back. */
export class Section {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
    readonly name: string,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  byte(): number {
    if (this.pos >= this.end) corrupt(`VCDIFF ${this.name} section overrun`, this.pos);
    return this.buf[this.pos++] as number;
  }

  varint(what: string): number {
    return varint(() => this.byte(), `VCDIFF ${what}`);
  }
}
