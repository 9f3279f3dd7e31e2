import { type CryptoProvider, constantTimeEqual, RotkitError } from "@rotkit/core";
import { type SuitAuthOptions, type SuitVerificationKey, verifyAuthenticationBlocks } from "./authenticate.js";
import { malformed, type SuitContext, type SuitDecodeOptions, suitContext } from "./cbor.js";
import { checkSuitDigestNow, suitDigest } from "./digest.js";
import {
  assembleEnvelope,
  decodeManifestPart,
  integratedBytes,
  ownCopy,
  readEnvelope,
  severableDigest,
} from "./envelope.js";
import type { VerifiedSuitEnvelope } from "./types.js";
import { type SuitUriBinding, suitUriBindings } from "./uris.js";

// verifySuitEnvelope: draft-ietf-suit-manifest §6.2 (required checks) and §8.3 (authentication), §8.5
// (severable members), trust-domains §5.1 (dependencies are authenticated too, with their own keys).

/** Options of {@link verifySuitEnvelope}. */
export interface VerifySuitOptions extends SuitDecodeOptions, SuitAuthOptions {
  /**
   * Keys for integrated dependencies (trust-domains: a dependency is usually signed by another authority than its
   * dependent): a list, or a function of the member key and nesting depth (1 for a direct dependency).
   * Default: `keys`.
   */
  dependencyKeys?:
    | readonly SuitVerificationKey[]
    | ((key: string, depth: number) => readonly SuitVerificationKey[] | undefined);
}

async function verifyAt(
  bytes: Uint8Array,
  keys: readonly SuitVerificationKey[],
  options: VerifySuitOptions,
  ctx: SuitContext,
  depth: number,
): Promise<VerifiedSuitEnvelope> {
  const provider = options.provider;
  const raw = readEnvelope(bytes, ctx);
  // §8.3 / §6.2: the SUIT_Digest must match the bstr-wrapped manifest and be authenticated before the manifest is
  // parsed. The (cheap) digest comparison goes first so a corrupted manifest costs no signature verification.
  const manifestCheck = checkSuitDigestNow(provider, raw.authentication.digest, raw.manifestWrapped, "envelope/3");
  if (manifestCheck) await manifestCheck;
  const signers = await verifyAuthenticationBlocks(
    raw.authentication.blocks,
    raw.blockValues,
    raw.digestBytes,
    keys,
    options,
  );
  const manifest = decodeManifestPart(raw, ctx);
  // §8.5: a severable member the envelope carries is trusted only through the digest the manifest holds for it.
  for (const [name, { member }] of raw.severable) {
    const check = checkSuitDigestNow(
      provider,
      severableDigest(name, member, manifest),
      member.wrapped,
      `envelope/${member.key}`,
    );
    if (check) await check;
  }
  const { envelope, dependencyKeys } = assembleEnvelope(raw, manifest, ctx);
  const dependencies = new Map<string, VerifiedSuitEnvelope>();
  const verified: VerifiedSuitEnvelope = {
    tagged: envelope.tagged,
    authentication: envelope.authentication,
    manifest,
    integratedPayloads: envelope.integratedPayloads,
    integratedDependencies: dependencies,
    members: raw.members,
    signers,
    bytes,
  };
  if (envelope.delegation) verified.delegation = envelope.delegation;
  if (envelope.integratedPayloads.size === 0 && dependencyKeys.length === 0) return verified;
  // The URI walk binds integrated members to their digests; an envelope without any does not need it.
  const bindings = suitUriBindings(manifest);
  for (const [key, payload] of envelope.integratedPayloads) {
    await checkIntegrated(provider, key, payload, bindings.get(key));
  }
  for (const key of dependencyKeys) {
    if (depth >= ctx.maxDependencyDepth) {
      malformed(`envelope/${key}`, `integrated dependencies nested deeper than ${ctx.maxDependencyDepth}`);
    }
    const d = options.dependencyKeys;
    const depKeys = d === undefined ? options.keys : typeof d === "function" ? d(key, depth + 1) : d;
    if (!depKeys) {
      throw new RotkitError("SUIT_AUTH_FAILED", `envelope/${key}: no keys for this dependency`, {
        at: `envelope/${key}`,
      });
    }
    // A view of this envelope's private copy: the dependency needs no copy of its own.
    const dep = await verifyAt(integratedBytes(key, envelope), depKeys, options, ctx, depth + 1);
    // trust-domains §5.2.2: a dependency's image digest is the digest of its bstr-wrapped manifest.
    const manifestMember = dep.members?.find((m) => m.key === 3);
    if (manifestMember) await checkIntegrated(provider, key, manifestMember.wrapped, bindings.get(key), true);
    dependencies.set(key, dep);
  }
  return verified;
}

