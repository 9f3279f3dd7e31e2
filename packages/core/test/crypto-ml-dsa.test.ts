// ML-DSA (FIPS 204) in both providers: known answers from two independent implementations (BoringSSL through the
// Open-DICE KATs, Caliptra's ML-DSA-87 certificates), sign/verify round trips, the negative cases (flipped bits,
// wrong lengths, wrong parameter set or key type), SPKI (RFC 9881) and JWK (RFC 9964) forms, the software key handle,
// the WebCrypto native path and its fallback, property tests and mutation fuzzing.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CryptoProvider,
  decodeCbor,
  derBitStringBytes,
  derChildren,
  encodeCbor,
  expectDer,
  fromHex,
  generateSoftwareKey,
  ML_DSA_LENGTHS,
  type MlDsaAlg,
  mlDsaPublicKey,
  nobleProvider,
  type PublicKey,
  publicKeyFromSpki,
  publicKeyToJwk,
  publicKeyToSpki,
  type SubtleCryptoLike,
  softwareKeyHandle,
  toBase64Url,
  utf8Encode,
  webCryptoProvider,
} from "../src/index.js";
import { codeOf } from "./helpers/code-of.js";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "./helpers/mutate.js";

const VECTORS = new URL("../../../test-vectors/", import.meta.url).pathname;
const vector = (path: string) => new Uint8Array(readFileSync(`${VECTORS}${path}`));
const json = (path: string) => JSON.parse(readFileSync(`${VECTORS}${path}`, "utf8"));

const providers: [string, CryptoProvider][] = [
  ["noble", nobleProvider()],
  ["webcrypto", webCryptoProvider()],
];
const ALGS: MlDsaAlg[] = ["ML-DSA-44", "ML-DSA-65", "ML-DSA-87"];
const msg = utf8Encode("rotkit: sign me with a lattice");

function flip(bytes: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const out = bytes.slice();
  out[at] = (out[at] as number) ^ mask;
  return out;
}

/** tbsCertificate, signature and subjectPublicKeyInfo of a DER certificate (RFC 5280 §4.1), by core's DER reader. */
function certParts(der: Uint8Array): { tbs: Uint8Array; signature: Uint8Array; spki: Uint8Array } {
  const top = expectDer(der, 0, 0x30);
  const [tbsEl, , sigEl] = derChildren(top.contents, 3);
  if (!tbsEl || !sigEl) throw new Error("not a certificate");
  const tbs = top.contents.subarray(tbsEl.start, tbsEl.end);
  const fields = derChildren(tbsEl.contents, 10);
  const spkiEl = fields[(fields[0]?.tag === 0xa0 ? 1 : 0) + 5] as { start: number; end: number };
  return { tbs, signature: derBitStringBytes(sigEl), spki: tbsEl.contents.subarray(spkiEl.start, spkiEl.end) };
}

// Open-DICE "Cryptography" → "Salt": ASYM_SALT; the authority key seed is KDF(32, CDI_Attest, ASYM_SALT, "Key Pair").
const ASYM_SALT = fromHex(
  "63b6a04d2c077fc10f639f21da793844356cc2b0b441b3a77124035c03f8e1be" +
    "6035d31f282821a7450a02222ab1b3cff1679b05ab1ca5d1affb789ccd2b0b3b",
);

async function openDiceKey(alg: MlDsaAlg, cdiAttestHex: string): Promise<PublicKey> {
  const seed = await nobleProvider().hkdf("SHA-512", fromHex(cdiAttestHex), ASYM_SALT, utf8Encode("Key Pair"), 32);
  return softwareKeyHandle(alg, seed).publicKey;
}

