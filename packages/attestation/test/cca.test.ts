import { readFileSync } from "node:fs";
import {
  bytesEqual,
  type CborMap,
  CborTag,
  type CborValue,
  type CryptoProvider,
  decodeCbor,
  encodeCbor,
  encodeEcPoint,
  fromBase64,
  generateSoftwareKey,
  isRotkitError,
  type KeyHandle,
  nobleProvider,
  publicKeyFromSpki,
  webCryptoProvider,
} from "@rotkit/core";
import { coseKeyFromPublicKey, encodeCoseKey, signCoseSign1 } from "@rotkit/cose";
import { describe, expect, it } from "vitest";
import { singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import {
  CCA_PLATFORM_PROFILE,
  CCA_REALM_PROFILE,
  decodeCcaPlatformClaims,
  decodeCcaRealmClaims,
  verifyCcaToken,
} from "../src/index.js";

// Arm CCA token (DEN0137 §A7.2): the TF-RMM token with its CPAK, synthetic tokens for binding / nonce /
// signature failures, claim rules, and mutation fuzzing of the TF-RMM token.

const V = new URL("../../../test-vectors/ccatoken-veraison/", import.meta.url).pathname;
const read = (p: string) => new Uint8Array(readFileSync(V + p));
const cpakPub = publicKeyFromSpki(
  fromBase64(
    new TextDecoder()
      .decode(read("tf-rmm/cca_platform.pub"))
      .replace(/-----[^-]+-----/g, "")
      .replace(/\s+/g, ""),
  ),
);
const PROVIDERS: CryptoProvider[] = [nobleProvider(), webCryptoProvider()];

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isRotkitError(e)) return e.code;
    throw e;
  }
  return "accepted";
}

const b = (n: number, fill = 0x11) => new Uint8Array(n).fill(fill);
const ueid = () => {
  const u = b(33, 0x22);
  u[0] = 1;
  return u;
};

function platformClaims(challenge: Uint8Array): CborMap {
  return new Map<CborValue, CborValue>([
    [265, CCA_PLATFORM_PROFILE],
    [10, challenge],
    [256, ueid()],
    [2396, b(32)],
    [2401, b(4)],
    [2395, 0x3003],
    [
      2399,
      [
        new Map<CborValue, CborValue>([
          [1, "RMM"],
          [2, b(32)],
          [5, b(32)],
        ]),
      ],
    ],
    [2402, "sha-256"],
  ]);
}

function realmClaims(rakBytes: Uint8Array, withProfile: boolean): CborMap {
  const m = new Map<CborValue, CborValue>([
    [10, b(64, 0xab)],
    [44235, b(64, 0x50)],
    [44238, b(32)],
    [44239, [b(32), b(32), b(32), b(32)]],
    [44236, "sha-256"],
    [44237, rakBytes],
    [44240, "sha-256"],
  ]);
  if (withProfile) m.set(265, CCA_REALM_PROFILE);
  return m;
}

async function makeToken(opts: { coseKeyRak?: boolean; badBinding?: boolean; realmSigner?: KeyHandle } = {}) {
  const provider = nobleProvider();
  const cpak = await generateSoftwareKey("ES384");
  const rak = await generateSoftwareKey("ES384");
  const rakBytes =
    opts.coseKeyRak === true
      ? encodeCoseKey(coseKeyFromPublicKey(rak.publicKey))
      : encodeEcPoint(rak.publicKey as Extract<typeof rak.publicKey, { kty: "EC" }>);
  const digest = await provider.digest("SHA-256", rakBytes);
  if (opts.badBinding) digest[0] = (digest[0] as number) ^ 1;
  const platform = await signCoseSign1({ payload: encodeCbor(platformClaims(digest)) }, cpak);
  const realm = await signCoseSign1(
    { payload: encodeCbor(realmClaims(rakBytes, opts.coseKeyRak === true)) },
    opts.realmSigner ?? rak,
  );
  const token = encodeCbor(
    new CborTag(
      399,
      new Map<CborValue, CborValue>([
        [44234, platform],
        [44241, realm],
      ]),
    ),
  );
  return { token, cpak, rak };
}

