import { readdirSync } from "node:fs";
import {
  type CborMap,
  type CryptoProvider,
  decodeCbor,
  fromHex,
  type PrivateJwk,
  type SignatureAlg,
  softwareKeyHandle,
  toHex,
} from "@rotkit/core";
import { coseKeyFromJwk, type Jwk, signCoseSign1, sigStructure1, verifyCoseSign1 } from "@rotkit/cose";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import { CaseInputError, caseResult, type Json, type Outcome, obj, outcomeOfError } from "./case-outcome.js";
import { requireFolder, runCaseFiles } from "./files.js";

// veraison/go-cose testdata (COSE_Sign1): `sign1-sign-*` cases sign with the JWK private key and must produce a
// message whose deterministic prefix (`fixedOutputLength` bytes: ECDSA / PSS signatures are randomized) equals
// `expectedOutput`, whose Sig_structure equals `tbsHex`, and which verifies (as does `expectedOutput` itself);
// `sign1-verify-*` cases verify `taggedCOSESign1` and compare with `shouldVerify`. Both providers run every case.

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
    return outcomeOfError(e);
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
    requireFolder("go-cose", path);
    const files = readdirSync(path)
      .filter((f) => /^sign1-(sign|verify)-.*\.json$/.test(f))
      .sort();
    return runCaseFiles(
      "go-cose",
      path,
      files.map((id) => ({ id })),
      ctx,
      async (json, { id }, provider) => {
        const expected = expectedOf(json as Json);
        const res = caseResult(`${id}@${provider.name}`, expected, await runGoCoseCase(json, provider));
        // A crash or a non-COSE rejection is never a correct rejection of a malformed message.
        if (expected === "invalid" && res.got === "invalid" && !(res.code ?? "").startsWith("COSE_")) res.got = "valid";
        return res;
      },
    );
  },
};
