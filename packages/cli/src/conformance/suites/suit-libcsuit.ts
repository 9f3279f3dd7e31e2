import { utf8Encode } from "@rotkit/core";
import type { MemorySuitPlatformOptions, SuitEnvelope, SuitVendorId } from "@rotkit/manifest";
import type { CaseResult, Suite, SuiteContext } from "../types.js";
import { hasFile, type IndexCase, pemPublicKey, readBytes, readIndex } from "./psa-common.js";
import {
  decryptStep,
  ENVELOPE_STEPS,
  type EnvelopeCase,
  encryptionKeys,
  parameterSets,
  processStep,
  runIndex,
  type SuitCaseState,
  tamperedCases,
} from "./suit-common.js";

// kentakayama/libcsuit test manifests in the layout of its vectors folder (index.json: one case per
// suit_manifest_expX.md with its `binaries`): the draft-ietf-suit-manifest examples signed with ESP256 (-9), the
// trust-domains, firmware-encryption, update-management and TEEP (untagged) manifests. Each binary must decode,
// verify (COSE_Sign1 under key/trust_anchor_secp256r1_pub.pem, or COSE_Mac0 HMAC-256 with 32 x 'a') and re-encode
// byte for byte; payloads carried inline with their encryption info decrypt to raw_image.bin or config.json with
// the example keys of draft-ietf-suit-firmware-encryption (which libcsuit uses). Derived negatives: flipped
// manifest / signature bytes.
//
// The binaries whose payloads the folder holds (or carries inline) are then processed (update + invoke) on a
// simulated device that asserts the identifiers the manifest checks and serves the folder's files at their URIs.
// The others are not processed: their digests are the draft's sample patterns (exp0-4), their payload or dependency
// is not in the folder (AF, AFS: another ciphertext; D, S2, U3: files not published), or they test a device
// property the simulated device does not have (U0, U2: component versions; U0 also expired in 2023).

/** The binaries that process to completion on the simulated device. */
const PROCESSABLE = new Set([
  "suit_manifest_expAW.suit",
  "suit_manifest_expED.suit",
  "suit_manifest_expEW.suit",
  "suit_manifest_expI.suit",
  "suit_manifest_expS0.suit",
  "suit_manifest_expS3.suit",
  "suit_manifest_expU.suit",
  "suit_manifest_expU1.suit",
]);

/** The device: the identifiers the manifest (and its dependencies) check, the folder's files at their URIs. */
function device(root: string) {
  return (s: SuitCaseState): MemorySuitPlatformOptions => {
    const vendorIds: SuitVendorId[] = [];
    const classIds: Uint8Array[] = [];
    const walk = (e: SuitEnvelope): void => {
      for (const p of parameterSets(e.manifest)) {
        if (p.vendorIdentifier) vendorIds.push(p.vendorIdentifier);
        if (p.classIdentifier) classIds.push(p.classIdentifier);
      }
      for (const d of e.integratedDependencies.values()) walk(d);
    };
    if (s.decoded) walk(s.decoded);
    const ta = "8d82573a-926d-4754-9353-32dc29997f74.ta";
    const resources = new Map<string, Uint8Array>();
    if (hasFile(root, ta)) resources.set(`https://example.org/${ta}`, readBytes(root, ta));
    return { identity: { vendorIds, classIds }, resources };
  };
}

interface LibcsuitCase extends IndexCase {
  binaries?: string[];
}

/** HMAC-256 key of the AES-KW (MAC'ed) manifests. */
const MAC_KEY = utf8Encode("a".repeat(32));

/** draft-ietf-suit-firmware-encryption "Complete Examples": the A128KW KEK and the ECDH-ES recipient key. */
const DRAFT_KEYS = encryptionKeys({
  plaintext_hex: "",
  a128kw_kek: { k_text: "aaaaaaaaaaaaaaaa", kid_text: "kid-1" },
  ecdh_es_a128kw_recipient_private_key: {
    crv: "P-256",
    d: "60FE6DD6D85D5740A5349B6F91267EEAC5BA81B8CB53EE249E4B4EB102C476B3",
    kid_text: "kid-2",
  },
});

function trustAnchor(root: string) {
  // index.json says keys/, the upstream folder is key/.
  const file = ["key/trust_anchor_secp256r1_pub.pem", "keys/trust_anchor_secp256r1_pub.pem"].find((f) =>
    hasFile(root, f),
  );
  return pemPublicKey(root, file ?? "key/trust_anchor_secp256r1_pub.pem");
}

function expand(root: string, c: LibcsuitCase): { envelopes: EnvelopeCase[] } {
  const keys = [trustAnchor(root), MAC_KEY];
  const plaintexts = ["raw_image.bin", "config.json"].filter((f) => hasFile(root, f)).map((f) => readBytes(root, f));
  const steps = [...ENVELOPE_STEPS, decryptStep(DRAFT_KEYS, plaintexts)];
  const process = processStep({ procedure: ["update", "invoke"], decryptionKeys: DRAFT_KEYS, device: device(root) });
  const envelopes: EnvelopeCase[] = [];
  for (const file of c.binaries ?? [c.primary]) {
    const base: EnvelopeCase = {
      id: file,
      file,
      expected: "valid",
      keys,
      steps: PROCESSABLE.has(file) ? [...steps, process] : steps,
    };
    envelopes.push(base, ...tamperedCases(base, readBytes(root, file)));
  }
  return { envelopes };
}

/** The suit-libcsuit suite: `rotkit conformance suit-libcsuit <folder with index.json>`. */
export const suitLibcsuitSuite: Suite = {
  name: "suit-libcsuit",
  description:
    "libcsuit test manifests (SUIT, trust-domains, encryption, update-management, TEEP untagged): decode, verify, decrypt, re-encode, process",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    const cases = readIndex("suit-libcsuit", path) as LibcsuitCase[];
    return runIndex(cases, path, ctx, (c) => expand(path, c));
  },
};
