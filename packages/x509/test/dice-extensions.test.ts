import { execFileSync } from "node:child_process";
import { fromHex, isRotkitError, toHex } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import {
  type Certificate,
  decodeDiceExtensions,
  decodeDiceTcbInfo,
  decodeMultiTcbInfo,
  decodeMultiTcbInfoComp,
  decodeOpenDiceInput,
  decodeOperationalFlags,
  decodeRiotCompositeDeviceId,
  decodeTcbInfoOrRiot,
  diceKeyPurposeNames,
  expandMultiTcbInfoComp,
  OID_OPEN_DICE_INPUT,
  OID_TCG_DICE_MULTI_TCB_INFO,
  OID_TCG_DICE_TCB_INFO,
} from "../src/index.js";
import { loadCert, readVector, VERAISON_X509_CHAIN, vectorPath } from "./dice-fixtures.js";

const CAL = "dice-caliptra";
const VER = "dice-veraison";
const KAT = "open-dice-kat";

// The MultiTcbInfo of the Caliptra FMC alias certificate (ecc and mldsa carry the same value).
const FMC_FWID_0 = "89174d323270f9d456b0862335949437959be8a134458df89821cb50e2ac11843daa5b5a5a6bacf74ef8bdffd422e20b";
const FMC_FWID_1 = "83ffe184760328cf1263026aacbc9d81e5d143d4fdc6253afcee3210f7c25bfcad4cae405b8b2811403bb3f1e3e85c19";

function extValue(cert: Certificate, oid: string): Uint8Array {
  const ext = cert.extensions.find((e) => e.oid === oid);
  if (!ext) throw new Error(`no extension ${oid}`);
  return ext.value;
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (isRotkitError(e)) return e.code;
    throw e;
  }
}

