import { readFileSync } from "node:fs";
import { join } from "node:path";
import { derEncode, fromHex, RotkitError, readDer, utf8Encode } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import {
  decodeBasicConstraints,
  decodeCertificatePolicies,
  decodeGeneralNames,
  decodeKeyUsage,
  decodeNameConstraints,
  decodePolicyConstraints,
  derBitString,
  derBoolean,
  derInteger,
  derNamedBits,
  derSmallUint,
  derString,
  derTime,
  type Name,
  nameEmailAddresses,
  nameEquals,
  nameIsEmpty,
  nameToString,
  oidFromString,
  oidToString,
  type ProfileIssue,
  parseCertificate,
  parseName,
  pemBlocks,
  profileIssues,
} from "../src/index.js";

const el = (hex: string) => readDer(fromHex(hex), 0);
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof RotkitError) return e.code;
    throw e;
  }
  return "ok";
};
const seq = (...c: Uint8Array[]) => derEncode(0x30, ...c);
const set = (...c: Uint8Array[]) => derEncode(0x31, ...c);
const oid = (s: string) => derEncode(0x06, oidFromString(s));
const atv = (type: string, tag: number, text: string) => seq(oid(type), derEncode(tag, utf8Encode(text)));
const name = (...rdns: Uint8Array[][]) => parseName(seq(...rdns.map((r) => set(...r))));

describe("OBJECT IDENTIFIER (X.690 §8.19)", () => {
  it("decodes arcs, including the 40·X+Y first subidentifier and arcs past 2^53", () => {
    expect(oidToString(fromHex("551d13"))).toBe("2.5.29.19");
    expect(oidToString(fromHex("2a864886f70d010901"))).toBe("1.2.840.113549.1.9.1");
    expect(oidToString(fromHex("00"))).toBe("0.0");
    expect(oidToString(fromHex("8137"))).toBe("2.103"); // first subidentifier 183 = 2·40 + 103
    const uuid = "2.25.329800735698586629295641978511506172918";
    expect(oidToString(oidFromString(uuid))).toBe(uuid);
  });
  it("refuses empty, truncated and non-minimal encodings", () => {
    expect(code(() => oidToString(new Uint8Array(0)))).toBe("X509_MALFORMED");
    expect(code(() => oidToString(fromHex("5586")))).toBe("X509_MALFORMED");
    expect(code(() => oidToString(fromHex("55801d")))).toBe("X509_MALFORMED");
    expect(code(() => oidToString(fromHex("8055")))).toBe("X509_MALFORMED");
  });
});

describe("BOOLEAN, INTEGER, BIT STRING", () => {
  it("BOOLEAN is 0x00 or 0xFF only (X.690 §11.1)", () => {
    expect(derBoolean(el("0101ff"), "b")).toBe(true);
    expect(derBoolean(el("010100"), "b")).toBe(false);
    expect(code(() => derBoolean(el("010101"), "b"))).toBe("X509_MALFORMED");
    expect(code(() => derBoolean(el("01020000"), "b"))).toBe("X509_MALFORMED");
  });
  it("INTEGER must be minimal two's complement; small values as numbers with bounds", () => {
    expect(derInteger(el("020200ff"), "i")).toEqual(fromHex("00ff"));
    expect(derInteger(el("0201ff"), "i")).toEqual(fromHex("ff"));
    expect(code(() => derInteger(el("02020001"), "i"))).toBe("X509_MALFORMED");
    expect(code(() => derInteger(el("0202ff80"), "i"))).toBe("X509_MALFORMED");
    expect(code(() => derInteger(el("0200"), "i"))).toBe("X509_MALFORMED");
    expect(derSmallUint(el("020200ff"), "i", 1000)).toBe(255);
    expect(code(() => derSmallUint(el("0201ff"), "i", 1000))).toBe("X509_MALFORMED");
    expect(code(() => derSmallUint(el("02020100"), "i", 255))).toBe("X509_MALFORMED");
    expect(derSmallUint(el("0209010000000000000000"), "i", 100, true)).toBe(100);
  });
  it("BIT STRING: unused bits 0..7, padding zero, named-bit trailing zeros reported", () => {
    expect(derBitString(el("03020780"), "b")).toEqual({ bytes: fromHex("80"), unusedBits: 7 });
    expect(code(() => derBitString(el("03020781"), "b"))).toBe("X509_MALFORMED");
    expect(code(() => derBitString(el("03020880"), "b"))).toBe("X509_MALFORMED");
    expect(code(() => derBitString(el("030101"), "b"))).toBe("X509_MALFORMED");
    expect(derNamedBits(el("03020186"), "ku")).toEqual({ bits: 0b1100001, trailingZero: false });
    expect(derNamedBits(el("03020086"), "ku")).toEqual({ bits: 0b1100001, trailingZero: true });
    const issues: ProfileIssue[] = [];
    expect(decodeKeyUsage(fromHex("03020104"), issues)).toBe(1 << 5); // 7 bits, the last two zero
    expect(issues).toEqual(["der-named-bits-trailing-zero"]);
  });
});

