import { expect, it } from "vitest";
import { wycheproofSuite } from "../src/conformance/suites/wycheproof.js";
import { summarize } from "../src/conformance/summary.js";

// The Done-when of the foundation issue: every Wycheproof `valid` case accepted and every `invalid` one rejected,
// for ECDSA P-256/P-384 (raw and DER), Ed25519, RSA PKCS#1 v1.5 and PSS, HMAC, HKDF and AES-GCM, with both
// providers; `acceptable` cases recorded either way.
it("wycheproof through the conformance runner: nothing failed, nothing skipped, both providers", async () => {
  const path = new URL("../../../test-vectors/wycheproof", import.meta.url).pathname;
  const s = summarize("wycheproof", await wycheproofSuite.run(path, { progress: () => {} }));
  expect(s.failed).toBe(0);
  expect(s.falseAccepts).toBe(0);
  expect(s.skipped).toBe(0);
  expect(s.total).toBe(2 * 2624);
  for (const p of ["noble", "webcrypto"]) expect(s.cases.filter((c) => c.id.endsWith(`@${p}`)).length).toBe(2624);
  for (const file of [
    "ecdsa_secp256r1_sha256_p1363",
    "ecdsa_secp384r1_sha384_test",
    "ed25519",
    "rsa_pss",
    "rsa_signature",
    "hmac",
    "hkdf",
    "aes_gcm",
  ]) {
    expect(s.cases.some((c) => c.id.startsWith(file) && c.expected === "invalid" && c.got === "invalid")).toBe(true);
  }
  expect(s.acceptable).toBeDefined();
}, 300_000);
