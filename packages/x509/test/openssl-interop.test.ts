import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RotkitError, webCryptoProvider } from "@rotkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValidatePathOptions } from "../src/options.js";
import { validatePath } from "../src/validate.js";

// OpenSSL interop: a small PKI made with the `openssl` CLI in a temp dir (root → intermediate with nameConstraints
// and pathlen:0 → leaves), each scenario judged by rotkit's validatePath and by `openssl verify`; the verdicts must
// agree and rotkit must name the rule it applied.

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;
if (!hasOpenssl) console.warn("openssl-interop: `openssl` is not installed; skipping the OpenSSL interop tests");

const EXT = `
[root]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[ica]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
nameConstraints=critical,permitted;DNS:example.com
[subica]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=DNS:www.example.com
[leaf_evil]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
authorityKeyIdentifier=keyid
subjectAltName=DNS:www.evil.test
[leaf_client]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
authorityKeyIdentifier=keyid
subjectAltName=DNS:www.example.com
[leaf_crit]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
authorityKeyIdentifier=keyid
subjectAltName=DNS:www.example.com
1.3.6.1.4.1.55738.666.1=critical,ASN1:NULL
`;

const CA_CNF = (dir: string) => `
[ca]
default_ca=CA_default
[CA_default]
database=${dir}/index.txt
crlnumber=${dir}/crlnumber
default_md=sha256
default_crl_days=30
crl_extensions=crl_ext
[crl_ext]
authorityKeyIdentifier=keyid:always
`;

let dir = "";
/** Set after the PKI is made: every certificate and CRL is valid by then. */
let now = 0;

function ossl(...args: string[]): string {
  return execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function key(name: string): void {
  ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`);
}

function issue(name: string, subject: string, issuer: string, section: string, days = 3650): void {
  key(name);
  ossl("req", "-new", "-key", `${name}.key`, "-subj", subject, "-out", `${name}.csr`);
  ossl(
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${issuer}.pem`,
    "-CAkey",
    `${issuer}.key`,
    "-CAcreateserial",
    "-days",
    String(days),
    "-sha256",
    "-extfile",
    "ext.cnf",
    "-extensions",
    section,
    "-out",
    `${name}.pem`,
  );
}

function pem(name: string): string {
  return readFileSync(join(dir, `${name}.pem`), "utf8");
}

/** `openssl verify`'s verdict: true when it prints OK. */
function opensslVerify(leaf: string, untrusted: string[], extra: string[] = []): boolean {
  const args = ["verify", "-CAfile", "root.pem", ...extra];
  if (untrusted.length > 0) {
    writeFileSync(join(dir, "untrusted.pem"), untrusted.map(pem).join(""));
    args.push("-untrusted", "untrusted.pem");
  }
  args.push(`${leaf}.pem`);
  return spawnSync("openssl", args, { cwd: dir }).status === 0;
}

async function rotkit(leaf: string, untrusted: string[], opts: Partial<ValidatePathOptions> = {}): Promise<string> {
  try {
    await validatePath({
      leaf: pem(leaf),
      intermediates: untrusted.map(pem),
      trustAnchors: [pem("root")],
      time: now,
      provider: webCryptoProvider(),
      profile: "rfc5280",
      ...opts,
    });
    return "valid";
  } catch (e) {
    if (e instanceof RotkitError) return e.code;
    throw e;
  }
}