describe("Time (RFC 5280 §4.1.2.5)", () => {
  const utc = (s: string) => derTime(readDer(derEncode(0x17, utf8Encode(s)), 0), "t");
  const gen = (s: string) => derTime(readDer(derEncode(0x18, utf8Encode(s)), 0), "t");
  it("UTCTime pivots at 50; GeneralizedTime has four-digit years", () => {
    expect(utc("491231235959Z")).toBe(Date.UTC(2049, 11, 31, 23, 59, 59) / 1000);
    expect(utc("500101000000Z")).toBe(Date.UTC(1950, 0, 1) / 1000);
    expect(gen("20500101000000Z")).toBe(2524608000);
    expect(gen("99991231235959Z")).toBe(Date.UTC(9999, 11, 31, 23, 59, 59) / 1000);
    expect(gen("00010101000000Z")).toBe(-62135596800);
    expect(utc("000229000000Z")).toBe(Date.UTC(2000, 1, 29) / 1000);
  });
  it("refuses every other form", () => {
    for (const bad of [
      "4912312359Z",
      "491231235959",
      "491231235959+0000",
      "491231235960Z",
      "490229000000Z",
      "491301000000Z",
      "49123123595aZ",
    ]) {
      expect(
        code(() => utc(bad)),
        bad,
      ).toBe("X509_MALFORMED");
    }
    for (const bad of ["20500101000000.5Z", "205001010000Z", "20500101000000", "21000229000000Z"]) {
      expect(
        code(() => gen(bad)),
        bad,
      ).toBe("X509_MALFORMED");
    }
  });
});

describe("string types", () => {
  const s = (tag: number, hex: string) => derString(readDer(derEncode(tag, fromHex(hex)), 0), "s");
  it("decodes each type strictly", () => {
    expect(s(0x13, "41422d3f")).toBe("AB-?");
    expect(code(() => s(0x13, "412a"))).toBe("X509_MALFORMED"); // '*' is not PrintableString
    expect(s(0x16, "7a40")).toBe("z@");
    expect(code(() => s(0x16, "c3a9"))).toBe("X509_MALFORMED");
    expect(s(0x0c, "c3a9")).toBe("é");
    expect(code(() => s(0x0c, "c0af"))).toBe("X509_MALFORMED"); // overlong
    expect(s(0x1e, "00e9263a")).toBe("é☺");
    expect(code(() => s(0x1e, "00e926"))).toBe("X509_MALFORMED");
    expect(code(() => s(0x1e, "d800"))).toBe("X509_MALFORMED");
    expect(s(0x1c, "0001f600")).toBe("😀");
    expect(code(() => s(0x1c, "00110000"))).toBe("X509_MALFORMED");
    expect(s(0x14, "e9")).toBe("é");
    expect(code(() => s(0x1a, "7f"))).toBe("X509_MALFORMED");
    expect(code(() => s(0x04, "41"))).toBe("X509_MALFORMED");
  });
});

