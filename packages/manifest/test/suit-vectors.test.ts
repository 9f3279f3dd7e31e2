import { bytesEqual, nobleProvider, RotkitError, webCryptoProvider } from "@rotkit/core";
import {
  buildSuitEnvelope,
  decodeSuitEnvelopeUnverified,
  decodeSuitManifestUnverified,
  decryptSuitPayload,
  encodeSuitEnvelope,
  encodeSuitManifest,
  SUIT_MTI_PROFILES,
  type SuitCommand,
  type SuitParameters,
  suitMtiDescriptor,
  suitMtiProfile,
  suitUriBindings,
  verifySuitEnvelope,
} from "@rotkit/manifest";
import { describe, expect, it } from "vitest";
import { DEPENDENT_KEY, encryptionKeys, MAC_KEY, read, STANDARD_KEY, signedExamples } from "./suit-fixtures.js";

// The upstream SUIT examples (draft App. B, libcsuit, trust-domains, firmware-encryption): decode, verify with the
// keys upstream names, re-encode byte for byte, and the typed model of the features each one exercises.

const provider = nobleProvider();

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "accepted";
  } catch (e) {
    if (e instanceof RotkitError) return e.code;
    throw e;
  }
}

function params(seq: SuitCommand[] | undefined): SuitParameters[] {
  return (seq ?? []).flatMap((c) =>
    c.name === "override-parameters" || c.name === "set-parameters" ? [c.parameters] : [],
  );
}

