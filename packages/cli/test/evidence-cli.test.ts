// `rotkit evidence verify --format tpm-quote` on the real GCP Shielded VM quote and on a quote made by swtpm
// (skipped with a message when swtpm / tpm2-tools are not installed).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { main } from "@rotkit/cli";
import { fromBase64 } from "@rotkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The swtpm harness is shared with @rotkit/attestation's quote interop test.
import { installed, type Swtpm, startSwtpm } from "../../attestation/test/helpers/swtpm.js";

function capture() {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

async function run(args: string[]) {
  const out = capture();
  const err = capture();
  const status = await main(args, { out: out.stream, err: err.stream });
  return { status, out: out.text(), err: err.text() };
}

const dir = mkdtempSync(join(tmpdir(), "rotkit-evidence-cli-"));
const f = (n: string) => join(dir, n);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rotkit evidence verify --format tpm-quote: GCP Shielded VM vector", () => {
  const vec = new URL("../../../test-vectors/tpm-go-attestation/attest/windows_gcp_shielded_vm.json", import.meta.url);
  const gcp = JSON.parse(readFileSync(vec, "utf8"));
  writeFileSync(f("gcp-q.bin"), fromBase64(gcp.Quote.Quote));
  writeFileSync(f("gcp-s.bin"), fromBase64(gcp.Quote.Signature));
  writeFileSync(f("gcp-ak.tpmt"), fromBase64(gcp.AK.Public));
  writeFileSync(f("gcp-log.bin"), fromBase64(gcp.Log.Raw));
  const pcrs = new Uint8Array(24 * 20);
  for (const p of gcp.Log.PCRs as { Index: number; Digest: string }[]) pcrs.set(fromBase64(p.Digest), p.Index * 20);
  writeFileSync(f("gcp-pcrs.bin"), pcrs);
  const args = ["evidence", "verify", "--format", "tpm-quote", "--quote", f("gcp-q.bin"), "--sig", f("gcp-s.bin")];

  it("verifies with PCRs and event log, printing the result as JSON", async () => {
    const r = await run([
      ...args,
      "--ak",
      f("gcp-ak.tpmt"),
      "--nonce",
      "",
      "--pcrs",
      f("gcp-pcrs.bin"),
      "--eventlog",
      f("gcp-log.bin"),
    ]);
    expect(r.err).toBe("");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ verified: true, pcrsChecked: true, extraData: "", pcrSelection: [{ bank: "sha1" }] });
    expect(Object.keys(j.replayed.sha1)).toContain("7");
  });

  it("refuses a wrong nonce with exit 1 and the code; usage errors exit 2", async () => {
    const r = await run([...args, "--ak", f("gcp-ak.tpmt"), "--nonce", "00"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ verified: false, code: "TPM_NONCE_MISMATCH" });
    expect((await run([...args, "--ak", f("gcp-ak.tpmt")])).status).toBe(2);
    expect((await run([...args, "--ak", f("nope"), "--nonce", ""])).status).toBe(2);
    expect((await run(["evidence", "verify", "--format", "nope"])).status).toBe(2);
    expect((await run(["evidence"])).status).toBe(2);
  });
});

const haveTools = installed("swtpm") && installed("tpm2_quote");
if (!haveTools) console.warn("evidence-cli swtpm cases skipped: swtpm / tpm2-tools not installed");

describe.skipIf(!haveTools)("rotkit evidence verify --format tpm-quote: a swtpm quote", () => {
  let swtpm: Swtpm | undefined;
  const nonce = "a1b2c3d4e5f60718";
  beforeAll(async () => {
    swtpm = await startSwtpm(mkdtempSync(join(dir, "state-")), dir);
    const tpm2 = (swtpm as Swtpm).tpm2;
    const attrs = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign|restricted|noda";
    tpm2(
      "tpm2_createprimary",
      "-C",
      "e",
      "-G",
      "rsa2048:rsassa-sha256:null",
      "-g",
      "sha256",
      "-a",
      attrs,
      "-c",
      f("ak.ctx"),
    );
    tpm2("tpm2_evictcontrol", "-C", "o", "-c", f("ak.ctx"), "0x81010002");
    tpm2("tpm2_flushcontext", "-t");
    tpm2("tpm2_readpublic", "-c", "0x81010002", "-f", "pem", "-o", f("ak.pem"));
    tpm2("tpm2_pcrextend", `16:sha256=${"11".repeat(32)}`);
    tpm2("tpm2_pcrread", "sha256:0,16", "-o", f("pcrs.bin"));
    tpm2(
      "tpm2_quote",
      "-c",
      "0x81010002",
      "-l",
      "sha256:0,16",
      "-q",
      nonce,
      "-m",
      f("q.bin"),
      "-s",
      f("s.bin"),
      "-g",
      "sha256",
    );
  }, 60_000);
  afterAll(() => swtpm?.stop());

  const base = () => [
    "evidence",
    "verify",
    "--format",
    "tpm-quote",
    "--quote",
    f("q.bin"),
    "--sig",
    f("s.bin"),
    "--ak",
    f("ak.pem"),
  ];

  it("verifies (exit 0) and refuses a wrong PCR file (exit 1, TPM_PCR_MISMATCH)", async () => {
    const ok = await run([...base(), "--nonce", nonce, "--pcrs", f("pcrs.bin")]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ verified: true, extraData: nonce, pcrsChecked: true });
    const bad = new Uint8Array(readFileSync(f("pcrs.bin")));
    bad[40] = (bad[40] as number) ^ 1;
    writeFileSync(f("bad-pcrs.bin"), bad);
    const r = await run([...base(), "--nonce", nonce, "--pcrs", f("bad-pcrs.bin")]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.out).code).toBe("TPM_PCR_MISMATCH");
  });
});
