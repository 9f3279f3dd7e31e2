// Small firmware-like image pairs for the rotkit delta tests: a program of instruction words, calls and pointers,
// laid out twice, the second time with a function inserted, one removed and a few instructions edited, so calls
// and pointers across the edit change the way they do in real releases (what the copy model's predictors learn).

export interface FirmwarePair {
  old: Uint8Array;
  new: Uint8Array;
}

/** One word of the program; calls and pointers name the item they refer to, so a new layout moves them. */
type Item = { kind: "op"; value: number } | { kind: "call" | "ptr"; to: number };

/** A xorshift32 generator (deterministic test data). */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function encodeCall(arch: "a32" | "thumb", from: number, to: number): number {
  if (arch === "a32") return (0xeb000000 | (((to - from - 8) >> 2) & 0xffffff)) >>> 0;
  const off = to - from - 4;
  const s = (off >>> 24) & 1;
  const j1 = ((off >>> 23) & 1) ^ 1 ^ s;
  const j2 = ((off >>> 22) & 1) ^ 1 ^ s;
  const hw1 = 0xf000 | (s << 10) | ((off >>> 12) & 0x3ff);
  const hw2 = 0xd000 | (j1 << 13) | (j2 << 11) | ((off >>> 1) & 0x7ff);
  return (hw1 | (hw2 << 16)) >>> 0;
}

/** Lays out `order` (item ids) as little-endian words; a reference to a dropped item points at offset 0. */
function layout(items: Item[], order: number[], arch: "a32" | "thumb"): Uint8Array {
  const address = new Map(order.map((id, i) => [id, i * 4]));
  const out = new Uint8Array(order.length * 4);
  const view = new DataView(out.buffer);
  order.forEach((id, i) => {
    const it = items[id] as Item;
    const at = i * 4;
    let word: number;
    if (it.kind === "op") word = it.value;
    else {
      const target = address.get(it.to) ?? 0;
      word = it.kind === "call" ? encodeCall(arch, at, target) : (0x08000000 + target) >>> 0;
    }
    view.setUint32(at, word, true);
  });
  return out;
}

/**
 * An old/new pair of about `words` * 4 bytes: the new layout inserts a function, drops a few words and edits a few
 * instructions, and every call and pointer follows its target, as a linker would.
 *
 * @example
 * ```ts
 * const { old, new: neu } = firmwarePair(1, 4096, "thumb");
 * ```
 */
export function firmwarePair(seed: number, words: number, arch: "a32" | "thumb" = "a32"): FirmwarePair {
  const r = rng(seed);
  const items: Item[] = [];
  for (let i = 0; i < words; i++) {
    const k = r() % 10;
    if (k < 2) items.push({ kind: "call", to: r() % words });
    else if (k < 3) items.push({ kind: "ptr", to: r() % words });
    else items.push({ kind: "op", value: (0xe0000000 | (r() & 0x01ffffff)) >>> 0 });
  }
  const oldOrder = items.map((_, i) => i);
  const newOrder = oldOrder.slice();
  const inserted: number[] = [];
  for (let i = 16 + (r() % 64); i > 0; i--) inserted.push(items.push({ kind: "op", value: r() >>> 0 }) - 1);
  newOrder.splice(Math.floor(words * 0.3) + (r() % Math.max(1, Math.floor(words * 0.2))), 0, ...inserted);
  newOrder.splice(Math.floor(newOrder.length * 0.75), 8);
  for (let i = 0; i < 6; i++) {
    const j = r() % newOrder.length;
    const it = items[newOrder[j] as number] as Item;
    if (it.kind === "op") newOrder[j] = items.push({ kind: "op", value: (it.value ^ (1 << (r() % 24))) >>> 0 }) - 1;
  }
  return { old: layout(items, oldOrder, arch), new: layout(items, newOrder, arch) };
}
