import { describe, expect, it } from "vitest";
import { diceCaliptraSuite } from "../src/conformance/suites/dice-caliptra.js";
import { diceVeraisonSuite } from "../src/conformance/suites/dice-veraison.js";
import { openDiceKatSuite } from "../src/conformance/suites/open-dice-kat.js";
import type { CaseResult } from "../src/conformance/types.js";

// The DICE suites on the repo's pinned copies (test-vectors/{open-dice-kat,dice-veraison,dice-caliptra}/README.md),
// through the same modules `rotkit conformance` runs: no failure, no false accept, skips only for CSRs.
const root = new URL("../../../test-vectors/", import.meta.url).pathname;
const ctx = { progress() {} };

function tally(results: CaseResult[]) {
  const skipped = results.filter((r) => r.got === "skipped");
  const failed = results.filter((r) => r.got !== "skipped" && r.got !== r.expected);
  return { skipped, failed, falseAccepts: failed.filter((r) => r.got === "valid") };
}

describe("DICE conformance suites on the pinned vectors", () => {
  it("open-dice-kat: every Ed25519/P-256/P-384/ML-DSA cert verifies, the expected CDIs are reproduced", async () => {
    const results = await openDiceKatSuite.run(`${root}open-dice-kat`, ctx);
    const { skipped, failed } = tally(results);
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(skipped).toEqual([]);
    // 28 KAT certs (19 CBOR, 9 X.509; 14 of them ML-DSA-65/87) + 3 expected-CDI sets, each with both providers
    expect(results).toHaveLength(62);
    expect(results.filter((r) => r.got === "valid")).toHaveLength((28 + 3) * 2);
    const mlDsa = results.filter((r) => r.id.includes("mldsa"));
    expect(mlDsa).toHaveLength(14 * 2);
    for (const r of mlDsa) expect(r.got).toBe("valid");
  });

  it("dice-veraison: both 8-certificate chains verify; riot-ext is refused by the strict TcbInfo decoder only", async () => {
    const results = await diceVeraisonSuite.run(`${root}dice-veraison`, ctx);
    const { skipped, failed } = tally(results);
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(skipped).toEqual([]);
    expect(results).toHaveLength(8);
    expect(results.filter((r) => r.id.startsWith("riot-ext#strict"))[0]?.code).toBe("X509_MALFORMED");
  });

  it("dice-caliptra: certs parse, redacted signatures fail, LDevID→FMC alias fails name chaining", async () => {
    const results = await diceCaliptraSuite.run(`${root}dice-caliptra`, ctx);
    const { skipped, failed, falseAccepts } = tally(results);
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(falseAccepts).toEqual([]);
    for (const s of skipped) expect(s.reason).toMatch(/^CSR/);
    const naming = results.filter((r) => r.id.includes("#name-chaining@"));
    expect(naming.map((r) => r.code)).toEqual(["X509_NAME_CHAINING", "X509_NAME_CHAINING"]);
    const redacted = results.filter((r) => r.id.includes("#signature@"));
    expect(redacted.length).toBeGreaterThan(0);
    for (const r of redacted) expect(r.code).toBe("X509_BAD_SIGNATURE");
  });
});
