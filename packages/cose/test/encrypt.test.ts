import { createCipheriv } from "node:crypto";
import {
  CborTag,
  type CborValue,
  type CryptoProvider,
  decodeCbor,
  encodeCbor,
  fromHex,
  nobleProvider,
  RotkitError,
  toHex,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesCtr,
  chacha20Poly1305Decrypt,
  chacha20Poly1305Encrypt,
  combinePartialIv,
  decryptCoseEncrypt0,
  encryptCoseEncrypt0,
  encStructure,
} from "../src/index.js";
import { settledCode as code } from "./helpers/errors.js";

// COSE_Encrypt0 (RFC 9052 §5.2/§5.3): round trips per content algorithm, IV / Partial IV handling, the
// non-AEAD RFC 9459 modes behind allowNonAead, and the negative paths with their error codes.

const providers: [string, () => CryptoProvider][] = [
  ["noble", nobleProvider],
  ["webcrypto", () => webCryptoProvider()],
];

const AEADS: [string, number, number][] = [
  ["A128GCM", 1, 16],
  ["A192GCM", 2, 24],
  ["A256GCM", 3, 32],
  ["AES-CCM-16-64-128", 10, 16],
  ["AES-CCM-16-64-256", 11, 32],
  ["AES-CCM-64-64-128", 12, 16],
  ["AES-CCM-64-64-256", 13, 32],
  ["AES-CCM-16-128-128", 30, 16],
  ["AES-CCM-16-128-256", 31, 32],
  ["AES-CCM-64-128-128", 32, 16],
  ["AES-CCM-64-128-256", 33, 32],
  ["ChaCha20/Poly1305", 24, 32],
];
const CIPHERS: [string, number, number][] = [
  ["A128CTR", -65534, 16],
  ["A192CTR", -65533, 24],
  ["A256CTR", -65532, 32],
  ["A128CBC", -65531, 16],
  ["A192CBC", -65530, 24],
  ["A256CBC", -65529, 32],
];

const key = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
const plaintext = utf8Encode("This is the content.");

/** Re-encodes a decoded Encrypt0 after `edit` changed its items (keeping the tag). */
function edit(bytes: Uint8Array, f: (items: CborValue[]) => void): Uint8Array {
  const v = decodeCbor(bytes) as CborTag;
  const items = v.value as CborValue[];
  f(items);
  return encodeCbor(new CborTag(v.tag, items));
}

