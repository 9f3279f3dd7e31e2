import { describe, expect, it } from "vitest";
import { loadSuite } from "../src/conformance/registry.js";

// The SUIT suites' processing step (processSuitEnvelope on a simulated device) on the repo's copies of the upstream
// vectors: every case the suite processes completes, and the expected number of envelopes is processed.
const root = new URL("../../../test-vectors/", import.meta.url).pathname;

async function processed(name: string) {
  const suite = await loadSuite(name);
  const results = await suite.run(`${root}${name}`, { progress() {} });
  const failed = results.filter((r) => r.got !== "skipped" && r.got !== r.expected).map((r) => `${r.id} ${r.reason}`);
  const done = results.filter((r) => r.got === "valid" && /processed (update|invoke)/.test(r.reason ?? ""));
  return { failed, done: done.map((r) => r.id) };
}

describe("SUIT suites process their envelopes on a simulated device", () => {
  it("suit-manifest-spec: the 7 signed envelopes of App. B, on both providers", async () => {
    const { failed, done } = await processed("suit-manifest-spec");
    expect(failed).toEqual([]);
    expect(done.length).toBe(14);
  });

  it("suit-trust-domains: the dependency and both dependents", async () => {
    const { failed, done } = await processed("suit-trust-domains");
    expect(failed).toEqual([]);
    expect(done.length).toBe(6);
  });

  it("suit-firmware-encryption: the 5 envelopes decrypt into a component", async () => {
    const { failed, done } = await processed("suit-firmware-encryption");
    expect(failed).toEqual([]);
    expect(done.length).toBe(10);
  });

  it("suit-libcsuit: the 8 binaries whose payloads the folder holds", async () => {
    const { failed, done } = await processed("suit-libcsuit");
    expect(failed).toEqual([]);
    expect(done.length).toBe(16);
  });
});
