import {
  bytesEqual,
  CborTag,
  type CborValue,
  encodeCbor,
  generateSoftwareKey,
  nobleProvider,
  RotkitError,
  utf8Encode,
} from "@rotkit/core";
import { createCoseMac, signCoseSign } from "@rotkit/cose";
import {
  buildSuitEnvelope,
  decodeSuitEnvelopeUnverified,
  decryptSuitPayload,
  encodeSuitEnvelope,
  encryptSuitPayload,
  type SuitCommand,
  type SuitCommandSequence,
  type SuitManifest,
  type SuitParameters,
  signSuitEnvelope,
  verifySuitEnvelope,
} from "@rotkit/manifest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// Building and signing envelopes, the round trip typed model → bytes → typed model, and the CDDL rules the
// decoder enforces (each refused input names its code).

const provider = nobleProvider();
const VENDOR = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const CLASS = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
    return "accepted";
  } catch (e) {
    if (e instanceof RotkitError) return e.code;
    throw e;
  }
}

function sampleManifest(firmware: Uint8Array, digest: Uint8Array): SuitManifest {
  return {
    version: 1,
    sequenceNumber: 7n,
    common: {
      components: [[utf8Encode("fw")]],
      sharedSequence: [
        {
          kind: "directive",
          name: "override-parameters",
          code: 20,
          parameters: {
            vendorIdentifier: VENDOR,
            classIdentifier: CLASS,
            imageDigest: { algorithm: -16, bytes: digest },
            imageSize: firmware.length,
          },
        },
        { kind: "condition", name: "vendor-identifier", code: 1, policy: 15 },
        { kind: "condition", name: "class-identifier", code: 2, policy: 15 },
      ],
    },
    validate: [{ kind: "condition", name: "image-match", code: 3, policy: 15 }],
    install: {
      value: [
        { kind: "directive", name: "override-parameters", code: 20, parameters: { uri: "#firmware" } },
        { kind: "directive", name: "fetch", code: 21, policy: 2 },
        { kind: "condition", name: "image-match", code: 3, policy: 15 },
      ],
    },
    text: { value: new Map([["en", { manifest: new Map([[1, "demo"]]), components: [] }]]) },
  };
}

async function signedSample() {
  const firmware = utf8Encode("firmware image bytes");
  const digest = await provider.digest("SHA-256", firmware);
  const manifest = sampleManifest(firmware, digest);
  const key = await generateSoftwareKey("ESP256");
  const unsigned = await buildSuitEnvelope(
    { manifest, sever: ["text"], integratedPayloads: new Map([["#firmware", firmware]]) },
    { provider },
  );
  return { firmware, manifest, key, unsigned, signed: await signSuitEnvelope(unsigned, { signers: [key], provider }) };
}

/** Re-encodes a decoded envelope after changing its typed manifest (members dropped so the model is used). */
function withManifest(bytes: Uint8Array, change: (m: SuitManifest) => void): Uint8Array {
  const env = decodeSuitEnvelopeUnverified(bytes);
  change(env.manifest);
  const { members: _members, ...rest } = env;
  return encodeSuitEnvelope(rest, { reuseMembers: false });
}

/** An envelope whose manifest is the given raw CBOR map (for inputs the typed model cannot express). */
function rawManifestEnvelope(manifest: Map<CborValue, CborValue>, extra: [CborValue, CborValue][] = []): Uint8Array {
  const m = new Map<CborValue, CborValue>([
    [2, encodeCbor([encodeCbor([-16, new Uint8Array(32)])])],
    [3, encodeCbor(manifest)],
    ...extra,
  ]);
  return encodeCbor(m);
}

function baseRawManifest(): Map<CborValue, CborValue> {
  return new Map<CborValue, CborValue>([
    [1, 1],
    [2, 0],
    [3, encodeCbor(new Map([[2, [[Uint8Array.of(0)]]]]))],
  ]);
}

