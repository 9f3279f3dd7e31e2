// Interop with a real software TPM (swtpm, libtpms) driven by tpm2-tools: the TPM makes an attestation key, extends
// a PCR, quotes with a nonce; rotkit verifies the quote, and refuses a tampered quote, a wrong nonce, a wrong PCR
// value, and a TPM2_Sign of attacker-chosen TPMS_ATTEST-shaped bytes (no TPM_GENERATED_VALUE magic).
// Skips (with a message) only when swtpm or tpm2-tools are not installed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromHex, nobleProvider, RotkitError, webCryptoProvider } from "@rotkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTpmPcrValues, parseTpmPublic, parseTpmsAttestQuote, verifyTpmQuote } from "../src/index.js";
import { installed, type Swtpm, startSwtpm } from "./helpers/swtpm.js";

const haveTools = installed("swtpm") && installed("tpm2_quote") && installed("tpm2_sign");
if (!haveTools)
  console.warn("tpm-swtpm.test.ts skipped: swtpm / tpm2-tools not installed (apt-get install swtpm tpm2-tools)");

const NONCE = "5eed0123456789abcdef0011223344556677";
const AK = "0x81010002"; // restricted RSA-2048 RSASSA-SHA256 signing key (an AK)
const SK = "0x81010003"; // unrestricted ECC P-256 ECDSA-SHA256 signing key