describe.each(providers)("ML-DSA known answers @%s", (_n, p) => {
  it("Caliptra ML-DSA-87: the FMC alias certificate verifies under the LDevID certificate's key (RFC 9881)", async () => {
    const ldevid = certParts(vector("dice-caliptra/ldevid_cert_mldsa.der"));
    const fmc = certParts(vector("dice-caliptra/fmc_alias_cert_mldsa.der"));
    const key = publicKeyFromSpki(ldevid.spki);
    expect(key).toMatchObject({ kty: "AKP", alg: "ML-DSA-87" });
    expect(fmc.signature).toHaveLength(4627);
    expect(await p.verify("ML-DSA-87", key, fmc.tbs, fmc.signature)).toBe(true);
    expect(await p.verify("ML-DSA-87", key, flip(fmc.tbs, 40), fmc.signature)).toBe(false);
    expect(await p.verify("ML-DSA-87", key, fmc.tbs, flip(fmc.signature, 7))).toBe(false);
  });

  it("Open-DICE (BoringSSL) ML-DSA-65 / -87: keys from the KAT seeds match, CBOR and X.509 signatures verify", async () => {
    const issuers = json("open-dice-kat/issuers.json");
    const next = json("open-dice-kat/expected_cdis.json");
    for (const [alg, tag] of [
      ["ML-DSA-65", "mldsa65"],
      ["ML-DSA-87", "mldsa87"],
    ] as const) {
      // The subject key of the "zero" certificate is KeyGen_internal of the next layer's seed: a keygen answer.
      const sign1 = decodeCbor(vector(`open-dice-kat/cbor_${tag}_zero.cbor`)) as [
        Uint8Array,
        unknown,
        Uint8Array,
        Uint8Array,
      ];
      const claims = decodeCbor(sign1[2]) as Map<number, unknown>;
      const coseKey = decodeCbor(claims.get(-4670552) as Uint8Array) as Map<number, unknown>;
      const subject = await openDiceKey(alg, next.zero.cdi_attest_hex);
      expect((subject as { pub: Uint8Array }).pub).toEqual(coseKey.get(-1));
      // The COSE_Sign1 signature (RFC 9052 §4.4 Sig_structure) under the current layer's key: a verify answer.
      const issuer = await openDiceKey(alg, issuers.zero.current_cdi_attest_hex);
      const tbs = encodeCbor(["Signature1", sign1[0], new Uint8Array(0), sign1[2]]);
      expect(await p.verify(alg, issuer, tbs, sign1[3])).toBe(true);
      expect(await p.verify(alg, issuer, tbs, flip(sign1[3], 1000, 0x10))).toBe(false);
    }
    const x509 = certParts(vector("open-dice-kat/x509_mldsa65_descriptor.der"));
    const key = await openDiceKey("ML-DSA-65", issuers.descriptor.current_cdi_attest_hex);
    expect(await p.verify("ML-DSA-65", key, x509.tbs, x509.signature)).toBe(true);
    expect(publicKeyFromSpki(x509.spki)).toEqual(await openDiceKey("ML-DSA-65", next.descriptor.cdi_attest_hex));
  });
});

describe.each(providers)("ML-DSA sign/verify @%s", (_n, p) => {
  it.each(ALGS)("%s round trip and negatives", async (alg) => {
    const key = await generateSoftwareKey(alg);
    const sig = await key.sign(msg);
    expect(sig).toHaveLength(ML_DSA_LENGTHS[alg].signature);
    expect(await p.verify(alg, key.publicKey, msg, sig)).toBe(true);
    expect(await p.verify(alg, key.publicKey, utf8Encode("other"), sig)).toBe(false);
    for (const at of [0, 100, sig.length - 1])
      expect(await p.verify(alg, key.publicKey, msg, flip(sig, at))).toBe(false);
    expect(await p.verify(alg, key.publicKey, msg, sig.subarray(1))).toBe(false);
    expect(await p.verify(alg, key.publicKey, msg, new Uint8Array([...sig, 0]))).toBe(false);
    expect(await p.verify(alg, key.publicKey, msg, new Uint8Array(0))).toBe(false);
    // A key from another seed, and the hedged signer: two signatures of one message differ, both verify.
    const other = await generateSoftwareKey(alg);
    expect(await p.verify(alg, other.publicKey, msg, sig)).toBe(false);
    const again = await key.sign(msg);
    expect(again).not.toEqual(sig);
    expect(await p.verify(alg, key.publicKey, msg, again)).toBe(true);
  });

  it("refuses a key of another parameter set, a wrong length or another key type (CRYPTO_INVALID_KEY)", async () => {
    const key = await generateSoftwareKey("ML-DSA-44");
    const sig = await key.sign(msg);
    const pub = (key.publicKey as { pub: Uint8Array }).pub;
    expect(await codeOf(() => p.verify("ML-DSA-65", key.publicKey, msg, sig))).toBe("CRYPTO_INVALID_KEY");
    const relabelled = { kty: "AKP", alg: "ML-DSA-65", pub } as PublicKey;
    expect(await codeOf(() => p.verify("ML-DSA-65", relabelled, msg, sig))).toBe("CRYPTO_INVALID_KEY");
    const short = { kty: "AKP", alg: "ML-DSA-44", pub: pub.subarray(1) } as PublicKey;
    expect(await codeOf(() => p.verify("ML-DSA-44", short, msg, sig))).toBe("CRYPTO_INVALID_KEY");
    const ed = await generateSoftwareKey("Ed25519");
    expect(await codeOf(() => p.verify("ML-DSA-44", ed.publicKey, msg, sig))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(() => p.verify("Ed25519", key.publicKey, msg, sig))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(() => p.verify("ES256", key.publicKey, msg, sig))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(() => p.verify("ML-DSA-99" as MlDsaAlg, key.publicKey, msg, sig))).toBe(
      "CRYPTO_UNSUPPORTED_ALG",
    );
  });

  it("mutation fuzzing: a mutated signature is false, never a throw", async () => {
    const key = await generateSoftwareKey("ML-DSA-44");
    const sig = await key.sign(msg);
    const outcomes = new Set<boolean>();
    let n = 0;
    for (const m of singleByteMutations(sig, [0x01, 0x80, 0xff])) {
      if (m.at % 97 !== 0 && m.at < sig.length - 90) continue; // a spread sample plus the hint bytes at the end
      outcomes.add(await p.verify("ML-DSA-44", key.publicKey, msg, m.bytes));
      n++;
    }
    expect(n).toBeGreaterThan(300);
    expect([...outcomes]).toEqual([false]);
  });
});