describe("buildSuitEnvelope / signSuitEnvelope", () => {
  it("builds, signs (ESP256) and verifies; the typed manifest survives the round trip", async () => {
    const { firmware, manifest, key, signed } = await signedSample();
    const v = await verifySuitEnvelope(signed, { keys: [key.publicKey], provider });
    expect(v.signers).toEqual([{ index: 0, kind: "COSE_Sign1", alg: -9, verified: true }]);
    expect(v.manifest.sequenceNumber).toBe(7n);
    expect(v.manifest.common).toEqual(manifest.common);
    expect(v.manifest.install?.value).toEqual(manifest.install?.value);
    expect(v.manifest.text?.digest?.algorithm).toBe(-16);
    expect(v.manifest.text?.value).toEqual(manifest.text?.value);
    expect(v.integratedPayloads.get("#firmware")).toEqual(firmware);
    expect(bytesEqual(encodeSuitEnvelope(v), signed)).toBe(true);
    expect(bytesEqual(encodeSuitEnvelope(v, { reuseMembers: false }), signed)).toBe(true);
  });

  it("several authentication blocks: ES256 + Ed25519 + HMAC; policies 'any' and 'all'", async () => {
    const { unsigned } = await signedSample();
    const es = await generateSoftwareKey("ES256");
    const ed = await generateSoftwareKey("Ed25519");
    const secret = utf8Encode("s".repeat(32));
    const signed = await signSuitEnvelope(unsigned, { signers: [es, ed], macs: [{ key: secret, alg: 5 }], provider });
    const all = await verifySuitEnvelope(signed, {
      keys: [es.publicKey, ed.publicKey, secret],
      provider,
      policy: "all",
    });
    expect(all.signers.map((s) => [s.kind, s.alg])).toEqual([
      ["COSE_Sign1", -7],
      ["COSE_Sign1", -19],
      ["COSE_Mac0", 5],
    ]);
    const any = await verifySuitEnvelope(signed, { keys: [ed.publicKey], provider });
    expect(any.signers.map((s) => s.index)).toEqual([1]);
    expect(await code(verifySuitEnvelope(signed, { keys: [ed.publicKey], provider, policy: "all" }))).toBe(
      "SUIT_AUTH_FAILED",
    );
    // The error names the block that failed: the ES256 block (the first) has no fitting key here.
    await expect(verifySuitEnvelope(signed, { keys: [ed.publicKey], provider, policy: "all" })).rejects.toThrow(
      /not every authentication block verifies: envelope\/2\[1\]: /,
    );
    await expect(verifySuitEnvelope(signed, { keys: [es.publicKey], provider, allowedAlgs: [-8] })).rejects.toThrow(
      /no authentication block verifies: envelope\/2\[1\]: COSE_Sign1: /,
    );
    // Signing again keeps the existing blocks.
    const more = await signSuitEnvelope(signed, { signers: [ed], provider });
    expect(decodeSuitEnvelopeUnverified(more).authentication.blocks.length).toBe(4);
  });

  it("COSE_Sign and COSE_Mac blocks verify too", async () => {
    const { unsigned } = await signedSample();
    const env = decodeSuitEnvelopeUnverified(unsigned);
    const payload = encodeCbor([env.authentication.digest.algorithm, env.authentication.digest.bytes]);
    const a = await generateSoftwareKey("ES384");
    const b = await generateSoftwareKey("EdDSA");
    const secret = utf8Encode("m".repeat(32));
    const sign = await signCoseSign({ payload, detached: true }, [a, b]);
    const mac = await createCoseMac(
      { payload, detached: true },
      { provider, alg: 5, recipients: [{ alg: -6, key: secret }] },
    );
    const { members: _m, ...rest } = env;
    rest.authentication = {
      ...env.authentication,
      blocks: [
        { kind: "COSE_Sign", bytes: sign },
        { kind: "COSE_Mac", bytes: mac },
      ],
    };
    const bytes = encodeSuitEnvelope(rest);
    const v = await verifySuitEnvelope(bytes, { keys: [b.publicKey, secret], provider, policy: "all" });
    expect(v.signers.map((s) => s.kind)).toEqual(["COSE_Sign", "COSE_Mac"]);
  });

  it("editing the typed manifest of a signed envelope breaks its digest (SUIT_DIGEST_MISMATCH)", async () => {
    const { signed, key } = await signedSample();
    const edited = withManifest(signed, (m) => {
      m.sequenceNumber = 8n;
    });
    expect(decodeSuitEnvelopeUnverified(edited).manifest.sequenceNumber).toBe(8n);
    expect(await code(verifySuitEnvelope(edited, { keys: [key.publicKey], provider }))).toBe("SUIT_DIGEST_MISMATCH");
  });

  it("refuses to sign an envelope whose digest does not match its manifest", async () => {
    const { unsigned, key } = await signedSample();
    const env = decodeSuitEnvelopeUnverified(unsigned);
    const { members: _m, ...rest } = env;
    rest.authentication = { ...env.authentication, digest: { algorithm: -16, bytes: new Uint8Array(32) } };
    expect(await code(signSuitEnvelope(encodeSuitEnvelope(rest), { signers: [key], provider }))).toBe(
      "SUIT_DIGEST_MISMATCH",
    );
    expect(await code(signSuitEnvelope(unsigned, { provider }))).toBe("INVALID_ARGUMENT");
  });

  it("integrated payloads are bound to the manifest: unreferenced or with the wrong digest is refused", async () => {
    const { key, firmware } = await signedSample();
    const digest = await provider.digest("SHA-256", firmware);
    const manifest = sampleManifest(firmware, digest);
    const build = async (payloads: Map<string, Uint8Array>) =>
      signSuitEnvelope(await buildSuitEnvelope({ manifest, integratedPayloads: payloads }, { provider }), {
        signers: [key],
        provider,
      });
    const opts = { keys: [key.publicKey], provider };
    const wrong = firmware.slice();
    wrong[0] = (wrong[0] as number) ^ 1;
    expect(await code(verifySuitEnvelope(await build(new Map([["#firmware", wrong]])), opts))).toBe(
      "SUIT_DIGEST_MISMATCH",
    );
    expect(await code(verifySuitEnvelope(await build(new Map([["#other", firmware]])), opts))).toBe("SUIT_MALFORMED");
    expect(await code(verifySuitEnvelope(await build(new Map([["#firmware", firmware]])), opts))).toBe("accepted");
  });

  it("integrated dependency: built, verified with its own key, bound to the digest the dependent sets", async () => {
    const depKey = await generateSoftwareKey("ESP256");
    const rootKey = await generateSoftwareKey("Ed25519");
    const depManifest: SuitManifest = {
      version: 1,
      sequenceNumber: 1n,
      common: { components: [[utf8Encode("c")]] },
      invoke: [{ kind: "directive", name: "invoke", code: 23, policy: 0 }],
    };
    const dep = await signSuitEnvelope(await buildSuitEnvelope({ manifest: depManifest }, { provider }), {
      signers: [depKey],
      provider,
    });
    const depDigest = decodeSuitEnvelopeUnverified(dep).authentication.digest;
    const rootManifest = (digest: typeof depDigest): SuitManifest => ({
      version: 1,
      sequenceNumber: 2n,
      common: { components: [[utf8Encode("a")]], dependencies: new Map([[1, { prefix: [utf8Encode("dep")] }]]) },
      manifestComponentId: [utf8Encode("root.suit")],
      dependencyResolution: {
        value: [
          { kind: "directive", name: "set-component-index", code: 12, index: 1 },
          { kind: "directive", name: "set-parameters", code: 19, parameters: { uri: "#dep", imageDigest: digest } },
          { kind: "directive", name: "fetch", code: 21, policy: 0 },
          { kind: "condition", name: "dependency-integrity", code: 7, policy: 15 },
          { kind: "directive", name: "process-dependency", code: 11, policy: 0 },
        ],
      },
    });
    const build = async (digest: typeof depDigest) =>
      signSuitEnvelope(
        await buildSuitEnvelope(
          { manifest: rootManifest(digest), integratedDependencies: new Map([["#dep", dep]]) },
          { provider },
        ),
        { signers: [rootKey], provider },
      );
    const bytes = await build(depDigest);
    const v = await verifySuitEnvelope(bytes, {
      keys: [rootKey.publicKey],
      dependencyKeys: [depKey.publicKey],
      provider,
    });
    expect(v.integratedDependencies.get("#dep")?.manifest.invoke?.[0]?.name).toBe("invoke");
    expect(bytesEqual(encodeSuitEnvelope(decodeSuitEnvelopeUnverified(bytes), { reuseMembers: false }), bytes)).toBe(
      true,
    );
    expect(await code(verifySuitEnvelope(bytes, { keys: [rootKey.publicKey], provider }))).toBe("SUIT_AUTH_FAILED");
    const other = await build({ algorithm: -16, bytes: new Uint8Array(32) });
    expect(
      await code(
        verifySuitEnvelope(other, { keys: [rootKey.publicKey], dependencyKeys: [depKey.publicKey], provider }),
      ),
    ).toBe("SUIT_DIGEST_MISMATCH");
  });

  it("encryptSuitPayload / decryptSuitPayload round trip (A128KW + A128GCM, ECDH-ES + A128CTR)", async () => {
    const plaintext = utf8Encode("secret firmware");
    const kek = utf8Encode("k".repeat(16));
    const gcm = await encryptSuitPayload(plaintext, { provider, recipients: [{ alg: -3, key: kek }] });
    expect(await decryptSuitPayload(gcm.encryptionInfo, gcm.ciphertext, { provider, keys: [{ key: kek }] })).toEqual(
      plaintext,
    );
    const { generateKeyAgreementKey } = await import("@rotkit/core");
    const device = generateKeyAgreementKey("P-256");
    const ctr = await encryptSuitPayload(plaintext, {
      provider,
      alg: -65534,
      recipients: [{ alg: -29, publicKey: device.publicKey }],
    });
    expect(await decryptSuitPayload(ctr.encryptionInfo, ctr.ciphertext, { provider, keys: [{ key: device }] })).toEqual(
      plaintext,
    );
  });
});

