import { RotkitError } from "@rotkit/core";
import type { Suite } from "./types.js";

// Suites load lazily: `rotkit conformance wycheproof` should not parse the COSE code, and a downstream CI that
// runs one suite pays only for that one.
const suites: Record<string, { description: string; load: () => Promise<Suite> }> = {
  wycheproof: {
    description: "Wycheproof signature, MAC, HKDF and AES-GCM vectors, run with both crypto providers",
    load: () => import("./suites/wycheproof.js").then((m) => m.wycheproofSuite),
  },
  "cose-wg-examples": {
    description: "COSE WG examples (RFC 8152/9052/9053): Sign, Sign1, Mac, Mac0, Encrypt, Encrypt0, CWT",
    load: () => import("./suites/cose-wg-examples.js").then((m) => m.coseWgExamplesSuite),
  },
  "go-cose": {
    description: "veraison/go-cose COSE_Sign1 sign and verify vectors, with malformed-header negatives",
    load: () => import("./suites/go-cose.js").then((m) => m.goCoseSuite),
  },
  "x509-limbo": {
    description:
      "C2SP x509-limbo path validation cases (RFC 5280, CA/B Forum webpki, BetterTLS) in upstream limbo.json form",
    load: () => import("./suites/x509-limbo.js").then((m) => m.x509LimboSuite),
  },
  "nist-pkits": {
    description:
      "NIST PKITS 1.0.1 path validation cases (certs/, crls/, pkits-testcases.json), RFC 5280 profile with CRLs",
    load: () => import("./suites/nist-pkits.js").then((m) => m.nistPkitsSuite),
  },
  "psatoken-veraison": {
    description:
      "veraison/psatoken vectors: PSA claims-sets (CBOR + JSON, legacy and 2.0.0 profiles), TF-M Sign1/Mac0 tokens",
    load: () => import("./suites/psatoken-veraison.js").then((m) => m.psatokenVeraisonSuite),
  },
  "psa-token-draft": {
    description: "RFC 9783 Appendix A Sign1/Mac0 examples and CDDL GOOD_/FAIL_ claims-sets",
    load: () => import("./suites/psa-token-draft.js").then((m) => m.psaTokenDraftSuite),
  },
  "ccatoken-veraison": {
    description: "veraison/ccatoken vectors: Arm CCA platform and realm claims-sets (CBOR + JSON) and the TF-RMM token",
    load: () => import("./suites/ccatoken-veraison.js").then((m) => m.ccatokenVeraisonSuite),
  },
  "open-dice-kat": {
    description: "google/open-dice known-answer CBOR and X.509 CDI certificates and expected CDIs",
    load: () => import("./suites/open-dice-kat.js").then((m) => m.openDiceKatSuite),
  },
  "dice-veraison": {
    description: "veraison/dice Open-DICE chains (CBOR and X.509) and the legacy RIoT extension",
    load: () => import("./suites/dice-veraison.js").then((m) => m.diceVeraisonSuite),
  },
  "dice-caliptra": {
    description: "Caliptra DICE certificates: TCG DICE extensions, redacted signatures, LDevID→FMC name chaining",
    load: () => import("./suites/dice-caliptra.js").then((m) => m.diceCaliptraSuite),
  },
  "tpm-go-attestation": {
    description: "google/go-attestation TPM 2.0 quote bundles (quote, AK, PCRs, event log) and TCG event logs",
    load: () => import("./suites/tpm-go-attestation.js").then((m) => m.tpmGoAttestationSuite),
  },
  "eat-rfc9711-examples": {
    description: "RFC 9711 (EAT) Appendix A: claims-sets, CoSWID bodies, CWT structure, CBOR and JSON detached bundles",
    load: () => import("./suites/eat-rfc9711-examples.js").then((m) => m.eatRfc9711ExamplesSuite),
  },
  "suit-manifest-spec": {
    description: "draft-ietf-suit-manifest App. B examples 0-5: decode, verify (ES256), severable members, re-encode",
    load: () => import("./suites/suit-manifest-spec.js").then((m) => m.suitManifestSpecSuite),
  },
  "suit-libcsuit": {
    description:
      "libcsuit SUIT manifests (trust-domains, encryption, update-management, TEEP): decode, verify, decrypt",
    load: () => import("./suites/suit-libcsuit.js").then((m) => m.suitLibcsuitSuite),
  },
  "suit-trust-domains": {
    description:
      "draft-ietf-suit-trust-domains App. B: dependencies and an integrated dependency, verified recursively",
    load: () => import("./suites/suit-trust-domains.js").then((m) => m.suitTrustDomainsSuite),
  },
  "suit-firmware-encryption": {
    description:
      "draft-ietf-suit-firmware-encryption: envelopes with two signing keys, AES-KW / ECDH-ES payload decryption",
    load: () => import("./suites/suit-firmware-encryption.js").then((m) => m.suitFirmwareEncryptionSuite),
  },
  "delta-corpus": {
    description:
      "firmware image pairs (<pair>/old.bin, new.bin): rotkit delta create + apply + byte compare; damaged patches refused",
    load: () => import("./suites/delta-corpus.js").then((m) => m.deltaCorpusSuite),
  },
  ctoken: {
    description: "laurencelundblade/ctoken sample claims-sets: pre-RFC 9711 EAT drafts must be flagged as not RFC 9711",
    load: () => import("./suites/ctoken.js").then((m) => m.ctokenSuite),
  },
  "mcuboot-imgtool": {
    description: "MCUboot imgtool signed images: ECDSA P-256/P-384, Ed25519, RSA-PSS, protected TLVs, --clear, HEX",
    load: () => import("./suites/mcuboot-imgtool.js").then((m) => m.mcubootImgtoolSuite),
  },
};

// DESIGN.md's short names for the same suites.
const aliases: Record<string, string> = {
  "cose-wg": "cose-wg-examples",
  mcuboot: "mcuboot-imgtool",
  suit: "suit-manifest-spec",
  psa: "psatoken-veraison",
  eat: "eat-rfc9711-examples",
  dice: "open-dice-kat",
  tpm: "tpm-go-attestation",
};

/** Names and one-line descriptions of every suite this build knows. */
export function listSuites(): { name: string; description: string }[] {
  return Object.entries(suites).map(([name, s]) => ({ name, description: s.description }));
}

/** Loads a suite by name; `CONFORMANCE_BAD_SUITE` for a name this build does not know. */
export async function loadSuite(name: string): Promise<Suite> {
  const canonical = Object.hasOwn(aliases, name) ? (aliases[name] as string) : name;
  const entry = Object.hasOwn(suites, canonical) ? suites[canonical] : undefined;
  if (!entry) {
    throw new RotkitError("CONFORMANCE_BAD_SUITE", `unknown suite "${name}"; known: ${Object.keys(suites).join(", ")}`);
  }
  return entry.load();
}
