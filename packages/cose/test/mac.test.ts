import { CborTag, decodeCbor, encodeCbor, nobleProvider, utf8Encode, webCryptoProvider } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { coseKeyFromJwk } from "../src/key.js";
import { createCoseMac, decodeCoseMacUnverified, verifyCoseMac } from "../src/mac.js";
import { createCoseMac0, decodeCoseMac0Unverified, verifyCoseMac0 } from "../src/mac0.js";
import { code } from "./helpers/errors.js";

const payload = utf8Encode("This is the content.");
const providers = [nobleProvider(), webCryptoProvider()];

const ALGS: [string, number][] = [
  ["HS256/64", 32],
  ["HS256", 32],
  ["HS384", 48],
  ["HS512", 64],
  ["AES-MAC-128/64", 16],
  ["AES-MAC-256/64", 32],
  ["AES-MAC-128/128", 16],
  ["AES-MAC-256/128", 32],
];

describe("COSE_Mac0", () => {
  for (const [alg, len] of ALGS) {
    it(`${alg} round trip on both providers`, async () => {
      const key = new Uint8Array(len).map((_, i) => i + 1);
      for (const provider of providers) {
        const msg = await createCoseMac0({ payload }, { key, alg, provider });
        const r = await verifyCoseMac0(msg, { key, provider });
        expect(r.payload).toEqual(payload);
        expect(r.alg.name.length).toBeGreaterThan(0);
        const other = key.slice();
        other[0] = (other[0] as number) ^ 1;
        expect(await code(() => verifyCoseMac0(msg, { key: other, provider }))).toBe("COSE_BAD_MAC");
        expect(await code(() => verifyCoseMac0(msg, { key: key.subarray(0, len - 1), provider }))).toBe("COSE_BAD_KEY");
      }
    });
  }

  it("negatives", async () => {
    const provider = nobleProvider();
    const key = new Uint8Array(32).fill(7);
    const msg = await createCoseMac0({ payload }, { key, alg: "HS256", provider });
    const arr = (decodeCbor(msg) as CborTag).value as unknown[];
    const shortTag = encodeCbor(
      new CborTag(17, [arr[0], arr[1], arr[2], (arr[3] as Uint8Array).subarray(0, 8)] as never),
    );
    expect(await code(() => verifyCoseMac0(shortTag, { key, provider }))).toBe("COSE_BAD_MAC");
    expect(await code(() => verifyCoseMac0(encodeCbor(new CborTag(18, arr as never)), { key, provider }))).toBe(
      "COSE_WRONG_TAG",
    );
    const sig = encodeCbor(new CborTag(17, [encodeCbor(new Map([[1, -7]])), arr[1], arr[2], arr[3]] as never));
    expect(await code(() => verifyCoseMac0(sig, { key, provider }))).toBe("COSE_ALG_MISMATCH");
    const restricted = coseKeyFromJwk({ kty: "oct", k: "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc", alg: "HS512" });
    expect(await code(() => verifyCoseMac0(msg, { key: restricted, provider }))).toBe("COSE_ALG_MISMATCH");
    expect(await code(() => verifyCoseMac0(msg, { key: { kty: "EC2" } as never, provider }))).toBe("COSE_BAD_KEY");
    const det = await createCoseMac0({ payload, detached: true }, { key, alg: 5, provider });
    expect(decodeCoseMac0Unverified(det).payload).toBeNull();
    expect(await code(() => verifyCoseMac0(det, { key, provider }))).toBe("COSE_DETACHED_PAYLOAD_REQUIRED");
    await verifyCoseMac0(det, { key, provider, detachedPayload: payload });
    expect(await code(() => createCoseMac0({ payload }, { key, provider }))).toBe("INVALID_ARGUMENT");
    expect(await code(() => createCoseMac0({ payload }, { key, provider, alg: -7 }))).toBe("COSE_ALG_MISMATCH");
  });
});

describe("COSE_Mac with recipients", () => {
  it("direct and AES key wrap recipients", async () => {
    for (const provider of providers) {
      const key = new Uint8Array(32).fill(9);
      const kid = utf8Encode("our-secret");
      const msg = await createCoseMac({ payload }, { provider, alg: "HS256", recipients: [{ alg: -6, kid, key }] });
      const r = await verifyCoseMac(msg, { provider, recipientKeys: [{ kid, key }] });
      expect(r.payload).toEqual(payload);
      expect(
        await code(() => verifyCoseMac(msg, { provider, recipientKeys: [{ kid, key: new Uint8Array(32) }] })),
      ).toBe("COSE_BAD_MAC");
      const kek = new Uint8Array(16).fill(3);
      const wrapped = await createCoseMac(
        { payload },
        { provider, alg: "HS512", recipients: [{ alg: -3, kid, key: kek }] },
      );
      expect(decodeCoseMacUnverified(wrapped).recipients.length).toBe(1);
      await verifyCoseMac(wrapped, { provider, recipientKeys: [{ kid, key: kek }] });
      expect(await code(() => verifyCoseMac(wrapped, { provider, recipientKeys: [] }))).toBe("COSE_NO_RECIPIENT");
    }
  });
});
