import {
  CborTag,
  type CborValue,
  decodeCbor,
  encodeCbor,
  fixedClock,
  generateSoftwareKey,
  nobleProvider,
  RotkitError,
  webCryptoProvider,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { createEat, verifyEatBundle, verifyEvidence } from "../src/index.js";

const clock = fixedClock(1_700_000_000);
const nonce = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const ueid = Uint8Array.from({ length: 33 }, (_, i) => (i === 0 ? 1 : i));
const claims = { nonce, ueid, oemboot: true, dbgstat: "disabled-permanently" as const, iat: 1_699_999_000 };

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toSatisfy((e: unknown) => e instanceof RotkitError && e.code === code);
}

describe.each([
  ["noble", nobleProvider()],
  ["webcrypto", webCryptoProvider()],
])("EAT CWT round trips (%s)", (_name, provider) => {
  for (const alg of ["ES256", "ES384", "EdDSA"] as const) {
    it(`createEat → verifyEvidence, ${alg}`, async () => {
      const key = await generateSoftwareKey(alg);
      const token = await createEat(claims, key);
      expect((decodeCbor(token) as CborTag).tag).toBe(61);
      const r = await verifyEvidence(token, { key: key.publicKey, provider, clock, nonce });
      expect(r.format).toBe("eat-cwt");
      if (r.format === "eat-cwt") {
        expect(r.claims.ueid?.bytes).toEqual(ueid);
        expect(r.claims.dbgstat).toBe("disabled-permanently");
      }
      // a media type selects the same path
      const m = await verifyEvidence(token, { mediaType: "application/eat+cwt", key: key.publicKey, provider, clock });
      expect(m.format).toBe("eat-cwt");
    });
  }

  it("MAC'ed (COSE_Mac0) and untagged", async () => {
    const mk = Uint8Array.from({ length: 32 }, (_, i) => i);
    const token = await createEat(claims, mk, { mac: { provider }, cwtTag: false });
    expect((decodeCbor(token) as CborTag).tag).toBe(17);
    const r = await verifyEvidence(token, { key: mk, provider, clock, nonce });
    expect(r.format).toBe("eat-cwt");
    await rejectsWith(verifyEvidence(token, { key: mk.map((x) => x ^ 1), provider, clock }), "ATTEST_BAD_SIGNATURE");
    const untagged = encodeCbor((decodeCbor(token) as CborTag).value);
    await rejectsWith(verifyEvidence(untagged, { key: mk, provider, clock }), "ATTEST_UNKNOWN_FORMAT");
    const u = await verifyEvidence(untagged, { key: mk, provider, clock, untaggedType: "mac0" });
    expect(u.format).toBe("eat-cwt");
  });

  it("wrong key, nonce mismatch, expired, not yet valid", async () => {
    const key = await generateSoftwareKey("ES256");
    const other = await generateSoftwareKey("ES256");
    const token = await createEat({ ...claims, exp: 1_700_000_100, nbf: 1_699_000_000 }, key);
    await rejectsWith(verifyEvidence(token, { key: other.publicKey, provider, clock }), "ATTEST_BAD_SIGNATURE");
    await rejectsWith(
      verifyEvidence(token, { key: key.publicKey, provider, clock, nonce: nonce.map((x) => x ^ 1) }),
      "ATTEST_NONCE_MISMATCH",
    );
    await rejectsWith(
      verifyEvidence(token, { key: key.publicKey, provider, clock: fixedClock(1_700_000_100) }),
      "CWT_EXPIRED",
    );
    await rejectsWith(
      verifyEvidence(token, { key: key.publicKey, provider, clock: fixedClock(1_600_000_000) }),
      "CWT_NOT_YET_VALID",
    );
    const noNonce = await createEat({ ueid }, key);
    await rejectsWith(verifyEvidence(noNonce, { key: key.publicKey, provider, clock, nonce }), "ATTEST_CLAIM_MISSING");
  });
});

describe("UCCS (RFC 9781)", () => {
  const provider = nobleProvider();
  const uccs = encodeCbor(
    new CborTag(
      601,
      new Map<CborValue, CborValue>([
        [10, nonce],
        [262, true],
      ]),
    ),
  );
  it("refused without trustedChannel, accepted with it", async () => {
    await rejectsWith(verifyEvidence(uccs, { provider, clock }), "ATTEST_UNTRUSTED_CHANNEL");
    await rejectsWith(verifyEvidence(uccs, { provider, clock, trustedChannel: false }), "ATTEST_UNTRUSTED_CHANNEL");
    const r = await verifyEvidence(uccs, { provider, clock, trustedChannel: true, nonce });
    expect(r.format).toBe("eat-uccs");
    const m = await verifyEvidence(uccs, {
      provider,
      clock,
      trustedChannel: true,
      mediaType: "application/eat-ucs+cbor",
    });
    expect(m.claims).toMatchObject({ oemboot: true });
  });
});

