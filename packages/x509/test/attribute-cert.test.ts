import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { readdirSync } from "node:fs";
import { fixedClock, toBase64 } from "@rotkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import {
  attributeCertificateHolderMatches,
  checkAttributeCertificateValidity,
  decodeTcgPlatformAttributes,
  nameToString,
  parseAttributeCertificate,
  parseAttributeCertificatePem,
  parseCertificate,
  verifyAttributeCertificate,
  verifyPlatformCertificate,
} from "../src/index.js";
import {
  ctx,
  EK_ISSUER,
  EK_SERIAL,
  errorCode,
  ext,
  gtime,
  int,
  makeAttributeCert,
  makeIssuer,
  oid,
  PROVIDERS,
  platformAttributes,
  seq,
  set,
  utctime,
  utf8,
} from "./attribute-cert-fixtures.js";
import { readVector, vectorPath } from "./dice-fixtures.js";

// RFC 5755 attribute certificates and TCG platform attributes: go-attestation's platform certificates
// (test-vectors/tpm-go-attestation/README.md) and certificates built and signed here.

const DIR = "tpm-go-attestation/attributecert";
const FILES = readdirSync(vectorPath("tpm-go-attestation", "attributecert"))
  .filter((f) => f.endsWith(".cer") && !f.startsWith("IntelSigningKey"))
  .sort();
const vec = (f: string) => readVector("tpm-go-attestation", `attributecert/${f}`);
const INTEL_KEY = parseCertificate(vec("IntelSigningKey_20April2017.cer"));
const IN_2025 = fixedClock(new Date("2025-01-01T00:00:00Z"));

const code = errorCode;