describe("the decoder enforces the CDDL", () => {
  const cases: [string, () => Uint8Array, string][] = [
    ["manifest version 2", () => rawManifestEnvelope(new Map([...baseRawManifest(), [1, 2]])), "SUIT_UNSUPPORTED"],
    [
      "unknown manifest member 30",
      () => rawManifestEnvelope(new Map([...baseRawManifest(), [30, 1]])),
      "SUIT_UNSUPPORTED",
    ],
    ["sequence number as text", () => rawManifestEnvelope(new Map([...baseRawManifest(), [2, "1"]])), "SUIT_MALFORMED"],
    [
      "missing suit-common",
      () => rawManifestEnvelope(new Map([...baseRawManifest()].filter(([k]) => k !== 3))),
      "SUIT_MALFORMED",
    ],
    [
      "odd-length sequence",
      () => rawManifestEnvelope(new Map([...baseRawManifest(), [7, encodeCbor([3, 15, 3])]])),
      "SUIT_MALFORMED",
    ],
    [
      "unknown command 99",
      () => rawManifestEnvelope(new Map([...baseRawManifest(), [7, encodeCbor([99, 15])]])),
      "SUIT_UNSUPPORTED",
    ],
    [
      "reporting policy 16",
      () => rawManifestEnvelope(new Map([...baseRawManifest(), [7, encodeCbor([3, 16])]])),
      "SUIT_MALFORMED",
    ],
    [
      "try-each with one sequence",
      () => rawManifestEnvelope(new Map([...baseRawManifest(), [7, encodeCbor([15, [encodeCbor([3, 15])]])]])),
      "SUIT_MALFORMED",
    ],
    [
      "empty parameters",
      () => rawManifestEnvelope(new Map([...baseRawManifest(), [7, encodeCbor([20, new Map()])]])),
      "SUIT_MALFORMED",
    ],
    [
      "unknown parameter 99",
      () => rawManifestEnvelope(new Map([...baseRawManifest(), [7, encodeCbor([20, new Map([[99, 1]])])]])),
      "SUIT_UNSUPPORTED",
    ],
    [
      "a 15-byte vendor id",
      () =>
        rawManifestEnvelope(new Map([...baseRawManifest(), [7, encodeCbor([20, new Map([[1, new Uint8Array(15)]])])]])),
      "SUIT_MALFORMED",
    ],
    [
      "set-component-index false",
      () => rawManifestEnvelope(new Map([...baseRawManifest(), [7, encodeCbor([12, false])]])),
      "SUIT_MALFORMED",
    ],
    [
      "fetch in the shared sequence",
      () =>
        rawManifestEnvelope(
          new Map([
            ...baseRawManifest(),
            [
              3,
              encodeCbor(
                new Map<CborValue, CborValue>([
                  [2, [[Uint8Array.of(0)]]],
                  [4, encodeCbor([21, 2])],
                ]),
              ),
            ],
          ]),
        ),
      "SUIT_MALFORMED",
    ],
    [
      "a custom command in the shared sequence",
      () =>
        rawManifestEnvelope(
          new Map([
            ...baseRawManifest(),
            [
              3,
              encodeCbor(
                new Map<CborValue, CborValue>([
                  [2, [[Uint8Array.of(0)]]],
                  [4, encodeCbor([-5, null])],
                ]),
              ),
            ],
          ]),
        ),
      "SUIT_MALFORMED",
    ],
    [
      "an image digest of the wrong length",
      () =>
        rawManifestEnvelope(
          new Map([...baseRawManifest(), [7, encodeCbor([20, new Map([[3, encodeCbor([-16, new Uint8Array(31)])]])])]]),
        ),
      "SUIT_MALFORMED",
    ],
    [
      "unknown envelope member 99",
      () => rawManifestEnvelope(baseRawManifest(), [[99, new Uint8Array(0)]]),
      "SUIT_UNSUPPORTED",
    ],
    [
      "application-specific envelope member -1",
      () => rawManifestEnvelope(baseRawManifest(), [[-1, new Uint8Array(0)]]),
      "SUIT_UNSUPPORTED",
    ],
    ["a non-bstr envelope member", () => rawManifestEnvelope(baseRawManifest(), [[23, 1]]), "SUIT_MALFORMED"],
    [
      "a severable member in the envelope that the manifest does not digest",
      () => rawManifestEnvelope(baseRawManifest(), [[20, encodeCbor([3, 15])]]),
      "SUIT_MALFORMED",
    ],
    [
      "a missing authentication wrapper",
      () => encodeCbor(new Map([[3, encodeCbor(baseRawManifest())]])),
      "SUIT_MALFORMED",
    ],
    [
      "a Sign1 with an attached payload",
      () =>
        rawManifestEnvelope(baseRawManifest(), [
          [
            2,
            encodeCbor([
              encodeCbor([-16, new Uint8Array(32)]),
              encodeCbor(
                new CborTag(18, [encodeCbor(new Map([[1, -7]])), new Map(), Uint8Array.of(1), new Uint8Array(64)]),
              ),
            ]),
          ],
        ]),
      "SUIT_MALFORMED",
    ],
    [
      "tag 106 instead of 107",
      () => Uint8Array.of(0xd8, 0x6a, ...rawManifestEnvelope(baseRawManifest())),
      "SUIT_MALFORMED",
    ],
  ];
  for (const [name, make, want] of cases) {
    it(`${name}: ${want}`, async () => {
      expect(await code(() => decodeSuitEnvelopeUnverified(make()))).toBe(want);
    });
  }

  it("maps must be canonical (§8.1) unless canonical: false; duplicate keys never pass", async () => {
    const manifest = encodeCbor(baseRawManifest());
    // Swap two manifest entries by hand: {2: 0, 1: 1, 3: ...}.
    const reordered = Uint8Array.of(0xa3, 0x02, 0x00, 0x01, 0x01, ...manifest.subarray(5));
    const env = (m: Uint8Array) =>
      encodeCbor(
        new Map<CborValue, CborValue>([
          [2, encodeCbor([encodeCbor([-16, new Uint8Array(32)])])],
          [3, m],
        ]),
      );
    expect(await code(() => decodeSuitEnvelopeUnverified(env(reordered)))).toBe("SUIT_MALFORMED");
    expect(decodeSuitEnvelopeUnverified(env(reordered), { canonical: false }).manifest.sequenceNumber).toBe(0n);
    const duplicate = Uint8Array.of(0xa3, 0x01, 0x01, 0x01, 0x01, ...manifest.subarray(5));
    expect(await code(() => decodeSuitEnvelopeUnverified(env(duplicate), { canonical: false }))).toBe("SUIT_MALFORMED");
  });

  it("nested sequences beyond maxNesting and CBOR limits fail closed", async () => {
    let seq: CborValue[] = [3, 15];
    for (let i = 0; i < 12; i++) seq = [32, encodeCbor(seq)];
    const bytes = rawManifestEnvelope(new Map([...baseRawManifest(), [7, encodeCbor(seq)]]));
    expect(await code(() => decodeSuitEnvelopeUnverified(bytes))).toBe("SUIT_MALFORMED");
    expect(decodeSuitEnvelopeUnverified(bytes, { maxNesting: 16 }).manifest.validate?.[0]?.name).toBe("run-sequence");
    expect(await code(() => decodeSuitEnvelopeUnverified(bytes, { limits: { maxBytes: 20 } }))).toBe("CBOR_LIMIT");
    expect(await code(() => decodeSuitEnvelopeUnverified(bytes, { maxNesting: -1 }))).toBe("INVALID_ARGUMENT");
  });

  it("a delegation chain (trust-domains envelope member 1) is decoded and kept", () => {
    const cwt = Uint8Array.of(0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40);
    const bytes = rawManifestEnvelope(baseRawManifest(), [[1, encodeCbor([[cwt]])]]);
    const env = decodeSuitEnvelopeUnverified(bytes);
    expect(env.delegation).toEqual([[cwt]]);
    expect(bytesEqual(encodeSuitEnvelope(env, { reuseMembers: false }), bytes)).toBe(true);
  });
});

