// shakeDigest (FIPS 202 SHAKE128 / SHAKE256 with a fixed output length, as COSE uses them: RFC 9054) against the
// FIPS 202 empty-message values and OpenSSL's implementation (node:crypto) on random inputs and lengths.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../src/bytes.js";
import { shakeDigest } from "../src/crypto/shake.js";
import { codeOf } from "./helpers/code-of.js";

describe("shakeDigest", () => {
  it("the empty message (FIPS 202 example values)", () => {
    expect(toHex(shakeDigest("SHAKE128", new Uint8Array(0), 32))).toBe(
      "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26",
    );
    expect(toHex(shakeDigest("SHAKE256", new Uint8Array(0), 64))).toBe(
      "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762fd75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be",
    );
  });

  it("agrees with OpenSSL (node:crypto) on random inputs and output lengths", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("SHAKE128" as const, "SHAKE256" as const),
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 1, max: 200 }),
        (alg, data, length) => {
          const want = createHash(alg.toLowerCase(), { outputLength: length }).update(data).digest("hex");
          expect(toHex(shakeDigest(alg, data, length))).toBe(want);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses bad lengths, non-bytes and unknown functions with codes", async () => {
    for (const n of [0, -1, 1.5, 1025, Number.NaN]) {
      expect(await codeOf(() => shakeDigest("SHAKE128", new Uint8Array(1), n))).toBe("CRYPTO_INVALID_LENGTH");
    }
    expect(await codeOf(() => shakeDigest("SHAKE128", "abc" as never, 32))).toMatch(/^[A-Z_]+$/);
    expect(await codeOf(() => shakeDigest("SHAKE512" as never, new Uint8Array(1), 32))).toBe("CRYPTO_UNSUPPORTED_ALG");
  });
});
