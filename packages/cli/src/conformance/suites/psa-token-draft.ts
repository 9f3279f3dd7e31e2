import { decodePsaClaims, PSA_PROFILE_TFM, verifyPsaToken } from "@rotkit/attestation";
import { decodeCbor } from "@rotkit/core";
import { coseKeyFromJwk, type Jwk } from "@rotkit/cose";
import type { CaseResult, Suite, SuiteContext } from "../types.js";
import { type IndexCase, judge, providers, readBytes, readIndex, toResult, verdictOf } from "./psa-common.js";

// thomas-fossati/draft-psa-token (RFC 9783) in its upstream layout: the Appendix A examples (psa-sign1 /
// psa-mac0 tokens verified with keys/tfm-es-iak.json and keys/tfm-hs-iak.bin on both providers), the claims
// example, and the CDDL GOOD_* / FAIL_* claims-sets (validated against the RFC 9783 profile; a FAIL_* case must be
// rejected on the claim its name says).

const FAIL_CLAIM: [RegExp, string][] = [
  [/BootSeed/, "bootSeed"],
  [/ImplementationID/, "implementationId"],
  [/InstanceID/, "instanceId"],
  [/SoftwareComponent/, "softwareComponents"],
  [/Nonce/i, "nonce"],
  [/ClientID/i, "clientId"],
  [/Lifecycle/i, "securityLifecycle"],
  [/Profile/i, "profile"],
  [/Certification|HwVersion/i, "certificationReference"],
];

function esKey(root: string) {
  const jwk = JSON.parse(new TextDecoder().decode(readBytes(root, "keys/tfm-es-iak.json"))) as Jwk & { d?: string };
  const { d: _d, ...pub } = jwk;
  return coseKeyFromJwk(pub as Jwk);
}

async function runToken(root: string, c: IndexCase): Promise<CaseResult[]> {
  const expected = verdictOf(c.expect) ?? "valid";
  const out: CaseResult[] = [];
  for (const provider of providers()) {
    const j = await judge(async () => {
      const bytes = readBytes(root, c.primary);
      // Appendix A.1 is signed with the ES256 IAK, A.2 MAC'ed with the 64-byte HMAC key (alg 5, HMAC 256/256).
      const key = bytes[0] === 0xd1 ? readBytes(root, "keys/tfm-hs-iak.bin") : esKey(root);
      const v = await verifyPsaToken(bytes, { key, provider, profile: PSA_PROFILE_TFM });
      return `${v.kind} ${v.alg}`;
    });
    out.push(toResult(`${c.id}@${provider.name}`, expected, j));
  }
  return out;
}

async function runClaims(root: string, c: IndexCase): Promise<CaseResult> {
  const expected = verdictOf(c.expect) ?? (/FAIL_/.test(c.id) ? "invalid" : "valid");
  const claim = FAIL_CLAIM.find(([re]) => re.test(c.id))?.[1];
  const j = await judge(() =>
    decodePsaClaims(decodeCbor(readBytes(root, c.primary.replace(/\.diag$/, ".cbor"))), PSA_PROFILE_TFM),
  );
  return toResult(c.id, expected, j, expected === "invalid" ? claim : undefined);
}

/** The psa-token-draft suite: `rotkit conformance psa-token-draft <folder with index.json>`. */
export const psaTokenDraftSuite: Suite = {
  name: "psa-token-draft",
  description:
    "RFC 9783 (draft-tschofenig-rats-psa-token) Appendix A Sign1/Mac0 examples and CDDL GOOD_/FAIL_ claims-sets",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    const cases = readIndex("psa-token-draft", path);
    const results: CaseResult[] = [];
    let done = 0;
    for (const c of cases) {
      if (/\.(cbor|bin)$/.test(c.primary) && !/claims/.test(c.primary)) results.push(...(await runToken(path, c)));
      else results.push(await runClaims(path, c));
      ctx.progress(++done, cases.length);
    }
    return results;
  },
};
