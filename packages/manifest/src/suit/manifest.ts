import { type CborMap, CborTag, type CborValue } from "@rotkit/core";
import {
  bigUint,
  bstr,
  decodeSuitItem,
  intKey,
  malformed,
  map,
  type SuitContext,
  type SuitDecodeOptions,
  sub,
  suitContext,
  tstr,
  uint,
  unsupported,
} from "./cbor.js";
import { decodeCommandSequence, decodeWrappedSequence } from "./commands.js";
import { digestFromCbor } from "./digest.js";
import { fastManifest, fastSeverable } from "./fast.js";
import { fastEligible } from "./fast-reader.js";
import { SUIT_MANIFEST_TAG, SuitCommonKey, SuitDependencyKey, SuitManifestKey } from "./labels.js";
import { versionValue } from "./parameters.js";
import { componentId, decodeText } from "./text.js";
import type { SuitCommon, SuitComponentId, SuitDependencyMetadata, SuitManifest, SuitSeverable } from "./types.js";

// SUIT_Manifest (draft-ietf-suit-manifest §8.4) and SUIT_Common (§8.4.5), with the trust-domains and
// update-management members.

/** The severable members: manifest key → how its content decodes. */
export type SeverableName =
  | "payloadFetch"
  | "install"
  | "text"
  | "dependencyResolution"
  | "candidateVerification"
  | "coswid";

export const SEVERABLE: ReadonlyArray<readonly [SeverableName, number]> = [
  ["coswid", SuitManifestKey.coswid],
  ["dependencyResolution", SuitManifestKey.dependencyResolution],
  ["payloadFetch", SuitManifestKey.payloadFetch],
  ["candidateVerification", SuitManifestKey.candidateVerification],
  ["install", SuitManifestKey.install],
  ["text", SuitManifestKey.text],
];

/**
 * Decodes the content of a severable member (`bstr .cbor T`): a command sequence, a SUIT_Text_Map, or a CoSWID
 * (kept as its bytes after a well-formedness check; it is not a SUIT structure).
 */
export function decodeSeverableContent(
  name: SeverableName,
  content: Uint8Array,
  where: string,
  ctx: SuitContext,
): unknown {
  if (name === "coswid") {
    decodeSuitItem(content, where, ctx, true);
    return content;
  }
  const fast = fastEligible(content, ctx) ? fastSeverable(name, content) : undefined;
  if (fast !== undefined) return fast;
  const v = decodeSuitItem(content, where, ctx);
  if (name === "text") return decodeText(v, where);
  return decodeCommandSequence(v, where, ctx);
}

function severable<T>(name: SeverableName, v: CborValue, where: string, ctx: SuitContext): SuitSeverable<T> {
  // §8.4: a SUIT_Digest (array) means severed; a bstr holds the member itself.
  if (Array.isArray(v)) return { digest: digestFromCbor(v, where) };
  return { value: decodeSeverableContent(name, bstr(v, where), where, ctx) as T };
}

function dependencies(v: CborValue, where: string): Map<number, SuitDependencyMetadata> {
  const m = map(v, where);
  if (m.size === 0) malformed(where, "SUIT_Dependencies must not be empty");
  const out = new Map<number, SuitDependencyMetadata>();
  for (const [k, x] of m) {
    const index = uint(intKey(k, where), where);
    const at = `${where}/${index}`;
    const meta: SuitDependencyMetadata = {};
    for (const [mk, mx] of map(x, at)) {
      const key = intKey(mk, at);
      if (key !== SuitDependencyKey.prefix) unsupported(`${at}/${key}`, `unknown dependency metadata ${key}`);
      meta.prefix = componentId(mx, `${at}/prefix`);
    }
    out.set(index, meta);
  }
  return out;
}

/** Decodes SUIT_Common (§8.4.5) from the content of its bstr. */
export function decodeCommon(bytes: Uint8Array, where: string, ctx: SuitContext): SuitCommon {
  const m = map(decodeSuitItem(bytes, where, ctx), where);
  const out: SuitCommon = {};
  for (const [k, x] of m) {
    const key = intKey(k, where);
    switch (key) {
      case SuitCommonKey.dependencies:
        out.dependencies = dependencies(x, sub(where, key));
        break;
      case SuitCommonKey.components: {
        if (!Array.isArray(x)) malformed(sub(where, key), "suit-components must be an array");
        if (x.length === 0) malformed(sub(where, key), "suit-components must not be empty");
        const components: SuitComponentId[] = [];
        for (let i = 0; i < x.length; i++) components.push(componentIdAt(x[i] as CborValue, where, key, i));
        out.components = components;
        break;
      }
      case SuitCommonKey.sharedSequence:
        out.sharedSequence = decodeWrappedSequence(x, sub(where, key), ctx, true);
        break;
      default:
        unsupported(sub(where, key), `unknown suit-common member ${key}`);
    }
  }
  return out;
}

