// @rotkit/manifest is device-side: bundled for a neutral platform it must run on QuickJS (no TextEncoder, Buffer,
// streams or WebCrypto) under a memory limit. The scenario builds and signs a SUIT envelope, verifies it, processes
// it on the in-memory platform (install + invoke, then a refused rollback and a tampered payload with the platform
// unchanged), and verifies a real imgtool-signed MCUboot image.
import { readFileSync } from "node:fs";
import { fromBase64, toHex } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { bundleForDevice, NODE_ONLY_PATTERN, runInQuickJs, scenarioFooter } from "../../core/test/helpers/quickjs.js";

const VECTORS = new URL("../../../test-vectors/mcuboot-imgtool/", import.meta.url);

const scenario = `
import { fromHex, generateSoftwareKey, isRotkitError, nobleProvider, publicKeyFromSpki, utf8Encode } from "@rotkit/core";
import { buildSuitEnvelope, MemorySuitPlatform, processSuitEnvelope, signSuitEnvelope, verifyMcubootImage, verifySuitEnvelope } from "@rotkit/manifest";

const code = async (p) => { try { await p; return "accepted"; } catch (e) { return isRotkitError(e) ? e.code : "crash: " + e; } };

async function run() {
  const out = {};
  const provider = nobleProvider();
  const key = await generateSoftwareKey("ES256");
  const firmware = new Uint8Array(4096).map((_, i) => (i * 7) & 0xff);
  const digest = { algorithm: -16, bytes: await provider.digest("SHA-256", firmware) };
  const vendorId = fromHex("fa6b4a53d5ad5fdfbe9de663e4d41ffe");
  const classId = fromHex("1492af1425695e48bf429b2d51f2ab45");
  const C0 = [new Uint8Array([0])];
  const manifest = (seq, uri) => ({
    version: 1, sequenceNumber: BigInt(seq),
    common: { components: [C0], sharedSequence: [
      { kind: "directive", name: "override-parameters", code: 20, parameters: { vendorIdentifier: vendorId, classIdentifier: classId, imageDigest: digest, imageSize: firmware.length } },
      { kind: "condition", name: "vendor-identifier", code: 1, policy: 15 },
      { kind: "condition", name: "class-identifier", code: 2, policy: 15 },
    ] },
    install: { value: [
      { kind: "directive", name: "override-parameters", code: 20, parameters: { uri } },
      { kind: "directive", name: "fetch", code: 21, policy: 2 },
      { kind: "condition", name: "image-match", code: 3, policy: 15 },
    ] },
    invoke: [{ kind: "directive", name: "invoke", code: 23, policy: 2 }],
  });
  const envelope = async (seq, payload) => signSuitEnvelope(
    await buildSuitEnvelope(payload ? { manifest: manifest(seq, "#fw"), integratedPayloads: new Map([["#fw", payload]]) }
      : { manifest: manifest(seq, "https://fw.example/app.bin") }, { provider }),
    { signers: [key], provider });
  const good = await envelope(2, firmware);
  const v = await verifySuitEnvelope(good, { keys: [key.publicKey], provider });
  out.sequence = Number(v.manifest.sequenceNumber);

  const bad = firmware.slice(); bad[100] ^= 1;
  const platform = new MemorySuitPlatform({ identity: { vendorIds: [vendorId], classIds: [classId] },
    sequenceNumbers: [{ sequenceNumber: 1n }], resources: { "https://fw.example/app.bin": bad } });
  const r = await processSuitEnvelope(good, platform, { keys: [key.publicKey], provider, procedure: ["update", "invoke"] });
  out.processed = r.ok;
  out.installed = platform.component(C0)?.length;
  out.invoked = platform.invocations.length;
  out.reportBytes = r.reportBytes.length > 0;

  const before = JSON.stringify(Array.from(platform.component(C0) ?? []));
  const old = await processSuitEnvelope(await envelope(2, firmware), platform, { keys: [key.publicKey], provider });
  out.rollback = old.ok ? "accepted" : old.error.code;
  // The server's copy was corrupted: the manifest is authentic, the fetched image is not the one it names.
  const tampered = await processSuitEnvelope(await envelope(3), platform, { keys: [key.publicKey], provider });
  out.tampered = tampered.ok ? "accepted" : tampered.error.code;
  out.unchanged = JSON.stringify(Array.from(platform.component(C0) ?? [])) === before;

  const flipped = good.slice(); flipped[good.length - 5] ^= 0x01;
  out.payloadFlipped = await code(verifySuitEnvelope(flipped, { keys: [key.publicKey], provider }));

  const g = globalThis.__data;
  const img = await verifyMcubootImage(fromHex(g.image), { keys: [publicKeyFromSpki(fromHex(g.spki))], provider });
  out.mcubootSignatures = img.signatures.length;
  const badImg = fromHex(g.image); badImg[g.bodyByte] ^= 0x40;
  out.mcubootTampered = await code(verifyMcubootImage(badImg, { keys: [publicKeyFromSpki(fromHex(g.spki))], provider }));
  out.noTextEncoder = typeof TextEncoder === "undefined";
  return out;
}
${scenarioFooter}`;

function pemBody(text: string): Uint8Array {
  return fromBase64(text.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""));
}

describe("@rotkit/manifest on QuickJS", () => {
  it("builds, signs, verifies and processes a SUIT envelope, refuses rollback and tampering, and verifies an MCUboot image under 16 MiB", async () => {
    const code = await bundleForDevice(scenario);
    expect(code).not.toMatch(NODE_ONLY_PATTERN);
    const image = new Uint8Array(readFileSync(new URL("images/signed/basic/ecdsa-p256.bin", VECTORS)));
    const spki = pemBody(readFileSync(new URL("keys/public/ecdsa-p256-pem.pub", VECTORS), "utf8"));
    const data = { image: toHex(image), spki: toHex(spki), bodyByte: 0x20 + 10 };
    expect(await runInQuickJs(code, { globals: { __data: data }, hostRandom: true })).toEqual({
      sequence: 2,
      processed: true,
      installed: 4096,
      invoked: 1,
      reportBytes: true,
      rollback: "ROLLBACK_REFUSED",
      tampered: "SUIT_IMAGE_MISMATCH",
      unchanged: true,
      payloadFlipped: "SUIT_DIGEST_MISMATCH",
      mcubootSignatures: 1,
      mcubootTampered: "MCUBOOT_DIGEST_MISMATCH",
      noTextEncoder: true,
    });
  });
});
