import { type CryptoProvider, nobleProvider, webCryptoProvider } from "@rotkit/core";
import { decodeMcubootImageUnverified, McubootTlvType, mcubootKeyHash, verifyMcubootImage } from "@rotkit/manifest";
import { describe, expect, it } from "vitest";
import { codeOf, KEY_NAMES, type KeyName, readImage, vectorKey } from "./mcuboot-fixtures.js";

// MCUboot imgtool's published test images (test-vectors/mcuboot-imgtool, upstream scripts/tests/assets) with the
// verdicts upstream's test_verify.py asserts.

const providers: CryptoProvider[] = [nobleProvider(), webCryptoProvider()];
const keys = Object.fromEntries(KEY_NAMES.map((k) => [k, vectorKey(k)])) as Record<
  KeyName,
  ReturnType<typeof vectorKey>
>;
const allKeys = KEY_NAMES.map((k) => keys[k]);

// [image, signing key, hash algorithm, signature TLV]
const SIGNED: [string, KeyName, string, number][] = [
  ["basic/ecdsa-p256.bin", "ecdsa-p256", "SHA-256", McubootTlvType.ECDSA_SIG],
  ["basic/ecdsa-p384.bin", "ecdsa-p384", "SHA-384", McubootTlvType.ECDSA_SIG],
  ["basic/ed25519.bin", "ed25519", "SHA-256", McubootTlvType.ED25519],
  ["basic/rsa-3072.bin", "rsa-3072", "SHA-256", McubootTlvType.RSA3072_PSS],
  ["customTLV/ecdsa-p256.bin", "ecdsa-p256", "SHA-256", McubootTlvType.ECDSA_SIG],
  ["customTLV/ecdsa-p384.bin", "ecdsa-p384", "SHA-384", McubootTlvType.ECDSA_SIG],
  ["customTLV/ed25519.bin", "ed25519", "SHA-256", McubootTlvType.ED25519],
  ["customTLV/rsa-3072.bin", "rsa-3072", "SHA-256", McubootTlvType.RSA3072_PSS],
  ["encryptedClear/ecdsa-p256.enc", "ecdsa-p256", "SHA-256", McubootTlvType.ECDSA_SIG],
  ["encryptedClear/ecdsa-p384.enc", "ecdsa-p384", "SHA-384", McubootTlvType.ECDSA_SIG],
  ["encryptedClear/ed25519.enc", "ed25519", "SHA-256", McubootTlvType.ED25519],
  ["encryptedClear/rsa-2048.enc", "rsa-2048", "SHA-256", McubootTlvType.RSA2048_PSS],
  ["encryptedClear/rsa-3072.enc", "rsa-3072", "SHA-256", McubootTlvType.RSA3072_PSS],
  ["pubKeyOnly/ecdsa-p256.bin", "ecdsa-p256", "SHA-256", McubootTlvType.ECDSA_SIG],
  ["pubKeyOnly/ecdsa-p384.bin", "ecdsa-p384", "SHA-384", McubootTlvType.ECDSA_SIG],
  ["pubKeyOnly/rsa-3072.bin", "rsa-3072", "SHA-256", McubootTlvType.RSA3072_PSS],
];

