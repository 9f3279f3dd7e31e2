import { generateSoftwareKey, type KeyHandle, nobleProvider, webCryptoProvider } from "@rotkit/core";
import {
  decodeMcubootImageUnverified,
  McubootFlag,
  McubootTlvType,
  mcubootKeyHash,
  type VerifyMcubootImageOptions,
  verifyMcubootImage,
} from "@rotkit/manifest";
import { beforeAll, describe, expect, it } from "vitest";
import {
  appendUnprotected,
  buildImage,
  codeOf,
  readImage,
  rewriteUnprotected,
  u32le,
  vectorKey,
} from "./mcuboot-fixtures.js";

// verifyMcubootImage on images built here the way imgtool builds them: the protected-TLV rules (CVE-2024-32883),
// typed protected content, key selection, pure Ed25519, encryption, flags and structure errors.

const provider = nobleProvider();
let es256: KeyHandle;
let ed: KeyHandle;
let es384: KeyHandle;

beforeAll(async () => {
  es256 = await generateSoftwareKey("ES256");
  ed = await generateSoftwareKey("Ed25519");
  es384 = await generateSoftwareKey("ES384");
});

const dep = (id: number, v: [number, number, number, number], flags = 0) =>
  Uint8Array.of(id, flags, 0, 0, v[0], v[1], v[2] & 0xff, v[2] >> 8, ...u32le(v[3]));

function opts(keys: KeyHandle[], extra: Partial<VerifyMcubootImageOptions> = {}): VerifyMcubootImageOptions {
  return { keys: keys.map((k) => k.publicKey), provider, ...extra };
}