describe(`go-attestation platform certificates (${DIR})`, () => {
  it("all ten parse as v2 attribute certificates with a directoryName issuer and an EK-certificate holder", () => {
    expect(FILES).toHaveLength(10);
    for (const f of FILES) {
      const ac = parseAttributeCertificate(vec(f));
      expect(ac.version).toBe(2);
      expect(ac.holder.baseCertificateId?.issuer[0]?.type).toBe("dn");
      expect(ac.issuer.rdns.length).toBeGreaterThan(0);
      expect(ac.notAfter).toBeGreaterThan(ac.notBefore);
      expect(ac.encodingIssues).toEqual([]);
    }
  });

  it("plat_cert1: v1 platform configuration, TBB assertions with CC and FIPS, SAN platform identity", () => {
    const ac = parseAttributeCertificate(vec("plat_cert1.cer"));
    expect(nameToString(ac.issuer)).toBe(
      "CN=www.intel.com,OU=Platform Attribute Certificate Issuer,O=Intel Corporation,L=Santa Clara,ST=CA,C=US",
    );
    expect(ac.notBefore).toBe(Date.parse("2017-08-20T15:53:44Z") / 1000);
    const t = decodeTcgPlatformAttributes(ac);
    expect(t.platformSpecification?.version).toEqual({ major: 2, minor: 0, revision: 43 });
    expect(t.platformSpecification?.platformClass).toEqual(Uint8Array.of(0, 0, 0, 1));
    expect(t.credentialSpecification).toEqual({ major: 1, minor: 0, revision: 11 });
    expect(t.tbbSecurityAssertions).toEqual({
      version: 0,
      ccInfo: {
        version: "3.1",
        assuranceLevel: 7,
        evaluationStatus: "evaluationCompleted",
        plus: false,
        strengthOfFunction: "medium",
        profileOid: "1.2.3.4.5.6",
        profileUri: { uri: "https://www.intel.com/protectionprofile.pdf" },
        targetOid: "1.2.3.4.5.7",
        targetUri: { uri: "https://www.intel.com/cctarget.pdf" },
      },
      fipsLevel: { version: "140-2", level: 4, plus: false },
      rtmType: "hybrid",
      iso9000Certified: false,
      iso9000Uri: "https://www.intel.com/isocertification.pdf",
    });
    expect(t.platformConfigUri).toEqual({ uri: "https://www.intel.com/PCRs.xml" });
    expect(t.platformConfiguration).toEqual({
      version: 1,
      components: [
        {
          manufacturer: "Intel",
          model: "platform2018",
          serial: "BQKP52840678",
          revision: "1.0",
          manufacturerId: "1.3.6.1.4.1.300",
          fieldReplaceable: true,
          addresses: [{ addressType: "2.23.133.5.1.6", addressValue: "2.23.133.5.1.6" }],
        },
      ],
      properties: [
        { name: "vPro", value: "true" },
        { name: "AMT", value: "true" },
      ],
      propertiesUri: { uri: "https://www.intel.com/platformproperties.xml" },
    });
    expect([t.platformManufacturer, t.platformModel, t.platformVersion, t.platformSerial]).toEqual([
      "Intel",
      "S2600KP",
      "H76962-350",
      "BQKP52840678",
    ]);
    expect(t.platformManufacturerId).toBe("1.3.6.1.4.1.343");
    expect(t.policies).toEqual([
      {
        policy: "1.2.840.113741.1.5.2.4",
        cpsUris: ["https://www.intel.com/platcertcps.pdf"],
        userNotices: [{ explicitText: "TCG Trusted Platform Endorsement" }],
      },
    ]);
    expect(t.otherAttributes).toEqual([]);
    expect(t.issues).toEqual(["der-default-encoded"]);
  });

  it("Intel_pc1: the early credential form (SAN as a bare Name, TCG attributes in subjectDirectoryAttributes)", () => {
    const t = decodeTcgPlatformAttributes(parseAttributeCertificate(vec("Intel_pc1.cer")));
    expect(t.userNotice).toEqual({
      noticeRef: { organization: "Credential Type Label", noticeNumbers: [] },
      explicitText: "TCPA Trusted Platform Endorsement",
    });
    expect(t.tbbSecurityAssertions).toEqual({
      version: 1,
      ccInfo: {
        version: "CC Version",
        assuranceLevel: 7,
        evaluationStatus: "evaluationCompleted",
        plus: false,
        strengthOfFunction: "medium",
      },
      rtmType: "nonHost",
      iso9000Certified: true,
      iso9000Uri: "URL to iso9000 certificate",
    });
    expect(t.platformModel).toBe("S2600KP");
    expect(t.otherSubjectAltNameAttributes.map((a) => [a.type, a.text])).toEqual([["2.23.133.2.23", "BQKP52840678"]]);
    expect(t.issues.sort()).toEqual([
      "credential-profile-v1-attribute",
      "der-default-encoded",
      "platform-class-utf8",
      "subject-alt-name-rdn-sequence",
      "untagged-security-assertions",
    ]);
  });

  it("lenovo: credential type, wrapped credential specification, v1 properties", () => {
    const t = decodeTcgPlatformAttributes(parseAttributeCertificate(vec("lenovo.cer")));
    expect(t.credentialType).toBe("2.23.133.8.2");
    expect(t.credentialSpecification).toEqual({ major: 1, minor: 1, revision: 9 });
    expect(t.platformConfiguration?.properties).toEqual([{ name: "AMT", value: "true" }]);
    expect(t.platformVersion).toBe("ThinkPad T480s");
    expect(t.issues).toContain("credential-specification-wrapped");
  });

  it("the bytes rotkit extracts from the Intel SHA-1 certificates verify under the Intel key (node:crypto)", async () => {
    const key = createPublicKey({ key: Buffer.from(INTEL_KEY.spki), format: "der", type: "spki" });
    for (const f of ["Intel_nuc_pc.cer", "Intel_nuc_pc2.cer", "Intel_pc2.cer"]) {
      const ac = parseAttributeCertificate(vec(f));
      expect(nodeVerify("sha1", ac.tbs, key, ac.signature), f).toBe(true);
      expect(nodeVerify("sha1", ac.tbs.subarray(1), key, ac.signature), f).toBe(false);
      // rotkit refuses SHA-1 signatures (fail closed), after every other check passed.
      expect(
        await code(() => verifyPlatformCertificate(ac, { issuer: INTEL_KEY, provider: PROVIDERS[0]!, clock: IN_2025 })),
      ).toBe("X509_UNSUPPORTED_ALG");
    }
  });

  it("allowSha1 (legacy only): the Intel SHA-1 certificates verify; a tampered one or a wrong key does not", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { publicKeyFromSpki } = await import("@rotkit/core");
    const otherRsa = publicKeyFromSpki(
      new Uint8Array(
        generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "der", type: "spki" }),
      ),
    );
    const ecKey = (await makeIssuer()).key.publicKey;
    for (const provider of PROVIDERS) {
      for (const f of ["Intel_nuc_pc.cer", "Intel_nuc_pc2.cer", "Intel_pc2.cer"]) {
        const ac = parseAttributeCertificate(vec(f));
        // certificatePolicies, subjectAltName and subjectDirectoryAttributes: critical in these, decoded by the caller
        const processedCriticalExtensions = ["2.5.29.32", "2.5.29.17", "2.5.29.9"];
        const opts = { issuer: INTEL_KEY, provider, clock: IN_2025, allowSha1: true, processedCriticalExtensions };
        const { platform } = await verifyPlatformCertificate(ac, opts);
        expect(platform.platformManufacturer, f).toMatch(/Intel/);
        expect((await verifyAttributeCertificate(vec(f), opts)).signatureAlgorithm.oid).toBe("1.2.840.113549.1.1.5");
        // the default, and an explicit false, still refuse SHA-1
        expect(await code(() => verifyAttributeCertificate(ac, { ...opts, allowSha1: false }))).toBe(
          "X509_UNSUPPORTED_ALG",
        );
        const sig = ac.signature.slice();
        sig[sig.length - 1] = (sig[sig.length - 1] as number) ^ 1;
        expect(await code(() => verifyAttributeCertificate({ ...ac, signature: sig }, opts))).toBe(
          "X509_BAD_SIGNATURE",
        );
        const tbs = ac.tbs.slice();
        tbs[tbs.length - 1] = (tbs[tbs.length - 1] as number) ^ 1;
        expect(await code(() => verifyAttributeCertificate({ ...ac, tbs }, opts))).toBe("X509_BAD_SIGNATURE");
        expect(await code(() => verifyAttributeCertificate(ac, { ...opts, issuer: otherRsa }))).toBe(
          "X509_BAD_SIGNATURE",
        );
        expect(await code(() => verifyAttributeCertificate(ac, { ...opts, issuer: ecKey }))).toBe(
          "X509_UNSUPPORTED_ALG",
        );
        const badParams = { ...ac.signatureAlgorithm, parameters: Uint8Array.of(0x04, 0x00) };
        const withBadParams = { ...ac, signatureAlgorithm: badParams, tbsSignatureAlgorithm: badParams };
        expect(await code(() => verifyAttributeCertificate(withBadParams, opts))).toBe("X509_MALFORMED");
      }
    }
  });

  it("a SHA-256 certificate under a key that did not issue it is X509_BAD_SIGNATURE", async () => {
    for (const provider of PROVIDERS) {
      const issuer = INTEL_KEY.publicKey!;
      expect(await code(() => verifyPlatformCertificate(vec("plat_cert1.cer"), { issuer, provider }))).toBe(
        "X509_BAD_SIGNATURE",
      );
    }
  });

  it("PEM ATTRIBUTE CERTIFICATE blocks (RFC 7468 §12)", () => {
    const der = vec("lenovo.cer");
    const pem = `-----BEGIN ATTRIBUTE CERTIFICATE-----\n${toBase64(der)}\n-----END ATTRIBUTE CERTIFICATE-----\n`;
    expect(parseAttributeCertificatePem(pem).map((a) => a.der)).toEqual([der]);
  });
});

