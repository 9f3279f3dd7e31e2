import type { RandomReader } from "@rotkit/core";
import { RotkitError } from "@rotkit/core";
import { corrupt } from "../bzip2/pull-input.js";
import type { AddressCache } from "./address-cache.js";
import { ADD, COPY, type CodeTable, NOOP, RUN } from "./code-table.js";
import type { Section } from "./section.js";

/** Where a window's source segment comes from: the old image (VCD_SOURCE) or earlier output (VCD_TARGET). */
export interface SourceSegment {
  reader: RandomReader;
  position: number;
  length: number;
}

export interface WindowSections {
  data: Section;
  instructions: Section;
  addresses: Section;
}

/**
 * Runs one window's instructions (RFC 3284 §5.4 decoding) into `target[0, targetLength)`. U = source segment ++
 * target window: a COPY below the segment length reads the segment (and may run on into the target), above it reads
 * target bytes already produced (overlap allowed: byte-wise forward copy, which is how RUN-like COPYs work). All three
 * sections must be used up exactly and the target filled exactly, or the window is DELTA_CORRUPT.
 */
export async function runWindow(
  table: CodeTable,
  cache: AddressCache,
  sections: WindowSections,
  source: SourceSegment | undefined,
  target: Uint8Array,
  targetLength: number,
): Promise<void> {
  const { data, instructions: inst, addresses } = sections;
  const srcLen = source?.length ?? 0;
  cache.reset();
  let t = 0;
  while (inst.pos < inst.end) {
    const at = inst.pos;
    const op = inst.byte();
    for (let half = 0; half < 2; half++) {
      const type = (half === 0 ? table.type1[op] : table.type2[op]) as number;
      if (type === NOOP) continue;
      const fixed = (half === 0 ? table.size1[op] : table.size2[op]) as number;
      const size = fixed !== 0 ? fixed : inst.varint("instruction size");
      if (size > targetLength - t) corrupt(`VCDIFF instruction at ${at} runs past the target window`, at);
      if (type === ADD) {
        if (size > data.left) corrupt("VCDIFF ADD runs past the data section", at);
        target.set(data.buf.subarray(data.pos, data.pos + size), t);
        data.pos += size;
        t += size;
      } else if (type === RUN) {
        target.fill(data.byte(), t, t + size);
        t += size;
      } else if (type === COPY) {
        const mode = (half === 0 ? table.mode1[op] : table.mode2[op]) as number;
        let addr = cache.decode(mode, srcLen + t, addresses);
        let left = size;
        if (addr < srcLen && left > 0 && source) {
          const n = Math.min(left, srcLen - addr);
          const bytes = await source.reader.read(source.position + addr, n);
          if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
            throw new RotkitError(
              "INVALID_ARGUMENT",
              `source reader returned a wrong length at ${source.position + addr}`,
            );
          }
          target.set(bytes, t);
          t += n;
          addr += n;
          left -= n;
        }
        // The rest comes from the target window itself, strictly behind t.
        let s = addr - srcLen;
        if (left > 0 && s + left <= t) {
          target.copyWithin(t, s, s + left);
          t += left;
        } else {
          for (; left > 0; left--) target[t++] = target[s++] as number;
        }
      } else {
        corrupt(`VCDIFF opcode ${op} has an unknown instruction type`, at);
      }
    }
  }
  if (t !== targetLength) corrupt(`VCDIFF window produced ${t} of ${targetLength} bytes`, inst.pos);
  if (data.left !== 0) corrupt("VCDIFF data section not used up", data.pos);
  if (addresses.left !== 0) corrupt("VCDIFF address section not used up", addresses.pos);
}
