import {
  type CborValue,
  decodeCbor,
  encodeCbor,
  generateSoftwareKey,
  isRotkitError,
  type KeyHandle,
  nobleProvider,
  type PublicKey,
  toHex,
} from "@rotkit/core";
import { coseKeyFromPublicKey, coseKeyToMap, encodeCoseKey, signCoseSign1 } from "@rotkit/cose";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { decodeDiceCborCertUnverified, deriveOpenDiceId, OpenDiceLabel, verifyDiceCborChain } from "../src/index.js";
import {
  fakeInputValue,
  katIssuerKey,
  katMlDsaAlg,
  katMlDsaIssuerKey,
  PROVIDERS,
  vector,
  vectorJson,
  veraisonCborChain,
} from "./dice-fixtures.js";

const noble = nobleProvider();

async function rejectsWith(p: Promise<unknown>, code: string, at?: number): Promise<void> {
  await expect(p).rejects.toSatisfy((e) => {
    if (!isRotkitError(e)) throw e;
    if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
    if (at !== undefined && e.at !== at) throw new Error(`expected at ${at}, got ${String(e.at)}`);
    return true;
  });
}

describe("decodeDiceCborCertUnverified", () => {
  it("decodes the KAT hash_only Ed25519 cert: IDs, code/config/authority inputs, mode, key usage", async () => {
    const cert = decodeDiceCborCertUnverified(vector("open-dice-kat/cbor_ed25519_hash_only.cbor"));
    expect(cert.alg).toBe(-8);
    expect(cert.issuer).toBe("475708eb3b426f386cfce8f3baf5439046278dfa");
    expect(cert.subject).toBe("0d040e2f460052a5311c1b91dbf9b4408332ec29");
    expect(cert.codeHash).toEqual(await fakeInputValue("code_hash", 64, noble));
    expect(cert.authorityHash).toEqual(await fakeInputValue("authority_hash", 64, noble));
    // inline configuration: the configuration value sits in configurationDescriptor (Open-DICE "Configuration Input")
    expect(cert.configurationDescriptor).toEqual(await fakeInputValue("inline_config", 64, noble));
    expect(cert.mode).toBe(0);
    expect(cert.modeName).toBe("notConfigured");
    expect(cert.keyUsage).toEqual(Uint8Array.of(0x20));
    expect(cert.keyCertSign).toBe(true);
    expect(cert.publicKey.kty).toBe("OKP");
  });

  it("decodes descriptors and the profile name (P-256 descriptor KAT, Android descriptor KAT)", async () => {
    const cert = decodeDiceCborCertUnverified(vector("open-dice-kat/cbor_p256_descriptor.cbor"));
    expect(cert.alg).toBe(-7);
    expect(cert.codeDescriptor).toEqual(await fakeInputValue("code_desc", 100, noble));
    expect(cert.configurationDescriptor).toEqual(await fakeInputValue("config_desc", 40, noble));
    expect(cert.configurationHash).toEqual(await noble.digest("SHA-512", cert.configurationDescriptor as Uint8Array));
    expect(cert.authorityDescriptor).toEqual(await fakeInputValue("authority_desc", 65, noble));
    expect(cert.profileName).toBe("opendice.example");
    expect(cert.publicKey).toMatchObject({ kty: "EC", crv: "P-256" });
    const android = decodeDiceCborCertUnverified(vector("open-dice-kat/cbor_ed25519_android_descriptor.cbor"));
    expect(android.profileName).toBe("android.18");
  });

  it("decodes ML-DSA certificates: alg -49 / -50, an AKP subject key of the right parameter set", () => {
    const c65 = decodeDiceCborCertUnverified(vector("open-dice-kat/cbor_mldsa65_zero.cbor"));
    expect(c65.alg).toBe(-49);
    expect(c65.subjectPublicKey).toMatchObject({ kty: "AKP", alg: -49 });
    expect(c65.publicKey).toMatchObject({ kty: "AKP", alg: "ML-DSA-65" });
    expect((c65.publicKey as { pub: Uint8Array }).pub).toHaveLength(1952);
    const c87 = decodeDiceCborCertUnverified(vector("open-dice-kat/cbor_mldsa87_zero.cbor"));
    expect(c87.alg).toBe(-50);
    expect(c87.publicKey).toMatchObject({ kty: "AKP", alg: "ML-DSA-87" });
  });

  it("names the label of an invalid claim (mode of 2 bytes, short codeHash, profileName not text)", async () => {
    const key = await generateSoftwareKey("EdDSA");
    const ok = claimsFor(key.publicKey, "00", "00");
    for (const [label, value, what] of [
      [OpenDiceLabel.mode, Uint8Array.of(1, 1), "mode"],
      [OpenDiceLabel.codeHash, new Uint8Array(20), "codeHash"],
      [OpenDiceLabel.profileName, new Uint8Array(1), "profileName"],
      [OpenDiceLabel.keyUsage, new Uint8Array(0), "keyUsage"],
      [OpenDiceLabel.subjectPublicKey, Uint8Array.of(0xa0), "subjectPublicKey"],
    ] as const) {
      const claims = new Map(ok);
      claims.set(label, value);
      const bytes = await signCoseSign1({ payload: encodeCbor(claims), tagged: false }, key);
      expect(() => decodeDiceCborCertUnverified(bytes)).toThrow(
        expect.objectContaining({ code: "ATTEST_CLAIM_INVALID", message: expect.stringContaining(what) }),
      );
    }
    const noSub = new Map(ok);
    noSub.delete(2);
    const bytes = await signCoseSign1({ payload: encodeCbor(noSub), tagged: false }, key);
    expect(() => decodeDiceCborCertUnverified(bytes)).toThrow(
      expect.objectContaining({ code: "ATTEST_CLAIM_MISSING" }),
    );
  });

  it("mutation fuzzing: every single-byte flip and truncation gives a value or a RotkitError", () => {
    const bytes = vector("dice-veraison/_CBOR_Ed25519_cert_full_cert_chain_0.cert");
    const flips = expectOnlyRotkitErrors(decodeDiceCborCertUnverified, singleByteMutations(bytes));
    const cuts = expectOnlyRotkitErrors(decodeDiceCborCertUnverified, truncations(bytes));
    expect(cuts.ok).toBe(0);
    expect(flips.rejected).toBeGreaterThan(0);
  });
});

