import { bytesEqual, type CryptoProvider, fromHex } from "@rotkit/core";
import type { MemorySuitPlatformOptions } from "@rotkit/manifest";
import type { CaseResult, Suite, SuiteContext } from "../types.js";
import { type IndexCase, pemPublicKey, readBytes, readIndex } from "./psa-common.js";
import {
  decodeStep,
  ENVELOPE_STEPS,
  type EnvelopeCase,
  type ProcessPlan,
  processStep,
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
//
// Each signed example is then processed on a simulated device (App. B says what each does: secure boot, download,
// A/B, load, two images). Its image digests are sample patterns ("The digest is a sample pattern, not a real one"),
// which no payload has: the device gets images of the declared sizes and processing uses a provider that reports
// the sample pattern as the SHA-256 of exactly those images (the real provider for everything else).

const C0 = [new Uint8Array([0])];
const C1 = [new Uint8Array([1])];
const VENDOR_ID = fromHex("fa6b4a53d5ad5fdfbe9de663e4d41ffe");
const CLASS_ID = fromHex("1492af1425695e48bf429b2d51f2ab45");
const SAMPLE_A = fromHex("00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210");
const SAMPLE_B = fromHex("0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff");

function image(n: number, fill: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + fill) & 0xff);
}

/** The examples' images A (34768 bytes) and B (76834 bytes). */
const IMAGE_A = image(34768, 1);
const IMAGE_B = image(76834, 2);

function sampleDigests(base: CryptoProvider): CryptoProvider {
  const p = Object.create(base) as CryptoProvider & { digest: CryptoProvider["digest"] };
  p.digest = async (alg, data) => {
    if (alg === "SHA-256" && data.length === IMAGE_A.length && bytesEqual(data, IMAGE_A)) return SAMPLE_A.slice();
    if (alg === "SHA-256" && data.length === IMAGE_B.length && bytesEqual(data, IMAGE_B)) return SAMPLE_B.slice();
    return base.digest(alg, data);
  };
  return p;
}

function plan(procedure: ProcessPlan["procedure"], device: MemorySuitPlatformOptions = {}): ProcessPlan {
  return {
    procedure,
    provider: sampleDigests,
    device: () => ({
      identity: { vendorIds: [VENDOR_ID], classIds: [CLASS_ID] },
      resources: {
        "http://example.com/file.bin": IMAGE_A,
        "http://example.com/very/long/path/to/file/file.bin": IMAGE_A,
        "http://example.com/file1.bin": IMAGE_A,
        "http://example.com/file2.bin": IMAGE_B,
      },
      ...device,
    }),
  };
}

const installed = { components: [{ id: C0, data: IMAGE_A }] };

/** What each signed envelope does on the device (App. B). */
const PLANS: Record<string, ProcessPlan> = {
  "example0.signed": plan(["invoke"], installed),
  "example1.signed": plan(["update"]),
  "example2.signed": plan(["update", "invoke"]),
  // Severed: the install sequence is gone, so only the invocation procedure runs.
  "example2.signed-severed": plan(["invoke"], installed),
  "example3.signed": plan(["update", "invoke"], { slots: [{ id: C0, slot: 1 }] }),
  // The load sequence copies image A to RAM and expects image B: a loader that decompresses, as the draft allows.
  "example4.signed": plan(["update", "invoke"], { loaders: [{ id: C1, transform: () => IMAGE_B }] }),
  "example5.signed": plan(["update", "invoke"]),
};

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
    const id = `${c.id}.${kind}`;
    const processing = PLANS[id];
    const steps = processing ? [...ENVELOPE_STEPS, processStep(processing)] : ENVELOPE_STEPS;
    const base: EnvelopeCase = { id, file, expected: "valid", keys, steps };
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
  description:
    "draft-ietf-suit-manifest App. B examples 0-5: decode, verify (ES256), severable members, re-encode, process on a simulated device",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    const cases = readIndex("suit-manifest-spec", path) as SpecCase[];
    return runIndex(cases, path, ctx, (c) => ({ envelopes: envelopeCases(path, c) }));
  },
};