/**
 * An integrated member must be named by a URI the manifest sets (otherwise nothing authenticates it), and match
 * one of the image digests (and sizes) its component holds when the manifest sets them alongside the URI.
 */
async function checkIntegrated(
  provider: CryptoProvider,
  key: string,
  data: Uint8Array,
  binding: SuitUriBinding | undefined,
  dependency = false,
): Promise<void> {
  const where = `envelope/${key}`;
  if (!binding) malformed(where, "the integrated payload is not named by any uri the manifest sets");
  if (binding.expected.length === 0) return;
  for (const e of binding.expected) {
    if (!dependency && e.size !== undefined && e.size !== data.length) continue;
    const d = await suitDigest(provider, e.digest.algorithm, data);
    if (constantTimeEqual(d.bytes, e.digest.bytes)) return;
  }
  throw new RotkitError("SUIT_DIGEST_MISMATCH", `${where}: does not match the image digest the manifest sets for it`, {
    at: where,
  });
}

/**
 * Verifies a SUIT envelope and returns its typed content, or throws a RotkitError. Checks, in this order:
 * the envelope structure; the SUIT_Digest against the bstr-wrapped manifest (constant-time); each COSE_Sign1 /
 * COSE_Sign / COSE_Mac0 / COSE_Mac of the authentication wrapper over the detached SUIT_Digest (ESP256,
 * ES256/384/512, EdDSA / Ed25519, HMAC...; policy "any" or "all"); the manifest against the CDDL; every
 * severable member the envelope carries against its digest in the manifest; every integrated payload against
 * the URI and image digest the manifest sets for it; then each integrated dependency, recursively, with
 * `dependencyKeys`, and its manifest digest against the image digest the dependent sets for it.
 *
 * Errors: SUIT_AUTH_FAILED (no block verifies; the COSE error is the cause), SUIT_DIGEST_MISMATCH,
 * SUIT_MALFORMED, SUIT_UNSUPPORTED, CBOR_LIMIT.
 *
 * Not checked here (the interpreter's job): sequence-number rollback, vendor/class conditions, image digests.
 *
 * @example
 * ```ts
 * const env = await verifySuitEnvelope(bytes, { keys: [authorPublicKey], provider: nobleProvider() });
 * env.manifest.sequenceNumber; // e.g. 1n, now authenticated
 * ```
 */
export function verifySuitEnvelope(bytes: Uint8Array, options: VerifySuitOptions): Promise<VerifiedSuitEnvelope> {
  if (!options || typeof options !== "object" || !options.provider || typeof options.provider.digest !== "function") {
    return Promise.reject(new RotkitError("INVALID_ARGUMENT", "SUIT: options with a provider and keys are required"));
  }
  // Not async itself (verifyAt is): one promise layer less per envelope. Verified from a private copy: the returned
  // model and `bytes` are exactly what was checked.
  try {
    return verifyAt(ownCopy(bytes), options.keys, options, suitContext(options, true), 0);
  } catch (e) {
    return Promise.reject(e);
  }
}