describe("Caliptra DICE certificates (chipsalliance/caliptra-sw smoke test data)", () => {
  it("LDevID (ECC): UEID of 17 zero bytes, EKU identityLoc + ECA, no TcbInfo", () => {
    const d = decodeDiceExtensions(loadCert(CAL, "ldevid_cert_ecc.der"));
    expect(toHex(d.ueid!.ueid)).toBe("00".repeat(17));
    expect(d.diceKeyPurposes).toEqual(["identityLoc", "ECA"]);
    expect(d.tcbInfo).toBeUndefined();
    expect(d.multiTcbInfo).toBeUndefined();
    expect(d.errors).toEqual([]);
  });

  it("FMC alias (ECC): MultiTcbInfo with DEVICE_INFO and FMC_INFO entries", () => {
    const d = decodeDiceExtensions(loadCert(CAL, "fmc_alias_cert_ecc.der"));
    expect(toHex(d.ueid!.ueid)).toBe("00".repeat(17));
    expect(d.diceKeyPurposes).toEqual([]);
    const [dev, fmc] = d.multiTcbInfo!;
    expect(d.multiTcbInfo).toHaveLength(2);

    expect(new TextDecoder().decode(dev!.type)).toBe("DEVICE_INFO");
    expect(dev!.svn).toBe(0x0107);
    expect(dev!.fwids).toHaveLength(1);
    expect(dev!.fwids![0]!.hashAlg).toBe("2.16.840.1.101.3.4.2.2");
    expect(dev!.fwids![0]!.hashAlgName).toBe("SHA-384");
    expect(toHex(dev!.fwids![0]!.digest)).toBe(FMC_FWID_0);
    // flags: 32-bit BIT STRING 00000001 -> only bit 31 (unnamed) set; flagsMask D0000001 -> bits 0, 1, 3, 31.
    expect(dev!.flags!.setBits).toEqual([31]);
    expect(dev!.flags!.names).toEqual([]);
    expect(dev!.flagsMask!.setBits).toEqual([0, 1, 3, 31]);
    expect(dev!.flagsMask!.names).toEqual(["notConfigured", "notSecure", "debug"]);
    expect(dev!.vendor).toBeUndefined();
    expect(dev!.layer).toBeUndefined();
    expect(dev!.unknown).toEqual([]);

    expect(new TextDecoder().decode(fmc!.type)).toBe("FMC_INFO");
    expect(fmc!.svn).toBe(0x0109);
    expect(toHex(fmc!.fwids![0]!.digest)).toBe(FMC_FWID_1);
    expect(fmc!.flags).toBeUndefined();
    expect(fmc!.flagsMask).toBeUndefined();
  });

  it("RT alias (redacted): UEID and EKU decode; the redacted (ASCII D) TcbInfo is X509_MALFORMED (lenient: collected)", () => {
    const cert = loadCert(CAL, "rt_alias_cert_redacted.der");
    expect(code(() => decodeDiceExtensions(cert))).toBe("X509_MALFORMED");
    const d = decodeDiceExtensions(cert, { lenient: true });
    expect(toHex(d.ueid!.ueid)).toBe("00".repeat(17));
    expect(d.diceKeyPurposes).toEqual(["ECA"]);
    expect(d.errors.map((e) => e.oid)).toEqual([OID_TCG_DICE_TCB_INFO]);
    expect(d.errors[0]!.error.message).toMatch(/tcg-dice-TcbInfo: expected tag 0x30, found 0x44 at offset 0/);
  });

  it("rom-latest FMC alias (redacted): the redacted MultiTcbInfo is reported, with field and offset", () => {
    const cert = loadCert(CAL, "rom-latest/fmc_alias_cert_redacted.der");
    const d = decodeDiceExtensions(cert, { lenient: true });
    expect(d.errors.map((e) => e.oid)).toEqual([OID_TCG_DICE_MULTI_TCB_INFO]);
    expect(d.diceKeyPurposes).toEqual(["ECA", "attestLoc"]);
  });

  it("ML-DSA-87 variants decode the same DICE extensions (the algorithm does not matter to decoding)", () => {
    const ldevid = decodeDiceExtensions(loadCert(CAL, "ldevid_cert_mldsa.der"));
    expect(ldevid.diceKeyPurposes).toEqual(["identityLoc", "ECA"]);
    expect(toHex(ldevid.ueid!.ueid)).toBe("00".repeat(17));
    const fmc = decodeDiceExtensions(loadCert(CAL, "fmc_alias_cert_mldsa.der"));
    expect(fmc.multiTcbInfo!.map((t) => t.svn)).toEqual([0x0107, 0x0109]);
    expect(toHex(fmc.multiTcbInfo![1]!.fwids![0]!.digest)).toBe(FMC_FWID_1);
  });
});

