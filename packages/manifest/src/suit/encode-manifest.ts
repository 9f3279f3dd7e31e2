import { CborTag, type CborValue, encodeCbor } from "@rotkit/core";
import { digestToCbor } from "./digest.js";
import {
  SuitCommonKey,
  SuitComponentMetadataKey,
  SuitDependencyKey,
  SuitManifestKey,
  SuitParameterKey,
  SuitWaitEventKey,
} from "./labels.js";
import type {
  SuitActorId,
  SuitCommand,
  SuitCommandSequence,
  SuitCommon,
  SuitComponentMetadata,
  SuitManifest,
  SuitParameters,
  SuitSeverable,
  SuitTextMap,
  SuitVersionMatch,
  SuitWaitEvent,
} from "./types.js";

// The typed model → CBOR, in core deterministic encoding (draft-ietf-suit-manifest §8.1: canonical maps), so a
// built manifest is reproducible and a decoded one re-encodes to the bytes it came from.

type Cbor = CborValue;

/** `bstr .cbor T`: the deterministic encoding of `v`, as a byte string value. */
function wrap(v: Cbor): Uint8Array {
  return encodeCbor(v);
}

function setIf(m: Map<Cbor, Cbor>, key: number, v: Cbor | undefined): void {
  if (v !== undefined) m.set(key, v);
}

function versionMatchToCbor(v: SuitVersionMatch): Cbor {
  return [v.comparison, [...v.version]];
}

function waitToCbor(w: SuitWaitEvent): Cbor {
  const m = new Map<Cbor, Cbor>();
  setIf(m, SuitWaitEventKey.authorization, w.authorization);
  setIf(m, SuitWaitEventKey.power, w.power);
  setIf(m, SuitWaitEventKey.network, w.network);
  if (w.otherDeviceVersion) {
    const o = w.otherDeviceVersion;
    m.set(SuitWaitEventKey.otherDeviceVersion, [o.device, o.versions.map(versionMatchToCbor)]);
  }
  setIf(m, SuitWaitEventKey.time, w.time);
  setIf(m, SuitWaitEventKey.timeOfDay, w.timeOfDay);
  setIf(m, SuitWaitEventKey.dayOfWeek, w.dayOfWeek);
  setIf(m, SuitWaitEventKey.timeOfDayUtc, w.timeOfDayUtc);
  setIf(m, SuitWaitEventKey.dayOfWeekUtc, w.dayOfWeekUtc);
  return m;
}

function actorToCbor(a: SuitActorId): Cbor {
  if (a instanceof Uint8Array || typeof a === "string" || typeof a === "number") return a;
  return new CborTag(37, a.uuid);
}

function permissionsToCbor(p: Map<SuitActorId, number> | undefined): Cbor | undefined {
  if (!p) return undefined;
  return new Map<Cbor, Cbor>([...p].map(([k, v]) => [actorToCbor(k), v]));
}

function metadataToCbor(c: SuitComponentMetadata): Cbor {
  const m = new Map<Cbor, Cbor>();
  setIf(m, SuitComponentMetadataKey.defaultPermissions, c.defaultPermissions);
  setIf(m, SuitComponentMetadataKey.userPermissions, permissionsToCbor(c.userPermissions));
  setIf(m, SuitComponentMetadataKey.groupPermissions, permissionsToCbor(c.groupPermissions));
  setIf(m, SuitComponentMetadataKey.rolePermissions, permissionsToCbor(c.rolePermissions));
  setIf(m, SuitComponentMetadataKey.fileType, c.fileType);
  if (c.modificationTime !== undefined)
    m.set(SuitComponentMetadataKey.modificationTime, new CborTag(1, c.modificationTime));
  if (c.creationTime !== undefined) m.set(SuitComponentMetadataKey.creationTime, new CborTag(1, c.creationTime));
  if (c.creator !== undefined) m.set(SuitComponentMetadataKey.creator, actorToCbor(c.creator));
  return m;
}

/** SUIT parameters (§8.4.8) → the CBOR map. */
export function parametersToCbor(p: SuitParameters): Cbor {
  const m = new Map<Cbor, Cbor>();
  const K = SuitParameterKey;
  if (p.vendorIdentifier !== undefined) {
    const v = p.vendorIdentifier;
    m.set(K.vendorIdentifier, v instanceof Uint8Array ? v : new CborTag(112, v.pen));
  }
  setIf(m, K.classIdentifier, p.classIdentifier);
  if (p.imageDigest) m.set(K.imageDigest, wrap(digestToCbor(p.imageDigest)));
  setIf(m, K.useBefore, p.useBefore);
  setIf(m, K.componentSlot, p.componentSlot);
  setIf(m, K.strictOrder, p.strictOrder);
  setIf(m, K.softFailure, p.softFailure);
  setIf(m, K.imageSize, p.imageSize);
  setIf(m, K.content, p.content);
  // The COSE_Encrypt is carried verbatim: it is not a SUIT structure and is not re-canonicalised.
  setIf(m, K.encryptionInfo, p.encryptionInfo);
  setIf(m, K.uri, p.uri);
  setIf(m, K.sourceComponent, p.sourceComponent);
  setIf(m, K.invokeArgs, p.invokeArgs);
  setIf(m, K.deviceIdentifier, p.deviceIdentifier);
  setIf(m, K.fetchArguments, p.fetchArguments);
  setIf(m, K.minimumBattery, p.minimumBattery);
  setIf(m, K.updatePriority, p.updatePriority);
  if (p.version) m.set(K.version, wrap(versionMatchToCbor(p.version)));
  if (p.waitInfo) m.set(K.waitInfo, wrap(waitToCbor(p.waitInfo)));
  if (p.componentMetadata) m.set(K.componentMetadata, wrap(metadataToCbor(p.componentMetadata)));
  if (p.custom) for (const [k, v] of p.custom) m.set(k, v);
  return m;
}

