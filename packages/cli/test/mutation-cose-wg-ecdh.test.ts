import { expect, it } from "vitest";
import { fuzzCoseWg } from "./helpers/mutation.js";

// Split by folder only so vitest runs the (slow, ECDH per mutant) key-agreement examples in parallel with the rest.
const ECDH = new Set(["ecdh-direct-examples", "ecdh-wrap-examples", "X25519-tests"]);

it("every single-byte mutation and truncation of every valid ECDH COSE WG example ends in a verdict, never a crash", async () => {
  const t = await fuzzCoseWg((d) => ECDH.has(d));
  expect(t.crashes).toEqual([]);
  expect(t.vectors).toBeGreaterThan(35);
  expect(t.rejected).toBeGreaterThan(t.mutants * 0.9);
}, 600_000);
