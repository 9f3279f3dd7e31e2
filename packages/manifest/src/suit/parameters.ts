import { type CborMap, CborTag, type CborValue } from "@rotkit/core";
import {
  array,
  bool,
  bstr,
  decodeSuitItem,
  int,
  intKey,
  malformed,
  map,
  type SuitContext,
  sub,
  tstr,
  uint,
  unsupported,
} from "./cbor.js";
import { wrappedDigest } from "./digest.js";
import { SuitComponentMetadataKey, SuitParameterKey, SuitWaitEventKey } from "./labels.js";
import type { SuitActorId, SuitComponentMetadata, SuitParameters, SuitVersionMatch, SuitWaitEvent } from "./types.js";

// SUIT parameters (draft-ietf-suit-manifest §8.4.8; update-management use-before, minimum-battery,
// update-priority, version, wait-info, component-metadata; firmware-encryption encryption-info).

const UUID = 16;
/** `cbor-pen = #6.112(bstr)` (§8.4.8.3). */
const PEN_TAG = 112;
/** `SUIT_Encryption_Info = #6.96(COSE_Encrypt)` (draft-ietf-suit-firmware-encryption). */
const COSE_ENCRYPT_TAG = 96;
/** `UUID_Tagged = #6.37(bstr)` (update-management). */
const UUID_TAG = 37;
/** `#6.1(uint)` epoch time (update-management component metadata). */
const EPOCH_TAG = 1;

/** SUIT_Parameter_Version_Match: `[comparison-type 1..5, [+int]]`. */
export function versionMatch(v: CborValue, where: string): SuitVersionMatch {
  const a = array(v, where);
  if (a.length !== 2) malformed(where, "version match must be [comparison-type, comparison-value]");
  const comparison = uint(a[0] as CborValue, `${where}[0]`);
  if (comparison < 1 || comparison > 5) unsupported(`${where}[0]`, `comparison type ${comparison}`);
  return { comparison, version: versionValue(a[1] as CborValue, `${where}[1]`) };
}

/** SUIT_Condition_Version_Comparison_Value: `[+int]`. */
export function versionValue(v: CborValue, where: string): number[] {
  return array(v, where, true).map((x, i) => int(x, `${where}[${i}]`));
}

function waitEvent(v: CborValue, where: string): SuitWaitEvent {
  const m = map(v, where);
  if (m.size === 0) malformed(where, "SUIT_Wait_Event must not be empty");
  const out: SuitWaitEvent = {};
  for (const [k, x] of m) {
    const key = intKey(k, where);
    const at = `${where}/${key}`;
    switch (key) {
      case SuitWaitEventKey.authorization:
        out.authorization = int(x, at);
        break;
      case SuitWaitEventKey.power:
        out.power = int(x, at);
        break;
      case SuitWaitEventKey.network:
        out.network = int(x, at);
        break;
      case SuitWaitEventKey.otherDeviceVersion: {
        const a = array(x, at);
        if (a.length !== 2) malformed(at, "other-device-version must be [device, [+version-match]]");
        out.otherDeviceVersion = {
          device: bstr(a[0] as CborValue, `${at}[0]`),
          versions: array(a[1] as CborValue, `${at}[1]`, true).map((y, i) => versionMatch(y, `${at}[1][${i}]`)),
        };
        break;
      }
      case SuitWaitEventKey.time:
        out.time = uint(x, at);
        break;
      case SuitWaitEventKey.timeOfDay:
        out.timeOfDay = uint(x, at);
        break;
      case SuitWaitEventKey.dayOfWeek:
        out.dayOfWeek = uint(x, at);
        break;
      case SuitWaitEventKey.timeOfDayUtc:
        out.timeOfDayUtc = uint(x, at);
        break;
      case SuitWaitEventKey.dayOfWeekUtc:
        out.dayOfWeekUtc = uint(x, at);
        break;
      default:
        unsupported(at, `unknown wait event ${key}`);
    }
  }
  return out;
}