// ---- property: typed model → build → sign → verify → the same typed model, and byte-exact re-encoding ----

const bytes16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const parametersArb: fc.Arbitrary<SuitParameters> = fc
  .record(
    {
      vendorIdentifier: fc.oneof(
        bytes16,
        bytes16.map((pen) => ({ pen })),
      ),
      classIdentifier: bytes16,
      imageDigest: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => ({ algorithm: -16, bytes })),
      componentSlot: fc.nat(3),
      strictOrder: fc.boolean(),
      softFailure: fc.boolean(),
      imageSize: fc.nat(1 << 20),
      content: fc.uint8Array({ maxLength: 8 }),
      uri: fc.string({ maxLength: 12 }),
      sourceComponent: fc.nat(3),
      useBefore: fc.nat(2 ** 31),
      updatePriority: fc.integer({ min: -5, max: 5 }),
      version: fc.record({
        comparison: fc.integer({ min: 1, max: 5 }),
        version: fc.array(fc.integer({ min: -3, max: 9 }), { minLength: 1, maxLength: 3 }),
      }),
      waitInfo: fc.record({ power: fc.integer({ min: 0, max: 100 }) }),
      custom: fc
        .array(
          fc.tuple(fc.integer({ min: -9, max: -1 }), fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 4 }))),
          { minLength: 1, maxLength: 2 },
        )
        .map((e) => new Map(e)),
    },
    { requiredKeys: [] },
  )
  .filter((p) => Object.keys(p).length > 0);

