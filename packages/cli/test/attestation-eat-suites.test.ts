import { describe, expect, it } from "vitest";
import { loadSuite } from "../src/conformance/registry.js";
import { ctokenSuite } from "../src/conformance/suites/ctoken.js";
import { eatRfc9711ExamplesSuite } from "../src/conformance/suites/eat-rfc9711-examples.js";

// The repo's copies of the upstream data (test-vectors/{eat-rfc9711-examples,ctoken}/README.md) through the same
// suite modules `rotkit conformance` runs.
const root = new URL("../../../test-vectors/", import.meta.url).pathname;

describe("EAT conformance suites on the pinned vectors", () => {
  it("eat-rfc9711-examples: 21 cases pass; only the two unpublished-key signatures are skipped", async () => {
    const results = await eatRfc9711ExamplesSuite.run(`${root}eat-rfc9711-examples`, { progress() {} });
    const failed = results.filter((r) => r.got !== "skipped" && r.got !== r.expected);
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(results.filter((r) => r.got !== "skipped")).toHaveLength(21);
    const skipped = results.filter((r) => r.got === "skipped");
    expect(skipped.map((s) => s.id).sort()).toEqual([
      "Example-Tokens/valid_cwt.diag#signature",
      "Example-Tokens/valid_deb.diag#signature",
    ]);
    for (const s of skipped) expect(s.reason).toBe("verification key not published");
    expect(results.find((r) => r.id === "Example-Tokens/deb.json")?.reason).toMatch(/HS256/);
  });

  it("ctoken: the pre-RFC claims-set is rejected as not RFC 9711", async () => {
    const results = await ctokenSuite.run(`${root}ctoken`, { progress() {} });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ expected: "invalid", got: "invalid", code: "ATTEST_CLAIM_INVALID" });
    expect(results[0]?.reason).toMatch(/pre-RFC/);
  });

  it("both suites are registered", async () => {
    expect((await loadSuite("eat-rfc9711-examples")).name).toBe("eat-rfc9711-examples");
    expect((await loadSuite("ctoken")).name).toBe("ctoken");
  });
});