describe("ML-DSA keys", () => {
  it("SPKI (RFC 9881): round trip, absent parameters, exact length", async () => {
    for (const alg of ALGS) {
      const key = (await generateSoftwareKey(alg)).publicKey;
      const spki = publicKeyToSpki(key);
      expect(spki).toHaveLength(ML_DSA_LENGTHS[alg].publicKey + 22);
      expect(publicKeyFromSpki(spki)).toEqual(key);
    }
    const spki = publicKeyToSpki((await generateSoftwareKey("ML-DSA-44")).publicKey);
    // AlgorithmIdentifier with a NULL parameter: RFC 9881 §2 says absent.
    const withNull = Uint8Array.of(
      0x30,
      0x82,
      0x05,
      0x34,
      0x30,
      0x0d,
      ...spki.subarray(6, 17),
      0x05,
      0x00,
      ...spki.subarray(17),
    );
    expect(await codeOf(() => publicKeyFromSpki(withNull))).toBe("ENCODING_INVALID");
    // A BIT STRING one byte short (outer lengths adjusted).
    const short = Uint8Array.of(
      0x30,
      0x82,
      0x05,
      0x31,
      ...spki.subarray(4, 17),
      0x03,
      0x82,
      0x05,
      0x20,
      ...spki.subarray(21, -1),
    );
    expect(await codeOf(() => publicKeyFromSpki(short))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(() => publicKeyToSpki({ kty: "AKP", alg: "ML-DSA-65", pub: new Uint8Array(1312) }))).toBe(
      "CRYPTO_INVALID_KEY",
    );
  });

  it("property: any pub of the right length round-trips through SPKI and JWK unchanged", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALGS), fc.uint8Array({ minLength: 16, maxLength: 16 }), (alg, tile) => {
        const pub = new Uint8Array(ML_DSA_LENGTHS[alg].publicKey).map((_, i) => tile[i % 16] as number);
        const key = mlDsaPublicKey(alg, pub);
        expect(publicKeyFromSpki(publicKeyToSpki(key))).toEqual(key);
        expect(publicKeyToJwk(key)).toEqual({ kty: "AKP", alg, pub: toBase64Url(pub) });
      }),
      { numRuns: 50 },
    );
  });

  it("SPKI mutation fuzzing: every flip and truncation is a key or a RotkitError", () => {
    // Flips inside the key body give another valid key; the header bytes (lengths, OID, unused bits) are the parser's.
    const spki = publicKeyToSpki(mlDsaPublicKey("ML-DSA-44", new Uint8Array(1312).fill(7)));
    const header = [...singleByteMutations(spki)].filter((m) => m.at < 40).map((m) => m.bytes);
    const a = expectOnlyRotkitErrors((b) => publicKeyFromSpki(b), header);
    const t = expectOnlyRotkitErrors((b) => publicKeyFromSpki(b), truncations(spki));
    expect(a.rejected).toBeGreaterThan(100);
    expect(t.ok).toBe(0);
  });

  it("software key handle: seed or AKP JWK (RFC 9964), JWK export, bad inputs", async () => {
    const seed = fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const key = softwareKeyHandle("ML-DSA-65", seed, { kid: utf8Encode("pq-1") });
    expect(key.publicKey).toMatchObject({ kty: "AKP", alg: "ML-DSA-65" });
    expect(key.kid).toEqual(utf8Encode("pq-1"));
    const jwk = publicKeyToJwk(key.publicKey);
    expect(jwk).toEqual({ kty: "AKP", alg: "ML-DSA-65", pub: toBase64Url((key.publicKey as { pub: Uint8Array }).pub) });
    const fromJwk = softwareKeyHandle("ML-DSA-65", {
      kty: "AKP",
      alg: "ML-DSA-65",
      pub: jwk.pub,
      priv: toBase64Url(seed),
    });
    expect(fromJwk.publicKey).toEqual(key.publicKey);
    expect(await nobleProvider().verify("ML-DSA-65", key.publicKey, msg, await fromJwk.sign(msg))).toBe(true);
    const otherPub = toBase64Url(new Uint8Array(1952));
    for (const bad of [
      () => softwareKeyHandle("ML-DSA-65", seed.subarray(1)),
      () => softwareKeyHandle("ML-DSA-65", { kty: "OKP", priv: toBase64Url(seed) }),
      () => softwareKeyHandle("ML-DSA-65", { kty: "AKP", alg: "ML-DSA-44", priv: toBase64Url(seed) }),
      () => softwareKeyHandle("ML-DSA-65", { kty: "AKP", alg: "ML-DSA-65", pub: otherPub, priv: toBase64Url(seed) }),
      () => softwareKeyHandle("ML-DSA-65", { kty: "AKP", alg: "ML-DSA-65" }),
    ]) {
      expect(await codeOf(bad)).toBe("CRYPTO_INVALID_KEY");
    }
    expect(await codeOf(() => mlDsaPublicKey("ML-DSA-65", new Uint8Array(1951)))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(() => mlDsaPublicKey("ML-DSA-1" as MlDsaAlg, new Uint8Array(1952)))).toBe(
      "CRYPTO_UNSUPPORTED_ALG",
    );
  });

  it("property: any message signed by a seed's handle verifies in both providers; another message does not", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        async (seed, m, other) => {
          const key = softwareKeyHandle("ML-DSA-44", seed);
          const sig = await key.sign(m);
          for (const [, p] of providers) {
            expect(await p.verify("ML-DSA-44", key.publicKey, m, sig)).toBe(true);
            const differs = other.length !== m.length || other.some((b, i) => b !== m[i]);
            if (differs) expect(await p.verify("ML-DSA-44", key.publicKey, other, sig)).toBe(false);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});

/** A SubtleCrypto that implements ML-DSA through noble (as Node >= 24.7 does natively) and counts the calls. */
function mlDsaSubtle(native: boolean): { subtle: SubtleCryptoLike; calls: { imports: number; verifies: number } } {
  const real = (globalThis as { crypto: { subtle: SubtleCryptoLike } }).crypto.subtle;
  const calls = { imports: 0, verifies: 0 };
  const portable = nobleProvider();
  const keys = new WeakMap<object, PublicKey>();
  const subtle = Object.create(real) as SubtleCryptoLike;
  const name = (a: unknown) => (typeof a === "string" ? a : (a as { name: string }).name);
  subtle.importKey = (async (format: string, data: Uint8Array, alg: unknown, ext: boolean, usages: string[]) => {
    if (!name(alg).startsWith("ML-DSA")) return real.importKey(format as "raw", data, alg as string, ext, usages);
    calls.imports++;
    if (!native || format !== "raw-public") throw Object.assign(new Error("no ML-DSA"), { name: "NotSupportedError" });
    const handle = { type: "public", extractable: false };
    keys.set(handle, { kty: "AKP", alg: name(alg) as MlDsaAlg, pub: data.slice() });
    return handle;
  }) as SubtleCryptoLike["importKey"];
  subtle.verify = async (alg, key, sig, data) => {
    if (!name(alg).startsWith("ML-DSA")) return real.verify(alg, key, sig, data);
    calls.verifies++;
    if ((alg as { context?: unknown }).context !== undefined) throw new Error("a context was passed");
    return portable.verify(name(alg) as MlDsaAlg, keys.get(key) as PublicKey, data, sig);
  };
  return { subtle, calls };
}

describe("webCryptoProvider: native ML-DSA where the host has it, noble otherwise", () => {
  it("uses the host's ML-DSA (raw-public import, no context) and caches the imported key", async () => {
    const { subtle, calls } = mlDsaSubtle(true);
    const p = webCryptoProvider(subtle);
    const key = await generateSoftwareKey("ML-DSA-65");
    const sig = await key.sign(msg);
    expect(await p.verify("ML-DSA-65", key.publicKey, msg, sig)).toBe(true);
    expect(await p.verify("ML-DSA-65", key.publicKey, msg, flip(sig, 5))).toBe(false);
    expect(await p.verify("ML-DSA-65", key.publicKey, msg, sig.subarray(2))).toBe(false);
    expect(calls).toEqual({ imports: 1, verifies: 2 });
  });

  it("detects a host without ML-DSA once per parameter set and falls back to noble", async () => {
    const { subtle, calls } = mlDsaSubtle(false);
    const p = webCryptoProvider(subtle);
    for (let i = 0; i < 3; i++) {
      const key = await generateSoftwareKey("ML-DSA-44");
      const sig = await key.sign(msg);
      expect(await p.verify("ML-DSA-44", key.publicKey, msg, sig)).toBe(true);
      expect(await p.verify("ML-DSA-44", key.publicKey, msg, flip(sig, 9))).toBe(false);
    }
    expect(calls).toEqual({ imports: 1, verifies: 0 });
  });
});
