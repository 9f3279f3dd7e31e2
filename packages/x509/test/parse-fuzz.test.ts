import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RotkitError } from "@rotkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { decodeExtensionValue, parseCertificate, parseCertificatePem, parseCrl, parseName } from "../src/index.js";

// DESIGN.md "Tests": every mutation of a valid certificate or CRL ends in a value or a RotkitError, never a
// TypeError/RangeError/stack overflow or a hang. Representative inputs cover every decoder: names with several
// string types, SAN/NC/policies/policy mappings/constraints, CRLs with entry extensions and an IDP.

const NIST = join(import.meta.dirname, "../../../test-vectors/nist-pkits");
const cert = (f: string) => new Uint8Array(readFileSync(join(NIST, "certs", f)));
const crl = (f: string) => new Uint8Array(readFileSync(join(NIST, "crls", f)));

const limbo = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../../test-vectors/x509-limbo/limbo-dev.json"), "utf8"),
) as {
  testcases: { id: string; peer_certificate: string }[];
};
const limboPeer = (id: string) =>
  (parseCertificatePem(limbo.testcases.find((c) => c.id === id)?.peer_certificate ?? "")[0] as { der: Uint8Array }).der;

const CERTS: [string, Uint8Array][] = [
  ["limbo ECDSA P-256 leaf with AIA", limboPeer("rfc5280::ee-aia")],
  ["nameConstraintsDN1CACert (DN name constraints)", cert("nameConstraintsDN1CACert.crt")],
  ["P1Mapping1to234CACert (policies, mappings, constraints)", cert("P1Mapping1to234CACert.crt")],
  ["ValidRFC822nameConstraintsTest21EE (SAN email)", cert("ValidRFC822nameConstraintsTest21EE.crt")],
  ["UTF8StringEncodedNamesCACert", cert("UTF8StringEncodedNamesCACert.crt")],
];
const CRLS: [string, Uint8Array][] = [
  ["indirectCRLCA3cRLIssuerCRL (IDP, certificateIssuer)", crl("indirectCRLCA3cRLIssuerCRL.crl")],
  ["onlySomeReasonsCA1compromiseCRL (reasons)", crl("onlySomeReasonsCA1compromiseCRL.crl")],
  ["deltaCRLCA1deltaCRL (delta, entries)", crl("deltaCRLCA1deltaCRL.crl")],
];

describe("mutation fuzzing", () => {
  for (const [name, der] of CERTS) {
    it(`certificate: every single-byte mutation and truncation of ${name}`, () => {
      parseCertificate(der);
      const m = expectOnlyRotkitErrors((b) => parseCertificate(b), singleByteMutations(der));
      expect(m.ok + m.rejected).toBe(der.length * 5);
      expect(m.rejected).toBeGreaterThan(0);
      const t = expectOnlyRotkitErrors((b) => parseCertificate(b), truncations(der));
      expect(t.ok).toBe(0); // no proper prefix of a certificate is a certificate
      for (const code of Object.keys({ ...m.codes, ...t.codes })) expect(code).toBe("X509_MALFORMED");
    });
  }
  for (const [name, der] of CRLS) {
    it(`CRL: every single-byte mutation and truncation of ${name}`, () => {
      parseCrl(der);
      const m = expectOnlyRotkitErrors((b) => parseCrl(b), singleByteMutations(der));
      expect(m.ok + m.rejected).toBe(der.length * 5);
      const t = expectOnlyRotkitErrors((b) => parseCrl(b), truncations(der));
      expect(t.ok).toBe(0);
      for (const code of Object.keys({ ...m.codes, ...t.codes })) expect(code).toBe("X509_MALFORMED");
    });
  }

  it("extension values: every mutation of each known extension of the fuzzed certificates", () => {
    for (const [, der] of CERTS) {
      for (const e of parseCertificate(der).extensions) {
        let known = true;
        try {
          decodeExtensionValue(e.oid, e.value);
        } catch (err) {
          if ((err as RotkitError).code === "INVALID_ARGUMENT") known = false;
          else throw err;
        }
        if (!known) continue;
        expectOnlyRotkitErrors((b) => decodeExtensionValue(e.oid, b), singleByteMutations(e.value));
        expectOnlyRotkitErrors((b) => decodeExtensionValue(e.oid, b), truncations(e.value));
      }
    }
  });
});

describe("random input (property)", () => {
  const decoders: [string, (b: Uint8Array) => unknown][] = [
    ["parseCertificate", (b) => parseCertificate(b)],
    ["parseCrl", (b) => parseCrl(b)],
    ["parseName", (b) => parseName(b)],
    ["subjectAltName", (b) => decodeExtensionValue("2.5.29.17", b)],
    ["nameConstraints", (b) => decodeExtensionValue("2.5.29.30", b)],
    ["cRLDistributionPoints", (b) => decodeExtensionValue("2.5.29.31", b)],
  ];
  const onlyRotkit = (f: (b: Uint8Array) => unknown, b: Uint8Array) => {
    try {
      f(b);
    } catch (e) {
      if (!(e instanceof RotkitError)) throw e;
    }
  };

  it("random bytes never throw anything but RotkitError", () => {
    for (const [, f] of decoders) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), (b) => onlyRotkit(f, b)),
        { numRuns: 2000 },
      );
    }
  });

  it("random splices into a real certificate never throw anything but RotkitError", () => {
    const base = CERTS[0]?.[1] as Uint8Array;
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.uint8Array({ minLength: 1, maxLength: 16 }), (at, patch) => {
        const b = base.slice();
        b.set(patch.subarray(0, Math.min(patch.length, b.length - at)), at);
        onlyRotkit((x) => parseCertificate(x), b);
      }),
      { numRuns: 5000 },
    );
  });

  it("a hostile SEQUENCE with many elements is refused by the element bound, quickly", () => {
    // extKeyUsage with 100k OIDs: 300 kB, above maxElements (1024)
    const n = 100_000;
    const body = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) body.set([0x06, 0x01, 0x2a], i * 3);
    const len = body.length;
    const value = new Uint8Array([0x30, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff, ...body]);
    const t0 = performance.now();
    expect(() => decodeExtensionValue("2.5.29.37", value)).toThrow(/more than 1024 elements/);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});