describe("SUIT examples", () => {
  const examples = signedExamples();

  it("finds every signed example (36 envelopes)", () => {
    expect(examples.length).toBe(36);
  });

  for (const ex of examples) {
    it(`${ex.name}: verifies with both providers and re-encodes byte for byte`, async () => {
      for (const p of [provider, webCryptoProvider()]) {
        const v = await verifySuitEnvelope(ex.bytes, {
          keys: ex.keys,
          provider: p,
          ...(ex.dependencyKeys ? { dependencyKeys: ex.dependencyKeys } : {}),
        });
        expect(v.signers.length).toBe(1);
        expect(v.manifest.version).toBe(1);
      }
      const d = decodeSuitEnvelopeUnverified(ex.bytes);
      expect(bytesEqual(encodeSuitEnvelope(d), ex.bytes)).toBe(true);
      expect(bytesEqual(encodeSuitEnvelope(d, { reuseMembers: false }), ex.bytes)).toBe(true);
      const manifestMember = d.members?.find((m) => m.key === 3);
      expect(manifestMember).toBeDefined();
      expect(
        bytesEqual(
          encodeSuitManifest(d.manifest),
          decodeSuitEnvelopeUnverified(ex.bytes).members![1]!.wrapped.subarray(
            manifestMember!.wrapped.length - encodeSuitManifest(d.manifest).length,
          ),
        ),
      ).toBe(true);
    });
  }

  it("unsigned envelopes decode and re-encode but are refused by verification (SUIT_AUTH_FAILED)", async () => {
    for (const n of [0, 1, 3, 4, 5]) {
      const bytes = read("suit-manifest-spec", `example${n}.unsigned.cbor`);
      const d = decodeSuitEnvelopeUnverified(bytes);
      expect(d.authentication.blocks).toEqual([]);
      expect(bytesEqual(encodeSuitEnvelope(d, { reuseMembers: false }), bytes)).toBe(true);
      expect(await code(verifySuitEnvelope(bytes, { keys: [STANDARD_KEY], provider }))).toBe("SUIT_AUTH_FAILED");
    }
  });

  it("buildSuitEnvelope reproduces the draft's unsigned examples from their typed manifests", async () => {
    for (const n of [0, 1, 3, 4, 5]) {
      const manifest = decodeSuitEnvelopeUnverified(read("suit-manifest-spec", `example${n}.signed.cbor`)).manifest;
      const built = await buildSuitEnvelope({ manifest }, { provider });
      expect(bytesEqual(built, read("suit-manifest-spec", `example${n}.unsigned.cbor`))).toBe(true);
    }
  });

  it("example 2: severable install and text are checked against their digests; severing them keeps it valid", async () => {
    const full = await verifySuitEnvelope(read("suit-manifest-spec", "example2.signed.cbor"), {
      keys: [STANDARD_KEY],
      provider,
    });
    expect(full.manifest.install?.digest?.algorithm).toBe(-16);
    expect(full.manifest.install?.value?.some((c) => c.name === "fetch")).toBe(true);
    const en = full.manifest.text?.value?.get("en-US");
    expect(en?.manifest.get(1)).toMatch(/^## Example 2/);
    expect(en?.components[0]?.component).toEqual([Uint8Array.of(0)]);
    expect(en?.components[0]?.text.get(3)).toBe("arm.com");
    const severed = await verifySuitEnvelope(read("suit-manifest-spec", "example2.signed-severed.cbor"), {
      keys: [STANDARD_KEY],
      provider,
    });
    expect(severed.manifest.install?.value).toBeUndefined();
    expect(severed.manifest.install?.digest?.bytes).toEqual(full.manifest.install?.digest?.bytes);
    // Rebuilding from the values, severing the same members, gives the same manifest and envelope members.
    const manifest = {
      ...full.manifest,
      install: { value: full.manifest.install!.value! },
      text: { value: full.manifest.text!.value! },
    };
    const built = decodeSuitEnvelopeUnverified(
      await buildSuitEnvelope({ manifest, sever: ["install", "text"] }, { provider }),
    );
    const original = decodeSuitEnvelopeUnverified(read("suit-manifest-spec", "example2.signed.cbor"));
    for (const key of [3, 20, 23]) {
      expect(built.members?.find((m) => m.key === key)?.wrapped).toEqual(
        original.members?.find((m) => m.key === key)?.wrapped,
      );
    }
  });

  it("a severable member in the envelope whose digest does not match is SUIT_DIGEST_MISMATCH", async () => {
    const bytes = read("suit-manifest-spec", "example2.signed.cbor").slice();
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x01; // inside the text member, the last in the map
    expect(await code(verifySuitEnvelope(bytes, { keys: [STANDARD_KEY], provider }))).toBe("SUIT_DIGEST_MISMATCH");
  });

  it("example 3 (A/B): try-each of two sequences on component-slot", () => {
    const m = decodeSuitEnvelopeUnverified(read("suit-manifest-spec", "example3.signed.cbor")).manifest;
    const tryEach = m.common.sharedSequence?.find((c) => c.name === "try-each");
    expect(tryEach?.name).toBe("try-each");
    if (tryEach?.name !== "try-each") return;
    expect(tryEach.sequences.length).toBe(2);
    expect(tryEach.allowNone).toBe(false);
    const slots = (seq: SuitCommand[] | undefined) =>
      params(seq).flatMap((p) => (p.componentSlot === undefined ? [] : [p.componentSlot]));
    expect(slots(tryEach.sequences[0])).toEqual([0]);
    expect(slots(tryEach.sequences[1])).toEqual([1]);
    expect(tryEach.sequences[0]?.find((c) => c.kind === "condition")?.name).toBe("component-slot");
  });

  it("example 5 (two components): set-component-index before each component's commands", () => {
    const m = decodeSuitEnvelopeUnverified(read("suit-manifest-spec", "example5.signed.cbor")).manifest;
    expect(m.common.components?.length).toBe(2);
    const indices = (m.common.sharedSequence ?? []).flatMap((c) => (c.name === "set-component-index" ? [c.index] : []));
    expect(indices).toEqual([0, 1]);
  });

  it("update-management: copy-params, run-sequence and version (U0), override-multiple and wait (U1)", () => {
    const u0 = decodeSuitEnvelopeUnverified(read("suit-libcsuit", "suit_manifest_expU0.suit")).manifest;
    const install = u0.install?.value ?? [];
    const first = params(install)[0];
    expect(first?.useBefore).toBe(1696291200);
    expect(first?.minimumBattery).toBe(10);
    expect(first?.updatePriority).toBe(-1);
    expect(first?.version).toEqual({ comparison: 4, version: [1, 0] });
    const copy = install.find((c) => c.name === "copy-params");
    expect(copy?.name === "copy-params" && [...copy.sources]).toEqual([[0, [4, 26, 27]]]);
    const run = install.find((c) => c.name === "run-sequence");
    expect(run?.name === "run-sequence" && run.sequence.map((c) => c.name)).toEqual([
      "use-before",
      "minimum-battery",
      "version",
      "update-authorized",
    ]);
    expect(install.some((c) => c.name === "set-component-index" && c.index === true)).toBe(true);
    const u1 = decodeSuitEnvelopeUnverified(read("suit-libcsuit", "suit_manifest_expU1.suit")).manifest;
    const multiple = u1.install?.value?.find((c) => c.name === "override-multiple");
    expect(multiple?.name === "override-multiple" && multiple.parameters.get(0)?.waitInfo).toEqual({
      authorization: -1,
      power: 10,
    });
    expect(multiple?.name === "override-multiple" && multiple.parameters.get(1)?.waitInfo).toEqual({
      timeOfDay: 82800,
    });
  });

  it("update-management: set-version and a severed CoSWID (U2), component metadata (U3)", async () => {
    const u2 = await verifySuitEnvelope(read("suit-libcsuit", "suit_manifest_expU2.suit"), {
      keys: [STANDARD_KEY],
      provider,
    });
    expect(u2.manifest.setVersion).toEqual([1, 0, 0]);
    expect(u2.manifest.coswid?.digest?.algorithm).toBe(-16);
    expect(u2.manifest.coswid?.value?.length).toBeGreaterThan(10);
    const u3 = decodeSuitEnvelopeUnverified(read("suit-libcsuit", "suit_manifest_expU3.suit")).manifest;
    const meta = [...params(u3.payloadFetch?.value), ...params(u3.install?.value)].find((p) => p.componentMetadata);
    expect(meta?.componentMetadata?.fileType).toBeGreaterThanOrEqual(1);
  });

  it("TEEP: untagged envelopes; an integrated payload bound to its image digest (I); dependencies (D)", async () => {
    const i = await verifySuitEnvelope(read("suit-libcsuit", "suit_manifest_expI.suit"), {
      keys: [STANDARD_KEY],
      provider,
    });
    expect(i.tagged).toBe(false);
    expect(new TextDecoder().decode(i.integratedPayloads.get("#tc"))).toBe("Hello, Secure World!");
    expect(suitUriBindings(i.manifest).get("#tc")?.expected[0]?.size).toBe(20);
    expect(i.manifest.uninstall?.map((c) => c.name)).toEqual(["unlink"]);
    const d = decodeSuitEnvelopeUnverified(read("suit-libcsuit", "suit_manifest_expD.suit"));
    expect(d.tagged).toBe(false);
    expect(d.manifest.common.dependencies?.get(1)?.prefix?.length).toBe(4);
    expect(d.manifest.dependencyResolution?.value?.some((c) => c.name === "fetch")).toBe(true);
    expect(d.manifest.install?.value?.some((c) => c.name === "process-dependency")).toBe(true);
  });

  it("trust domains: the integrated dependency is verified with its own key (two signing keys)", async () => {
    const bytes = read("suit-firmware-encryption", "suit-manifest-es-ecdh-dependency.cbor");
    const v = await verifySuitEnvelope(bytes, { keys: [DEPENDENT_KEY], dependencyKeys: [STANDARD_KEY], provider });
    const dep = v.integratedDependencies.get("#dependency-manifest");
    expect(dep?.signers[0]?.alg).toBe(-9);
    expect(v.manifest.manifestComponentId?.length).toBe(1);
    // Either key alone is the trap: the outer envelope needs the dependent key, the dependency the standard one.
    expect(await code(verifySuitEnvelope(bytes, { keys: [STANDARD_KEY], provider }))).toBe("SUIT_AUTH_FAILED");
    expect(await code(verifySuitEnvelope(bytes, { keys: [DEPENDENT_KEY], provider }))).toBe("SUIT_AUTH_FAILED");
    expect(
      await code(verifySuitEnvelope(bytes, { keys: [DEPENDENT_KEY], dependencyKeys: () => undefined, provider })),
    ).toBe("SUIT_AUTH_FAILED");
    const depth = await code(
      verifySuitEnvelope(bytes, {
        keys: [DEPENDENT_KEY],
        dependencyKeys: [STANDARD_KEY],
        provider,
        maxDependencyDepth: 0,
      }),
    );
    expect(depth).toBe("SUIT_MALFORMED");
  });

  it("trust domains examples: dependency-resolution, process-dependency, dependency-integrity", () => {
    const m = decodeSuitEnvelopeUnverified(read("suit-trust-domains", "example1_process.cbor")).manifest;
    const all = [...(m.dependencyResolution?.value ?? []), ...(m.install?.value ?? []), ...(m.validate ?? [])];
    expect(all.some((c) => c.name === "process-dependency")).toBe(true);
    expect(all.some((c) => c.name === "dependency-integrity")).toBe(true);
    expect(m.common.dependencies?.has(1)).toBe(true);
    const integrated = decodeSuitEnvelopeUnverified(read("suit-trust-domains", "example2_integrated.cbor"));
    expect([...integrated.integratedDependencies.keys()]).toEqual(["#dependent.suit"]);
    expect(integrated.integratedPayloads.size).toBe(0);
  });

  it("policy 'all' and an algorithm allow list (MTI profile)", async () => {
    const bytes = read("suit-libcsuit", "suit_manifest_exp0.suit");
    const esp256 = suitMtiProfile("suit-sha256-esp256-ecdh-a128gcm")!;
    expect(suitMtiDescriptor(esp256)).toEqual([-16, -9, -29, 1]);
    await verifySuitEnvelope(bytes, {
      keys: [STANDARD_KEY],
      provider,
      policy: "all",
      allowedAlgs: [esp256.authentication],
    });
    expect(await code(verifySuitEnvelope(bytes, { keys: [STANDARD_KEY], provider, allowedAlgs: [-7] }))).toBe(
      "SUIT_AUTH_FAILED",
    );
    expect(SUIT_MTI_PROFILES.map(suitMtiDescriptor)).toContainEqual([-16, 5, -3, -65534]);
    // An HMAC key never verifies a signature, a public key never a MAC.
    expect(await code(verifySuitEnvelope(bytes, { keys: [MAC_KEY], provider }))).toBe("SUIT_AUTH_FAILED");
    const mac0 = read("suit-firmware-encryption", "suit-manifest-aes-kw.cbor");
    expect(await code(verifySuitEnvelope(mac0, { keys: [STANDARD_KEY], provider }))).toBe("SUIT_AUTH_FAILED");
  });

  it("decryptSuitPayload: AES-KW and ECDH-ES+A128KW, A128GCM and A128CTR (detached ciphertext)", async () => {
    const { keys, plaintext } = encryptionKeys();
    for (const name of ["aes-kw-aes-gcm", "aes-kw-aes-ctr", "es-ecdh-aes-gcm", "es-ecdh-aes-ctr"]) {
      const info = read("suit-firmware-encryption", `suit-encryption-info-${name}.cbor`);
      const ct = read("suit-firmware-encryption", `encrypted-payload-${name}.bin`);
      for (const p of [provider, webCryptoProvider()]) {
        expect(await decryptSuitPayload(info, ct, { provider: p, keys })).toEqual(plaintext);
      }
      if (name.endsWith("gcm")) {
        const bad = ct.slice();
        bad[0] = (bad[0] as number) ^ 1;
        expect(await code(decryptSuitPayload(info, bad, { provider, keys }))).toMatch(/^COSE_/);
      } else {
        expect(await code(decryptSuitPayload(info, ct, { provider, keys, allowNonAead: false }))).toBe(
          "COSE_UNSUPPORTED_ALG",
        );
      }
    }
  });

  it("the encryption info inside a verified manifest decrypts its inline payload", async () => {
    const { keys, plaintext } = encryptionKeys();
    const v = await verifySuitEnvelope(read("suit-firmware-encryption", "suit-manifest-aes-kw-content.cbor"), {
      keys: [MAC_KEY],
      provider,
    });
    const p = params(v.manifest.install?.value).find((x) => x.encryptionInfo);
    expect(p?.content).toBeInstanceOf(Uint8Array);
    expect(await decryptSuitPayload(p!.encryptionInfo!, p!.content!, { provider, keys })).toEqual(plaintext);
  });

  it("decodeSuitManifestUnverified reads a bare or #6.1070-tagged manifest", () => {
    const env = decodeSuitEnvelopeUnverified(read("suit-manifest-spec", "example0.signed.cbor"));
    const bytes = encodeSuitManifest(env.manifest);
    expect(decodeSuitManifestUnverified(bytes).sequenceNumber).toBe(env.manifest.sequenceNumber);
    const tagged = new Uint8Array([0xd9, 0x04, 0x2e, ...bytes]);
    expect(decodeSuitManifestUnverified(tagged).common.components).toEqual(env.manifest.common.components);
  });
});
