import { fromHex, toHex } from "@rotkit/core";
import { expect, it } from "vitest";
import { runGoCoseCase } from "../src/conformance/suites/go-cose.js";
import { fuzz, fuzzCoseWg, jsonFiles, provider, vectors } from "./helpers/mutation.js";

// DESIGN.md "Tests": every mutation of every valid vector ends in a RotkitError or a benign accept, never a crash.
const ECDH = new Set(["ecdh-direct-examples", "ecdh-wrap-examples", "X25519-tests"]);

it("every single-byte mutation and truncation of every other valid COSE WG example ends in a verdict", async () => {
  const t = await fuzzCoseWg((d) => !ECDH.has(d));
  expect(t.crashes).toEqual([]);
  expect(t.vectors).toBeGreaterThan(140);
  expect(t.rejected).toBeGreaterThan(t.mutants * 0.9);
}, 600_000);

it("every single-byte mutation and truncation of every go-cose verify vector ends in a verdict", async () => {
  const t = await fuzz(
    jsonFiles(`${vectors}go-cose`),
    (j) => {
      const v = j["sign1::verify"] as { taggedCOSESign1?: { cborHex?: string } } | undefined;
      const hex = v?.taggedCOSESign1?.cborHex;
      return typeof hex === "string" ? fromHex(hex) : undefined;
    },
    (j, b) => {
      const v = j["sign1::verify"] as Record<string, unknown>;
      return { ...j, "sign1::verify": { ...v, taggedCOSESign1: { cborHex: toHex(b) }, shouldVerify: false } };
    },
    (j) => runGoCoseCase(j, provider),
  );
  expect(t.crashes).toEqual([]);
  expect(t.vectors).toBeGreaterThan(3);
  expect(t.rejected).toBeGreaterThan(t.mutants * 0.9);
}, 300_000);
