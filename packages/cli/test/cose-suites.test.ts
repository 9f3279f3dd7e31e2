import { describe, expect, it } from "vitest";
import { coseWgExamplesSuite } from "../src/conformance/suites/cose-wg-examples.js";
import { goCoseSuite } from "../src/conformance/suites/go-cose.js";
import type { CaseResult } from "../src/conformance/types.js";

// The repo's copies of the upstream data (test-vectors/*/README.md) through the same suite modules the CLI runs.
const root = new URL("../../../test-vectors/", import.meta.url).pathname;

function tally(results: CaseResult[]) {
  const skipped = results.filter((r) => r.got === "skipped");
  const failed = results.filter((r) => r.got !== "skipped" && r.got !== r.expected);
  const falseAccepts = failed.filter((r) => r.got === "valid");
  return { skipped, failed, falseAccepts };
}

describe("conformance suites on the pinned vectors", () => {
  it("cose-wg-examples: every case with both providers, nothing failed, at most 5 % skipped", async () => {
    const results = await coseWgExamplesSuite.run(`${root}cose-wg-examples`, { progress() {} });
    expect(results.length).toBe(456);
    const { skipped, failed, falseAccepts } = tally(results);
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(falseAccepts).toEqual([]);
    expect(skipped.length / results.length).toBeLessThanOrEqual(0.05);
    for (const s of skipped) expect(s.reason ?? "").toMatch(/\S/);
    // RFC 8778: the HSS-LMS examples (COSE_Sign and COSE_Sign1) verify with both providers.
    const hashSig = results.filter((r) => r.id.includes("hashsig/"));
    expect(hashSig.map((r) => r.got)).toEqual(["valid", "valid", "valid", "valid"]);
    // every negative was rejected with a RotkitError code
    for (const r of results.filter((x) => x.expected === "invalid" && x.got === "invalid"))
      expect(r.code).toMatch(/^[A-Z_]+$/);
  });

  it("go-cose: all 16 cases with both providers; the negatives fail with COSE_* codes", async () => {
    const results = await goCoseSuite.run(`${root}go-cose`, { progress() {} });
    expect(results.length).toBe(32);
    const { skipped, failed } = tally(results);
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(skipped).toEqual([]);
    for (const r of results.filter((x) => x.id.includes("negative"))) expect(r.code).toMatch(/^COSE_/);
  });
});
