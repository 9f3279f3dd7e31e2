import { readFileSync } from "node:fs";
import {
  type CryptoProvider,
  decodeEcPoint,
  fixedClock,
  fromHex,
  isRotkitError,
  nobleProvider,
  type PublicKey,
  toHex,
  webCryptoProvider,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { type Certificate, diceChainMeasurements, verifyDiceChain } from "../src/index.js";
import { loadCert, VERAISON_X509_CHAIN, vectorPath } from "./dice-fixtures.js";

const NOW = fixedClock(new Date("2026-01-01T00:00:00Z"));
const PROVIDERS: [string, CryptoProvider][] = [
  ["noble", nobleProvider()],
  ["webcrypto", webCryptoProvider()],
];

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isRotkitError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a rejection");
}

const veraison = () => VERAISON_X509_CHAIN.map((f) => loadCert("dice-veraison", f));
const ldevid = () => loadCert("dice-caliptra", "ldevid_cert_ecc.der");
const fmc = () => loadCert("dice-caliptra", "fmc_alias_cert_ecc.der");

describe.each(PROVIDERS)("verifyDiceChain (%s)", (_name, provider) => {
  it("Open-DICE X.509 chain (veraison): UDS self-signed + 7 CDI layers verify, root first", async () => {
    const { layers, nameMismatches } = await verifyDiceChain({ certs: veraison(), provider, time: NOW });
    expect(nameMismatches).toEqual([]);
    expect(layers).toHaveLength(8);
    expect(layers[0]!.subject).toBe("serialNumber=7a06eee41b789f4863d86b8778b1a201a6fedd56");
    expect(layers[0]!.openDice).toBeUndefined();
    expect(layers.slice(1).map((l) => l.openDice?.modeName)).toEqual(Array(7).fill("normal"));
    expect(layers[1]!.issuer).toBe(layers[0]!.subject);
    expect(layers[7]!.subject).toBe("serialNumber=4b7554ef9daca8351f63ad04fe112a4a7d78d805");
    expect(toHex(layers[1]!.openDice!.codeHash!).slice(0, 8)).toBe("0cb6f7a8");
  });

  it("Caliptra FMC alias under the LDevID: the signature verifies but the names do not chain → X509_NAME_CHAINING", async () => {
    const r = await rejection(verifyDiceChain({ certs: [fmc()], trustAnchor: ldevid(), provider, time: NOW }));
    expect(r.code).toBe("X509_NAME_CHAINING");
    expect(r.message).toBe(
      'certificate 0 (subject "serialNumber=612A6029E0710A0D4F9F69FBB5A95A1940088E58671B4E53C1F712573CE3ADD4,' +
        'CN=Caliptra 2.0 Ecc384 FMC Alias"): issuer name ' +
        '"serialNumber=DE96A450F23A8E4A5333005E60BFCF4D3DA8FA1603FAFB605D2B22C44F4C2292,CN=Caliptra 2.0 Ecc384 LDevID" ' +
        'does not match the subject name "serialNumber=DE96A450F23A8E4A5333005E60BFCF4D3DA8FA1603FAFB605D2B22C44F4C2292,' +
        'CN=Caliptra 2.1 Ecc384 LDevID" of the trust anchor; ' +
        "the signature does verify with the trust anchor's key, so the chain links by key but not by name (at 0)",
    );
  });

  it("LDevID first with its own key as anchor: X509_BAD_SIGNATURE (the IDevID signed it)", async () => {
    const r = await rejection(
      verifyDiceChain({ certs: [ldevid(), fmc()], trustAnchor: ldevid().publicKey!, provider, time: NOW }),
    );
    // certs[0] (LDevID) is not signed by its own key (the IDevID signed it): that fails first.
    expect(r.code).toBe("X509_BAD_SIGNATURE");
  });

  it("requireNameChaining: false reports the mismatch and returns the FMC measurements", async () => {
    const { layers, nameMismatches } = await verifyDiceChain({
      certs: [fmc()],
      trustAnchor: ldevid(),
      provider,
      time: NOW,
      requireNameChaining: false,
    });
    expect(nameMismatches).toEqual([
      {
        position: 0,
        expectedIssuer:
          "serialNumber=DE96A450F23A8E4A5333005E60BFCF4D3DA8FA1603FAFB605D2B22C44F4C2292,CN=Caliptra 2.1 Ecc384 LDevID",
        foundIssuer:
          "serialNumber=DE96A450F23A8E4A5333005E60BFCF4D3DA8FA1603FAFB605D2B22C44F4C2292,CN=Caliptra 2.0 Ecc384 LDevID",
      },
    ]);
    expect(layers[0]!.tcbInfo.map((t) => t.svn)).toEqual([0x0107, 0x0109]);
    expect(layers[0]!.tcbInfo[0]!.fwids![0]!.hashAlgName).toBe("SHA-384");
  });

  it("a bare trust-anchor key checks the signature only", async () => {
    const { layers } = await verifyDiceChain({ certs: [fmc()], trustAnchor: ldevid().publicKey!, provider, time: NOW });
    expect(layers[0]!.ueid).toEqual(new Uint8Array(17));
  });

  it("a flipped signature byte → X509_BAD_SIGNATURE (and the name mismatch is mentioned)", async () => {
    const cert = fmc();
    const sig = cert.signature.slice();
    sig[sig.length - 3] = (sig[sig.length - 3] as number) ^ 0x01;
    const r = await rejection(
      verifyDiceChain({ certs: [{ ...cert, signature: sig }], trustAnchor: ldevid(), provider, time: NOW }),
    );
    expect(r.code).toBe("X509_BAD_SIGNATURE");
    expect(r.message).toMatch(/signature does not verify with the trust anchor's key; its issuer .* either/);
  });

  it("ML-DSA-87 Caliptra certificates: the FMC alias verifies under the LDevID key (names do not chain, as for ECC)", async () => {
    const l = loadCert("dice-caliptra", "ldevid_cert_mldsa.der");
    const f = loadCert("dice-caliptra", "fmc_alias_cert_mldsa.der");
    expect(l.publicKey).toMatchObject({ kty: "AKP", alg: "ML-DSA-87" });
    const r = await rejection(verifyDiceChain({ certs: [f], trustAnchor: l, provider, time: NOW }));
    expect(r.code).toBe("X509_NAME_CHAINING");
    const { nameMismatches } = await verifyDiceChain({
      certs: [f],
      trustAnchor: l,
      provider,
      time: NOW,
      requireNameChaining: false,
    });
    expect(nameMismatches).toHaveLength(1);
    const sig = f.signature.slice();
    sig[100] = (sig[100] as number) ^ 0x01;
    const bad = await rejection(
      verifyDiceChain({ certs: [{ ...f, signature: sig }], trustAnchor: l, provider, time: NOW }),
    );
    expect(bad.code).toBe("X509_BAD_SIGNATURE");
    expect(diceChainMeasurements([l, f])[1]!.tcbInfo.map((t) => t.svn)).toEqual([0x0107, 0x0109]);
  });

  it("the redacted RT alias does not verify under the FMC alias key", async () => {
    const rt = loadCert("dice-caliptra", "rt_alias_cert_redacted.der");
    const r = await rejection(verifyDiceChain({ certs: [rt], trustAnchor: fmc(), provider, time: NOW, lenient: true }));
    expect(r.code).toBe("X509_BAD_SIGNATURE");
  });

  it("Open-DICE KAT certificates verify under the issuer keys derived from the current CDI", async () => {
    const issuers = JSON.parse(readFileSync(vectorPath("open-dice-kat", "issuers.json"), "utf8"));
    const p256 = (set: string): PublicKey =>
      decodeEcPoint("P-256", fromHex(issuers[set].issuer_p256_public_key_uncompressed_hex));
    for (const set of ["zero", "hash_only", "descriptor"]) {
      const cert = loadCert("open-dice-kat", `x509_p256_${set}.der`);
      const { layers } = await verifyDiceChain({ certs: [cert], trustAnchor: p256(set), provider, time: NOW });
      expect(layers[0]!.issuer).toMatch(/^serialNumber=[0-9a-f]{40}$/);
      expect(layers[0]!.openDice!.profileName).toBe("opendice.example");
    }
    const ed: PublicKey = { kty: "OKP", crv: "Ed25519", x: fromHex(issuers.descriptor.issuer_ed25519_public_key_hex) };
    const ed25519 = loadCert("open-dice-kat", "x509_ed25519_descriptor.der");
    const { layers } = await verifyDiceChain({ certs: [ed25519], trustAnchor: ed, provider, time: NOW });
    expect(layers[0]!.issuer).toBe(`serialNumber=${issuers.descriptor.issuer_id_hex_ed25519}`);
    // A wrong anchor key fails.
    const wrong = await rejection(
      verifyDiceChain({
        certs: [ed25519],
        trustAnchor: { ...ed, x: fromHex(issuers.zero.issuer_ed25519_public_key_hex) },
        provider,
        time: NOW,
      }),
    );
    expect(wrong.code).toBe("X509_BAD_SIGNATURE");
  });

  it("no anchor and a first certificate that is not self-issued → X509_NO_PATH (e.g. leaf-first order)", async () => {
    const r = await rejection(verifyDiceChain({ certs: veraison().reverse(), provider, time: NOW }));
    expect(r.code).toBe("X509_NO_PATH");
  });

  it("validity is checked at `time`", async () => {
    const early = await rejection(verifyDiceChain({ certs: veraison(), provider, time: new Date("2017-01-01") }));
    expect(early.code).toBe("X509_NOT_YET_VALID");
  });

  it("a chain with a swapped layer fails the signature check of the next one", async () => {
    const c = veraison();
    const swapped: Certificate[] = [c[0]!, c[2]!, c[1]!];
    const r = await rejection(verifyDiceChain({ certs: swapped, provider, time: NOW }));
    expect(r.code).toBe("X509_BAD_SIGNATURE");
    expect(r.message).toMatch(/^certificate 1 /);
  });

  it("pathValidation: the veraison chain also passes RFC 5280 path validation (self-signed UDS as anchor)", async () => {
    const { path } = await verifyDiceChain({ certs: veraison(), provider, time: NOW, pathValidation: {} });
    expect(path?.path).toHaveLength(8);
    expect(path?.anchor.subject).toEqual(veraison()[0]!.subject);
  });

  it("pathValidation: validatePath's own rules apply (Caliptra names do not chain; a bare-key anchor is refused)", async () => {
    const r = await rejection(
      verifyDiceChain({
        certs: [fmc()],
        trustAnchor: ldevid(),
        provider,
        time: NOW,
        requireNameChaining: false,
        pathValidation: {},
      }),
    );
    expect(r.code).toBe("X509_NAME_CHAINING");
    const bare = await rejection(
      verifyDiceChain({ certs: [fmc()], trustAnchor: ldevid().publicKey!, provider, time: NOW, pathValidation: {} }),
    );
    expect(bare.code).toBe("INVALID_ARGUMENT");
  });
});
