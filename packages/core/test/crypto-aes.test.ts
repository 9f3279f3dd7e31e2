// AES modes: RFC test vectors (RFC 3610 CCM packet vector #1, RFC 3394 §4.1 key wrap), cross-checks against
// node:crypto as an independent oracle (CCM, CBC-MAC, GCM with odd IVs), and the failure codes.
import { createCipheriv } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aesCbcMac,
  aesCcmDecrypt,
  aesCcmEncrypt,
  aesGcmDecrypt,
  aesGcmEncrypt,
  aesKeyUnwrap,
  aesKeyWrap,
  type CryptoProvider,
  fromHex,
  isRotkitError,
  nobleProvider,
  type RotkitError,
  toHex,
  webCryptoProvider,
} from "../src/index.js";

const providers: CryptoProvider[] = [nobleProvider(), webCryptoProvider()];

function expectCode(f: () => unknown, code: string): void {
  try {
    f();
  } catch (e) {
    expect(isRotkitError(e)).toBe(true);
    expect((e as RotkitError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

async function expectCodeAsync(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toSatisfy((e: unknown) => isRotkitError(e) && (e as RotkitError).code === code);
}

describe("AES-CCM (RFC 3610)", () => {
  // RFC 3610 §8, Packet Vector #1: 8 header octets as AAD, 23 payload octets, M = 8, 13-byte nonce (L = 2).
  const key = fromHex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf");
  const nonce = fromHex("00000003020100a0a1a2a3a4a5");
  const aad = fromHex("0001020304050607");
  const pt = fromHex("08090a0b0c0d0e0f101112131415161718191a1b1c1d1e");
  const expected = "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0";

  it("packet vector #1", () => {
    expect(toHex(aesCcmEncrypt(key, nonce, aad, pt, 8))).toBe(expected);
    expect(toHex(aesCcmDecrypt(key, nonce, aad, fromHex(expected), 8))).toBe(toHex(pt));
  });

  it.each(providers.map((p) => [p.name, p] as const))("packet vector #1 via %s", async (_n, p) => {
    const params = { key, iv: nonce, aad, tagLength: 8 };
    expect(toHex(await p.aeadEncrypt("AES-CCM", params, pt))).toBe(expected);
    expect(toHex(await p.aeadDecrypt("AES-CCM", params, fromHex(expected)))).toBe(toHex(pt));
    const bad = fromHex(expected);
    bad[3] = (bad[3] as number) ^ 1;
    await expectCodeAsync(p.aeadDecrypt("AES-CCM", params, bad), "CRYPTO_DECRYPT_FAILED");
    await expectCodeAsync(
      p.aeadDecrypt("AES-CCM", { key, iv: nonce, aad }, fromHex(expected)),
      "CRYPTO_INVALID_LENGTH",
    );
  });

  it("matches node:crypto for every nonce length 7..13 and tag length (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 24, 32),
        fc.integer({ min: 7, max: 13 }),
        fc.constantFrom(4, 6, 8, 10, 12, 14, 16),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 70 }),
        fc.integer(),
        (keyLen, nonceLen, tagLen, msg, a, seed) => {
          const k = Uint8Array.from({ length: keyLen }, (_, i) => (i * 31 + seed) & 0xff);
          const n = Uint8Array.from({ length: nonceLen }, (_, i) => (i * 7 + seed) & 0xff);
          const c = createCipheriv(`aes-${keyLen * 8}-ccm` as "aes-128-ccm", k, n, { authTagLength: tagLen });
          c.setAAD(a, { plaintextLength: msg.length });
          const oracle = Buffer.concat([c.update(msg), c.final(), c.getAuthTag()]);
          const mine = aesCcmEncrypt(k, n, a, msg, tagLen);
          expect(toHex(mine)).toBe(oracle.toString("hex"));
          expect(toHex(aesCcmDecrypt(k, n, a, mine, tagLen))).toBe(toHex(msg));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("rejects bad lengths with CRYPTO_INVALID_LENGTH", () => {
    expectCode(() => aesCcmEncrypt(key, new Uint8Array(6), aad, pt, 8), "CRYPTO_INVALID_LENGTH");
    expectCode(() => aesCcmEncrypt(key, new Uint8Array(14), aad, pt, 8), "CRYPTO_INVALID_LENGTH");
    expectCode(() => aesCcmEncrypt(key, nonce, aad, pt, 7), "CRYPTO_INVALID_LENGTH");
    expectCode(() => aesCcmEncrypt(key, nonce, aad, pt, 18), "CRYPTO_INVALID_LENGTH");
    expectCode(() => aesCcmEncrypt(new Uint8Array(15), nonce, aad, pt, 8), "CRYPTO_INVALID_LENGTH");
    // L = 2 (13-byte nonce): messages of 2^16 bytes or more do not fit l(m).
    expectCode(() => aesCcmEncrypt(key, nonce, aad, new Uint8Array(65536), 8), "CRYPTO_INVALID_LENGTH");
    expectCode(() => aesCcmDecrypt(key, nonce, aad, new Uint8Array(3), 8), "CRYPTO_DECRYPT_FAILED");
  });
});

describe("AES Key Wrap (RFC 3394)", () => {
  it("§4.1: 128-bit key data with a 128-bit KEK", () => {
    const kek = fromHex("000102030405060708090a0b0c0d0e0f");
    const keyData = fromHex("00112233445566778899aabbccddeeff");
    const wrapped = aesKeyWrap(kek, keyData);
    expect(toHex(wrapped)).toBe("1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
    expect(toHex(aesKeyUnwrap(kek, wrapped))).toBe(toHex(keyData));
  });

  it("§4.6: 256-bit key data with a 256-bit KEK matches node:crypto", () => {
    const kek = fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const keyData = fromHex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f");
    const c = createCipheriv("id-aes256-wrap", kek, Buffer.from("a6a6a6a6a6a6a6a6", "hex"));
    const oracle = Buffer.concat([c.update(keyData), c.final()]).toString("hex");
    expect(toHex(aesKeyWrap(kek, keyData))).toBe(oracle);
  });

  it.each(providers.map((p) => [p.name, p] as const))("integrity failure and lengths via %s", async (_n, p) => {
    const kek = new Uint8Array(16);
    const wrapped = await p.aesKeyWrap(kek, new Uint8Array(24).fill(7));
    wrapped[5] = (wrapped[5] as number) ^ 0x80;
    await expectCodeAsync(p.aesKeyUnwrap(kek, wrapped), "CRYPTO_UNWRAP_FAILED");
    await expectCodeAsync(p.aesKeyUnwrap(kek, new Uint8Array(20)), "CRYPTO_INVALID_LENGTH");
    await expectCodeAsync(p.aesKeyWrap(kek, new Uint8Array(8)), "CRYPTO_INVALID_LENGTH");
    await expectCodeAsync(p.aesKeyWrap(new Uint8Array(10), new Uint8Array(16)), "CRYPTO_INVALID_LENGTH");
  });
});

describe("AES-CBC-MAC (RFC 9053 §3.2)", () => {
  function oracle(key: Uint8Array, data: Uint8Array, t: number): string {
    const padded = new Uint8Array(Math.max(1, Math.ceil(data.length / 16)) * 16);
    padded.set(data);
    const c = createCipheriv(`aes-${key.length * 8}-cbc` as "aes-128-cbc", key, new Uint8Array(16));
    c.setAutoPadding(false);
    const out = Buffer.concat([c.update(padded), c.final()]);
    return out.subarray(out.length - 16, out.length - 16 + t).toString("hex");
  }
  it("matches CBC encryption with a zero IV over zero-padded data (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(16, 32), fc.uint8Array({ maxLength: 100 }), fc.constantFrom(8, 16), (kl, data, t) => {
        const key = Uint8Array.from({ length: kl }, (_, i) => i);
        expect(toHex(aesCbcMac(key, data, t))).toBe(oracle(key, data, t));
      }),
    );
  });
  it("checks the tag length", () => {
    expectCode(() => aesCbcMac(new Uint8Array(16), new Uint8Array(3), 4), "CRYPTO_INVALID_LENGTH");
    expectCode(() => aesCbcMac(new Uint8Array(16), new Uint8Array(3), 17), "CRYPTO_INVALID_LENGTH");
  });
});

describe("AES-GCM", () => {
  it("the generic GCM (short IVs, truncated tags) agrees with node:crypto (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 24, 32),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 12, max: 16 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 40 }),
        (kl, ivLen, t, msg, aad) => {
          const key = Uint8Array.from({ length: kl }, (_, i) => i * 3);
          const iv = Uint8Array.from({ length: ivLen }, (_, i) => 255 - i);
          const c = createCipheriv(`aes-${kl * 8}-gcm` as "aes-128-gcm", key, iv, { authTagLength: t });
          c.setAAD(aad);
          const oracle = Buffer.concat([c.update(msg), c.final(), c.getAuthTag()]).toString("hex");
          const mine = aesGcmEncrypt(key, iv, aad, msg, t);
          expect(toHex(mine)).toBe(oracle);
          expect(toHex(aesGcmDecrypt(key, iv, aad, mine, t))).toBe(toHex(msg));
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each(providers.map((p) => [p.name, p] as const))("round trip, tamper, and length checks via %s", async (_n, p) => {
    const params = { key: new Uint8Array(32).fill(1), iv: new Uint8Array(12).fill(2), aad: fromHex("a0a1") };
    const ct = await p.aeadEncrypt("AES-GCM", params, fromHex("00010203"));
    expect(toHex(await p.aeadDecrypt("AES-GCM", params, ct))).toBe("00010203");
    const bad = ct.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    await expectCodeAsync(p.aeadDecrypt("AES-GCM", params, bad), "CRYPTO_DECRYPT_FAILED");
    await expectCodeAsync(p.aeadDecrypt("AES-GCM", params, ct.subarray(0, 10)), "CRYPTO_DECRYPT_FAILED");
    await expectCodeAsync(p.aeadEncrypt("AES-GCM", { ...params, iv: new Uint8Array(0) }, ct), "CRYPTO_INVALID_LENGTH");
    await expectCodeAsync(p.aeadEncrypt("AES-GCM", { ...params, tagLength: 8 }, ct), "CRYPTO_INVALID_LENGTH");
    await expectCodeAsync(
      p.aeadEncrypt("AES-GCM", { ...params, key: new Uint8Array(20) }, ct),
      "CRYPTO_INVALID_LENGTH",
    );
    // 12-byte tag: webcrypto natively, noble via the generic GCM; both must agree.
    const t12 = await p.aeadEncrypt("AES-GCM", { ...params, tagLength: 12 }, fromHex("ff"));
    expect(toHex(t12)).toBe(toHex(aesGcmEncrypt(params.key, params.iv, params.aad, fromHex("ff"), 12)));
  });
});