function commandArgument(c: SuitCommand): Cbor {
  switch (c.name) {
    case "set-component-index":
      return Array.isArray(c.index) ? [...c.index] : c.index;
    case "try-each": {
      const seqs: Cbor[] = c.sequences.map((s) => wrap(sequenceToCbor(s)));
      if (c.allowNone) seqs.push(null);
      return seqs;
    }
    case "run-sequence":
      return wrap(sequenceToCbor(c.sequence));
    case "override-parameters":
    case "set-parameters":
      return parametersToCbor(c.parameters);
    case "override-multiple":
      return new Map<Cbor, Cbor>([...c.parameters].map(([i, p]) => [i, parametersToCbor(p)]));
    case "copy-params":
      return new Map<Cbor, Cbor>([...c.sources].map(([i, keys]) => [i, [...keys]]));
    case "custom":
      return c.argument;
    default:
      return c.policy;
  }
}

/** A command sequence (§8.4.6) → its flat CBOR array of `code, argument` pairs. */
export function sequenceToCbor(seq: SuitCommandSequence): Cbor {
  const out: Cbor[] = [];
  for (const c of seq) out.push(c.code, commandArgument(c));
  return out;
}

/**
 * The encoded bytes of a command sequence (the content of its bstr).
 *
 * @example
 * ```ts
 * encodeSuitCommandSequence([{ kind: "condition", name: "image-match", code: 3, policy: 15 }]); // 82 03 0f
 * ```
 */
export function encodeSuitCommandSequence(seq: SuitCommandSequence): Uint8Array {
  return encodeCbor(sequenceToCbor(seq));
}

/** SUIT_Text_Map (§8.4.4) → CBOR. */
export function textToCbor(t: SuitTextMap): Cbor {
  const out = new Map<Cbor, Cbor>();
  for (const [lang, l] of t) {
    const m = new Map<Cbor, Cbor>(l.manifest);
    for (const c of l.components) m.set([...c.component], new Map<Cbor, Cbor>(c.text));
    out.set(lang, m);
  }
  return out;
}

function commonToCbor(c: SuitCommon): Cbor {
  const m = new Map<Cbor, Cbor>();
  if (c.dependencies) {
    const deps = new Map<Cbor, Cbor>();
    for (const [i, meta] of c.dependencies) {
      const dm = new Map<Cbor, Cbor>();
      if (meta.prefix) dm.set(SuitDependencyKey.prefix, [...meta.prefix]);
      deps.set(i, dm);
    }
    m.set(SuitCommonKey.dependencies, deps);
  }
  if (c.components)
    m.set(
      SuitCommonKey.components,
      c.components.map((id) => [...id]),
    );
  if (c.sharedSequence) m.set(SuitCommonKey.sharedSequence, wrap(sequenceToCbor(c.sharedSequence)));
  return m;
}

/** The encoded content of a severable member (what the envelope carries in its bstr when severed). */
export function severableContent(name: string, value: unknown): Uint8Array {
  if (name === "coswid") return value as Uint8Array;
  if (name === "text") return encodeCbor(textToCbor(value as SuitTextMap));
  return encodeSuitCommandSequence(value as SuitCommandSequence);
}

function severableToCbor(name: string, s: SuitSeverable<unknown> | undefined): Cbor | undefined {
  if (!s) return undefined;
  // §8.4: a severed member is replaced by its SUIT_Digest.
  if (s.digest) return digestToCbor(s.digest);
  if (s.value === undefined) return undefined;
  return severableContent(name, s.value);
}

/** SUIT_Manifest (§8.4) → the CBOR map. */
export function manifestToCbor(mf: SuitManifest): Cbor {
  const m = new Map<Cbor, Cbor>();
  const K = SuitManifestKey;
  m.set(K.version, mf.version);
  m.set(K.sequenceNumber, mf.sequenceNumber);
  m.set(K.common, wrap(commonToCbor(mf.common)));
  setIf(m, K.referenceUri, mf.referenceUri);
  if (mf.manifestComponentId) m.set(K.manifestComponentId, [...mf.manifestComponentId]);
  if (mf.setVersion) m.set(K.setVersion, wrap([...mf.setVersion]));
  if (mf.validate) m.set(K.validate, wrap(sequenceToCbor(mf.validate)));
  if (mf.load) m.set(K.load, wrap(sequenceToCbor(mf.load)));
  if (mf.invoke) m.set(K.invoke, wrap(sequenceToCbor(mf.invoke)));
  setIf(m, K.coswid, severableToCbor("coswid", mf.coswid));
  setIf(m, K.dependencyResolution, severableToCbor("dependencyResolution", mf.dependencyResolution));
  setIf(m, K.payloadFetch, severableToCbor("payloadFetch", mf.payloadFetch));
  setIf(m, K.candidateVerification, severableToCbor("candidateVerification", mf.candidateVerification));
  setIf(m, K.install, severableToCbor("install", mf.install));
  setIf(m, K.text, severableToCbor("text", mf.text));
  if (mf.uninstall) m.set(K.uninstall, wrap(sequenceToCbor(mf.uninstall)));
  if (mf.extensions) for (const [k, v] of mf.extensions) m.set(k, v);
  return m;
}

/**
 * Encodes a SUIT_Manifest (deterministic CBOR): the bytes the envelope bstr-wraps under key 3.
 *
 * @example
 * ```ts
 * const bytes = encodeSuitManifest(decodeSuitEnvelopeUnverified(envelope).manifest); // the original bytes
 * ```
 */
export function encodeSuitManifest(manifest: SuitManifest): Uint8Array {
  return encodeCbor(manifestToCbor(manifest));
}
