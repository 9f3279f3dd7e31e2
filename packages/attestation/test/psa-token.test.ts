import { readFileSync } from "node:fs";
import {
  bytesEqual,
  CborTag,
  type CryptoProvider,
  decodeCbor,
  encodeCbor,
  fromBase64,
  generateSoftwareKey,
  isRotkitError,
  nobleProvider,
  publicKeyFromSpki,
  webCryptoProvider,
} from "@rotkit/core";
import { coseKeyFromJwk, type Jwk, signCoseSign1 } from "@rotkit/cose";
import { describe, expect, it } from "vitest";
import { singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import {
  createPsaToken,
  encodePsaClaimsMap,
  PSA_PROFILE_2_0_0,
  PSA_PROFILE_LEGACY,
  PSA_PROFILE_TFM,
  type PsaClaimsInput,
  verifyPsaToken,
} from "../src/index.js";

// createPsaToken → verifyPsaToken round trips (Sign1 ES256/384, Mac0 HMAC) on both providers, wrapper rules,
// nonce binding, the TF-M and RFC 9783 Appendix A tokens, and mutation fuzzing of the real tokens.

const V = new URL("../../../test-vectors/", import.meta.url).pathname;
const read = (p: string) => new Uint8Array(readFileSync(V + p));
const pem = (p: string) =>
  publicKeyFromSpki(
    fromBase64(
      new TextDecoder()
        .decode(read(p))
        .replace(/-----[^-]+-----/g, "")
        .replace(/\s+/g, ""),
    ),
  );

const b = (n: number, fill = 0x11) => new Uint8Array(n).fill(fill);
const instanceId = (() => {
  const u = b(33, 0x22);
  u[0] = 0x01;
  return u;
})();
const claims = (over: Partial<PsaClaimsInput> = {}): PsaClaimsInput => ({
  nonce: b(32, 0x01),
  instanceId,
  implementationId: b(32, 0x33),
  clientId: -1,
  securityLifecycle: 0x3000,
  bootSeed: b(8),
  certificationReference: "1234567890123-12345",
  softwareComponents: [{ measurementType: "BL", measurementValue: b(32, 3), signerId: b(32, 4), version: "1.0" }],
  verificationServiceIndicator: "https://veraison.example",
  ...over,
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isRotkitError(e)) return e.code;
    throw e;
  }
  return "accepted";
}

const PROVIDERS: CryptoProvider[] = [nobleProvider(), webCryptoProvider()];