describe.skipIf(!haveTools)("swtpm + tpm2-tools interop", () => {
  let dir = "";
  let swtpm: Swtpm | undefined;
  const f = (name: string) => join(dir, name);
  const read = (name: string) => new Uint8Array(readFileSync(f(name)));
  const tpm2 = (tool: string, ...args: string[]) => (swtpm as Swtpm).tpm2(tool, ...args);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rotkit-swtpm-"));
    swtpm = await startSwtpm(dir, dir);
    // No resource manager: make the keys, persist them, and flush transient objects after each step.
    const attrs = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign|noda";
    tpm2(
      "tpm2_createprimary",
      "-C",
      "e",
      "-G",
      "rsa2048:rsassa-sha256:null",
      "-g",
      "sha256",
      "-a",
      `${attrs}|restricted`,
      "-c",
      f("ak.ctx"),
    );
    tpm2("tpm2_evictcontrol", "-C", "o", "-c", f("ak.ctx"), AK);
    tpm2("tpm2_flushcontext", "-t");
    tpm2("tpm2_createprimary", "-C", "o", "-G", "ecc256:ecdsa-sha256", "-g", "sha256", "-a", attrs, "-c", f("sk.ctx"));
    tpm2("tpm2_evictcontrol", "-C", "o", "-c", f("sk.ctx"), SK);
    tpm2("tpm2_flushcontext", "-t");
    tpm2("tpm2_readpublic", "-c", AK, "-f", "tpmt", "-o", f("ak.tpmt"));
    tpm2("tpm2_readpublic", "-c", AK, "-f", "tss", "-o", f("ak.tss"));
    tpm2("tpm2_readpublic", "-c", AK, "-f", "der", "-o", f("ak.der"));
    tpm2("tpm2_readpublic", "-c", AK, "-f", "pem", "-o", f("ak.pem"));
    tpm2("tpm2_readpublic", "-c", SK, "-f", "tss", "-o", f("sk.tss"));
    tpm2("tpm2_pcrextend", `16:sha256=${"ab".repeat(32)},sha1=${"cd".repeat(20)}`);
    tpm2("tpm2_pcrread", "sha256:0,7,16", "-o", f("pcrs.bin"));
    tpm2(
      "tpm2_quote",
      "-c",
      AK,
      "-l",
      "sha256:0,7,16",
      "-q",
      NONCE,
      "-m",
      f("q.bin"),
      "-s",
      f("s.bin"),
      "-o",
      f("qpcrs.bin"),
      "-F",
      "values",
      "-g",
      "sha256",
    );
    tpm2(
      "tpm2_quote",
      "-c",
      SK,
      "-l",
      "sha1:16+sha256:0,16",
      "-q",
      NONCE,
      "-m",
      f("eq.bin"),
      "-s",
      f("es.bin"),
      "-o",
      f("eqpcrs.bin"),
      "-F",
      "values",
      "-g",
      "sha256",
    );
  }, 60_000);

  afterAll(() => {
    swtpm?.stop();
    if (process.env.ROTKIT_KEEP_SWTPM === undefined && dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return "ok";
    } catch (e) {
      if (e instanceof RotkitError) return e.code;
      throw e;
    }
  };

  it("verifies the RSA AK quote with the AK as TPMT_PUBLIC, TPM2B_PUBLIC, SPKI DER and PEM, with both providers", async () => {
    const quote = read("q.bin");
    const q = parseTpmsAttestQuote(quote);
    expect(q.pcrSelection).toEqual([{ hashAlg: 0x000b, bank: "sha256", pcrs: [0, 7, 16] }]);
    const pcrs = parseTpmPcrValues(read("pcrs.bin"), q.pcrSelection);
    expect(parseTpmPcrValues(read("qpcrs.bin"), q.pcrSelection)).toEqual(pcrs);
    expect(parseTpmPublic(read("ak.tpmt")).restricted).toBe(true);
    for (const provider of [nobleProvider(), webCryptoProvider()]) {
      for (const ak of ["ak.tpmt", "ak.tss", "ak.der", "ak.pem"]) {
        const r = await verifyTpmQuote({
          quote,
          signature: read("s.bin"),
          akPublic: read(ak),
          nonce: fromHex(NONCE),
          pcrs,
          provider,
        });
        expect(r.pcrsChecked).toBe(true);
        expect(r.extraData).toEqual(fromHex(NONCE));
        expect(r.akRestricted).toBe(ak === "ak.der" || ak === "ak.pem" ? undefined : true);
      }
    }
  });

  it("verifies the ECDSA P-256 quote over two banks (sha1 + sha256)", async () => {
    const quote = read("eq.bin");
    const q = parseTpmsAttestQuote(quote);
    const pcrs = parseTpmPcrValues(read("eqpcrs.bin"), q.pcrSelection);
    const r = await verifyTpmQuote({
      quote,
      signature: read("es.bin"),
      akPublic: read("sk.tss"),
      nonce: fromHex(NONCE),
      pcrs,
      provider: nobleProvider(),
    });
    expect(r.pcrSelection.map((s) => s.bank)).toEqual(["sha1", "sha256"]);
  });

  it("refuses a tampered quote, a wrong nonce and a wrong PCR value, each with its code", async () => {
    const quote = read("q.bin");
    const base = {
      signature: read("s.bin"),
      akPublic: read("ak.tpmt"),
      nonce: fromHex(NONCE),
      provider: nobleProvider(),
    };
    const pcrs = parseTpmPcrValues(read("pcrs.bin"), parseTpmsAttestQuote(quote).pcrSelection);
    const tampered = quote.slice();
    const clockAt = 6 + 2 + 34 + 2 + NONCE.length / 2; // inside clockInfo.clock
    tampered[clockAt] = (tampered[clockAt] as number) ^ 0x01;
    expect(await code(verifyTpmQuote({ ...base, quote: tampered }))).toBe("TPM_BAD_SIGNATURE");
    const wrongNonce = fromHex(NONCE);
    wrongNonce[0] = (wrongNonce[0] as number) ^ 1;
    expect(await code(verifyTpmQuote({ ...base, quote, nonce: wrongNonce }))).toBe("TPM_NONCE_MISMATCH");
    const wrongPcrs = { sha256: new Map(pcrs.sha256) };
    wrongPcrs.sha256.set(16, new Uint8Array(32));
    expect(await code(verifyTpmQuote({ ...base, quote, pcrs: wrongPcrs }))).toBe("TPM_PCR_MISMATCH");
  });

  it("TPM_GENERATED defence: TPM2_Sign of quote-shaped bytes without the magic is refused", async () => {
    // The attacker's bytes: a quote whose PCR digest they chose, with the magic cleared (a TPM never signs a
    // restricted-key digest of data that starts with TPM_GENERATED_VALUE via TPM2_Sign).
    const forged = read("q.bin");
    forged.set(new Uint8Array(32), forged.length - 32); // attacker-chosen pcrDigest
    forged[0] = 0x00;
    writeFileSync(f("forged.bin"), forged);
    // The restricted AK signs it (the TPM hashes it itself and only issues a ticket without the magic) ...
    tpm2("tpm2_sign", "-c", AK, "-g", "sha256", "-o", f("forged.sig"), f("forged.bin"));
    const opts = { akPublic: read("ak.tpmt"), nonce: fromHex(NONCE), provider: nobleProvider() };
    expect(await code(verifyTpmQuote({ ...opts, quote: forged, signature: read("forged.sig") }))).toBe(
      "TPM_NOT_GENERATED",
    );
    // ... but refuses to sign bytes that carry the magic: a TPM2_Sign cannot forge a quote with a restricted key.
    const withMagic = forged.slice();
    withMagic.set([0xff, 0x54, 0x43, 0x47], 0);
    writeFileSync(f("magic.bin"), withMagic);
    expect(() => tpm2("tpm2_sign", "-c", AK, "-g", "sha256", "-o", f("magic.sig"), f("magic.bin"))).toThrow();
    // An unrestricted key signs anything, which is why the verifier must check the magic (and use a restricted AK).
    tpm2("tpm2_sign", "-c", SK, "-g", "sha256", "-o", f("sk-forged.sig"), f("forged.bin"));
    expect(
      await code(
        verifyTpmQuote({ ...opts, akPublic: read("sk.tss"), quote: forged, signature: read("sk-forged.sig") }),
      ),
    ).toBe("TPM_NOT_GENERATED");
  });
});
