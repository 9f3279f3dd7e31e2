// PSA attestation token (RFC 9783, ES256 COSE_Sign1): rotkit's verifyPsaToken — COSE checks, signature, claim
// decoding and full per-profile validation, nonce — with webCryptoProvider() against raw node:crypto verification
// of the same signatures (see sign1-verify.ts for how both sides run).

import { createPsaToken, verifyPsaToken } from "@rotkit/attestation";
import { concatBytes, generateSoftwareKey, webCryptoProvider } from "@rotkit/core";
import { sign1VerifyBench } from "./sign1-verify.js";

export default async function run(json: boolean): Promise<Record<string, number>> {
  const iak = await generateSoftwareKey("ES256");
  const random = webCryptoProvider().randomBytes;
  const instanceId = concatBytes(Uint8Array.of(0x01), random(32));
  const implementationId = random(32);
  const tokens: Uint8Array[] = [];
  const nonces: Uint8Array[] = [];
  for (let i = 0; i < 64; i++) {
    const nonce = random(32);
    nonces.push(nonce);
    tokens.push(
      await createPsaToken(
        {
          nonce,
          instanceId,
          implementationId,
          clientId: 1,
          securityLifecycle: 0x3000,
          bootSeed: random(32),
          certificationReference: "1234567890123-12345",
          softwareComponents: [
            { measurementType: "BL", measurementValue: random(32), signerId: random(32), version: "2.1.0" },
            { measurementType: "PRoT", measurementValue: random(32), signerId: random(32), version: "1.3.5" },
            { measurementType: "ARoT", measurementValue: random(32), signerId: random(32), version: "0.9.0" },
          ],
          verificationServiceIndicator: "https://verifier.example",
        },
        iak,
      ),
    );
  }
  const nonceOf = new Map(tokens.map((t, i) => [t, nonces[i] as Uint8Array]));
  return sign1VerifyBench({
    title: "PSA token (RFC 9783, ES256) verify + decode + validate",
    tokens,
    publicKey: iak.publicKey,
    verify: (token, provider) => verifyPsaToken(token, { key: iak.publicKey, provider, nonce: nonceOf.get(token) }),
    json,
  });
}
