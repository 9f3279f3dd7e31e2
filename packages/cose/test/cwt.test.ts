import { readFileSync } from "node:fs";
import { fixedClock, fromHex, isRotkitError, nobleProvider, utf8Encode, webCryptoProvider } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { createCwt, decodeCwtClaims, verifyCwt } from "../src/cwt.js";
import { code } from "./helpers/errors.js";
import { exampleKey, testKey } from "./helpers/keys.js";

const dir = new URL("../../../test-vectors/cose-wg-examples/CWT/", import.meta.url).pathname;
const load = (f: string) => JSON.parse(readFileSync(dir + f, "utf8"));

describe("CWT (RFC 8392)", () => {
  const now = fixedClock(1444000000); // between nbf/iat 1443944944 and exp 1444064944 of Appendix A

  it("verifies RFC 8392 A.3 (signed) and A.4 (MAC'ed) with both providers", async () => {
    const a3 = load("A_3.json");
    const a4 = load("A_4.json");
    for (const provider of [nobleProvider(), webCryptoProvider()]) {
      const r = await verifyCwt(fromHex(a3.output.cbor), {
        key: exampleKey(a3.input.sign0.key),
        provider,
        clock: now,
        expectedIssuer: "coap://as.example.com",
        expectedAudience: "coap://light.example.com",
      });
      expect(r.type).toBe("sign1");
      expect(r.claims.sub).toBe("erikw");
      expect(r.claims.cti).toEqual(fromHex("0b71"));
      const k = exampleKey(a4.input.mac0.recipients[0].key);
      const m = await verifyCwt(fromHex(a4.output.cbor), { key: k, provider, clock: now });
      expect(m.type).toBe("mac0");
      expect(m.claims.exp).toBe(1444064944);
    }
  });

  it("checks exp / nbf / iat against the clock, with leeway", async () => {
    const a3 = load("A_3.json");
    const opts = { key: exampleKey(a3.input.sign0.key), provider: nobleProvider() };
    const bytes = fromHex(a3.output.cbor);
    expect(await code(() => verifyCwt(bytes, { ...opts, clock: fixedClock(1444064944) }))).toBe("CWT_EXPIRED");
    await verifyCwt(bytes, { ...opts, clock: fixedClock(1444064944), leewaySeconds: 5 });
    expect(await code(() => verifyCwt(bytes, { ...opts, clock: fixedClock(1443944943) }))).toBe("CWT_NOT_YET_VALID");
    expect(await code(() => verifyCwt(bytes, { ...opts, clock: now, expectedIssuer: "x" }))).toBe("CWT_CLAIM_INVALID");
    expect(await code(() => verifyCwt(bytes, { ...opts, clock: now, expectedAudience: ["x"] }))).toBe(
      "CWT_CLAIM_INVALID",
    );
  });

  it("creates and verifies signed and MAC'ed CWTs, tag 61 optional", async () => {
    const key = testKey("ES256");
    const provider = nobleProvider();
    const clock = fixedClock(2000);
    const t = await createCwt(
      { iss: "me", iat: 1000, exp: 3000, cti: utf8Encode("x"), extra: new Map([[-70000, 1]]) },
      key,
      {
        cwtTag: true,
      },
    );
    const r = await verifyCwt(t, { key: key.publicKey, provider, clock });
    expect(r.claims.all.get(-70000)).toBe(1);
    const future = await createCwt({ iat: 2100 }, key);
    expect(await code(() => verifyCwt(future, { key: key.publicKey, provider, clock }))).toBe("CWT_ISSUED_IN_FUTURE");
    await verifyCwt(future, { key: key.publicKey, provider, clock, leewaySeconds: 200 });
    const secret = new Uint8Array(32).fill(1);
    const mac = await createCwt({ sub: "dev", exp: 2500.5 }, secret, { mac: { provider, alg: "HS256" } });
    expect((await verifyCwt(mac, { key: secret, provider, clock })).claims.exp).toBe(2500.5);
    expect(await code(() => verifyCwt(mac, { key: secret, provider, clock: fixedClock(2500.5) }))).toBe("CWT_EXPIRED");
    expect(await code(() => createCwt({ exp: Number.NaN }, key))).toBe("CWT_CLAIM_INVALID");
  });

  it("rejects mistyped claims and non-map claim sets", () => {
    const bad: [number, unknown][] = [
      [1, 5],
      [3, new Uint8Array(1)],
      [4, "tomorrow"],
      [6, true],
      [7, "id"],
      [8, 1],
    ];
    for (const [k, v] of bad) {
      let c: string | undefined;
      try {
        decodeCwtClaims(new Map([[k, v as never]]));
      } catch (e) {
        c = isRotkitError(e) ? e.code : "other";
      }
      expect(c).toBe("CWT_CLAIM_INVALID");
    }
    let c: string | undefined;
    try {
      decodeCwtClaims(fromHex("8101"));
    } catch (e) {
      c = isRotkitError(e) ? e.code : "other";
    }
    expect(c).toBe("CWT_MALFORMED");
  });
});
