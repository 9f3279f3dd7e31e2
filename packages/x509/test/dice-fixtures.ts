import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type DerElement, derChildren, expectDer, publicKeyFromSpki, utf8Decode } from "@rotkit/core";
import type { Certificate, Extension, Name, NameAttribute } from "../src/index.js";

// Test fixtures for the DICE tests: the pinned vectors and a certificate loader. `loadCert` uses a deliberately
// small reader (enough fields for the DICE code: tbs, signature, names, validity, SPKI, extensions) until the
// package's parseCertificate lands; then it becomes `parseCertificate(readVector(...))`.

const ROOT = join(import.meta.dirname, "../../../test-vectors");

export function readVector(dir: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ROOT, dir, file)));
}

export function vectorPath(dir: string, file: string): string {
  return join(ROOT, dir, file);
}

export function loadCert(dir: string, file: string): Certificate {
  return minimalCertificate(readVector(dir, file));
}

export const VERAISON_X509_CHAIN = [
  "_X509_Ed25519_uds_cert.cert",
  ...Array.from({ length: 7 }, (_, i) => `_X509_Ed25519_cert_full_cert_chain_${i}.cert`),
];

function oid(c: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const b of c) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0;
    }
  }
  const f = arcs[0] as number;
  const head = f < 40 ? [0, f] : f < 80 ? [1, f - 40] : [2, f - 80];
  return [...head, ...arcs.slice(1)].join(".");
}

function whole(buf: Uint8Array, el: DerElement): Uint8Array {
  return buf.subarray(el.start, el.end);
}

function name(el: DerElement, der: Uint8Array): Name {
  const rdns: NameAttribute[][] = derChildren(el.contents, 64).map((set) =>
    derChildren(set.contents, 16).map((atv) => {
      const [t, v] = derChildren(atv.contents, 2) as [DerElement, DerElement];
      const attr: NameAttribute = { type: oid(t.contents), valueTag: v.tag, valueDer: whole(atv.contents, v) };
      if ([0x0c, 0x13, 0x16].includes(v.tag)) attr.text = utf8Decode(v.contents);
      return attr;
    }),
  );
  return { der: whole(der, el), rdns };
}

function time(el: DerElement): number {
  const s = utf8Decode(el.contents);
  const full = el.tag === 0x17 ? (Number(s.slice(0, 2)) >= 50 ? "19" : "20") + s : s;
  const iso = `${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}Z`;
  return Date.parse(iso) / 1000;
}

function minimalCertificate(der: Uint8Array): Certificate {
  const top = expectDer(der, 0, 0x30);
  const [tbsEl, sigAlgEl, sigEl] = derChildren(top.contents, 3) as [DerElement, DerElement, DerElement];
  const tbs = whole(top.contents, tbsEl);
  const f = derChildren(tbsEl.contents, 10);
  let i = f[0]?.tag === 0xa0 ? 1 : 0;
  const serial = f[i++] as DerElement;
  const tbsSig = f[i++] as DerElement;
  const issuer = f[i++] as DerElement;
  const validity = derChildren((f[i++] as DerElement).contents, 2) as [DerElement, DerElement];
  const subject = f[i++] as DerElement;
  const spkiEl = f[i++] as DerElement;
  const spki = whole(tbsEl.contents, spkiEl);
  const extensions: Extension[] = [];
  const extsEl = f.find((e) => e.tag === 0xa3);
  if (extsEl) {
    for (const ext of derChildren(derChildren(extsEl.contents, 1)[0]!.contents, 64)) {
      const parts = derChildren(ext.contents, 3);
      const critical = parts.length === 3 && parts[1]!.contents[0] === 0xff;
      extensions.push({ oid: oid(parts[0]!.contents), critical, value: parts[parts.length - 1]!.contents.slice() });
    }
  }
  const alg = (el: DerElement) => {
    const p = derChildren(el.contents, 2);
    const out: { oid: string; parameters?: Uint8Array } = { oid: oid(p[0]!.contents) };
    if (p[1]) out.parameters = whole(el.contents, p[1]);
    return out;
  };
  const spkiAlg = alg(derChildren(spkiEl.contents, 2)[0]!);
  let publicKey: Certificate["publicKey"];
  try {
    publicKey = publicKeyFromSpki(spki);
  } catch {
    publicKey = undefined;
  }
  const cert: Certificate = {
    der,
    tbs,
    version: 3,
    serialNumber: serial.contents,
    signatureAlgorithm: alg(sigAlgEl),
    tbsSignatureAlgorithm: alg(tbsSig),
    signature: sigEl.contents.subarray(1),
    issuer: name(issuer, tbsEl.contents),
    subject: name(subject, tbsEl.contents),
    notBefore: time(validity[0]),
    notAfter: time(validity[1]),
    spki,
    publicKeyAlgorithm: spkiAlg,
    extensions,
    ext: {},
  };
  if (publicKey) cert.publicKey = publicKey;
  return cert;
}
