import {
  CborTag,
  type CborValue,
  type CryptoProvider,
  encodeCbor,
  type KeyHandle,
  RawCbor,
  RotkitError,
} from "@rotkit/core";
import { createCoseMac0, type MacKey, signCoseSign1 } from "@rotkit/cose";
import { type SuitDecodeOptions, suitContext } from "./cbor.js";
import { checkSuitDigest, suitDigest } from "./digest.js";
import { encodeSuitAuthentication, encodeSuitEnvelope } from "./encode-envelope.js";
import { encodeSuitManifest, severableContent } from "./encode-manifest.js";
import { decodeSuitEnvelopeUnverified, readEnvelope } from "./envelope.js";
import { SUIT_ENVELOPE_TAG, SuitDigestAlg, SuitEnvelopeKey } from "./labels.js";
import type { SeverableName } from "./manifest.js";
import type { SuitEnvelope, SuitManifest, SuitSeverable } from "./types.js";

// Building and signing SUIT envelopes (draft-ietf-suit-manifest §8.2, §8.3, §8.5), deterministic CBOR throughout.

/** What {@link buildSuitEnvelope} assembles. */
export interface SuitEnvelopeDescription {
  /** The manifest; severable members are given by value (`{ value }`). */
  manifest: SuitManifest;
  /** Severable members to move into the envelope, leaving their SUIT_Digest in the manifest (§8.5). */
  sever?: readonly SeverableName[];
  /** Integrated payloads (§7.6): text key, e.g. "#firmware" → bytes. */
  integratedPayloads?: ReadonlyMap<string, Uint8Array>;
  /** Integrated dependencies (trust-domains): key (the URI the manifest sets for it) → the dependency's envelope. */
  integratedDependencies?: ReadonlyMap<string, Uint8Array>;
  /** trust-domains delegation chains: lists of CWT bytes. */
  delegation?: Uint8Array[][];
  /** Emit tag 107. Default true. */
  tagged?: boolean;
  /** SUIT_Digest algorithm of the manifest and the severed members. Default -16 (SHA-256). */
  digestAlgorithm?: number;
}

/** `bstr .cbor`-wrapping as the digest input (§8.3: the digest covers the bstr head too). */
function bstrWrapped(content: Uint8Array): Uint8Array {
  return encodeCbor(content);
}

/**
 * Builds an unsigned SUIT envelope: the manifest in deterministic CBOR, the chosen severable members moved to the
 * envelope with their digests in the manifest, and an authentication wrapper that holds only the manifest's
 * SUIT_Digest. Sign it with {@link signSuitEnvelope}.
 *
 * @example
 * ```ts
 * const unsigned = await buildSuitEnvelope({ manifest, sever: ["text"] }, { provider: nobleProvider() });
 * const signed = await signSuitEnvelope(unsigned, { signers: [authorKey], provider: nobleProvider() });
 * ```
 */
export async function buildSuitEnvelope(
  description: SuitEnvelopeDescription,
  options: { provider: CryptoProvider },
): Promise<Uint8Array> {
  if (!description || typeof description !== "object" || !description.manifest) {
    throw new RotkitError("INVALID_ARGUMENT", "SUIT: a description with a manifest is required");
  }
  const alg = description.digestAlgorithm ?? SuitDigestAlg.sha256;
  const manifest: SuitManifest = { ...description.manifest };
  for (const name of description.sever ?? []) {
    const s = manifest[name] as SuitSeverable<unknown> | undefined;
    if (!s || s.value === undefined) {
      throw new RotkitError("INVALID_ARGUMENT", `SUIT: severable member ${name} has no value to sever`);
    }
    const digest = await suitDigest(options.provider, alg, bstrWrapped(severableContent(name, s.value)));
    (manifest as unknown as Record<string, SuitSeverable<unknown>>)[name] = { digest, value: s.value };
  }
  const manifestBytes = encodeSuitManifest(manifest);
  const envelope: SuitEnvelope = {
    tagged: description.tagged !== false,
    authentication: {
      digest: await suitDigest(options.provider, alg, bstrWrapped(manifestBytes)),
      blocks: [],
    },
    manifest,
    integratedPayloads: new Map(description.integratedPayloads ?? []),
    integratedDependencies: new Map(),
  };
  for (const [key, bytes] of description.integratedDependencies ?? []) {
    envelope.integratedDependencies.set(key, decodeSuitEnvelopeUnverified(bytes));
  }
  if (description.delegation) envelope.delegation = description.delegation;
  return encodeSuitEnvelope(envelope, { reuseMembers: false });
}

/** Who authenticates the envelope in {@link signSuitEnvelope}. */
export interface SignSuitOptions extends SuitDecodeOptions {
  provider: CryptoProvider;
  /** COSE_Sign1 signers (ES256, ESP256, EdDSA, Ed25519, ...); each handle's `kid`, if any, goes unprotected. */
  signers?: readonly KeyHandle[];
  /** COSE_Mac0 authenticators: a shared key and its MAC algorithm (e.g. 5 = HMAC 256/256). */
  macs?: readonly { key: MacKey; alg: number | string; kid?: Uint8Array }[];
}

/**
 * Adds COSE_Sign1 / COSE_Mac0 authentication blocks to an envelope (§8.3): each over the detached SUIT_Digest,
 * after checking that digest against the manifest (§8.3: "Signers ... MUST verify the SUIT_Digest prior to
 * performing the cryptographic computation"). Existing blocks are kept; every other member is kept byte for byte.
 *
 * @example
 * ```ts
 * const key = await generateSoftwareKey("ESP256");
 * const signed = await signSuitEnvelope(unsigned, { signers: [key], provider: nobleProvider() });
 * ```
 */
export async function signSuitEnvelope(envelope: Uint8Array, options: SignSuitOptions): Promise<Uint8Array> {
  if (!options?.provider) throw new RotkitError("INVALID_ARGUMENT", "SUIT: a provider is required");
  const signers = options.signers ?? [];
  const macs = options.macs ?? [];
  if (signers.length + macs.length === 0) {
    throw new RotkitError("INVALID_ARGUMENT", "SUIT: at least one signer or MAC key is required");
  }
  const raw = readEnvelope(envelope, suitContext(options));
  await checkSuitDigest(options.provider, raw.authentication.digest, raw.manifestWrapped, "envelope/3");
  const blocks = [...raw.authentication.blocks];
  const payload = raw.digestBytes;
  for (const key of signers) {
    const content = { payload, detached: true, ...(key.kid ? { unprotected: new Map([[4, key.kid]]) } : {}) };
    blocks.push({ kind: "COSE_Sign1", bytes: await signCoseSign1(content, key) });
  }
  for (const mac of macs) {
    const content = { payload, detached: true, ...(mac.kid ? { unprotected: new Map([[4, mac.kid]]) } : {}) };
    const bytes = await createCoseMac0(content, { key: mac.key, alg: mac.alg, provider: options.provider });
    blocks.push({ kind: "COSE_Mac0", bytes });
  }
  const auth = encodeSuitAuthentication({ digest: raw.authentication.digest, blocks });
  const m = new Map<CborValue, CborValue>();
  for (const member of raw.members) {
    const value = member.key === SuitEnvelopeKey.authenticationWrapper ? encodeCbor(auth) : member.wrapped;
    m.set(member.key, new RawCbor(value) as unknown as CborValue);
  }
  return encodeCbor(raw.tagged ? new CborTag(SUIT_ENVELOPE_TAG, m) : m);
}
