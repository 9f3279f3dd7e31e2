import { fixedClock, isRotkitError, toHex } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { verifyDiceX509Chain } from "../src/server.js";
import { katIssuerKey, katMlDsaAlg, katMlDsaIssuerKey, PROVIDERS, vector, vectorJson } from "./dice-fixtures.js";

const time = fixedClock(new Date("2026-01-01T00:00:00Z"));

function veraisonX509Chain(): Uint8Array[] {
  return [
    vector("dice-veraison/_X509_Ed25519_uds_cert.cert"),
    ...[0, 1, 2, 3, 4, 5, 6].map((i) => vector(`dice-veraison/_X509_Ed25519_cert_full_cert_chain_${i}.cert`)),
  ];
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toSatisfy((e) => {
    if (!isRotkitError(e)) throw e;
    if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
    return true;
  });
}

describe.each(PROVIDERS)("verifyDiceX509Chain (%s)", (_name, provider) => {
  it("verifies veraison's 8-certificate X.509 chain; layers have the DiceLayer shape", async () => {
    const { layers } = await verifyDiceX509Chain({ certs: veraisonX509Chain(), provider, time });
    expect(layers).toHaveLength(8);
    for (const l of layers.slice(1)) {
      expect(l.format).toBe("x509");
      expect(l.modeName).toBe("normal");
      expect(l.codeHash).toHaveLength(64);
      expect(l.publicKey).toMatchObject({ kty: "OKP", crv: "Ed25519" });
    }
    // the X.509 and CBOR veraison chains come from the same DICE inputs: same first-layer code hash
    expect(toHex(layers[1]?.codeHash as Uint8Array).slice(0, 16)).toBe("0cb6f7a8009c78bf");
  });

  it("accepts PEM text", async () => {
    const pem = veraisonX509Chain()
      .map((der) => {
        const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
        return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
      })
      .join("");
    const { layers } = await verifyDiceX509Chain({ certs: pem, provider, time });
    expect(layers).toHaveLength(8);
  });

  it("verifies the Ed25519 / P-256 / ML-DSA X.509 KAT certs under their issuer keys", async () => {
    const index = vectorJson<{ cases: { id: string; alg: string; input_set: string }[] }>("open-dice-kat/index.json");
    let verified = 0;
    for (const c of index.cases.filter((x) => x.id.startsWith("x509_"))) {
      const certs = [vector(`open-dice-kat/${c.id}`)];
      const mlDsa = c.alg.startsWith("Mldsa");
      const trustAnchor = mlDsa
        ? await katMlDsaIssuerKey(c.input_set, katMlDsaAlg(c.alg))
        : katIssuerKey(c.input_set, c.alg.toLowerCase() as "ed25519" | "p256");
      const { layers } = await verifyDiceX509Chain({ certs, trustAnchor, provider, time });
      expect(layers[0]?.modeName).toBe("notConfigured");
      if (mlDsa) expect(layers[0]?.publicKey).toMatchObject({ kty: "AKP", alg: katMlDsaAlg(c.alg) });
      verified++;
    }
    expect(verified).toBe(9);
  });

  it("an ML-DSA KAT cert under another parameter set's or another input set's key is refused", async () => {
    const certs = [vector("open-dice-kat/x509_mldsa65_descriptor.der")];
    const other = await katMlDsaIssuerKey("descriptor", "ML-DSA-87");
    await rejectsWith(verifyDiceX509Chain({ certs, trustAnchor: other, provider, time }), "X509_BAD_SIGNATURE");
    const wrongSet = await katMlDsaIssuerKey("zero", "ML-DSA-65");
    await rejectsWith(verifyDiceX509Chain({ certs, trustAnchor: wrongSet, provider, time }), "X509_BAD_SIGNATURE");
  });

  it("broken chains: swapped order, wrong anchor, Caliptra LDevID → FMC alias name mismatch", async () => {
    const certs = veraisonX509Chain();
    await rejectsWith(
      verifyDiceX509Chain({ certs: [certs[0], certs[2], certs[1]] as Uint8Array[], provider, time }),
      "X509_BAD_SIGNATURE",
    );
    await rejectsWith(
      // (the veraison UDS key is the zero-input KAT key; the hash_only one is another key)
      verifyDiceX509Chain({ certs: certs.slice(1), trustAnchor: katIssuerKey("hash_only", "ed25519"), provider, time }),
      "X509_BAD_SIGNATURE",
    );
    const caliptra = [vector("dice-caliptra/ldevid_cert_ecc.der"), vector("dice-caliptra/fmc_alias_cert_ecc.der")];
    await rejectsWith(
      verifyDiceX509Chain({ certs: caliptra, trustAnchor: katIssuerKey("zero", "p384"), provider, time }),
      "X509_BAD_SIGNATURE",
    );
    const { layers } = await verifyDiceX509Chain({
      certs: caliptra.slice(1),
      trustAnchor: caliptra[0] as Uint8Array,
      provider,
      time,
      requireNameChaining: false,
    });
    expect(layers[0]?.tcbInfo.length).toBeGreaterThan(0);
    await rejectsWith(
      verifyDiceX509Chain({ certs: caliptra.slice(1), trustAnchor: caliptra[0] as Uint8Array, provider, time }),
      "X509_NAME_CHAINING",
    );
  });
});
