import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeEatCbor, decodeEatClaims } from "@rotkit/attestation";
import { type CborValue, RotkitError } from "@rotkit/core";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import { caseResult, type Outcome, outcomeOfError } from "./case-outcome.js";
import { requireFolder } from "./files.js";

// laurencelundblade/ctoken sample tokens: claims-sets from EAT drafts before RFC 9711. A case is "valid" only when
// it is an RFC 9711 claims-set; the pre-RFC labels (ueid 11, submods -76000, the draft's 12..16 range) are flagged
// as not RFC 9711, and anything else goes through rotkit's claim decoder (which, e.g., refuses a tagged iat).

/** Claim labels of the EAT drafts that RFC 9711 replaced (ueid 11 → 256, submods -76000 → 266, …). */
const PRE_RFC_LABELS = new Map<number, string>([
  [11, "ueid (RFC 9711: 256)"],
  [12, "oemid (draft)"],
  [13, "hwmodel/security level (draft)"],
  [14, "secure boot (draft)"],
  [15, "debug status (draft)"],
  [16, "location (draft)"],
  [-76000, "submods (RFC 9711: 266)"],
]);

function judge(bytes: Uint8Array): Outcome {
  const v: CborValue = decodeEatCbor(bytes, "ctoken");
  if (v instanceof Map) {
    const old = [...v.keys()].filter((k): k is number => typeof k === "number" && PRE_RFC_LABELS.has(k));
    if (old.length > 0) {
      throw new RotkitError(
        "ATTEST_CLAIM_INVALID",
        `not an RFC 9711 claims-set: pre-RFC EAT labels ${old.map((k) => `${k} ${PRE_RFC_LABELS.get(k)}`).join(", ")}`,
      );
    }
  }
  decodeEatClaims(v);
  return { got: "valid" };
}

/** `rotkit conformance ctoken <folder>`: every `*.cbor` (or the index.json cases). */
export const ctokenSuite: Suite = {
  name: "ctoken",
  description: "laurencelundblade/ctoken sample claims-sets: pre-RFC 9711 EAT drafts must be flagged as not RFC 9711",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    requireFolder("ctoken", path);
    let cases: { id: string; primary: string; expected: Verdict }[];
    const index = join(path, "index.json");
    if (existsSync(index)) {
      let parsed: { cases?: { id: string; primary: string; expect: string }[] };
      try {
        parsed = JSON.parse(readFileSync(index, "utf8"));
      } catch (e) {
        throw new RotkitError("CONFORMANCE_BAD_INPUT", "ctoken: index.json is not JSON", { cause: e });
      }
      // The index states "valid" for RFC 9711 claims-sets; anything else ("NOT RFC 9711-conformant") is a negative.
      cases = (parsed.cases ?? []).map((c) => ({
        id: c.id,
        primary: c.primary,
        expected: c.expect === "valid" ? "valid" : "invalid",
      }));
    } else {
      cases = readdirSync(path)
        .filter((f) => f.endsWith(".cbor"))
        .sort()
        .map((f) => ({ id: f, primary: f, expected: "invalid" as Verdict }));
    }
    const results: CaseResult[] = [];
    for (const c of cases) {
      let r: Outcome;
      try {
        r = judge(readFileSync(join(path, c.primary)));
      } catch (e) {
        r = outcomeOfError(e);
      }
      results.push(caseResult(c.id, c.expected, r));
      ctx.progress(results.length, cases.length);
    }
    return results;
  },
};
