import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RotkitError, toHex } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import {
  type Certificate,
  type GeneralName,
  KeyUsageBit,
  parseCertificate,
  parseCrl,
  profileIssues,
} from "../src/index.js";

// Every NIST PKITS certificate and CRL parses; the fields validation depends on agree with node:crypto
// (OpenSSL's parser) and with `openssl x509 -text` — the interop check for the parser.

const DIR = join(import.meta.dirname, "../../../test-vectors/nist-pkits");
const certFiles = readdirSync(join(DIR, "certs"))
  .filter((f) => f.endsWith(".crt"))
  .sort();
const crlFiles = readdirSync(join(DIR, "crls"))
  .filter((f) => f.endsWith(".crl"))
  .sort();
const read = (sub: string, f: string) => new Uint8Array(readFileSync(join(DIR, sub, f)));

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Attribute values in DER order, as node prints them one "key=value" per line (none of PKITS needs escaping). */
function nameValues(name: Certificate["subject"]): string[] {
  return name.rdns.flatMap((rdn) => rdn.map((a) => a.text ?? ""));
}
function nodeNameValues(text: string | undefined): string[] {
  return (text ?? "")
    .split("\n")
    .filter((l) => l !== "")
    .flatMap((l) => l.split("+").map((p) => p.slice(p.indexOf("=") + 1).replace(/\\(.)/g, "$1")));
}
function sanText(names: GeneralName[] | undefined): string[] {
  const out: string[] = [];
  for (const n of names ?? []) {
    if (n.type === "dns") out.push(`DNS:${n.value}`);
    else if (n.type === "email") out.push(`email:${n.value}`);
    else if (n.type === "uri") out.push(`URI:${n.value}`);
  }
  return out;
}
/** Colon-separated uppercase hex as `openssl -text` prints key identifiers. */
const colonHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, "0")).join(":");