describe.skipIf(!hasOpenssl)("OpenSSL interop: rotkit validatePath vs openssl verify", () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "rotkit-x509-"));
    writeFileSync(join(dir, "ext.cnf"), EXT);
    writeFileSync(join(dir, "ca.cnf"), CA_CNF(dir));
    writeFileSync(join(dir, "index.txt"), "");
    writeFileSync(join(dir, "crlnumber"), "01\n");
    key("root");
    ossl(
      "req",
      "-x509",
      "-new",
      "-key",
      "root.key",
      "-subj",
      "/CN=rotkit interop root",
      "-days",
      "3650",
      "-sha256",
      "-config",
      "ext.cnf",
      "-extensions",
      "root",
      "-out",
      "root.pem",
    );
    // req -x509 with -config wants a [req] section: the extfile above doubles as the config
    issue("ica", "/CN=rotkit interop ICA", "root", "ica");
    issue("leaf", "/CN=www.example.com", "ica", "leaf");
    issue("evil", "/CN=www.evil.test", "ica", "leaf_evil");
    issue("client", "/CN=client", "ica", "leaf_client");
    issue("crit", "/CN=crit", "ica", "leaf_crit");
    issue("short", "/CN=short", "ica", "leaf", 1);
    issue("subica", "/CN=rotkit interop sub-ICA", "ica", "subica");
    issue("deep", "/CN=deep", "subica", "leaf");
    issue("notca", "/CN=not a CA", "ica", "leaf");
    issue("undernotca", "/CN=under a leaf", "notca", "leaf");
    issue("revoked", "/CN=revoked", "ica", "leaf");
    // the root's key under another name: signatures verify, names do not chain
    ossl(
      "req",
      "-x509",
      "-new",
      "-key",
      "root.key",
      "-subj",
      "/CN=alias root",
      "-days",
      "3650",
      "-sha256",
      "-config",
      "ext.cnf",
      "-extensions",
      "root",
      "-out",
      "alias.pem",
    );
    ossl("ca", "-config", "ca.cnf", "-revoke", "revoked.pem", "-keyfile", "ica.key", "-cert", "ica.pem");
    ossl("ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "ica.key", "-cert", "ica.pem", "-out", "ica-crl.pem");
    now = Math.floor(Date.now() / 1000) + 1;
  }, 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a good chain with a matching host name: both accept", async () => {
    expect(opensslVerify("leaf", ["ica"], ["-verify_hostname", "www.example.com"])).toBe(true);
    expect(await rotkit("leaf", ["ica"], { peerName: { kind: "DNS", value: "www.example.com" } })).toBe("valid");
  });

  it("a host name the leaf does not carry: both reject", async () => {
    expect(opensslVerify("leaf", ["ica"], ["-verify_hostname", "other.example.com"])).toBe(false);
    expect(await rotkit("leaf", ["ica"], { peerName: { kind: "DNS", value: "other.example.com" } })).toBe(
      "X509_PEER_NAME",
    );
  });

  it("a SAN outside the intermediate's permitted subtree: both reject", async () => {
    expect(opensslVerify("evil", ["ica"])).toBe(false);
    expect(await rotkit("evil", ["ica"])).toBe("X509_NAME_CONSTRAINTS");
  });

  it("a CA under a pathlen:0 intermediate: both reject", async () => {
    expect(opensslVerify("deep", ["ica", "subica"])).toBe(false);
    expect(await rotkit("deep", ["ica", "subica"])).toBe("X509_PATH_LEN");
  });

  it("an expired leaf: both reject at a later time, both accept now", async () => {
    const later = now + 3 * 86400;
    expect(opensslVerify("short", ["ica"])).toBe(true);
    expect(await rotkit("short", ["ica"])).toBe("valid");
    expect(opensslVerify("short", ["ica"], ["-attime", String(later)])).toBe(false);
    expect(await rotkit("short", ["ica"], { time: later })).toBe("X509_EXPIRED");
  });

  it("a clientAuth-only leaf for server authentication: both reject", async () => {
    expect(opensslVerify("client", ["ica"], ["-purpose", "sslserver"])).toBe(false);
    expect(await rotkit("client", ["ica"], { extendedKeyUsage: ["serverAuth"] })).toBe("X509_EKU");
  });

  it("an unknown critical extension in the leaf: both reject", async () => {
    expect(opensslVerify("crit", ["ica"])).toBe(false);
    expect(await rotkit("crit", ["ica"])).toBe("X509_UNKNOWN_CRITICAL");
  });

  it("a certificate issued by a non-CA: both reject", async () => {
    expect(opensslVerify("undernotca", ["ica", "notca"])).toBe(false);
    expect(await rotkit("undernotca", ["ica", "notca"])).toBe("X509_NOT_CA");
  });

  it("a key that verifies under a name that does not chain: both reject, rotkit says X509_NAME_CHAINING", async () => {
    expect(spawnSync("openssl", ["verify", "-CAfile", "alias.pem", "ica.pem"], { cwd: dir }).status).not.toBe(0);
    expect(await rotkit("ica", [], { trustAnchors: [pem("alias")] })).toBe("X509_NAME_CHAINING");
  });

  it("a missing intermediate: both reject", async () => {
    expect(opensslVerify("leaf", [])).toBe(false);
    expect(await rotkit("leaf", [])).toBe("X509_NO_PATH");
  });

  it("a revoked leaf with the intermediate's CRL: both reject; the good leaf passes the same CRL", async () => {
    const crl = readFileSync(join(dir, "ica-crl.pem"), "utf8");
    const crlArgs = ["-crl_check", "-CRLfile", "ica-crl.pem"];
    expect(opensslVerify("revoked", ["ica"], crlArgs)).toBe(false);
    expect(await rotkit("revoked", ["ica"], { crls: [crl], revocation: "soft" })).toBe("X509_REVOKED");
    expect(opensslVerify("leaf", ["ica"], crlArgs)).toBe(true);
    expect(await rotkit("leaf", ["ica"], { crls: [crl], revocation: "soft" })).toBe("valid");
    // every certificate checked (openssl -crl_check_all): the intermediate has no CRL from the root
    expect(opensslVerify("leaf", ["ica"], ["-crl_check_all", "-CRLfile", "ica-crl.pem"])).toBe(false);
    expect(await rotkit("leaf", ["ica"], { crls: [crl], revocation: "hard" })).toBe("X509_REVOCATION_UNKNOWN");
  });

  it("the same chains under the webpki profile: the good one passes", async () => {
    expect(
      await rotkit("leaf", ["ica"], {
        profile: "webpki",
        peerName: { kind: "DNS", value: "www.example.com" },
        extendedKeyUsage: ["serverAuth"],
      }),
    ).toBe("valid");
  });
});
