// ML-DSA in COSE (RFC 9964): algorithms -48/-49/-50 in COSE_Sign1 and COSE_Sign with both providers, AKP COSE_Keys
// (the Open-DICE KAT encoding, CBOR / JWK / SPKI round trips, refusals), key/algorithm binding, mutation fuzzing.
import { readFileSync } from "node:fs";
import {
  type CborMap,
  type CryptoProvider,
  decodeCbor,
  generateSoftwareKey,
  type KeyHandle,
  type MlDsaAlg,
  mlDsaPublicKey,
  nobleProvider,
  toBase64Url,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codeOf } from "../../core/test/helpers/code-of.js";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import {
  coseAlgorithm,
  coseKeyFromJwk,
  coseKeyFromPublicKey,
  coseKeyFromSpki,
  coseKeyToJwk,
  coseKeyToMap,
  coseKeyToSpki,
  decodeCoseKey,
  decodeCoseSign1Unverified,
  encodeCoseKey,
  publicKeyFromCoseKey,
  samePublicKey,
  signCoseSign,
  signCoseSign1,
  verifyCoseSign,
  verifyCoseSign1,
} from "../src/index.js";

const providers: [string, CryptoProvider][] = [
  ["noble", nobleProvider()],
  ["webcrypto", webCryptoProvider()],
];
const payload = utf8Encode("post-quantum firmware attestation");
const ALGS: [MlDsaAlg, number][] = [
  ["ML-DSA-44", -48],
  ["ML-DSA-65", -49],
  ["ML-DSA-87", -50],
];

/** The subject COSE_Key of an Open-DICE ML-DSA KAT certificate (test-vectors/open-dice-kat/README.md). */
function katSubjectKeyBytes(file: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(new URL(`../../../test-vectors/open-dice-kat/${file}`, import.meta.url)));
  const sign1 = decodeCbor(bytes) as Uint8Array[];
  const claims = decodeCbor(sign1[2] as Uint8Array) as Map<number, unknown>;
  return claims.get(-4670552) as Uint8Array;
}

const keys = new Map<MlDsaAlg, KeyHandle>();
async function keyFor(alg: MlDsaAlg): Promise<KeyHandle> {
  let k = keys.get(alg);
  if (!k) {
    k = await generateSoftwareKey(alg);
    keys.set(alg, k);
  }
  return k;
}

describe("ML-DSA algorithms (RFC 9964)", () => {
  it("registers -48 / -49 / -50 as signature algorithms", () => {
    for (const [name, id] of ALGS)
      expect(coseAlgorithm(id)).toMatchObject({ id, name, kind: "signature", signature: name });
  });
});

describe.each(providers)("COSE ML-DSA @%s", (_n, provider) => {
  it.each(ALGS)(
    "%s: COSE_Sign1 round trip with the PublicKey, the COSE_Key and the JWK-derived key",
    async (alg, id) => {
      const key = await keyFor(alg);
      const msg = await signCoseSign1({ payload }, key);
      const { headers, signature } = decodeCoseSign1Unverified(msg);
      expect(headers.protected.map.get(1)).toBe(id);
      expect(signature).toHaveLength({ "ML-DSA-44": 2420, "ML-DSA-65": 3309, "ML-DSA-87": 4627 }[alg]);
      const coseKey = coseKeyFromPublicKey(key.publicKey);
      expect(coseKey).toMatchObject({ kty: "AKP", alg: id });
      for (const k of [
        key.publicKey,
        coseKey,
        decodeCoseKey(encodeCoseKey(coseKey)),
        coseKeyFromJwk(coseKeyToJwk(coseKey)),
      ]) {
        const ok = await verifyCoseSign1(msg, { key: k, provider, allowedAlgs: [alg] });
        expect(ok.payload).toEqual(payload);
        expect(ok.alg.id).toBe(id);
      }
    },
  );

  it("refuses tampering, wrong lengths and a key of another parameter set or type", async () => {
    const key = await keyFor("ML-DSA-44");
    const msg = await signCoseSign1({ payload }, key);
    const flipped = msg.slice();
    flipped[flipped.length - 500] = (flipped[flipped.length - 500] as number) ^ 0x02;
    expect(await codeOf(() => verifyCoseSign1(flipped, { key: key.publicKey, provider }))).toBe("COSE_BAD_SIGNATURE");
    const other = await keyFor("ML-DSA-65");
    expect(await codeOf(() => verifyCoseSign1(msg, { key: other.publicKey, provider }))).toBe("COSE_ALG_MISMATCH");
    const restricted = coseKeyFromPublicKey(key.publicKey, { alg: -48 });
    expect(await codeOf(() => verifyCoseSign1(msg, { key: { ...restricted, alg: -49 }, provider }))).toBe(
      "COSE_BAD_KEY",
    );
    const ed = await generateSoftwareKey("Ed25519");
    expect(await codeOf(() => verifyCoseSign1(msg, { key: ed.publicKey, provider }))).toBe("COSE_ALG_MISMATCH");
    expect(await codeOf(() => verifyCoseSign1(msg, { key: key.publicKey, provider, allowedAlgs: ["ES256"] }))).toBe(
      "COSE_ALG_MISMATCH",
    );
    // An EdDSA message must not verify under an AKP key.
    const edMsg = await signCoseSign1({ payload }, ed);
    expect(await codeOf(() => verifyCoseSign1(edMsg, { key: key.publicKey, provider }))).toBe("COSE_ALG_MISMATCH");
  });

  it("COSE_Sign with an ML-DSA and an ECDSA signer; a key list picks the right key per signature", async () => {
    const pq = await keyFor("ML-DSA-65");
    const ec = await generateSoftwareKey("ES256");
    const msg = await signCoseSign({ payload }, [pq, ec]);
    const { signatures } = await verifyCoseSign(msg, { keys: [ec.publicKey, pq.publicKey], provider });
    expect(signatures.map((s) => s.verified)).toEqual([true, true]);
  });
});

