// ML-DSA certificate signatures (RFC 9881): OID resolution and parameters, the key binding, the webpki refusal, and
// Caliptra's ML-DSA-87 FMC alias certificate verified under its LDevID key with both providers.
import { type CryptoProvider, nobleProvider, webCryptoProvider } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { codeOf } from "../../core/test/helpers/code-of.js";
import { resolveSignatureAlgorithm, verifySigned } from "../src/index.js";
import { loadCert } from "./dice-fixtures.js";

const PROVIDERS: [string, CryptoProvider][] = [
  ["noble", nobleProvider()],
  ["webcrypto", webCryptoProvider()],
];

describe("ML-DSA signature algorithms (RFC 9881)", () => {
  it("resolves id-ml-dsa-44/65/87 with absent parameters; anything else about them is refused", async () => {
    expect(resolveSignatureAlgorithm({ oid: "2.16.840.1.101.3.4.3.17" })).toEqual({ alg: "ML-DSA-44", kind: "ml-dsa" });
    expect(resolveSignatureAlgorithm({ oid: "2.16.840.1.101.3.4.3.18" })).toEqual({ alg: "ML-DSA-65", kind: "ml-dsa" });
    expect(resolveSignatureAlgorithm({ oid: "2.16.840.1.101.3.4.3.19" })).toEqual({ alg: "ML-DSA-87", kind: "ml-dsa" });
    const withNull = { oid: "2.16.840.1.101.3.4.3.18", parameters: Uint8Array.of(0x05, 0x00) };
    expect(await codeOf(() => resolveSignatureAlgorithm(withNull))).toBe("X509_MALFORMED");
    // HashML-DSA-44 with SHA-512 (RFC 9881 §2 lists it too): pre-hash variants are not offered.
    expect(await codeOf(() => resolveSignatureAlgorithm({ oid: "2.16.840.1.101.3.4.3.32" }))).toBe(
      "X509_UNSUPPORTED_ALG",
    );
  });
});

describe.each(PROVIDERS)("ML-DSA certificate signatures (%s)", (_name, provider) => {
  const ldevid = () => loadCert("dice-caliptra", "ldevid_cert_mldsa.der");
  const fmc = () => loadCert("dice-caliptra", "fmc_alias_cert_mldsa.der");

  it("Caliptra: the ML-DSA-87 FMC alias certificate verifies under the LDevID key; tampering does not", async () => {
    const issuer = ldevid().publicKey;
    expect(issuer).toMatchObject({ kty: "AKP", alg: "ML-DSA-87" });
    const c = fmc();
    expect(await verifySigned(c.signatureAlgorithm, issuer, c.tbs, c.signature, provider, "rfc5280")).toBe(true);
    const tbs = c.tbs.slice();
    tbs[tbs.length - 10] = (tbs[tbs.length - 10] as number) ^ 0x01;
    expect(await verifySigned(c.signatureAlgorithm, issuer, tbs, c.signature, provider, "rfc5280")).toBe(false);
    expect(await verifySigned(c.signatureAlgorithm, issuer, c.tbs, c.signature.subarray(1), provider, "rfc5280")).toBe(
      false,
    );
  });

  it("refuses a key of another type or parameter set (X509_UNSUPPORTED_ALG) and ML-DSA under webpki", async () => {
    const c = fmc();
    const ecc = loadCert("dice-caliptra", "ldevid_cert_ecc.der").publicKey;
    const sign = (key: typeof ecc, profile: "rfc5280" | "webpki" = "rfc5280") =>
      verifySigned(c.signatureAlgorithm, key, c.tbs, c.signature, provider, profile);
    expect(await codeOf(() => sign(ecc))).toBe("X509_UNSUPPORTED_ALG");
    const issuer = ldevid().publicKey as { pub: Uint8Array };
    expect(await codeOf(() => sign({ kty: "AKP", alg: "ML-DSA-65", pub: issuer.pub }))).toBe("X509_UNSUPPORTED_ALG");
    expect(await codeOf(() => sign(ldevid().publicKey, "webpki"))).toBe("X509_PROFILE");
  });
});
