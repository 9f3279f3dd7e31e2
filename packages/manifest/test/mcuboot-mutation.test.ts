import { type CryptoProvider, generateSoftwareKey, nobleProvider, webCryptoProvider } from "@rotkit/core";
import { decodeMcubootImageUnverified, McubootTlvType, verifyMcubootImage } from "@rotkit/manifest";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { buildImage, expectOnlyRotkitErrorsAsync, KEY_NAMES, readImage, u32le, vectorKey } from "./mcuboot-fixtures.js";

// Every single-byte mutation and every truncation of a valid image must be refused with a RotkitError: the header,
// body and protected TLVs are under the hash, the unprotected TLV area is parsed strictly and only holds the hash,
// key and signature TLVs. Bytes after the TLV areas (slot padding, trailer) are covered by nothing, as in MCUboot,
// so the padded images are mutated over their image proper only (and a trailer flip is shown to be ignored).

const keys = KEY_NAMES.map(vectorKey);
// WebCrypto keeps the thousands of signature checks fast; the noble path runs in the vector tests.
const web: CryptoProvider = webCryptoProvider();

const CASES: [string, boolean][] = [
  ["basic/ecdsa-p256.bin", true],
  ["basic/ecdsa-p384.bin", true],
  ["basic/ed25519.bin", true],
  ["basic/rsa-3072.bin", true],
  ["customTLV/ecdsa-p384.bin", true],
  ["noKey/noKey256.bin", false],
];

function verifier(requireSignature: boolean, provider: CryptoProvider = web) {
  return (b: Uint8Array) => verifyMcubootImage(b, { keys, provider, requireSignature, allowEncryptedFlag: true });
}

describe("MCUboot mutation fuzzing", () => {
  it.each(CASES)("%s: every single-byte flip and every truncation is refused", async (file, signed) => {
    const bytes = readImage(file);
    const verify = verifier(signed);
    await verify(bytes); // the original verifies
    const flips = await expectOnlyRotkitErrorsAsync(verify, singleByteMutations(bytes));
    expect(flips.accepted).toEqual([]);
    expect(flips.codes.MCUBOOT_DIGEST_MISMATCH).toBeGreaterThan(0);
    expect(flips.codes.MCUBOOT_MALFORMED).toBeGreaterThan(0);
    if (signed) expect(flips.codes.MCUBOOT_BAD_SIGNATURE).toBeGreaterThan(0);
    const cuts = await expectOnlyRotkitErrorsAsync(verify, truncations(bytes));
    expect(cuts.accepted).toEqual([]);
    expect(Object.keys(cuts.codes)).toEqual(["MCUBOOT_MALFORMED"]);
  });

  it("encryptedClear/rsa-2048.enc: only flips inside the wrapped AES key (ENC_RSA2048) pass, which a plaintext body never uses", async () => {
    const bytes = readImage("encryptedClear/rsa-2048.enc");
    const enc = decodeMcubootImageUnverified(bytes).unprotectedTlvs.find((t) => t.type === McubootTlvType.ENC_RSA2048);
    if (enc === undefined) throw new Error("no ENC_RSA2048 TLV");
    const start = enc.offset + 4;
    const verify = verifier(true);
    const flips = await expectOnlyRotkitErrorsAsync(verify, singleByteMutations(bytes));
    // MCUboot authenticates the wrapped key only through decryption: a wrong key yields a plaintext that fails the
    // hash. With allowEncryptedFlag the body is already plaintext and the wrapped key is not used at all.
    // The one other flip turns the type 0x30 (ENC_RSA2048) into 0x31 (ENC_KW): another wrapped-key TLV.
    const outside = flips.accepted.filter((_, i) => {
      const at = flips.acceptedAt[i] as number;
      return at < enc.offset || at >= start + enc.value.length;
    });
    expect(outside).toEqual([]);
    expect(flips.accepted.filter((w) => !w.startsWith(`byte ${enc.offset} `))).toHaveLength(enc.value.length * 5);
    expect(flips.accepted).toContain(`byte ${enc.offset} ^ 0x1`);
    const cuts = await expectOnlyRotkitErrorsAsync(verify, truncations(bytes));
    expect(cuts.accepted).toEqual([]);
  });

  it("decodeMcubootImageUnverified: flips and truncations throw only RotkitErrors", () => {
    const bytes = readImage("customTLV/rsa-3072.bin");
    const flips = expectOnlyRotkitErrors(decodeMcubootImageUnverified, singleByteMutations(bytes));
    expect(flips.rejected).toBeGreaterThan(0);
    const cuts = expectOnlyRotkitErrors(decodeMcubootImageUnverified, truncations(bytes));
    expect(cuts.ok).toBe(0);
  });

  it("a padded image: the image proper is fully covered; a flip in the slot padding is ignored, as by MCUboot", async () => {
    const bytes = readImage("pubKeyOnly/ecdsa-p256.bin");
    const end = decodeMcubootImageUnverified(bytes).end;
    const proper = bytes.slice(0, end);
    const verify = verifier(true);
    const flips = await expectOnlyRotkitErrorsAsync(verify, singleByteMutations(proper, [0x01, 0xff]));
    expect(flips.accepted).toEqual([]);
    const padded = bytes.slice();
    padded[end + 100] = (padded[end + 100] as number) ^ 0x01;
    expect((await verify(padded)).trailingLength).toBe(bytes.length - end);
  });

  it("a synthetic image with protected SEC_CNT and DEPENDENCY: every flip and truncation refused (noble)", async () => {
    const key = await generateSoftwareKey("ES256");
    const bytes = await buildImage({
      signers: [{ key }],
      protectedTlvs: [
        { type: McubootTlvType.SEC_CNT, value: u32le(7) },
        { type: McubootTlvType.DEPENDENCY, value: Uint8Array.of(1, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0, 0) },
      ],
      body: new Uint8Array(16),
    });
    const verify = (b: Uint8Array) => verifyMcubootImage(b, { keys: [key.publicKey], provider: nobleProvider() });
    expect((await verify(bytes)).securityCounter).toBe(7);
    const flips = await expectOnlyRotkitErrorsAsync(verify, singleByteMutations(bytes, [0x01, 0x80, 0xff]));
    expect(flips.accepted).toEqual([]);
    const cuts = await expectOnlyRotkitErrorsAsync(verify, truncations(bytes));
    expect(cuts.accepted).toEqual([]);
  });
});