describe.each(PROVIDERS)("verifyDiceCborChain (%s)", (_name, provider) => {
  it("verifies veraison's 8-certificate CBOR chain (self-signed UDS) with per-layer measurements", async () => {
    const { layers, certs } = await verifyDiceCborChain({ certs: veraisonCborChain(), provider });
    expect(layers).toHaveLength(8);
    expect(certs[0]?.issuer).toBe(certs[0]?.subject);
    expect(layers[0]?.modeName).toBeUndefined();
    for (const l of layers.slice(1)) {
      expect(l.format).toBe("cbor");
      expect(l.modeName).toBe("normal");
      expect(l.codeHash).toHaveLength(64);
      expect(l.authorityHash).toHaveLength(64);
    }
    expect(toHex(layers[1]?.codeHash as Uint8Array).slice(0, 16)).toBe("0cb6f7a8009c78bf");
    for (let i = 1; i < layers.length; i++) expect(layers[i]?.issuer).toBe(layers[i - 1]?.subject);
  });

  it("verifies every Ed25519 / P-256 / P-384 / ML-DSA KAT CBOR cert under its issuer key, IDs included", async () => {
    const index = vectorJson<{ cases: { id: string; alg: string; input_set: string }[] }>("open-dice-kat/index.json");
    let n = 0;
    for (const c of index.cases.filter((x) => x.id.startsWith("cbor_"))) {
      const rootKey = c.alg.startsWith("Mldsa")
        ? await katMlDsaIssuerKey(c.input_set, katMlDsaAlg(c.alg))
        : katIssuerKey(c.input_set, c.alg.toLowerCase() as "ed25519" | "p256" | "p384");
      const { layers } = await verifyDiceCborChain({ certs: [vector(`open-dice-kat/${c.id}`)], rootKey, provider });
      expect(layers[0]?.modeName).toBe("notConfigured");
      n++;
    }
    expect(n).toBe(19);
  });

  it("an ML-DSA KAT CBOR cert with a flipped signature bit, or under the other parameter set, is refused", async () => {
    const bytes = vector("open-dice-kat/cbor_mldsa65_zero.cbor");
    const rootKey = await katMlDsaIssuerKey("zero", "ML-DSA-65");
    const flipped = bytes.slice();
    flipped[flipped.length - 100] = (flipped[flipped.length - 100] as number) ^ 0x04;
    await expect(verifyDiceCborChain({ certs: [flipped], rootKey, provider })).rejects.toMatchObject({
      code: "ATTEST_BAD_SIGNATURE",
    });
    const other = await katMlDsaIssuerKey("zero", "ML-DSA-87");
    await expect(verifyDiceCborChain({ certs: [bytes], rootKey: other, provider })).rejects.toMatchObject({
      code: "ATTEST_BAD_SIGNATURE",
    });
  });

  it("accepts the DICE chain array form [root COSE_Key, cert…] and a COSE_Key rootKey", async () => {
    const certs = veraisonCborChain();
    const uds = decodeDiceCborCertUnverified(certs[0] as Uint8Array);
    const entries: CborValue[] = [coseKeyToMap(uds.subjectPublicKey), ...certs.map((c) => decodeCbor(c))];
    const { layers } = await verifyDiceCborChain({ chain: encodeCbor(entries), provider });
    expect(layers).toHaveLength(8);
    const again = await verifyDiceCborChain({
      certs: certs.slice(1),
      rootKey: encodeCoseKey(uds.subjectPublicKey),
      provider,
    });
    expect(again.layers).toHaveLength(7);
  });

  it("broken chains: swapped order, wrong root key, tampered signature, missing UDS", async () => {
    const certs = veraisonCborChain();
    const swapped = [certs[0], certs[2], certs[1], ...certs.slice(3)] as Uint8Array[];
    await rejectsWith(verifyDiceCborChain({ certs: swapped, provider }), "ATTEST_BAD_SIGNATURE", 1);
    await rejectsWith(
      verifyDiceCborChain({ certs, rootKey: katIssuerKey("hash_only", "ed25519"), provider }),
      "ATTEST_BAD_SIGNATURE",
      0,
    );
    const tampered = certs.map((c) => c.slice());
    const last = tampered[5] as Uint8Array;
    last[last.length - 1] = (last[last.length - 1] as number) ^ 0x01;
    await rejectsWith(verifyDiceCborChain({ certs: tampered, provider }), "ATTEST_BAD_SIGNATURE", 5);
    // without the UDS cert and without a root key: chain_0 is not self-issued
    await rejectsWith(verifyDiceCborChain({ certs: certs.slice(1), provider }), "ATTEST_CLAIM_INVALID", 0);
    // a P-256 root key for an EdDSA certificate: the key does not fit the algorithm
    await rejectsWith(
      verifyDiceCborChain({ certs: certs.slice(1), rootKey: katIssuerKey("zero", "p256"), provider }),
      "ATTEST_BAD_SIGNATURE",
      0,
    );
  });

  it("name chaining, key usage and ID derivation on a chain built here", async () => {
    const root = await generateSoftwareKey("EdDSA");
    const mid = await generateSoftwareKey("ES256");
    const leaf = await generateSoftwareKey("ES384");
    const rootId = await deriveOpenDiceId(root.publicKey, provider);
    const midId = await deriveOpenDiceId(mid.publicKey, provider);
    const leafId = await deriveOpenDiceId(leaf.publicKey, provider);
    const good = [await certFor(root, mid.publicKey, rootId, midId), await certFor(mid, leaf.publicKey, midId, leafId)];
    const { layers } = await verifyDiceCborChain({ certs: good, rootKey: root.publicKey, provider });
    expect(layers.map((l) => l.subject)).toEqual([midId, leafId]);
    expect(layers[1]?.publicKey).toMatchObject({ kty: "EC", crv: "P-384" });

    // iss ≠ previous sub, signature fine: a precise name-chaining error
    const badIss = [good[0], await certFor(mid, leaf.publicKey, rootId, leafId)] as Uint8Array[];
    await expect(verifyDiceCborChain({ certs: badIss, rootKey: root.publicKey, provider })).rejects.toThrow(
      /iss [0-9a-f]+ does not match the sub [0-9a-f]+ of certificate 0/,
    );
    await rejectsWith(
      verifyDiceCborChain({ certs: badIss, rootKey: root.publicKey, provider }),
      "ATTEST_CLAIM_INVALID",
      1,
    );
    // a sub that is not the key's ID
    const badSub = [await certFor(root, mid.publicKey, rootId, leafId)];
    await rejectsWith(
      verifyDiceCborChain({ certs: badSub, rootKey: root.publicKey, provider }),
      "ATTEST_KEY_BINDING",
      0,
    );
    await expect(
      verifyDiceCborChain({ certs: badSub, rootKey: root.publicKey, provider, checkIds: false }).then(
        (r) => r.layers.length,
      ),
    ).resolves.toBe(1);
    // an iss that is not the root key's ID
    const badRootIss = [await certFor(root, mid.publicKey, leafId, midId)];
    await rejectsWith(
      verifyDiceCborChain({ certs: badRootIss, rootKey: root.publicKey, provider }),
      "ATTEST_KEY_BINDING",
      0,
    );
    // the issuer's keyUsage lacks keyCertSign (digitalSignature only, bit 0)
    const noCertSign = [
      await certFor(root, mid.publicKey, rootId, midId, Uint8Array.of(0x01)),
      await certFor(mid, leaf.publicKey, midId, leafId),
    ];
    await rejectsWith(
      verifyDiceCborChain({ certs: noCertSign, rootKey: root.publicKey, provider }),
      "ATTEST_CLAIM_INVALID",
      0,
    );
  });

  it("mutation fuzzing of the chain: 0xff flips of one cert end in a RotkitError or a verified chain", async () => {
    const certs = veraisonCborChain().slice(0, 3);
    const target = certs[1] as Uint8Array;
    let rejected = 0;
    for (const { bytes } of singleByteMutations(target, [0xff])) {
      try {
        await verifyDiceCborChain({ certs: [certs[0] as Uint8Array, bytes, certs[2] as Uint8Array], provider });
      } catch (e) {
        if (!isRotkitError(e)) throw e;
        rejected++;
      }
    }
    expect(rejected).toBe(target.length);
  });
});

function claimsFor(
  subjectKey: PublicKey,
  iss: string,
  sub: string,
  keyUsage: Uint8Array = Uint8Array.of(0x20),
): Map<number, CborValue> {
  return new Map<number, CborValue>([
    [1, iss],
    [2, sub],
    [OpenDiceLabel.codeHash, new Uint8Array(64).fill(1)],
    [OpenDiceLabel.mode, Uint8Array.of(1)],
    [OpenDiceLabel.subjectPublicKey, encodeCoseKey(coseKeyFromPublicKey(subjectKey))],
    [OpenDiceLabel.keyUsage, keyUsage],
  ]);
}

async function certFor(
  issuer: KeyHandle,
  subjectKey: PublicKey,
  iss: string,
  sub: string,
  keyUsage?: Uint8Array,
): Promise<Uint8Array> {
  return signCoseSign1({ payload: encodeCbor(claimsFor(subjectKey, iss, sub, keyUsage)), tagged: false }, issuer);
}
