import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { RotkitError, webCryptoProvider } from "@rotkit/core";
import { type KeyUsageName, type PeerName, type Profile, type ValidatePathOptions, validatePath } from "@rotkit/x509";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import { CaseInputError, caseResult, type Json, type Outcome, obj, outcomeOfError } from "./case-outcome.js";

// C2SP x509-limbo (upstream limbo.json format, optionally gzip-compressed): each testcase is one validatePath call.
// `rfc5280::` and `pathlen::` cases run under the rfc5280 profile, everything else (`webpki::`, `bettertls::`, ...)
// under webpki. `online::` cases and features rotkit does not implement are skipped with the reason.

/** Features the suite knows how to honour; any other feature tag skips the case. */
const SUPPORTED_FEATURES = new Set([
  "max-chain-depth",
  "name-constraint-dn",
  "pedantic-webpki-eku",
  "pedantic-webpki-subscriber-key",
  "pedantic-rfc5280",
  "pedantic-serial-number",
  "has-policy-constraints",
  "rfc5280-incompatible-with-webpki",
  "has-crl",
  "pedantic-public-suffix-wildcard",
]);

const PSL_PATHS = ["/usr/share/publicsuffix/public_suffix_list.dat"];

/** A Public Suffix List lookup from the host's copy of the list (Debian package `publicsuffix`), if there is one. */
function loadPublicSuffixes(): ((domain: string) => boolean) | undefined {
  const path = PSL_PATHS.find((p) => existsSync(p));
  if (!path) return undefined;
  const rules = new Set<string>();
  const wild = new Set<string>();
  const exceptions = new Set<string>();
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("//")) continue;
    const rule = line.split(/\s/)[0] as string;
    if (rule.startsWith("!")) exceptions.add(rule.slice(1));
    else if (rule.startsWith("*.")) wild.add(rule.slice(2));
    else rules.add(rule);
  }
  return (domain: string) => {
    const d = domain.toLowerCase();
    if (exceptions.has(d)) return false;
    if (rules.has(d)) return true;
    const dot = d.indexOf(".");
    return dot > 0 && wild.has(d.slice(dot + 1));
  };
}

let psl: ((d: string) => boolean) | undefined | null = null;
function publicSuffixes(): ((d: string) => boolean) | undefined {
  if (psl === null) psl = loadPublicSuffixes();
  return psl;
}

function strings(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    throw new CaseInputError(`${what} is not a string list`);
  return v as string[];
}

function peer(v: unknown): PeerName {
  const o = obj(v, "peer name");
  if ((o.kind !== "DNS" && o.kind !== "IP" && o.kind !== "RFC822") || typeof o.value !== "string") {
    throw new CaseInputError("peer name needs kind DNS/IP/RFC822 and a value");
  }
  return { kind: o.kind, value: o.value };
}

function profileOf(id: string): Profile {
  return id.startsWith("rfc5280::") || id.startsWith("pathlen::") ? "rfc5280" : "webpki";
}

/**
 * Runs one limbo testcase (upstream `Testcase` object) with the WebCrypto provider.
 *
 * @example
 * ```ts
 * await runLimboCase(testcase); // { got: "invalid", code: "X509_NAME_CONSTRAINTS", ... }
 * ```
 */
export async function runLimboCase(c: Json): Promise<Outcome> {
  try {
    const id = String(c.id);
    if (id.startsWith("online::")) return { skipped: "online:: cases need network access" };
    for (const f of strings(c.features, "features")) {
      if (!SUPPORTED_FEATURES.has(f)) return { skipped: `unsupported feature: ${f}` };
      if (f === "pedantic-public-suffix-wildcard" && !publicSuffixes()) {
        return { skipped: "unsupported feature: pedantic-public-suffix-wildcard (no Public Suffix List on this host)" };
      }
    }
    if (strings(c.signature_algorithms, "signature_algorithms").length > 0) {
      return { skipped: "unsupported feature: signature_algorithms restriction" };
    }
    const profile = profileOf(id);
    const kind = c.validation_kind;
    const ekus = strings(c.extended_key_usage, "extended_key_usage");
    // webpki SERVER validation is for TLS server authentication (CA/B Forum BR §7.1.2.7.10).
    if (profile === "webpki" && kind === "SERVER" && !ekus.includes("serverAuth")) ekus.push("serverAuth");
    const time =
      c.validation_time === null || c.validation_time === undefined ? new Date() : new Date(String(c.validation_time));
    if (Number.isNaN(time.getTime())) throw new CaseInputError("validation_time is not RFC 3339");
    const opts: ValidatePathOptions = {
      leaf: String(c.peer_certificate),
      intermediates: strings(c.untrusted_intermediates, "untrusted_intermediates"),
      trustAnchors: strings(c.trusted_certs, "trusted_certs"),
      time,
      provider: webCryptoProvider(),
      profile,
      keyUsage: strings(c.key_usage, "key_usage") as KeyUsageName[],
      extendedKeyUsage: ekus,
      crls: strings(c.crls, "crls"),
      revocation: strings(c.crls, "crls").length > 0 ? "soft" : "off",
      // limbo checks CA-side RFC 5280 MUSTs too (e.g. rfc5280::pc::ica-noncritical-pc).
      pedantic: true,
    };
    const isPublicSuffix = publicSuffixes();
    if (isPublicSuffix) opts.isPublicSuffix = isPublicSuffix;
    if (typeof c.max_chain_depth === "number") opts.maxDepth = c.max_chain_depth;
    if (kind === "SERVER" && c.expected_peer_name) opts.peerName = peer(c.expected_peer_name);
    if (kind === "CLIENT" && Array.isArray(c.expected_peer_names)) opts.peerNames = c.expected_peer_names.map(peer);
    await validatePath(opts);
    return { got: "valid" };
  } catch (e) {
    return outcomeOfError(e);
  }
}

function readLimbo(file: string): Json[] {
  try {
    const raw = readFileSync(file);
    const text = file.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
    const json = JSON.parse(text) as Json;
    if (!Array.isArray(json.testcases)) throw new Error("no testcases array");
    return json.testcases as Json[];
  } catch (err) {
    throw new RotkitError("CONFORMANCE_BAD_INPUT", `x509-limbo: cannot read ${file}`, { cause: err });
  }
}

function limboFiles(path: string): string[] {
  if (!existsSync(path)) throw new RotkitError("CONFORMANCE_BAD_INPUT", `x509-limbo: ${path} does not exist`);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith(".json") || f.endsWith(".json.gz"))
    .sort()
    .map((f) => join(path, f));
}

/** The x509-limbo suite: `rotkit conformance x509-limbo <limbo.json | limbo.json.gz | folder>`. */
export const x509LimboSuite: Suite = {
  name: "x509-limbo",
  description:
    "C2SP x509-limbo path validation cases (RFC 5280, CA/B Forum webpki, BetterTLS) with the WebCrypto provider",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    const cases = limboFiles(path).flatMap(readLimbo);
    const results: CaseResult[] = [];
    for (const c of cases) {
      const expected: Verdict = c.expected_result === "SUCCESS" ? "valid" : "invalid";
      results.push(caseResult(String(c.id), expected, await runLimboCase(c)));
      ctx.progress(results.length, cases.length);
    }
    return results;
  },
};
