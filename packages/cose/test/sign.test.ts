import { CborTag, decodeCbor, encodeCbor, nobleProvider, utf8Encode, webCryptoProvider } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { coseKeyFromPublicKey } from "../src/key.js";
import { decodeCoseSignUnverified, signCoseSign, verifyCoseSign } from "../src/sign.js";
import { code } from "./helpers/errors.js";
import { testKey } from "./helpers/keys.js";

const payload = utf8Encode("This is the content.");

describe("COSE_Sign", () => {
  const a = testKey("ES256");
  const b = testKey("EdDSA");
  const c = testKey("PS256");
  const kidA = utf8Encode("a");
  const kidB = utf8Encode("b");

  it("multi-signer round trip with both providers and every key form", async () => {
    const msg = await signCoseSign({ payload, protected: new Map([[3, 0]]) }, [
      { key: a, unprotected: new Map([[4, kidA]]) },
      { key: b, unprotected: new Map([[4, kidB]]) },
      c,
    ]);
    for (const provider of [nobleProvider(), webCryptoProvider()]) {
      const r = await verifyCoseSign(msg, {
        keys: [
          coseKeyFromPublicKey(a.publicKey, { kid: kidA }),
          coseKeyFromPublicKey(b.publicKey, { kid: kidB }),
          c.publicKey,
        ],
        provider,
      });
      expect(r.payload).toEqual(payload);
      expect(r.signatures.map((s) => s.verified)).toEqual([true, true, true]);
      // policy "all" needs a key for every signer
      expect(await code(() => verifyCoseSign(msg, { keys: [a.publicKey], provider }))).toBe("COSE_NO_KEY");
      // policy "any": only A checked
      const any = await verifyCoseSign(msg, {
        keys: (_h, i) => (i === 0 ? a.publicKey : undefined),
        provider,
        policy: "any",
      });
      expect(any.signatures.map((s) => s.verified)).toEqual([true, false, false]);
      // "any" still fails on a wrong key for a signer it checks
      expect(
        await code(() =>
          verifyCoseSign(msg, {
            keys: (_h, i) => (i === 1 ? testKey("EdDSA").publicKey : undefined),
            provider,
            policy: "any",
          }),
        ),
      ).toBe("COSE_BAD_SIGNATURE");
      expect(await code(() => verifyCoseSign(msg, { keys: () => undefined, provider, policy: "any" }))).toBe(
        "COSE_NO_KEY",
      );
    }
  });

  it("rejects tampering, empty signatures, wrong tags, bad body headers", async () => {
    const provider = nobleProvider();
    const msg = await signCoseSign({ payload }, [a]);
    const v = decodeCbor(msg) as CborTag;
    const arr = v.value as unknown[];
    const changed = encodeCbor(new CborTag(98, [arr[0], arr[1], utf8Encode("other"), arr[3]] as never));
    expect(await code(() => verifyCoseSign(changed, { keys: a.publicKey, provider }))).toBe("COSE_BAD_SIGNATURE");
    const empty = encodeCbor(new CborTag(98, [arr[0], arr[1], arr[2], []] as never));
    expect(await code(() => verifyCoseSign(empty, { keys: a.publicKey, provider }))).toBe("COSE_MALFORMED");
    expect(
      await code(() => verifyCoseSign(encodeCbor(new CborTag(18, arr as never)), { keys: a.publicKey, provider })),
    ).toBe("COSE_WRONG_TAG");
    const body = encodeCbor(new CborTag(98, [encodeCbor(new Map([[3, 0]])), arr[1], arr[2], arr[3]] as never));
    expect(await code(() => verifyCoseSign(body, { keys: a.publicKey, provider }))).toBe("COSE_BAD_SIGNATURE");
    expect(await code(() => signCoseSign({ payload }, []))).toBe("INVALID_ARGUMENT");
    const d = decodeCoseSignUnverified(msg);
    expect(d.signatures.length).toBe(1);
  });
});
