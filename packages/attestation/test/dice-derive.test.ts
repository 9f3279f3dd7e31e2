import { isRotkitError, toHex } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { deriveOpenDiceCdis, type OpenDiceInputs } from "../src/index.js";
import { fakeInputValue, PROVIDERS, vectorJson } from "./dice-fixtures.js";

// Open-DICE "Computing CDI Values" against the KAT's expected next CDIs (test-vectors/open-dice-kat/expected_cdis.json).
// Inputs, per the KAT README: zero = everything zero; hash_only = code_hash / authority_hash / inline_config from
// the fake-input generator, mode 0; descriptor = the same with the configuration as a 40-byte descriptor.
const expected = vectorJson<Record<string, { cdi_attest_hex: string; cdi_seal_hex: string }>>(
  "open-dice-kat/expected_cdis.json",
);
const issuers = vectorJson<Record<string, { current_cdi_attest_hex: string }>>("open-dice-kat/issuers.json");

describe.each(PROVIDERS)("deriveOpenDiceCdis (%s)", (_name, provider) => {
  async function inputs(set: string): Promise<OpenDiceInputs> {
    if (set === "zero") {
      const z = new Uint8Array(32);
      return {
        currentCdiAttest: z,
        currentCdiSeal: z,
        codeHash: new Uint8Array(64),
        configuration: { inline: new Uint8Array(64) },
        authorityHash: new Uint8Array(64),
        mode: "notConfigured",
      };
    }
    return {
      currentCdiAttest: await fakeInputValue("cdi_attest", 32, provider),
      currentCdiSeal: await fakeInputValue("cdi_seal", 32, provider),
      codeHash: await fakeInputValue("code_hash", 64, provider),
      configuration:
        set === "hash_only"
          ? { inline: await fakeInputValue("inline_config", 64, provider) }
          : { descriptor: await fakeInputValue("config_desc", 40, provider) },
      authorityHash: await fakeInputValue("authority_hash", 64, provider),
      mode: 0,
    };
  }

  it("the fake-input generator reproduces the KAT's current CDI_Attest", async () => {
    const cdi = await fakeInputValue("cdi_attest", 32, provider);
    expect(toHex(cdi)).toBe(issuers.hash_only?.current_cdi_attest_hex);
  });

  it.each(["zero", "hash_only", "descriptor"])(
    "%s: next CDI_Attest and CDI_Seal match expected_cdis.json",
    async (set) => {
      const got = await deriveOpenDiceCdis(await inputs(set), provider);
      expect(toHex(got.cdiAttest)).toBe(expected[set]?.cdi_attest_hex);
      expect(toHex(got.cdiSeal)).toBe(expected[set]?.cdi_seal_hex);
    },
  );

  it("refuses wrong input sizes and modes with INVALID_ARGUMENT", async () => {
    const base = await inputs("zero");
    for (const bad of [
      { ...base, codeHash: new Uint8Array(32) },
      { ...base, currentCdiAttest: new Uint8Array(31) },
      { ...base, mode: 4 },
      { ...base, hidden: new Uint8Array(1) },
    ]) {
      await expect(deriveOpenDiceCdis(bad, provider)).rejects.toSatisfy((e) => isRotkitError(e, "INVALID_ARGUMENT"));
    }
  });
});
