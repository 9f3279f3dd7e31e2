import { decodeCcaPlatformClaims, decodeCcaRealmClaims, verifyCcaToken } from "@rotkit/attestation";
import { decodeCbor } from "@rotkit/core";
import type { CaseResult, Suite, SuiteContext } from "../types.js";
import {
  type IndexCase,
  type JsonField,
  jsonClaimsToMap,
  judge,
  pemPublicKey,
  providers,
  readBytes,
  readIndex,
  toResult,
  verdictOf,
} from "./psa-common.js";

// veraison/ccatoken vectors in their upstream layout: platform/ and realm/ claims-sets (diag + derived .cbor, and
// veraison's JSON form), and tf-rmm/cca_token.cbor, the full TF-RMM token verified with the CPAK
// tf-rmm/cca_platform.pub (the realm token with the RAK it carries, and the platform-challenge binding) on both
// providers.

const PLATFORM_FIELDS: Record<string, JsonField> = {
  "cca-platform-profile": { key: 265, claim: "profile", type: "plain" },
  "cca-platform-challenge": { key: 10, claim: "challenge", type: "bytes[]" },
  "cca-platform-implementation-id": { key: 2396, claim: "implementationId", type: "bytes" },
  "cca-platform-instance-id": { key: 256, claim: "instanceId", type: "bytes" },
  "cca-platform-config": { key: 2401, claim: "config", type: "bytes" },
  "cca-platform-lifecycle": { key: 2395, claim: "securityLifecycle", type: "plain" },
  "cca-platform-sw-components": { key: 2399, claim: "softwareComponents", type: "components" },
  "cca-platform-service-indicator": { key: 2400, claim: "verificationServiceIndicator", type: "plain" },
  "cca-platform-hash-algo-id": { key: 2402, claim: "hashAlgId", type: "plain" },
};

const REALM_FIELDS: Record<string, JsonField> = {
  "cca-realm-profile": { key: 265, claim: "profile", type: "plain" },
  "cca-realm-challenge": { key: 10, claim: "challenge", type: "bytes[]" },
  "cca-realm-personalization-value": { key: 44235, claim: "personalizationValue", type: "bytes" },
  "cca-realm-initial-measurement": { key: 44238, claim: "initialMeasurement", type: "bytes" },
  "cca-realm-extensible-measurements": { key: 44239, claim: "extensibleMeasurements", type: "bytes[]" },
  "cca-realm-hash-algo-id": { key: 44236, claim: "hashAlgId", type: "plain" },
  "cca-realm-public-key": { key: 44237, claim: "publicKey", type: "bytes" },
  "cca-realm-public-key-hash-algo-id": { key: 44240, claim: "publicKeyHashAlgId", type: "plain" },
};

// The claim a negative's name says is wrong (upstream publishes no error strings for these).
const NAME_CLAIM: [RegExp, string][] = [
  [/ExtendedMeas|extended-meas/i, "extensibleMeasurements"],
  [/HashAlgID|hash-alg-id|hash-algid/i, "hashAlgId"],
  [/InitialMeas|initial-meas/i, "initialMeasurement"],
  [/public-key-alg-id/i, "publicKeyHashAlgId"],
  [/PubKey|public-key/i, "publicKey"],
  [/Nonce|nonce/i, "challenge"],
  [/personalization/i, "personalizationValue"],
  [/config/i, "config"],
  [/implementation-id/i, "implementationId"],
  [/profile/i, "profile"],
  [/lifecycle/i, "securityLifecycle"],
  [/sw-components|no-sw/i, "softwareComponents"],
  [/vsi/i, "verificationServiceIndicator"],
];

function claimOf(id: string): string | undefined {
  return NAME_CLAIM.find(([re]) => re.test(id.split("/").pop() ?? id))?.[1];
}

async function runClaims(root: string, c: IndexCase): Promise<CaseResult> {
  const expected = verdictOf(c.expect) ?? "valid";
  const realm = c.id.startsWith("realm/");
  const decode = realm ? decodeCcaRealmClaims : decodeCcaPlatformClaims;
  const j = await judge(() => {
    if (c.primary.endsWith(".json")) {
      const json = JSON.parse(new TextDecoder().decode(readBytes(root, c.primary)));
      decode(jsonClaimsToMap(json, realm ? REALM_FIELDS : PLATFORM_FIELDS));
    } else decode(decodeCbor(readBytes(root, c.primary.replace(/\.diag$/, ".cbor"))));
  });
  return toResult(c.id, expected, j, expected === "invalid" ? claimOf(c.id) : undefined);
}

async function runToken(root: string, c: IndexCase): Promise<CaseResult[]> {
  const expected = verdictOf(c.expect) ?? "valid";
  const out: CaseResult[] = [];
  for (const provider of providers()) {
    const j = await judge(async () => {
      const platformKey = pemPublicKey(root, "tf-rmm/cca_platform.pub");
      const v = await verifyCcaToken(readBytes(root, c.primary), { platformKey, provider });
      return `platform ${v.platform.profile}, realm ${v.realm.profile ?? "legacy"}`;
    });
    out.push(toResult(`${c.id}@${provider.name}`, expected, j));
  }
  return out;
}

/** The ccatoken-veraison suite: `rotkit conformance ccatoken-veraison <folder with index.json>`. */
export const ccatokenVeraisonSuite: Suite = {
  name: "ccatoken-veraison",
  description: "veraison/ccatoken vectors: Arm CCA platform and realm claims-sets (CBOR + JSON) and the TF-RMM token",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    const cases = readIndex("ccatoken-veraison", path);
    const results: CaseResult[] = [];
    let done = 0;
    for (const c of cases) {
      if (c.id.startsWith("platform/") || c.id.startsWith("realm/")) results.push(await runClaims(path, c));
      else results.push(...(await runToken(path, c)));
      ctx.progress(++done, cases.length);
    }
    return results;
  },
};