describe("protected TLVs", () => {
  it("SEC_CNT, DEPENDENCY, BOOT_RECORD and compression TLVs are returned typed from the protected area", async () => {
    const bootRecord = Uint8Array.of(0xa1, 0x01, 0x02);
    const bytes = await buildImage({
      version: [2, 1, 300, 77],
      flags: McubootFlag.RAM_LOAD | McubootFlag.COMPRESSED_LZMA2,
      loadAddr: 0x20000000,
      signers: [{ key: es256 }],
      protectedTlvs: [
        { type: McubootTlvType.SEC_CNT, value: u32le(0x01020304) },
        { type: McubootTlvType.BOOT_RECORD, value: bootRecord },
        { type: McubootTlvType.DEPENDENCY, value: dep(1, [1, 2, 3, 4]) },
        { type: McubootTlvType.DEPENDENCY, value: dep(2, [0, 9, 258, 0], 1) },
        { type: McubootTlvType.DECOMP_SIZE, value: u32le(4096) },
        { type: 0x10a0, value: Uint8Array.of(7) },
      ],
    });
    const r = await verifyMcubootImage(bytes, opts([es256]));
    expect(r.header.version).toEqual({ major: 2, minor: 1, revision: 300, build: 77 });
    expect(r.header.loadAddr).toBe(0x20000000);
    expect(r.flags).toEqual(["RAM_LOAD", "COMPRESSED_LZMA2"]);
    expect(r.securityCounter).toBe(0x01020304);
    expect(r.bootRecord).toEqual(bootRecord);
    expect(r.dependencies).toEqual([
      { imageId: 1, flags: 0, minVersion: { major: 1, minor: 2, revision: 3, build: 4 } },
      { imageId: 2, flags: 1, minVersion: { major: 0, minor: 9, revision: 258, build: 0 } },
    ]);
    expect(r.compression).toEqual({ decompressedSize: 4096 });
    expect(r.protectedTlvs.map((t) => t.name)).toEqual([
      "SEC_CNT",
      "BOOT_RECORD",
      "DEPENDENCY",
      "DEPENDENCY",
      "DECOMP_SIZE",
      "VENDOR",
    ]);
  });

  it("CVE-2024-32883: a SEC_CNT appended to the unprotected area of a signed vector is refused", async () => {
    const signed = readImage("basic/ecdsa-p256.bin");
    const key = vectorKey("ecdsa-p256");
    const forged = appendUnprotected(signed, { type: McubootTlvType.SEC_CNT, value: u32le(0xffffffff) });
    // The hashed bytes did not change, so hash and signature still verify: only the allow list stops it.
    expect(decodeMcubootImageUnverified(forged).hashedLength).toBe(decodeMcubootImageUnverified(signed).hashedLength);
    const p = verifyMcubootImage(forged, { keys: [key], provider });
    expect(await codeOf(p)).toBe("MCUBOOT_UNPROTECTED_TLV");
    expect((await verifyMcubootImage(signed, { keys: [key], provider })).securityCounter).toBeUndefined();
  });

  it("moving a protected SEC_CNT into the unprotected area (and re-signing) is refused", async () => {
    const secCnt = { type: McubootTlvType.SEC_CNT, value: u32le(5) };
    const good = await buildImage({ signers: [{ key: es256 }], protectedTlvs: [secCnt] });
    expect((await verifyMcubootImage(good, opts([es256]))).securityCounter).toBe(5);
    const moved = await buildImage({ signers: [{ key: es256 }], unprotectedExtra: [secCnt] });
    const p = verifyMcubootImage(moved, opts([es256]));
    await expect(p).rejects.toMatchObject({ code: "MCUBOOT_UNPROTECTED_TLV", at: expect.any(Number) });
    expect(decodeMcubootImageUnverified(moved).unprotectedTlvs.map((t) => t.name)).toContain("SEC_CNT");
  });

  it.each([
    ["DEPENDENCY", McubootTlvType.DEPENDENCY, dep(0, [1, 0, 0, 0])],
    ["BOOT_RECORD", McubootTlvType.BOOT_RECORD, Uint8Array.of(0xa0)],
    ["DECOMP_SHA", McubootTlvType.DECOMP_SHA, new Uint8Array(32)],
    ["UUID_VID", McubootTlvType.UUID_VID, new Uint8Array(16)],
    ["a vendor TLV", 0x00a0, Uint8Array.of(1)],
    ["an unknown TLV", 0x99, Uint8Array.of(1)],
  ])("%s in the unprotected area → MCUBOOT_UNPROTECTED_TLV", async (_name, type, value) => {
    const bytes = await buildImage({ signers: [{ key: es256 }], unprotectedExtra: [{ type, value }] });
    expect(await codeOf(verifyMcubootImage(bytes, opts([es256])))).toBe("MCUBOOT_UNPROTECTED_TLV");
  });

  it("allowUnprotectedTypes admits a vendor TLV (never returned as verified) but never a must-protect type", async () => {
    const bytes = await buildImage({
      signers: [{ key: es256 }],
      unprotectedExtra: [{ type: 0x00a0, value: Uint8Array.of(1) }],
    });
    const r = await verifyMcubootImage(bytes, opts([es256], { allowUnprotectedTypes: [0x00a0] }));
    expect(r.protectedTlvs).toEqual([]);
    const bad = verifyMcubootImage(bytes, opts([es256], { allowUnprotectedTypes: [McubootTlvType.SEC_CNT] }));
    expect(await codeOf(bad)).toBe("INVALID_ARGUMENT");
  });

  it("malformed protected content → MCUBOOT_MALFORMED", async () => {
    const cases = [
      [
        { type: McubootTlvType.SEC_CNT, value: u32le(1) },
        { type: McubootTlvType.SEC_CNT, value: u32le(2) },
      ],
      [{ type: McubootTlvType.SEC_CNT, value: Uint8Array.of(1, 2, 3) }],
      [{ type: McubootTlvType.DEPENDENCY, value: new Uint8Array(8) }],
      [{ type: McubootTlvType.SHA256, value: new Uint8Array(32) }],
      [{ type: McubootTlvType.KEYHASH, value: new Uint8Array(32) }],
    ];
    for (const protectedTlvs of cases) {
      const bytes = await buildImage({ signers: [{ key: es256 }], protectedTlvs });
      expect(await codeOf(verifyMcubootImage(bytes, opts([es256])))).toBe("MCUBOOT_MALFORMED");
    }
  });
});

