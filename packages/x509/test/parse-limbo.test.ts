import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { RotkitError } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { parseCertificatePem, parseCrlPem, profileIssues } from "../src/index.js";

// Every certificate PEM of the x509-limbo vectors goes through the parser. Certificates that limbo made malformed
// on purpose must end in a RotkitError (X509_MALFORMED); everything else must parse. The lists below are the
// parser's verdicts, pinned: a change shows up as a diff here.

interface LimboCase {
  id: string;
  expected_result: "SUCCESS" | "FAILURE";
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  crls?: string[];
}

const DIR = join(import.meta.dirname, "../../../test-vectors/x509-limbo");

function run(cases: LimboCase[]): { parsed: number; failures: Map<string, string>; issues: Map<string, string[]> } {
  const failures = new Map<string, string>();
  const issues = new Map<string, string[]>();
  let parsed = 0;
  for (const c of cases) {
    const pems = [...c.trusted_certs, ...c.untrusted_intermediates, c.peer_certificate];
    for (const [k, pem] of pems.entries()) {
      const where = `${c.id}#${k === pems.length - 1 ? "peer" : k}`;
      try {
        const certs = parseCertificatePem(pem);
        expect(certs.length, where).toBe(1);
        parsed++;
        const found = profileIssues(certs[0] as NonNullable<(typeof certs)[0]>);
        if (found.length > 0) issues.set(where, found);
      } catch (e) {
        if (!(e instanceof RotkitError)) throw new Error(`${where}: not a RotkitError: ${String(e)}`, { cause: e });
        failures.set(where, `${e.code}: ${e.message}`);
      }
    }
    for (const pem of c.crls ?? []) parseCrlPem(pem);
  }
  return { parsed, failures, issues };
}

describe("x509-limbo certificates", () => {
  const dev = JSON.parse(readFileSync(join(DIR, "limbo-dev.json"), "utf8")) as { testcases: LimboCase[] };

  it("limbo-dev: all parse except the deliberately malformed ones", () => {
    const { parsed, failures } = run(dev.testcases);
    // Each of these cases expects FAILURE, and the reason is in the encoding the parser refuses.
    expect([...failures.keys()].sort()).toEqual([
      "rfc5280::duplicate-extensions#peer", // §4.2: two subjectAltName extensions
      "rfc5280::nc::invalid-ipv4-address#0", // name constraint iPAddress of 4 octets (must be 8: address ‖ mask)
      "rfc5280::nc::nc-permits-invalid-ip-san#peer", // SAN iPAddress of 8 octets (must be 4 or 16)
      "rfc5280::san::malformed#peer", // SAN value is ASCII text, not DER
      "webpki::nc::intermediate-permitted-excluded-subtrees-both-null#1", // empty NameConstraints (§4.2.1.10)
    ]);
    for (const [where, why] of failures) {
      expect(why, where).toMatch(/^X509_MALFORMED/);
      const id = where.slice(0, where.indexOf("#"));
      expect(dev.testcases.find((c) => c.id === id)?.expected_result, where).toBe("FAILURE");
    }
    expect(parsed).toBe(310);
  });

  it("limbo-dev: the profile-level deviations are recorded, not thrown", () => {
    const { issues } = run(dev.testcases);
    // Somewhere in the case's certificates (which one is limbo's choice).
    const has = (id: string, issue: string) => {
      const found = [...issues].filter(([w]) => w.startsWith(`${id}#`)).flatMap(([, i]) => i);
      expect(found, id).toContain(issue);
    };
    has("rfc5280::aki::critical-aki", "aki-critical");
    has("rfc5280::ski::critical-ski", "ski-critical");
    has("rfc5280::serial::zero", "serial-not-positive");
    has("rfc5280::mismatching-signature-algorithm", "signature-algorithm-mismatch");
    has("rfc5280::san::noncritical-with-empty-subject", "empty-subject-without-critical-san");
    has("rfc5280::nc::not-allowed-in-ee-critical", "name-constraints-in-non-ca");
    has("rfc5280::nc::permitted-dns-match-noncritical", "name-constraints-not-critical");
    has("rfc5280::pc::ica-noncritical-pc", "policy-constraints-not-critical");
    has("rfc5280::ca-empty-subject", "empty-issuer");
    has("rfc5280::root-inconsistent-ca-extensions", "key-usage-empty");
    has("webpki::aki::root-with-aki-authoritycertissuer", "aki-issuer-serial-unpaired");
  });

  it("BetterTLS sample (gzip): every certificate parses or fails with a RotkitError", () => {
    const sample = JSON.parse(
      gunzipSync(readFileSync(join(DIR, "limbo-bettertls-sample.json.gz"))).toString("utf8"),
    ) as {
      testcases: LimboCase[];
    };
    expect(sample.testcases.length).toBe(2410);
    const { parsed, failures } = run(sample.testcases);
    // 129 peer certificates carry a subjectAltName that is not DER of GeneralNames: primitive [0]/[3]/[4]/[5]
    // (otherName, x400Address, directoryName and ediPartyName are constructed), tags [9]..[15] that GeneralName does
    // not have, or an iPAddress that is neither 4 nor 16 octets. Every one of those cases expects FAILURE.
    expect(failures.size).toBe(129);
    for (const [where, why] of failures) {
      expect(where, why).toMatch(/#peer$/);
      expect(why, where).toMatch(/^X509_MALFORMED: certificate: extension subjectAltName \(2\.5\.29\.17\)/);
      const id = where.slice(0, where.indexOf("#"));
      expect(sample.testcases.find((c) => c.id === id)?.expected_result, where).toBe("FAILURE");
    }
    expect(parsed).toBeGreaterThan(7000);
  });
});