describe("AKP COSE_Key (RFC 9964)", () => {
  it("decodes the Open-DICE KAT encoding {1: 7, 3: -49, 4: [2], -1: pub} and converts it", () => {
    const bytes = katSubjectKeyBytes("cbor_mldsa65_zero.cbor");
    const key = decodeCoseKey(bytes);
    expect(key).toMatchObject({ kty: "AKP", alg: -49, keyOps: [2] });
    expect(encodeCoseKey(key)).toEqual(bytes);
    const pk = publicKeyFromCoseKey(key);
    expect(pk).toMatchObject({ kty: "AKP", alg: "ML-DSA-65" });
    expect(coseKeyFromSpki(coseKeyToSpki(key))).toMatchObject({ kty: "AKP", alg: -49 });
    const jwk = coseKeyToJwk(key);
    expect(jwk).toMatchObject({ kty: "AKP", alg: "ML-DSA-65", key_ops: ["verify"] });
    expect(samePublicKey(coseKeyFromJwk(jwk), key)).toBe(true);
    expect(samePublicKey(decodeCoseKey(katSubjectKeyBytes("cbor_mldsa87_zero.cbor")), key)).toBe(false);
  });

  it("refuses AKP keys without alg, with an unknown alg, a wrong pub length or a priv that is not a seed", async () => {
    const key = decodeCoseKey(katSubjectKeyBytes("cbor_mldsa65_zero.cbor"));
    const base = coseKeyToMap(key);
    const variants: [string, (m: CborMap) => void][] = [
      ["no alg", (m) => m.delete(3)],
      ["ES256", (m) => m.set(3, -7)],
      ["unknown", (m) => m.set(3, -65000)],
      ["text", (m) => m.set(3, "ML-DSA-99")],
      ["other set", (m) => m.set(3, -48)],
      ["short pub", (m) => m.set(-1, (m.get(-1) as Uint8Array).subarray(1))],
      ["no pub", (m) => m.delete(-1)],
      ["pub not bytes", (m) => m.set(-1, 7)],
      ["priv 64", (m) => m.set(-2, new Uint8Array(64))],
    ];
    for (const [what, change] of variants) {
      const m = new Map(base);
      change(m);
      expect([what, await codeOf(() => decodeCoseKey(m))]).toEqual([what, "COSE_BAD_KEY"]);
    }
  });

  it("accepts the 32-byte seed as priv and the text alg name; JWK refusals match", async () => {
    const key = decodeCoseKey(katSubjectKeyBytes("cbor_mldsa65_zero.cbor"));
    const withSeed = decodeCoseKey(new Map(coseKeyToMap(key)).set(-2, new Uint8Array(32)).set(3, "ML-DSA-65"));
    expect(withSeed).toMatchObject({ kty: "AKP", alg: "ML-DSA-65", priv: new Uint8Array(32) });
    expect(coseKeyToJwk(withSeed).priv).toBe(toBase64Url(new Uint8Array(32)));
    const jwk = coseKeyToJwk(key);
    expect(await codeOf(() => coseKeyFromJwk({ ...jwk, alg: undefined }))).toBe("COSE_BAD_KEY");
    expect(await codeOf(() => coseKeyFromJwk({ ...jwk, alg: "ES256" }))).toBe("COSE_BAD_KEY");
    expect(await codeOf(() => coseKeyFromJwk({ ...jwk, pub: "AAAA" }))).toBe("COSE_BAD_KEY");
    expect(await codeOf(() => coseKeyFromPublicKey(publicKeyFromCoseKey(key), { alg: -50 }))).toBe("COSE_BAD_KEY");
  });

  it("mutation fuzzing of an AKP COSE_Key: every flip and truncation is a key or a RotkitError", () => {
    const bytes = katSubjectKeyBytes("cbor_mldsa65_zero.cbor");
    // The 1952 pub bytes decode to a key whatever their value: mutate the map structure (first 16 bytes) fully.
    const head = [...singleByteMutations(bytes)].filter((m) => m.at < 16);
    const flips = expectOnlyRotkitErrors((b) => publicKeyFromCoseKey(decodeCoseKey(b)), head);
    const cuts = expectOnlyRotkitErrors((b) => decodeCoseKey(b), truncations(bytes));
    expect(flips.rejected).toBeGreaterThan(20);
    expect(cuts.ok).toBe(0);
  });

  it("property: any pub of the right length round-trips PublicKey → COSE_Key → CBOR → PublicKey", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALGS), fc.integer({ min: 0, max: 255 }), ([alg], fill) => {
        const pub = new Uint8Array({ "ML-DSA-44": 1312, "ML-DSA-65": 1952, "ML-DSA-87": 2592 }[alg]).fill(fill);
        const pk = mlDsaPublicKey(alg, pub);
        expect(publicKeyFromCoseKey(decodeCoseKey(encodeCoseKey(coseKeyFromPublicKey(pk))))).toEqual(pk);
      }),
      { numRuns: 30 },
    );
  });
});