describe("hash and signatures", () => {
  it("SHA-384 and SHA-512 images with an Ed25519 signature over the digest", async () => {
    for (const hash of ["SHA-384", "SHA-512"] as const) {
      const bytes = await buildImage({ hash, signers: [{ key: ed }] });
      const r = await verifyMcubootImage(bytes, opts([ed]));
      expect(r.digest?.alg).toBe(hash);
      expect(r.signatures.map((s) => s.name)).toEqual(["ED25519"]);
    }
  });

  it("P-384 signs SHA-384 images; a P-256 key on a SHA-384 image is not an MCUboot pairing", async () => {
    const r = await verifyMcubootImage(await buildImage({ hash: "SHA-384", signers: [{ key: es384 }] }), opts([es384]));
    expect(r.signatures[0]?.name).toBe("ECDSA_SIG");
    const mixed = await buildImage({ hash: "SHA-384", signers: [{ key: es256 }] });
    expect(await codeOf(verifyMcubootImage(mixed, opts([es256])))).toBe("MCUBOOT_UNSUPPORTED");
  });

  it("RSA-2048 PSS (WebCrypto signer) verifies with both providers", async () => {
    const rsa = await generateSoftwareKey("PS256", { modulusLength: 2048 });
    const bytes = await buildImage({ signers: [{ key: rsa }] });
    for (const p of [provider, webCryptoProvider()]) {
      const r = await verifyMcubootImage(bytes, { keys: [rsa.publicKey], provider: p });
      expect(r.signatures[0]?.name).toBe("RSA2048_PSS");
    }
  });

  it("hash TLV rules: missing, doubled, wrong length → MCUBOOT_MALFORMED; changed → MCUBOOT_DIGEST_MISMATCH", async () => {
    const noHash = await buildImage({ hash: null, signers: [{ key: es256 }] });
    expect(await codeOf(verifyMcubootImage(noHash, opts([es256])))).toBe("MCUBOOT_MALFORMED");
    const good = await buildImage({ signers: [{ key: es256 }] });
    const digest = decodeMcubootImageUnverified(good).unprotectedTlvs[0]?.value as Uint8Array;
    const doubled = appendUnprotected(good, { type: McubootTlvType.SHA256, value: digest });
    expect(await codeOf(verifyMcubootImage(doubled, opts([es256])))).toBe("MCUBOOT_MALFORMED");
    const short = rewriteUnprotected(good, (t) => [
      { type: McubootTlvType.SHA256, value: digest.subarray(0, 31) },
      ...t.slice(1),
    ]);
    expect(await codeOf(verifyMcubootImage(short, opts([es256])))).toBe("MCUBOOT_MALFORMED");
    const body = good.slice();
    body[40] = (body[40] as number) ^ 1;
    expect(await codeOf(verifyMcubootImage(body, opts([es256])))).toBe("MCUBOOT_DIGEST_MISMATCH");
  });

  it("several signers: signatures by other keys are skipped, every trusted one must verify", async () => {
    const bytes = await buildImage({ signers: [{ key: es256 }, { key: ed }] });
    expect((await verifyMcubootImage(bytes, opts([es256]))).signatures).toEqual([
      { type: McubootTlvType.ECDSA_SIG, name: "ECDSA_SIG", keyIndex: 0 },
    ]);
    expect((await verifyMcubootImage(bytes, opts([ed]))).signatures.map((s) => s.name)).toEqual(["ED25519"]);
    expect((await verifyMcubootImage(bytes, opts([ed, es256]))).signatures.map((s) => s.keyIndex)).toEqual([1, 0]);
    // A broken signature by a trusted key fails the image even though another trusted signature verifies.
    const broken = rewriteUnprotected(bytes, (t) =>
      t.map((x) =>
        x.type === McubootTlvType.ED25519 ? { ...x, value: x.value.map((b, i) => (i === 5 ? b ^ 1 : b)) } : x,
      ),
    );
    expect(await codeOf(verifyMcubootImage(broken, opts([es256, ed])))).toBe("MCUBOOT_BAD_SIGNATURE");
    expect((await verifyMcubootImage(broken, opts([es256]))).signatures).toHaveLength(1);
  });

  it("PUBKEY TLV (MCUBOOT_HW_KEY) selects the key by its encoding; a signature without a key TLV is skipped", async () => {
    const byPubkey = await buildImage({ signers: [{ key: ed, keyTlv: "pubkey" }] });
    expect((await verifyMcubootImage(byPubkey, opts([es256, ed]))).signatures[0]?.keyIndex).toBe(1);
    const bare = await buildImage({ signers: [{ key: ed, keyTlv: "none" }] });
    expect(await codeOf(verifyMcubootImage(bare, opts([ed])))).toBe("MCUBOOT_BAD_SIGNATURE");
  });

  it("a KEYHASH naming a key of another type than the signature TLV → MCUBOOT_BAD_SIGNATURE", async () => {
    const bytes = await buildImage({ signers: [{ key: es256 }] });
    const edHash = await mcubootKeyHash(ed.publicKey, "SHA-256", provider);
    const swapped = rewriteUnprotected(bytes, (t) =>
      t.map((x) => (x.type === McubootTlvType.KEYHASH ? { ...x, value: edHash } : x)),
    );
    expect(await codeOf(verifyMcubootImage(swapped, opts([ed])))).toBe("MCUBOOT_BAD_SIGNATURE");
  });

  it("KEYHASH of a length no hash has → MCUBOOT_MALFORMED; ECDSA224 by a trusted key → MCUBOOT_UNSUPPORTED", async () => {
    const bytes = await buildImage({ signers: [{ key: es256 }] });
    const odd = rewriteUnprotected(bytes, (t) =>
      t.map((x) => (x.type === McubootTlvType.KEYHASH ? { ...x, value: new Uint8Array(20) } : x)),
    );
    expect(await codeOf(verifyMcubootImage(odd, opts([es256])))).toBe("MCUBOOT_MALFORMED");
    const p224 = rewriteUnprotected(bytes, (t) =>
      t.map((x) => (x.type === McubootTlvType.ECDSA_SIG ? { ...x, type: McubootTlvType.ECDSA224 } : x)),
    );
    expect(await codeOf(verifyMcubootImage(p224, opts([es256])))).toBe("MCUBOOT_UNSUPPORTED");
  });

  it("options: keys are required unless requireSignature is false; a provider is required", async () => {
    const bytes = await buildImage({ signers: [{ key: es256 }] });
    expect(await codeOf(verifyMcubootImage(bytes, { provider }))).toBe("INVALID_ARGUMENT");
    expect((await verifyMcubootImage(bytes, { provider, requireSignature: false })).signatures).toEqual([]);
    expect(await codeOf(verifyMcubootImage(bytes, {} as VerifyMcubootImageOptions))).toBe("INVALID_ARGUMENT");
  });
});

