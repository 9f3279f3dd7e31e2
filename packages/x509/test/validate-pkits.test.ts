import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RotkitError, webCryptoProvider } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import type { ValidatePathOptions } from "../src/options.js";
import { validatePath } from "../src/validate.js";

// Rule-level checks of validatePath on NIST PKITS certificates (test-vectors/nist-pkits, provenance in its README):
// the policy tree (§6.1.3 (d)-(f), §6.1.4 (a)-(b), §6.1.5 (g)), pathLenConstraint and self-issued certificates
// (§6.1.4 (l)), CRLs (§6.3) and the path-building budget, each with an assertion on the code.

const ROOT = new URL("../../../test-vectors/nist-pkits/", import.meta.url).pathname;
const P1 = "2.16.840.1.101.3.2.1.48.1";
const P2 = "2.16.840.1.101.3.2.1.48.2";
const cert = (n: string) => new Uint8Array(readFileSync(join(ROOT, "certs", `${n}.crt`)));
const crl = (n: string) => new Uint8Array(readFileSync(join(ROOT, "crls", `${n}.crl`)));

async function run(chain: string[], crls: string[] = [], extra: Partial<ValidatePathOptions> = {}) {
  return validatePath({
    leaf: cert(chain[chain.length - 1] as string),
    intermediates: chain.slice(1, -1).map(cert),
    trustAnchors: [cert(chain[0] as string)],
    time: new Date("2011-04-15T00:00:00Z"),
    provider: webCryptoProvider(),
    profile: "rfc5280",
    crls: crls.map(crl),
    revocation: crls.length > 0 ? "hard" : "off",
    ...extra,
  });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "valid";
  } catch (e) {
    return e instanceof RotkitError ? `${e.code}@${String(e.at)}` : "CRASH";
  }
}

describe("policy tree", () => {
  it("4.10.1: mapping P1 → P2; the user-constrained set is in the anchor's domain", async () => {
    const r = await run(["TrustAnchorRootCertificate", "Mapping1to2CACert", "ValidPolicyMappingTest1EE"], [], {
      initialPolicySet: [P1],
    });
    expect(r.userConstrainedPolicySet).toEqual([P1]);
  });
  it("4.8.1: initial-explicit-policy with a policy the path does not assert → X509_POLICY", async () => {
    expect(
      await codeOf(
        run(["TrustAnchorRootCertificate", "GoodCACert", "ValidCertificatePathTest1EE"], [], {
          initialPolicySet: [P2],
          initialExplicitPolicy: true,
        }),
      ),
    ).toMatch(/^X509_POLICY@/);
  });
  it("4.10.7: mapping from anyPolicy → X509_POLICY at the mapping CA", async () => {
    expect(
      await codeOf(
        run(["TrustAnchorRootCertificate", "MappingFromanyPolicyCACert", "InvalidMappingFromanyPolicyTest7EE"]),
      ),
    ).toBe("X509_POLICY@path[1]");
  });
});

describe("basic constraints and path length", () => {
  it("4.6.6: pathLenConstraint 0 followed by another CA → X509_PATH_LEN", async () => {
    expect(
      await codeOf(
        run([
          "TrustAnchorRootCertificate",
          "pathLenConstraint0CACert",
          "pathLenConstraint0subCACert",
          "InvalidpathLenConstraintTest6EE",
        ]),
      ),
    ).toBe("X509_PATH_LEN@path[1]");
  });
  it("4.6.15: a self-issued certificate does not count toward pathLenConstraint", async () => {
    const r = await run([
      "TrustAnchorRootCertificate",
      "pathLenConstraint0CACert",
      "pathLenConstraint0SelfIssuedCACert",
      "ValidSelfIssuedpathLenConstraintTest15EE",
    ]);
    expect(r.path.length).toBe(4);
  });
  it("4.6.2: an issuer with cA false → X509_NOT_CA", async () => {
    expect(
      await codeOf(
        run(["TrustAnchorRootCertificate", "basicConstraintsCriticalcAFalseCACert", "InvalidcAFalseTest2EE"]),
      ),
    ).toBe("X509_NOT_CA@path[1]");
  });
});

describe("revocation", () => {
  it("4.4.2: a revoked intermediate → X509_REVOKED at path[1]", async () => {
    expect(
      await codeOf(
        run(
          ["TrustAnchorRootCertificate", "GoodCACert", "RevokedsubCACert", "InvalidRevokedCATest2EE"],
          ["TrustAnchorRootCRL", "GoodCACRL", "RevokedsubCACRL"],
        ),
      ),
    ).toBe("X509_REVOKED@path[1]");
  });
  it("hard mode without the intermediate's CRL → X509_REVOCATION_UNKNOWN", async () => {
    expect(
      await codeOf(
        run(["TrustAnchorRootCertificate", "GoodCACert", "ValidCertificatePathTest1EE"], ["TrustAnchorRootCRL"]),
      ),
    ).toBe("X509_REVOCATION_UNKNOWN@path[0]");
  });
  it("4.4.1 style: the CRLs in scope do not list the leaf → valid", async () => {
    const r = await run(
      ["TrustAnchorRootCertificate", "GoodCACert", "ValidCertificatePathTest1EE"],
      ["TrustAnchorRootCRL", "GoodCACRL"],
    );
    expect(r.anchor).toBeDefined();
  });
});

describe("path building", () => {
  it("a spent work budget ends building with X509_PATH_BUDGET", async () => {
    expect(
      await codeOf(run(["TrustAnchorRootCertificate", "GoodCACert", "ValidCertificatePathTest1EE"], [], { budget: 2 })),
    ).toBe("X509_PATH_BUDGET@path[0]");
  });
  it("maxDepth 0 refuses a path with one intermediate → X509_MAX_DEPTH", async () => {
    expect(
      await codeOf(
        run(["TrustAnchorRootCertificate", "GoodCACert", "ValidCertificatePathTest1EE"], [], { maxDepth: 0 }),
      ),
    ).toMatch(/^X509_MAX_DEPTH@/);
  });
  it("a decoy-filled pool still finds the path, leaf first … anchor last", async () => {
    const r = await run(["TrustAnchorRootCertificate", "GoodCACert", "ValidCertificatePathTest1EE"], [], {
      intermediates: ["GoodCACert", "BadSignedCACert", "BadnotAfterDateCACert", "pathLenConstraint0CACert"].map(cert),
    });
    expect(r.path.length).toBe(3);
  });
});