describe("verifyCcaToken", () => {
  it("the TF-RMM token verifies with its CPAK on both providers (legacy profiles, raw-point RAK)", async () => {
    for (const provider of PROVIDERS) {
      const v = await verifyCcaToken(read("tf-rmm/cca_token.cbor"), { platformKey: cpakPub, provider });
      expect(v.platformVerified).toBe(true);
      expect(v.platform.profile).toBe("http://arm.com/CCA-SSD/1.0.0");
      expect(v.platform.securityLifecycle.state).toBe("secured");
      expect(v.realm.profile).toBeUndefined();
      expect(v.realm.extensibleMeasurements.length).toBe(4);
      expect(
        await code(
          verifyCcaToken(read("tf-rmm/cca_token.cbor"), { platformKey: cpakPub, provider, nonce: b(64, 0xab) }),
        ),
      ).toBe("accepted");
      expect(
        await code(
          verifyCcaToken(read("tf-rmm/cca_token.cbor"), { platformKey: cpakPub, provider, nonce: b(64, 0xac) }),
        ),
      ).toBe("ATTEST_NONCE_MISMATCH");
    }
  });

  it("platformKey is required unless allowUnverifiedPlatform, and then the result says so", async () => {
    const provider = nobleProvider();
    expect(await code(verifyCcaToken(read("tf-rmm/cca_token.cbor"), { provider }))).toBe("INVALID_ARGUMENT");
    const v = await verifyCcaToken(read("tf-rmm/cca_token.cbor"), { provider, allowUnverifiedPlatform: true });
    expect(v.platformVerified).toBe(false);
  });

  it("synthetic tokens: COSE_Key RAK (current profiles) and raw point both verify", async () => {
    for (const coseKeyRak of [true, false]) {
      const { token, cpak } = await makeToken({ coseKeyRak });
      for (const provider of PROVIDERS) {
        const v = await verifyCcaToken(token, { platformKey: cpak.publicKey, provider, nonce: b(64, 0xab) });
        expect(v.realm.profile).toBe(coseKeyRak ? CCA_REALM_PROFILE : undefined);
      }
    }
  });

  it("binding mismatch → ATTEST_KEY_BINDING; realm signed by another key → ATTEST_BAD_SIGNATURE; wrong CPAK → ATTEST_BAD_SIGNATURE", async () => {
    const provider = nobleProvider();
    const bad = await makeToken({ badBinding: true });
    expect(await code(verifyCcaToken(bad.token, { platformKey: bad.cpak.publicKey, provider }))).toBe(
      "ATTEST_KEY_BINDING",
    );
    const other = await generateSoftwareKey("ES384");
    const forged = await makeToken({ realmSigner: other });
    expect(await code(verifyCcaToken(forged.token, { platformKey: forged.cpak.publicKey, provider }))).toBe(
      "ATTEST_BAD_SIGNATURE",
    );
    expect(await code(verifyCcaToken(forged.token, { platformKey: other.publicKey, provider }))).toBe(
      "ATTEST_BAD_SIGNATURE",
    );
  });

  it("collection shape: not tag 399, missing member, extra member → ATTEST_MALFORMED", async () => {
    const provider = nobleProvider();
    const top = decodeCbor(read("tf-rmm/cca_token.cbor")) as CborTag;
    const m = top.value as CborMap;
    const opts = { platformKey: cpakPub, provider };
    expect(await code(verifyCcaToken(encodeCbor(new CborTag(61, m)), opts))).toBe("ATTEST_MALFORMED");
    expect(
      await code(verifyCcaToken(encodeCbor(new CborTag(399, new Map([[44234, m.get(44234) as CborValue]]))), opts)),
    ).toBe("ATTEST_MALFORMED");
    expect(await code(verifyCcaToken(encodeCbor(new CborTag(399, new Map([...m, [1, b(1)]]))), opts))).toBe(
      "ATTEST_MALFORMED",
    );
  });
});