describe("names (RFC 5280 §4.1.2.4, §7.1)", () => {
  const CN = "2.5.4.3";
  const O = "2.5.4.10";
  it("matches case-insensitively across string types with insignificant whitespace folded", () => {
    const a = name([atv(O, 0x13, "Test  Certificates ")], [atv(CN, 0x13, "Good CA")]);
    const b = name([atv(O, 0x0c, "test certificates")], [atv(CN, 0x0c, "  GOOD   ca")]);
    expect(nameEquals(a, b)).toBe(true);
    expect(nameEquals(a, name([atv(O, 0x13, "Test Certificates")], [atv(CN, 0x13, "Bad CA")]))).toBe(false);
    expect(nameEquals(a, name([atv(CN, 0x13, "Good CA")], [atv(O, 0x13, "Test Certificates")]))).toBe(false); // order matters between RDNs
    expect(nameEquals(a, name([atv(O, 0x13, "Test Certificates")]))).toBe(false);
  });
  it("treats an RDN as a set", () => {
    const a = name([atv(O, 0x13, "X"), atv(CN, 0x13, "Y")]);
    const b = name([atv(CN, 0x13, "y"), atv(O, 0x13, "x")]);
    expect(nameEquals(a, b)).toBe(true);
    expect(nameEquals(a, name([atv(O, 0x13, "X"), atv(O, 0x13, "Y")]))).toBe(false);
  });
  it("prints RFC 4514-style, exposes emailAddress, knows the empty name", () => {
    const n = name(
      [atv("2.5.4.6", 0x13, "DE")],
      [atv(O, 0x0c, "Acme, Inc.")],
      [atv(CN, 0x0c, " x+y")],
      [atv("1.2.840.113549.1.9.1", 0x16, "a@b.c")],
    );
    expect(nameToString(n)).toBe("emailAddress=a@b.c,CN=\\ x\\+y,O=Acme\\, Inc.,C=DE");
    expect(nameEmailAddresses(n)).toEqual(["a@b.c"]);
    expect(nameIsEmpty(parseName(fromHex("3000")))).toBe(true);
    expect(
      nameToString({
        der: new Uint8Array(0),
        rdns: [[{ type: "1.2.3", valueTag: 4, valueDer: fromHex("0401ff") }]],
      } as Name),
    ).toBe("1.2.3=#0401ff");
  });
  it("refuses an empty RDN SET and non-string junk in PrintableString", () => {
    expect(code(() => parseName(fromHex("30023100")))).toBe("X509_MALFORMED");
    expect(code(() => parseName(seq(set(atv(CN, 0x13, "a\u0001")))))).toBe("X509_MALFORMED");
  });
});

describe("extension decoders (RFC 5280 §4.2.1)", () => {
  it("basicConstraints: DEFAULT FALSE encoded is recorded, pathLen clamps, negatives throw", () => {
    const issues: ProfileIssue[] = [];
    expect(decodeBasicConstraints(fromHex("3003010100"), issues)).toEqual({ ca: false });
    expect(issues).toEqual(["der-ca-false-encoded"]);
    expect(decodeBasicConstraints(fromHex("30060101ff020100"))).toEqual({ ca: true, pathLenConstraint: 0 });
    expect(decodeBasicConstraints(fromHex("3000"))).toEqual({ ca: false });
    expect(code(() => decodeBasicConstraints(fromHex("30060101ff0201ff")))).toBe("X509_MALFORMED");
    expect(code(() => decodeBasicConstraints(fromHex("30060101ff02010000")))).toBe("X509_MALFORMED"); // trailing byte
  });
  it("GeneralNames: every alternative", () => {
    const dn = seq(set(atv("2.5.4.3", 0x0c, "x")));
    const v = seq(
      derEncode(0x81, utf8Encode("a@b.c")),
      derEncode(0x82, utf8Encode("example.com")),
      derEncode(0x86, utf8Encode("https://x/")),
      derEncode(0x87, fromHex("7f000001")),
      derEncode(0x88, oidFromString("1.2.3")),
      derEncode(0xa4, dn),
      derEncode(0xa0, oid("1.3.6.1.4.1.311.20.2.3"), derEncode(0xa0, derEncode(0x0c, utf8Encode("u")))),
    );
    const names = decodeGeneralNames(v);
    expect(names.map((n) => n.type)).toEqual(["email", "dns", "uri", "ip", "rid", "dn", "other"]);
    expect(names[4]).toEqual({ type: "rid", value: "1.2.3" });
    expect(names[6]).toMatchObject({ type: "other", tag: 0 });
    expect(code(() => decodeGeneralNames(seq(derEncode(0x87, fromHex("7f00000100000000")))))).toBe("X509_MALFORMED");
    expect(code(() => decodeGeneralNames(seq()))).toBe("X509_MALFORMED"); // SIZE (1..MAX)
    expect(code(() => decodeGeneralNames(seq(derEncode(0x80, utf8Encode("x")))))).toBe("X509_MALFORMED");
  });
  it("nameConstraints: address ‖ mask, minimum DEFAULT 0, empty refused", () => {
    const nc = decodeNameConstraints(seq(derEncode(0xa0, seq(derEncode(0x87, fromHex("c0a80000ffff0000"))))));
    expect(nc.permitted?.[0]).toEqual({ base: { type: "ip", value: fromHex("c0a80000ffff0000") }, minimum: 0 });
    const issues: ProfileIssue[] = [];
    decodeNameConstraints(
      seq(derEncode(0xa1, seq(derEncode(0x82, utf8Encode("x")), derEncode(0x80, fromHex("00"))))),
      issues,
    );
    expect(issues).toEqual(["der-default-encoded"]);
    expect(code(() => decodeNameConstraints(seq()))).toBe("X509_MALFORMED");
    expect(code(() => decodeNameConstraints(seq(derEncode(0xa0, seq(derEncode(0x87, fromHex("7f000001")))))))).toBe(
      "X509_MALFORMED",
    );
  });
  it("certificatePolicies refuses a repeated policy; policyConstraints needs a field", () => {
    const p = (o: string) => seq(oid(o));
    expect(decodeCertificatePolicies(seq(p("2.5.29.32.0"), p("1.2.3")))).toEqual([
      { policy: "2.5.29.32.0", qualifiers: [] },
      { policy: "1.2.3", qualifiers: [] },
    ]);
    expect(code(() => decodeCertificatePolicies(seq(p("1.2.3"), p("1.2.3"))))).toBe("X509_MALFORMED");
    expect(decodePolicyConstraints(fromHex("3003810100"))).toEqual({ inhibitPolicyMapping: 0 });
    expect(code(() => decodePolicyConstraints(fromHex("3000")))).toBe("X509_MALFORMED");
  });
});

