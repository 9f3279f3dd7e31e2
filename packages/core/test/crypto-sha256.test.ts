import { createHash } from "node:crypto";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SHA256_IV, sha256, sha256Blocks, toHex, utf8Encode } from "../src/index.js";

// rotkit's SHA-256 against the FIPS 180-2 Appendix B examples, against OpenSSL (node:crypto) at every length around
// the padding boundaries, and against noble on random inputs.

const openssl = (d: Uint8Array) => new Uint8Array(createHash("sha256").update(d).digest());

describe("sha256", () => {
  it("gives the FIPS 180-2 Appendix B digests", () => {
    expect(toHex(sha256(utf8Encode("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(toHex(sha256(utf8Encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    expect(toHex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    );
    expect(toHex(sha256(new Uint8Array(0)))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("matches OpenSSL at every length from 0 to 300 bytes (one and two padding blocks)", () => {
    for (let n = 0; n <= 300; n++) {
      const d = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
      expect(toHex(sha256(d)), `length ${n}`).toBe(toHex(openssl(d)));
    }
  });

  it("matches noble on random inputs, including views into larger buffers", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(16), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        expect(sha256(view)).toEqual(nobleSha256(view));
      }),
      { numRuns: 500 },
    );
  });

  it("exposes the block function for incremental hashers", () => {
    const state = Int32Array.from(SHA256_IV);
    const block = new Uint8Array(64);
    block[0] = 0x80; // the padded empty message
    sha256Blocks(state, block, 0, 64);
    const out = new Uint8Array(32);
    new DataView(out.buffer).setInt32(0, state[0] as number);
    expect(toHex(out.subarray(0, 4))).toBe("e3b0c442");
    expect(() => sha256("abc" as unknown as Uint8Array)).toThrow(/Uint8Array/);
  });
});
