import { describe, expect, it } from "vitest";
import { nistPkitsSuite } from "../src/conformance/suites/nist-pkits.js";
import { x509LimboSuite } from "../src/conformance/suites/x509-limbo.js";
import type { CaseResult } from "../src/conformance/types.js";

// The repo's copies of x509-limbo (dev subset + BetterTLS sample) and NIST PKITS (test-vectors/*/README.md) through
// the same suite modules the CLI runs: no false accept, agreement >= 99.9 % of the cases run, skips <= 1 %.
const root = new URL("../../../test-vectors/", import.meta.url).pathname;

function tally(results: CaseResult[]) {
  const run = results.filter((r) => r.got !== "skipped");
  const skipped = results.filter((r) => r.got === "skipped");
  const failed = run.filter((r) => r.got !== r.expected);
  const falseAccepts = failed.filter((r) => r.got === "valid");
  return { run, skipped, failed, falseAccepts };
}

describe("x509 conformance suites on the pinned vectors", () => {
  it("x509-limbo dev subset: 128 cases, no false accept, >= 99.9 % agreement, <= 1 % skipped", async () => {
    const results = await x509LimboSuite.run(`${root}x509-limbo/limbo-dev.json`, { progress() {} });
    expect(results.length).toBe(128);
    const { run, skipped, failed, falseAccepts } = tally(results);
    expect(falseAccepts.map((f) => f.id)).toEqual([]);
    expect(1 - failed.length / run.length).toBeGreaterThanOrEqual(0.999);
    expect(skipped.length / results.length).toBeLessThanOrEqual(0.01);
    for (const s of skipped) expect(s.reason ?? "").toMatch(/^(unsupported feature: |online::)/);
    for (const r of results.filter((x) => x.got === "invalid")) expect(r.code).toMatch(/^X509_/);
  });

  it("x509-limbo BetterTLS sample: 2,410 cases, no false accept, >= 99.9 % agreement, <= 1 % skipped", async () => {
    const t0 = Date.now();
    const results = await x509LimboSuite.run(`${root}x509-limbo/limbo-bettertls-sample.json.gz`, { progress() {} });
    expect(results.length).toBe(2410);
    const { run, skipped, failed, falseAccepts } = tally(results);
    expect(falseAccepts.map((f) => f.id)).toEqual([]);
    expect(1 - failed.length / run.length).toBeGreaterThanOrEqual(0.999);
    expect(skipped.length / results.length).toBeLessThanOrEqual(0.01);
    // pathological pools end quickly: well under 100 ms a case on average
    expect((Date.now() - t0) / results.length).toBeLessThan(100);
  }, 120_000);

  it("nist-pkits: all 194 cases agree (DSA may be reported unsupported), user-constrained policy sets included", async () => {
    const results = await nistPkitsSuite.run(`${root}nist-pkits`, { progress() {} });
    expect(results.length).toBe(194);
    const { skipped, failed, falseAccepts } = tally(results);
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(falseAccepts).toEqual([]);
    for (const s of skipped) {
      expect(s.id).toMatch(/DSA/);
      expect(s.reason).toBe("unsupported feature: DSA signatures");
    }
  }, 60_000);
});
