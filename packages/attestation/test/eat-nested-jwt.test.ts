import { readFileSync } from "node:fs";
import { createEat, verifyEatCwt as verifyEatCwtPortable } from "@rotkit/attestation";
import {
  type SubmoduleKeyResolver,
  verifyEatCborToken,
  verifyEatCwt,
  verifyEatJwt,
  verifyEvidence,
} from "@rotkit/attestation/server";
import { fixedClock, generateSoftwareKey, nobleProvider, toBase64Url, utf8Encode } from "@rotkit/core";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { refusal } from "./helpers/refusal.js";

// Nested JWTs and JSON bundles in EAT submods (RFC 9711 §4.2.18 JSON-Selector), verified by the server entry with
// jose: inside a CWT (text selector), inside a JWT (["JWT", …] / ["CBOR", …] / ["BUNDLE", …]), each with its own key.

const provider = nobleProvider();
const clock = fixedClock(1_700_000_000);
const nonceText = "n0nce-for-nested";
const nonce = utf8Encode(nonceText);
const jwtKey = new Uint8Array(32).fill(7);
const examples = new URL("../../../test-vectors/eat-rfc9711-examples/", import.meta.url).pathname;
const debJson = readFileSync(`${examples}Example-Tokens/deb.json`, "utf8");

function jwt(claims: Record<string, unknown>, key = jwtKey): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(key);
}

const byPath =
  (table: Record<string, object>): SubmoduleKeyResolver =>
  (path) => {
    const k = path.join("/");
    return Object.hasOwn(table, k) ? table[k] : undefined;
  };

