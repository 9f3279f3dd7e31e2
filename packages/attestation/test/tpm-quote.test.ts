import { readFileSync } from "node:fs";
import {
  fromBase64,
  isRotkitError,
  nobleProvider,
  publicKeyToSpki,
  RotkitError,
  sha1,
  toHex,
  webCryptoProvider,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import {
  parseTpmPcrValues,
  parseTpmPublic,
  parseTpmsAttestQuote,
  parseTpmtSignature,
  tpmAkPublicKey,
  verifyTpmQuote,
} from "../src/index.js";

// The google/go-attestation Windows GCP Shielded VM bundle (test-vectors/tpm-go-attestation/README.md): a real
// RSASSA/SHA-1 quote over all 24 SHA-1 PCRs, its AK (TPMT_PUBLIC), the PCR values and the event log.
const dir = new URL("../../../test-vectors/tpm-go-attestation/attest/", import.meta.url).pathname;
const gcp = JSON.parse(readFileSync(`${dir}windows_gcp_shielded_vm.json`, "utf8"));
const quote = fromBase64(gcp.Quote.Quote);
const signature = fromBase64(gcp.Quote.Signature);
const akPublic = fromBase64(gcp.AK.Public);
const eventLog = fromBase64(gcp.Log.Raw);
const sha1Pcrs = new Map<number, Uint8Array>(
  gcp.Log.PCRs.map((p: { Index: number; Digest: string }) => [p.Index, fromBase64(p.Digest)]),
);
const nonce = new Uint8Array(0); // the bundle's Quote.Nonce is empty, and so is the quote's extraData

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof RotkitError) return e.code;
    throw e;
  }
}

