import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import {
  type AeadAlg,
  type CryptoProvider,
  constantTimeEqual,
  decodeEcPoint,
  fromHex,
  type HashAlg,
  isRotkitError,
  nobleProvider,
  type PublicKey,
  RotkitError,
  type SignatureAlg,
  type VerifyOptions,
  webCryptoProvider,
} from "@rotkit/core";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import { errorText, type Json } from "./case-outcome.js";

// Wycheproof (github.com/C2SP/wycheproof, testvectors_v1 layout): every case of every file the suite understands,
// run once per crypto provider. A case is "valid" when rotkit accepts it and "invalid" when rotkit returns false or
// throws a RotkitError. Any other exception is a crash: it is reported with code "CRASH" and the opposite verdict,
// so that it always counts as a failure.

interface WycheproofFile {
  algorithm?: unknown;
  schema?: unknown;
  testGroups?: unknown;
}

/** The operation of one case: resolves to true (accepted) or false, or throws (rejected / crashed). */
type CaseRunner = (p: CryptoProvider, group: Json, test: Json) => Promise<boolean>;

const HASHES: Record<string, HashAlg> = { "SHA-256": "SHA-256", "SHA-384": "SHA-384", "SHA-512": "SHA-512" };
const EC_CURVES: Record<string, "P-256" | "P-384" | "P-521"> = {
  secp256r1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
};

class Unsupported extends Error {}

function hex(v: unknown, what: string): Uint8Array {
  if (typeof v !== "string") throw new Unsupported(`missing hex field ${what}`);
  return fromHex(v);
}

