import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  fixedClock,
  fromHex,
  generateSoftwareKey,
  nobleProvider,
  publicKeyFromSpki,
  softwareKeyAgreementHandle,
  utf8Decode,
  utf8Encode,
} from "@rotkit/core";
import type { RecipientKey } from "@rotkit/cose";
import {
  decodeSuitReport,
  MemorySuitPlatform,
  processSuitEnvelope,
  type SuitProcedure,
  SuitReportReason,
  verifySuitReport,
} from "@rotkit/manifest";
import { describe, expect, it } from "vitest";
import {
  CLASS_ID,
  DRAFT_KEY,
  IMAGE_A,
  IMAGE_B,
  read,
  SAMPLE_A,
  sampleDigestProvider,
  specPlatform,
  VECTORS,
  VENDOR_ID,
} from "./suit-process-fixtures.js";

// The upstream SUIT examples processed end to end on MemorySuitPlatform: draft-ietf-suit-manifest App. B
// (examples 0-5), draft-ietf-suit-trust-domains App. B (a fetched and an integrated dependency) and
// draft-ietf-suit-firmware-encryption (payloads decrypted during fetch+copy and write, a dependency that consumes
// its dependent's encryption info). The App. B digests are sample patterns; see suit-process-fixtures.ts.

const provider = sampleDigestProvider();
const C0 = [new Uint8Array([0])];
const C1 = [new Uint8Array([1])];
const C2 = [new Uint8Array([2])];

async function runSpec(file: string, procedure: SuitProcedure | SuitProcedure[], platform: MemorySuitPlatform) {
  return processSuitEnvelope(read("suit-manifest-spec", file), platform, { keys: [DRAFT_KEY], provider, procedure });
}