describe("SHA-1 (FIPS 180-4)", () => {
  it("matches the FIPS 180-2 appendix examples", () => {
    const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    expect(toHex(sha1(enc("abc")))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(toHex(sha1(new Uint8Array(0)))).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(toHex(sha1(enc("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
    );
    expect(toHex(sha1(new Uint8Array(1_000_000).fill(0x61)))).toBe("34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  });
});

describe("parsers on the GCP bundle", () => {
  it("TPMS_ATTEST: quote over sha1 PCRs 0..23, empty extraData", () => {
    const q = parseTpmsAttestQuote(quote);
    expect(q.pcrSelection).toEqual([{ hashAlg: 4, bank: "sha1", pcrs: Array.from({ length: 24 }, (_, i) => i) }]);
    expect(q.extraData.length).toBe(0);
    expect(q.pcrDigest.length).toBe(20);
    expect(q.clockInfo.safe).toBe(true);
  });
  it("TPMT_SIGNATURE: RSASSA with SHA-1, 256-byte signature", () => {
    const s = parseTpmtSignature(signature);
    expect(s.sigAlg).toBe(0x0014);
    expect(s.hashAlg).toBe(0x0004);
  });
  it("TPMT_PUBLIC: restricted RSA-2048 signing key; also as TPM2B_PUBLIC and SPKI", () => {
    const p = parseTpmPublic(akPublic);
    expect(p.restricted && p.sign).toBe(true);
    expect(p.publicKey.kty).toBe("RSA");
    const tpm2b = new Uint8Array(akPublic.length + 2);
    tpm2b.set([akPublic.length >> 8, akPublic.length & 0xff]);
    tpm2b.set(akPublic, 2);
    expect(parseTpmPublic(tpm2b).publicKey).toEqual(p.publicKey);
    expect(tpmAkPublicKey(publicKeyToSpki(p.publicKey))).toEqual(p.publicKey);
  });
});

describe("verifyTpmQuote on the GCP bundle", () => {
  for (const provider of [nobleProvider(), webCryptoProvider()]) {
    it(`verifies with the AK, its PCRs and its event log (${provider.name})`, async () => {
      const r = await verifyTpmQuote({
        quote,
        signature,
        akPublic,
        nonce,
        pcrs: { sha1: sha1Pcrs },
        eventLog,
        provider,
      });
      expect(r.pcrsChecked).toBe(true);
      expect(r.akRestricted).toBe(true);
      expect(r.replayed?.get("sha1")?.size).toBeGreaterThan(0);
      // and with the replayed log standing in for PCR values it cannot cover (17-22 are not in the log)
      expect(await code(verifyTpmQuote({ quote, signature, akPublic, nonce, eventLog, provider }))).toBe(
        "TPM_PCR_MISMATCH",
      );
    });
  }

  it("refuses a flipped quote byte, a wrong nonce, a wrong PCR, a wrong log and a forged magic", async () => {
    const provider = nobleProvider();
    const base = { signature, akPublic, nonce, provider };
    const tampered = quote.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1; // inside pcrDigest
    expect(await code(verifyTpmQuote({ ...base, quote: tampered }))).toBe("TPM_BAD_SIGNATURE");
    expect(await code(verifyTpmQuote({ ...base, quote, nonce: Uint8Array.of(1) }))).toBe("TPM_NONCE_MISMATCH");
    const bad = new Map(sha1Pcrs);
    bad.set(7, new Uint8Array(20));
    expect(await code(verifyTpmQuote({ ...base, quote, pcrs: { sha1: bad } }))).toBe("TPM_PCR_MISMATCH");
    const missing = new Map(sha1Pcrs);
    missing.delete(23);
    await expect(verifyTpmQuote({ ...base, quote, pcrs: { sha1: missing } })).rejects.toThrow(/sha1:23/);
    await expect(verifyTpmQuote({ ...base, quote, pcrs: { sha1: bad }, eventLog })).rejects.toThrow(
      /TPM_EVENTLOG_MISMATCH|sha1:7/,
    );
    const noMagic = quote.slice();
    noMagic[0] = 0;
    expect(await code(verifyTpmQuote({ ...base, quote: noMagic }))).toBe("TPM_NOT_GENERATED");
    const certify = quote.slice();
    certify[5] = 0x17; // TPM_ST_ATTEST_CERTIFY
    expect(await code(verifyTpmQuote({ ...base, quote: certify }))).toBe("TPM_WRONG_TYPE");
  });

  it("PCR values files split by the quote's selection", () => {
    const q = parseTpmsAttestQuote(quote);
    const file = new Uint8Array(24 * 20);
    for (let i = 0; i < 24; i++) file.set(sha1Pcrs.get(i) as Uint8Array, i * 20);
    expect(parseTpmPcrValues(file, q.pcrSelection).sha1?.get(7)).toEqual(sha1Pcrs.get(7));
    expect(() => parseTpmPcrValues(file.subarray(1), q.pcrSelection)).toThrow(RotkitError);
  });
});

// DESIGN.md "Tests": every single-byte flip (0xff) and every truncation ends in a RotkitError or a value.
describe("mutation fuzzing of the TPM parsers", () => {
  const flips = (b: Uint8Array) => singleByteMutations(b, [0xff]);
  it("TPMS_ATTEST, TPMT_SIGNATURE, TPMT_PUBLIC: flips and truncations", () => {
    for (const [fn, bytes] of [
      [parseTpmsAttestQuote, quote],
      [parseTpmtSignature, signature],
      [parseTpmPublic, akPublic],
      [tpmAkPublicKey, akPublic],
    ] as const) {
      const a = expectOnlyRotkitErrors(fn as (b: Uint8Array) => unknown, flips(bytes));
      const b = expectOnlyRotkitErrors(fn as (b: Uint8Array) => unknown, truncations(bytes));
      expect(a.ok + a.rejected).toBe(bytes.length);
      expect(b.ok).toBe(0); // every truncation is refused
    }
  });

  it("verifyTpmQuote on every flipped quote byte: never accepted, always a RotkitError", async () => {
    const provider = nobleProvider();
    for (const { bytes, at } of singleByteMutations(quote, [0xff])) {
      try {
        await verifyTpmQuote({ quote: bytes, signature, akPublic, nonce, pcrs: { sha1: sha1Pcrs }, provider });
        throw new Error(`mutation at ${at} was accepted`);
      } catch (e) {
        expect(isRotkitError(e), String(e)).toBe(true);
      }
    }
  });

  it("verifyTpmQuote on flipped signature and AK bytes: never accepted", async () => {
    const provider = nobleProvider();
    for (const [field, bytes] of [
      ["signature", signature],
      ["akPublic", akPublic],
    ] as const) {
      // every header byte, then a sample of the big integers
      for (const { bytes: m, at } of singleByteMutations(bytes, [0xff])) {
        if (at > 40 && at % 17 !== 0) continue;
        const opts = { quote, signature, akPublic, nonce, provider, [field]: m };
        try {
          await verifyTpmQuote(opts);
          // accepted: only allowed where the flip left the key itself unchanged (object attributes, scheme, policy)
          expect(field, `mutation at ${at}`).toBe("akPublic");
          expect(tpmAkPublicKey(m)).toEqual(tpmAkPublicKey(akPublic));
        } catch (e) {
          expect(isRotkitError(e), String(e)).toBe(true);
        }
      }
    }
  });
});
