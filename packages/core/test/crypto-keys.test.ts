// Software keys and the verify contract of both providers: sign/verify round trips for every algorithm, the
// pinned-curve rule of ESP*, raw and DER ECDSA, high-S acceptance, key agreement, and the failure codes.
import { createECDH, generateKeyPairSync } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type CryptoProvider,
  ecdsaRawToDer,
  fromBase64Url,
  fromHex,
  generateKeyAgreementKey,
  generateSoftwareKey,
  isRotkitError,
  type KeyHandle,
  nobleProvider,
  type PublicKey,
  publicKeyFromSpki,
  publicKeyToSpki,
  type RotkitError,
  randomBytes,
  type SignatureAlg,
  softwareKeyAgreementHandle,
  softwareKeyHandle,
  toHex,
  utf8Encode,
  webCryptoProvider,
} from "../src/index.js";

const providers: CryptoProvider[] = [nobleProvider(), webCryptoProvider()];
const msg = utf8Encode("rotkit: sign me");

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    return (e as RotkitError).code;
  }
  return "OK";
}

const ALL: SignatureAlg[] = ["ES256", "ES384", "ES512", "ESP256", "ESP384", "ESP512", "EdDSA", "Ed25519", "Ed448"];

describe.each(providers.map((p) => [p.name, p] as const))("sign/verify round trips @%s", (_n, p) => {
  it.each(ALL)("%s", async (alg) => {
    const key = await generateSoftwareKey(alg);
    const sig = await key.sign(msg);
    expect(await p.verify(alg, key.publicKey, msg, sig)).toBe(true);
    expect(await p.verify(alg, key.publicKey, utf8Encode("other"), sig)).toBe(false);
    const bad = sig.slice();
    bad[0] = (bad[0] as number) ^ 1;
    expect(await p.verify(alg, key.publicKey, msg, bad)).toBe(false);
    expect(await p.verify(alg, key.publicKey, msg, sig.subarray(1))).toBe(false);
    expect(await p.verify(alg, key.publicKey, msg, new Uint8Array(0))).toBe(false);
    if (key.publicKey.kty === "EC") {
      expect(await p.verify(alg, key.publicKey, msg, ecdsaRawToDer(sig), { format: "der" })).toBe(true);
      expect(await p.verify(alg, key.publicKey, msg, sig, { format: "der" })).toBe(false);
    }
  });

  it.each(["PS256", "PS384", "RS256", "RS512"] as SignatureAlg[])("%s (WebCrypto-generated key)", async (alg) => {
    const key = await generateSoftwareKey(alg);
    const sig = await key.sign(msg);
    expect(await p.verify(alg, key.publicKey, msg, sig)).toBe(true);
    expect(await p.verify(alg, key.publicKey, utf8Encode("x"), sig)).toBe(false);
    expect(await p.verify(alg, key.publicKey, msg, sig.subarray(1))).toBe(false);
  });

  it("ES256 on a P-384 key hashes with SHA-256 (curve from the key, RFC 9053 §2.1)", async () => {
    const key = await generateSoftwareKey("ES256", { crv: "P-384" });
    expect(key.publicKey.kty === "EC" && key.publicKey.crv).toBe("P-384");
    const sig = await key.sign(msg);
    expect(sig.length).toBe(96);
    expect(await p.verify("ES256", key.publicKey, msg, sig)).toBe(true);
    expect(await p.verify("ES384", key.publicKey, msg, sig)).toBe(false);
    // ESP256 pins P-256: a P-384 key is a key error, not a false.
    expect(await codeOf(p.verify("ESP256", key.publicKey, msg, sig))).toBe("CRYPTO_INVALID_KEY");
  });

  it("accepts high-S ECDSA signatures (COSE does not normalise s)", async () => {
    const d = fromHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
    const key = softwareKeyHandle("ES256", d);
    const sig = await key.sign(msg);
    const n = p256.Point.CURVE().n;
    const s = BigInt(`0x${toHex(sig.subarray(32))}`);
    const flipped = fromHex(toHex(sig.subarray(0, 32)) + (n - s).toString(16).padStart(64, "0"));
    expect(await p.verify("ES256", key.publicKey, msg, sig)).toBe(true);
    expect(await p.verify("ES256", key.publicKey, msg, flipped)).toBe(true);
  });

  it("throws CRYPTO_INVALID_KEY for bad keys and CRYPTO_UNSUPPORTED_ALG for unknown algorithms", async () => {
    const key = await generateSoftwareKey("ES256");
    const pub = key.publicKey as Extract<PublicKey, { kty: "EC" }>;
    const off: PublicKey = { ...pub, y: pub.y.map((b, i) => (i === 31 ? b ^ 1 : b)) };
    const sig = await key.sign(msg);
    expect(await codeOf(p.verify("ES256", off, msg, sig))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(p.verify("ES256", { ...pub, x: pub.x.subarray(1) }, msg, sig))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(p.verify("EdDSA", pub, msg, sig))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(p.verify("RS256", pub, msg, sig))).toBe("CRYPTO_INVALID_KEY");
    const small: PublicKey = { kty: "RSA", n: new Uint8Array(64).fill(0xff), e: Uint8Array.of(1, 0, 1) };
    expect(await codeOf(p.verify("RS256", small, msg, new Uint8Array(64)))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(p.verify("HS256" as SignatureAlg, pub, msg, sig))).toBe("CRYPTO_UNSUPPORTED_ALG");
    expect(await codeOf(p.verify("ES256", pub, msg, sig, { format: "ber" as "der" }))).toBe("INVALID_ARGUMENT");
  });

  it("digest, hmac and hkdf agree with the other provider and check lengths", async () => {
    const other = providers.find((q) => q !== p) as CryptoProvider;
    for (const h of ["SHA-256", "SHA-384", "SHA-512"] as const) {
      expect(toHex(await p.digest(h, msg))).toBe(toHex(await other.digest(h, msg)));
      expect(toHex(await p.hmac(h, new Uint8Array(0), msg))).toBe(toHex(await other.hmac(h, new Uint8Array(0), msg)));
      expect(toHex(await p.hkdf(h, msg, new Uint8Array(0), msg, 42))).toBe(
        toHex(await other.hkdf(h, msg, new Uint8Array(0), msg, 42)),
      );
    }
    expect(await codeOf(p.hkdf("SHA-256", msg, msg, msg, 255 * 32 + 1))).toBe("CRYPTO_INVALID_LENGTH");
    expect(await codeOf(p.hkdf("SHA-256", msg, msg, msg, 0))).toBe("CRYPTO_INVALID_LENGTH");
    expect(await codeOf(p.digest("MD5" as "SHA-256", msg))).toBe("CRYPTO_UNSUPPORTED_ALG");
  });

  it("digestSync gives the digest of small inputs (webCrypto hands large ones back to digest)", async () => {
    const large = new Uint8Array(5000).fill(7);
    for (const h of ["SHA-256", "SHA-384", "SHA-512"] as const) {
      expect(p.digestSync?.(h, msg)).toEqual(await p.digest(h, msg));
      const d = p.digestSync?.(h, large);
      if (p.name === "webcrypto") expect(d).toBeUndefined();
      else expect(d).toEqual(await p.digest(h, large));
    }
    expect(() => p.digestSync?.("MD5" as "SHA-256", msg)).toThrow(
      expect.objectContaining({ code: "CRYPTO_UNSUPPORTED_ALG" }),
    );
    expect(() => p.digestSync?.("SHA-256", "x" as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});

describe("softwareKeyHandle", () => {
  it("keeps the private key out of the object and honours kid", async () => {
    const d = randomBytes(32);
    d[0] = 1; // below n
    const key = softwareKeyHandle("ESP256", d, { kid: utf8Encode("k1") });
    expect(Object.keys(key).sort()).toEqual(["alg", "kid", "publicKey", "sign"]);
    expect(JSON.stringify(key)).not.toContain(toHex(d));
    expect(Object.isFrozen(key)).toBe(true);
    d.fill(0); // the handle copied it
    expect(await nobleProvider().verify("ESP256", key.publicKey, msg, await key.sign(msg))).toBe(true);
  });

  it("imports JWKs (EC, OKP, RSA) and checks x/y against d", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "jwk" });
    const h = softwareKeyHandle("ES384", ec as { kty: string });
    expect(h.publicKey.kty === "EC" && toHex(h.publicKey.x)).toBe(toHex(fromBase64Url(ec.x as string)));
    expect(await codeOf(() => softwareKeyHandle("ES384", { ...ec, x: ec.y } as { kty: string }))).toBe(
      "CRYPTO_INVALID_KEY",
    );
    expect(await codeOf(() => softwareKeyHandle("ESP256", ec as { kty: string }))).toBe("CRYPTO_INVALID_KEY");
    const ed = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
    const eh = softwareKeyHandle("EdDSA", ed as { kty: string });
    expect(await webCryptoProvider().verify("Ed25519", eh.publicKey, msg, await eh.sign(msg))).toBe(true);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    for (const input of [rsa.export({ format: "jwk" }), new Uint8Array(rsa.export({ format: "der", type: "pkcs8" }))]) {
      const rh = softwareKeyHandle("PS256", input as { kty: string });
      expect(await nobleProvider().verify("PS256", rh.publicKey, msg, await rh.sign(msg))).toBe(true);
    }
  });

  it("rejects out-of-range scalars and wrong lengths", async () => {
    expect(await codeOf(() => softwareKeyHandle("ES256", new Uint8Array(32)))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(() => softwareKeyHandle("ES256", new Uint8Array(32).fill(0xff)))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(() => softwareKeyHandle("ES256", new Uint8Array(31).fill(1)))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(() => softwareKeyHandle("Ed448", new Uint8Array(32)))).toBe("CRYPTO_INVALID_KEY");
  });

  it("SPKI round-trips generated keys of every type", async () => {
    const keys: KeyHandle[] = await Promise.all(
      (["ESP256", "ESP384", "ESP512", "Ed25519", "Ed448", "RS256"] as SignatureAlg[]).map((a) =>
        generateSoftwareKey(a),
      ),
    );
    for (const k of keys) {
      const back = publicKeyFromSpki(publicKeyToSpki(k.publicKey));
      expect(publicKeyToSpki(back)).toEqual(publicKeyToSpki(k.publicKey));
    }
  });
});

describe("key agreement", () => {
  it.each(["P-256", "P-384", "P-521", "X25519", "X448"] as const)(
    "%s: both sides derive the same secret",
    async (c) => {
      const a = generateKeyAgreementKey(c);
      const b = generateKeyAgreementKey(c);
      const z1 = await a.deriveBits(b.publicKey);
      expect(toHex(z1)).toBe(toHex(await b.deriveBits(a.publicKey)));
      expect(z1.length).toBe({ "P-256": 32, "P-384": 48, "P-521": 66, X25519: 32, X448: 56 }[c]);
    },
  );

  it("P-256 agrees with node:crypto (x coordinate)", async () => {
    const node = createECDH("prime256v1");
    node.generateKeys();
    const me = generateKeyAgreementKey("P-256");
    const pub = me.publicKey as Extract<PublicKey, { kty: "EC" }>;
    const theirs = new Uint8Array(node.getPublicKey());
    const peer: PublicKey = { kty: "EC", crv: "P-256", x: theirs.subarray(1, 33), y: theirs.subarray(33) };
    const expected = node.computeSecret(Uint8Array.from([4, ...pub.x, ...pub.y]));
    expect(toHex(await me.deriveBits(peer))).toBe(expected.toString("hex"));
  });

  it("rejects invalid and mismatched peer keys", async () => {
    const me = generateKeyAgreementKey("P-256");
    const pub = me.publicKey as Extract<PublicKey, { kty: "EC" }>;
    const off: PublicKey = { ...pub, y: pub.y.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    expect(await codeOf(me.deriveBits(off))).toBe("CRYPTO_INVALID_KEY");
    expect(await codeOf(me.deriveBits(generateKeyAgreementKey("P-384").publicKey))).toBe("CRYPTO_INVALID_KEY");
    const x = softwareKeyAgreementHandle("X25519", randomBytes(32));
    // u = 0 is of small order: the output would be all zeros (RFC 7748 §6.1).
    expect(await codeOf(x.deriveBits({ kty: "OKP", crv: "X25519", x: new Uint8Array(32) }))).toBe("CRYPTO_INVALID_KEY");
  });
});

describe("randomBytes", () => {
  afterEach(() => vi.unstubAllGlobals());
  it("throws CRYPTO_NO_RANDOM without crypto.getRandomValues", async () => {
    expect(randomBytes(70000).length).toBe(70000);
    vi.stubGlobal("crypto", undefined);
    expect(await codeOf(() => randomBytes(16))).toBe("CRYPTO_NO_RANDOM");
  });
});