describe("attribute certificates built here (ES256)", () => {
  it("verify: issuer name and key, signature, validity; the v1.1 platform attributes decode", async () => {
    const issuer = await makeIssuer();
    const der = await makeAttributeCert(issuer);
    for (const provider of PROVIDERS) {
      const { certificate, platform } = await verifyPlatformCertificate(der, {
        issuer: issuer.cert,
        provider,
        clock: IN_2025,
      });
      expect(certificate.serialNumber).toEqual(Uint8Array.of(0x11));
      expect(platform.credentialType).toBe("2.23.133.8.2");
      expect(platform.platformConfiguration).toEqual({
        version: 2,
        components: [
          {
            componentClass: { registry: "2.23.133.18.3.1", value: Uint8Array.of(0, 0, 0, 4) },
            manufacturer: "Acme",
            model: "NIC 9000",
            serial: "SN-1",
            revision: "rev B",
            manufacturerId: "1.3.6.1.4.1.99999",
            fieldReplaceable: true,
            addresses: [{ addressType: "2.23.133.17.1", addressValue: "00:11:22:33:44:55" }],
            platformCert: {
              attributeCertIdentifier: {
                hashAlgorithm: { oid: "2.16.840.1.101.3.4.2.1" },
                hashOverSignatureValue: new Uint8Array(32).fill(7),
              },
            },
            platformCertUri: { uri: "https://example.com/nic.cer" },
            status: "modified",
          },
        ],
        componentsUri: { uri: "https://example.com/components.xml" },
        properties: [{ name: "vPro", value: "true", status: "added" }],
        propertiesUri: { uri: "https://example.com/properties.xml" },
      });
      expect(platform.tbbSecurityAssertions).toEqual({
        version: 0,
        ccInfo: {
          version: "3.1",
          assuranceLevel: 4,
          evaluationStatus: "evaluationCompleted",
          plus: true,
          strengthOfFunction: "high",
          profileOid: "1.2.3",
        },
        fipsLevel: { version: "140-2", level: 2, plus: false },
        rtmType: "physical",
        iso9000Certified: true,
        iso9000Uri: "https://example.com/iso9000.pdf",
      });
      expect(platform.platformManufacturerId).toBe("1.3.6.1.4.1.99999");
      expect(platform.platformSerial).toBe("PLAT-42");
      expect(platform.otherAttributes).toEqual([{ oid: "1.2.3.4.5", values: [utf8("not a TCG attribute")] }]);
      expect(platform.issues).toEqual([]);
    }
    // With the bare key there is no name to check; the signature still must verify.
    await verifyPlatformCertificate(der, { issuer: issuer.key.publicKey, provider: PROVIDERS[0]!, clock: IN_2025 });
    // The generic verifier does not know the TCG use of a critical subjectAltName.
    expect(await code(() => verifyAttributeCertificate(der, { issuer: issuer.cert, provider: PROVIDERS[0]! }))).toBe(
      "X509_UNKNOWN_CRITICAL",
    );
  });

  it("a tampered signature or acinfo byte is X509_BAD_SIGNATURE", async () => {
    const issuer = await makeIssuer();
    const der = await makeAttributeCert(issuer);
    const sig = der.slice();
    sig[sig.length - 3] = (sig[sig.length - 3] as number) ^ 0x01;
    const body = der.slice();
    const acme = utf8("Acme").subarray(2);
    const at = body.findIndex((_, i) => acme.every((b, k) => body[i + k] === b)); // the component manufacturer
    expect(at).toBeGreaterThan(0);
    body[at] = 0x42;
    for (const provider of PROVIDERS) {
      for (const bad of [sig, body]) {
        expect(
          await code(() => verifyPlatformCertificate(bad, { issuer: issuer.cert, provider, clock: IN_2025 })),
        ).toBe("X509_BAD_SIGNATURE");
      }
    }
  });

  it("no single-bit flip of a signed certificate still verifies", async () => {
    const issuer = await makeIssuer();
    const der = await makeAttributeCert(issuer);
    let accepted = 0;
    for (const { bytes } of singleByteMutations(der, [0x01])) {
      const opts = { issuer: issuer.cert, provider: PROVIDERS[0]!, clock: IN_2025 };
      if ((await code(() => verifyPlatformCertificate(bytes, opts))) === "ok") accepted++;
    }
    expect(accepted).toBe(0);
  });

  it("issuer, validity, critical-extension and credential-type rules", async () => {
    const issuer = await makeIssuer();
    const der = await makeAttributeCert(issuer);
    const provider = PROVIDERS[0]!;
    const verify = (d: Uint8Array, o: Partial<Parameters<typeof verifyAttributeCertificate>[1]> = {}) =>
      code(() => verifyPlatformCertificate(d, { issuer: issuer.cert, provider, clock: IN_2025, ...o }));
    expect(await verify(der, { issuer: (await makeIssuer("Other CA")).cert })).toBe("X509_NAME_CHAINING");
    expect(await verify(der, { issuer: undefined as unknown as Uint8Array })).toBe("INVALID_ARGUMENT");
    // keyUsage keyCertSign only: the key may not sign attribute certificates (RFC 5755 §4.5).
    const kuIssuer = await makeIssuer("Platform CA", Uint8Array.of(2, 0x04));
    expect(await verify(await makeAttributeCert(kuIssuer), { issuer: kuIssuer.cert })).toBe("X509_KEY_USAGE");
    const digitalSignature = await makeIssuer("Platform CA", Uint8Array.of(7, 0x80));
    expect(await verify(await makeAttributeCert(digitalSignature), { issuer: digitalSignature.cert })).toBe("ok");
    expect(await verify(der, { clock: fixedClock(new Date("2023-12-31T23:59:59Z")) })).toBe("X509_NOT_YET_VALID");
    expect(await verify(der, { clock: fixedClock(new Date("2034-01-01T00:00:01Z")) })).toBe("X509_EXPIRED");
    const crit = await makeAttributeCert(issuer, { extensions: [ext("2.5.29.55", true, seq())] });
    expect(await verify(crit)).toBe("X509_UNKNOWN_CRITICAL");
    expect(await verify(crit, { processedCriticalExtensions: ["2.5.29.55"] })).toBe("ok");
    const algs = await makeAttributeCert(issuer, { signature: seq(oid("1.2.840.10045.4.3.3")) });
    expect(await verify(algs)).toBe("X509_MALFORMED");
    const type = platformAttributes().map((a, i) =>
      i === 0 ? seq(oid("2.23.133.2.25"), set(seq(oid("2.23.133.8.1")))) : a,
    );
    expect(await verify(await makeAttributeCert(issuer, { attributes: type }))).toBe("X509_PROFILE");
    const ac = parseAttributeCertificate(der);
    expect(() => checkAttributeCertificateValidity(ac, fixedClock(ac.notAfter))).not.toThrow();
  });

  it("the holder names the EK certificate by issuer and serial", async () => {
    const issuer = await makeIssuer();
    const ac = parseAttributeCertificate(await makeAttributeCert(issuer));
    const ek = await makeIssuer("EK CA");
    const ekCert = parseCertificate(ek.cert); // issuer "O=rotkit test,CN=EK CA", serial 7
    expect(attributeCertificateHolderMatches(ac, ekCert)).toBe(false);
    const holder = seq(ctx(0, seq(ctx(4, ek.name)), int(7)));
    expect(
      attributeCertificateHolderMatches(parseAttributeCertificate(await makeAttributeCert(issuer, { holder })), ekCert),
    ).toBe(true);
    expect(ac.holder.baseCertificateId?.serial).toEqual(Uint8Array.of(EK_SERIAL));
    expect(ac.holder.baseCertificateId?.issuer[0]).toMatchObject({ type: "dn", value: { der: EK_ISSUER } });
  });

  it("structure RFC 5755 §4 forbids is X509_MALFORMED", async () => {
    const issuer = await makeIssuer();
    const attr = seq(oid("1.2.3.4.5"), set(utf8("x")));
    const cases: [string, Parameters<typeof makeAttributeCert>[1]][] = [
      ["version v1", { version: int(0) }],
      ["v1Form issuer", { issuer: seq(ctx(4, issuer.name)) }],
      ["issuer with two names", { issuer: ctx(0, seq(ctx(4, issuer.name), ctx(4, issuer.name))) }],
      ["UTCTime validity", { validity: seq(utctime("240101000000Z"), utctime("340101000000Z")) }],
      ["fractional GeneralizedTime", { validity: seq(gtime("20240101000000.5Z"), gtime("20340101000000Z")) }],
      ["no attributes", { attributes: [] }],
      ["an attribute twice", { attributes: [attr, attr] }],
      [
        "a holder field out of order",
        { holder: seq(ctx(1, ctx(4, EK_ISSUER)), ctx(0, seq(ctx(4, EK_ISSUER)), int(1))) },
      ],
    ];
    for (const [what, parts] of cases) {
      expect(await code(async () => parseAttributeCertificate(await makeAttributeCert(issuer, parts))), what).toBe(
        "X509_MALFORMED",
      );
    }
    const dup = platformAttributes();
    const twice = await makeAttributeCert(issuer, {
      attributes: dup,
      extensions: [ext("2.5.29.9", false, seq(dup[1] as Uint8Array))],
    });
    expect(await code(() => decodeTcgPlatformAttributes(parseAttributeCertificate(twice)))).toBe("X509_MALFORMED");
  });
});

