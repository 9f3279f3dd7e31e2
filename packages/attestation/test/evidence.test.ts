import { fixedClock, generateSoftwareKey, nobleProvider, RotkitError } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { createPsaToken, detectEvidenceFormat, parseMediaType, verifyEvidence } from "../src/index.js";

const clock = fixedClock(1_700_000_000);
const provider = nobleProvider();

describe("verifyEvidence dispatch", () => {
  it("a PSA token is detected by content and by media type, and goes to verifyPsaToken", async () => {
    const iak = await generateSoftwareKey("ES256");
    const nonce = new Uint8Array(32).fill(7);
    const instanceId = Uint8Array.from({ length: 33 }, (_, i) => (i === 0 ? 1 : i));
    const token = await createPsaToken(
      {
        nonce,
        instanceId,
        implementationId: new Uint8Array(32).fill(2),
        clientId: 1,
        securityLifecycle: 0x3000,
        softwareComponents: [{ measurementValue: new Uint8Array(32).fill(3), signerId: new Uint8Array(32).fill(4) }],
      } as Parameters<typeof createPsaToken>[0],
      iak,
    );
    expect(detectEvidenceFormat(token)).toBe("psa");
    const r = await verifyEvidence(token, { key: iak.publicKey, provider, clock, nonce });
    expect(r.format).toBe("psa");
    const m = await verifyEvidence(token, {
      mediaType: 'application/eat+cwt; eat_profile="tag:psacertified.org,2023:psa#tfm"',
      key: iak.publicKey,
      provider,
      clock,
    });
    expect(m.format).toBe("psa");
    await expect(
      verifyEvidence(token, { key: iak.publicKey, provider, clock, nonce: new Uint8Array(32) }),
    ).rejects.toBeInstanceOf(RotkitError);
  });

  it("media types", () => {
    expect(parseMediaType('application/psa-attestation-token; profile="tag:psacertified.org,2019:psa#legacy"')).toEqual(
      {
        type: "application/psa-attestation-token",
        params: { profile: "tag:psacertified.org,2019:psa#legacy" },
      },
    );
    const b = Uint8Array.of(0);
    expect(detectEvidenceFormat(b, { mediaType: "application/eat-bun+cbor" })).toBe("eat-deb");
    expect(detectEvidenceFormat(b, { mediaType: "application/eat-ucs+cbor" })).toBe("eat-uccs");
    expect(detectEvidenceFormat(b, { mediaType: "Application/EAT+CWT" })).toBe("eat-cwt");
    expect(detectEvidenceFormat(b, { mediaType: "application/psa-attestation-token" })).toBe("psa");
    expect(detectEvidenceFormat(b, { format: "tpm-quote" })).toBe("tpm-quote");
    expect(detectEvidenceFormat('{"eat_nonce":"x"}')).toBe("eat-jwt");
  });

  it("TPM and DICE only by explicit format; missing TPM inputs are INVALID_ARGUMENT", async () => {
    await expect(verifyEvidence(Uint8Array.of(0), { format: "tpm-quote", provider, clock })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(verifyEvidence(Uint8Array.of(0), { format: "dice-cbor", provider, clock })).rejects.toBeInstanceOf(
      RotkitError,
    );
  });
});
