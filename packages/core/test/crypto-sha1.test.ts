// Legacy SHA-1 (FIPS 180-4) and RSASSA-PKCS1-v1_5 with SHA-1 (RFC 8017 §8.2.2): the FIPS 180 example digests,
// agreement with node:crypto on random inputs, and the verifier's accept / refuse behaviour against node signatures.
import { createHash, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { publicKeyFromSpki, RotkitError, rsaPkcs1Sha1Verify, sha1, toHex, utf8Encode } from "../src/index.js";

describe("sha1", () => {
  it("the FIPS 180 example digests", () => {
    expect(toHex(sha1(new Uint8Array(0)))).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(toHex(sha1(utf8Encode("abc")))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(toHex(sha1(utf8Encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
    );
    expect(toHex(sha1(new Uint8Array(1_000_000).fill(0x61)))).toBe("34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  });

  it("agrees with node:crypto on random inputs (every padding boundary)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(toHex(sha1(data))).toBe(createHash("sha1").update(data).digest("hex"));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses what is not bytes", () => {
    expect(() => sha1("abc" as unknown as Uint8Array)).toThrow(RotkitError);
  });
});

describe("rsaPkcs1Sha1Verify", () => {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = publicKeyFromSpki(new Uint8Array(pair.publicKey.export({ format: "der", type: "spki" })));
  const data = utf8Encode("a legacy platform certificate");
  const sig = new Uint8Array(nodeSign("sha1", data, pair.privateKey));

  it("accepts node's SHA-1 signature and refuses every tampering", () => {
    expect(rsaPkcs1Sha1Verify(key, data, sig)).toBe(true);
    const flipped = sig.slice();
    flipped[10] = (flipped[10] as number) ^ 1;
    expect(rsaPkcs1Sha1Verify(key, data, flipped)).toBe(false);
    expect(rsaPkcs1Sha1Verify(key, data.subarray(1), sig)).toBe(false);
    expect(rsaPkcs1Sha1Verify(key, data, sig.subarray(1))).toBe(false);
    expect(rsaPkcs1Sha1Verify(key, data, new Uint8Array(256).fill(0xff))).toBe(false);
    // a SHA-256 signature of the same data is not a SHA-1 one
    expect(rsaPkcs1Sha1Verify(key, data, new Uint8Array(nodeSign("sha256", data, pair.privateKey)))).toBe(false);
  });

  it("a non-RSA or out-of-bounds key is CRYPTO_INVALID_KEY", () => {
    const ec = publicKeyFromSpki(
      new Uint8Array(
        generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "der", type: "spki" }),
      ),
    );
    expect(() => rsaPkcs1Sha1Verify(ec, data, sig)).toThrow(expect.objectContaining({ code: "CRYPTO_INVALID_KEY" }));
    const tiny = { kty: "RSA" as const, n: Uint8Array.of(0xc5), e: Uint8Array.of(3) };
    expect(() => rsaPkcs1Sha1Verify(tiny, data, sig)).toThrow(expect.objectContaining({ code: "CRYPTO_INVALID_KEY" }));
  });
});
