import { describe, expect, it } from "vitest";
import { listSuites, loadSuite } from "../src/conformance/registry.js";

// DESIGN.md names suites by short names (`suit`, `psa`, `eat`, `dice`, `tpm`, `mcuboot`, `cose-wg`): each loads the
// suite it stands for, and an unknown name is CONFORMANCE_BAD_SUITE.
describe("conformance suite names", () => {
  it.each([
    ["cose-wg", "cose-wg-examples"],
    ["mcuboot", "mcuboot-imgtool"],
    ["suit", "suit-manifest-spec"],
    ["psa", "psatoken-veraison"],
    ["eat", "eat-rfc9711-examples"],
    ["dice", "open-dice-kat"],
    ["tpm", "tpm-go-attestation"],
  ])("%s loads %s", async (alias, name) => {
    expect((await loadSuite(alias)).name).toBe(name);
    expect(listSuites().map((s) => s.name)).toContain(name);
  });

  it("an unknown name is CONFORMANCE_BAD_SUITE", async () => {
    await expect(loadSuite("no-such-suite")).rejects.toMatchObject({ code: "CONFORMANCE_BAD_SUITE" });
  });
});