describe("NIST PKITS certificates", () => {
  const parsed = new Map<string, Certificate>();
  it("parses every certificate", () => {
    const failures: string[] = [];
    for (const f of certFiles) {
      try {
        parsed.set(f, parseCertificate(read("certs", f)));
      } catch (e) {
        failures.push(`${f}: ${e instanceof RotkitError ? e.code : "NOT A ROTKIT ERROR"} ${String(e)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(parsed.size).toBe(certFiles.length);
    expect(certFiles.length).toBe(405);
  });

  it("records the deliberate deviations as profile issues", () => {
    const issues = (f: string) => profileIssues(parsed.get(f) ?? parseCertificate(read("certs", f)));
    expect(issues("InvalidNegativeSerialNumberTest15EE.crt")).toContain("serial-not-positive");
    // notBefore 1997 as GeneralizedTime (RFC 5280 §4.1.2.5 wants UTCTime before 2050); notAfter 1999 as UTCTime
    expect(issues("Invalidpre2000UTCEEnotAfterDateTest7EE.crt")).toEqual(["time-encoding"]);
    expect(issues("ValidGeneralizedTimenotBeforeDateTest4EE.crt")).toContain("time-encoding");
    expect(issues("basicConstraintsNotCriticalCACert.crt")).toContain("ca-basic-constraints-not-critical");
    expect(issues("MappingToanyPolicyCACert.crt")).toContain("policy-mappings-any-policy");
    // 4.1.2: the signature BIT STRING had its unused-bits octet changed: parses, but cannot verify.
    const bad = parseCertificate(read("certs", "BadSignedCACert.crt"));
    expect(bad.signature.length).toBe(0);
    expect(profileIssues(bad)).toContain("signature-not-octets");
  });

  it("agrees with node:crypto on subject, issuer, serial, validity, SAN and CA flag", () => {
    let compared = 0;
    for (const f of certFiles) {
      const der = read("certs", f);
      const ours = parseCertificate(der);
      const theirs = new X509Certificate(der);
      expect(nameValues(ours.subject), `${f} subject`).toEqual(nodeNameValues(theirs.subject));
      expect(nameValues(ours.issuer), `${f} issuer`).toEqual(nodeNameValues(theirs.issuer));
      if (((ours.serialNumber[0] as number) & 0x80) === 0) {
        expect(
          toHex(ours.serialNumber)
            .replace(/^(00)+(?=.)/, "")
            .toUpperCase(),
          `${f} serial`,
        ).toBe(theirs.serialNumber.replace(/^(00)+(?=.)/, ""));
      }
      expect(ours.notBefore * 1000, `${f} notBefore`).toBe(Date.parse(theirs.validFrom));
      expect(ours.notAfter * 1000, `${f} notAfter`).toBe(Date.parse(theirs.validTo));
      // node's `ca` is OpenSSL's X509_check_ca: basicConstraints cA and, if keyUsage is present, keyCertSign.
      const ku = ours.ext.keyUsage;
      const ca =
        ours.ext.basicConstraints?.ca === true && (ku === undefined || (ku & (1 << KeyUsageBit.keyCertSign)) !== 0);
      expect(ca, `${f} ca`).toBe(theirs.ca);
      const theirSan = (theirs.subjectAltName ?? "").split(", ").filter((s) => /^(DNS|email|URI):/.test(s));
      expect(sanText(ours.ext.subjectAltName), `${f} SAN`).toEqual(theirSan);
      compared++;
    }
    expect(compared).toBe(405);
  });

  it.skipIf(!hasOpenssl())("agrees with openssl -text on SKI, AKI, pathLen and key usage", () => {
    const KU = [
      "Digital Signature",
      "Non Repudiation",
      "Key Encipherment",
      "Data Encipherment",
      "Key Agreement",
      "Certificate Sign",
      "CRL Sign",
      "Encipher Only",
      "Decipher Only",
    ];
    // One openssl run for all 405: bundle them as PKCS#7 and print each certificate's text, in order.
    const pem = certFiles
      .map(
        (f) =>
          `-----BEGIN CERTIFICATE-----\n${Buffer.from(read("certs", f)).toString("base64")}\n-----END CERTIFICATE-----\n`,
      )
      .join("");
    const dir = mkdtempSync(join(tmpdir(), "rotkit-pkits-"));
    writeFileSync(join(dir, "all.pem"), pem);
    const p7 = execFileSync("openssl", ["crl2pkcs7", "-nocrl", "-certfile", join(dir, "all.pem"), "-outform", "DER"]);
    const all = execFileSync("openssl", ["pkcs7", "-inform", "DER", "-print_certs", "-text", "-noout"], {
      input: p7,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    const texts = all.split(/^Certificate:\n/m).slice(1);
    expect(texts.length).toBe(certFiles.length);
    for (const [k, f] of certFiles.entries()) {
      const text = texts[k] as string;
      const c = parseCertificate(read("certs", f));
      const ski = /X509v3 Subject Key Identifier: *\n\s*([0-9A-F:]+)/.exec(text)?.[1];
      expect(
        c.ext.subjectKeyIdentifier === undefined ? undefined : colonHex(c.ext.subjectKeyIdentifier),
        `${f} SKI`,
      ).toBe(ski);
      const aki = /X509v3 Authority Key Identifier: *\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
      const ourAki = c.ext.authorityKeyIdentifier?.keyIdentifier;
      expect(ourAki === undefined ? undefined : colonHex(ourAki), `${f} AKI`).toBe(aki);
      const pathLen = /pathlen:(\d+)/.exec(text)?.[1];
      expect(c.ext.basicConstraints?.pathLenConstraint, `${f} pathlen`).toBe(
        pathLen === undefined ? undefined : Number(pathLen),
      );
      const kuLine = /X509v3 Key Usage:.*\n\s*(.*)\n/.exec(text)?.[1];
      const ku = c.ext.keyUsage;
      const ours = ku === undefined ? undefined : KU.filter((_, i) => (ku & (1 << i)) !== 0).join(", ");
      expect(ours, `${f} keyUsage`).toBe(kuLine);
    }
  });
});

describe("NIST PKITS CRLs", () => {
  it("parses every CRL and agrees with openssl on the revoked serials", () => {
    const failures: string[] = [];
    let entries = 0;
    for (const f of crlFiles) {
      try {
        const crl = parseCrl(read("crls", f));
        entries += crl.revoked.length;
        expect(crl.thisUpdate).toBeLessThan(crl.nextUpdate ?? Number.POSITIVE_INFINITY);
      } catch (e) {
        failures.push(`${f}: ${e instanceof RotkitError ? e.code : "NOT A ROTKIT ERROR"} ${String(e)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(crlFiles.length).toBe(173);
    expect(entries).toBeGreaterThan(0);
  });

  it.skipIf(!hasOpenssl())("revoked serials, reasons and CRL numbers match openssl crl -text", () => {
    for (const f of crlFiles) {
      const text = execFileSync("openssl", ["crl", "-inform", "DER", "-noout", "-text", "-in", join(DIR, "crls", f)], {
        encoding: "utf8",
      });
      const crl = parseCrl(read("crls", f));
      const serials = [...text.matchAll(/Serial Number: (-?[0-9A-F]+)/g)].map((m) =>
        (m[1] as string).replace(/^0+(?=.)/, ""),
      );
      // openssl prints a negative serial as "-magnitude"; the one in PKITS is 0xFF = -1.
      const ourHex = (s: Uint8Array) =>
        ((s[0] as number) & 0x80) !== 0
          ? `-${(-BigInt.asIntN(s.length * 8, BigInt(`0x${toHex(s)}`))).toString(16).toUpperCase().padStart(2, "0")}`
          : toHex(s)
              .toUpperCase()
              .replace(/^0+(?=.)/, "");
      expect(
        crl.revoked.map((r) => ourHex(r.serialNumber)),
        `${f} serials`,
      ).toEqual(serials);
      const num = /X509v3 CRL Number: *\n\s*(\d+)/.exec(text)?.[1];
      if (num !== undefined)
        expect(BigInt(`0x${toHex(crl.crlNumber ?? new Uint8Array(1))}`).toString(), `${f} number`).toBe(num);
      expect(crl.revoked.filter((r) => r.reason !== undefined).length, `${f} reasons`).toBe(
        [...text.matchAll(/X509v3 CRL Reason Code:/g)].length,
      );
      expect(crl.deltaCrlIndicator !== undefined, `${f} delta`).toBe(text.includes("Delta CRL Indicator"));
      expect(crl.issuingDistributionPoint !== undefined, `${f} IDP`).toBe(text.includes("Issuing Distribution Point"));
    }
  });
});
