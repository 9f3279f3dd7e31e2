import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CborMap,
  type CborValue,
  type CryptoProvider,
  fromBase64,
  isRotkitError,
  nobleProvider,
  type PublicKey,
  publicKeyFromSpki,
  RotkitError,
  webCryptoProvider,
} from "@rotkit/core";
import type { CaseResult, Verdict } from "../types.js";
import { CaseInputError, errorText } from "./case-outcome.js";
import { requireFolder } from "./files.js";

// Shared by the PSA / CCA suites (psatoken-veraison, psa-token-draft, ccatoken-veraison): the upstream index.json,
// PEM keys, the veraison JSON claim form, and how a rejection is judged (specific code, and the claim it names).

/** One case of a vectors folder's index.json. */
export interface IndexCase {
  id: string;
  primary: string;
  files?: Record<string, string>;
  kind?: string;
  profile?: string;
  expect?: string;
  expect_by_profile?: Record<string, string>;
  upstream_error_strings?: { scope: string; error_contains: string }[];
}

/**
 * The cases of `root/index.json`; CONFORMANCE_BAD_INPUT when the folder or the index is unusable.
 *
 * @example
 * ```ts
 * const cases = readIndex("psatoken-veraison", path);
 * ```
 */
export function readIndex(suite: string, root: string): IndexCase[] {
  requireFolder(suite, root);
  try {
    const idx = JSON.parse(readFileSync(join(root, "index.json"), "utf8")) as { cases?: IndexCase[] };
    if (!Array.isArray(idx.cases)) throw new Error("no cases array");
    return idx.cases;
  } catch (err) {
    throw new RotkitError("CONFORMANCE_BAD_INPUT", `${suite}: cannot read ${root}/index.json`, { cause: err });
  }
}

/** The bytes of `root/file` (CaseInputError when missing, so the case is skipped with a reason). */
export function readBytes(root: string, file: string): Uint8Array {
  const p = join(root, file);
  if (!existsSync(p)) throw new CaseInputError(`${file} is missing`);
  return new Uint8Array(readFileSync(p));
}

/** Whether `root/file` exists. */
export function hasFile(root: string, file: string): boolean {
  return existsSync(join(root, file));
}

/** The verdict of an index.json free-text `expect` ("valid", "invalid (…)", "verifies with …"). */
export function verdictOf(expect: string | undefined): Verdict | undefined {
  if (expect === undefined) return undefined;
  const e = expect.trim().toLowerCase();
  if (e.startsWith("invalid") || e.startsWith("fail")) return "invalid";
  if (e.startsWith("valid") || e.includes("verifies")) return "valid";
  return undefined;
}

/** A PEM SubjectPublicKeyInfo as a core PublicKey. */
export function pemPublicKey(root: string, file: string): PublicKey {
  const text = new TextDecoder().decode(readBytes(root, file));
  const b64 = text.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return publicKeyFromSpki(fromBase64(b64));
}

/** The two providers every signature case runs with. */
export function providers(): CryptoProvider[] {
  return [nobleProvider(), webCryptoProvider()];
}

/** A field of the veraison JSON form and how it maps to CBOR. */
export interface JsonField {
  key: number;
  /** The rotkit claim name (for error attribution). */
  claim: string;
  type: "bytes" | "bytes[]" | "components" | "plain";
}

const COMPONENT_FIELDS: Record<string, { key: number; bytes: boolean }> = {
  "measurement-type": { key: 1, bytes: false },
  "measurement-value": { key: 2, bytes: true },
  version: { key: 4, bytes: false },
  "signer-id": { key: 5, bytes: true },
  "measurement-desc": { key: 6, bytes: false },
};

/**
 * The CBOR claims map of a veraison JSON claims object: bytes are standard base64; names not in `fields` are
 * ignored (as veraison's Go decoder ignores them). A base64 error is ATTEST_CLAIM_INVALID naming the claim.
 *
 * @example
 * ```ts
 * const map = jsonClaimsToMap(json, { "psa-nonce": { key: 10, claim: "nonce", type: "bytes" } });
 * ```
 */
export function jsonClaimsToMap(json: unknown, fields: Record<string, JsonField>): CborMap {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new CaseInputError("not a JSON object");
  const out: CborMap = new Map();
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    const f = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (!f) continue;
    out.set(f.key, jsonValue(value, f));
  }
  return out;
}

function jsonValue(v: unknown, f: JsonField): CborValue {
  if (f.type === "bytes") return b64(v, f.claim);
  if (f.type === "bytes[]") return Array.isArray(v) ? v.map((x, i) => b64(x, `${f.claim}[${i}]`)) : b64(v, f.claim);
  if (f.type === "components") {
    if (!Array.isArray(v)) return plain(v);
    return v.map((c, i) => {
      if (typeof c !== "object" || c === null) return plain(c);
      const m: CborMap = new Map();
      for (const [k, x] of Object.entries(c as Record<string, unknown>)) {
        const cf = Object.hasOwn(COMPONENT_FIELDS, k) ? COMPONENT_FIELDS[k] : undefined;
        if (!cf) continue;
        m.set(cf.key, cf.bytes ? b64(x, `${f.claim}[${i}].${k}`) : plain(x));
      }
      return m;
    });
  }
  return plain(v);
}

