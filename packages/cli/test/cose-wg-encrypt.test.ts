import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { type CryptoProvider, nobleProvider, webCryptoProvider } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { runEncryptedCase } from "../src/conformance/suites/cose-wg-encrypt.js";

// The cose-wg/Examples encrypted (COSE_Encrypt0) and enveloped (COSE_Encrypt) cases, copied into
// test-vectors/cose-wg-examples/ (provenance in its README), run through the conformance glue with both providers.

const ROOT = join(__dirname, "../../../test-vectors/cose-wg-examples");

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (name.endsWith(".json")) out.push(p);
  }
  return out;
}

interface Case {
  id: string;
  json: { fail?: boolean; input: Record<string, unknown> };
}

const cases: Case[] = jsonFiles(ROOT)
  .map((p) => ({ id: p.slice(ROOT.length + 1), json: JSON.parse(readFileSync(p, "utf8")) }))
  .filter((c) => c.json.input?.encrypted !== undefined || c.json.input?.enveloped !== undefined);

const providers: [string, () => CryptoProvider][] = [
  ["noble", nobleProvider],
  ["webcrypto", () => webCryptoProvider()],
];

describe.each(providers)("cose-wg encrypted/enveloped cases (%s)", (_name, make) => {
  it("has the cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(119);
  });

  it("decrypts every positive case to the plaintext and rejects every negative one", async () => {
    const provider = make();
    const failures: string[] = [];
    const skipped: string[] = [];
    for (const c of cases) {
      const r = await runEncryptedCase(c.json, provider);
      if ("skipped" in r) {
        skipped.push(`${c.id}: ${r.skipped}`);
        continue;
      }
      const expected = c.json.fail === true ? "invalid" : "valid";
      if (r.got !== expected) failures.push(`${c.id}: expected ${expected}, got ${r.got} ${r.code ?? ""}`);
    }
    expect(failures).toEqual([]);
    expect(skipped).toEqual([]);
  });
});