describe("Open-DICE X.509 chain (veraison/dice open/test)", () => {
  // First bytes of the codeHash of each CDI certificate (checked against openssl asn1parse).
  const CODE_HASH_PREFIX = ["0cb6f7a8", "5bb0a81c", "366a7b1e", "b8cf68ee", "585f04bf", "3d98fa40", "c9e96d79"];

  it("the UDS certificate has no DICE extension", () => {
    const d = decodeDiceExtensions(loadCert(VER, VERAISON_X509_CHAIN[0]!));
    expect(d.openDice).toBeUndefined();
    expect(d.diceKeyPurposes).toEqual([]);
  });

  it("each CDI certificate carries OpenDiceInput: 64-byte code/config/authority values, mode normal", () => {
    VERAISON_X509_CHAIN.slice(1).forEach((file, i) => {
      const cert = loadCert(VER, file);
      // Open-DICE marks its extension critical; decoding does not depend on it.
      expect(cert.extensions.find((e) => e.oid === OID_OPEN_DICE_INPUT)?.critical).toBe(true);
      const o = decodeDiceExtensions(cert).openDice!;
      expect(toHex(o.codeHash!).slice(0, 8)).toBe(CODE_HASH_PREFIX[i]);
      expect(o.codeHash).toHaveLength(64);
      expect(o.configurationDescriptor).toHaveLength(64);
      expect(o.authorityHash).toHaveLength(64);
      expect(o.codeDescriptor).toBeUndefined();
      expect(o.configurationHash).toBeUndefined();
      expect(o.profileName).toBeUndefined();
      expect(o.mode).toBe(1);
      expect(o.modeName).toBe("normal");
      expect(o.missingRequired).toEqual([]);
    });
  });

  it("interop: the decoded chain_0 OpenDiceInput equals openssl asn1parse's view of the same bytes", () => {
    let out: string;
    try {
      const file = vectorPath(VER, VERAISON_X509_CHAIN[1]!);
      const outer = execFileSync("openssl", ["asn1parse", "-inform", "DER", "-in", file], { encoding: "utf8" });
      const line = outer.split("\n").findIndex((l) => l.includes(":1.3.6.1.4.1.11129.2.1.24"));
      const octet = outer
        .split("\n")
        .slice(line + 1)
        .find((l) => l.includes("OCTET STRING"))!;
      const offset = octet.trim().split(":")[0]!;
      out = execFileSync("openssl", ["asn1parse", "-inform", "DER", "-in", file, "-strparse", offset], {
        encoding: "utf8",
      });
    } catch {
      return; // openssl not installed: nothing to compare with
    }
    const hexDumps = [...out.matchAll(/\[HEX DUMP\]:([0-9A-F]+)/g)].map((m) => m[1]!.toLowerCase());
    const enumerated = /ENUMERATED\s+:(\d+)/.exec(out)?.[1];
    const tags = [...out.matchAll(/cont \[ (\d+) \]/g)].map((m) => Number(m[1]));
    const o = decodeOpenDiceInput(extValue(loadCert(VER, VERAISON_X509_CHAIN[1]!), OID_OPEN_DICE_INPUT));
    expect(tags).toEqual([0, 3, 4, 6]);
    expect(hexDumps).toEqual([toHex(o.codeHash!), toHex(o.configurationDescriptor!), toHex(o.authorityHash!)]);
    expect(Number(enumerated)).toBe(o.mode);
  });

  it("interop: the decoded Caliptra MultiTcbInfo fwids and svn equal openssl asn1parse's", () => {
    let out: string;
    try {
      out = execFileSync(
        "openssl",
        ["asn1parse", "-inform", "DER", "-in", vectorPath(CAL, "fmc_alias_cert_ecc.der"), "-strparse", "522"],
        { encoding: "utf8" },
      );
    } catch {
      return;
    }
    const digests = [...out.matchAll(/OCTET STRING\s+\[HEX DUMP\]:([0-9A-F]+)/g)].map((m) => m[1]!.toLowerCase());
    const algs = [...out.matchAll(/OBJECT\s+:(\S+)/g)].map((m) => m[1]);
    const multi = decodeMultiTcbInfo(extValue(loadCert(CAL, "fmc_alias_cert_ecc.der"), OID_TCG_DICE_MULTI_TCB_INFO));
    expect(digests).toEqual(multi.map((t) => toHex(t.fwids![0]!.digest)));
    expect(algs).toEqual(["sha384", "sha384"]);
    expect(multi.map((t) => t.fwids![0]!.hashAlgName)).toEqual(["SHA-384", "SHA-384"]);
  });
});

