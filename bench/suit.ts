// SUIT envelopes signed with ESP256 by a fresh key, in two shapes: draft-ietf-suit-manifest example 2 (shared
// sequence with vendor/class/digest/size, install with a URI fetch, validate, invoke; install and text severed)
// and example 1 (nothing severed). rotkit's verifySuitEnvelope — envelope and manifest decoding against the CDDL,
// SUIT_Digest of the manifest, COSE_Sign1 over the detached digest, severable members against their digests — with
// webCryptoProvider(), against raw node:crypto verification of the same COSE signature over the same
// Sig_structure (sign1-verify.ts runs both sides with the same number in flight and prints the noble rate too).
//
// sign1-verify.ts takes COSE_Sign1 tokens and derives the native side's Sig_structure from each token's payload.
// A SUIT block's payload is detached (the SUIT_Digest), so the native side gets the same block with that payload
// attached: same protected header, same signature, hence the same Sig_structure (RFC 9052 §4.4 does not depend
// on where the payload travels). rotkit's side maps each token back to its envelope and verifies the envelope.

import { CborTag, encodeCbor, generateSoftwareKey, webCryptoProvider } from "@rotkit/core";
import { decodeCoseSign1Unverified } from "@rotkit/cose";
import {
  buildSuitEnvelope,
  decodeSuitEnvelopeUnverified,
  type SuitManifest,
  signSuitEnvelope,
  verifySuitEnvelope,
} from "@rotkit/manifest";
import { sign1VerifyBench } from "./sign1-verify.js";

function manifest(sequenceNumber: number, imageDigest: Uint8Array): SuitManifest {
  const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
  const component = [Uint8Array.of(0)];
  return {
    version: 1,
    sequenceNumber: BigInt(sequenceNumber),
    common: {
      components: [component],
      sharedSequence: [
        {
          kind: "directive",
          name: "override-parameters",
          code: 20,
          parameters: {
            vendorIdentifier: hex("fa6b4a53d5ad5fdfbe9de663e4d41ffe"),
            classIdentifier: hex("1492af1425695e48bf429b2d51f2ab45"),
            imageDigest: { algorithm: -16, bytes: imageDigest },
            imageSize: 34768,
          },
        },
        { kind: "condition", name: "vendor-identifier", code: 1, policy: 15 },
        { kind: "condition", name: "class-identifier", code: 2, policy: 15 },
      ],
    },
    referenceUri: "https://updates.example.com/widget/manifest.suit",
    validate: [{ kind: "condition", name: "image-match", code: 3, policy: 15 }],
    invoke: [{ kind: "directive", name: "invoke", code: 23, policy: 15 }],
    install: {
      value: [
        {
          kind: "directive",
          name: "override-parameters",
          code: 20,
          parameters: { uri: `https://updates.example.com/widget/firmware-${sequenceNumber}.bin` },
        },
        { kind: "directive", name: "fetch", code: 21, policy: 2 },
        { kind: "condition", name: "image-match", code: 3, policy: 15 },
      ],
    },
    text: {
      value: new Map([
        [
          "en-US",
          {
            manifest: new Map([[1, `Widget firmware 1.0.${sequenceNumber}: download, install, secure boot`]]),
            components: [
              {
                component,
                text: new Map([
                  [3, "example.com"],
                  [4, "widget"],
                  [6, `1.0.${sequenceNumber}`],
                ]),
              },
            ],
          },
        ],
      ]),
    },
  };
}

/** 64 signed envelopes and, for each, its authentication block with the detached payload attached. */
async function envelopes(sever: boolean) {
  const provider = webCryptoProvider();
  const author = await generateSoftwareKey("ESP256");
  const tokens: Uint8Array[] = [];
  const envelopeOf = new Map<Uint8Array, Uint8Array>();
  for (let i = 0; i < 64; i++) {
    const unsigned = await buildSuitEnvelope(
      { manifest: manifest(i + 1, provider.randomBytes(32)), sever: sever ? ["install", "text"] : [] },
      { provider },
    );
    const envelope = await signSuitEnvelope(unsigned, { signers: [author], provider });
    const auth = decodeSuitEnvelopeUnverified(envelope).authentication;
    const block = decodeCoseSign1Unverified((auth.blocks[0] as { bytes: Uint8Array }).bytes);
    // draft-ietf-suit-manifest §8.3: the detached payload is the encoded SUIT_Digest.
    const payload = encodeCbor([auth.digest.algorithm, auth.digest.bytes]);
    const attached = encodeCbor(new CborTag(18, [block.headers.protected.bytes, new Map(), payload, block.signature]));
    tokens.push(attached);
    envelopeOf.set(attached, envelope);
  }
  return { author, tokens, envelopeOf, size: (envelopeOf.get(tokens[0] as Uint8Array) as Uint8Array).length };
}

async function shape(sever: boolean, json: boolean): Promise<Record<string, number>> {
  const { author, tokens, envelopeOf, size } = await envelopes(sever);
  const what = sever
    ? "example 2 shape, install + text severed: 3 digests"
    : "example 1 shape, nothing severed: 1 digest";
  return sign1VerifyBench({
    title: `SUIT envelope (${size} bytes, ${what}, ESP256) decode + authenticate`,
    tokens,
    publicKey: author.publicKey,
    verify: (token, p) =>
      verifySuitEnvelope(envelopeOf.get(token) as Uint8Array, { keys: [author.publicKey], provider: p }),
    json,
  });
}

export default async function run(json: boolean): Promise<Record<string, number>> {
  // The headline figure is the draft's example 2 shape (severed members: their digests are checked too).
  const metrics = await shape(true, json);
  for (const [k, v] of Object.entries(await shape(false, json))) metrics[`example1_${k}`] = v;
  return metrics;
}