/** A component id at `where/key[i]`, its path built only when an element is wrong. */
function componentIdAt(v: CborValue, where: string, key: number, i: number): SuitComponentId {
  if (Array.isArray(v)) {
    let ok = true;
    for (let j = 0; j < v.length; j++) if (!(v[j] instanceof Uint8Array)) ok = false;
    if (ok) return v as Uint8Array[];
  }
  return componentId(v, `${where}/${key}[${i}]`);
}

/** Decodes a SUIT_Manifest (§8.4) from its decoded CBOR map. */
export function manifestFromMap(m: CborMap, where: string, ctx: SuitContext): SuitManifest {
  const version = m.get(SuitManifestKey.version);
  if (version === undefined) malformed(where, "suit-manifest-version (1) is missing");
  if (version !== 1 && uint(version, `${where}/1`) !== 1)
    unsupported(`${where}/1`, `manifest version ${String(version)}`);
  const seq = m.get(SuitManifestKey.sequenceNumber);
  if (seq === undefined) malformed(where, "suit-manifest-sequence-number (2) is missing");
  const common = m.get(SuitManifestKey.common);
  if (common === undefined) malformed(where, "suit-common (3) is missing");
  const commonAt = sub(where, SuitManifestKey.common);
  const out: SuitManifest = {
    version: 1,
    sequenceNumber: bigUint(seq, `${where}/2`),
    common: decodeCommon(bstr(common, commonAt), commonAt, ctx),
  };
  for (const [k, x] of m) {
    const key = intKey(k, where);
    switch (key) {
      case SuitManifestKey.version:
      case SuitManifestKey.sequenceNumber:
      case SuitManifestKey.common:
        break;
      case SuitManifestKey.referenceUri:
        out.referenceUri = typeof x === "string" ? x : tstr(x, sub(where, key));
        break;
      case SuitManifestKey.manifestComponentId:
        out.manifestComponentId = componentId(x, sub(where, key));
        break;
      case SuitManifestKey.setVersion: {
        const at = sub(where, key);
        out.setVersion = versionValue(decodeSuitItem(bstr(x, at), at, ctx), at);
        break;
      }
      case SuitManifestKey.validate:
        out.validate = decodeWrappedSequence(x, sub(where, key), ctx);
        break;
      case SuitManifestKey.load:
        out.load = decodeWrappedSequence(x, sub(where, key), ctx);
        break;
      case SuitManifestKey.invoke:
        out.invoke = decodeWrappedSequence(x, sub(where, key), ctx);
        break;
      case SuitManifestKey.uninstall:
        out.uninstall = decodeWrappedSequence(x, sub(where, key), ctx);
        break;
      case SuitManifestKey.coswid:
        out.coswid = severable("coswid", x, sub(where, key), ctx);
        break;
      case SuitManifestKey.dependencyResolution:
        out.dependencyResolution = severable("dependencyResolution", x, sub(where, key), ctx);
        break;
      case SuitManifestKey.payloadFetch:
        out.payloadFetch = severable("payloadFetch", x, sub(where, key), ctx);
        break;
      case SuitManifestKey.candidateVerification:
        out.candidateVerification = severable("candidateVerification", x, sub(where, key), ctx);
        break;
      case SuitManifestKey.install:
        out.install = severable("install", x, sub(where, key), ctx);
        break;
      case SuitManifestKey.text:
        out.text = severable("text", x, sub(where, key), ctx);
        break;
      default:
        // §11 (IANA): negative labels are application-specific; an unknown registered label is not ours to skip.
        if (key >= 0) unsupported(sub(where, key), `unknown manifest member ${key}`);
        if (!out.extensions) out.extensions = new Map();
        out.extensions.set(key, x);
    }
  }
  return out;
}

/** Decodes the content of the envelope's suit-manifest bstr. */
export function decodeManifestContent(bytes: Uint8Array, where: string, ctx: SuitContext): SuitManifest {
  const fast = fastEligible(bytes, ctx) ? fastManifest(bytes) : undefined;
  return fast ?? manifestFromMap(map(decodeSuitItem(bytes, where, ctx), where), where, ctx);
}

/**
 * Decodes a SUIT_Manifest on its own (untagged, or `SUIT_Manifest_Tagged` #6.1070), WITHOUT any authentication:
 * e.g. a dependency's manifest already authenticated by digest elsewhere. Severed members stay digests.
 *
 * @example
 * ```ts
 * const manifest = decodeSuitManifestUnverified(manifestBytes);
 * manifest.sequenceNumber; // 1n
 * ```
 */
export function decodeSuitManifestUnverified(bytes: Uint8Array, options: SuitDecodeOptions = {}): SuitManifest {
  const ctx = suitContext(options);
  let v = decodeSuitItem(bytes, "manifest", ctx);
  if (v instanceof CborTag) {
    if (v.tag !== SUIT_MANIFEST_TAG) malformed("manifest", `tag ${v.tag} is not SUIT_Manifest_Tagged (1070)`);
    v = v.value;
  }
  return manifestFromMap(map(v, "manifest"), "manifest", ctx);
}
