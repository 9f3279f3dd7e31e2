import { type CborValue, encodeCbor } from "@rotkit/core";
import {
  type SuitActorId,
  type SuitCommand,
  type SuitCommandSequence,
  type SuitComponentMetadata,
  type SuitDigest,
  type SuitManifest,
  type SuitParameters,
  type SuitSeverable,
  SuitTextComponentKey,
  SuitTextKey,
  type SuitTextMap,
  SuitVersionComparison,
  type SuitVersionMatch,
  type SuitWaitEvent,
} from "@rotkit/manifest";
import { digestAlgOut, hexOut, idOut, SEVERABLE_NAMES } from "./json-values.js";

// The typed SUIT model → the JSON of the manifest description (see description.ts for the other direction), for
// `inspect --json` and `verify --json`. Byte strings are hex; vendor / class / device identifiers of 16 bytes
// are printed as UUIDs. A severed member appears by its value when the envelope carries it; its SUIT_Digest is
// listed separately by the caller (severableDigests).

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A SUIT_Digest as `{ algorithm, bytes }`. */
export function digestJson(d: SuitDigest): Json {
  return { algorithm: digestAlgOut(d.algorithm), bytes: hexOut(d.bytes) };
}

function componentIdJson(id: readonly Uint8Array[]): Json {
  return id.map(hexOut);
}

function customJson(v: Uint8Array | string | number | bigint | boolean | null): Json {
  if (v instanceof Uint8Array) return { hex: hexOut(v) };
  if (typeof v === "bigint") return v.toString();
  return v;
}

function versionMatchJson(v: SuitVersionMatch): Json {
  const name = Object.entries(SuitVersionComparison).find(([, n]) => n === v.comparison)?.[0];
  return { comparison: name ?? v.comparison, version: [...v.version] };
}

function waitJson(w: SuitWaitEvent): Json {
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(w)) {
    if (k === "otherDeviceVersion") {
      const o = x as NonNullable<SuitWaitEvent["otherDeviceVersion"]>;
      out[k] = { device: hexOut(o.device), versions: o.versions.map(versionMatchJson) };
    } else if (x !== undefined) out[k] = x as number;
  }
  return out;
}

function actorJson(a: SuitActorId): Json {
  if (typeof a === "number" || typeof a === "string") return a;
  if (a instanceof Uint8Array) return { bytes: hexOut(a) };
  return { uuid: idOut(a.uuid) };
}

function metadataJson(m: SuitComponentMetadata): Json {
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(m)) {
    if (x === undefined) continue;
    if (x instanceof Map) {
      out[k] = [...(x as Map<SuitActorId, number>)].map(([a, p]) => ({ actor: actorJson(a), permissions: p }));
    } else if (k === "creator") out[k] = actorJson(x as SuitActorId);
    else out[k] = x as number;
  }
  return out;
}

/** SUIT parameters → the description's parameter object. */
export function parametersJson(p: SuitParameters): Json {
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(p)) {
    if (x === undefined) continue;
    switch (k) {
      case "vendorIdentifier":
        out[k] = x instanceof Uint8Array ? idOut(x) : { pen: hexOut((x as { pen: Uint8Array }).pen) };
        break;
      case "classIdentifier":
      case "deviceIdentifier":
        out[k] = idOut(x as Uint8Array);
        break;
      case "imageDigest":
        out[k] = digestJson(x as SuitDigest);
        break;
      case "version":
        out[k] = versionMatchJson(x as SuitVersionMatch);
        break;
      case "waitInfo":
        out[k] = waitJson(x as SuitWaitEvent);
        break;
      case "componentMetadata":
        out[k] = metadataJson(x as SuitComponentMetadata);
        break;
      case "custom":
        out[k] = Object.fromEntries([...(x as Map<number, never>)].map(([ck, cv]) => [String(ck), customJson(cv)]));
        break;
      default:
        out[k] = x instanceof Uint8Array ? hexOut(x) : (x as number | boolean | string);
    }
  }
  return out;
}