describe("Open-DICE known-answer X.509 certificates (google/open-dice known_test_values.h)", () => {
  it("zero input: all-zero hashes, mode notConfigured, profile name opendice.example", () => {
    const o = decodeDiceExtensions(loadCert(KAT, "x509_p256_zero.der")).openDice!;
    expect(toHex(o.codeHash!)).toBe("00".repeat(64));
    expect(toHex(o.configurationDescriptor!)).toBe("00".repeat(64));
    expect(toHex(o.authorityHash!)).toBe("00".repeat(64));
    expect(o.mode).toBe(0);
    expect(o.modeName).toBe("notConfigured");
    expect(o.profileName).toBe("opendice.example");
  });

  it("hash_only and descriptor inputs: same code hash, the descriptor variant adds descriptors", () => {
    const hashOnly = decodeDiceExtensions(loadCert(KAT, "x509_p256_hash_only.der")).openDice!;
    const desc = decodeDiceExtensions(loadCert(KAT, "x509_p256_descriptor.der")).openDice!;
    expect(toHex(hashOnly.codeHash!).slice(0, 16)).toBe("b7d40ccb225ba578");
    expect(toHex(desc.codeHash!)).toBe(toHex(hashOnly.codeHash!));
    expect(hashOnly.codeDescriptor).toBeUndefined();
    expect(desc.codeDescriptor).toBeDefined();
    expect(desc.configurationHash).toHaveLength(64);
    expect(desc.authorityDescriptor).toBeDefined();
    expect(toHex(desc.authorityHash!)).toBe(toHex(hashOnly.authorityHash!));
    expect(desc.profileName).toBe("opendice.example");
  });

  it("every KAT X.509 certificate (Ed25519, P-256, ML-DSA) decodes its OpenDiceInput", () => {
    for (const f of [
      "x509_ed25519_descriptor.der",
      "x509_mldsa65_descriptor.der",
      "x509_mldsa65_hash_only.der",
      "x509_mldsa87_descriptor.der",
      "x509_mldsa87_hash_only.der",
      "x509_mldsa87_zero.der",
    ]) {
      const o = decodeDiceExtensions(loadCert(KAT, f)).openDice!;
      expect(o.codeHash, f).toHaveLength(64);
      expect(o.modeName, f).toBe("notConfigured");
      expect(o.missingRequired, f).toEqual([]);
    }
  });
});

