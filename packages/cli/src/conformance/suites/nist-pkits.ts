import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RotkitError, webCryptoProvider } from "@rotkit/core";
import { parseCertificate, parseCrl, validatePath } from "@rotkit/x509";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import { CaseInputError, caseResult, type Json, type Outcome, obj, outcomeOfError } from "./case-outcome.js";
import { requireFolder } from "./files.js";

// NIST PKITS 1.0.1 in the layout of BoringSSL's copy: certs/<name>.crt and crls/<name>.crl (DER) plus
// pkits-testcases.json. certs[0] is the trust anchor, the last certificate the end entity; the RFC 5280 §6.1.1
// inputs come from the case; CRLs are checked in hard mode (PKITS assumes revocation checking). A case agrees when
// the verdict matches should_validate and, for valid paths, the user-constrained policy set matches too.

function names(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    throw new CaseInputError(`${what} is not a list of names`);
  return v as string[];
}

function readDer(root: string, folder: string, name: string, ext: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(join(root, folder, `${name}${ext}`)));
  } catch (err) {
    throw new RotkitError("CONFORMANCE_BAD_INPUT", `nist-pkits: cannot read ${folder}/${name}${ext}`, { cause: err });
  }
}

/**
 * Runs one PKITS case with the WebCrypto provider; `policyOids` maps PKITS policy names to OIDs.
 *
 * @example
 * ```ts
 * await runPkitsCase(root, testcase, { "NIST-test-policy-1": "2.16.840.1.101.3.2.1.48.1" });
 * ```
 */
export async function runPkitsCase(root: string, c: Json, policyOids: Record<string, string>): Promise<Outcome> {
  try {
    const oid = (n: string): string => {
      const o = Object.hasOwn(policyOids, n) ? policyOids[n] : /^\d+(\.\d+)+$/.test(n) ? n : undefined;
      if (!o) throw new CaseInputError(`unknown policy name ${n}`);
      return o;
    };
    const certNames = names(c.certs, "certs");
    if (certNames.length < 2) throw new CaseInputError("a case needs a trust anchor and an end entity");
    const certs = certNames.map((n) => readDer(root, "certs", n, ".crt"));
    const crls = names(c.crls ?? [], "crls").map((n) => readDer(root, "crls", n, ".crl"));
    // DSA (4.1.4-4.1.6) is not implemented: those keys cannot verify anything here.
    const anchor = parseCertificate(certs[0] as Uint8Array);
    const time = new Date(String(c.validation_time));
    if (Number.isNaN(time.getTime())) throw new CaseInputError("validation_time is not RFC 3339");
    const result = await validatePath({
      leaf: certs[certs.length - 1] as Uint8Array,
      intermediates: certs.slice(1, -1),
      trustAnchors: [anchor],
      time,
      provider: webCryptoProvider(),
      profile: "rfc5280",
      initialPolicySet: names(c.initial_policy_set ?? ["anyPolicy"], "initial_policy_set").map(oid),
      initialExplicitPolicy: c.initial_explicit_policy === true,
      initialPolicyMappingInhibit: c.initial_policy_mapping_inhibit === true,
      initialAnyPolicyInhibit: c.initial_inhibit_any_policy === true,
      crls: crls.map((d) => parseCrl(d)),
      revocation: "hard",
    });
    const want = names(c.expected_user_constrained_policy_set ?? [], "expected_user_constrained_policy_set")
      .map(oid)
      .sort();
    const got = [...result.userConstrainedPolicySet].sort();
    if (c.should_validate === true && want.join(" ") !== got.join(" ")) {
      return {
        got: "invalid",
        code: "POLICY_SET_MISMATCH",
        reason: `user-constrained policy set ${got.join(",")} ≠ ${want.join(",")}`,
      };
    }
    return { got: "valid" };
  } catch (e) {
    return outcomeOfError(e);
  }
}

/** The NIST PKITS suite: `rotkit conformance nist-pkits <folder with certs/, crls/, pkits-testcases.json>`. */
export const nistPkitsSuite: Suite = {
  name: "nist-pkits",
  description:
    "NIST PKITS 1.0.1 path validation cases (certs/, crls/, pkits-testcases.json), RFC 5280 profile with CRLs",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    requireFolder("nist-pkits", path);
    let json: Json;
    try {
      json = obj(JSON.parse(readFileSync(join(path, "pkits-testcases.json"), "utf8")), "pkits-testcases.json");
    } catch (err) {
      throw new RotkitError("CONFORMANCE_BAD_INPUT", "nist-pkits: cannot read pkits-testcases.json", { cause: err });
    }
    const cases = Array.isArray(json.testcases) ? (json.testcases as unknown[]) : [];
    const notes = (json.notes ?? {}) as Json;
    const policyOids = (notes.policy_oids ?? {}) as Record<string, string>;
    const results: CaseResult[] = [];
    for (const raw of cases) {
      const c = obj(raw, "testcase");
      const id = String(c.id);
      const expected: Verdict = c.should_validate === true ? "valid" : "invalid";
      const outcome = await runPkitsCase(path, c, policyOids);
      const res = caseResult(id, expected, outcome);
      // DSA is explicitly unsupported: a DSA case is reported as skipped rather than failed.
      if (res.got !== res.expected && res.code === "X509_UNSUPPORTED_ALG" && /DSA/i.test(id)) {
        results.push({ id, expected, got: "skipped", reason: "unsupported feature: DSA signatures" });
      } else results.push(res);
      ctx.progress(results.length, cases.length);
    }
    return results;
  },
};
