import {
  CborTag,
  decodeCbor,
  encodeCbor,
  nobleProvider,
  type SignatureAlg,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { coseKeyFromPublicKey } from "../src/key.js";
import {
  decodeCoseSign1Unverified,
  decodeCoseSign1Value,
  prepareCoseSign1,
  signCoseSign1,
  verifyCoseSign1,
  verifyDecodedCoseSign1,
} from "../src/sign1.js";
import { checkSignatureInputs, providerVerify } from "../src/signature.js";
import { sigStructure1 } from "../src/structures.js";
import { code } from "./helpers/errors.js";
import { testKey } from "./helpers/keys.js";

const providers = [nobleProvider(), webCryptoProvider()];
const ALGS: SignatureAlg[] = [
  "ES256",
  "ES384",
  "ES512",
  "ESP256",
  "ESP384",
  "ESP512",
  "EdDSA",
  "Ed25519",
  "Ed448",
  "PS256",
  "PS384",
  "PS512",
  "RS256",
  "RS384",
  "RS512",
];
const payload = utf8Encode("This is the content.");

describe("COSE_Sign1 round trips", () => {
  for (const alg of ALGS) {
    it(`${alg} signs and verifies with both providers`, async () => {
      const key = testKey(alg);
      const msg = await signCoseSign1({ payload, externalAad: utf8Encode("aad") }, key);
      for (const provider of providers) {
        const r = await verifyCoseSign1(msg, { key: key.publicKey, provider, externalAad: utf8Encode("aad") });
        expect(r.payload).toEqual(payload);
        expect(r.alg.name).toBe(alg);
        expect(await code(() => verifyCoseSign1(msg, { key: key.publicKey, provider }))).toBe("COSE_BAD_SIGNATURE");
      }
    });
  }
});

describe("COSE_Sign1 negatives", () => {
  const provider = nobleProvider();
  const key = testKey("ES256");

  it("detached payloads", async () => {
    const msg = await signCoseSign1({ payload, detached: true }, key);
    expect(decodeCoseSign1Unverified(msg).payload).toBeNull();
    expect(await code(() => verifyCoseSign1(msg, { key: key.publicKey, provider }))).toBe(
      "COSE_DETACHED_PAYLOAD_REQUIRED",
    );
    const r = await verifyCoseSign1(msg, { key: key.publicKey, provider, detachedPayload: payload });
    expect(r.payload).toEqual(payload);
    expect(
      await code(() => verifyCoseSign1(msg, { key: key.publicKey, provider, detachedPayload: utf8Encode("x") })),
    ).toBe("COSE_BAD_SIGNATURE");
    const attached = await signCoseSign1({ payload }, key);
    expect(
      await code(() => verifyCoseSign1(attached, { key: key.publicKey, provider, detachedPayload: payload })),
    ).toBe("COSE_MALFORMED");
  });

  it("tags", async () => {
    const untagged = await signCoseSign1({ payload, tagged: false }, key);
    await verifyCoseSign1(untagged, { key: key.publicKey, provider });
    expect(await code(() => verifyCoseSign1(untagged, { key: key.publicKey, provider, requireTag: true }))).toBe(
      "COSE_WRONG_TAG",
    );
    const tagged = await signCoseSign1({ payload }, key);
    const v = decodeCbor(tagged) as CborTag;
    const wrong = encodeCbor(new CborTag(17, v.value));
    expect(await code(() => verifyCoseSign1(wrong, { key: key.publicKey, provider }))).toBe("COSE_WRONG_TAG");
  });

  it("key / algorithm mismatches", async () => {
    const msg = await signCoseSign1({ payload }, key);
    const ed = testKey("EdDSA");
    expect(await code(() => verifyCoseSign1(msg, { key: ed.publicKey, provider }))).toBe("COSE_ALG_MISMATCH");
    const withAlg = coseKeyFromPublicKey(key.publicKey, { alg: -35 });
    expect(await code(() => verifyCoseSign1(msg, { key: withAlg, provider }))).toBe("COSE_ALG_MISMATCH");
    const okAlg = coseKeyFromPublicKey(key.publicKey, { alg: -7 });
    await verifyCoseSign1(msg, { key: okAlg, provider });
    expect(await code(() => verifyCoseSign1(msg, { key: key.publicKey, provider, allowedAlgs: ["EdDSA"] }))).toBe(
      "COSE_ALG_MISMATCH",
    );
    const p384 = testKey("ESP384");
    const m384 = await signCoseSign1({ payload }, p384);
    expect(await code(() => verifyCoseSign1(m384, { key: testKey("ES384").publicKey, provider }))).toBe(
      "COSE_BAD_SIGNATURE",
    );
    const p256 = testKey("ES256");
    expect(await code(() => verifyCoseSign1(m384, { key: p256.publicKey, provider }))).toBe("COSE_ALG_MISMATCH");
    expect(await code(() => verifyCoseSign1(msg, { key: () => undefined, provider }))).toBe("COSE_NO_KEY");
    expect(
      await code(() =>
        verifyCoseSign1(msg, {
          key: () => {
            throw new Error("db down");
          },
          provider,
        }),
      ),
    ).toBe("COSE_NO_KEY");
    expect(await code(() => signCoseSign1({ payload, protected: new Map([[1, -35]]) }, key))).toBe("COSE_ALG_MISMATCH");
  });

  it("signature length and unknown algorithms", async () => {
    const msg = await signCoseSign1({ payload }, key);
    const arr = (decodeCbor(msg) as CborTag).value as unknown[];
    const short = encodeCbor(
      new CborTag(18, [arr[0], arr[1], arr[2], (arr[3] as Uint8Array).subarray(0, 63)] as never),
    );
    expect(await code(() => verifyCoseSign1(short, { key: key.publicKey, provider }))).toBe("COSE_BAD_SIGNATURE");
    for (const alg of [-999, "ES256", 5, -6]) {
      const p = encodeCbor(new Map([[1, alg]]));
      const m = encodeCbor(new CborTag(18, [p, new Map(), payload, arr[3]] as never));
      const c = await code(() => verifyCoseSign1(m, { key: key.publicKey, provider }));
      expect(["COSE_UNSUPPORTED_ALG", "COSE_ALG_MISMATCH"]).toContain(c);
    }
    const noAlg = encodeCbor(new CborTag(18, [new Uint8Array(0), new Map(), payload, arr[3]] as never));
    expect(await code(() => verifyCoseSign1(noAlg, { key: key.publicKey, provider }))).toBe("COSE_BAD_HEADER");
  });

  it("alg in the unprotected bucket is accepted unless requireProtectedAlg", async () => {
    const msg = await signCoseSign1({ payload, unprotected: new Map([[1, -7]]) }, key);
    expect(decodeCoseSign1Unverified(msg).headers.protected.bytes.length).toBe(0);
    await verifyCoseSign1(msg, { key: key.publicKey, provider });
    expect(await code(() => verifyCoseSign1(msg, { key: key.publicKey, provider, requireProtectedAlg: true }))).toBe(
      "COSE_BAD_HEADER",
    );
  });

  it("malformed structures", async () => {
    const cases: unknown[] = [
      [1, 2, 3],
      [new Uint8Array(0), new Map(), payload],
      [new Uint8Array(0), new Map(), payload, 5],
      [new Uint8Array(0), new Map(), 5, new Uint8Array(64)],
      [new Uint8Array(0), 7, payload, new Uint8Array(64)],
      "text",
    ];
    for (const c of cases) {
      expect(await code(() => verifyCoseSign1(encodeCbor(c as never), { key: key.publicKey, provider }))).toMatch(
        /^COSE_/,
      );
    }
  });
});

describe("COSE_Sign1 decoded once, verified with several keys", () => {
  const provider = nobleProvider();
  const key = testKey("ES256");
  const other = testKey("ESP256");
  const edKey = testKey("Ed25519");

  it("verifies what decodeCoseSign1Unverified / decodeCoseSign1Value returned, with the same checks", async () => {
    const msg = await signCoseSign1({ payload, detached: true }, key);
    const fromBytes = decodeCoseSign1Unverified(msg, { requireTag: true });
    const fromValue = decodeCoseSign1Value(decodeCbor(msg), { requireTag: true });
    expect(fromValue.signature).toEqual(fromBytes.signature);
    for (const decoded of [fromBytes, fromValue]) {
      // Wrong keys first (another P-256 key, a key of another type), then the right one, on the same decoded message.
      expect(
        await code(() => verifyDecodedCoseSign1(decoded, { key: other.publicKey, provider, detachedPayload: payload })),
      ).toBe("COSE_BAD_SIGNATURE");
      expect(
        await code(() => verifyDecodedCoseSign1(decoded, { key: edKey.publicKey, provider, detachedPayload: payload })),
      ).toBe("COSE_ALG_MISMATCH");
      const v = await verifyDecodedCoseSign1(decoded, { key: key.publicKey, provider, detachedPayload: payload });
      expect(v.payload).toEqual(payload);
      expect(v.alg.name).toBe("ES256");
      expect(await code(() => verifyDecodedCoseSign1(decoded, { key: key.publicKey, provider }))).toBe(
        "COSE_DETACHED_PAYLOAD_REQUIRED",
      );
      const tampered = Uint8Array.from(payload, (b, i) => (i === 0 ? b ^ 1 : b));
      expect(
        await code(() => verifyDecodedCoseSign1(decoded, { key: key.publicKey, provider, detachedPayload: tampered })),
      ).toBe("COSE_BAD_SIGNATURE");
    }
  });

  it("refuses look-alikes it did not decode, and checks the shape of a decoded value", async () => {
    const msg = await signCoseSign1({ payload }, key);
    const decoded = decodeCoseSign1Unverified(msg);
    const copy = { ...decoded };
    expect(await code(() => verifyDecodedCoseSign1(copy, { key: key.publicKey, provider }))).toBe("INVALID_ARGUMENT");
    expect(await code(() => verifyDecodedCoseSign1(decoded, undefined as never))).toBe("INVALID_ARGUMENT");
    const untagged = (decodeCbor(msg) as CborTag).value;
    expect(await code(() => decodeCoseSign1Value(untagged, { requireTag: true }))).toBe("COSE_WRONG_TAG");
    expect(await code(() => decodeCoseSign1Value(new CborTag(17, untagged)))).toBe("COSE_WRONG_TAG");
    expect(await code(() => decodeCoseSign1Value([1, 2, 3]))).toBe("COSE_MALFORMED");
    expect(
      (await verifyDecodedCoseSign1(decodeCoseSign1Value(untagged), { key: key.publicKey, provider })).payload,
    ).toEqual(payload);
  });
});

describe("prepareCoseSign1", () => {
  const provider = webCryptoProvider();
  const key = testKey("ESP256");

  it("gives the checked algorithm, payload, kid and Sig_structure that verifyDecodedCoseSign1 verifies", async () => {
    const kid = utf8Encode("author");
    const msg = await signCoseSign1({ payload, detached: true, unprotected: new Map([[4, kid]]) }, key);
    const decoded = decodeCoseSign1Unverified(msg);
    const p = prepareCoseSign1(decoded, { detachedPayload: payload });
    expect(p.alg.id).toBe(-9);
    expect(p.kid).toEqual(kid);
    expect(p.payload).toBe(payload);
    expect(p.toBeSigned).toEqual(sigStructure1(decoded.headers.protected.bytes, new Uint8Array(0), payload));
    const pk = checkSignatureInputs(provider, p.alg, key.publicKey, p.signature, "COSE_Sign1");
    await providerVerify(provider, p.alg, pk, p.toBeSigned, p.signature, "COSE_Sign1");
    // The same checks as the one-call verifier, before any key is involved.
    expect(await code(() => prepareCoseSign1(decoded, {}))).toBe("COSE_DETACHED_PAYLOAD_REQUIRED");
    expect(await code(() => prepareCoseSign1(decoded, { detachedPayload: payload, allowedAlgs: ["ES256"] }))).toBe(
      "COSE_ALG_MISMATCH",
    );
    expect(await code(() => prepareCoseSign1({ ...decoded }, { detachedPayload: payload }))).toBe("INVALID_ARGUMENT");
    const aad = prepareCoseSign1(decoded, { detachedPayload: payload, externalAad: Uint8Array.of(1) });
    expect(await code(() => providerVerify(provider, aad.alg, pk, aad.toBeSigned, aad.signature, "COSE_Sign1"))).toBe(
      "COSE_BAD_SIGNATURE",
    );
  });
});

describe("to-be-signed structures", () => {
  // The direct writer must give exactly what the general deterministic encoder gives, at every head size.
  it("match the general encoder for every length class", async () => {
    const { encodeCbor } = await import("@rotkit/core");
    const { sigStructure1, sigStructure, macStructure, countersignStructure } = await import("@rotkit/cose");
    for (const n of [0, 1, 23, 24, 255, 256, 65535, 65536, 70000]) {
      const payload = new Uint8Array(n).map((_, i) => i & 0xff);
      const p = Uint8Array.of(0xa1, 0x01, 0x26);
      const aad = new Uint8Array(n % 30);
      expect(sigStructure1(p, aad, payload)).toEqual(encodeCbor(["Signature1", p, aad, payload]));
      expect(sigStructure(p, p, aad, payload)).toEqual(encodeCbor(["Signature", p, p, aad, payload]));
      expect(macStructure("MAC0", p, aad, payload)).toEqual(encodeCbor(["MAC0", p, aad, payload]));
      expect(countersignStructure("CounterSignature0", p, new Uint8Array(0), aad, payload)).toEqual(
        encodeCbor(["CounterSignature0", p, new Uint8Array(0), aad, payload]),
      );
    }
  });
});
