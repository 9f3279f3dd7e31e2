import { readFileSync } from "node:fs";
import { fixedClock, nobleProvider, RotkitError, toBase64Url, utf8Encode } from "@rotkit/core";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { verifyEatJsonBundle, verifyEatJwt, verifyEvidence } from "../src/server.js";

// JWT EATs and the JSON Detached EAT Bundle (RFC 9711 §5, Appendix A.2 deb.json) through the server entry.
const provider = nobleProvider();
const clock = fixedClock(1_700_000_000);
const deb = readFileSync(
  new URL("../../../test-vectors/eat-rfc9711-examples/Example-Tokens/deb.json", import.meta.url).pathname,
  "utf8",
);
const secret = utf8Encode("xxxxxx"); // FORMAT-FACTS finding 8

const code = (c: string) => (e: unknown) => e instanceof RotkitError && e.code === c;

describe("JSON Detached EAT Bundle (RFC 9711 A.2)", () => {
  it("verifies the JWT (HS256, key xxxxxx) and both detached digests", async () => {
    const r = await verifyEatJsonBundle(deb, { key: secret, provider, clock, algorithms: ["HS256"] });
    expect(r.format).toBe("eat-deb");
    expect(r.claims.nonce).toEqual(["yu76NN8IuV6e"]);
    expect(r.detached?.["Audio Subsystem"]?.swname).toBe("Audio Processor OS");
    expect(r.detached?.["Graphics Subsystem"]?.oemid).toEqual({ kind: "pen", pen: 75000 });
    const e = await verifyEvidence(deb, { key: secret, provider, clock, algorithms: ["HS256"] });
    expect(e.format).toBe("eat-deb");
    const m = await verifyEvidence(utf8Encode(deb), {
      mediaType: "application/eat-bun+json",
      key: secret,
      provider,
      clock,
    });
    expect(m.format).toBe("eat-deb");
  });
  it("a changed detached claims-set is ATTEST_DIGEST_MISMATCH; a wrong key ATTEST_BAD_SIGNATURE", async () => {
    const v = JSON.parse(deb);
    v[1]["Audio Subsystem"] = toBase64Url(utf8Encode('{"eat_nonce":"lI-IYNE6Rj6O","swname":"evil"}'));
    await expect(verifyEatJsonBundle(v, { key: secret, provider, clock })).rejects.toSatisfy(
      code("ATTEST_DIGEST_MISMATCH"),
    );
    await expect(verifyEatJsonBundle(deb, { key: utf8Encode("yyyyyy"), provider, clock })).rejects.toSatisfy(
      code("ATTEST_BAD_SIGNATURE"),
    );
    await expect(verifyEatJsonBundle("[1,", { key: secret, provider, clock })).rejects.toSatisfy(
      code("ATTEST_MALFORMED"),
    );
  });
});

describe("JWT EAT", () => {
  it("HS256 round trip through verifyEvidence, nonce, expiry, claim errors", async () => {
    const key = new Uint8Array(32).fill(9);
    const jwt = await new SignJWT({ eat_nonce: "abcdefgh12", ueid: "AgAEizrK3Q", dbgstat: "disabled" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(1_700_000_100)
      .sign(key);
    const r = await verifyEvidence(jwt, { key, provider, clock, nonce: utf8Encode("abcdefgh12") });
    expect(r.format).toBe("eat-jwt");
    expect(r.claims).toMatchObject({ dbgstat: "disabled" });
    await expect(verifyEatJwt(jwt, { key, provider, clock, nonce: utf8Encode("abcdefgh13") })).rejects.toSatisfy(
      code("ATTEST_NONCE_MISMATCH"),
    );
    await expect(verifyEatJwt(jwt, { key, provider, clock: fixedClock(1_700_000_200) })).rejects.toSatisfy(
      code("CWT_EXPIRED"),
    );
    const bad = await new SignJWT({ ueid: "AQ" }).setProtectedHeader({ alg: "HS256" }).sign(key);
    await expect(verifyEatJwt(bad, { key, provider, clock })).rejects.toSatisfy(code("ATTEST_CLAIM_INVALID"));
    await expect(verifyEatJwt("not.a.jwt", { key, provider, clock })).rejects.toBeInstanceOf(RotkitError);
  });
  it("unsigned JSON claims-sets need a trusted channel", async () => {
    await expect(verifyEvidence('{"eat_nonce":"abcdefgh"}', { provider, clock })).rejects.toSatisfy(
      code("ATTEST_UNTRUSTED_CHANNEL"),
    );
    const r = await verifyEvidence('{"eat_nonce":"abcdefgh"}', { provider, clock, trustedChannel: true });
    expect(r.format).toBe("eat-uccs");
  });
});