describe("RFC 9711 §6.4 constrained-device profile", () => {
  const provider = nobleProvider();
  it("ES256 with a nonce passes; ES384 or no nonce is ATTEST_PROFILE", async () => {
    const k256 = await generateSoftwareKey("ES256");
    const ok = await createEat({ ...claims, profile: "urn:ietf:rfc:rfc9711" }, k256);
    expect((await verifyEvidence(ok, { key: k256.publicKey, provider, clock })).format).toBe("eat-cwt");
    const k384 = await generateSoftwareKey("ES384");
    const bad = await createEat({ ...claims, profile: "urn:ietf:rfc:rfc9711" }, k384);
    await rejectsWith(verifyEvidence(bad, { key: k384.publicKey, provider, clock }), "ATTEST_PROFILE");
    const noNonce = await createEat({ ueid, profile: "urn:ietf:rfc:rfc9711" }, k256);
    await rejectsWith(verifyEvidence(noNonce, { key: k256.publicKey, provider, clock }), "ATTEST_PROFILE");
  });
});

describe("Detached EAT Bundle (RFC 9711 §5)", () => {
  const provider = nobleProvider();
  it("round trip, digest mismatch, missing and unbound detached claims-sets", async () => {
    const key = await generateSoftwareKey("ES256");
    const deb = await createEat(claims, key, { detached: { TEE: { oemboot: true, swname: "tee" } }, provider });
    const r = await verifyEvidence(deb, { key: key.publicKey, provider, clock, nonce });
    expect(r.format).toBe("eat-deb");
    if (r.format === "eat-deb") expect(r.result.detached?.TEE?.swname).toBe("tee");

    const [main, sets] = (decodeCbor(deb) as CborTag).value as [Uint8Array, Map<string, Uint8Array>];
    const tee = sets.get("TEE") as Uint8Array;
    const swapped = encodeCbor(
      new Map<CborValue, CborValue>([
        [262, false],
        [270, "tee"],
      ]),
    );
    const bad = encodeCbor(new CborTag(602, [main, new Map([["TEE", swapped]])]));
    await rejectsWith(verifyEvidence(bad, { key: key.publicKey, provider, clock }), "ATTEST_DIGEST_MISMATCH");
    const extra = encodeCbor(
      new CborTag(602, [
        main,
        new Map([
          ["TEE", tee],
          ["X", tee],
        ]),
      ]),
    );
    await rejectsWith(verifyEvidence(extra, { key: key.publicKey, provider, clock }), "ATTEST_DIGEST_MISMATCH");
    const other = await createEat(claims, key, { detached: { A: { oemboot: true }, B: { oemboot: false } }, provider });
    const [m2, s2] = (decodeCbor(other) as CborTag).value as [Uint8Array, Map<string, Uint8Array>];
    const missing = encodeCbor(new CborTag(602, [m2, new Map([["A", s2.get("A") as Uint8Array]])]));
    await rejectsWith(verifyEatBundle(missing, { key: key.publicKey, provider, clock }), "ATTEST_CLAIM_MISSING");
    await rejectsWith(
      verifyEvidence(encodeCbor(new CborTag(602, [main])), { key: key.publicKey, provider, clock }),
      "ATTEST_MALFORMED",
    );
  });
});

describe("verifyEvidence detection", () => {
  const provider = nobleProvider();
  it("unknown formats", async () => {
    await rejectsWith(verifyEvidence(Uint8Array.of(0xff), { provider, clock }), "ATTEST_UNKNOWN_FORMAT");
    await rejectsWith(verifyEvidence(encodeCbor(new CborTag(999, 1)), { provider, clock }), "ATTEST_UNKNOWN_FORMAT");
    await rejectsWith(verifyEvidence(encodeCbor([1, 2]), { provider, clock }), "ATTEST_UNKNOWN_FORMAT");
    await rejectsWith(
      verifyEvidence(Uint8Array.of(1), { provider, clock, mediaType: "application/octet-stream" }),
      "ATTEST_UNKNOWN_FORMAT",
    );
    // JWT needs the server entry
    await rejectsWith(verifyEvidence("a.b.c", { provider, clock }), "ATTEST_UNKNOWN_FORMAT");
  });
});

describe("mutation fuzzing: a signed EAT and a bundle", () => {
  const provider = nobleProvider();
  async function fuzz(bytes: Uint8Array, run: (b: Uint8Array) => Promise<unknown>): Promise<number> {
    let accepted = 0;
    const inputs = [...Array.from(singleByteMutations(bytes, [0xff]), (m) => m.bytes), ...truncations(bytes)];
    for (const input of inputs) {
      try {
        await run(input);
        accepted++;
      } catch (e) {
        if (!(e instanceof RotkitError)) throw new Error(`non-RotkitError: ${String(e)}`, { cause: e });
      }
    }
    return accepted;
  }
  it("no flipped or truncated CWT verifies", async () => {
    const key = await generateSoftwareKey("ES256");
    const token = await createEat(claims, key);
    expect(await fuzz(token, (b) => verifyEvidence(b, { key: key.publicKey, provider, clock }))).toBe(0);
  });
  it("no flipped or truncated bundle verifies", async () => {
    const key = await generateSoftwareKey("ES256");
    const deb = await createEat(claims, key, { detached: { TEE: { oemboot: true } }, provider });
    expect(await fuzz(deb, (b) => verifyEvidence(b, { key: key.publicKey, provider, clock }))).toBe(0);
  });
});