function b64(v: unknown, claim: string): CborValue {
  if (typeof v !== "string") return plain(v);
  try {
    return fromBase64(v);
  } catch (e) {
    throw new RotkitError("ATTEST_CLAIM_INVALID", `${claim}: not base64`, { at: `claims.${claim}`, cause: e });
  }
}

function plain(v: unknown): CborValue {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object")
    return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
  return undefined;
}

// What veraison's error text names → rotkit's claim name (loose: the first matching phrase wins).
const UPSTREAM_CLAIMS: [RegExp, string][] = [
  [/software components|no-sw-measurement/i, "softwareComponents"],
  [/boot seed/i, "bootSeed"],
  [/client id/i, "clientId"],
  [/certification reference/i, "certificationReference"],
  [/implementation id/i, "implementationId"],
  [/instance id/i, "instanceId"],
  [/nonce/i, "nonce"],
  [/security lifecycle/i, "securityLifecycle"],
  [/verification service indicator/i, "verificationServiceIndicator"],
  [/profile/i, "profile"],
];

/**
 * The rotkit claim name an upstream error string is about, if any.
 *
 * @example
 * ```ts
 * upstreamClaim("validating boot seed: missing mandatory claim"); // "bootSeed"
 * ```
 */
export function upstreamClaim(text: string): string | undefined {
  return UPSTREAM_CLAIMS.find(([re]) => re.test(text))?.[1];
}

/** What a case runner got: a verdict with the error (for rejections), or a skip reason. */
export type Judged = { got: Verdict; error?: RotkitError; note?: string } | { skipped: string };

/**
 * Runs `f`, turning its outcome into a Judged: normal return = valid, RotkitError = invalid, CaseInputError =
 * skipped, anything else = a crash (reported as invalid with code CRASH, never a correct rejection).
 *
 * @example
 * ```ts
 * const j = await judge(() => decodePsaClaims(map));
 * ```
 */
export async function judge(f: () => unknown): Promise<Judged> {
  try {
    const note = await f();
    return typeof note === "string" ? { got: "valid", note } : { got: "valid" };
  } catch (e) {
    if (e instanceof CaseInputError) return { skipped: `case input not usable: ${e.message}` };
    if (isRotkitError(e)) return { got: "invalid", error: e };
    return { got: "invalid", error: new RotkitError("INVALID_ARGUMENT", `CRASH ${errorText(e)}`) };
  }
}

/**
 * The CaseResult of a judged case. A rejection counts only when it carries a specific ATTEST_/COSE_ code and, for
 * a claim-level code, names a claim (`at: claims.<name>`) — the `expectClaim` one when given (upstream error
 * strings). A rejection for the wrong reason is reported as `got: "valid"` (a false accept: the negative was not
 * caught by the rule it tests).
 *
 * @example
 * ```ts
 * results.push(toResult("json/test-nonce-invalid-long.json#P2", "invalid", judged, "nonce"));
 * ```
 */
export function toResult(id: string, expected: Verdict, j: Judged, expectClaim?: string): CaseResult {
  if ("skipped" in j) return { id, expected, got: "skipped", reason: j.skipped };
  if (j.got === "valid") {
    const r: CaseResult = { id, expected, got: "valid" };
    if (j.note) r.reason = j.note;
    return r;
  }
  const e = j.error as RotkitError;
  const at = typeof e.at === "string" ? e.at : "";
  const res: CaseResult = { id, expected, got: "invalid", code: e.code, reason: e.message };
  if (expected !== "invalid") return res;
  const wrong = wrongReason(e.code, at, expectClaim);
  if (wrong) {
    res.got = "valid";
    res.reason = `rejected for the wrong reason (${wrong}): ${e.code} ${e.message}`;
  }
  return res;
}

function wrongReason(code: string, at: string, expectClaim: string | undefined): string | undefined {
  if (!/^(ATTEST|COSE)_/.test(code)) return "not a specific ATTEST_/COSE_ code";
  const claimLevel = code === "ATTEST_CLAIM_INVALID" || code === "ATTEST_CLAIM_MISSING";
  if (claimLevel && !at.startsWith("claims.")) return "claim-level code without the claim";
  if (expectClaim === undefined) return undefined;
  const named = at.startsWith("claims.") ? at.slice("claims.".length) : "";
  if (expectClaim === "profile")
    return code === "ATTEST_PROFILE" || named === "profile" ? undefined : "not the profile";
  if (!claimLevel && code !== "ATTEST_PROFILE") return `expected a claim error on ${expectClaim}`;
  if (!named.startsWith(expectClaim)) return `upstream names ${expectClaim}, rotkit named ${named || "nothing"}`;
  return undefined;
}
