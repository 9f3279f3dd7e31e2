import { createHash } from "node:crypto";
import { isRotkitError } from "@rotkit/core";
import { Sha256 } from "@rotkit/delta";
import { suffixArray } from "@rotkit/delta/create";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// The building blocks under the format: the saveable SHA-256 and the SA-IS suffix array.

function naiveSuffixArray(t: Uint8Array): number[] {
  const idx = Array.from(t, (_, i) => i);
  return idx.sort((a, b) => {
    while (a < t.length && b < t.length) {
      if (t[a] !== t[b]) return (t[a] as number) - (t[b] as number);
      a++;
      b++;
    }
    return a === t.length ? -1 : 1;
  });
}

describe("Sha256 (saveable state)", () => {
  it("matches node:crypto for any input split into any pieces, across save/restore (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat({ max: 130 }), { maxLength: 8 }), (data, cuts) => {
        let h = new Sha256();
        let at = 0;
        for (const c of cuts) {
          h.update(data.subarray(at, at + c));
          at = Math.min(data.length, at + c);
          h = Sha256.restore(h.save());
        }
        h.update(data.subarray(at));
        expect(Buffer.from(h.digest()).toString("hex")).toBe(createHash("sha256").update(data).digest("hex"));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a state whose length and tail disagree", () => {
    const h = new Sha256();
    h.update(new Uint8Array(70));
    const state = h.save();
    for (const bad of [state.subarray(0, 39), state.subarray(0, state.length - 1), new Uint8Array(120)]) {
      try {
        Sha256.restore(bad);
        expect.unreachable();
      } catch (e) {
        expect(isRotkitError(e, "DELTA_CORRUPT")).toBe(true);
      }
    }
  });
});

describe("suffixArray (SA-IS)", () => {
  it("sorts 'banana'", () => {
    expect(Array.from(suffixArray(new TextEncoder().encode("banana")))).toEqual([5, 3, 1, 0, 4, 2]);
  });

  it("matches a naive sort on small alphabets and runs (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 300 }), fc.constantFrom(1, 7, 255), (xs, k) => {
        const t = Uint8Array.from(xs, (x) => (x * k) & 0xff);
        expect(Array.from(suffixArray(t))).toEqual(naiveSuffixArray(t));
      }),
      { numRuns: 400 },
    );
  });
});
