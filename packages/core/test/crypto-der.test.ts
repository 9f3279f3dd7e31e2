// Strict DER: the ECDSA signature parser and the SPKI reader reject every BER leniency, and on random bytes throw
// nothing but RotkitError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readDer } from "../src/crypto/der.js";
import {
  ecdsaDerToRaw,
  ecdsaRawToDer,
  fromHex,
  isRotkitError,
  publicKeyFromSpki,
  publicKeyToSpki,
  type RotkitError,
  toHex,
} from "../src/index.js";

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    return (e as RotkitError).code;
  }
  return "OK";
}

describe("ECDSA DER signatures", () => {
  const r = "00" + "ff".repeat(31); // high bit set: needs the sign octet
  const good = `3045022100${"ff".repeat(32)}022001${"00".repeat(31)}`;

  it("round-trips raw <-> DER", () => {
    const raw = fromHex("ff".repeat(32) + "01" + "00".repeat(31));
    expect(toHex(ecdsaRawToDer(raw))).toBe(good);
    expect(toHex(ecdsaDerToRaw(fromHex(good), 32))).toBe(toHex(raw));
    // small integers are left-padded
    expect(toHex(ecdsaDerToRaw(fromHex("3006020101020102"), 32))).toBe(`${"00".repeat(31)}01${"00".repeat(31)}02`);
    expect(r.length).toBe(64);
  });

  it.each([
    ["long-form length that fits the short form", `308145022100${"ff".repeat(32)}022001${"00".repeat(31)}`],
    ["indefinite length", `3080022100${"ff".repeat(32)}022001${"00".repeat(31)}0000`],
    ["leading zero on a positive integer", "30070202000102010203"],
    ["negative integer", "3006020181020101"],
    ["empty integer", "30050200020101"],
    ["trailing bytes after the sequence", "300602010102010100"],
    ["trailing bytes inside the sequence", "3009020101020101020101"],
    ["wrong outer tag", "3106020101020101"],
    ["wrong integer tag", "3006030101020101"],
    ["truncated", "3006020101020"],
    ["integer wider than the curve", `3026022101${"00".repeat(32)}020101`],
    ["length longer than the input", "3007020101020101"],
    ["empty", ""],
  ])("rejects %s", (_what, h) => {
    expect(codeOf(() => ecdsaDerToRaw(fromHex(h.length % 2 ? `${h}0` : h), 32))).toBe(
      "CRYPTO_INVALID_SIGNATURE_FORMAT",
    );
  });

  it("never throws anything but RotkitError on random bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), fc.constantFrom(32, 48, 66), (bytes, size) => {
        const c = codeOf(() => ecdsaDerToRaw(bytes, size));
        expect(["OK", "CRYPTO_INVALID_SIGNATURE_FORMAT"]).toContain(c);
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts exactly what it would produce (property: parse(encode(raw)) = raw)", () => {
    fc.assert(
      fc.property(fc.constantFrom(32, 48, 66), fc.uint8Array({ minLength: 132, maxLength: 132 }), (size, b) => {
        const raw = b.subarray(0, 2 * size);
        expect(toHex(ecdsaDerToRaw(ecdsaRawToDer(raw), size))).toBe(toHex(raw));
      }),
    );
  });

  it("mutating a valid DER signature never yields a different accepted encoding of the same (r, s)", () => {
    const der = fromHex(good);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const m = der.slice();
        m[i] = (m[i] as number) ^ x;
        let raw: Uint8Array | undefined;
        try {
          raw = ecdsaDerToRaw(m, 32);
        } catch (e) {
          expect(isRotkitError(e)).toBe(true);
          return;
        }
        // Strict DER is one-to-one: a parse that succeeds re-encodes to the same bytes.
        expect(toHex(ecdsaRawToDer(raw))).toBe(toHex(m));
      }),
    );
  });
});

describe("DER reader", () => {
  it("rejects non-minimal and oversized lengths and high tags", () => {
    expect(codeOf(() => readDer(fromHex("0481020102"), 0))).toBe("ENCODING_INVALID");
    expect(codeOf(() => readDer(fromHex("04820001aa"), 0))).toBe("ENCODING_INVALID");
    expect(codeOf(() => readDer(fromHex("1f0100"), 0))).toBe("ENCODING_INVALID");
    expect(codeOf(() => readDer(fromHex("0484ffffffff"), 0))).toBe("ENCODING_INVALID");
    expect(codeOf(() => readDer(fromHex("0480"), 0))).toBe("ENCODING_INVALID");
    expect(readDer(fromHex("0403010203"), 0).contents.length).toBe(3);
  });
});

describe("SubjectPublicKeyInfo", () => {
  const p256 =
    "3059301306072a8648ce3d020106082a8648ce3d030107034200042927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e";
  const ed = "302a300506032b65700321007d4d0e7f6153a69b6242b522abbee685fda4420f8834b108c3bdae369ef549fa";
  const rsa =
    "30820122300d06092a864886f70d01010105000382010f003082010a0282010100a2b451a07d0aa5f96e455671513550514a8a5b462ebef717094fa1fee82224e637f9746d3f7cafd31878d80325b6ef5a1700f65903b469429e89d6eac8845097b5ab393189db92512ed8a7711a1253facd20f79c15e8247f3d3e42e46e48c98e254a2fe9765313a03eff8f17e1a029397a1fa26a8dce26f490ed81299615d9814c22da610428e09c7d9658594266f5c021d0fceca08d945a12be82de4d1ece6b4c03145b5d3495d4ed5411eb878daf05fd7afc3e09ada0f1126422f590975a1969816f48698bcbba1b4d9cae79d460d8f9f85e7975005d9bc22c4e5ac0f7c1a45d12569a62807d3b9a02e5a530e773066f453d1f5b4c2e9cf7820283f742b9d50203010001";

  it.each([
    ["EC P-256", p256],
    ["Ed25519", ed],
    ["RSA 2048", rsa],
  ])("%s round-trips", (_n, h) => {
    const key = publicKeyFromSpki(fromHex(h));
    expect(toHex(publicKeyToSpki(key))).toBe(h);
  });

  it("rejects a point off the curve, trailing bytes, and unknown algorithms", () => {
    const off = fromHex(p256);
    off[off.length - 1] = (off[off.length - 1] as number) ^ 1;
    expect(codeOf(() => publicKeyFromSpki(off))).toBe("CRYPTO_INVALID_KEY");
    expect(codeOf(() => publicKeyFromSpki(fromHex(`${p256}00`)))).toBe("ENCODING_INVALID");
    const otherOid = fromHex(ed.replace("2b6570", "2b6572"));
    expect(codeOf(() => publicKeyFromSpki(otherOid))).toBe("CRYPTO_UNSUPPORTED_ALG");
  });

  it("never throws anything but RotkitError on mutated or random input (property)", () => {
    const seeds = [p256, ed, rsa].map(fromHex);
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (seed, flips, cut) => {
          const m = seed.slice(0, seed.length - (cut % 3));
          for (const [i, x] of flips) m[i % m.length] = (m[i % m.length] as number) ^ x;
          codeOf(() => publicKeyFromSpki(m)); // rethrows anything that is not a RotkitError
        },
      ),
      { numRuns: 1500 },
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => void codeOf(() => publicKeyFromSpki(b))));
  });
});
