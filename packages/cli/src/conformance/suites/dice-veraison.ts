import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { verifyDiceCborChain, verifyDiceX509Chain } from "@rotkit/attestation/server";
import { type CryptoProvider, RotkitError } from "@rotkit/core";
import { decodeDiceTcbInfo, decodeTcbInfoOrRiot } from "@rotkit/x509";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import type { Outcome } from "./case-outcome.js";
import { readCaseJson, requireFolder } from "./files.js";
import { outcomeOf, runDiceCases } from "./open-dice-kat.js";

// veraison/dice test data in the layout of test-vectors/dice-veraison (index.json): the two 8-certificate Open-DICE
// Ed25519 chains (CBOR and X.509, self-signed UDS certificate first) must verify with per-layer measurements (7 CDI
// layers in mode "normal"); riot-ext.der, the legacy RIoT CompositeDeviceID under the TcbInfo OID, must be refused by
// the strict DiceTcbInfo decoder and read by the legacy one. Both providers run each case.

interface VeraisonCase {
  id: string;
  primary: string;
  files: Record<string, string>;
  expect: string;
}

function checkLayers(layers: readonly { modeName?: string; codeHash?: Uint8Array }[], what: string): void {
  const cdi = layers.slice(1);
  if (layers.length !== 8 || cdi.some((l) => l.modeName !== "normal" || l.codeHash?.length !== 64)) {
    throw new RotkitError("ATTEST_CLAIM_INVALID", `${what}: expected 8 layers, the 7 CDI layers in mode normal`);
  }
}

export const diceVeraisonSuite: Suite = {
  name: "dice-veraison",
  description: "veraison/dice Open-DICE chains (CBOR and X.509, 8 certificates) and the legacy RIoT extension",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    requireFolder("dice-veraison", path);
    const index = readCaseJson("dice-veraison", path, "index.json") as { cases?: VeraisonCase[] };
    if (!Array.isArray(index.cases)) {
      throw new RotkitError("CONFORMANCE_BAD_INPUT", "dice-veraison: index.json has no cases");
    }
    const cases: { id: string; expected: Verdict; run: (p: CryptoProvider) => Promise<Outcome> }[] = [];
    for (const c of index.cases) {
      // files: the UDS certificate, then chain_0 … chain_6 (index.json lists them in layer order).
      const files = Object.keys(c.files).map((f) => join(path, f));
      const missing = files.some((f) => !existsSync(f));
      const read = () => files.map((f) => new Uint8Array(readFileSync(f)));
      if (c.id === "riot-ext") {
        cases.push({
          id: "riot-ext#strict-DiceTcbInfo",
          expected: "invalid",
          run: async () =>
            missing
              ? { skipped: "file not present" }
              : outcomeOf(async () => decodeDiceTcbInfo(read()[0] as Uint8Array)),
        });
        cases.push({
          id: "riot-ext#legacy-RIoT",
          expected: "valid",
          run: async () =>
            missing
              ? { skipped: "file not present" }
              : outcomeOf(async () => {
                  const r = decodeTcbInfoOrRiot(read()[0] as Uint8Array);
                  if (!("riot" in r) || !r.riot)
                    throw new RotkitError("X509_MALFORMED", "not read as a RIoT CompositeDeviceID");
                }),
        });
        continue;
      }
      const cbor = c.id.startsWith("CBOR");
      cases.push({
        id: c.id,
        expected: c.expect === "chain validates" ? "valid" : "invalid",
        run: async (provider) => {
          if (missing) return { skipped: "file not present" };
          return outcomeOf(async () => {
            const certs = read();
            const { layers } = cbor
              ? await verifyDiceCborChain({ certs, provider })
              : await verifyDiceX509Chain({ certs, provider });
            checkLayers(layers, c.id);
          });
        },
      });
    }
    return runDiceCases(cases, ctx);
  },
};