describe("MCUboot imgtool vectors", () => {
  it.each(SIGNED)("%s verifies with %s (both providers)", async (file, keyName, hash, sigType) => {
    const bytes = readImage(file);
    for (const provider of providers) {
      const r = await verifyMcubootImage(bytes, { keys: [keys[keyName]], provider, allowEncryptedFlag: true });
      expect(r.signatures).toEqual([{ type: sigType, name: expect.any(String), keyIndex: 0 }]);
      expect(r.digest?.alg).toBe(hash);
      expect(r.header.version).toEqual({ major: 1, minor: 0, revision: 0, build: 0 });
      expect(r.securityCounter).toBeUndefined();
      expect(r.dependencies).toEqual([]);
      expect(r.pure).toBe(false);
    }
  });

  it.each(SIGNED)(
    "%s: with every key but its own → MCUBOOT_BAD_SIGNATURE (imgtool: no signature for the key)",
    async (file, keyName) => {
      const others = KEY_NAMES.filter((k) => k !== keyName).map((k) => keys[k]);
      const p = verifyMcubootImage(readImage(file), {
        keys: others,
        provider: providers[1] as CryptoProvider,
        allowEncryptedFlag: true,
      });
      expect(await codeOf(p)).toBe("MCUBOOT_BAD_SIGNATURE");
    },
  );

  it("the key list may hold every published key: the KEYHASH TLV picks the right one", async () => {
    const r = await verifyMcubootImage(readImage("basic/rsa-3072.bin"), { keys: allKeys, provider: nobleProvider() });
    expect(r.signatures[0]?.keyIndex).toBe(KEY_NAMES.indexOf("rsa-3072"));
  });

  it("KEYHASH is the image hash of the key's imgtool encoding (SHA-384 for P-384)", async () => {
    const p384 = decodeMcubootImageUnverified(readImage("basic/ecdsa-p384.bin"));
    const keyHash = p384.unprotectedTlvs.find((t) => t.type === McubootTlvType.KEYHASH)?.value;
    expect(keyHash).toEqual(await mcubootKeyHash(keys["ecdsa-p384"], "SHA-384", nobleProvider()));
    const rsa = decodeMcubootImageUnverified(readImage("encryptedClear/rsa-2048.enc"));
    expect(rsa.unprotectedTlvs.find((t) => t.type === McubootTlvType.KEYHASH)?.value).toEqual(
      await mcubootKeyHash(keys["rsa-2048"], "SHA-256", nobleProvider()),
    );
  });

  it("customTLV images carry the vendor TLV 0xa0 in the protected area, returned as verified", async () => {
    const r = await verifyMcubootImage(readImage("customTLV/ed25519.bin"), {
      keys: allKeys,
      provider: nobleProvider(),
    });
    expect(r.header.hdrSize).toBe(1024);
    expect(r.header.protectTlvSize).toBe(10);
    expect(r.protectedTlvs.map((t) => [t.type, t.name, t.area, Array.from(t.value)])).toEqual([
      [0xa0, "VENDOR", "protected", [0x00, 0xff]],
    ]);
  });

  it("hash-only images (noKey, padNoEnc) verify with requireSignature: false, not without it", async () => {
    for (const file of ["noKey/noKey256.bin", "pad/padNoEnc.bin"]) {
      const r = await verifyMcubootImage(readImage(file), { provider: nobleProvider(), requireSignature: false });
      expect(r.signatures).toEqual([]);
      expect(r.digest?.alg).toBe("SHA-256");
      expect(await codeOf(verifyMcubootImage(readImage(file), { keys: allKeys, provider: nobleProvider() }))).toBe(
        "MCUBOOT_BAD_SIGNATURE",
      );
    }
    const padded = decodeMcubootImageUnverified(readImage("pad/padNoEnc.bin"));
    expect(padded.trailingLength).toBe(1536 - 1096);
  });

  it("encrypted images need allowEncryptedFlag or decryptBody", async () => {
    const bytes = readImage("encryptedClear/ecdsa-p256.enc");
    expect(await codeOf(verifyMcubootImage(bytes, { keys: allKeys, provider: nobleProvider() }))).toBe(
      "MCUBOOT_UNSUPPORTED",
    );
    const r = await verifyMcubootImage(bytes, { keys: allKeys, provider: nobleProvider(), allowEncryptedFlag: true });
    expect(r.flags).toEqual(["ENCRYPTED_AES128"]);
    expect(r.encryption?.aesKeyBits).toBe(128);
    expect(r.encryption?.keyTlvs.map((t) => t.name)).toEqual(["ENC_EC256"]);
  });

  it("a ciphertext body (key not published) fails its plaintext hash: MCUBOOT_DIGEST_MISMATCH", async () => {
    const bytes = readImage("no_pad_sig_enc_16.bin");
    const p = verifyMcubootImage(bytes, {
      provider: nobleProvider(),
      requireSignature: false,
      allowEncryptedFlag: true,
    });
    expect(await codeOf(p)).toBe("MCUBOOT_DIGEST_MISMATCH");
  });

  it("upstream's invalid images are refused: invHash (TLV length past the area), invMagic", async () => {
    const opts = { keys: allKeys, provider: nobleProvider() };
    expect(await codeOf(verifyMcubootImage(readImage("basic/rsa-3072_invHash.bin"), opts))).toBe("MCUBOOT_MALFORMED");
    expect(await codeOf(verifyMcubootImage(readImage("basic/rsa-3072_invMagic.bin"), opts))).toBe("MCUBOOT_MALFORMED");
    expect(() => decodeMcubootImageUnverified(readImage("basic/rsa-3072_invMagic.bin"))).toThrow(/bad header magic/);
  });

  it("decodes the header and TLV areas without verifying", () => {
    const d = decodeMcubootImageUnverified(readImage("basic/ecdsa-p256.bin"));
    expect(d.header).toEqual({
      magic: 0x96f3b83d,
      loadAddr: 0,
      hdrSize: 32,
      protectTlvSize: 0,
      imgSize: 1024,
      flags: 0,
      version: { major: 1, minor: 0, revision: 0, build: 0 },
    });
    expect(d.unprotectedTlvs.map((t) => [t.name, t.area, t.value.length, t.offset])).toEqual([
      ["SHA256", "unprotected", 32, 1060],
      ["KEYHASH", "unprotected", 32, 1096],
      ["ECDSA_SIG", "unprotected", 70, 1132],
    ]);
    expect(d.protectedTlvs).toEqual([]);
    expect([d.hashedLength, d.end, d.trailingLength]).toEqual([1056, 1206, 0]);
  });
});