describe("createPsaToken → verifyPsaToken", () => {
  for (const provider of PROVIDERS) {
    describe(provider.name, () => {
      it("ES256 COSE_Sign1, current profile by default, deterministic claims", async () => {
        const iak = await generateSoftwareKey("ES256");
        const token = await createPsaToken(claims(), iak);
        expect(token[0]).toBe(0xd2); // tag 18
        const v = await verifyPsaToken(token, { key: iak.publicKey, provider, nonce: b(32, 0x01) });
        expect(v.kind).toBe("sign1");
        expect(v.alg).toBe("ES256");
        expect(v.claims.profile).toBe(PSA_PROFILE_TFM);
        expect(v.claims.securityLifecycle.state).toBe("secured");
        expect(bytesEqual(v.payload, encodeCbor(encodePsaClaimsMap(claims())))).toBe(true);
      });
      it("ES384 and the legacy / 2.0.0 profiles", async () => {
        const iak = await generateSoftwareKey("ES384");
        const legacy = await createPsaToken(claims({ profile: PSA_PROFILE_LEGACY, bootSeed: b(32) }), iak);
        expect((await verifyPsaToken(legacy, { key: iak.publicKey, provider })).claims.profile).toBe(
          PSA_PROFILE_LEGACY,
        );
        const p2 = await createPsaToken(claims({ profile: PSA_PROFILE_2_0_0 }), iak);
        expect((await verifyPsaToken(p2, { key: iak.publicKey, provider, profile: PSA_PROFILE_2_0_0 })).alg).toBe(
          "ES384",
        );
        expect(await code(verifyPsaToken(p2, { key: iak.publicKey, provider, profile: PSA_PROFILE_TFM }))).toBe(
          "ATTEST_PROFILE",
        );
      });
      it("HMAC COSE_Mac0 (256 and 512)", async () => {
        const k = b(32, 0x5a);
        const token = await createPsaToken(claims(), k, { provider });
        expect(token[0]).toBe(0xd1); // tag 17
        const v = await verifyPsaToken(token, { key: k, provider });
        expect(v.kind).toBe("mac0");
        expect(v.alg).toBe("HMAC 256/256");
        const k64 = b(64, 0x5b);
        const t512 = await createPsaToken(claims(), k64, { provider, macAlg: "HMAC 512/512" });
        expect((await verifyPsaToken(t512, { key: k64, provider })).alg).toBe("HMAC 512/512");
        expect(await code(verifyPsaToken(token, { key: b(32, 0x5b), provider }))).toBe("ATTEST_BAD_SIGNATURE");
      });
      it("key resolver by Instance ID", async () => {
        const iak = await generateSoftwareKey("ES256");
        const token = await createPsaToken(claims(), iak);
        const seen: Uint8Array[] = [];
        const v = await verifyPsaToken(token, {
          provider,
          key: (id) => {
            seen.push(id);
            return bytesEqual(id, instanceId) ? iak.publicKey : undefined;
          },
        });
        expect(v.claims.clientId).toBe(-1);
        expect(bytesEqual(seen[0] as Uint8Array, instanceId)).toBe(true);
        expect(await code(verifyPsaToken(token, { provider, key: () => undefined }))).toBe("COSE_NO_KEY");
      });
      it("wrong key, wrong nonce, MAC key for a Sign1", async () => {
        const iak = await generateSoftwareKey("ES256");
        const other = await generateSoftwareKey("ES256");
        const token = await createPsaToken(claims(), iak);
        expect(await code(verifyPsaToken(token, { key: other.publicKey, provider }))).toBe("ATTEST_BAD_SIGNATURE");
        expect(await code(verifyPsaToken(token, { key: iak.publicKey, provider, nonce: b(32, 0x02) }))).toBe(
          "ATTEST_NONCE_MISMATCH",
        );
        expect(await code(verifyPsaToken(token, { key: iak.publicKey, provider, nonce: b(48, 0x01) }))).toBe(
          "ATTEST_NONCE_MISMATCH",
        );
        expect(await code(verifyPsaToken(token, { key: b(32), provider }))).toBe("ATTEST_BAD_SIGNATURE");
      });
    });
  }

  it("device side refuses to sign invalid claims", async () => {
    const iak = await generateSoftwareKey("ES256");
    expect(await code(createPsaToken(claims({ clientId: 0 }), iak))).toBe("ATTEST_CLAIM_INVALID");
    expect(await code(createPsaToken(claims({ softwareComponents: [] }), iak))).toBe("ATTEST_CLAIM_MISSING");
    expect(await code(createPsaToken(claims({ noSoftwareMeasurements: true }), iak))).toBe("ATTEST_PROFILE");
    const ed = await generateSoftwareKey("EdDSA");
    expect(await code(createPsaToken(claims(), ed))).toBe("INVALID_ARGUMENT");
  });

  it("wrappers: CWT tag 61, untagged, other tags, a non-PSA alg are refused", async () => {
    const provider = nobleProvider();
    const iak = await generateSoftwareKey("ES256");
    const token = await createPsaToken(claims(), iak);
    const inner = decodeCbor(token) as CborTag;
    expect(await code(verifyPsaToken(encodeCbor(new CborTag(61, inner)), { key: iak.publicKey, provider }))).toBe(
      "ATTEST_MALFORMED",
    );
    expect(await code(verifyPsaToken(encodeCbor(inner.value), { key: iak.publicKey, provider }))).toBe(
      "ATTEST_MALFORMED",
    );
    expect(await code(verifyPsaToken(encodeCbor(new CborTag(96, inner.value)), { key: iak.publicKey, provider }))).toBe(
      "ATTEST_MALFORMED",
    );
    const ed = await generateSoftwareKey("EdDSA");
    const edToken = await signCoseSign1({ payload: encodeCbor(encodePsaClaimsMap(claims())) }, ed);
    expect(await code(verifyPsaToken(edToken, { key: ed.publicKey, provider }))).toBe("COSE_ALG_MISMATCH");
  });
});

