import { bytesEqual, type CryptoProvider, fromHex, utf8Encode } from "@rotkit/core";
import { decryptSuitPayload } from "@rotkit/manifest";
import type { CaseResult, Suite, SuiteContext } from "../types.js";
import { CaseInputError, errorText } from "./case-outcome.js";
import { type IndexCase, pemPublicKey, readBytes, readIndex } from "./psa-common.js";
import {
  decryptStep,
  ENVELOPE_STEPS,
  type EncryptionKeysJson,
  type EnvelopeCase,
  encryptionKeys,
  holding,
  P256_GENERATOR,
  pemPrivateToPublic,
  processStep,
  runIndex,
  tamperedCases,
} from "./suit-common.js";

// suit-wg/suit-firmware-encryption (draft-ietf-suit-firmware-encryption) in the layout of its vectors folder:
// - the five SUIT envelopes decode, verify and re-encode byte for byte; AES-KW examples are COSE_Mac0 HMAC-256 with
//   the 32-byte key "aaaa…" (the draft's example key), ES-DH ones ESP256 under keys/public_key.pem, except the
//   outer envelope of es-ecdh-dependency, signed with keys/dependent_private_key.pem while its integrated dependency
//   is signed with the standard key (two signing keys: each must verify with its own key, derived negatives check
//   that the other key is refused); payloads carried inline decrypt to keys.json's plaintext;
// - the four SUIT_Encryption_Info (tag-96 COSE_Encrypt, detached ciphertext) decrypt their encrypted-payload-*.bin
//   to keys.json's plaintext with the A128KW KEK ("kid-1") or the ECDH-ES recipient key ("kid-2"); derived
//   negatives: the same with the other recipient's key only must fail (a COSE_ error);
// - each envelope is then processed (update) on a simulated device that serves the AES-GCM ciphertext at the URI the
//   fetching examples use: fetch + copy, write and the dependency's write decrypt, and the plaintext must be what a
//   component holds afterwards.

/** The MAC key of the AES-KW examples (draft text: HMAC-256 with 32 x 'a'). */
const MAC_KEY = utf8Encode("a".repeat(32));

function keysJson(root: string): EncryptionKeysJson {
  try {
    return JSON.parse(new TextDecoder().decode(readBytes(root, "keys/keys.json"))) as EncryptionKeysJson;
  } catch (e) {
    if (e instanceof CaseInputError) throw e;
    throw new CaseInputError(`keys/keys.json is not JSON: ${errorText(e)}`);
  }
}

function envelopeCases(root: string, c: IndexCase): EnvelopeCase[] {
  const k = keysJson(root);
  const standard = pemPublicKey(root, "keys/public_key.pem");
  const plaintext = fromHex(k.plaintext_hex);
  const process = processStep({
    procedure: ["update"],
    decryptionKeys: encryptionKeys(k),
    device: () => ({
      resources: { "coaps://example.com/encrypted-firmware": readBytes(root, "encrypted-payload-aes-kw-aes-gcm.bin") },
    }),
    check: (platform) => (holding(platform, plaintext) === 1 ? undefined : "no component holds the plaintext"),
  });
  const steps = [...ENVELOPE_STEPS, decryptStep(encryptionKeys(k), [plaintext]), process];
  const base: EnvelopeCase = { id: c.id, file: c.primary, expected: "valid", keys: [standard, MAC_KEY], steps };
  if (!/dependency/.test(c.id)) return [base, ...tamperedCases(base, readBytes(root, c.primary))];
  const dependent = pemPrivateToPublic(root, "keys/dependent_private_key.pem");
  const dep: EnvelopeCase = { ...base, keys: [dependent], dependencyKeys: [standard] };
  const refused = { expected: "invalid" as const, expectCode: "SUIT_AUTH_FAILED" };
  return [
    dep,
    ...tamperedCases(dep, readBytes(root, c.primary)),
    { ...dep, ...refused, id: `${c.id}#derived-outer-with-standard-key`, keys: [standard] },
    { ...dep, ...refused, id: `${c.id}#derived-dependency-with-dependent-key`, dependencyKeys: [dependent] },
    { ...dep, ...refused, id: `${c.id}#derived-unknown-key`, keys: [P256_GENERATOR] },
  ];
}

async function decryptCase(root: string, c: IndexCase, provider: CryptoProvider): Promise<CaseResult[]> {
  const id = `${c.id}@${provider.name}`;
  const name = c.id.replace(/^suit-encryption-info-/, "");
  let info: Uint8Array;
  let ciphertext: Uint8Array;
  let k: EncryptionKeysJson;
  try {
    info = readBytes(root, c.primary);
    ciphertext = readBytes(root, `encrypted-payload-${name}.bin`);
    k = keysJson(root);
  } catch (e) {
    if (!(e instanceof CaseInputError)) throw e;
    return [{ id, expected: "valid", got: "skipped", reason: e.message }];
  }
  const [kek, ecdh] = encryptionKeys(k);
  const right = name.startsWith("aes-kw") ? kek : ecdh;
  const wrong = name.startsWith("aes-kw") ? ecdh : kek;
  const out: CaseResult[] = [];
  try {
    const plain = await decryptSuitPayload(info, ciphertext, { provider, keys: [right!] });
    out.push(
      bytesEqual(plain, fromHex(k.plaintext_hex))
        ? { id, expected: "valid", got: "valid", reason: `decrypted ${plain.length} bytes` }
        : { id, expected: "valid", got: "invalid", code: "CHECK_FAILED", reason: "wrong plaintext" },
    );
  } catch (e) {
    out.push({
      id,
      expected: "valid",
      got: "invalid",
      code: (e as { code?: string }).code ?? "CRASH",
      reason: errorText(e),
    });
  }
  const wid = `${c.id}#derived-wrong-key@${provider.name}`;
  try {
    await decryptSuitPayload(info, ciphertext, { provider, keys: [wrong!] });
    out.push({ id: wid, expected: "invalid", got: "valid", reason: "decrypted with the other recipient's key" });
  } catch (e) {
    const code = (e as { code?: string }).code ?? "CRASH";
    out.push({
      id: wid,
      expected: "invalid",
      got: code.startsWith("COSE_") ? "invalid" : "valid",
      code,
      reason: errorText(e),
    });
  }
  return out;
}

/** The suit-firmware-encryption suite: `rotkit conformance suit-firmware-encryption <folder with index.json>`. */
export const suitFirmwareEncryptionSuite: Suite = {
  name: "suit-firmware-encryption",
  description:
    "draft-ietf-suit-firmware-encryption: envelopes (HMAC / ESP256, two signing keys), decryption of AES-KW and ECDH-ES payloads",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    const cases = readIndex("suit-firmware-encryption", path);
    return runIndex(cases, path, ctx, (c) =>
      /^suit-encryption-info-/.test(c.id)
        ? { envelopes: [], extra: (provider) => decryptCase(path, c, provider) }
        : { envelopes: envelopeCases(path, c) },
    );
  },
};