describe("draft-ietf-suit-manifest App. B examples", () => {
  it("example 0 (secure boot): validate + invoke on the installed image, with the report the policies ask for", async () => {
    const platform = specPlatform({ components: [{ id: C0, data: IMAGE_A }] });
    const r = await runSpec("example0.signed.cbor", "invoke", platform);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.completed).toEqual(["invoke"]);
    expect(platform.invocations).toEqual([{ id: C0 }]);
    const report = r.report;
    expect(report.reference).toEqual({
      digest: { algorithm: -16, bytes: fromHex("6658ea560262696dd1f13b782239a064da7c6c5cbaf52fded428a6fc83c7e5af") },
    });
    expect(report.result).toBe(true);
    // Policy 15 on the conditions: a record and the measured properties on success; invoke's policy 2 records
    // failures only. The shared sequence runs before validate and before invoke. Offsets are bytes into the
    // section: the vendor check follows the 1-byte array head, the command code and the 80-byte parameter map.
    const kinds = report.records.map((x) => (x.kind === "record" ? `${x.section}@${x.offset}` : "system"));
    expect(kinds).toEqual(["3@82", "system", "3@84", "system", "7@1", "system", "3@82", "system", "3@84", "system"]);
    expect(report.records[0]).toEqual({
      kind: "record",
      manifestId: [],
      section: 3,
      offset: 82,
      componentIndex: 0,
      properties: { vendorIdentifier: VENDOR_ID },
    });
    expect(report.records[3]).toEqual({ kind: "system", componentId: C0, properties: { classIdentifier: CLASS_ID } });
    expect(report.records[4]).toMatchObject({
      section: 7,
      properties: { imageDigest: { algorithm: -16, bytes: SAMPLE_A }, imageSize: IMAGE_A.length },
    });
    expect(decodeSuitReport(r.reportBytes)).toEqual(report);
    expect(platform.reports).toHaveLength(1);
  });

  it("example 0 without the image: image-match refuses (SUIT_IMAGE_MISMATCH) and nothing is invoked", async () => {
    const platform = specPlatform();
    const r = await runSpec("example0.signed.cbor", "invoke", platform);
    expect(r.error?.code).toBe("SUIT_IMAGE_MISMATCH");
    expect(r.report.result).toMatchObject({
      reason: SuitReportReason.conditionFailed,
      record: { section: 7, offset: 1 },
    });
    expect(platform.invocations).toEqual([]);
  });

  it("example 1 (download and install): fetch by URI, image-match, validate; the sequence number is committed", async () => {
    const platform = specPlatform();
    const r = await runSpec("example1.signed.cbor", "update", platform);
    expect(r.ok).toBe(true);
    expect(platform.component(C0)).toEqual(IMAGE_A);
    expect(platform.fetches.map((f) => [f.uri, f.maxSize])).toEqual([["http://example.com/file.bin", 34768]]);
    expect(platform.sequenceNumber()).toBe(1n);
    expect(platform.commits).toHaveLength(1);
  });

  it("example 2 (install, secure boot, severable members): update then invoke; the reference names the URI", async () => {
    const platform = specPlatform();
    const r = await runSpec("example2.signed.cbor", ["update", "invoke"], platform);
    expect(r.ok).toBe(true);
    expect(r.completed).toEqual(["update", "invoke"]);
    expect(platform.component(C0)).toEqual(IMAGE_A);
    expect(platform.invocations).toEqual([{ id: C0 }]);
    expect(r.report.reference.uri).toBe("https://git.io/JJYoj");
  });

  it("example 2 severed: invoke works; update needs the severed install sequence (reason severing)", async () => {
    const platform = specPlatform({ components: [{ id: C0, data: IMAGE_A }] });
    expect((await runSpec("example2.signed-severed.cbor", "invoke", platform)).ok).toBe(true);
    const before = platform.snapshot();
    const r = await runSpec("example2.signed-severed.cbor", "update", platform);
    expect(r.error?.code).toBe("SUIT_MALFORMED");
    expect(r.report.result).toMatchObject({ reason: SuitReportReason.severingUnsupported });
    expect(platform.snapshot()).toEqual(before);
    expect(platform.fetches).toEqual([]);
  });

  it("example 3 (A/B images): try-each on the component slot picks the image and URI of the device's slot", async () => {
    for (const [slot, image, uri] of [
      [0, IMAGE_A, "http://example.com/file1.bin"],
      [1, IMAGE_B, "http://example.com/file2.bin"],
    ] as const) {
      const platform = specPlatform({ slots: [{ id: C0, slot }] });
      const r = await runSpec("example3.signed.cbor", "update", platform);
      expect(r.ok).toBe(true);
      expect(platform.component(C0, slot)).toEqual(image);
      expect(platform.component(C0, 1 - slot)).toBeUndefined();
      expect(platform.fetches.map((f) => f.uri)).toEqual([uri]);
    }
  });

  it("example 3 on a device without slots: no try-each branch applies (SUIT_CONDITION_FAILED)", async () => {
    const platform = specPlatform();
    const r = await runSpec("example3.signed.cbor", "update", platform);
    expect(r.error?.code).toBe("SUIT_CONDITION_FAILED");
    expect(r.report.result).toMatchObject({ record: { section: 3, offset: 39 } });
  });

  it("example 4 (load from external storage): fetch, copy-install, then load into RAM and invoke", async () => {
    // The load sequence copies image A into component [h'01'] and expects image B there: the draft's load step
    // may decompress ("optionally including actions such as decryption or decompression"). The simulated RAM
    // loader of [h'01'] models that transformation.
    const platform = specPlatform({
      loaders: [{ id: C1, transform: (x) => (x.length === IMAGE_A.length ? IMAGE_B : x) }],
    });
    const r = await runSpec("example4.signed.cbor", ["update", "invoke"], platform);
    expect(r.ok).toBe(true);
    expect(platform.component(C2)).toEqual(IMAGE_A);
    expect(platform.component(C0)).toEqual(IMAGE_A);
    expect(platform.component(C1)).toEqual(IMAGE_B);
    expect(platform.invocations).toEqual([{ id: C1 }]);
  });

  it("example 4 with a plain copy as load: the loaded image does not match (SUIT_IMAGE_MISMATCH), nothing invoked", async () => {
    const platform = specPlatform();
    const r = await runSpec("example4.signed.cbor", ["update", "invoke"], platform);
    expect(r.completed).toEqual(["update"]);
    expect(r.error?.code).toBe("SUIT_IMAGE_MISMATCH");
    expect(r.report.result).toMatchObject({ record: { section: 8, componentIndex: 2 } });
    expect(platform.invocations).toEqual([]);
    expect(platform.component(C1)).toBeUndefined();
  });

  it("example 5 (two images): both fetched and validated, the first invoked", async () => {
    const platform = specPlatform();
    const r = await runSpec("example5.signed.cbor", ["update", "invoke"], platform);
    expect(r.ok).toBe(true);
    expect(platform.component(C0)).toEqual(IMAGE_A);
    expect(platform.component(C1)).toEqual(IMAGE_B);
    expect(platform.invocations).toEqual([{ id: C0 }]);
    expect(platform.sequenceNumber()).toBe(5n);
  });

  it("a signed report verifies with the device key and carries the nonce", async () => {
    const key = await generateSoftwareKey("ES256");
    const platform = specPlatform({ components: [{ id: C0, data: IMAGE_A }] });
    const nonce = utf8Encode("challenge-1");
    const r = await processSuitEnvelope(read("suit-manifest-spec", "example0.signed.cbor"), platform, {
      keys: [DRAFT_KEY],
      provider,
      procedure: "invoke",
      nonce,
      reportKey: key,
    });
    const v = await verifySuitReport(r.reportBytes, { key: key.publicKey, provider: nobleProvider() });
    expect(v.report).toEqual(r.report);
    expect(v.report.nonce).toEqual(nonce);
  });
});

