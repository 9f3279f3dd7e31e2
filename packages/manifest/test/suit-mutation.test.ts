import { RotkitError, webCryptoProvider } from "@rotkit/core";
import { verifySuitEnvelope } from "@rotkit/manifest";
import { describe, expect, it } from "vitest";
import { singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { signedExamples } from "./suit-fixtures.js";

// Done-when: every single-byte corruption (5 XOR masks at every position) and every truncation of every signed
// example envelope is refused by verifySuitEnvelope with a SUIT_ / COSE_ / CBOR_ RotkitError — never accepted,
// never a crash. (suit-decode-fuzz.test.ts covers the decoder alone.)

const provider = webCryptoProvider();
const CODE = /^(SUIT|COSE|CBOR)_/;

describe("SUIT mutation fuzzing", () => {
  for (const ex of signedExamples()) {
    it(`${ex.name}: every single-byte mutation and truncation is refused`, async () => {
      const options = {
        keys: ex.keys,
        provider,
        ...(ex.dependencyKeys ? { dependencyKeys: ex.dependencyKeys } : {}),
      };
      const codes: Record<string, number> = {};
      let n = 0;
      const inputs = [...[...singleByteMutations(ex.bytes)].map((m) => m.bytes), ...truncations(ex.bytes)];
      for (const input of inputs) {
        try {
          await verifySuitEnvelope(input, options);
        } catch (e) {
          if (!(e instanceof RotkitError))
            throw new Error(`non-RotkitError at mutation ${n}: ${String(e)}`, { cause: e });
          expect(e.code).toMatch(CODE);
          codes[e.code] = (codes[e.code] ?? 0) + 1;
          n++;
          continue;
        }
        throw new Error(`accepted a corrupted envelope (mutation ${n})`);
      }
      expect(n).toBe(inputs.length);
      expect(codes.SUIT_DIGEST_MISMATCH).toBeGreaterThan(0);
      expect(codes.SUIT_AUTH_FAILED).toBeGreaterThan(0);
    });
  }
});
