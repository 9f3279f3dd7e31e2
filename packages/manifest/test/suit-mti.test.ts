import { createHash } from "node:crypto";
import {
  type CryptoProvider,
  fixedClock,
  generateKeyAgreementKey,
  generateSoftwareKey,
  hssLmsPublicKey,
  type KeyHandle,
  nobleProvider,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import type { RecipientDescription, RecipientKey } from "@rotkit/cose";
import {
  buildSuitEnvelope,
  decodeSuitEnvelopeUnverified,
  encryptSuitPayload,
  MemorySuitPlatform,
  processSuitEnvelope,
  SUIT_MTI_PROFILES,
  type SuitMtiProfile,
  type SuitVerificationKey,
  signSuitEnvelope,
  verifySuitEnvelope,
} from "@rotkit/manifest";
import { describe, expect, it } from "vitest";
import { codeOf } from "../../core/test/helpers/code-of.js";
import { hssTestKey } from "../../core/test/helpers/hss-sign.js";
import { CLASS_ID, cond, dir, ids, index, manifest, override, sha256, VENDOR_ID } from "./suit-process-fixtures.js";

// draft-ietf-suit-mti: each of the six profiles end to end. The author signs (or MACs) with the profile's
// authentication algorithm and encrypts the firmware with its key exchange and content algorithm; the device verifies
// with only that algorithm allowed, fetches the ciphertext, decrypts it into the component (copy with the encryption
// info) and checks the image digest (SHA-256, the profiles' digest), with both providers.

interface Author {
  sign(unsigned: Uint8Array, provider: CryptoProvider): Promise<Uint8Array>;
  /** What the device trusts. */
  keys: SuitVerificationKey[];
}

async function author(alg: number): Promise<Author> {
  const withSigner = (key: KeyHandle): Author => ({
    sign: (unsigned, provider) => signSuitEnvelope(unsigned, { signers: [key], provider }),
    keys: [key.publicKey],
  });
  switch (alg) {
    case 5: {
      const secret = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
      return {
        sign: (unsigned, provider) => signSuitEnvelope(unsigned, { macs: [{ key: secret, alg: 5 }], provider }),
        keys: [secret],
      };
    }
    case -9:
      return withSigner(await generateSoftwareKey("ESP256"));
    case -19:
      return withSigner(await generateSoftwareKey("Ed25519"));
    case -46: {
      // HSS-LMS signing keys are stateful and live in an HSM; the test signer stands in for one behind a KeyHandle.
      const hss = hssTestKey({
        levels: [
          { lmsType: 5, otsType: 4 },
          { lmsType: 5, otsType: 4 },
        ],
        seed: new Uint8Array(32).fill(0x46),
        identifier: new Uint8Array(16).fill(0x47),
      });
      return withSigner({
        alg: "HSS-LMS",
        publicKey: hssLmsPublicKey(hss.publicKey),
        sign: async (data) => hss.sign(data),
      });
    }
    default:
      throw new Error(`no author for ${alg}`);
  }
}

function platform(resources: Record<string, Uint8Array>): MemorySuitPlatform {
  return new MemorySuitPlatform({
    identity: { vendorIds: [VENDOR_ID], classIds: [CLASS_ID] },
    clock: fixedClock(1000),
    resources,
  });
}

/** The author's recipient and the device's matching key for the profile's key exchange. */
function keyExchange(alg: number, first = 0x30): { recipient: RecipientDescription; device: RecipientKey } {
  const kid = utf8Encode(`kek ${alg}`);
  switch (alg) {
    case -3:
    case -5: {
      const kek = Uint8Array.from({ length: alg === -3 ? 16 : 32 }, (_, i) => first + i);
      return { recipient: { alg, kid, key: kek }, device: { kid, key: kek } };
    }
    case -29: {
      const device = generateKeyAgreementKey("P-256");
      return { recipient: { alg, kid, publicKey: device.publicKey }, device: { kid, key: device } };
    }
    default:
      throw new Error(`no key exchange for ${alg}`);
  }
}

async function endToEnd(profile: SuitMtiProfile, provider: CryptoProvider) {
  const firmware = utf8Encode(`firmware image for ${profile.name}`.repeat(40));
  const a = await author(profile.authentication);
  const kx = keyExchange(profile.keyExchange);
  const { encryptionInfo, ciphertext } = await encryptSuitPayload(firmware, {
    provider,
    alg: profile.encryption,
    recipients: [kx.recipient],
  });
  const uri = "https://updates.example.com/fw.enc";
  const m = manifest(ids(2), {
    install: {
      value: [
        index(1),
        override({ uri }),
        dir("fetch"),
        index(0),
        override({ encryptionInfo, sourceComponent: 1, imageDigest: await sha256(firmware, provider) }),
        dir("copy"),
        cond("image-match"),
      ],
    },
  });
  const envelope = await a.sign(await buildSuitEnvelope({ manifest: m }, { provider }), provider);
  return { firmware, ciphertext, envelope, a, kx, uri };
}

describe("draft-ietf-suit-mti: every profile end to end", () => {
  for (const profile of SUIT_MTI_PROFILES) {
    it(profile.name, async () => {
      for (const provider of [nobleProvider(), webCryptoProvider()]) {
        const { firmware, ciphertext, envelope, a, kx, uri } = await endToEnd(profile, provider);
        // The envelope's authentication block uses the profile's algorithm, its digest the profile's.
        const env = decodeSuitEnvelopeUnverified(envelope);
        expect(env.authentication.digest.algorithm).toBe(profile.digest);
        const verified = await verifySuitEnvelope(envelope, {
          keys: a.keys,
          provider,
          allowedAlgs: [profile.authentication],
        });
        expect(verified.signers.map((s) => s.alg)).toEqual([profile.authentication]);
        const device = platform({ [uri]: ciphertext });
        const r = await processSuitEnvelope(envelope, device, {
          keys: a.keys,
          provider,
          allowedAlgs: [profile.authentication],
          decryptionKeys: [kx.device],
        });
        expect(r.error).toBeUndefined();
        expect(device.component(ids(2)[0] as Uint8Array[])).toEqual(firmware);
        // Another profile's algorithm list refuses it; so does the wrong decryption key.
        const others = SUIT_MTI_PROFILES.map((p) => p.authentication).filter((x) => x !== profile.authentication);
        expect(await codeOf(() => verifySuitEnvelope(envelope, { keys: a.keys, provider, allowedAlgs: others }))).toBe(
          "SUIT_AUTH_FAILED",
        );
        const wrong = keyExchange(profile.keyExchange, 0x60).device; // same kid, another key
        const refused = await processSuitEnvelope(envelope, platform({ [uri]: ciphertext }), {
          keys: a.keys,
          provider,
          decryptionKeys: [wrong],
        });
        expect(refused.ok).toBe(false);
        expect(refused.error?.code).toMatch(/^(COSE|SUIT)_[A-Z_]+$/);
      }
    });
  }
});

describe("every suit-cose-hash-alg (§8.4.2.3, RFC 9054): SHA-256/384/512, SHAKE128, SHAKE256", () => {
  const content = utf8Encode("component content");
  for (const [algorithm, node] of [
    [-16, ["sha256", 32]],
    [-43, ["sha384", 48]],
    [-44, ["sha512", 64]],
    [-18, ["shake128", 32]],
    [-45, ["shake256", 64]],
  ] as const) {
    it(`${algorithm}: manifest, severed text and image digest, checked against OpenSSL`, async () => {
      const [name, length] = node;
      const digestOf = (b: Uint8Array) =>
        new Uint8Array(
          createHash(name, name.startsWith("shake") ? { outputLength: length } : {})
            .update(b)
            .digest(),
        );
      const key = await generateSoftwareKey("ESP256");
      const imageDigest = { algorithm, bytes: digestOf(content) };
      const m = manifest(ids(1), {
        install: { value: [override({ content, imageDigest }), dir("write"), cond("image-match")] },
        text: { value: new Map([["en", { manifest: new Map([[1, "digest test"]]), components: [] }]]) },
      });
      for (const provider of [nobleProvider(), webCryptoProvider()]) {
        const unsigned = await buildSuitEnvelope(
          { manifest: m, digestAlgorithm: algorithm, sever: ["text"] },
          { provider },
        );
        const envelope = await signSuitEnvelope(unsigned, { signers: [key], provider });
        const env = decodeSuitEnvelopeUnverified(envelope);
        // The authentication digest is over the bstr-wrapped manifest (§8.3), computed by an independent implementation.
        const wrappedManifest = env.members?.find((x) => x.key === 3)?.wrapped as Uint8Array;
        expect(env.authentication.digest).toEqual({ algorithm, bytes: digestOf(wrappedManifest) });
        expect(env.manifest.text?.digest?.algorithm).toBe(algorithm);
        const verified = await verifySuitEnvelope(envelope, { keys: [key.publicKey], provider });
        expect(verified.manifest.text?.value?.get("en")?.manifest.get(1)).toBe("digest test");
        const device = platform({});
        const r = await processSuitEnvelope(envelope, device, { keys: [key.publicKey], provider });
        expect(r.error).toBeUndefined();
        expect(device.component(ids(1)[0] as Uint8Array[])).toEqual(content);
        // A changed severed text no longer matches its digest.
        const textMember = env.members?.find((x) => x.key === 23)?.wrapped as Uint8Array;
        const at = envelope.length - 1;
        expect(envelope.subarray(at - textMember.length + 1)).toEqual(textMember);
        const bad = envelope.slice();
        bad[at] = (bad[at] as number) ^ 1;
        expect(await codeOf(() => verifySuitEnvelope(bad, { keys: [key.publicKey], provider }))).toBe(
          "SUIT_DIGEST_MISMATCH",
        );
      }
    });
  }
});