function hashOf(v: unknown): HashAlg {
  const h = typeof v === "string" ? HASHES[v] : undefined;
  if (h === undefined) throw new Unsupported(`unsupported hash ${String(v)}`);
  return h;
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function ecdsaRunner(format: "raw" | "der"): CaseRunner {
  return async (p, g, t) => {
    const pk = g.publicKey as Json | undefined;
    const crv = typeof pk?.curve === "string" ? EC_CURVES[pk.curve] : undefined;
    if (crv === undefined) throw new Unsupported(`unsupported curve ${String(pk?.curve)}`);
    const alg = `ES${hashOf(g.sha).slice(4)}` as SignatureAlg;
    const key = decodeEcPoint(crv, hex(pk?.uncompressed, "publicKey.uncompressed"));
    return p.verify(alg, key, hex(t.msg, "msg"), hex(t.sig, "sig"), { format });
  };
}

const eddsaRunner: CaseRunner = async (p, g, t) => {
  const pk = g.publicKey as Json | undefined;
  const crv = pk?.curve === "edwards25519" ? "Ed25519" : pk?.curve === "edwards448" ? "Ed448" : undefined;
  if (crv === undefined) throw new Unsupported(`unsupported curve ${String(pk?.curve)}`);
  const key: PublicKey = { kty: "OKP", crv, x: hex(pk?.pk, "publicKey.pk") };
  return p.verify(crv, key, hex(t.msg, "msg"), hex(t.sig, "sig"));
};

function rsaRunner(pss: boolean): CaseRunner {
  return async (p, g, t) => {
    const pk = g.publicKey as Json | undefined;
    const key: PublicKey = {
      kty: "RSA",
      n: stripZeros(hex(pk?.modulus, "publicKey.modulus")),
      e: stripZeros(hex(pk?.publicExponent, "publicKey.publicExponent")),
    };
    const hash = hashOf(g.sha);
    const opts: VerifyOptions = {};
    if (pss) {
      // rotkit's PS* use MGF1 with the same hash (RFC 8230 §2); the salt length is a verify option.
      if (g.mgf !== "MGF1" || g.mgfSha !== g.sha)
        throw new Unsupported(`PSS with ${String(g.mgf)}/${String(g.mgfSha)}`);
      if (typeof g.sLen !== "number") throw new Unsupported("PSS group without sLen");
      opts.pssSaltLength = g.sLen;
    }
    const alg = `${pss ? "PS" : "RS"}${hash.slice(4)}` as SignatureAlg;
    return p.verify(alg, key, hex(t.msg, "msg"), hex(t.sig, "sig"), opts);
  };
}

function hmacRunner(hash: HashAlg): CaseRunner {
  return async (p, g, t) => {
    if (typeof g.tagSize !== "number" || g.tagSize % 8 !== 0) throw new Unsupported("MAC group without a byte tagSize");
    const mac = await p.hmac(hash, hex(t.key, "key"), hex(t.msg, "msg"));
    const tag = hex(t.tag, "tag");
    // The tag in the file is the MAC truncated to tagSize; a tag of another length is a forgery attempt.
    return tag.length === g.tagSize / 8 && constantTimeEqual(mac.subarray(0, tag.length), tag);
  };
}

function hkdfRunner(hash: HashAlg): CaseRunner {
  return async (p, _g, t) => {
    if (typeof t.size !== "number") throw new Unsupported("HKDF case without size");
    const okm = await p.hkdf(hash, hex(t.ikm, "ikm"), hex(t.salt, "salt"), hex(t.info, "info"), t.size);
    return constantTimeEqual(okm, hex(t.okm, "okm"));
  };
}

function aeadRunner(alg: AeadAlg): CaseRunner {
  return async (p, g, t) => {
    if (typeof g.tagSize !== "number" || g.tagSize % 8 !== 0) throw new Unsupported("AEAD group without tagSize");
    const params = { key: hex(t.key, "key"), iv: hex(t.iv, "iv"), aad: hex(t.aad, "aad"), tagLength: g.tagSize / 8 };
    const ct = hex(t.ct, "ct");
    const tag = hex(t.tag, "tag");
    const sealed = new Uint8Array(ct.length + tag.length);
    sealed.set(ct);
    sealed.set(tag, ct.length);
    const pt = await p.aeadDecrypt(alg, params, sealed);
    if (!constantTimeEqual(pt, hex(t.msg, "msg"))) return false;
    // Accepting means both directions agree with the vector.
    return constantTimeEqual(await p.aeadEncrypt(alg, params, pt), sealed);
  };
}

const keyWrapRunner: CaseRunner = async (p, _g, t) => {
  const kek = hex(t.key, "key");
  const wrapped = hex(t.ct, "ct");
  const key = await p.aesKeyUnwrap(kek, wrapped);
  if (!constantTimeEqual(key, hex(t.msg, "msg"))) return false;
  return constantTimeEqual(await p.aesKeyWrap(kek, key), wrapped);
};

/** Picks the runner for a file from its schema and algorithm; a string is the reason it is not supported. */
function runnerFor(file: WycheproofFile): CaseRunner | string {
  const schema = String(file.schema);
  const algorithm = String(file.algorithm);
  switch (schema) {
    case "ecdsa_verify_schema_v1.json":
    case "ecdsa_verify_schema.json":
      return ecdsaRunner("der");
    case "ecdsa_p1363_verify_schema_v1.json":
    case "ecdsa_p1363_verify_schema.json":
      return ecdsaRunner("raw");
    case "eddsa_verify_schema_v1.json":
    case "eddsa_verify_schema.json":
      return eddsaRunner;
    case "rsassa_pkcs1_verify_schema_v1.json":
    case "rsassa_pkcs1_verify_schema.json":
      return rsaRunner(false);
    case "rsassa_pss_verify_schema_v1.json":
    case "rsassa_pss_verify_schema.json":
      return rsaRunner(true);
    case "mac_test_schema_v1.json":
    case "mac_test_schema.json": {
      const m = /^HMACSHA(256|384|512)$/.exec(algorithm);
      return m ? hmacRunner(`SHA-${m[1]}` as HashAlg) : `MAC algorithm ${algorithm} is not supported`;
    }
    case "hkdf_test_schema_v1.json":
    case "hkdf_test_schema.json": {
      const m = /^HKDF-SHA-(256|384|512)$/.exec(algorithm);
      return m ? hkdfRunner(`SHA-${m[1]}` as HashAlg) : `HKDF with ${algorithm} is not supported`;
    }
    case "aead_test_schema_v1.json":
    case "aead_test_schema.json":
      if (algorithm === "AES-GCM") return aeadRunner("AES-GCM");
      if (algorithm === "AES-CCM") return aeadRunner("AES-CCM");
      return `AEAD ${algorithm} is not supported`;
    case "keywrap_test_schema_v1.json":
    case "keywrap_test_schema.json":
      return algorithm === "KW" || algorithm === "AES-WRAP" ? keyWrapRunner : `key wrap ${algorithm} is not supported`;
    default:
      return `schema ${schema} (${algorithm}) is not supported`;
  }
}

/** The .json files of `path`: the file itself, or the files of a folder (and of its testvectors_v1/, if present). */
function listFiles(path: string): string[] {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (e) {
    throw new RotkitError("CONFORMANCE_BAD_INPUT", `no such file or folder: ${path}`, { cause: e });
  }
  if (st.isFile()) return [path];
  const out: string[] = [];
  const add = (dir: string) => {
    for (const f of readdirSync(dir).sort()) if (f.endsWith(".json")) out.push(join(dir, f));
  };
  add(path);
  const nested = join(path, "testvectors_v1");
  try {
    if (statSync(nested).isDirectory()) add(nested);
  } catch {
    // no nested upstream folder
  }
  return out;
}

async function runOne(p: CryptoProvider, run: CaseRunner, g: Json, t: Json, expected: Verdict) {
  try {
    const ok = await run(p, g, t);
    return { got: (ok ? "valid" : "invalid") as Verdict };
  } catch (e) {
    if (e instanceof Unsupported) return { skipped: e.message };
    if (isRotkitError(e)) return { got: "invalid" as Verdict, code: e.code };
    // A crash is never an acceptable rejection: report the verdict that fails.
    const wrong: Verdict = expected === "valid" ? "invalid" : "valid";
    return { got: wrong, code: "CRASH", reason: `threw ${errorText(e)}` };
  }
}

/**
 * The `wycheproof` conformance suite: runs every case of the Wycheproof files under `path` (ECDSA P-256/384/521
 * raw and DER, Ed25519/Ed448, RSA PKCS#1 v1.5 and PSS, HMAC-SHA2, HKDF-SHA2, AES-GCM, AES-CCM, AES-KW) with both the
 * noble and the WebCrypto provider. Case ids are `<file>#<tcId>@<provider>`.
 */
export const wycheproofSuite: Suite = {
  name: "wycheproof",
  description: "Wycheproof signature, MAC, HKDF and AEAD vectors (upstream layout), run with both crypto providers",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    const providers: CryptoProvider[] = [nobleProvider(), webCryptoProvider()];
    const loaded: { name: string; file: WycheproofFile | undefined; error?: string }[] = [];
    let total = 0;
    for (const f of listFiles(path)) {
      const name = basename(f);
      try {
        const file = JSON.parse(readFileSync(f, "utf8")) as WycheproofFile;
        if (!Array.isArray(file.testGroups)) throw new Error("no testGroups");
        for (const g of file.testGroups as Json[]) total += Array.isArray(g.tests) ? g.tests.length : 0;
        loaded.push({ name, file });
      } catch (e) {
        loaded.push({ name, file: undefined, error: `not a Wycheproof file: ${errorText(e)}` });
        total += 1;
      }
    }
    total *= providers.length;
    const results: CaseResult[] = [];
    let done = 0;
    for (const { name, file, error } of loaded) {
      if (file === undefined) {
        for (const p of providers) {
          results.push({ id: `${name}@${p.name}`, expected: "invalid", got: "skipped", reason: error });
          ctx.progress(++done, total);
        }
        continue;
      }
      const runner = runnerFor(file);
      for (const p of providers) {
        for (const g of file.testGroups as Json[]) {
          for (const t of (Array.isArray(g.tests) ? g.tests : []) as Json[]) {
            const id = `${name}#${String(t.tcId)}@${p.name}`;
            const result = t.result;
            const upstream: Verdict = result === "valid" ? "valid" : "invalid";
            if (typeof runner === "string") {
              results.push({ id, expected: upstream, got: "skipped", reason: runner });
            } else {
              const out = await runOne(p, runner, g, t, upstream);
              if ("skipped" in out) {
                results.push({ id, expected: upstream, got: "skipped", reason: out.skipped });
              } else if (result === "acceptable" && out.code !== "CRASH") {
                // Either verdict passes; record which way it went.
                const r: CaseResult = { id, expected: out.got, got: out.got, acceptable: true };
                if (out.code !== undefined) r.code = out.code;
                results.push(r);
              } else {
                const r: CaseResult = { id, expected: upstream, got: out.got };
                if (out.code !== undefined) r.code = out.code;
                if ("reason" in out && out.reason !== undefined) r.reason = out.reason;
                else if (result !== "valid" && result !== "invalid") r.reason = `upstream result ${String(result)}`;
                results.push(r);
              }
            }
            ctx.progress(++done, total);
          }
        }
      }
    }
    return results;
  },
};
