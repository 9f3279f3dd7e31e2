import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEventLog, replayEventLog, type TpmPcrValues, verifyTpmQuote } from "@rotkit/attestation";
import { type CryptoProvider, fromBase64, nobleProvider, webCryptoProvider } from "@rotkit/core";
import type { CaseResult, Suite, SuiteContext } from "../types.js";
import { CaseInputError, caseResult, type Json, obj, outcomeOfError } from "./case-outcome.js";
import { requireFolder } from "./files.js";
import { folderCertificates, judgeOutcome, platformCertCases } from "./tpm-platform-cert.js";

// google/go-attestation test data (test-vectors/tpm-go-attestation/README.md), found by layout so held-out cases in
// the same form run too:
// - attest/*.json quote bundles: Quote (TPMS_ATTEST) + Signature verify with AK.Public and Quote.Nonce, the quote's
//   pcrDigest matches Log.PCRs, and Log.Raw replays to those PCRs. Each bundle also yields two derived negatives
//   (one flipped quote byte, a wrong nonce) that must be refused. Both crypto providers run every quote case.
// - attest/*eventlog*: raw TCG PC Client logs: parse and replay.
// - attributecert/*.cer with a .cer.json: TCG Platform Certificates (tpm-platform-cert.ts): parsed and decoded, the
//   fields go-attestation's JSON lists compared; signatures checked where the issuer certificate is in the folder
//   (the 2017 SHA-1 ones under the legacy-only `allowSha1`, each with a tampered copy that must be refused).

// Go's crypto.Hash numbering, which go-attestation's JSON uses for Log.PCRs[].DigestAlg.
const GO_HASH: Record<number, keyof TpmPcrValues> = { 3: "sha1", 5: "sha256", 6: "sha384", 7: "sha512" };

function b64(v: unknown, what: string): Uint8Array {
  if (typeof v !== "string") throw new CaseInputError(`${what} is not a base64 string`);
  return fromBase64(v);
}

function bundleInputs(json: Json) {
  const st = json.Static === undefined ? {} : obj(json.Static, "Static");
  if (st.TPMVersion !== undefined && st.TPMVersion !== 2) return { skip: `TPM version ${String(st.TPMVersion)}` };
  const ak = obj(json.AK, "AK");
  const quote = obj(json.Quote, "Quote");
  const log = json.Log === undefined ? undefined : obj(json.Log, "Log");
  const pcrs: TpmPcrValues = {};
  for (const p of (log?.PCRs ?? []) as Json[]) {
    const bank = GO_HASH[Number(p.DigestAlg)];
    if (bank === undefined) throw new CaseInputError(`PCR DigestAlg ${String(p.DigestAlg)}`);
    const m = pcrs[bank] ?? new Map<number, Uint8Array>();
    pcrs[bank] = m;
    m.set(Number(p.Index), b64(p.Digest, "PCR Digest"));
  }
  return {
    quote: b64(quote.Quote, "Quote.Quote"),
    signature: b64(quote.Signature, "Quote.Signature"),
    akPublic: b64(ak.Public, "AK.Public"),
    nonce: quote.Nonce === undefined || quote.Nonce === null ? new Uint8Array(0) : b64(quote.Nonce, "Quote.Nonce"),
    pcrs: Object.keys(pcrs).length > 0 ? pcrs : undefined,
    eventLog: log?.Raw === undefined ? undefined : b64(log.Raw, "Log.Raw"),
  };
}

async function quoteCases(root: string, file: string, providers: CryptoProvider[]): Promise<CaseResult[]> {
  const id = `attest/${file}`;
  let json: Json;
  try {
    json = obj(JSON.parse(readFileSync(join(root, "attest", file), "utf8")), file);
  } catch (e) {
    return [caseResult(id, "valid", { skipped: `not a quote bundle: ${String(e)}` })];
  }
  let inputs: ReturnType<typeof bundleInputs>;
  try {
    inputs = bundleInputs(json);
  } catch (e) {
    return [caseResult(id, "valid", outcomeOfError(e))];
  }
  if ("skip" in inputs) return [caseResult(id, "valid", { skipped: `${inputs.skip} is not supported` })];
  const { quote, signature, akPublic, nonce, pcrs, eventLog } = inputs;
  const out: CaseResult[] = [];
  for (const provider of providers) {
    const at = `@${provider.name}`;
    const base = { quote, signature, akPublic, nonce, provider };
    out.push(
      caseResult(
        `${id}${at}`,
        "valid",
        await judgeOutcome(async () => {
          const r = await verifyTpmQuote({ ...base, ...(pcrs ? { pcrs } : {}), ...(eventLog ? { eventLog } : {}) });
          const replayed = r.replayed ? [...r.replayed.values()].reduce((n, m) => n + m.size, 0) : 0;
          return { got: "valid", reason: `pcrs checked: ${r.pcrsChecked}; ${replayed} PCRs replayed from the log` };
        }),
      ),
    );
    const tampered = quote.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
    out.push(
      caseResult(
        `${id}#flipped-quote-byte${at}`,
        "invalid",
        await judgeOutcome(async () => {
          await verifyTpmQuote({ ...base, quote: tampered });
          return { got: "valid" };
        }),
      ),
    );
    const wrongNonce = Uint8Array.of(...nonce, 0x42);
    out.push(
      caseResult(
        `${id}#wrong-nonce${at}`,
        "invalid",
        await judgeOutcome(async () => {
          await verifyTpmQuote({ ...base, nonce: wrongNonce });
          return { got: "valid" };
        }),
      ),
    );
  }
  return out;
}

async function eventLogCase(root: string, file: string, provider: CryptoProvider): Promise<CaseResult> {
  return caseResult(
    `attest/${file}`,
    "valid",
    await judgeOutcome(async () => {
      const log = parseEventLog(new Uint8Array(readFileSync(join(root, "attest", file))));
      const replayed = await replayEventLog(log, provider);
      const banks = [...replayed].map(([b, m]) => `${b}:${m.size}`).join(" ");
      return { got: "valid", reason: `${log.format} log, ${log.events.length} events; replayed PCRs ${banks}` };
    }),
  );
}

function list(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** The go-attestation TPM suite. */
export const tpmGoAttestationSuite: Suite = {
  name: "tpm-go-attestation",
  description: "google/go-attestation TPM 2.0 quote bundles, TCG event logs and platform certificates",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    requireFolder("tpm-go-attestation", path);
    const attest = list(join(path, "attest"));
    const bundles = attest.filter((f) => f.endsWith(".json"));
    const logs = attest.filter((f) => f.includes("eventlog") && !f.endsWith(".json"));
    const certsDir = join(path, "attributecert");
    const certFiles = list(certsDir);
    const certs = certFiles.filter((f) => f.endsWith(".cer") && existsSync(join(certsDir, `${f}.json`)));
    const issuers = folderCertificates(certsDir, certFiles);
    const total = bundles.length + logs.length + certs.length;
    const providers = [nobleProvider(), webCryptoProvider()];
    const results: CaseResult[] = [];
    let done = 0;
    for (const b of bundles) {
      results.push(...(await quoteCases(path, b, providers)));
      ctx.progress(++done, total);
    }
    for (const l of logs) {
      results.push(await eventLogCase(path, l, providers[0] as CryptoProvider));
      ctx.progress(++done, total);
    }
    for (const c of certs) {
      results.push(...(await platformCertCases(certsDir, c, issuers, providers[0] as CryptoProvider)));
      ctx.progress(++done, total);
    }
    return results;
  },
};
