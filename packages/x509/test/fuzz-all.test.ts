import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesEqual, RotkitError, webCryptoProvider } from "@rotkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type KeyUsageName,
  type PeerName,
  parseCertificate,
  parseCrl,
  pemBlocks,
  type ValidatePathOptions,
  validatePath,
} from "../src/index.js";

// The issue's requirement, on every vector the repo holds: "Malformed DER (truncations, bit flips of every vector)
// ends in a RotkitError, never a crash or a hang." parse-fuzz.test.ts fuzzes a few inputs with five masks; this file
// takes every certificate and CRL (NIST PKITS, x509-limbo dev, DICE) with the all-bits flip (XOR 0xff) at every
// position and every truncation, then runs validatePath on every byte flip of each limbo SUCCESS case's leaf.

const VECTORS = join(import.meta.dirname, "../../../test-vectors");
/** A single call slower than this counts as a hang (the slowest parse of a valid vector is well under 1 ms). */
const MAX_CALL_MS = 250;

const files = (dir: string, ext: RegExp): string[] =>
  readdirSync(join(VECTORS, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => ext.test(f))
    .sort()
    .map((f) => join(dir, f));
const read = (path: string) => new Uint8Array(readFileSync(join(VECTORS, path)));

interface LimboCase {
  id: string;
  features: string[];
  validation_kind: "SERVER" | "CLIENT";
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  signature_algorithms: string[];
  key_usage: string[];
  extended_key_usage: string[];
  expected_result: "SUCCESS" | "FAILURE";
  expected_peer_name: PeerName | null;
  expected_peer_names: PeerName[];
  max_chain_depth: number | null;
  crls: string[];
}
const LIMBO = (
  JSON.parse(readFileSync(join(VECTORS, "x509-limbo/limbo-dev.json"), "utf8")) as { testcases: LimboCase[] }
).testcases;

/** Every distinct PEM certificate in limbo-dev (peers, intermediates, anchors), as DER. */
function limboCertificates(): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  for (const c of LIMBO) {
    for (const pem of [c.peer_certificate, ...c.untrusted_intermediates, ...c.trusted_certs]) {
      for (const der of pemBlocks(pem, "CERTIFICATE")) seen.set(pem, der);
    }
  }
  return [...seen.values()];
}

interface Tally {
  inputs: number;
  mutants: number;
  ok: number;
  rejected: number;
  codes: Record<string, number>;
  slowestMs: number;
}

/** Runs `fn` on every XOR-0xff flip and every proper prefix of each input: a value or a RotkitError, in bounded time. */
function fuzz(inputs: [string, Uint8Array][], fn: (b: Uint8Array) => unknown): Tally {
  const t: Tally = { inputs: inputs.length, mutants: 0, ok: 0, rejected: 0, codes: {}, slowestMs: 0 };
  const run = (name: string, what: string, b: Uint8Array) => {
    t.mutants++;
    const start = performance.now();
    try {
      fn(b);
      t.ok++;
    } catch (e) {
      if (!(e instanceof RotkitError)) {
        throw new Error(`${name}, ${what}: non-RotkitError ${String(e)}`, { cause: e });
      }
      t.rejected++;
      t.codes[e.code] = (t.codes[e.code] ?? 0) + 1;
    }
    const ms = performance.now() - start;
    if (ms > t.slowestMs) t.slowestMs = ms;
  };
  for (const [name, der] of inputs) {
    for (let at = 0; at < der.length; at++) {
      const b = der.slice();
      b[at] = (b[at] as number) ^ 0xff;
      run(name, `byte ${at} ^ 0xff`, b);
    }
    for (let n = 0; n < der.length; n++) run(name, `first ${n} bytes`, der.subarray(0, n));
  }
  return t;
}

function report(what: string, t: Tally, ms: number): void {
  console.log(
    `${what}: ${t.inputs} inputs, ${t.mutants} mutants in ${(ms / 1000).toFixed(1)} s; ${t.ok} parsed, ` +
      `${t.rejected} rejected ${JSON.stringify(t.codes)}; slowest call ${t.slowestMs.toFixed(1)} ms`,
  );
}

// Over a million rejected inputs: capturing a stack trace for each RotkitError is half the run time. A failure still
// names the vector and the mutated byte.
let stackTraceLimit: number | undefined;
beforeAll(() => {
  stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
});
afterAll(() => {
  if (stackTraceLimit !== undefined) Error.stackTraceLimit = stackTraceLimit;
});

