// HSS-LMS in COSE (RFC 8778): algorithm -46 with an HSS-LMS COSE_Key (kty 5), signed through a KeyHandle (the
// stateful key stays with its holder, here rotkit's test-only signer) and verified with both providers; key decoding,
// key/algorithm binding and refusals. The published COSE WG HSS-LMS examples run in the cose-wg-examples suite.
import {
  type CborMap,
  type CborValue,
  type CryptoProvider,
  hssLmsPublicKey,
  type KeyHandle,
  nobleProvider,
  publicKeyToJwk,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { codeOf } from "../../core/test/helpers/code-of.js";
import { hssTestKey } from "../../core/test/helpers/hss-sign.js";
import {
  coseAlgorithm,
  coseKeyFromPublicKey,
  coseKeyToJwk,
  coseKeyToMap,
  decodeCoseKey,
  decodeCoseSign1Unverified,
  encodeCoseKey,
  keyFitsAlg,
  samePublicKey,
  signCoseSign1,
  verifyCoseSign1,
} from "../src/index.js";

const providers: [string, CryptoProvider][] = [
  ["noble", nobleProvider()],
  ["webcrypto", webCryptoProvider()],
];

/** A KeyHandle over the test signer: what an HSM holding an HSS-LMS key looks like to rotkit. */
function hssHandle(seedByte: number, kid?: Uint8Array): KeyHandle {
  const key = hssTestKey({
    levels: [
      { lmsType: 5, otsType: 4 },
      { lmsType: 5, otsType: 4 },
    ],
    seed: new Uint8Array(32).fill(seedByte),
    identifier: new Uint8Array(16).fill(seedByte + 1),
  });
  return {
    alg: "HSS-LMS",
    publicKey: hssLmsPublicKey(key.publicKey),
    ...(kid ? { kid } : {}),
    sign: async (data) => key.sign(data),
  };
}

describe("HSS-LMS (RFC 8778) in COSE_Sign1", () => {
  it("signs through a KeyHandle and verifies with both providers; a changed payload or signature fails", async () => {
    const handle = hssHandle(7, utf8Encode("hss-1"));
    const payload = utf8Encode("firmware 1.2.3");
    const msg = await signCoseSign1({ payload }, handle);
    const decoded = decodeCoseSign1Unverified(msg);
    expect(decoded.headers.protected.map.get(1)).toBe(-46);
    for (const [, provider] of providers) {
      const ok = await verifyCoseSign1(msg, { key: handle.publicKey, provider, allowedAlgs: [-46] });
      expect(ok.payload).toEqual(payload);
      // A COSE_Key works as the verification key too.
      const coseKey = coseKeyFromPublicKey(handle.publicKey, { alg: -46 });
      await expect(verifyCoseSign1(msg, { key: coseKey, provider })).resolves.toBeDefined();
    }
    // Tamper with the last byte of the signature (a path node) and with the payload.
    const bad = msg.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    for (const [, provider] of providers) {
      expect(await codeOf(() => verifyCoseSign1(bad, { key: handle.publicKey, provider }))).toBe("COSE_BAD_SIGNATURE");
    }
    const other = await signCoseSign1({ payload: utf8Encode("firmware 1.2.4") }, handle);
    const swapped = decodeCoseSign1Unverified(other);
    expect(swapped.signature).not.toEqual(decoded.signature); // a fresh one-time key per signature
  });

  it("a key of another HSS key pair, another key type, or an allow list without -46 is refused", async () => {
    const handle = hssHandle(9);
    const msg = await signCoseSign1({ payload: utf8Encode("x") }, hssHandle(9));
    const stranger = hssHandle(11);
    const provider = nobleProvider();
    expect(await codeOf(() => verifyCoseSign1(msg, { key: stranger.publicKey, provider }))).toBe("COSE_BAD_SIGNATURE");
    const ec = { kty: "EC2", crv: "P-256", x: new Uint8Array(32), y: new Uint8Array(32) };
    expect(await codeOf(() => verifyCoseSign1(msg, { key: ec as never, provider }))).toMatch(/^COSE_/);
    expect(await codeOf(() => verifyCoseSign1(msg, { key: handle.publicKey, provider, allowedAlgs: [-7] }))).toBe(
      "COSE_ALG_MISMATCH",
    );
    expect(keyFitsAlg(handle.publicKey, coseAlgorithm(-46), "t")).toBe(true);
    expect(keyFitsAlg(handle.publicKey, coseAlgorithm(-7), "t")).toBe(false);
  });
});

/** The CBOR map of an HSS-LMS COSE_Key (kty 5) with this pub. */
function hssKeyMap(pub: Uint8Array): CborMap {
  return new Map<CborValue, CborValue>([
    [1, 5],
    [-1, pub],
  ]);
}

describe("HSS-LMS COSE_Key (RFC 8778 §5: kty 5, pub -1)", () => {
  it("round-trips through CBOR and compares by its public key", () => {
    const pk = hssHandle(3).publicKey;
    const key = coseKeyFromPublicKey(pk, { kid: utf8Encode("k") });
    const map = coseKeyToMap(key);
    expect(map.get(1)).toBe(5);
    const back = decodeCoseKey(encodeCoseKey(key));
    expect(back).toEqual({ kty: "HSS-LMS", pub: (pk as { pub: Uint8Array }).pub, kid: utf8Encode("k") });
    expect(samePublicKey(back, key)).toBe(true);
    expect(samePublicKey(back, coseKeyFromPublicKey(hssHandle(4).publicKey))).toBe(false);
  });

  it("refuses a pub that is not an HSS public key, and has no JWK form", async () => {
    const pub = (hssHandle(5).publicKey as { pub: Uint8Array }).pub;
    const cases: Uint8Array[] = [
      pub.subarray(0, pub.length - 1), // truncated root
      Uint8Array.of(...pub, 0), // trailing byte
      Uint8Array.of(0, 0, 0, 9, ...pub.subarray(4)), // L = 9 > 8 (RFC 8554 §6.1)
    ];
    for (const bad of cases) {
      expect(await codeOf(() => decodeCoseKey(hssKeyMap(bad)))).toBe("COSE_BAD_KEY");
    }
    // An unknown LMS typecode.
    const unknownType = pub.slice();
    unknownType[7] = 99;
    expect(await codeOf(() => decodeCoseKey(hssKeyMap(unknownType)))).toBe("COSE_BAD_KEY");
    expect(await codeOf(() => decodeCoseKey(new Map<number, unknown>([[1, 5]]) as never))).toBe("COSE_BAD_KEY");
    expect(await codeOf(() => coseKeyToJwk(decodeCoseKey(hssKeyMap(pub))))).toBe("COSE_BAD_KEY");
    expect(await codeOf(() => publicKeyToJwk({ kty: "HSS-LMS", pub }))).toBe("UNSUPPORTED");
  });
});
