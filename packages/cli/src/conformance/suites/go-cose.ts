import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  type CborMap,
  type CryptoProvider,
  decodeCbor,
  fromHex,
  isRotkitError,
  nobleProvider,
  type PrivateJwk,
  RotkitError,
  type SignatureAlg,
  softwareKeyHandle,
  toHex,
  webCryptoProvider,
} from "@rotkit/core";
import { coseKeyFromJwk, type Jwk, signCoseSign1, sigStructure1, verifyCoseSign1 } from "@rotkit/cose";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";

// veraison/go-cose testdata (COSE_Sign1): `sign1-sign-*` cases sign with the JWK private key and must produce a
// message whose deterministic prefix (`fixedOutputLength` bytes: ECDSA / PSS signatures are randomized) equals
// `expectedOutput`, whose Sig_structure equals `tbsHex`, and which verifies (as does `expectedOutput` itself);
// `sign1-verify-*` cases verify `taggedCOSESign1` and compare with `shouldVerify`. Both providers run every case.

type Json = Record<string, unknown>;
type Outcome = { got: Verdict; code?: string; reason?: string } | { skipped: string };

class CaseInputError extends Error {}

function obj(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new CaseInputError(`${what} is not an object`);
  return v as Json;
}

function hexOf(v: unknown, what: string): Uint8Array {
  if (typeof v === "string") return fromHex(v);
  const o = obj(v, what);
  if (typeof o.cborHex === "string") return fromHex(o.cborHex);
  throw new CaseInputError(`${what} has no hex`);
}

const ALGS: Record<string, SignatureAlg> = {
  ES256: "ES256",
  ES384: "ES384",
  ES512: "ES512",
  PS256: "PS256",
  PS384: "PS384",
  PS512: "PS512",
  EdDSA: "EdDSA",
};

function publicJwk(jwk: Json): Jwk {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return pub as Jwk;
}

async function runSign(c: Json, provider: CryptoProvider): Promise<Outcome> {
  const s = obj(c["sign1::sign"], "sign1::sign");
  const alg = ALGS[String(c.alg)];
  if (!alg) return { skipped: `algorithm ${String(c.alg)} is not supported` };
  const jwk = obj(c.key, "key");
  const payload = hexOf(s.payload, "payload");
  const protectedMap = decodeCbor(hexOf(s.protectedHeaders, "protectedHeaders")) as CborMap;
  const unprotectedMap = decodeCbor(hexOf(s.unprotectedHeaders, "unprotectedHeaders")) as CborMap;
  const external = typeof s.external === "string" ? fromHex(s.external) : new Uint8Array(0);
  const detached = s.detached === true;
  const expected = hexOf(s.expectedOutput, "expectedOutput");
  const fixed = Number(s.fixedOutputLength);
  const publicKey = coseKeyFromJwk(publicJwk(jwk));

  const key = softwareKeyHandle(alg, jwk as unknown as PrivateJwk);
  const out = await signCoseSign1(
    { payload, detached, protected: protectedMap, unprotected: unprotectedMap, externalAad: external },
    key,
  );
  if (toHex(out.subarray(0, fixed)) !== toHex(expected.subarray(0, fixed))) {
    return { got: "invalid", code: "OUTPUT_MISMATCH", reason: "deterministic prefix differs from expectedOutput" };
  }
  const tbs = sigStructure1(protectedBytes(out), external, payload);
  if (typeof s.tbsHex === "object" && toHex(tbs) !== toHex(hexOf(s.tbsHex, "tbsHex"))) {
    return { got: "invalid", code: "INTERMEDIATE_MISMATCH", reason: "Sig_structure differs from tbsHex" };
  }
  const opts = { key: publicKey, provider, externalAad: external, ...(detached ? { detachedPayload: payload } : {}) };
  await verifyCoseSign1(out, opts);
  await verifyCoseSign1(expected, opts);
  return { got: "valid" };
}

function protectedBytes(msg: Uint8Array): Uint8Array {
  // Our own output: tag 18, array of 4, first item the protected bstr.
  const v = decodeCbor(msg) as { value: unknown[] };
  return v.value[0] as Uint8Array;
}

async function runVerify(c: Json, provider: CryptoProvider): Promise<Outcome> {
  const v = obj(c["sign1::verify"], "sign1::verify");
  const msg = hexOf(v.taggedCOSESign1, "taggedCOSESign1");
  const external = typeof v.external === "string" ? fromHex(v.external) : new Uint8Array(0);
  const key = coseKeyFromJwk(publicJwk(obj(c.key, "key")));
  await verifyCoseSign1(msg, { key, provider, externalAad: external, requireTag: true });
  return { got: "valid" };
}

/**
 * Runs one go-cose test case with one provider.
 *
 * @example
 * ```ts
 * await runGoCoseCase(JSON.parse(text), nobleProvider()); // { got: "valid" }
 * ```
 */
export async function runGoCoseCase(json: unknown, provider: CryptoProvider): Promise<Outcome> {
  try {
    const c = obj(json, "case");
    if (c["sign1::sign"] !== undefined) return await runSign(c, provider);
    if (c["sign1::verify"] !== undefined) return await runVerify(c, provider);
    return { skipped: "neither sign1::sign nor sign1::verify" };
  } catch (e) {
    if (e instanceof CaseInputError) return { skipped: `case input not usable: ${e.message}` };
    if (isRotkitError(e)) return { got: "invalid", code: e.code, reason: e.message };
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { got: "invalid", code: "CRASH", reason: `not a RotkitError: ${msg}` };
  }
}

function expectedOf(c: Json): Verdict {
  const v = c["sign1::verify"] as Json | undefined;
  if (v && v.shouldVerify === false) return "invalid";
  return "valid";
}

/** The go-cose suite: `rotkit conformance go-cose <go-cose/testdata>`. */
export const goCoseSuite: Suite = {
  name: "go-cose",
  description: "veraison/go-cose COSE_Sign1 sign and verify vectors, with malformed-header negatives",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    if (!existsSync(path) || !statSync(path).isDirectory()) {
      throw new RotkitError("CONFORMANCE_BAD_INPUT", `go-cose: ${path} is not a folder`);
    }
    const files = readdirSync(path)
      .filter((f) => /^sign1-(sign|verify)-.*\.json$/.test(f))
      .sort();
    const providers: CryptoProvider[] = [nobleProvider(), webCryptoProvider()];
    const total = files.length * providers.length;
    const results: CaseResult[] = [];
    for (const f of files) {
      let c: Json;
      try {
        c = JSON.parse(readFileSync(join(path, f), "utf8")) as Json;
      } catch (err) {
        throw new RotkitError("CONFORMANCE_BAD_INPUT", `go-cose: cannot read ${f}`, { cause: err });
      }
      const expected = expectedOf(c);
      for (const provider of providers) {
        const id = `${f}@${provider.name}`;
        const r = await runGoCoseCase(c, provider);
        if ("skipped" in r) results.push({ id, expected, got: "skipped", reason: r.skipped });
        else {
          const res: CaseResult = { id, expected, got: r.got };
          if (r.code) res.code = r.code;
          if (r.reason) res.reason = r.reason;
          // A crash or a non-COSE rejection is never a correct rejection of a malformed message.
          if (expected === "invalid" && r.got === "invalid" && !(r.code ?? "").startsWith("COSE_")) res.got = "valid";
          results.push(res);
        }
        ctx.progress(results.length, total);
      }
    }
    return results;
  },
};
