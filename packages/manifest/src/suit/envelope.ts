import { CborTag, type CborValue, decodeCbor, isBytes, pooledCopy, RotkitError } from "@rotkit/core";
import {
  array,
  bstr,
  decodeSuitItem,
  malformed,
  map,
  type SuitContext,
  type SuitDecodeOptions,
  suitContext,
  unsupported,
  wrapCbor,
} from "./cbor.js";
import { digestFromCbor } from "./digest.js";
import { fastEnvelope } from "./fast-envelope.js";
import { fastEligible } from "./fast-reader.js";
import { SUIT_ENVELOPE_TAG, SuitEnvelopeKey } from "./labels.js";
import { decodeManifestContent, decodeSeverableContent, type SeverableName } from "./manifest.js";
import { bstrHeadLength, elementSlices, skipTags } from "./raw.js";
import type {
  SuitAuthentication,
  SuitAuthenticationBlockKind,
  SuitDigest,
  SuitEnvelope,
  SuitEnvelopeMember,
  SuitManifest,
  SuitSeverable,
} from "./types.js";
import { dependencyUris } from "./uris.js";

// SUIT_Envelope (draft-ietf-suit-manifest §8.2, App. A): #6.107({ 2: bstr .cbor SUIT_Authentication,
// 3: bstr .cbor SUIT_Manifest, severable members, * tstr => bstr }), plus trust-domains delegation (1) and
// integrated dependencies. Decoding happens in two stages so that verifySuitEnvelope can authenticate the
// manifest digest before the manifest is parsed (§6.2).

const AUTH_BLOCK_TAGS = new Map<number, SuitAuthenticationBlockKind>([
  [18, "COSE_Sign1"],
  [98, "COSE_Sign"],
  [17, "COSE_Mac0"],
  [97, "COSE_Mac"],
]);

/** A severable member the envelope carries: as received, and its bstr content. */
export interface CarriedSeverable {
  member: SuitEnvelopeMember;
  content: Uint8Array;
}

/** The envelope's outer structure: members sliced, authentication wrapper decoded, manifest not yet parsed. */
export interface RawEnvelope {
  tagged: boolean;
  members: SuitEnvelopeMember[];
  authentication: SuitAuthentication;
  /** The decoded COSE message of each authentication block (same order), so it is decoded once. */
  blockValues: CborValue[];
  /**
   * The encoded SUIT_Digest (the content of the wrapper's first bstr): the detached payload of every
   * authentication block (§8.3; the Sig_structure / MAC_structure bstr-wraps it).
   */
  digestBytes: Uint8Array;
  /** The bstr-wrapped manifest, exactly as received: what the SUIT_Digest covers (§8.3). */
  manifestWrapped: Uint8Array;
  /** The content of that bstr: the encoded SUIT_Manifest. */
  manifestContent: Uint8Array;
  severable: Map<SeverableName, CarriedSeverable>;
  integrated: Map<string, Uint8Array>;
  delegation?: Uint8Array[][];
}

function content(wrapped: Uint8Array): Uint8Array {
  return wrapped.subarray(bstrHeadLength(wrapped));
}

function severableName(key: number): SeverableName | undefined {
  switch (key) {
    case SuitEnvelopeKey.coswid:
      return "coswid";
    case SuitEnvelopeKey.dependencyResolution:
      return "dependencyResolution";
    case SuitEnvelopeKey.payloadFetch:
      return "payloadFetch";
    case SuitEnvelopeKey.candidateVerification:
      return "candidateVerification";
    case SuitEnvelopeKey.install:
      return "install";
    case SuitEnvelopeKey.text:
      return "text";
    default:
      return undefined;
  }
}

interface DecodedAuthentication {
  auth: SuitAuthentication;
  digestBytes: Uint8Array;
  values: CborValue[];
}

