import type { CaseResult, Suite, SuiteContext } from "../types.js";
import { type IndexCase, pemPublicKey, readBytes, readIndex } from "./psa-common.js";
import {
  decodeStep,
  type EnvelopeCase,
  reencodeStep,
  runIndex,
  type SuitCaseStep,
  tamperedCases,
  verifyStep,
} from "./suit-common.js";

// suit-wg/manifest-spec (draft-ietf-suit-manifest App. B examples 0-5) in the layout of its vectors folder:
// index.json lists each example with its envelopes ("signed", "unsigned", "signed-severed", "unsigned-severed").
// A signed envelope must decode, verify (ES256 under keys/public_key.pem), and re-encode byte for byte. An unsigned
// one (authentication wrapper with the digest only) must decode and re-encode, and be refused by verification
// (SUIT_AUTH_FAILED: §8.3 "The Manifest Processor requires a SUIT_Authentication_Block"). Derived negatives: a
// flipped manifest byte (SUIT_DIGEST_MISMATCH) and a flipped signature byte (SUIT_AUTH_FAILED).

interface SpecCase extends IndexCase {
  envelopes?: string[];
}

/** Steps for an unsigned envelope: it decodes and re-encodes; verification must refuse it. */
const UNSIGNED_STEPS: readonly SuitCaseStep[] = [decodeStep, reencodeStep, verifyStep];

function envelopeCases(root: string, c: SpecCase): EnvelopeCase[] {
  const keys = [pemPublicKey(root, "keys/public_key.pem")];
  const out: EnvelopeCase[] = [];
  for (const kind of c.envelopes ?? ["signed"]) {
    const file = `${c.id}.${kind}.cbor`;
    const base: EnvelopeCase = { id: `${c.id}.${kind}`, file, expected: "valid", keys };
    if (kind.startsWith("unsigned")) {
      out.push({ ...base, expected: "invalid", expectCode: "SUIT_AUTH_FAILED", steps: UNSIGNED_STEPS });
    } else {
      out.push(base);
      if (kind === "signed") out.push(...tamperedCases(base, readBytes(root, file)));
    }
  }
  return out;
}

/** The suit-manifest-spec suite: `rotkit conformance suit-manifest-spec <folder with index.json>`. */
export const suitManifestSpecSuite: Suite = {
  name: "suit-manifest-spec",
  description: "draft-ietf-suit-manifest App. B examples 0-5: decode, verify (ES256), severable members, re-encode",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    const cases = readIndex("suit-manifest-spec", path) as SpecCase[];
    return runIndex(cases, path, ctx, (c) => ({ envelopes: envelopeCases(path, c) }));
  },
};