function actorId(v: CborValue, where: string): SuitActorId {
  if (v instanceof CborTag) {
    if (v.tag !== UUID_TAG) malformed(where, `actor id tag ${v.tag} is not 37 (UUID)`);
    return { uuid: bstr(v.value, where, UUID) };
  }
  if (v instanceof Uint8Array || typeof v === "string") return v;
  return int(v, where);
}

function permissionMap(v: CborValue, where: string): Map<SuitActorId, number> {
  const m = map(v, where);
  if (m.size === 0) malformed(where, "permission map must not be empty");
  const out = new Map<SuitActorId, number>();
  for (const [k, x] of m) out.set(actorId(k, where), uint(x, where));
  return out;
}

function epoch(v: CborValue, where: string): number {
  if (!(v instanceof CborTag) || v.tag !== EPOCH_TAG) malformed(where, "time must be #6.1(uint)");
  return uint(v.value, where);
}

function componentMetadata(v: CborValue, where: string): SuitComponentMetadata {
  const m = map(v, where);
  const out: SuitComponentMetadata = {};
  for (const [k, x] of m) {
    const key = intKey(k, where);
    const at = `${where}/${key}`;
    switch (key) {
      case SuitComponentMetadataKey.defaultPermissions:
        out.defaultPermissions = uint(x, at);
        break;
      case SuitComponentMetadataKey.userPermissions:
        out.userPermissions = permissionMap(x, at);
        break;
      case SuitComponentMetadataKey.groupPermissions:
        out.groupPermissions = permissionMap(x, at);
        break;
      case SuitComponentMetadataKey.rolePermissions:
        out.rolePermissions = permissionMap(x, at);
        break;
      case SuitComponentMetadataKey.fileType: {
        const t = uint(x, at);
        if (t < 1 || t > 3) unsupported(at, `file type ${t}`);
        out.fileType = t;
        break;
      }
      case SuitComponentMetadataKey.modificationTime:
        out.modificationTime = epoch(x, at);
        break;
      case SuitComponentMetadataKey.creationTime:
        out.creationTime = epoch(x, at);
        break;
      case SuitComponentMetadataKey.creator:
        out.creator = actorId(x, at);
        break;
      default:
        unsupported(at, `unknown component metadata ${key}`);
    }
  }
  return out;
}

/** Checks that `bytes` is a tag-96 COSE_Encrypt (the SUIT_Encryption_Info) and returns them unchanged. */
function encryptionInfo(v: CborValue, where: string, ctx: SuitContext): Uint8Array {
  const bytes = bstr(v, where);
  // A COSE structure: not subject to SUIT's canonical-map rule (the draft's own examples are not canonical).
  const info = decodeSuitItem(bytes, where, ctx, true);
  if (!(info instanceof CborTag) || info.tag !== COSE_ENCRYPT_TAG) {
    malformed(where, "SUIT_Encryption_Info must be a tag-96 COSE_Encrypt");
  }
  const a = array(info.value, where);
  if (a.length !== 4) malformed(where, "COSE_Encrypt must be an array of 4");
  return bytes;
}

/**
 * Decodes a `{+ $$SUIT_Parameters}` map (§8.4.8). Unknown positive keys are SUIT_UNSUPPORTED; negative keys are
 * custom parameters (int / bool / tstr / bstr).
 */