const policy = fc.nat(15);
const CONDITIONS = [
  "vendor-identifier",
  "class-identifier",
  "image-match",
  "component-slot",
  "check-content",
  "abort",
  "device-identifier",
  "version",
] as const;
const CODES: Record<string, number> = {
  "vendor-identifier": 1,
  "class-identifier": 2,
  "image-match": 3,
  "component-slot": 5,
  "check-content": 6,
  abort: 14,
  "device-identifier": 24,
  version: 28,
  write: 18,
  fetch: 21,
  copy: 22,
  invoke: 23,
  swap: 31,
};

function commandArb(shared: boolean): fc.Arbitrary<SuitCommand> {
  const leaf: fc.Arbitrary<SuitCommand>[] = [
    fc
      .record({ name: fc.constantFrom(...CONDITIONS), policy })
      .map((c) => ({ kind: "condition", code: CODES[c.name]!, ...c }) as SuitCommand),
    fc
      .oneof(fc.nat(3), fc.constant(true as const), fc.array(fc.nat(3), { minLength: 1, maxLength: 3 }))
      .map((index) => ({ kind: "directive", name: "set-component-index", code: 12, index }) as SuitCommand),
    parametersArb.map(
      (parameters) => ({ kind: "directive", name: "override-parameters", code: 20, parameters }) as SuitCommand,
    ),
  ];
  if (!shared) {
    leaf.push(
      fc
        .record({ name: fc.constantFrom("write", "fetch", "copy", "invoke", "swap"), policy })
        .map((c) => ({ kind: "directive", code: CODES[c.name]!, ...c }) as SuitCommand),
      fc
        .tuple(
          fc.integer({ min: -99, max: -1 }),
          fc.oneof(fc.constant(null), fc.integer(), fc.uint8Array({ maxLength: 4 })),
        )
        .map(([code, argument]) => ({ kind: "custom", name: "custom", code, argument }) as SuitCommand),
    );
  }
  return fc.oneof(...leaf);
}