describe("legacy RIoT extension under 2.23.133.5.4.1 (veraison/dice tcg/test/riot-ext.der)", () => {
  const riotExt = readVector(VER, "riot-ext.der");

  it("is detected as RIoT and decodes version, P-256 DeviceID and SHA-256 FWID", () => {
    const r = decodeTcbInfoOrRiot(riotExt);
    expect(r.kind).toBe("riot");
    const riot = decodeRiotCompositeDeviceId(riotExt);
    expect(riot.id).toBe("2.23.133.5.4.1");
    expect(riot.version).toBe(1);
    expect(riot.deviceIdKey).toMatchObject({ kty: "EC", crv: "P-256" });
    expect(toHex((riot.deviceIdKey as { x: Uint8Array }).x).slice(0, 8)).toBe("9f346625");
    expect(riot.fwid.hashAlgName).toBe("SHA-256");
    expect(toHex(riot.fwid.digest)).toBe("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  });

  it("a strict DiceTcbInfo decoder rejects it (constructed [0] where vendor is primitive)", () => {
    expect(code(() => decodeDiceTcbInfo(riotExt))).toBe("X509_MALFORMED");
  });
});

describe("DiceTcbInfo decoder details", () => {
  // SEQUENCE { vendor "V", model "M", version "1.0", svn 5, layer 2, index 0, fwids {sha256, 32 bytes},
  //            flags '1001'B (notConfigured, debug), vendorInfo 01 02, type "T", [10] flagsMask, [11] SEQUENCE {} }
  const fwid = `302d0609608648016503040201${"0420"}${"ab".repeat(32)}`;
  const fields = [
    "800156",
    "81014d",
    "8203312e30",
    "830105",
    "840102",
    "850100",
    `a62f${fwid}`,
    "87020490",
    "88020102",
    "890154",
    "8a0204f0",
    "ab00",
  ].join("");
  const tcb = fromHex(`30${(fields.length / 2).toString(16)}${fields}`);

  it("decodes every field, flagsMask [10], and keeps [11] raw", () => {
    const t = decodeDiceTcbInfo(tcb);
    expect(t).toMatchObject({ vendor: "V", model: "M", version: "1.0", svn: 5, layer: 2, index: 0 });
    expect(t.fwids![0]!.hashAlgName).toBe("SHA-256");
    expect(t.flags!.names).toEqual(["notConfigured", "debug"]);
    expect(t.flags!.unusedBits).toBe(4);
    expect(toHex(t.vendorInfo!)).toBe("0102");
    expect(t.flagsMask!.names).toEqual(["notConfigured", "notSecure", "recovery", "debug"]);
    expect(t.unknown).toEqual([{ tag: 11, constructed: true, der: fromHex("ab00") }]);
  });

  it("a constructed [10] (integrityRegisters-style) is kept raw, not read as flagsMask", () => {
    const t = decodeDiceTcbInfo(fromHex("3007830101aa023000"));
    expect(t.svn).toBe(1);
    expect(t.flagsMask).toBeUndefined();
    expect(t.unknown[0]).toMatchObject({ tag: 10, constructed: true });
  });

  it("errors name the field and the offset", () => {
    const bad = [
      ["3003830180", /DiceTcbInfo\.svn: negative INTEGER at offset 2/],
      ["30068301018201ff", /DiceTcbInfo: field \[2\] out of order or repeated at offset 5/],
      ["3002a600", /DiceTcbInfo\.fwids: empty FWIDLIST/],
      ["3004830200 01".replace(" ", ""), /DiceTcbInfo\.svn: non-minimal INTEGER at offset 2/],
      ["3003870101", /DiceTcbInfo\.flags: bad unused-bits count at offset 2/],
      ["30040c025858", /DiceTcbInfo: unexpected non-context tag 0xc at offset 2/],
      ["3003830101ff", /DiceTcbInfo: trailing bytes after the value at offset 5/],
      ["30058003ffffff", /DiceTcbInfo\.vendor: invalid UTF-8 at offset 2/],
    ] as const;
    for (const [hex, re] of bad) {
      let msg = "";
      try {
        decodeDiceTcbInfo(fromHex(hex));
      } catch (e) {
        expect(isRotkitError(e, "X509_MALFORMED"), hex).toBe(true);
        msg = (e as Error).message;
      }
      expect(msg, hex).toMatch(re);
    }
  });

  it("MultiTcbInfoComp: common fields fill each entry", () => {
    // SEQUENCE { commonFields { vendor "V" }, SEQUENCE OF { {svn 1}, {svn 2, vendor "W"} } }
    const comp = decodeMultiTcbInfoComp(fromHex("3014" + "3003800156" + "300d" + "3003830101" + "3006800157830102"));
    expect(expandMultiTcbInfoComp(comp).map((t) => [t.vendor, t.svn])).toEqual([
      ["V", 1],
      ["W", 2],
    ]);
    expect(code(() => decodeMultiTcbInfoComp(fromHex("30053003800156")))).toBe("X509_MALFORMED");
  });

  it("OperationalFlags helper and key purpose names", () => {
    expect(decodeOperationalFlags(fromHex("0000ff80")).names).toEqual(["notTcb"]);
    expect(decodeOperationalFlags(fromHex("0000ff80")).setBits).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(decodeOperationalFlags(fromHex("07ff80")).names).toEqual([
      "notConfigured",
      "notSecure",
      "recovery",
      "debug",
      "notReplayProtected",
      "notIntegrityProtected",
      "notRuntimeMeasured",
      "notImmutable",
      "notTcb",
    ]);
    expect(diceKeyPurposeNames(["2.23.133.5.4.100.6", "2.23.133.5.4.100.99", "1.3.6.1.5.5.7.3.1"])).toEqual([
      "identityInit",
      "2.23.133.5.4.100.99",
    ]);
  });

  it("Open-DICE: INTEGER mode accepted, invalid mode treated as notConfigured, missing required fields listed", () => {
    const o = decodeOpenDiceInput(fromHex("3005a603020107"));
    expect(o.mode).toBe(7);
    expect(o.modeName).toBe("notConfigured");
    expect(o.missingRequired).toEqual(["codeHash", "configurationDescriptor", "authorityHash"]);
    expect(code(() => decodeOpenDiceInput(fromHex("300386010a")))).toBe("X509_MALFORMED"); // IMPLICIT, not EXPLICIT
  });
});
