// Device-side packages must run on a bare ECMAScript engine. This bundles @rotkit/core and @rotkit/cose for a
// neutral platform (a Node built-in anywhere in the graph fails the build) and runs a sign / verify / tamper /
// CBOR-limits scenario inside QuickJS under a memory limit. QuickJS has no TextEncoder, no Buffer, no WebCrypto;
// the host injects only crypto.getRandomValues, as a device host would inject its TRNG.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bundleForDevice, NODE_ONLY_PATTERN, runInQuickJs, scenarioFooter } from "../../core/test/helpers/quickjs.js";

// The COSE WG's HSS-LMS COSE_Sign1 example (RFC 8778): a hash-based firmware signature checked on the device.
const hss = JSON.parse(
  readFileSync(new URL("../../../test-vectors/cose-wg-examples/hashsig/hsssig-sig-01.json", import.meta.url), "utf8"),
) as { input: { sign0: { key: { public: string } } }; output: { cbor: string } };

const scenario = `
import { decodeCbor, fixedClock, fromHex, isRotkitError, nobleProvider, softwareKeyHandle, utf8Decode, utf8Encode } from "@rotkit/core";
import { createCwt, decryptCoseEncrypt0, encryptCoseEncrypt0, signCoseSign1, verifyCoseSign1, verifyCwt } from "@rotkit/cose";
import { concatBytes } from "@rotkit/core";
import { createEat, createPsaToken, verifyEvidence, verifyPsaToken } from "@rotkit/attestation";

async function run() {
  const out = {};
  const provider = nobleProvider();
  const key = softwareKeyHandle("ES256", fromHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"));
  const msg = await signCoseSign1({ payload: utf8Encode("booted: fw 1.2.3") }, key);
  const ok = await verifyCoseSign1(msg, { key: key.publicKey, provider });
  out.payload = utf8Decode(ok.payload);
  const bad = msg.slice();
  bad[bad.length - 1] ^= 1;
  try { await verifyCoseSign1(bad, { key: key.publicKey, provider }); out.tampered = "accepted"; }
  catch (e) { out.tampered = isRotkitError(e) ? e.code : "crash: " + e; }
  try { decodeCbor(fromHex("5b00000000ffffffff00")); out.huge = "decoded"; }
  catch (e) { out.huge = isRotkitError(e) ? e.code : "crash: " + e; }
  const deep = new Uint8Array(100000).fill(0x81);
  try { decodeCbor(deep); out.deep = "decoded"; }
  catch (e) { out.deep = isRotkitError(e) ? e.code : "crash: " + e; }
  const token = await createCwt({ iss: "device", iat: 1700000000, exp: 1700000300, extra: new Map([[10, fromHex("0102030405060708")]]) }, key);
  const cwt = await verifyCwt(token, { key: key.publicKey, provider, clock: fixedClock(1700000100) });
  out.cwtIss = cwt.claims.iss;
  try { await verifyCwt(token, { key: key.publicKey, provider, clock: fixedClock(1800000000) }); out.cwtLate = "accepted"; }
  catch (e) { out.cwtLate = isRotkitError(e) ? e.code : "crash: " + e; }
  const cek = fromHex("000102030405060708090a0b0c0d0e0f");
  const enc = await encryptCoseEncrypt0({ plaintext: utf8Encode("firmware key") }, { key: cek, alg: 1, provider });
  out.decrypted = utf8Decode((await decryptCoseEncrypt0(enc.bytes, { key: cek, provider })).plaintext);
  // Device-side evidence: an EAT and a PSA token made and checked on the bare engine.
  const nonce = fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const ueid = concatBytes(Uint8Array.of(1), nonce);
  const eat = await createEat({ nonce, ueid, oemboot: true, iat: 1700000000 }, key);
  const ev = await verifyEvidence(eat, { key: key.publicKey, nonce, provider, clock: fixedClock(1700000100) });
  out.eat = ev.format;
  const psa = await createPsaToken({ nonce, instanceId: ueid, implementationId: nonce, clientId: 1, securityLifecycle: 0x3000,
    softwareComponents: [{ measurementType: "BL", measurementValue: nonce, signerId: nonce }] }, key);
  out.psaLifecycle = (await verifyPsaToken(psa, { key: key.publicKey, provider, nonce })).claims.securityLifecycle.state;
  // Post-quantum: an ML-DSA-44 (FIPS 204, COSE -48) COSE_Sign1 signed and verified on the bare engine.
  const pq = softwareKeyHandle("ML-DSA-44", fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  const pqMsg = await signCoseSign1({ payload: utf8Encode("pq boot") }, pq);
  out.mlDsa = utf8Decode((await verifyCoseSign1(pqMsg, { key: pq.publicKey, provider })).payload);
  const pqBad = pqMsg.slice();
  pqBad[pqBad.length - 100] ^= 1;
  try { await verifyCoseSign1(pqBad, { key: pq.publicKey, provider }); out.mlDsaTampered = "accepted"; }
  catch (e) { out.mlDsaTampered = isRotkitError(e) ? e.code : "crash: " + e; }
  // Hash-based: the COSE WG HSS-LMS example (RFC 8554 H10/W4) verified on the bare engine, and a tampered copy refused.
  const hssKey = { kty: "HSS-LMS", pub: fromHex("${hss.input.sign0.key.public}") };
  const hssMsg = fromHex("${hss.output.cbor}");
  out.hssLms = utf8Decode((await verifyCoseSign1(hssMsg, { key: hssKey, provider, allowedAlgs: [-46] })).payload);
  const hssBad = hssMsg.slice();
  hssBad[hssBad.length - 40] ^= 1;
  try { await verifyCoseSign1(hssBad, { key: hssKey, provider }); out.hssLmsTampered = "accepted"; }
  catch (e) { out.hssLmsTampered = isRotkitError(e) ? e.code : "crash: " + e; }
  out.noTextEncoder = typeof TextEncoder === "undefined";
  return out;
}
${scenarioFooter}`;

describe("device-side packages on QuickJS", () => {
  it("sign, verify (ES256, ML-DSA-44, HSS-LMS), CWT, Encrypt0, EAT and PSA evidence, reject tampering and hostile CBOR inside QuickJS with a 16 MiB limit", async () => {
    const code = await bundleForDevice(scenario);
    expect(code).not.toMatch(NODE_ONLY_PATTERN);
    expect(await runInQuickJs(code, { hostRandom: true })).toEqual({
      payload: "booted: fw 1.2.3",
      tampered: "COSE_BAD_SIGNATURE",
      huge: "CBOR_TRUNCATED",
      deep: "CBOR_LIMIT",
      cwtIss: "device",
      cwtLate: "CWT_EXPIRED",
      decrypted: "firmware key",
      eat: "eat-cwt",
      psaLifecycle: "secured",
      mlDsa: "pq boot",
      mlDsaTampered: "COSE_BAD_SIGNATURE",
      hssLms: "This is the content.",
      hssLmsTampered: "COSE_BAD_SIGNATURE",
      noTextEncoder: true,
    });
  });
});