describe("CCA claim rules", () => {
  const reject = (f: () => unknown, c: string, at: string) => {
    try {
      f();
    } catch (e) {
      expect(isRotkitError(e) && e.code).toBe(c);
      expect(isRotkitError(e) && e.at).toBe(at);
      return;
    }
    throw new Error("accepted");
  };
  it("platform", () => {
    expect(decodeCcaPlatformClaims(platformClaims(b(32))).hashAlgId).toBe("sha-256");
    const without = (k: number) => {
      const m = platformClaims(b(32));
      m.delete(k);
      return m;
    };
    reject(() => decodeCcaPlatformClaims(without(2401)), "ATTEST_CLAIM_MISSING", "claims.config");
    reject(() => decodeCcaPlatformClaims(without(2402)), "ATTEST_CLAIM_MISSING", "claims.hashAlgId");
    reject(() => decodeCcaPlatformClaims(without(10)), "ATTEST_CLAIM_MISSING", "claims.challenge");
    reject(() => decodeCcaPlatformClaims(without(265)), "ATTEST_CLAIM_MISSING", "claims.profile");
    reject(
      () => decodeCcaPlatformClaims(new Map([...platformClaims(b(50))])),
      "ATTEST_CLAIM_INVALID",
      "claims.challenge",
    );
    reject(
      () => decodeCcaPlatformClaims(new Map([...platformClaims(b(32)), [265, "http://arm.com/PSA-SSD/1.0.0"]])),
      "ATTEST_PROFILE",
      "claims.profile",
    );
    reject(
      () => decodeCcaPlatformClaims(new Map([...platformClaims(b(32)), [2395, 0x7f35]])),
      "ATTEST_CLAIM_INVALID",
      "claims.securityLifecycle",
    );
    reject(
      () => decodeCcaPlatformClaims(new Map([...platformClaims(b(32)), [2399, []]])),
      "ATTEST_CLAIM_MISSING",
      "claims.softwareComponents",
    );
  });
  it("realm", () => {
    const raw = new Uint8Array(97).fill(4);
    expect(decodeCcaRealmClaims(realmClaims(raw, false)).publicKey).toEqual({ kty: "ec-point", point: raw });
    reject(() => decodeCcaRealmClaims(realmClaims(b(96), false)), "ATTEST_CLAIM_INVALID", "claims.publicKey");
    reject(() => decodeCcaRealmClaims(realmClaims(raw, true)), "ATTEST_CLAIM_INVALID", "claims.publicKey");
    reject(
      () => decodeCcaRealmClaims(new Map([...realmClaims(raw, false), [10, b(32)]])),
      "ATTEST_CLAIM_INVALID",
      "claims.challenge",
    );
    reject(
      () => decodeCcaRealmClaims(new Map([...realmClaims(raw, false), [44235, b(95)]])),
      "ATTEST_CLAIM_INVALID",
      "claims.personalizationValue",
    );
    reject(
      () => decodeCcaRealmClaims(new Map([...realmClaims(raw, false), [44239, [b(32)]]])),
      "ATTEST_CLAIM_INVALID",
      "claims.extensibleMeasurements",
    );
    reject(
      () => decodeCcaRealmClaims(new Map([...realmClaims(raw, false), [44238, b(95)]])),
      "ATTEST_CLAIM_INVALID",
      "claims.initialMeasurement",
    );
    reject(
      () => decodeCcaRealmClaims(new Map([...realmClaims(raw, false), [265, "x"]])),
      "ATTEST_PROFILE",
      "claims.profile",
    );
  });
});

describe("mutation fuzzing of the TF-RMM token (every byte ^0xff, every truncation)", () => {
  it("never verifies with changed claims; only RotkitErrors", async () => {
    const provider = webCryptoProvider();
    const token = read("tf-rmm/cca_token.cbor");
    const original = await verifyCcaToken(token, { platformKey: cpakPub, provider });
    const inputs = [...[...singleByteMutations(token, [0xff])].map((m) => m.bytes), ...truncations(token)];
    let rejected = 0;
    for (const input of inputs) {
      try {
        const v = await verifyCcaToken(input, { platformKey: cpakPub, provider });
        expect(bytesEqual(v.realm.publicKeyBytes, original.realm.publicKeyBytes)).toBe(true);
        expect(v.platform).toEqual(original.platform);
        expect(v.realm).toEqual(original.realm);
      } catch (e) {
        if (!isRotkitError(e)) throw e;
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(inputs.length * 0.95);
  }, 120_000);
});