describe("draft-ietf-suit-trust-domains App. B examples", () => {
  const dependent = read("suit-trust-domains", "example0_dependent.cbor");

  for (const file of ["example1_process.cbor", "example2_integrated.cbor"]) {
    it(`${file}: resolves, checks and processes its dependency, then invokes`, async () => {
      const platform = new MemorySuitPlatform({
        resources: { "http://example.com/dependent.suit": dependent },
        clock: fixedClock(0),
      });
      const r = await processSuitEnvelope(read("suit-trust-domains", file), platform, {
        keys: [DRAFT_KEY],
        provider,
        procedure: ["update", "invoke"],
      });
      expect(r.ok).toBe(true);
      // The dependency writes 'hello world' to ['00'], the dependent ' in multiple trust domains' to ['10'].
      expect(utf8Decode(platform.component([utf8Encode("00")]) as Uint8Array)).toBe("hello world");
      expect(utf8Decode(platform.component([utf8Encode("10")]) as Uint8Array)).toBe(" in multiple trust domains");
      expect(platform.invocations).toEqual([{ id: [utf8Encode("10")], args: utf8Encode("cat 00 10") }]);
      expect(platform.fetches.length).toBe(file.includes("integrated") ? 0 : 1);
      expect(r.dependencies[0]).toMatchObject({
        manifestId: [0],
        sequenceNumber: 0n,
        componentId: [utf8Encode("dependent.suit")],
      });
      // The dependency's write (policy 15) is recorded under manifest-id [0], install section.
      const depRecords = r.report.records.filter((x) => x.kind === "record" && x.manifestId.length === 1);
      expect(depRecords).toHaveLength(1);
      expect(depRecords[0]).toMatchObject({ manifestId: [0], section: 20 });
    });
  }

  it("a fetched dependency signed by another key is refused (SUIT_DEPENDENCY_FAILED), nothing written", async () => {
    const platform = new MemorySuitPlatform({
      resources: { "http://example.com/dependent.suit": dependent },
      clock: fixedClock(0),
    });
    const other = await generateSoftwareKey("ESP256");
    const before = platform.snapshot();
    const r = await processSuitEnvelope(read("suit-trust-domains", "example1_process.cbor"), platform, {
      keys: [DRAFT_KEY],
      dependencyKeys: [other.publicKey],
      provider,
    });
    expect(r.error?.code).toBe("SUIT_DEPENDENCY_FAILED");
    expect(platform.snapshot()).toEqual(before);
  });

  it("a fetched dependency with other bytes fails image-match on the dependency (SUIT_IMAGE_MISMATCH)", async () => {
    const tampered = dependent.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    const platform = new MemorySuitPlatform({
      resources: { "http://example.com/dependent.suit": tampered },
      clock: fixedClock(0),
    });
    const r = await processSuitEnvelope(read("suit-trust-domains", "example1_process.cbor"), platform, {
      keys: [DRAFT_KEY],
      provider,
    });
    expect(r.error?.code).toBe("SUIT_IMAGE_MISMATCH");
    expect(r.report.result).toMatchObject({ record: { section: 15, componentIndex: 1 } });
  });
});