describe("certificate structure", () => {
  it("records an explicitly encoded v1 version and refuses unknown versions and trailing bytes", () => {
    // Rebuild a real certificate with another version field (the signature does not matter to the parser).
    const der = new Uint8Array(
      readFileSync(join(import.meta.dirname, "../../../test-vectors/nist-pkits/certs/GoodCACert.crt")),
    );
    const top = readDer(der, 0);
    const outer: Uint8Array[] = [];
    for (let p = 0; p < top.contents.length; ) {
      const e = readDer(top.contents, p);
      outer.push(top.contents.subarray(e.start, e.end));
      p = e.end;
    }
    const tbs = readDer(outer[0] as Uint8Array, 0);
    const fields: Uint8Array[] = [];
    for (let p = 0; p < tbs.contents.length; ) {
      const e = readDer(tbs.contents, p);
      fields.push(tbs.contents.subarray(e.start, e.end));
      p = e.end;
    }
    const withVersion = (v: Uint8Array | undefined, rest = fields.slice(1)) =>
      seq(seq(...(v === undefined ? rest : [v, ...rest])), outer[1] as Uint8Array, outer[2] as Uint8Array);
    expect(parseCertificate(withVersion(derEncode(0xa0, fromHex("020102")))).version).toBe(3);
    // v1 with extensions: parses; both deviations recorded
    const v1 = parseCertificate(withVersion(derEncode(0xa0, fromHex("020100"))));
    expect(v1.version).toBe(1);
    expect(profileIssues(v1)).toEqual(expect.arrayContaining(["der-explicit-default-version", "extensions-before-v3"]));
    expect(code(() => parseCertificate(withVersion(derEncode(0xa0, fromHex("020103")))))).toBe("X509_MALFORMED");
    expect(code(() => parseCertificate(withVersion(derEncode(0xa0, fromHex("0201020500")))))).toBe("X509_MALFORMED");
    // no version at all (v1 by DEFAULT)
    expect(parseCertificate(withVersion(undefined)).version).toBe(1);
    // a field after extensions, and bytes after the certificate
    expect(code(() => parseCertificate(withVersion(fields[0], [...fields.slice(1), fromHex("0500")])))).toBe(
      "X509_MALFORMED",
    );
    const trailing = new Uint8Array(der.length + 1);
    trailing.set(der);
    expect(code(() => parseCertificate(trailing))).toBe("X509_MALFORMED");
    // the result does not alias the caller's buffer
    const copy = der.slice();
    const c = parseCertificate(copy);
    copy.fill(0);
    expect(c.tbs[0]).toBe(0x30);
    expect(nameToString(c.subject)).toBe("CN=Good CA,O=Test Certificates 2011,C=US");
  });
  it("PEM: BEGIN without END and non-base64 bodies are malformed", () => {
    expect(code(() => pemBlocks("-----BEGIN CERTIFICATE-----\nAAAA\n", "CERTIFICATE"))).toBe("X509_MALFORMED");
    expect(code(() => pemBlocks("-----BEGIN CERTIFICATE-----\nA*AA\n-----END CERTIFICATE-----", "CERTIFICATE"))).toBe(
      "X509_MALFORMED",
    );
    expect(pemBlocks("junk\n-----BEGIN X-----\nAQI=\n-----END X-----\nmore", "X")).toEqual([fromHex("0102")]);
    expect(code(() => parseCertificate(fromHex("3000")))).toBe("X509_MALFORMED");
    expect(code(() => parseCertificate("x" as unknown as Uint8Array))).toBe("INVALID_ARGUMENT");
  });
});