function sequenceArb(shared: boolean): fc.Arbitrary<SuitCommandSequence> {
  const flat = fc.array(commandArb(shared), { minLength: 1, maxLength: 5 });
  return fc
    .tuple(flat, fc.option(fc.tuple(flat, flat, fc.boolean()), { nil: undefined }), fc.option(flat, { nil: undefined }))
    .map(([seq, tryEach, run]) => {
      const out = [...seq];
      if (tryEach)
        out.push({
          kind: "directive",
          name: "try-each",
          code: 15,
          sequences: [tryEach[0], tryEach[1]],
          allowNone: tryEach[2],
        });
      if (run) out.push({ kind: "directive", name: "run-sequence", code: 32, sequence: run });
      return out;
    });
}

const manifestArb: fc.Arbitrary<{ manifest: SuitManifest; sever: ("install" | "text")[] }> = fc
  .record({
    sequenceNumber: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    components: fc.array(fc.array(fc.uint8Array({ maxLength: 4 }), { maxLength: 3 }), { minLength: 1, maxLength: 3 }),
    shared: fc.option(sequenceArb(true), { nil: undefined }),
    validate: fc.option(sequenceArb(false), { nil: undefined }),
    install: fc.option(sequenceArb(false), { nil: undefined }),
    referenceUri: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    sever: fc.boolean(),
  })
  .map((r) => {
    const manifest: SuitManifest = {
      version: 1,
      sequenceNumber: r.sequenceNumber,
      common: { components: r.components },
    };
    if (r.shared) manifest.common.sharedSequence = r.shared;
    if (r.validate) manifest.validate = r.validate;
    if (r.install) manifest.install = { value: r.install };
    if (r.referenceUri !== undefined) manifest.referenceUri = r.referenceUri;
    manifest.text = { value: new Map([["en", { manifest: new Map([[2, "x"]]), components: [] }]]) };
    return { manifest, sever: r.sever ? (r.install ? ["install", "text"] : ["text"]) : [] };
  });

describe("property: built envelopes round-trip", () => {
  it("build → sign (Ed25519) → verify gives back the typed manifest; decode → encode gives back the bytes", async () => {
    const key = await generateSoftwareKey("Ed25519");
    await fc.assert(
      fc.asyncProperty(manifestArb, async ({ manifest, sever }) => {
        const unsigned = await buildSuitEnvelope({ manifest, sever }, { provider });
        const signed = await signSuitEnvelope(unsigned, { signers: [key], provider });
        const v = await verifySuitEnvelope(signed, { keys: [key.publicKey], provider });
        expect(v.manifest.common).toEqual(manifest.common);
        expect(v.manifest.validate).toEqual(manifest.validate);
        expect(v.manifest.install?.value).toEqual(manifest.install?.value);
        expect(v.manifest.text?.value).toEqual(manifest.text?.value);
        expect(v.manifest.sequenceNumber).toBe(manifest.sequenceNumber);
        const d = decodeSuitEnvelopeUnverified(signed);
        expect(bytesEqual(encodeSuitEnvelope(d), signed)).toBe(true);
        expect(bytesEqual(encodeSuitEnvelope(d, { reuseMembers: false }), signed)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