describe("draft-ietf-suit-firmware-encryption examples", () => {
  const dir = "suit-firmware-encryption";
  const k = JSON.parse(readFileSync(join(VECTORS, dir, "keys/keys.json"), "utf8"));
  const kek: RecipientKey = { kid: utf8Encode(k.a128kw_kek.kid_text), key: utf8Encode(k.a128kw_kek.k_text) };
  const ecdh: RecipientKey = {
    kid: utf8Encode(k.ecdh_es_a128kw_recipient_private_key.kid_text),
    key: softwareKeyAgreementHandle("P-256", fromHex(k.ecdh_es_a128kw_recipient_private_key.d)),
  };
  const plaintext = fromHex(k.plaintext_hex);
  const dependentKey = publicKeyFromSpki(
    new Uint8Array(
      createPublicKey(readFileSync(join(VECTORS, dir, "keys/dependent_private_key.pem"), "utf8")).export({
        type: "spki",
        format: "der",
      }) as Uint8Array,
    ),
  );
  const macKey = utf8Encode("a".repeat(32));
  const firmware = [utf8Encode("plaintext-firmware")];
  const decrypted = [utf8Encode("decrypted-firmware")];
  const cases: Array<[string, Uint8Array[][], RecipientKey]> = [
    ["aes-kw", [firmware], kek],
    ["aes-kw-slot", [C0], kek],
    ["aes-kw-content", [firmware], kek],
    ["es-ecdh-content", [decrypted], ecdh],
    ["es-ecdh-dependency", [decrypted], ecdh],
  ];

  for (const [name, [target], key] of cases) {
    it(`${name}: the plaintext lands in ${utf8Decode(target?.[0] as Uint8Array)}`, async () => {
      const platform = new MemorySuitPlatform({
        resources: { "coaps://example.com/encrypted-firmware": read(dir, "encrypted-payload-aes-kw-aes-gcm.bin") },
        clock: fixedClock(0),
      });
      const dep = name.includes("dependency");
      const r = await processSuitEnvelope(read(dir, `suit-manifest-${name}.cbor`), platform, {
        keys: dep ? [dependentKey] : [DRAFT_KEY, macKey],
        dependencyKeys: [DRAFT_KEY],
        provider,
        decryptionKeys: [key],
      });
      expect(r.error).toBeUndefined();
      expect(platform.component(target as Uint8Array[])).toEqual(plaintext);
    });
  }

  it("the wrong key-encryption key: the copy fails (SUIT_COMMAND_FAILED) and nothing is committed", async () => {
    const platform = new MemorySuitPlatform({
      resources: { "coaps://example.com/encrypted-firmware": read(dir, "encrypted-payload-aes-kw-aes-gcm.bin") },
      clock: fixedClock(0),
    });
    const before = platform.snapshot();
    const r = await processSuitEnvelope(read(dir, "suit-manifest-aes-kw.cbor"), platform, {
      keys: [macKey],
      provider,
      decryptionKeys: [{ kid: kek.kid as Uint8Array, key: utf8Encode("bbbbbbbbbbbbbbbb") }],
    });
    expect(r.error?.code).toBe("SUIT_COMMAND_FAILED");
    expect(r.report.result).toMatchObject({ reason: SuitReportReason.operationFailed, record: { section: 20 } });
    expect(platform.snapshot()).toEqual(before);
  });

  it("without decryption keys an encrypted payload is SUIT_UNSUPPORTED", async () => {
    const platform = new MemorySuitPlatform({ clock: fixedClock(0) });
    const r = await processSuitEnvelope(read(dir, "suit-manifest-aes-kw-content.cbor"), platform, {
      keys: [macKey],
      provider,
    });
    expect(r.error?.code).toBe("SUIT_UNSUPPORTED");
  });
});
