import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  deriveOpenDiceCdis,
  deriveOpenDiceKeySeed,
  type OpenDiceInputs,
  verifyDiceCborChain,
  verifyDiceX509Chain,
} from "@rotkit/attestation/server";
import {
  type CryptoProvider,
  fromHex,
  type MlDsaAlg,
  nobleProvider,
  type PublicKey,
  RotkitError,
  softwareKeyHandle,
  toHex,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import { caseResult, type Outcome, outcomeOfError } from "./case-outcome.js";
import { readCaseJson, requireFolder } from "./files.js";

// google/open-dice known-answer certificates, in the layout of test-vectors/open-dice-kat (index.json, issuers.json,
// expected_cdis.json, cbor_* / x509_* files): every Ed25519 / P-256 / P-384 / ML-DSA-65 / ML-DSA-87 certificate must
// verify under the authority key of its input set (CBOR through verifyDiceCborChain, IDs included; X.509 through the
// server-side verifyDiceX509Chain). issuers.json gives the Ed25519 / ECDSA authority keys; the ML-DSA ones are derived
// here from the set's current CDI_Attest as the Open-DICE spec says ("Cryptography": the private key seed is
// KDF(32, CDI_Attest, ASYM_SALT, "Key Pair"); ML-DSA keys come from ML-DSA.KeyGen_internal on that seed, FIPS 204
// §6.1). The three expected_cdis.json entries are recomputed with deriveOpenDiceCdis from the KAT inputs (README:
// DeriveFakeInputValue). Both providers run each case.

/** The two providers every DICE suite runs a case with. */
export const DICE_PROVIDERS: [string, CryptoProvider][] = [
  ["noble", nobleProvider()],
  ["webcrypto", webCryptoProvider()],
];

/** A case's outcome from a judge that resolves to "valid" or throws. */
export async function outcomeOf(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    await fn();
    return { got: "valid" };
  } catch (e) {
    return outcomeOfError(e);
  }
}

/** Runs each case with both providers, reporting progress. */
export async function runDiceCases(
  cases: readonly { id: string; expected: Verdict; run: (provider: CryptoProvider) => Promise<Outcome> }[],
  ctx: SuiteContext,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const total = cases.length * DICE_PROVIDERS.length;
  for (const c of cases) {
    for (const [name, provider] of DICE_PROVIDERS) {
      results.push(caseResult(`${c.id}@${name}`, c.expected, await c.run(provider)));
      ctx.progress(results.length, total);
    }
  }
  return results;
}

interface KatCase {
  id: string;
  primary: string;
  alg: string;
  input_set: string;
  expect: string;
}

type Issuers = Record<string, Record<string, string>>;

const ML_DSA_OF: Record<string, MlDsaAlg> = { mldsa44: "ML-DSA-44", mldsa65: "ML-DSA-65", mldsa87: "ML-DSA-87" };

/** The ML-DSA authority key of an input set: KeyGen_internal(KDF(32, CDI_Attest, ASYM_SALT, "Key Pair")). */
async function mlDsaIssuerKey(cdiAttest: Uint8Array, alg: MlDsaAlg, provider: CryptoProvider): Promise<PublicKey> {
  return softwareKeyHandle(alg, await deriveOpenDiceKeySeed(cdiAttest, provider)).publicKey;
}

async function issuerKey(issuers: Issuers, set: string, alg: string, provider: CryptoProvider): Promise<PublicKey> {
  const e = issuers[set];
  if (!e) throw new RotkitError("CONFORMANCE_BAD_INPUT", `open-dice-kat: issuers.json has no input set ${set}`);
  const mlDsa = ML_DSA_OF[alg];
  if (mlDsa) return mlDsaIssuerKey(fromHex(String(e.current_cdi_attest_hex)), mlDsa, provider);
  if (alg === "ed25519") return { kty: "OKP", crv: "Ed25519", x: fromHex(String(e.issuer_ed25519_public_key_hex)) };
  const point = fromHex(String(e[`issuer_${alg}_public_key_uncompressed_hex`]));
  const n = (point.length - 1) / 2;
  return { kty: "EC", crv: alg === "p256" ? "P-256" : "P-384", x: point.slice(1, 1 + n), y: point.slice(1 + n) };
}

