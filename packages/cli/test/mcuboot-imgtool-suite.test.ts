import { Writable } from "node:stream";
import { main } from "@rotkit/cli";
import { describe, expect, it } from "vitest";
import { intelHexToBinary, mcubootImgtoolSuite } from "../src/conformance/suites/mcuboot-imgtool.js";
import type { CaseResult } from "../src/conformance/types.js";

const root = new URL("../../../test-vectors/mcuboot-imgtool", import.meta.url).pathname;

function sink(write: (s: string) => void): NodeJS.WriteStream {
  return new Writable({
    write(chunk, _enc, cb) {
      write(String(chunk));
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
}

describe("mcuboot-imgtool conformance suite", () => {
  it("agrees with every upstream verdict it can judge, on both providers, with derived negatives", async () => {
    const results: CaseResult[] = await mcubootImgtoolSuite.run(root, { progress() {} });
    const failed = results.filter((r) => r.got !== "skipped" && r.got !== r.expected);
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    const byId = new Map(results.map((r) => [r.id, r]));
    for (const p of ["noble", "webcrypto"]) {
      expect(byId.get(`images/signed/basic/ed25519.bin@${p}`)?.reason).toBe("SHA-256; ED25519 by keys/ed25519.key");
      expect(byId.get(`images/signed/hex/zero_hex-addr_0.hex@${p}`)?.reason).toBe(
        "SHA-256; RSA2048_PSS by keys/rsa-2048.key",
      );
      expect(byId.get(`images/signed/noKey/noKey256.bin@${p}`)?.got).toBe("valid");
      expect(byId.get(`images/signed/basic/ecdsa-p384.bin#wrong-key@${p}`)?.code).toBe("MCUBOOT_BAD_SIGNATURE");
      expect(byId.get(`images/signed/basic/ecdsa-p384.bin#flipped-body-byte@${p}`)?.code).toBe(
        "MCUBOOT_DIGEST_MISMATCH",
      );
    }
    expect(byId.get("images/signed/basic/rsa-3072_invHash.bin")?.code).toBe("MCUBOOT_MALFORMED");
    expect(byId.get("images/signed/basic/rsa-3072_invMagic.bin")?.code).toBe("MCUBOOT_MALFORMED");
    // CVE-2024-32883: on every valid image an appended unprotected SEC_CNT is refused for its placement.
    const secCnt = results.filter((r) => r.id.includes("#unprotected-sec-cnt@"));
    expect(secCnt).toHaveLength(2 * 19);
    for (const r of secCnt) expect(r.code).toBe("MCUBOOT_UNPROTECTED_TLV");
    // imgtool's test signed and encrypted these with keys it generated and did not publish.
    expect(results.filter((r) => r.got === "skipped").map((r) => r.id)).toEqual([
      "images/signed/no_pad_sig_enc_16.bin",
      "images/signed/pad_sig_enc_16.bin",
      "images/signed/pad_sig_enc_16_inv.bin",
    ]);
  });

  it("runs through the CLI (also as `mcuboot`) and exits 0 with no failure and no false accept", async () => {
    let out = "";
    const status = await main(["conformance", "mcuboot", root, "--json"], {
      out: sink((s) => {
        out += s;
      }),
      err: sink(() => {}),
    });
    expect(status).toBe(0);
    const summary = JSON.parse(out);
    expect(summary).toMatchObject({
      suite: "mcuboot-imgtool",
      failed: 0,
      falseAccepts: 0,
      falseRejects: 0,
      skipped: 3,
    });
    expect(summary.passed).toBe(summary.total - 3);
  });

  it("Intel HEX: records to bytes, checksums and record types checked", () => {
    const hex = ":0400100001020304E2\n:02000004000AF0\n:01000000FF00\n:00000001FF\n";
    const bin = intelHexToBinary(hex);
    expect(bin.length).toBe(0xa0000 - 0x10 + 1);
    expect(Array.from(bin.subarray(0, 5))).toEqual([1, 2, 3, 4, 0xff]);
    expect(() => intelHexToBinary(":0400100001020304E3\n")).toThrow(/checksum/);
    expect(() => intelHexToBinary(":00000007F9\n")).toThrow(/record type 7/);
    expect(() => intelHexToBinary(":00000001FF\n:0100000000FF\n")).toThrow(/after the end-of-file/);
  });
});
