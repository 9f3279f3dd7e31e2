import { constantTimeEqual, isRotkitError } from "@rotkit/core";
import { suitContext } from "../cbor.js";
import { suitDigest } from "../digest.js";
import { readEnvelope } from "../envelope.js";
import type { SuitDigest, VerifiedSuitEnvelope } from "../types.js";
import { verifySuitEnvelope } from "../verify.js";
import { collect } from "./component-io.js";
import type { DependencyState } from "./context.js";
import { commandFailed, platformCall } from "./failure.js";
import type { CommandCall, Services } from "./services.js";

// Dependency manifests (draft-ietf-suit-trust-domains §5): fetched into the interpreter's memory (integrated ones
// come from the envelope, already verified), identified by the digest of their bstr-wrapped manifest (§5.2.2),
// authenticated with the dependency keys before they are processed (§5.4).

/** fetch (§8.4.10.4) into a dependency component: the envelope bytes, kept in memory. */
export async function fetchDependency(svc: Services, call: CommandCall, uri: string): Promise<DependencyState> {
  const integrated = call.ctx.envelope.integratedDependencies.get(uri);
  if (integrated) return { uri, bytes: integrated.bytes, verified: integrated, checked: false };
  const fetch = svc.platform.fetch;
  if (!fetch) commandFailed("SUIT_UNSUPPORTED", call.at, `fetch of ${uri}: the platform cannot fetch`);
  const limit = Math.min(call.params.imageSize ?? svc.limits.maxManifestSize, svc.limits.maxManifestSize);
  const source = await platformCall(call.at, `fetch ${uri}`, () =>
    fetch.call(svc.platform, {
      uri,
      component: call.ref,
      dependency: true,
      maxSize: limit,
      ...(call.params.fetchArguments ? { fetchArguments: call.params.fetchArguments } : {}),
    }),
  );
  return { uri, bytes: await collect(svc, call.at, source, limit), checked: false };
}

/**
 * The SUIT_Digest of a held dependency's bstr-wrapped manifest (trust-domains §5.2.2: what image-match compares),
 * computed with `algorithm`. The envelope's outer structure is read, its manifest is not parsed.
 */
export async function dependencyDigest(
  svc: Services,
  call: CommandCall,
  held: DependencyState,
  algorithm: number,
): Promise<SuitDigest> {
  let wrapped: Uint8Array;
  try {
    wrapped = readEnvelope(held.bytes, suitContext(svc.verifyOptions)).manifestWrapped;
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    return commandFailed("SUIT_DEPENDENCY_FAILED", call.at, `the dependency is not an envelope: ${e.message}`, e);
  }
  return suitDigest(svc.provider, algorithm, wrapped);
}

/** Authenticates a held dependency with the dependency keys (trust-domains §5.1, §5.4 step 3). */
export async function authenticateDependency(
  svc: Services,
  call: CommandCall,
  held: DependencyState,
): Promise<VerifiedSuitEnvelope> {
  if (held.verified) return held.verified;
  const depth = call.ctx.depth + 1;
  const k = svc.dependencyKeys;
  const keys = typeof k === "function" ? k(held.uri, depth) : k;
  if (!keys || keys.length === 0) {
    commandFailed("SUIT_DEPENDENCY_FAILED", call.at, `no keys for the dependency fetched from ${held.uri}`);
  }
  try {
    held.verified = await verifySuitEnvelope(held.bytes, {
      ...svc.verifyOptions,
      keys,
      provider: svc.provider,
      dependencyKeys: typeof k === "function" ? (key, d) => k(key, d + depth) : k,
    });
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    commandFailed(
      "SUIT_DEPENDENCY_FAILED",
      call.at,
      `the dependency from ${held.uri} does not verify: ${e.message}`,
      e,
    );
  }
  return held.verified;
}

/**
 * suit-condition-dependency-integrity (trust-domains §5.4.4): verify the dependency's authentication wrapper,
 * compare its digest with suit-parameter-image-digest, verify its manifest against that digest. Any failure aborts.
 */
export async function checkDependencyIntegrity(svc: Services, call: CommandCall, held: DependencyState): Promise<void> {
  const want = call.params.imageDigest;
  if (!want)
    commandFailed(
      "SUIT_PARAMETER_MISSING",
      call.at,
      `dependency-integrity: component ${call.index} has no image-digest`,
    );
  const env = await authenticateDependency(svc, call, held);
  const have = env.authentication.digest;
  if (have.algorithm !== want.algorithm || !constantTimeEqual(have.bytes, want.bytes)) {
    commandFailed(
      "SUIT_DEPENDENCY_FAILED",
      call.at,
      `dependency-integrity: the dependency of component ${call.index} is not the manifest its digest names`,
    );
  }
  held.checked = true;
}