describe("SIG_PURE (Ed25519 over the image)", () => {
  it("verifies, with or without a hash TLV", async () => {
    for (const hash of ["SHA-256", null] as const) {
      const r = await verifyMcubootImage(await buildImage({ pure: true, hash, signers: [{ key: ed }] }), opts([ed]));
      expect(r.pure).toBe(true);
      expect(r.signatures.map((s) => s.name)).toEqual(["ED25519"]);
      expect(r.digest === undefined).toBe(hash === null);
    }
  });

  it("a pure image without hash TLV needs a verified signature; pure ECDSA is unsupported", async () => {
    const bytes = await buildImage({ pure: true, hash: null, signers: [{ key: ed }] });
    expect(await codeOf(verifyMcubootImage(bytes, { provider, requireSignature: false }))).toBe("MCUBOOT_MALFORMED");
    const ecdsa = await buildImage({ pure: true, signers: [{ key: es256 }] });
    expect(await codeOf(verifyMcubootImage(ecdsa, opts([es256])))).toBe("MCUBOOT_UNSUPPORTED");
  });

  it("SIG_PURE added to a digest-signed image breaks the signature; a SIG_PURE other than 1 is malformed", async () => {
    const signed = await buildImage({ signers: [{ key: ed }] });
    const relabelled = appendUnprotected(signed, { type: McubootTlvType.SIG_PURE, value: Uint8Array.of(1) });
    expect(await codeOf(verifyMcubootImage(relabelled, opts([ed])))).toBe("MCUBOOT_BAD_SIGNATURE");
    const two = appendUnprotected(signed, { type: McubootTlvType.SIG_PURE, value: Uint8Array.of(2) });
    expect(await codeOf(verifyMcubootImage(two, opts([ed])))).toBe("MCUBOOT_MALFORMED");
  });
});