describe.each(providers)("COSE_Encrypt0 (%s)", (_n, make) => {
  const provider = make();

  it.each(AEADS)("round-trips %s", async (_name, alg, klen) => {
    const k = key(klen);
    const { bytes } = await encryptCoseEncrypt0(
      { plaintext, externalAad: utf8Encode("aad") },
      { key: k, alg, provider },
    );
    const r = await decryptCoseEncrypt0(bytes, { key: k, provider, externalAad: utf8Encode("aad") });
    expect(r.plaintext).toEqual(plaintext);
    expect(r.alg.id).toBe(alg);
    expect(await code(decryptCoseEncrypt0(bytes, { key: k, provider }))).toBe("COSE_DECRYPT_FAILED");
    expect(
      await code(decryptCoseEncrypt0(bytes, { key: key(klen, 2), provider, externalAad: utf8Encode("aad") })),
    ).toBe("COSE_DECRYPT_FAILED");
  });

  it("uses the Enc_structure of RFC 9052 §5.3 as AAD", () => {
    expect(toHex(encStructure("Encrypt0", new Uint8Array(0), new Uint8Array(0)))).toBe("8368456e6372797074304040");
    expect(toHex(encStructure("Encrypt", fromHex("a10101"), new Uint8Array(0)))).toBe("8367456e637279707443a1010140");
  });

  it("supports untagged, detached and key-callback messages", async () => {
    const k = key(16);
    const { bytes, ciphertext } = await encryptCoseEncrypt0(
      { plaintext, detached: true, tagged: false },
      { key: k, alg: 1, provider },
    );
    expect(Array.isArray(decodeCbor(bytes))).toBe(true);
    expect(await code(decryptCoseEncrypt0(bytes, { key: k, provider }))).toBe("COSE_DETACHED_PAYLOAD_REQUIRED");
    expect(
      await code(decryptCoseEncrypt0(bytes, { key: k, provider, detachedCiphertext: ciphertext, requireTag: true })),
    ).toBe("COSE_WRONG_TAG");
    const r = await decryptCoseEncrypt0(bytes, { key: async () => k, provider, detachedCiphertext: ciphertext });
    expect(r.plaintext).toEqual(plaintext);
  });

  it("combines a Partial IV with the base IV (RFC 9052 §3.1)", async () => {
    const k = key(16);
    const baseIv = fromHex("89f52f65a1c5809300000000");
    expect(toHex(combinePartialIv(baseIv, fromHex("61a7")))).toBe("89f52f65a1c58093000061a7");
    const { bytes } = await encryptCoseEncrypt0(
      { plaintext },
      { key: k, alg: 1, provider, baseIv, partialIv: fromHex("61a7") },
    );
    expect(await code(decryptCoseEncrypt0(bytes, { key: k, provider }))).toBe("COSE_BAD_HEADER");
    expect((await decryptCoseEncrypt0(bytes, { key: k, provider, baseIv })).plaintext).toEqual(plaintext);
    expect(
      await code(decryptCoseEncrypt0(bytes, { key: k, provider, baseIv: fromHex("89f52f65a1c5809300000001") })),
    ).toBe("COSE_DECRYPT_FAILED");
  });

  it("refuses wrong key lengths, IV problems, wrong tags and algorithms with stable codes", async () => {
    const k = key(16);
    const { bytes } = await encryptCoseEncrypt0({ plaintext }, { key: k, alg: 1, provider });
    expect(await code(decryptCoseEncrypt0(bytes, { key: key(32), provider }))).toBe("COSE_BAD_KEY");
    expect(await code(encryptCoseEncrypt0({ plaintext }, { key: key(15), alg: 1, provider }))).toBe("COSE_BAD_KEY");
    expect(await code(encryptCoseEncrypt0({ plaintext }, { key: k, alg: 10, provider, iv: key(12) }))).toBe(
      "COSE_BAD_HEADER",
    );
    // IV of the wrong length (GCM needs 12, CCM-16 needs 13, CCM-64 needs 7)
    const shortIv = edit(bytes, (it) => (it[1] as Map<CborValue, CborValue>).set(5, key(11)));
    expect(await code(decryptCoseEncrypt0(shortIv, { key: k, provider }))).toBe("COSE_BAD_HEADER");
    const noIv = edit(bytes, (it) => (it[1] as Map<CborValue, CborValue>).delete(5));
    expect(await code(decryptCoseEncrypt0(noIv, { key: k, provider }))).toBe("COSE_BAD_HEADER");
    const both = edit(bytes, (it) => (it[1] as Map<CborValue, CborValue>).set(6, fromHex("01")));
    expect(await code(decryptCoseEncrypt0(both, { key: k, provider, baseIv: key(12) }))).toBe("COSE_BAD_HEADER");
    const ivText = edit(bytes, (it) => (it[1] as Map<CborValue, CborValue>).set(5, "iv"));
    expect(await code(decryptCoseEncrypt0(ivText, { key: k, provider }))).toBe("COSE_BAD_HEADER");
    // flipped tag byte
    const flipped = edit(bytes, (it) => {
      const ct = (it[2] as Uint8Array).slice();
      ct[ct.length - 1] = (ct[ct.length - 1] as number) ^ 1;
      it[2] = ct;
    });
    expect(await code(decryptCoseEncrypt0(flipped, { key: k, provider }))).toBe("COSE_DECRYPT_FAILED");
    const short = edit(bytes, (it) => {
      it[2] = key(3);
    });
    expect(await code(decryptCoseEncrypt0(short, { key: k, provider }))).toBe("COSE_DECRYPT_FAILED");
    // wrong CBOR tag, changed / unknown algorithms, no alg
    const v = decodeCbor(bytes) as CborTag;
    expect(await code(decryptCoseEncrypt0(encodeCbor(new CborTag(96, v.value)), { key: k, provider }))).toBe(
      "COSE_WRONG_TAG",
    );
    const unknownAlg = edit(bytes, (it) => {
      it[0] = encodeCbor(new Map([[1, -999]]));
    });
    expect(await code(decryptCoseEncrypt0(unknownAlg, { key: k, provider }))).toBe("COSE_UNSUPPORTED_ALG");
    const textAlg = edit(bytes, (it) => {
      it[0] = encodeCbor(new Map([[1, "A128GCM"]]));
    });
    expect(await code(decryptCoseEncrypt0(textAlg, { key: k, provider }))).toBe("COSE_UNSUPPORTED_ALG");
    const macAlg = edit(bytes, (it) => {
      it[0] = encodeCbor(new Map([[1, 5]]));
    });
    expect(await code(decryptCoseEncrypt0(macAlg, { key: k, provider }))).toBe("COSE_ALG_MISMATCH");
    const changedAlg = edit(bytes, (it) => {
      it[0] = encodeCbor(new Map([[1, 3]]));
    });
    expect(await code(decryptCoseEncrypt0(changedAlg, { key: k, provider }))).toBe("COSE_BAD_KEY");
    const noAlg = edit(bytes, (it) => {
      it[0] = new Uint8Array(0);
    });
    expect(await code(decryptCoseEncrypt0(noAlg, { key: k, provider }))).toBe("COSE_BAD_HEADER");
    const added = edit(bytes, (it) => {
      it[0] = encodeCbor(
        new Map<CborValue, CborValue>([
          [1, 1],
          [3, 0],
        ]),
      );
    });
    expect(await code(decryptCoseEncrypt0(added, { key: k, provider }))).toBe("COSE_DECRYPT_FAILED");
    const crit = edit(bytes, (it) => {
      it[0] = encodeCbor(
        new Map<CborValue, CborValue>([
          [1, 1],
          [2, [99]],
          [99, 0],
        ]),
      );
    });
    expect(await code(decryptCoseEncrypt0(crit, { key: k, provider }))).toBe("COSE_CRIT_UNSUPPORTED");
    expect(await code(decryptCoseEncrypt0(fromHex("d08340a0"), { key: k, provider }))).toBe("COSE_MALFORMED");
    expect(await code(decryptCoseEncrypt0(fromHex("d083"), { key: k, provider }))).toBe("COSE_MALFORMED");
  });

  it.each(CIPHERS)(
    "%s (RFC 9459) only with allowNonAead, empty protected header, no external AAD",
    async (_n, alg, klen) => {
      const k = key(klen);
      expect(await code(encryptCoseEncrypt0({ plaintext }, { key: k, alg, provider }))).toBe("COSE_UNSUPPORTED_ALG");
      expect(
        await code(
          encryptCoseEncrypt0({ plaintext, externalAad: key(2) }, { key: k, alg, provider, allowNonAead: true }),
        ),
      ).toBe("COSE_BAD_HEADER");
      expect(
        await code(
          encryptCoseEncrypt0(
            { plaintext, protected: new Map([[3, 0]]) },
            { key: k, alg, provider, allowNonAead: true },
          ),
        ),
      ).toBe("COSE_BAD_HEADER");
      const { bytes } = await encryptCoseEncrypt0(
        { plaintext },
        { key: k, alg, provider, iv: key(16, 9), allowNonAead: true },
      );
      const v = decodeCbor(bytes) as CborTag;
      expect((v.value as CborValue[])[0]).toEqual(new Uint8Array(0));
      expect(await code(decryptCoseEncrypt0(bytes, { key: k, provider }))).toBe("COSE_UNSUPPORTED_ALG");
      const r = await decryptCoseEncrypt0(bytes, { key: k, provider, allowNonAead: true });
      expect(r.plaintext).toEqual(plaintext);
    },
  );
});

