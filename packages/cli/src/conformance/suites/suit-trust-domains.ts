import { utf8Encode } from "@rotkit/core";
import type { CaseResult, Suite, SuiteContext } from "../types.js";
import { pemPublicKey, readBytes, readIndex } from "./psa-common.js";
import {
  ENVELOPE_STEPS,
  type EnvelopeCase,
  holding,
  P256_GENERATOR,
  processStep,
  runIndex,
  tamperedCases,
} from "./suit-common.js";

// suit-wg/suit-multiple-trust-domains (draft-ietf-suit-trust-domains App. B) in the layout of its vectors folder:
// example0_dependent (the dependency), example1_process (dependency-resolution + process-dependency, the dependency
// fetched by URI) and example2_integrated (the same with the dependency integrated under "#dependent.suit"). Each
// must decode, verify (ESP256 under keys/public_key.pem; the integrated dependency recursively) and re-encode byte
// for byte, then process (update + invoke) on a simulated device that serves example0_dependent at the URI
// example1 fetches it from: the dependency writes "hello world" to ['00'], the dependent appends to ['10'] and
// invokes ['10']. Derived negatives: flipped manifest / signature bytes, and, for an envelope with an integrated
// dependency, the dependency checked against a key that did not sign it (SUIT_AUTH_FAILED).

/** Processing: fetch (or take the integrated) dependency, check, process it, write, invoke. */
function processing(root: string) {
  return processStep({
    procedure: ["update", "invoke"],
    device: () => ({ resources: { "http://example.com/dependent.suit": readBytes(root, "example0_dependent.cbor") } }),
    check: (platform) =>
      holding(platform, utf8Encode("hello world")) === 1 && platform.invocations.length === 1
        ? undefined
        : "the dependency's component was not written, or nothing was invoked",
  });
}

function expand(root: string, id: string, primary: string): { envelopes: EnvelopeCase[] } {
  const keys = [pemPublicKey(root, "keys/public_key.pem")];
  const base: EnvelopeCase = {
    id,
    file: primary,
    expected: "valid",
    keys,
    steps: [...ENVELOPE_STEPS, processing(root)],
  };
  const bytes = readBytes(root, primary);
  const envelopes = [base, ...tamperedCases(base, bytes)];
  if (/integrated/.test(id)) {
    envelopes.push({
      ...base,
      id: `${id}#derived-dependency-wrong-key`,
      expected: "invalid",
      expectCode: "SUIT_AUTH_FAILED",
      dependencyKeys: [P256_GENERATOR],
    });
  }
  return { envelopes };
}

/** The suit-trust-domains suite: `rotkit conformance suit-trust-domains <folder with index.json>`. */
export const suitTrustDomainsSuite: Suite = {
  name: "suit-trust-domains",
  description: "draft-ietf-suit-trust-domains App. B: dependencies, integrated dependency, verify (ESP256), re-encode",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    const cases = readIndex("suit-trust-domains", path);
    return runIndex(cases, path, ctx, (c) => expand(path, c.id, c.primary));
  },
};
