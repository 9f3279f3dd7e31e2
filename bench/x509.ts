// X.509 path validation of one 3-certificate ECDSA P-256 chain (root → intermediate → leaf). As a server sees it:
// the trust anchor is configured once (parsed at start-up, on both sides); the leaf and the intermediate arrive
// from the device as DER and are parsed on every validation.
// rotkit's validatePath (webpki profile, peer name, WebCrypto) against pkijs's CertificateChainValidationEngine,
// and against the raw bound: three native P-256 signature verifications (node:crypto) — the crypto alone that a
// validator checking all three signatures spends. All run with the same concurrency (32 in flight), in one run,
// interleaved by round. The chain is made with the openssl CLI in a temporary folder.
import { execFileSync } from "node:child_process";
import { X509Certificate as NodeX509, verify as nodeVerify, webcrypto } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { webCryptoProvider } from "@rotkit/core";
import { parseCertificate, validatePath } from "@rotkit/x509";
import * as pkijs from "pkijs";
import { compare, concurrently, fmtRate, pairedRatio, type Rate } from "./harness.js";

const IN_FLIGHT = 32;

export function makeChain(): { root: Uint8Array; intermediate: Uint8Array; leaf: Uint8Array } {
  const dir = mkdtempSync(join(tmpdir(), "rotkit-bench-x509-"));
  const ossl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    writeFileSync(
      join(dir, "ext.cnf"),
      [
        "[ca]",
        "basicConstraints=critical,CA:TRUE",
        "keyUsage=critical,keyCertSign,cRLSign",
        "subjectKeyIdentifier=hash",
        "authorityKeyIdentifier=keyid",
        "[leaf]",
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature",
        "extendedKeyUsage=serverAuth",
        "subjectAltName=DNS:device.example.com",
        "subjectKeyIdentifier=hash",
        "authorityKeyIdentifier=keyid",
        "",
      ].join("\n"),
    );
    for (const k of ["root", "int", "leaf"])
      ossl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${k}.key`);
    ossl(
      "req",
      "-new",
      "-x509",
      "-key",
      "root.key",
      "-subj",
      "/CN=Bench Root",
      "-days",
      "3650",
      "-sha256",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
      "-out",
      "root.pem",
    );
    ossl("req", "-new", "-key", "int.key", "-subj", "/CN=Bench Intermediate", "-out", "int.csr");
    ossl(
      "x509",
      "-req",
      "-in",
      "int.csr",
      "-CA",
      "root.pem",
      "-CAkey",
      "root.key",
      "-CAcreateserial",
      "-days",
      "3650",
      "-sha256",
      "-extfile",
      "ext.cnf",
      "-extensions",
      "ca",
      "-out",
      "int.pem",
    );
    ossl("req", "-new", "-key", "leaf.key", "-subj", "/CN=device.example.com", "-out", "leaf.csr");
    ossl(
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "int.pem",
      "-CAkey",
      "int.key",
      "-CAcreateserial",
      "-days",
      "365",
      "-sha256",
      "-extfile",
      "ext.cnf",
      "-extensions",
      "leaf",
      "-out",
      "leaf.pem",
    );
    const der = (f: string) => new Uint8Array(new NodeX509(readFileSync(join(dir, f))).raw);
    return { root: der("root.pem"), intermediate: der("int.pem"), leaf: der("leaf.pem") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(json: boolean): Promise<Record<string, number>> {
  const chain = makeChain();
  const provider = webCryptoProvider();
  const time = new Date();

  const anchor = parseCertificate(chain.root);
  const rotkit = () =>
    validatePath({
      leaf: chain.leaf,
      intermediates: [chain.intermediate],
      trustAnchors: [anchor],
      time,
      provider,
      profile: "webpki",
      peerName: { kind: "DNS", value: "device.example.com" },
    });

  pkijs.setEngine(
    "node-webcrypto",
    new pkijs.CryptoEngine({ name: "node-webcrypto", crypto: webcrypto as unknown as Crypto }),
  );
  const toAb = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  const pkijsAnchor = pkijs.Certificate.fromBER(toAb(chain.root));
  const pkijsValidate = async () => {
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: [pkijsAnchor],
      certs: [pkijs.Certificate.fromBER(toAb(chain.leaf)), pkijs.Certificate.fromBER(toAb(chain.intermediate))],
      checkDate: time,
    });
    const r = await engine.verify();
    if (!r.result) throw new Error(`pkijs rejected the chain: ${r.resultMessage}`);
  };

  // The raw bound: the three signatures, each over its TBS with its issuer's key, natively.
  const parsed = [chain.leaf, chain.intermediate, chain.root].map((d) => parseCertificate(d));
  const issuerKeys = [chain.intermediate, chain.root, chain.root].map((d) => new NodeX509(Buffer.from(d)).publicKey);
  const raw = () =>
    Promise.all(
      parsed.map(
        (c, i) =>
          new Promise<void>((resolve, reject) =>
            nodeVerify("sha256", c.tbs, issuerKeys[i] as never, c.signature, (err, ok) =>
              err || !ok ? reject(err ?? new Error("raw verify failed")) : resolve(),
            ),
          ),
      ),
    ).then(() => undefined);

  // Everyone accepts the chain before anything is timed.
  await rotkit();
  await pkijsValidate();
  await raw();

  const rates = await compare(
    [
      { name: "rotkit", run: (n) => concurrently(n, IN_FLIGHT, rotkit) },
      { name: "pkijs", run: (n) => concurrently(n, IN_FLIGHT, pkijsValidate) },
      { name: "raw-bound", run: (n) => concurrently(n, IN_FLIGHT, raw) },
    ],
    { rounds: 9 },
  );
  const r = (name: string) => rates[name] as Rate;
  const metrics = {
    ratio_vs_pkijs: pairedRatio(r("rotkit"), r("pkijs")),
    ratio_vs_raw_bound: pairedRatio(r("rotkit"), r("raw-bound")),
    rotkit_chains_per_sec: r("rotkit").opsPerSec,
    pkijs_chains_per_sec: r("pkijs").opsPerSec,
    raw_bound_chains_per_sec: r("raw-bound").opsPerSec,
  };
  const out = json ? process.stderr : process.stdout;
  out.write(
    `X.509 3-certificate P-256 chain (leaf + intermediate from DER, anchor pre-parsed), ${IN_FLIGHT} in flight, node ${process.version}\n`,
  );
  out.write(`  rotkit validatePath (webpki, WebCrypto)  ${fmtRate(metrics.rotkit_chains_per_sec)}\n`);
  out.write(
    `  pkijs CertificateChainValidationEngine   ${fmtRate(metrics.pkijs_chains_per_sec)}   ratio_vs_pkijs ${metrics.ratio_vs_pkijs.toFixed(2)}\n`,
  );
  out.write(
    `  raw bound: 3 native P-256 verifications  ${fmtRate(metrics.raw_bound_chains_per_sec)}   ratio_vs_raw_bound ${metrics.ratio_vs_raw_bound.toFixed(2)}\n`,
  );
  return metrics;
}
