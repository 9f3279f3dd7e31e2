import { describe, expect, it } from "vitest";
import { diceCaliptraSuite } from "../src/conformance/suites/dice-caliptra.js";

// The dice-caliptra suite's PKCS #10 cases on the pinned copy (test-vectors/dice-caliptra/README.md): every CSR parses
// with its TCG DICE extensions, the proof of possession verifies except for the redacted request, nothing is skipped.
const root = new URL("../../../test-vectors/dice-caliptra", import.meta.url).pathname;

describe("dice-caliptra suite: CSRs", () => {
  it("0 failed, 0 false accepts; the CSR cases pass with both providers", async () => {
    const results = await diceCaliptraSuite.run(root, { progress() {} });
    const failed = results.filter((r) => r.got !== "skipped" && r.got !== r.expected);
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    expect(failed.filter((r) => r.got === "valid")).toEqual([]);
    const csr = new Map(results.filter((r) => r.id.includes("_csr_")).map((r) => [r.id, r]));
    const ids = ["idevid_csr_ecc.der", "idevid_csr_mldsa.der", "fmc_alias_csr_redacted.der"];
    expect([...csr.keys()].sort()).toEqual(
      ids
        .flatMap((id) => ["parse", "proof-of-possession"].flatMap((k) => [`${id}#${k}@noble`, `${id}#${k}@webcrypto`]))
        .sort(),
    );
    for (const p of ["noble", "webcrypto"]) {
      for (const id of ids) expect(csr.get(`${id}#parse@${p}`)?.got).toBe("valid");
      expect(csr.get(`idevid_csr_ecc.der#proof-of-possession@${p}`)?.got).toBe("valid");
      expect(csr.get(`idevid_csr_mldsa.der#proof-of-possession@${p}`)?.got).toBe("valid");
      const redacted = csr.get(`fmc_alias_csr_redacted.der#proof-of-possession@${p}`);
      expect(redacted?.expected).toBe("invalid");
      expect(redacted?.code).toBe("X509_BAD_SIGNATURE");
    }
    expect(results.filter((r) => r.got === "skipped")).toEqual([]);
  });
});