/** The KAT input generator (open-dice-kat README): SHA-512 chain over a counter-bumped buffer. */
async function fakeInput(seed: string, length: number, provider: CryptoProvider): Promise<Uint8Array> {
  const buffer = await provider.digest("SHA-512", utf8Encode(seed));
  const view = new DataView(buffer.buffer, buffer.byteOffset, 8);
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 64) {
    const block = await provider.digest("SHA-512", buffer);
    out.set(block.subarray(0, Math.min(64, length - at)), at);
    view.setBigUint64(0, (view.getBigUint64(0, true) + 1n) & 0xffffffffffffffffn, true);
  }
  return out;
}

async function katInputs(set: string, provider: CryptoProvider): Promise<OpenDiceInputs> {
  if (set === "zero") {
    return {
      currentCdiAttest: new Uint8Array(32),
      currentCdiSeal: new Uint8Array(32),
      codeHash: new Uint8Array(64),
      configuration: { inline: new Uint8Array(64) },
      authorityHash: new Uint8Array(64),
      mode: 0,
    };
  }
  return {
    currentCdiAttest: await fakeInput("cdi_attest", 32, provider),
    currentCdiSeal: await fakeInput("cdi_seal", 32, provider),
    codeHash: await fakeInput("code_hash", 64, provider),
    configuration:
      set === "descriptor"
        ? { descriptor: await fakeInput("config_desc", 40, provider) }
        : { inline: await fakeInput("inline_config", 64, provider) },
    authorityHash: await fakeInput("authority_hash", 64, provider),
    mode: 0,
  };
}

export const openDiceKatSuite: Suite = {
  name: "open-dice-kat",
  description: "google/open-dice known-answer CBOR and X.509 CDI certificates (issuer keys, IDs) and expected CDIs",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    requireFolder("open-dice-kat", path);
    const index = readCaseJson("open-dice-kat", path, "index.json") as { cases?: KatCase[] };
    const issuers = readCaseJson("open-dice-kat", path, "issuers.json") as Issuers;
    if (!Array.isArray(index.cases))
      throw new RotkitError("CONFORMANCE_BAD_INPUT", "open-dice-kat: index.json has no cases");
    const cases: { id: string; expected: Verdict; run: (p: CryptoProvider) => Promise<Outcome> }[] = [];
    for (const c of index.cases) {
      const file = join(path, c.primary);
      const expected: Verdict = c.expect === "valid" ? "valid" : "invalid";
      const alg = String(c.alg).toLowerCase();
      const present = existsSync(file);
      cases.push({
        id: c.id,
        expected,
        run: async (provider) => {
          if (!present) return { skipped: "file not present (held out)" };
          const bytes = new Uint8Array(readFileSync(file));
          return outcomeOf(async () => {
            const key = await issuerKey(issuers, c.input_set, alg, provider);
            if (c.id.startsWith("cbor_")) await verifyDiceCborChain({ certs: [bytes], rootKey: key, provider });
            else await verifyDiceX509Chain({ certs: [bytes], trustAnchor: key, provider });
          });
        },
      });
    }
    if (existsSync(join(path, "expected_cdis.json"))) {
      const cdis = readCaseJson("open-dice-kat", path, "expected_cdis.json") as Record<string, Record<string, string>>;
      for (const [set, want] of Object.entries(cdis)) {
        cases.push({
          id: `expected_cdis.json#${set}`,
          expected: "valid",
          run: (provider) =>
            outcomeOf(async () => {
              const got = await deriveOpenDiceCdis(await katInputs(set, provider), provider);
              if (toHex(got.cdiAttest) !== want.cdi_attest_hex || toHex(got.cdiSeal) !== want.cdi_seal_hex) {
                throw new RotkitError("ATTEST_DIGEST_MISMATCH", `derived CDIs differ from expected_cdis.json (${set})`);
              }
            }),
        });
      }
    }
    return runDiceCases(cases, ctx);
  },
};