describe("nested JWTs (server entry)", () => {
  it("a JWT inside a CWT verifies with its own key through verifyEatCwt and verifyEvidence of the server entry", async () => {
    const device = await generateSoftwareKey("ES256");
    const inner = await jwt({ eat_nonce: nonceText, swname: "modem" });
    const token = await createEat({ nonce, submods: { modem: { jwt: inner } } }, device);
    const keys = byPath({ modem: { key: jwtKey, algorithms: ["HS256"] } });
    const opts = { key: device.publicKey, provider, clock, nonce, submoduleKeys: keys, requireNestedVerified: true };
    for (const r of [
      await verifyEatCwt(token, opts),
      await verifyEatCborToken(token, opts),
      (await verifyEvidence(token, opts)).result as Awaited<ReturnType<typeof verifyEatCwt>>,
    ]) {
      expect(r.claims.submods?.modem).toMatchObject({
        kind: "nested-json",
        type: "JWT",
        verified: true,
        format: "eat-jwt",
        claims: { swname: "modem", nonce: [nonceText] },
      });
    }
    // the portable entry cannot verify it: left unverified, or refused when required
    const portable = await verifyEatCwtPortable(token, { key: device.publicKey, provider, clock });
    expect(portable.claims.submods?.modem).toMatchObject({ kind: "nested-json", verified: false });
    expect(await refusal(verifyEatCwtPortable(token, opts))).toEqual({
      code: "ATTEST_NESTED_UNVERIFIED",
      at: "claims/submods/modem",
    });
  });

  it("a tampered or wrongly keyed nested JWT is ATTEST_BAD_SIGNATURE at its path; its nonce must match", async () => {
    const device = await generateSoftwareKey("ES256");
    const inner = await jwt({ eat_nonce: nonceText });
    const opts = {
      key: device.publicKey,
      provider,
      clock,
      nonce,
      submoduleKeys: byPath({ modem: { key: jwtKey, algorithms: ["HS256"] } }),
    };
    const [h, p, s] = inner.split(".");
    const tampered = `${h}.${p}.${(s as string).startsWith("A") ? "B" : "A"}${(s as string).slice(1)}`;
    const withTampered = await createEat({ nonce, submods: { modem: { jwt: tampered } } }, device);
    expect(await refusal(verifyEatCwt(withTampered, opts))).toEqual({
      code: "ATTEST_BAD_SIGNATURE",
      at: "claims/submods/modem",
    });
    const withOther = await createEat(
      { nonce, submods: { modem: { jwt: await jwt({}, new Uint8Array(32)) } } },
      device,
    );
    expect(await refusal(verifyEatCwt(withOther, opts))).toEqual({
      code: "ATTEST_BAD_SIGNATURE",
      at: "claims/submods/modem",
    });
    // HS256 not in the allowed algorithms
    const rs = { ...opts, submoduleKeys: byPath({ modem: { key: jwtKey, algorithms: ["ES256"] } }) };
    expect(
      await refusal(verifyEatCwt(await createEat({ nonce, submods: { modem: { jwt: inner } } }, device), rs)),
    ).toMatchObject({ code: "ATTEST_BAD_SIGNATURE", at: "claims/submods/modem" });
    const stale = await createEat(
      { nonce, submods: { modem: { jwt: await jwt({ eat_nonce: "another-nonce" }) } } },
      device,
    );
    expect(await refusal(verifyEatCwt(stale, opts))).toEqual({
      code: "ATTEST_NONCE_MISMATCH",
      at: "claims/submods/modem/nonce",
    });
  });

  it("a JWT carrying a nested CWT, a nested JWT and a nested JSON bundle (RFC 9711 A.2 deb.json)", async () => {
    const radio = await generateSoftwareKey("EdDSA");
    const cwt = await createEat({ nonce, swname: "radio" }, radio);
    const innerJwt = await jwt({ swname: "gpu" }, new Uint8Array(32).fill(3));
    const outerKey = new Uint8Array(32).fill(1);
    const outer = await jwt(
      {
        eat_nonce: nonceText,
        submods: {
          radio: ["CBOR", toBase64Url(cwt)],
          gpu: ["JWT", innerJwt],
          audio: ["BUNDLE", JSON.parse(debJson)],
          app: { swname: "app", submods: { deep: ["JWT", innerJwt] } },
        },
      },
      outerKey,
    );
    const keys = byPath({
      radio: { key: radio.publicKey },
      gpu: { key: new Uint8Array(32).fill(3) },
      audio: { key: utf8Encode("xxxxxx"), algorithms: ["HS256"] },
      "app/deep": { key: new Uint8Array(32).fill(3) },
    });
    const r = await verifyEatJwt(outer, {
      key: outerKey,
      provider,
      clock,
      submoduleKeys: keys,
      requireNestedVerified: true,
    });
    const s = r.claims.submods ?? {};
    expect(s.radio).toMatchObject({ kind: "nested-cbor", verified: true, format: "eat-cwt", alg: -8 });
    expect(s.gpu).toMatchObject({ verified: true, format: "eat-jwt", claims: { swname: "gpu" } });
    expect(s.audio).toMatchObject({ kind: "nested-json", type: "BUNDLE", verified: true, format: "eat-deb" });
    const audio = s.audio;
    if (audio?.kind === "nested-json" && audio.verified) {
      expect(audio.detached?.["Audio Subsystem"]?.swname).toBe("Audio Processor OS");
    }
    const app = s.app;
    expect(app?.kind === "claims" ? app.claims.submods?.deep : undefined).toMatchObject({ verified: true });
    // a nested bundle's detached claims-set that changed is named below its submodule
    const deb = JSON.parse(debJson);
    deb[1]["Audio Subsystem"] = toBase64Url(utf8Encode('{"swname":"evil"}'));
    const evil = await jwt({ submods: { audio: ["BUNDLE", deb] } }, outerKey);
    expect(await refusal(verifyEatJwt(evil, { key: outerKey, provider, clock, submoduleKeys: keys }))).toEqual({
      code: "ATTEST_DIGEST_MISMATCH",
      at: "claims/submods/audio/detached/Audio Subsystem",
    });
    // an unknown selector type with a key given is refused; without one it stays unverified
    const odd = await jwt({ submods: { x: ["SOMETHING", "opaque"] } }, outerKey);
    const left = await verifyEatJwt(odd, { key: outerKey, provider, clock });
    expect(left.claims.submods?.x).toEqual({
      kind: "nested-json",
      type: "SOMETHING",
      token: "opaque",
      verified: false,
    });
    expect(
      await refusal(verifyEatJwt(odd, { key: outerKey, provider, clock, submoduleKeys: () => ({ key: outerKey }) })),
    ).toEqual({ code: "ATTEST_NESTED_UNVERIFIED", at: "claims/submods/x" });
  });

  it("RFC 9711 A.1 submods.json over a trusted channel: the nested tokens (keys not published) stay unverified", async () => {
    const text = readFileSync(`${examples}Example-Payloads/submods.json`, "utf8");
    const r = await verifyEvidence(text, { provider, clock, trustedChannel: true });
    const s = r.claims as { submods?: Record<string, { kind: string; verified?: boolean }> };
    expect(s.submods?.["Secure Element Eat"]).toMatchObject({ kind: "nested-cbor", verified: false });
    expect(s.submods?.["Subsystem J"]).toMatchObject({ kind: "nested-json", verified: false });
    expect(s.submods?.["Android App Foo"]).toMatchObject({ kind: "claims" });
    const refused = await refusal(
      verifyEvidence(text, { provider, clock, trustedChannel: true, requireNestedVerified: true }),
    );
    expect(refused.code).toBe("ATTEST_NESTED_UNVERIFIED");
    expect(["claims/submods/Secure Element Eat", "claims/submods/Subsystem J"]).toContain(refused.at);
    // a guessed key for the Secure Element's ES256 token does not verify it
    const guess = await generateSoftwareKey("ES256");
    expect(
      await refusal(
        verifyEvidence(text, {
          provider,
          clock,
          trustedChannel: true,
          submoduleKeys: byPath({ "Secure Element Eat": { key: guess.publicKey } }),
        }),
      ),
    ).toEqual({ code: "ATTEST_BAD_SIGNATURE", at: "claims/submods/Secure Element Eat" });
  });
});
