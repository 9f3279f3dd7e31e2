import { describe, expect, it } from "vitest";
import { ccatokenVeraisonSuite } from "../src/conformance/suites/ccatoken-veraison.js";
import { psaTokenDraftSuite } from "../src/conformance/suites/psa-token-draft.js";
import { psatokenVeraisonSuite } from "../src/conformance/suites/psatoken-veraison.js";
import type { CaseResult, Suite } from "../src/conformance/types.js";

// The repo's copies of the upstream PSA / CCA vectors (test-vectors/*/README.md) through the suite modules the CLI runs.
const root = new URL("../../../test-vectors/", import.meta.url).pathname;

function tally(results: CaseResult[]) {
  const skipped = results.filter((r) => r.got === "skipped");
  const failed = results.filter((r) => r.got !== "skipped" && r.got !== r.expected);
  const falseAccepts = failed.filter((r) => r.got === "valid");
  return { skipped, failed, falseAccepts };
}

async function run(suite: Suite, folder: string) {
  const results = await suite.run(`${root}${folder}`, { progress() {} });
  const t = tally(results);
  return { results, ...t };
}

describe("PSA / CCA conformance suites on the pinned vectors", () => {
  it("psatoken-veraison: 0 failures, 0 false accepts; only the Mac0 MACs (no published key) skipped", async () => {
    const { results, failed, falseAccepts, skipped } = await run(psatokenVeraisonSuite, "psatoken-veraison");
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(falseAccepts).toEqual([]);
    for (const s of skipped) expect(s.reason ?? "").toMatch(/no HMAC key|not tested upstream/);
    expect(results.filter((r) => r.id.includes("sign1") && r.got === "valid").length).toBe(4);
    for (const r of results.filter((x) => x.expected === "invalid")) expect(r.code).toMatch(/^ATTEST_/);
  });

  it("psa-token-draft: every case passes, the Mac0 example verifies on both providers", async () => {
    const { results, failed, skipped } = await run(psaTokenDraftSuite, "psa-token-draft");
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(skipped).toEqual([]);
    expect(results.filter((r) => r.id.startsWith("psa-mac0@") && r.got === "valid").length).toBe(2);
  });

  it("ccatoken-veraison: every case passes, the TF-RMM token verifies on both providers", async () => {
    const { results, failed, skipped } = await run(ccatokenVeraisonSuite, "ccatoken-veraison");
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(skipped).toEqual([]);
    expect(results.filter((r) => r.id.startsWith("tf-rmm/") && r.got === "valid").length).toBe(2);
  });
});