export function decodeParameters(v: CborValue, where: string, ctx: SuitContext): SuitParameters {
  const m: CborMap = map(v, where);
  if (m.size === 0) malformed(where, "parameters must not be empty");
  const p: SuitParameters = {};
  for (const [k, x] of m) {
    const key = intKey(k, where);
    // The common parameters are checked inline; a member's path is built for a nested decoder or an error only.
    switch (key) {
      case SuitParameterKey.vendorIdentifier:
        if (x instanceof Uint8Array && x.length === UUID) p.vendorIdentifier = x;
        else if (x instanceof CborTag) {
          if (x.tag !== PEN_TAG) malformed(sub(where, key), `vendor id tag ${x.tag} is not 112 (PEN)`);
          p.vendorIdentifier = { pen: bstr(x.value, sub(where, key)) };
        } else p.vendorIdentifier = bstr(x, sub(where, key), UUID);
        break;
      case SuitParameterKey.classIdentifier:
        p.classIdentifier = x instanceof Uint8Array && x.length === UUID ? x : bstr(x, sub(where, key), UUID);
        break;
      case SuitParameterKey.imageDigest:
        p.imageDigest = wrappedDigest(x, sub(where, key), ctx);
        break;
      case SuitParameterKey.useBefore:
        p.useBefore = isUint(x) ? x : uint(x, sub(where, key));
        break;
      case SuitParameterKey.componentSlot:
        p.componentSlot = isUint(x) ? x : uint(x, sub(where, key));
        break;
      case SuitParameterKey.strictOrder:
        p.strictOrder = typeof x === "boolean" ? x : bool(x, sub(where, key));
        break;
      case SuitParameterKey.softFailure:
        p.softFailure = typeof x === "boolean" ? x : bool(x, sub(where, key));
        break;
      case SuitParameterKey.imageSize:
        p.imageSize = isUint(x) ? x : uint(x, sub(where, key));
        break;
      case SuitParameterKey.content:
        p.content = x instanceof Uint8Array ? x : bstr(x, sub(where, key));
        break;
      case SuitParameterKey.encryptionInfo:
        p.encryptionInfo = encryptionInfo(x, sub(where, key), ctx);
        break;
      case SuitParameterKey.uri:
        p.uri = typeof x === "string" ? x : tstr(x, sub(where, key));
        break;
      case SuitParameterKey.sourceComponent:
        p.sourceComponent = isUint(x) ? x : uint(x, sub(where, key));
        break;
      case SuitParameterKey.invokeArgs:
        p.invokeArgs = x instanceof Uint8Array ? x : bstr(x, sub(where, key));
        break;
      case SuitParameterKey.deviceIdentifier:
        p.deviceIdentifier = x instanceof Uint8Array && x.length === UUID ? x : bstr(x, sub(where, key), UUID);
        break;
      case SuitParameterKey.fetchArguments:
        p.fetchArguments = x instanceof Uint8Array ? x : bstr(x, sub(where, key));
        break;
      case SuitParameterKey.minimumBattery:
        p.minimumBattery = isUint(x) ? x : uint(x, sub(where, key));
        break;
      case SuitParameterKey.updatePriority:
        p.updatePriority = int(x, sub(where, key));
        break;
      case SuitParameterKey.version: {
        const at = sub(where, key);
        p.version = versionMatch(decodeSuitItem(bstr(x, at), at, ctx), at);
        break;
      }
      case SuitParameterKey.waitInfo: {
        const at = sub(where, key);
        p.waitInfo = waitEvent(decodeSuitItem(bstr(x, at), at, ctx), at);
        break;
      }
      case SuitParameterKey.componentMetadata: {
        const at = sub(where, key);
        p.componentMetadata = componentMetadata(decodeSuitItem(bstr(x, at), at, ctx), at);
        break;
      }
      default: {
        const at = sub(where, key);
        if (key >= 0) unsupported(at, `unknown parameter ${key}`);
        if (!(typeof x === "number" || typeof x === "bigint" || typeof x === "boolean")) {
          if (!(typeof x === "string" || x instanceof Uint8Array)) {
            malformed(at, "a custom parameter must be an int, bool, tstr or bstr");
          }
        }
        if (typeof x === "number" && !Number.isInteger(x)) malformed(at, "a custom parameter must not be a float");
        if (!p.custom) p.custom = new Map();
        p.custom.set(key, x as number | bigint | boolean | string | Uint8Array);
      }
    }
  }
  return p;
}

/** The fast case of `uint`: a non-negative integer that is a JS number. */
function isUint(x: CborValue): x is number {
  return typeof x === "number" && x >= 0 && Number.isInteger(x);
}
