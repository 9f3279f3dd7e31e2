import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { verifyDiceX509Chain } from "@rotkit/attestation/server";
import { type CryptoProvider, RotkitError } from "@rotkit/core";
import {
  decodeCertificationRequestDiceExtensions,
  decodeDiceExtensions,
  diceChainMeasurements,
  parseCertificate,
  parseCertificationRequest,
  verifyCertificationRequest,
} from "@rotkit/x509";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import type { Outcome } from "./case-outcome.js";
import { readCaseJson, requireFolder } from "./files.js";
import { outcomeOf, runDiceCases } from "./open-dice-kat.js";

// chipsalliance/caliptra-sw smoke-test DICE certificates in the layout of test-vectors/dice-caliptra (index.json).
// Per index.json every certificate must parse (with its TCG DICE extensions decoded); "*_redacted.*" signatures are
// over redacted TBS and must NOT verify (checked against the issuing layer's certificate: LDevID → FMC alias → RT
// alias). CSRs (PKCS#10, RFC 2986) must parse with their requested TCG DICE extensions (Ueid, key purposes; the
// redacted FMC alias CSR's MultiTcbInfo value is redacted, so it is collected, not decoded), and their proof of
// possession (the signature under the request's own key) must verify, except the redacted one's. Extra case from the
// README: the ECC FMC alias certificate verifies under the LDevID key but its issuer DN says "Caliptra 2.0" where the
// LDevID subject says "Caliptra 2.1", so strict name chaining must fail with X509_NAME_CHAINING. Both providers run
// each case.

interface CaliptraCase {
  id: string;
  primary: string;
  kind: string;
  redacted?: boolean;
}

/** The certificate that issued each redacted one (the previous DICE layer). */
const ISSUER_OF: Record<string, string> = {
  "rom-latest/fmc_alias_cert_redacted.der": "ldevid_cert_ecc.der",
  "rt_alias_cert_redacted.der": "fmc_alias_cert_ecc.der",
};

type Case = { id: string; expected: Verdict; run: (p: CryptoProvider) => Promise<Outcome> };

/** A CSR must parse and ask for TCG DICE extensions; its signature verifies unless it is redacted. */
function csrCases(c: CaliptraCase, read: (f: string) => Uint8Array, present: (f: string) => boolean): Case[] {
  const redacted = c.redacted === true;
  const ifPresent = (fn: (p: CryptoProvider) => Promise<Outcome>) => async (p: CryptoProvider) =>
    present(c.primary) ? fn(p) : { skipped: "file not present" };
  return [
    {
      id: `${c.id}#parse`,
      expected: "valid",
      run: ifPresent(() =>
        outcomeOf(async () => {
          const dice = decodeCertificationRequestDiceExtensions(parseCertificationRequest(read(c.primary)), {
            lenient: redacted,
          });
          if (dice.ueid === undefined || dice.diceKeyPurposes.length === 0)
            throw new RotkitError("X509_MALFORMED", "CSR: no tcg-dice-Ueid or tcg-dice-kp key purpose requested");
        }),
      ),
    },
    {
      id: `${c.id}#proof-of-possession`,
      expected: redacted ? "invalid" : "valid",
      run: ifPresent((provider) => outcomeOf(() => verifyCertificationRequest(read(c.primary), { provider }))),
    },
  ];
}

export const diceCaliptraSuite: Suite = {
  name: "dice-caliptra",
  description:
    "Caliptra DICE certificates: TCG DICE extensions parse, redacted signatures fail, LDevID→FMC name chaining",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    requireFolder("dice-caliptra", path);
    const index = readCaseJson("dice-caliptra", path, "index.json") as { cases?: CaliptraCase[] };
    if (!Array.isArray(index.cases)) {
      throw new RotkitError("CONFORMANCE_BAD_INPUT", "dice-caliptra: index.json has no cases");
    }
    const read = (f: string) => new Uint8Array(readFileSync(join(path, f)));
    const present = (f: string) => existsSync(join(path, f));
    const cases: Case[] = [];
    for (const c of index.cases) {
      if (/CSR/i.test(c.kind)) {
        cases.push(...csrCases(c, read, present));
        continue;
      }
      cases.push({
        id: `${c.id}#parse`,
        expected: "valid",
        run: async () =>
          present(c.primary)
            ? outcomeOf(async () =>
                // redacted certificates have their extension values redacted too: collect, do not throw
                diceChainMeasurements([parseCertificate(read(c.primary))], { lenient: c.redacted === true }),
              )
            : { skipped: "file not present" },
      });
      const issuer = ISSUER_OF[c.primary];
      if (c.redacted && issuer) {
        cases.push({
          id: `${c.id}#signature`,
          expected: "invalid",
          run: async (provider) =>
            present(c.primary) && present(issuer)
              ? outcomeOf(() =>
                  verifyDiceX509Chain({
                    certs: [read(c.primary)],
                    trustAnchor: read(issuer),
                    provider,
                    requireNameChaining: false,
                    lenient: true,
                  }),
                )
              : { skipped: "file not present" },
        });
      }
    }
    cases.push({
      id: "ldevid_cert_ecc.der→fmc_alias_cert_ecc.der#name-chaining",
      expected: "invalid",
      run: async (provider) => {
        if (!present("ldevid_cert_ecc.der") || !present("fmc_alias_cert_ecc.der"))
          return { skipped: "file not present" };
        const out = await outcomeOf(() =>
          verifyDiceX509Chain({
            certs: [read("fmc_alias_cert_ecc.der")],
            trustAnchor: read("ldevid_cert_ecc.der"),
            provider,
          }),
        );
        // The one accepted rejection is the name mismatch itself (the signature does verify).
        if ("got" in out && out.got === "invalid" && out.code !== "X509_NAME_CHAINING") {
          return {
            got: "valid",
            code: out.code,
            reason: `expected X509_NAME_CHAINING, got ${out.code}: ${out.reason}`,
          };
        }
        return out;
      },
    });
    // The same link with name chaining relaxed: the key does link the layers.
    cases.push({
      id: "ldevid_cert_ecc.der→fmc_alias_cert_ecc.der#key-link",
      expected: "valid",
      run: async (provider) =>
        present("ldevid_cert_ecc.der") && present("fmc_alias_cert_ecc.der")
          ? outcomeOf(async () => {
              const { layers } = await verifyDiceX509Chain({
                certs: [read("fmc_alias_cert_ecc.der")],
                trustAnchor: read("ldevid_cert_ecc.der"),
                provider,
                requireNameChaining: false,
              });
              if (!layers[0]?.tcbInfo.length) throw new RotkitError("X509_MALFORMED", "FMC alias: no DiceTcbInfo");
              decodeDiceExtensions(parseCertificate(read("fmc_alias_cert_ecc.der")));
            })
          : { skipped: "file not present" },
    });
    return runDiceCases(cases, ctx);
  },
};