/** One command as `{ "<name>": argument }`. */
export function commandJson(c: SuitCommand): Json {
  switch (c.name) {
    case "set-component-index":
      return { [c.name]: Array.isArray(c.index) ? [...c.index] : c.index };
    case "try-each":
      return { [c.name]: [...c.sequences.map(sequenceJson), ...(c.allowNone ? [null] : [])] };
    case "run-sequence":
      return { [c.name]: sequenceJson(c.sequence) };
    case "override-parameters":
    case "set-parameters":
      return { [c.name]: parametersJson(c.parameters) };
    case "override-multiple":
      return { [c.name]: Object.fromEntries([...c.parameters].map(([i, p]) => [String(i), parametersJson(p)])) };
    case "copy-params":
      return { [c.name]: Object.fromEntries([...c.sources].map(([i, keys]) => [String(i), [...keys]])) };
    case "custom":
      return { custom: { code: c.code, argument: customJson(c.argument) } };
    default:
      return { [c.name]: c.policy };
  }
}

export function sequenceJson(s: SuitCommandSequence): Json {
  return s.map(commandJson);
}

function keyName(names: Readonly<Record<string, number>>, key: number): string {
  return Object.entries(names).find(([, n]) => n === key)?.[0] ?? String(key);
}

function textJson(t: SuitTextMap): Json {
  const out: Record<string, Json> = {};
  for (const [lang, l] of t) {
    const o: Record<string, Json> = {};
    for (const [k, s] of l.manifest) o[keyName(SuitTextKey, k)] = s;
    if (l.components.length > 0) {
      o.components = l.components.map((c) => {
        const e: Record<string, Json> = { component: componentIdJson(c.component) };
        for (const [k, s] of c.text) e[keyName(SuitTextComponentKey, k)] = s;
        return e;
      });
    }
    out[lang] = o;
  }
  return out;
}

/**
 * The manifest in the description's JSON. Severed members whose value the envelope does not carry are left out
 * (see {@link severableDigests}).
 *
 * @example
 * ```ts
 * JSON.stringify(manifestJson(decodeSuitEnvelopeUnverified(bytes).manifest), null, 2);
 * ```
 */
export function manifestJson(m: SuitManifest): Json {
  const out: Record<string, Json> = { version: m.version };
  out.sequenceNumber =
    m.sequenceNumber <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(m.sequenceNumber) : m.sequenceNumber.toString();
  const common: Record<string, Json> = {};
  if (m.common.dependencies) {
    common.dependencies = Object.fromEntries(
      [...m.common.dependencies].map(([i, d]): [string, Json] => [
        String(i),
        d.prefix ? { prefix: componentIdJson(d.prefix) } : {},
      ]),
    );
  }
  if (m.common.components) common.components = m.common.components.map(componentIdJson);
  if (m.common.sharedSequence) common.sharedSequence = sequenceJson(m.common.sharedSequence);
  out.common = common;
  if (m.referenceUri !== undefined) out.referenceUri = m.referenceUri;
  if (m.manifestComponentId) out.manifestComponentId = componentIdJson(m.manifestComponentId);
  if (m.setVersion) out.setVersion = [...m.setVersion];
  for (const name of ["validate", "load", "invoke", "uninstall"] as const) {
    const s = m[name];
    if (s) out[name] = sequenceJson(s);
  }
  for (const name of SEVERABLE_NAMES) {
    const s = m[name] as SuitSeverable<unknown> | undefined;
    if (s?.value === undefined) continue;
    if (name === "text") out[name] = textJson(s.value as SuitTextMap);
    else if (name === "coswid") out[name] = hexOut(s.value as Uint8Array);
    else out[name] = sequenceJson(s.value as SuitCommandSequence);
  }
  if (m.extensions) {
    out.extensions = Object.fromEntries(
      [...m.extensions].map(([k, v]) => [String(k), { cbor: hexOut(encodeCbor(v as CborValue)) }]),
    );
  }
  return out;
}

/**
 * The severed members (§8.5) by name: their SUIT_Digest and whether the envelope carries the member.
 *
 * @example
 * ```ts
 * severableDigests(env.manifest); // { install: { digest: {...}, present: true } }
 * ```
 */
export function severableDigests(m: SuitManifest): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const name of SEVERABLE_NAMES) {
    const s = m[name] as SuitSeverable<unknown> | undefined;
    if (s?.digest) out[name] = { digest: digestJson(s.digest), present: s.value !== undefined };
  }
  return out;
}

export type { Json };
