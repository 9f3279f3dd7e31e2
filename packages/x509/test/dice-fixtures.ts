import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Certificate, parseCertificate } from "../src/index.js";

// Test fixtures for the DICE tests: the pinned vectors and a certificate loader (the package's parseCertificate).

const ROOT = join(import.meta.dirname, "../../../test-vectors");

export function readVector(dir: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ROOT, dir, file)));
}

export function vectorPath(dir: string, file: string): string {
  return join(ROOT, dir, file);
}

export function loadCert(dir: string, file: string): Certificate {
  return parseCertificate(readVector(dir, file));
}

export const VERAISON_X509_CHAIN = [
  "_X509_Ed25519_uds_cert.cert",
  ...Array.from({ length: 7 }, (_, i) => `_X509_Ed25519_cert_full_cert_chain_${i}.cert`),
];
