import { nobleProvider, utf8Encode } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { createCountersignature, createCountersignature0, verifyCountersignatures } from "../src/countersign.js";
import { HeaderLabel } from "../src/headers.js";
import { signCoseSign1, verifyCoseSign1 } from "../src/sign1.js";
import { code } from "./helpers/errors.js";
import { testKey } from "./helpers/keys.js";

const provider = nobleProvider();
const payload = utf8Encode("This is the content.");

describe("countersignatures (RFC 8152 §4.5 / RFC 9338)", () => {
  it("v1, v2 and countersignature0 on a COSE_Sign1 body", async () => {
    const signer = testKey("ES256");
    const notary = testKey("EdDSA");
    const msg = await signCoseSign1({ payload }, signer);
    const r = await verifyCoseSign1(msg, { key: signer.publicKey, provider });
    const base = { bodyProtected: r.headers.protected.bytes, payload: r.payload };
    const v1 = await createCountersignature(base, notary);
    const sig = new Uint8Array(64);
    const v2 = await createCountersignature({ ...base, otherFields: [sig] }, notary, { version: "v2" });
    const c0 = await createCountersignature0(base, notary);
    const unprotected = new Map<unknown, unknown>([
      [HeaderLabel.counterSignature, v1],
      [HeaderLabel.counterSignatureV2, [v2, v2]],
      [HeaderLabel.counterSignature0, c0],
    ]) as Map<never, never>;
    const layer = { ...base, unprotected, otherFields: [sig] };
    const res = await verifyCountersignatures(layer, {
      provider,
      keys: [notary.publicKey],
      countersign0: { alg: "EdDSA", key: notary.publicKey },
    });
    expect(res.map((x) => x.label)).toEqual([7, 11, 11, 9]);
    // wrong key, missing countersign0 key, tampered payload, V2 without the other fields
    expect(await code(() => verifyCountersignatures(layer, { provider, keys: [testKey("EdDSA").publicKey] }))).toBe(
      "COSE_BAD_SIGNATURE",
    );
    expect(await code(() => verifyCountersignatures(layer, { provider, keys: [notary.publicKey] }))).toBe(
      "COSE_NO_KEY",
    );
    expect(
      await code(() =>
        verifyCountersignatures(
          { ...layer, payload: utf8Encode("x") },
          { provider, keys: [notary.publicKey], countersign0: { alg: -8, key: notary.publicKey } },
        ),
      ),
    ).toBe("COSE_BAD_SIGNATURE");
    expect(
      await code(() =>
        verifyCountersignatures(
          { ...layer, otherFields: [] },
          { provider, keys: [notary.publicKey], countersign0: { alg: -8, key: notary.publicKey } },
        ),
      ),
    ).toBe("COSE_BAD_SIGNATURE");
    expect(await verifyCountersignatures({ ...base, unprotected: new Map() }, { provider })).toEqual([]);
    expect(
      await code(() => verifyCountersignatures({ ...base, unprotected: new Map() }, { provider, required: true })),
    ).toBe("COSE_NO_KEY");
    const malformed = new Map([[7, [1, 2]]]) as Map<never, never>;
    expect(await code(() => verifyCountersignatures({ ...base, unprotected: malformed }, { provider, keys: [] }))).toBe(
      "COSE_MALFORMED",
    );
  });
});