describe("published tokens", () => {
  const tfmKey = pem("psatoken-veraison/tf-m/public.pem");
  it("TF-M Sign1 tokens (2.0.0 and PSA_IOT_PROFILE_1) verify with tf-m/public.pem", async () => {
    for (const provider of PROVIDERS) {
      const v2 = await verifyPsaToken(read("psatoken-veraison/tf-m/psa-2_0_0_sign1.bin"), { key: tfmKey, provider });
      expect(v2.claims.profile).toBe(PSA_PROFILE_2_0_0);
      expect(v2.claims.bootSeed?.length).toBe(32);
      expect(v2.claims.softwareComponents?.map((c) => c.measurementType)).toEqual(["SPE", "NSPE"]);
      const v1 = await verifyPsaToken(read("psatoken-veraison/tf-m/psa-iot-1_sign1.bin"), { key: tfmKey, provider });
      expect(v1.claims.profile).toBe(PSA_PROFILE_LEGACY);
    }
  });
  it("RFC 9783 Appendix A.2 Mac0 verifies with the published HMAC key", async () => {
    for (const provider of PROVIDERS) {
      const v = await verifyPsaToken(read("psa-token-draft/psa-mac0.cbor"), {
        key: read("psa-token-draft/keys/tfm-hs-iak.bin"),
        provider,
        profile: PSA_PROFILE_TFM,
      });
      expect(v.alg).toBe("HMAC 256/256");
      expect(v.claims.softwareComponents?.[0]?.measurementType).toBe("PRoT");
    }
  });
  it("the RFC 9783 ES256 example key (tfm-es-iak.json) round trips a token", async () => {
    const jwk = JSON.parse(new TextDecoder().decode(read("psa-token-draft/keys/tfm-es-iak.json"))) as Jwk;
    const { d: _d, ...pub } = jwk as Jwk & { d?: string };
    const key = coseKeyFromJwk(pub as Jwk);
    const iak = await generateSoftwareKey("ES256");
    const token = await createPsaToken(claims(), iak);
    expect(await code(verifyPsaToken(token, { key, provider: nobleProvider() }))).toBe("ATTEST_BAD_SIGNATURE");
  });
});

describe("mutation fuzzing (every byte ^0xff, every truncation): never verifies with changed claims", () => {
  const provider = webCryptoProvider();
  const cases: [string, Uint8Array, Uint8Array | ReturnType<typeof pem>][] = [
    ["tf-m 2.0.0 sign1", read("psatoken-veraison/tf-m/psa-2_0_0_sign1.bin"), pem("psatoken-veraison/tf-m/public.pem")],
    ["tf-m iot-1 sign1", read("psatoken-veraison/tf-m/psa-iot-1_sign1.bin"), pem("psatoken-veraison/tf-m/public.pem")],
    ["RFC 9783 mac0", read("psa-token-draft/psa-mac0.cbor"), read("psa-token-draft/keys/tfm-hs-iak.bin")],
  ];
  for (const [name, token, key] of cases) {
    it(name, async () => {
      const original = await verifyPsaToken(token, { key, provider });
      let accepted = 0;
      let rejected = 0;
      const inputs = [...[...singleByteMutations(token, [0xff])].map((m) => m.bytes), ...truncations(token)];
      for (const input of inputs) {
        try {
          const v = await verifyPsaToken(input, { key, provider });
          // Only bytes outside the signed content may change (none here in practice): the claims must be identical.
          expect(bytesEqual(v.payload, original.payload)).toBe(true);
          accepted++;
        } catch (e) {
          if (!isRotkitError(e)) throw e;
          rejected++;
        }
      }
      expect(rejected + accepted).toBe(inputs.length);
      expect(rejected).toBeGreaterThan(inputs.length * 0.95);
    });
  }
});