describe("mutation fuzzing", () => {
  const decode = (b: Uint8Array) => decodeTcgPlatformAttributes(parseAttributeCertificate(b));
  for (const f of ["Intel_pc1.cer", "Intel_nuc_pc.cer", "lenovo.cer", "plat_cert1.cer"]) {
    it(`${f}: every single-byte mutation and truncation ends in a value or X509_MALFORMED`, () => {
      const der = vec(f);
      const m = expectOnlyRotkitErrors(decode, singleByteMutations(der));
      expect(m.ok + m.rejected).toBe(der.length * 5);
      expect(m.rejected).toBeGreaterThan(0);
      const t = expectOnlyRotkitErrors(decode, truncations(der));
      expect(t.ok).toBe(0);
      expect(Object.keys({ ...m.codes, ...t.codes })).toEqual(["X509_MALFORMED"]);
    });
  }

  it("the v1.1 certificate built here: every single-byte mutation ends in a value or X509_MALFORMED", async () => {
    const der = await makeAttributeCert(await makeIssuer());
    const m = expectOnlyRotkitErrors(decode, singleByteMutations(der));
    expect(m.rejected).toBeGreaterThan(0);
    expect(expectOnlyRotkitErrors(decode, truncations(der)).ok).toBe(0);
  });

  it("random bytes end in RotkitError only", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expectOnlyRotkitErrors(decode, [b, Uint8Array.of(0x30, 0x82, 0x01, 0x00, ...b)]);
      }),
      { numRuns: 500 },
    );
  });
});