function authentication(bytes: Uint8Array, ctx: SuitContext): DecodedAuthentication {
  const where = "envelope/2";
  const items = array(decodeSuitItem(bytes, where, ctx), where);
  if (items.length === 0) malformed(where, "SUIT_Authentication must start with the SUIT_Digest");
  const digestBytes = bstr(items[0] as CborValue, `${where}[0]`);
  const digest = digestFromCbor(decodeSuitItem(digestBytes, `${where}[0]`, ctx), `${where}[0]`);
  const blocks: SuitAuthentication["blocks"] = [];
  const values: CborValue[] = [];
  for (let i = 1; i < items.length; i++) {
    const at = `${where}[${i}]`;
    const block = bstr(items[i] as CborValue, at);
    // COSE messages are not SUIT maps: decoded without the canonical rule, checked for their outer shape.
    const cose = decodeSuitItem(block, at, ctx, true);
    const kind = cose instanceof CborTag ? AUTH_BLOCK_TAGS.get(cose.tag) : undefined;
    if (!kind || !(cose instanceof CborTag)) {
      malformed(at, "a SUIT_Authentication_Block must be a tagged COSE_Sign1, COSE_Sign, COSE_Mac0 or COSE_Mac");
    }
    const a = array(cose.value, at);
    if (a.length !== (kind === "COSE_Mac" ? 5 : 4)) {
      malformed(at, `${kind} has the wrong number of elements`);
    }
    // §8.3: "computed using detached payloads".
    if (a[2] !== null) malformed(at, `${kind} must have a detached (nil) payload`);
    blocks.push({ kind, bytes: block });
    values.push(cose);
  }
  return { auth: { digest, blocks }, digestBytes, values };
}

function delegation(bytes: Uint8Array, ctx: SuitContext): Uint8Array[][] {
  // trust-domains: SUIT_Delegation = [+ [+ bstr .cbor CWT]].
  const where = "envelope/1";
  return array(decodeSuitItem(bytes, where, ctx), where, true).map((chain, i) =>
    array(chain, `${where}[${i}]`, true).map((cwt, j) => bstr(cwt, `${where}[${i}][${j}]`)),
  );
}

/** The range of `copy` that `part` (a view of `copy`) covers, in `original`. */
function sameRange(original: Uint8Array, copy: Uint8Array, part: Uint8Array): Uint8Array {
  const start = part.byteOffset - copy.byteOffset;
  return original.subarray(start, start + part.length);
}

/** Length of the preferred (shortest) head of a bstr of `n` bytes (RFC 8949 §4.2.1). */
function preferredHeadLength(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
}

/**
 * Stage 1: the envelope's structure (tag, member types and keys, authentication wrapper), without parsing the
 * manifest. `input`, when `bytes` is a private copy of it, is what the members' `wrapped` views show: the caller
 * can locate each member in its own buffer.
 */