describe("every vector under single-byte flips and truncations", () => {
  it("certificates: NIST PKITS, x509-limbo dev, DICE (Caliptra, veraison, Open-DICE KAT)", () => {
    const inputs: [string, Uint8Array][] = [
      ...files("nist-pkits/certs", /\.crt$/).map((f): [string, Uint8Array] => [f, read(f)]),
      ...limboCertificates().map((der, i): [string, Uint8Array] => [`limbo-dev certificate ${i}`, der]),
      ...["dice-caliptra", "dice-veraison", "open-dice-kat"].flatMap((d) =>
        files(d, /\.(der|cert)$/)
          .filter((f) => !f.endsWith("riot-ext.der")) // an extension value, not a certificate (dice-fuzz.test.ts)
          .map((f): [string, Uint8Array] => [f, read(f)]),
      ),
    ];
    expect(inputs.length).toBeGreaterThan(700);
    const start = performance.now();
    const t = fuzz(inputs, (b) => parseCertificate(b));
    report("certificates", t, performance.now() - start);
    expect(Object.keys(t.codes)).toEqual(["X509_MALFORMED"]);
    expect(t.slowestMs).toBeLessThan(MAX_CALL_MS);
  });

  it("CRLs: NIST PKITS", () => {
    const inputs = files("nist-pkits/crls", /\.crl$/).map((f): [string, Uint8Array] => [f, read(f)]);
    expect(inputs.length).toBe(173);
    const start = performance.now();
    const t = fuzz(inputs, (b) => parseCrl(b));
    report("CRLs", t, performance.now() - start);
    expect(Object.keys(t.codes)).toEqual(["X509_MALFORMED"]);
    expect(t.slowestMs).toBeLessThan(MAX_CALL_MS);
  });
});

/**
 * A minimal limbo testcase → validatePath mapping (the CLI suite's runLimboCase does the full one; x509 cannot
 * import the CLI): rfc5280:: and pathlen:: under rfc5280, the rest under webpki with serverAuth for SERVER cases.
 */
function limboOptions(c: LimboCase, leaf: Uint8Array): ValidatePathOptions {
  const profile = c.id.startsWith("rfc5280::") || c.id.startsWith("pathlen::") ? "rfc5280" : "webpki";
  const ekus = [...c.extended_key_usage];
  if (profile === "webpki" && c.validation_kind === "SERVER" && !ekus.includes("serverAuth")) ekus.push("serverAuth");
  const opts: ValidatePathOptions = {
    leaf,
    intermediates: c.untrusted_intermediates,
    trustAnchors: c.trusted_certs,
    time: c.validation_time === null ? new Date() : new Date(c.validation_time),
    provider,
    profile,
    keyUsage: c.key_usage as KeyUsageName[],
    extendedKeyUsage: ekus,
    crls: c.crls,
    revocation: c.crls.length > 0 ? "soft" : "off",
    pedantic: true,
  };
  if (c.max_chain_depth !== null) opts.maxDepth = c.max_chain_depth;
  if (c.validation_kind === "SERVER" && c.expected_peer_name) opts.peerName = c.expected_peer_name;
  if (c.validation_kind === "CLIENT" && c.expected_peer_names.length > 0) opts.peerNames = c.expected_peer_names;
  return opts;
}

const provider = webCryptoProvider();

describe("validatePath on every byte flip of each limbo-dev SUCCESS case's leaf", () => {
  it("ends in a RotkitError or a success that kept the signed TBS identical", async () => {
    const cases = LIMBO.filter(
      (c) =>
        c.expected_result === "SUCCESS" &&
        c.signature_algorithms.length === 0 &&
        !c.features.includes("pedantic-public-suffix-wildcard"),
    );
    let baseline = 0;
    let mutants = 0;
    let successes = 0;
    let slowestMs = 0;
    const codes: Record<string, number> = {};
    const start = performance.now();
    for (const c of cases) {
      const leaf = pemBlocks(c.peer_certificate, "CERTIFICATE")[0] as Uint8Array;
      const tbs = parseCertificate(leaf).tbs;
      // The mapping must reproduce the expected result on the unmutated case, or the flips would prove nothing.
      await validatePath(limboOptions(c, leaf));
      baseline++;
      for (let at = 0; at < leaf.length; at++) {
        const b = leaf.slice();
        b[at] = (b[at] as number) ^ 0xff;
        mutants++;
        const t0 = performance.now();
        try {
          await validatePath(limboOptions(c, b));
          successes++;
          // The whole TBS is signed: a flip that still validates can only sit in the outer signature fields.
          expect(bytesEqual(parseCertificate(b).tbs, tbs), `${c.id}: byte ${at} validated with a changed TBS`).toBe(
            true,
          );
        } catch (e) {
          if (!(e instanceof RotkitError)) throw new Error(`${c.id}, byte ${at}: non-RotkitError ${String(e)}`);
          codes[e.code] = (codes[e.code] ?? 0) + 1;
        }
        slowestMs = Math.max(slowestMs, performance.now() - t0);
      }
    }
    const ms = performance.now() - start;
    console.log(
      `limbo leaves: ${baseline} SUCCESS cases, ${mutants} mutants in ${(ms / 1000).toFixed(1)} s; ` +
        `${successes} still valid, rejected ${JSON.stringify(codes)}; slowest call ${slowestMs.toFixed(1)} ms`,
    );
    expect(baseline).toBeGreaterThanOrEqual(30);
    expect(slowestMs).toBeLessThan(MAX_CALL_MS * 4);
  });
});
