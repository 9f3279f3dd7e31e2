import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  bytesEqual,
  type CryptoProvider,
  fixedClock,
  fromBase64,
  fromHex,
  generateSoftwareKey,
  type KeyHandle,
  nobleProvider,
  type PublicKey,
  publicKeyFromSpki,
} from "@rotkit/core";
import {
  buildSuitEnvelope,
  MemorySuitPlatform,
  type MemorySuitPlatformOptions,
  type SuitCommand,
  type SuitCommandSequence,
  type SuitComponentId,
  SuitConditionCode,
  type SuitConditionName,
  type SuitDigest,
  SuitDirectiveCode,
  type SuitEnvelopeDescription,
  type SuitIndexArg,
  type SuitManifest,
  type SuitParameters,
  type SuitPolicyDirectiveName,
  signSuitEnvelope,
} from "@rotkit/manifest";

// Shared by the suit-process tests: the draft-ietf-suit-manifest App. B examples need payloads whose digests are the
// draft's sample patterns (example 2's text: "The digest is a sample pattern, not a real one"), which no payload
// has. The examples are processed with payloads made here and a CryptoProvider that reports the sample pattern as
// the SHA-256 of exactly those payloads (and is the real provider for everything else): the interpreter's own
// hashing path runs; only the preimage is simulated.

export const VECTORS = new URL("../../../test-vectors/", import.meta.url).pathname;

export function read(dir: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(VECTORS, dir, file)));
}

export function pemPublic(dir: string, file: string): PublicKey {
  const text = readFileSync(join(VECTORS, dir, file), "utf8");
  return publicKeyFromSpki(fromBase64(text.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "")));
}

/** The P-256 key of the IETF SUIT drafts. */
export const DRAFT_KEY = pemPublic("suit-manifest-spec", "keys/public_key.pem");

/** The examples' vendor and class identifiers. */
export const VENDOR_ID = fromHex("fa6b4a53d5ad5fdfbe9de663e4d41ffe");
export const CLASS_ID = fromHex("1492af1425695e48bf429b2d51f2ab45");

/** The sample digests of the examples' images A (34768 bytes) and B (76834 bytes). */
export const SAMPLE_A = fromHex("00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210");
export const SAMPLE_B = fromHex("0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff");

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Image A (34768 bytes) and image B (76834 bytes), the sizes the examples declare. */
export const IMAGE_A = pattern(34768, 1);
export const IMAGE_B = pattern(76834, 2);

/** A provider whose SHA-256 of IMAGE_A / IMAGE_B is the sample pattern (see the header). */
export function sampleDigestProvider(base: CryptoProvider = nobleProvider()): CryptoProvider {
  return {
    ...base,
    name: `${base.name}+sample-digests`,
    async digest(alg, data) {
      if (alg === "SHA-256" && data.length === IMAGE_A.length && bytesEqual(data, IMAGE_A)) return SAMPLE_A.slice();
      if (alg === "SHA-256" && data.length === IMAGE_B.length && bytesEqual(data, IMAGE_B)) return SAMPLE_B.slice();
      return base.digest(alg, data);
    },
  } as CryptoProvider;
}

/** The URIs of the App. B examples and the images behind them. */
export const SPEC_RESOURCES: Record<string, Uint8Array> = {
  "http://example.com/file.bin": IMAGE_A,
  "http://example.com/very/long/path/to/file/file.bin": IMAGE_A,
  "http://example.com/file1.bin": IMAGE_A,
  "http://example.com/file2.bin": IMAGE_B,
};

/** A device the App. B examples apply to. */
export function specPlatform(extra: MemorySuitPlatformOptions = {}): MemorySuitPlatform {
  return new MemorySuitPlatform({
    identity: { vendorIds: [VENDOR_ID], classIds: [CLASS_ID] },
    resources: SPEC_RESOURCES,
    clock: fixedClock(1_750_000_000),
    ...extra,
  });
}

// Building manifests for the interpreter tests: typed commands, signed with a fresh key.

export function cond(name: SuitConditionName, policy = 15): SuitCommand {
  return { kind: "condition", name, code: SuitConditionCode[name], policy };
}

export function dir(name: SuitPolicyDirectiveName, policy = 2): SuitCommand {
  return { kind: "directive", name, code: SuitDirectiveCode[name], policy };
}

export function index(i: SuitIndexArg): SuitCommand {
  return { kind: "directive", name: "set-component-index", code: 12, index: i };
}

export function override(parameters: SuitParameters): SuitCommand {
  return { kind: "directive", name: "override-parameters", code: 20, parameters };
}

export function setParams(parameters: SuitParameters): SuitCommand {
  return { kind: "directive", name: "set-parameters", code: 19, parameters };
}

export function tryEach(sequences: SuitCommandSequence[], allowNone = false): SuitCommand {
  return { kind: "directive", name: "try-each", code: 15, sequences, allowNone };
}

export function runSequence(sequence: SuitCommandSequence): SuitCommand {
  return { kind: "directive", name: "run-sequence", code: 32, sequence };
}

/** A manifest skeleton: components, sequence number 1, and the given members. */
export function manifest(components: SuitComponentId[], members: Partial<SuitManifest> = {}): SuitManifest {
  return { version: 1, sequenceNumber: 1n, common: { components }, ...members };
}

/** One-byte component identifiers [h'00'], [h'01'], ... */
export function ids(n: number): SuitComponentId[] {
  return Array.from({ length: n }, (_, i) => [new Uint8Array([i])]);
}

/** A signing key and its public half, made once per test file. */
export async function testKey(): Promise<KeyHandle> {
  return generateSoftwareKey("ES256");
}

/** Builds and signs an envelope for `m` (integrated payloads optional). */
export async function signed(
  m: SuitManifest,
  key: KeyHandle,
  extra: Omit<SuitEnvelopeDescription, "manifest"> = {},
  provider: CryptoProvider = nobleProvider(),
): Promise<Uint8Array> {
  const unsigned = await buildSuitEnvelope({ manifest: m, ...extra }, { provider });
  return signSuitEnvelope(unsigned, { signers: [key], provider });
}

/** The SHA-256 SUIT_Digest of `data`. */
export async function sha256(data: Uint8Array, provider: CryptoProvider = nobleProvider()): Promise<SuitDigest> {
  return { algorithm: -16, bytes: await provider.digest("SHA-256", data) };
}