describe("non-core ciphers against node:crypto", () => {
  it("AES-CBC (PKCS#7) and AES-CTR match node:crypto; bad padding is CRYPTO_DECRYPT_FAILED", () => {
    for (const [klen, name] of [
      [16, "128"],
      [24, "192"],
      [32, "256"],
    ] as const) {
      const k = key(klen);
      const iv = key(16, 5);
      for (const n of [0, 1, 15, 16, 17, 33]) {
        const data = key(n, 9);
        const c = createCipheriv(`aes-${name}-cbc`, k, iv);
        const expected = new Uint8Array(Buffer.concat([c.update(data), c.final()]));
        expect(aesCbcEncrypt(k, iv, data)).toEqual(expected);
        expect(aesCbcDecrypt(k, iv, expected)).toEqual(data);
        const t = createCipheriv(`aes-${name}-ctr`, k, iv);
        expect(aesCtr(k, iv, data)).toEqual(new Uint8Array(Buffer.concat([t.update(data), t.final()])));
      }
      const ct = aesCbcEncrypt(k, iv, key(5));
      ct[ct.length - 1] = (ct[ct.length - 1] as number) ^ 0x55;
      expect(() => aesCbcDecrypt(k, iv, ct)).toThrow(RotkitError);
      expect(() => aesCbcDecrypt(k, iv, key(15))).toThrow(RotkitError);
    }
  });

  it("ChaCha20/Poly1305 matches node:crypto and refuses a changed tag", () => {
    const k = key(32);
    const nonce = key(12, 4);
    const aad = utf8Encode("aad");
    const c = createCipheriv("chacha20-poly1305", k, nonce, { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const expected = new Uint8Array(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
    expect(chacha20Poly1305Encrypt(k, nonce, aad, plaintext)).toEqual(expected);
    expect(chacha20Poly1305Decrypt(k, nonce, aad, expected)).toEqual(plaintext);
    expected[0] = (expected[0] as number) ^ 1;
    expect(() => chacha20Poly1305Decrypt(k, nonce, aad, expected)).toThrow(RotkitError);
  });
});

describe("COSE_Encrypt0 mutation fuzzing", () => {
  it("every single-byte mutation or truncation ends in a RotkitError (or the same plaintext)", async () => {
    const provider = nobleProvider();
    for (const [alg, klen] of [
      [1, 16],
      [12, 16],
      [24, 32],
    ] as const) {
      const k = key(klen);
      const { bytes } = await encryptCoseEncrypt0(
        { plaintext, protected: new Map([[3, 0]]), unprotected: new Map([[4, utf8Encode("kid")]]) },
        { key: k, alg, provider },
      );
      const inputs = [...[...singleByteMutations(bytes)].map((m) => m.bytes), ...truncations(bytes)];
      let accepted = 0;
      for (const input of inputs) {
        try {
          const r = await decryptCoseEncrypt0(input, { key: k, provider });
          expect(r.plaintext).toEqual(plaintext);
          accepted++;
        } catch (e) {
          if (!(e instanceof RotkitError)) throw new Error(`non-RotkitError: ${String(e)}`, { cause: e });
        }
      }
      // Only mutations of unauthenticated bytes (the kid value) can still decrypt.
      expect(accepted).toBeLessThan(inputs.length / 10);
    }
  });
});