export function readEnvelope(bytes: Uint8Array, ctx: SuitContext, input: Uint8Array = bytes): RawEnvelope {
  if (!isBytes(bytes)) throw new RotkitError("INVALID_ARGUMENT", "SUIT: the envelope must be a Uint8Array");
  const fast = fastEligible(bytes, ctx) ? fastEnvelope(bytes) : undefined;
  if (fast) {
    if (input !== bytes) for (const m of fast.members) m.wrapped = sameRange(input, bytes, m.wrapped);
    return fast;
  }
  let top: CborValue;
  try {
    top = decodeCbor(bytes, ctx.strict);
  } catch (e) {
    throw wrapCbor(e, "envelope");
  }
  let tagged = false;
  if (top instanceof CborTag) {
    if (top.tag !== SUIT_ENVELOPE_TAG) malformed("envelope", `tag ${top.tag} is not SUIT_Envelope_Tagged (107)`);
    tagged = true;
    top = top.value;
  }
  const m = map(top, "envelope");
  // Decoded as views of `bytes` under the canonical rule, each member's head is the preferred one that sits right
  // before its content; otherwise (copies, or heads that may be longer) the members are sliced from the encoding.
  const views = ctx.strict.zeroCopy === true && ctx.canonical;
  const slices = views ? undefined : elementSlices(bytes, skipTags(bytes, 0));
  const members: SuitEnvelopeMember[] = [];
  const severable = new Map<SeverableName, CarriedSeverable>();
  const integrated = new Map<string, Uint8Array>();
  let auth: DecodedAuthentication | undefined;
  let manifestWrapped: Uint8Array | undefined;
  let manifestContent: Uint8Array | undefined;
  let deleg: Uint8Array[][] | undefined;
  let i = 0;
  for (const [key, v] of m) {
    // §8.1: every element of the envelope is bstr-wrapped.
    const value = v instanceof Uint8Array ? v : bstr(v, `envelope/${String(key)}`);
    if (typeof key !== "string" && typeof key !== "number") malformed("envelope", "keys must be integers or text");
    let wrappedBytes: Uint8Array;
    let inner: Uint8Array;
    if (slices) {
      wrappedBytes = slices[2 * i + 1] as Uint8Array;
      inner = content(wrappedBytes);
    } else {
      const h = preferredHeadLength(value.length);
      wrappedBytes = new Uint8Array(value.buffer, value.byteOffset - h, value.length + h);
      inner = value;
    }
    i++;
    const member: SuitEnvelopeMember = {
      key,
      wrapped: input === bytes ? wrappedBytes : sameRange(input, bytes, wrappedBytes),
    };
    members.push(member);
    if (typeof key === "string") {
      integrated.set(key, value);
      continue;
    }
    if (!Number.isInteger(key)) malformed("envelope", "keys must be integers or text");
    const sev = severableName(key);
    if (sev) severable.set(sev, { member, content: inner });
    else if (key === SuitEnvelopeKey.authenticationWrapper) auth = authentication(inner, ctx);
    else if (key === SuitEnvelopeKey.manifest) {
      manifestWrapped = wrappedBytes;
      manifestContent = inner;
    } else if (key === SuitEnvelopeKey.delegation) deleg = delegation(inner, ctx);
    // Nothing outside the manifest is authenticated unless the manifest names it, so an envelope member rotkit
    // cannot tie to the manifest (an unknown or application-specific label) is refused, not carried along.
    else unsupported(`envelope/${key}`, `unsupported envelope member ${key}`);
  }
  if (!auth) malformed("envelope", "suit-authentication-wrapper (2) is missing");
  if (!manifestWrapped || !manifestContent) malformed("envelope", "suit-manifest (3) is missing");
  const raw: RawEnvelope = {
    tagged,
    members,
    authentication: auth.auth,
    blockValues: auth.values,
    digestBytes: auth.digestBytes,
    manifestWrapped,
    manifestContent,
    severable,
    integrated,
  };
  if (deleg) raw.delegation = deleg;
  return raw;
}

/** Stage 2 result: the typed envelope (dependencies not yet decoded) and the keys that hold dependencies. */
export interface DecodedEnvelopeBody {
  envelope: SuitEnvelope;
  dependencyKeys: string[];
}

/** Stage 2a: parses the manifest (after its digest was checked, when verifying). */
export function decodeManifestPart(raw: RawEnvelope, ctx: SuitContext): SuitManifest {
  return decodeManifestContent(raw.manifestContent, "envelope/3", ctx);
}

/**
 * The severable members the envelope carries, each with the SUIT_Digest the manifest holds for it. §8.5: a
 * severable member in the envelope is only trusted through that digest, so one without it is refused.
 */
export function severableDigest(name: SeverableName, member: SuitEnvelopeMember, manifest: SuitManifest): SuitDigest {
  const digest = (manifest[name] as SuitSeverable<unknown> | undefined)?.digest;
  if (!digest) malformed(`envelope/${member.key}`, `the manifest holds no SUIT_Digest for severable member ${name}`);
  return digest;
}

/**
 * Stage 2b: decodes the severable members the envelope carries into the manifest (their digests are checked by
 * verifySuitEnvelope before this runs, not by the unverified decoder) and sorts the text-keyed members into
 * integrated payloads and integrated dependencies.
 */