describe("flags and encryption", () => {
  it.each([
    ["an unknown flag bit", 0x2, "MCUBOOT_UNSUPPORTED"],
    ["IMAGE_F_PIC", McubootFlag.PIC, "MCUBOOT_UNSUPPORTED"],
    ["both AES key sizes", McubootFlag.ENCRYPTED_AES128 | McubootFlag.ENCRYPTED_AES256, "MCUBOOT_MALFORMED"],
    ["an encrypted image without consent", McubootFlag.ENCRYPTED_AES256, "MCUBOOT_UNSUPPORTED"],
  ])("%s → %s", async (_name, flags, code) => {
    const bytes = await buildImage({ flags, signers: [{ key: es256 }] });
    expect(await codeOf(verifyMcubootImage(bytes, opts([es256])))).toBe(code);
  });

  it("decryptBody: hash and signature are checked over the plaintext it returns", async () => {
    const plain = Uint8Array.from({ length: 64 }, (_, i) => i * 3);
    const signed = await buildImage({
      body: plain,
      flags: McubootFlag.ENCRYPTED_AES256,
      signers: [{ key: es256 }],
      unprotectedExtra: [{ type: McubootTlvType.ENC_KW, value: new Uint8Array(40) }],
    });
    const image = signed.slice();
    for (let i = 32; i < 32 + plain.length; i++) image[i] = (image[i] as number) ^ 0x5a; // the "ciphertext"
    const decryptBody = (c: Uint8Array, enc: { aesKeyBits: number; keyTlvs: { name: string }[] }) => {
      expect(enc.aesKeyBits).toBe(256);
      expect(enc.keyTlvs.map((t) => t.name)).toEqual(["ENC_KW"]);
      return c.map((b) => b ^ 0x5a);
    };
    const r = await verifyMcubootImage(image, opts([es256], { decryptBody }));
    expect(r.body).toEqual(plain);
    expect(r.encryption?.aesKeyBits).toBe(256);
    expect(await codeOf(verifyMcubootImage(image, opts([es256], { allowEncryptedFlag: true })))).toBe(
      "MCUBOOT_DIGEST_MISMATCH",
    );
    const wrongLength = verifyMcubootImage(image, opts([es256], { decryptBody: (c) => c.subarray(1) }));
    expect(await codeOf(wrongLength)).toBe("INVALID_ARGUMENT");
  });
});

describe("structure", () => {
  it("legacy v1 and big-endian magics → MCUBOOT_UNSUPPORTED; other magics, short headers, size mismatches → MCUBOOT_MALFORMED", async () => {
    const good = await buildImage({
      signers: [{ key: es256 }],
      protectedTlvs: [{ type: McubootTlvType.SEC_CNT, value: u32le(1) }],
    });
    const patch = (at: number, ...v: number[]) => {
      const b = good.slice();
      b.set(v, at);
      return b;
    };
    expect(() => decodeMcubootImageUnverified(patch(0, 0x3c))).toThrow(
      expect.objectContaining({ code: "MCUBOOT_UNSUPPORTED" }),
    );
    const bigEndian = patch(0, 0x96, 0xf3, 0xb8, 0x3d);
    expect(() => decodeMcubootImageUnverified(bigEndian)).toThrow(
      expect.objectContaining({ code: "MCUBOOT_UNSUPPORTED" }),
    );
    const malformed = [
      patch(0, 0x00),
      patch(8, 16, 0), // ih_hdr_size below 32
      patch(10, 20, 0), // ih_protect_tlv_size disagrees with the area
      patch(10, 0, 0), // protected area present but size 0
      patch(10, 2, 0), // smaller than an info header
      patch(12, 0xff, 0xff, 0xff, 0x7f), // body past the end
      good.subarray(0, 20),
      new Uint8Array(0),
    ];
    for (const b of malformed) {
      expect(() => decodeMcubootImageUnverified(b)).toThrow(expect.objectContaining({ code: "MCUBOOT_MALFORMED" }));
    }
  });

  it("an empty protected area (info header only) and a long header are accepted", async () => {
    const bytes = await buildImage({ hdrSize: 0x200, protectedTlvs: [], signers: [{ key: es256 }] });
    const r = await verifyMcubootImage(bytes, opts([es256]));
    expect([r.header.hdrSize, r.header.protectTlvSize, r.protectedTlvs.length]).toEqual([0x200, 4, 0]);
    expect(bytes.subarray(0x200 + 100, 0x200 + 104)).toEqual(Uint8Array.of(0x08, 0x69, 4, 0));
  });

  it("decode rejects non-bytes with INVALID_ARGUMENT", () => {
    expect(() => decodeMcubootImageUnverified("x" as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});
