import { describe, expect, it } from "vitest";
import { loadSuite } from "../src/conformance/registry.js";
import type { CaseResult } from "../src/conformance/types.js";

// The four SUIT suites on the repo's copies of the upstream vectors (test-vectors/suit-*/README.md), loaded by
// name through the registry the CLI uses.
const root = new URL("../../../test-vectors/", import.meta.url).pathname;

async function run(name: string) {
  const suite = await loadSuite(name);
  const results = await suite.run(`${root}${name}`, { progress() {} });
  const failed = results.filter((r) => r.got !== "skipped" && r.got !== r.expected);
  return {
    results,
    failed: failed.map((f) => `${f.id} ${f.code ?? ""} ${f.reason ?? ""}`),
    falseAccepts: failed.filter((r) => r.got === "valid"),
    skipped: results.filter((r) => r.got === "skipped"),
  };
}

const valid = (rs: CaseResult[], re: RegExp) =>
  rs.filter((r) => re.test(r.id) && r.got === "valid" && r.expected === "valid");

describe("SUIT conformance suites on the pinned vectors", () => {
  it("suit-manifest-spec: 0 failed, 0 false accepts; every signed example verifies on both providers", async () => {
    const { results, failed, falseAccepts, skipped } = await run("suit-manifest-spec");
    expect(failed).toEqual([]);
    expect(falseAccepts).toEqual([]);
    expect(skipped).toEqual([]);
    expect(valid(results, /\.signed(-severed)?@/).length).toBe(14);
    for (const r of results.filter((x) => x.id.includes(".unsigned"))) expect(r.code).toBe("SUIT_AUTH_FAILED");
  });

  it("suit-libcsuit: 0 failed, 0 false accepts; 21 binaries verify, inline encrypted payloads decrypt", async () => {
    const { results, failed, falseAccepts, skipped } = await run("suit-libcsuit");
    expect(failed).toEqual([]);
    expect(falseAccepts).toEqual([]);
    expect(skipped).toEqual([]);
    expect(valid(results, /\.suit@/).length).toBe(42);
    expect(valid(results, /\.suit@/).filter((r) => /decrypted/.test(r.reason ?? "")).length).toBeGreaterThanOrEqual(8);
  });

  it("suit-trust-domains: 0 failed, 0 false accepts; the integrated dependency needs its own key", async () => {
    const { results, failed, falseAccepts } = await run("suit-trust-domains");
    expect(failed).toEqual([]);
    expect(falseAccepts).toEqual([]);
    expect(results.filter((r) => r.id.includes("wrong-key")).map((r) => r.code)).toEqual([
      "SUIT_AUTH_FAILED",
      "SUIT_AUTH_FAILED",
    ]);
  });

  it("suit-firmware-encryption: 0 failed, 0 false accepts; two signing keys; four payloads decrypt", async () => {
    const { results, failed, falseAccepts, skipped } = await run("suit-firmware-encryption");
    expect(failed).toEqual([]);
    expect(falseAccepts).toEqual([]);
    expect(skipped).toEqual([]);
    expect(valid(results, /^suit-encryption-info-[a-z-]+@/).length).toBe(8);
    expect(valid(results, /^suit-manifest-es-ecdh-dependency@/)[0]?.reason).toMatch(
      /dependencies #dependency-manifest/,
    );
  });
});