export function assembleEnvelope(raw: RawEnvelope, manifest: SuitManifest, ctx: SuitContext): DecodedEnvelopeBody {
  for (const [name, { member, content }] of raw.severable) {
    severableDigest(name, member, manifest);
    const entry = manifest[name] as SuitSeverable<unknown>;
    entry.value = decodeSeverableContent(name, content, `envelope/${member.key}`, ctx);
  }
  const uris = raw.integrated.size > 0 ? dependencyUris(manifest) : new Set<string>();
  const dependencyKeys: string[] = [];
  const integratedPayloads = new Map<string, Uint8Array>();
  for (const [key, value] of raw.integrated) {
    // trust-domains §7.1.1: "The URI for the Dependency MUST match the text string key".
    if (uris.has(key)) dependencyKeys.push(key);
    else integratedPayloads.set(key, value);
  }
  const envelope: SuitEnvelope = {
    tagged: raw.tagged,
    authentication: raw.authentication,
    manifest,
    integratedPayloads,
    integratedDependencies: new Map(),
    members: raw.members,
  };
  if (raw.delegation) envelope.delegation = raw.delegation;
  return { envelope, dependencyKeys };
}

function decodeAt(bytes: Uint8Array, input: Uint8Array, ctx: SuitContext, depth: number): SuitEnvelope {
  const raw = readEnvelope(bytes, ctx, input);
  const { envelope, dependencyKeys } = assembleEnvelope(raw, decodeManifestPart(raw, ctx), ctx);
  for (const key of dependencyKeys) {
    if (depth >= ctx.maxDependencyDepth) {
      malformed(`envelope/${key}`, `integrated dependencies nested deeper than ${ctx.maxDependencyDepth}`);
    }
    const dependency = raw.integrated.get(key) as Uint8Array;
    const dependencyInput = integratedBytes(key, envelope);
    envelope.integratedDependencies.set(key, decodeAt(dependency, dependencyInput, ctx, depth + 1));
  }
  return envelope;
}

/** The bstr content of an integrated member. */
export function integratedBytes(key: string, envelope: SuitEnvelope): Uint8Array {
  const member = envelope.members?.find((m) => m.key === key);
  if (!member) throw new RotkitError("SUIT_MALFORMED", `envelope/${key}: missing`, { at: `envelope/${key}` });
  return content(member.wrapped);
}

/**
 * Decodes a SUIT envelope (tag 107 or untagged) WITHOUT checking any signature, MAC or digest: for inspection
 * only. Every element is checked against the CDDL of the draft and the extensions rotkit implements: wrong
 * types, missing members, unknown labels (SUIT_UNSUPPORTED), duplicate keys, non-canonical maps, depth and size
 * limits. Integrated dependencies are decoded recursively. Use {@link verifySuitEnvelope} before acting on it.
 *
 * @example
 * ```ts
 * const env = decodeSuitEnvelopeUnverified(bytes);
 * env.manifest.sequenceNumber; // e.g. 1n
 * env.manifest.validate?.[0]?.name; // "set-component-index"
 * ```
 */
export function decodeSuitEnvelopeUnverified(bytes: Uint8Array, options: SuitDecodeOptions = {}): SuitEnvelope {
  // Decoded values are views of a private copy (independent of the caller's buffer); `members` stay views of
  // `bytes`, so a member can be located in the input.
  return decodeAt(ownCopy(bytes), bytes, suitContext(options, true), 0);
}

/**
 * A private copy of the caller's envelope (pooled when small). Everything decoded from it is a view of this copy,
 * one allocation instead of one per byte string, and nothing the caller does to its buffer afterwards reaches
 * what was decoded or verified.
 */
export function ownCopy(bytes: Uint8Array): Uint8Array {
  if (!isBytes(bytes)) throw new RotkitError("INVALID_ARGUMENT", "SUIT: the envelope must be a Uint8Array");
  return pooledCopy(bytes);
}
