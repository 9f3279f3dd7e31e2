import { pooledBytes, pooledCopy } from "@rotkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("pooled byte buffers", () => {
  it("never hand out overlapping regions, whatever the sizes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 60 }), (sizes) => {
        const views = sizes.map((n, i) => {
          const v = pooledBytes(n);
          expect(v.length).toBe(n);
          expect(v.every((b) => b === 0)).toBe(true);
          v.fill((i % 255) + 1);
          return v;
        });
        // Every view still holds only its own fill value: no later allocation wrote into it.
        views.forEach((v, i) => {
          expect(v.every((b) => b === (i % 255) + 1)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("pooledCopy is independent of the source", () => {
    const src = Uint8Array.of(1, 2, 3, 4);
    const copy = pooledCopy(src.subarray(1, 3));
    src.fill(9);
    expect([...copy]).toEqual([2, 3]);
  });
});
