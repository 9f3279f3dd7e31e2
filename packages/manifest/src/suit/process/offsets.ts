import { type CborValue, encodeCbor } from "@rotkit/core";
import { sequenceToCbor } from "../encode-manifest.js";
import type { SuitCommandSequence } from "../types.js";

// Byte offsets of commands inside their section, for SUIT_Record's suit-record-section-offset
// (draft-ietf-suit-report §3: "the number of bytes into the current section at which the current command is
// located"). The typed model keeps no byte positions, so they are recomputed from its deterministic encoding,
// which is the received encoding (§8.1 requires canonical CBOR; a manifest decoded with `canonical: false` may
// report approximate offsets).

/** Length of a CBOR head for a count or length `n` (RFC 8949 §3). */
export function headLength(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
}

/** Where each command of a sequence starts (relative to the sequence's first byte), and where nested ones start. */
export interface SequenceLayout {
  /** Offset of command i. */
  commands: number[];
  /**
   * For try-each (per branch) and run-sequence (one entry): the offset of each nested sequence's first byte,
   * relative to this sequence's first byte; undefined for other commands.
   */
  nested: Array<number[] | undefined>;
}

/** Computes the layout of one sequence (not of its nested sequences: their offsets are relative to themselves). */
export function sequenceLayout(seq: SuitCommandSequence): SequenceLayout {
  const items = sequenceToCbor(seq) as CborValue[];
  const commands: number[] = [];
  const nested: Array<number[] | undefined> = [];
  let at = headLength(items.length);
  for (let i = 0; i < seq.length; i++) {
    const c = seq[i];
    commands.push(at);
    const codeLen = encodeCbor(items[2 * i] as CborValue).length;
    const arg = items[2 * i + 1] as CborValue;
    const argStart = at + codeLen;
    if (c?.name === "try-each") {
      const branches = arg as CborValue[];
      const starts: number[] = [];
      let p = argStart + headLength(branches.length);
      for (const b of branches) {
        if (b instanceof Uint8Array) {
          starts.push(p + headLength(b.length));
          p += headLength(b.length) + b.length;
        } else p += 1; // the trailing nil
      }
      nested.push(starts);
    } else if (c?.name === "run-sequence") {
      const b = arg as Uint8Array;
      nested.push([argStart + headLength(b.length)]);
    } else nested.push(undefined);
    at = argStart + encodeCbor(arg).length;
  }
  return { commands, nested };
}

/** Layouts computed on demand, once per sequence object. */
export class LayoutCache {
  private readonly cache = new WeakMap<SuitCommandSequence, SequenceLayout>();

  get(seq: SuitCommandSequence): SequenceLayout {
    let l = this.cache.get(seq);
    if (!l) {
      l = sequenceLayout(seq);
      this.cache.set(seq, l);
    }
    return l;
  }
}
