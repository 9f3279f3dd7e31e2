import { generateSoftwareKey, toBase64 } from "@rotkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import {
  decodeCertificationRequestDiceExtensions,
  KeyUsageBit,
  nameToString,
  OID_TCG_DICE_MULTI_TCB_INFO,
  parseCertificationRequest,
  parseCertificationRequestPem,
  verifyCertificationRequest,
} from "../src/index.js";
import { bool, errorCode, ext, makeCsr, oid, PROVIDERS, seq, set, utf8 } from "./attribute-cert-fixtures.js";
import { readVector } from "./dice-fixtures.js";

// PKCS #10 (RFC 2986) on the Caliptra CSRs (test-vectors/dice-caliptra/README.md) and on requests built here.

const ECC = readVector("dice-caliptra", "idevid_csr_ecc.der");
const MLDSA = readVector("dice-caliptra", "idevid_csr_mldsa.der");
const REDACTED = readVector("dice-caliptra", "fmc_alias_csr_redacted.der");

const code = errorCode;

describe("Caliptra CSRs", () => {
  it("the ECC IDevID request: subject, requested extensions, DICE Ueid and key purposes", () => {
    const csr = parseCertificationRequest(ECC);
    expect(csr.version).toBe(1);
    expect(nameToString(csr.subject)).toBe(
      "serialNumber=7FFEDEF6DCD6697BD0F381AA37B58112F24BDDB5550D2C791B5798AD202A0351,CN=Caliptra 2.1 Ecc384 IDevID",
    );
    expect(csr.publicKey).toMatchObject({ kty: "EC", crv: "P-384" });
    expect(csr.signatureAlgorithm.oid).toBe("1.2.840.10045.4.3.3");
    expect(csr.ext.basicConstraints).toEqual({ ca: true, pathLenConstraint: 7 });
    expect(csr.ext.keyUsage).toBe(1 << KeyUsageBit.keyCertSign);
    expect(csr.extensions.map((e) => [e.oid, e.critical])).toEqual([
      ["2.5.29.19", true],
      ["2.5.29.15", true],
      ["2.23.133.5.4.4", false],
      ["2.5.29.37", false],
    ]);
    expect(csr.attributes).toEqual([]);
    expect(csr.encodingIssues).toEqual([]);
    const dice = decodeCertificationRequestDiceExtensions(csr);
    expect(dice.ueid?.ueid).toEqual(new Uint8Array(17));
    expect(dice.diceKeyPurposes).toEqual(["identityInit", "ECA"]);
  });

  it("proof of possession: the ECC and ML-DSA-87 requests verify under their own keys, with both providers", async () => {
    for (const provider of PROVIDERS) {
      expect((await verifyCertificationRequest(ECC, { provider })).subject.der).toEqual(
        parseCertificationRequest(ECC).subject.der,
      );
      const mldsa = await verifyCertificationRequest(MLDSA, { provider });
      expect(mldsa.publicKeyAlgorithm.oid).toBe("2.16.840.1.101.3.4.3.19");
      expect(decodeCertificationRequestDiceExtensions(mldsa).diceKeyPurposes).toEqual(["identityInit", "ECA"]);
    }
  });

  it("a tampered signature or a tampered request byte is refused", async () => {
    const sig = ECC.slice();
    sig[sig.length - 5] = (sig[sig.length - 5] as number) ^ 0x01;
    const subject = ECC.slice();
    subject[30] = (subject[30] as number) ^ 0x01; // inside the commonName
    for (const provider of PROVIDERS) {
      expect(await code(() => verifyCertificationRequest(sig, { provider }))).toBe("X509_BAD_SIGNATURE");
      expect(await code(() => verifyCertificationRequest(subject, { provider }))).toBe("X509_BAD_SIGNATURE");
    }
  });

  it("no single-bit flip of the ECC request still verifies", async () => {
    let accepted = 0;
    for (const { bytes } of singleByteMutations(ECC, [0x01])) {
      if ((await code(() => verifyCertificationRequest(bytes, { provider: PROVIDERS[0]! }))) === "ok") accepted++;
    }
    expect(accepted).toBe(0);
  });

  it("the redacted FMC alias request parses, its MultiTcbInfo is collected in lenient mode, its signature fails", async () => {
    const csr = parseCertificationRequest(REDACTED);
    expect(await code(() => decodeCertificationRequestDiceExtensions(csr))).toBe("X509_MALFORMED");
    const dice = decodeCertificationRequestDiceExtensions(csr, { lenient: true });
    expect(dice.errors.map((e) => e.oid)).toEqual([OID_TCG_DICE_MULTI_TCB_INFO]);
    expect(dice.diceKeyPurposes).toEqual(["ECA", "attestLoc"]);
    expect(await code(() => verifyCertificationRequest(csr, { provider: PROVIDERS[0]! }))).toBe("X509_BAD_SIGNATURE");
  });

  it("PEM CERTIFICATE REQUEST blocks (RFC 7468 §7)", () => {
    const b64 = toBase64(ECC).replace(/(.{64})/g, "$1\n");
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${b64}\n-----END CERTIFICATE REQUEST-----\n`;
    const [csr, more] = parseCertificationRequestPem(`junk\n${pem}`);
    expect(more).toBeUndefined();
    expect(csr?.der).toEqual(ECC);
  });
});

describe("requests built here", () => {
  it("other attributes are kept as DER with their type; the extensionRequest is decoded", async () => {
    const key = await generateSoftwareKey("ES256");
    const csr = await verifyCertificationRequest(await makeCsr(key), { provider: PROVIDERS[0]! });
    expect(csr.attributes).toEqual([{ oid: "1.2.840.113549.1.9.7", values: [utf8("secret")] }]);
    expect(csr.ext.basicConstraints).toEqual({ ca: true });
  });

  it("structure the RFC forbids is X509_MALFORMED", async () => {
    const key = await generateSoftwareKey("ES256");
    const extReq = (...v: Uint8Array[]) => seq(oid("1.2.840.113549.1.9.14"), set(...v));
    const exts = seq(ext("2.5.29.19", true, seq(bool(true))));
    const cases: [string, Uint8Array][] = [
      ["version 1", await makeCsr(key, [], 1)],
      ["two extensionRequests", await makeCsr(key, [extReq(exts), extReq(exts)])],
      ["extensionRequest with two values", await makeCsr(key, [extReq(exts, exts)])],
      ["attribute without values", await makeCsr(key, [seq(oid("1.2.840.113549.1.9.7"), set())])],
      ["an extension twice", await makeCsr(key, [extReq(seq(...[0, 1].map(() => ext("2.5.29.19", true, seq()))))])],
    ];
    for (const [what, der] of cases)
      expect(await code(() => parseCertificationRequest(der)), what).toBe("X509_MALFORMED");
    const ok = await makeCsr(key);
    expect(await code(() => parseCertificationRequest(Uint8Array.of(...ok, 0)))).toBe("X509_MALFORMED");
    expect(await code(() => parseCertificationRequest("x" as unknown as Uint8Array))).toBe("INVALID_ARGUMENT");
    expect(await code(() => parseCertificationRequest(ok, { limits: { maxBytes: 100 } }))).toBe("X509_MALFORMED");
  });
});

describe("mutation fuzzing", () => {
  for (const [name, der] of [
    ["idevid_csr_ecc", ECC],
    ["fmc_alias_csr_redacted", REDACTED],
    ["idevid_csr_mldsa", MLDSA],
  ] as const) {
    it(`${name}: every single-byte mutation and truncation ends in a value or X509_MALFORMED`, () => {
      const parse = (b: Uint8Array) =>
        decodeCertificationRequestDiceExtensions(parseCertificationRequest(b), { lenient: true });
      const m = expectOnlyRotkitErrors(parse, singleByteMutations(der));
      expect(m.ok + m.rejected).toBe(der.length * 5);
      expect(m.rejected).toBeGreaterThan(0);
      const t = expectOnlyRotkitErrors(parse, truncations(der));
      expect(t.ok).toBe(0);
      expect(Object.keys({ ...m.codes, ...t.codes })).toEqual(["X509_MALFORMED"]);
    });
  }

  it("random bytes and random DER-like prefixes end in RotkitError only", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expectOnlyRotkitErrors((x) => parseCertificationRequest(x), [b, Uint8Array.of(0x30, 0x82, 0x01, 0x00, ...b)]);
      }),
      { numRuns: 500 },
    );
  });
});
