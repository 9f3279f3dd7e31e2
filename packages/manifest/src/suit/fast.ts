import { conditionOf, directiveOf, SHARED_DIRECTIVES } from "./commands.js";
import { DIGEST_LENGTH } from "./digest.js";
import { after, giveUp, type Reader, whole } from "./fast-reader.js";
import { SuitManifestKey, SuitParameterKey } from "./labels.js";
import type { SeverableName } from "./manifest.js";
import { isLanguageTag } from "./text.js";
import type {
  SuitCommand,
  SuitCommandSequence,
  SuitCommon,
  SuitComponentId,
  SuitComponentText,
  SuitDigest,
  SuitIndexArg,
  SuitManifest,
  SuitParameters,
  SuitPolicyDirectiveName,
  SuitSeverable,
  SuitTextLanguage,
  SuitTextMap,
} from "./types.js";

// A one-pass reader for the common shape of a SUIT manifest (draft-ietf-suit-manifest §8.4): it reads the
// canonical CBOR (RFC 8949 §4.2.1) of the manifest, its bstr-wrapped members and the severable members straight into
// the typed model, where the general path decodes each bstr into generic CBOR values and then walks them.
//
// It never decides that an input is wrong: whatever it does not cover (dependencies, try-each, custom commands and
// parameters, tags, floats, non-ASCII text, 64-bit numbers, ...) and whatever is not exactly right (a type, an order,
// a length, a trailing byte) makes it give up, and the general path decodes the same bytes and gives the verdict and
// the error. So it only has to accept a subset of what the general path accepts, and build the same model for it
// (the tests compare both on every vector and on generated manifests).

/** A SUIT_Digest `[algorithm, bytes]` (§8.4.2.3) of a known algorithm and its exact length. */
export function digest(r: Reader): SuitDigest {
  if (r.arg(4) !== 2) giveUp();
  const algorithm = r.int();
  const want = DIGEST_LENGTH.get(algorithm);
  const bytes = r.bytes();
  if (want === undefined || bytes.length !== want) giveUp();
  return { algorithm, bytes };
}

function componentId(r: Reader): SuitComponentId {
  const n = r.arg(4);
  const out: SuitComponentId = [];
  for (let i = 0; i < n; i++) out.push(r.bytes());
  return out;
}

function policy(r: Reader): number {
  const p = r.uint();
  if (p > 15) giveUp();
  return p;
}

function indexArg(r: Reader): SuitIndexArg {
  if (r.pos < r.end && r.b[r.pos] === 0xf5) {
    r.pos++;
    return true;
  }
  if (r.major() === 0) return r.uint();
  const n = r.arg(4);
  if (n === 0) giveUp();
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.uint());
  return out;
}

function uuid(r: Reader): Uint8Array {
  const v = r.bytes();
  if (v.length !== 16) giveUp();
  return v;
}

function parameters(r: Reader): SuitParameters {
  const n = r.arg(5);
  if (n === 0) giveUp();
  const p: SuitParameters = {};
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const key = r.uint();
    if (key <= prev) giveUp();
    prev = key;
    switch (key) {
      case SuitParameterKey.vendorIdentifier:
        p.vendorIdentifier = uuid(r);
        break;
      case SuitParameterKey.classIdentifier:
        p.classIdentifier = uuid(r);
        break;
      case SuitParameterKey.imageDigest: {
        const outer = r.enter();
        p.imageDigest = digest(r);
        r.leave(outer);
        break;
      }
      case SuitParameterKey.useBefore:
        p.useBefore = r.uint();
        break;
      case SuitParameterKey.componentSlot:
        p.componentSlot = r.uint();
        break;
      case SuitParameterKey.strictOrder:
        p.strictOrder = r.bool();
        break;
      case SuitParameterKey.softFailure:
        p.softFailure = r.bool();
        break;
      case SuitParameterKey.imageSize:
        p.imageSize = r.uint();
        break;
      case SuitParameterKey.content:
        p.content = r.bytes();
        break;
      case SuitParameterKey.uri:
        p.uri = r.text();
        break;
      case SuitParameterKey.sourceComponent:
        p.sourceComponent = r.uint();
        break;
      case SuitParameterKey.invokeArgs:
        p.invokeArgs = r.bytes();
        break;
      case SuitParameterKey.deviceIdentifier:
        p.deviceIdentifier = uuid(r);
        break;
      case SuitParameterKey.fetchArguments:
        p.fetchArguments = r.bytes();
        break;
      case SuitParameterKey.minimumBattery:
        p.minimumBattery = r.uint();
        break;
      case SuitParameterKey.updatePriority:
        p.updatePriority = r.int();
        break;
      default:
        giveUp();
    }
  }
  return p;
}

function command(r: Reader, code: number, shared: boolean): SuitCommand {
  const c = conditionOf(code);
  if (c) return { kind: "condition", name: c, code, policy: policy(r) };
  const d = directiveOf(code);
  if (!d || (shared && !SHARED_DIRECTIVES.has(d))) giveUp();
  switch (d) {
    case "set-component-index":
      return { kind: "directive", name: d, code: 12, index: indexArg(r) };
    case "override-parameters":
      return { kind: "directive", name: d, code: 20, parameters: parameters(r) };
    case "set-parameters":
      return { kind: "directive", name: d, code: 19, parameters: parameters(r) };
    case "try-each":
    case "run-sequence":
    case "override-multiple":
    case "copy-params":
      return giveUp();
    default:
      return { kind: "directive", name: d as SuitPolicyDirectiveName, code, policy: policy(r) };
  }
}

function sequence(r: Reader, shared: boolean): SuitCommandSequence {
  const n = r.arg(4);
  if (n === 0 || n % 2 !== 0) giveUp();
  const out: SuitCommandSequence = [];
  for (let i = 0; i < n; i += 2) out.push(command(r, r.uint(), shared));
  return out;
}

function wrappedSequence(r: Reader, shared: boolean): SuitCommandSequence {
  const outer = r.enter();
  const s = sequence(r, shared);
  r.leave(outer);
  return s;
}

function common(r: Reader): SuitCommon {
  const outer = r.enter();
  const n = r.arg(5);
  const out: SuitCommon = {};
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const key = r.uint();
    if (key <= prev) giveUp();
    prev = key;
    if (key === 2) {
      const count = r.arg(4);
      if (count === 0) giveUp();
      const components: SuitComponentId[] = [];
      for (let j = 0; j < count; j++) components.push(componentId(r));
      out.components = components;
    } else if (key === 4) out.sharedSequence = wrappedSequence(r, true);
    else giveUp();
  }
  r.leave(outer);
  return out;
}

/** `{ int => tstr }` with keys 1..max or negative (§8.4.4). */
function textEntries(r: Reader, max: number): Map<number, string> {
  const n = r.arg(5);
  const out = new Map<number, string>();
  let ps = -1;
  let pe = -1;
  for (let i = 0; i < n; i++) {
    const ks = r.pos;
    const key = r.int();
    if (!after(r.b, ps, pe, ks, r.pos) || key === 0 || key > max) giveUp();
    ps = ks;
    pe = r.pos;
    out.set(key, r.text());
  }
  return out;
}

function language(r: Reader): SuitTextLanguage {
  const n = r.arg(5);
  const manifest = new Map<number, string>();
  const components: SuitComponentText[] = [];
  let ps = -1;
  let pe = -1;
  for (let i = 0; i < n; i++) {
    const ks = r.pos;
    const mt = r.major();
    if (mt === 4) {
      const component = componentId(r);
      if (!after(r.b, ps, pe, ks, r.pos)) giveUp();
      ps = ks;
      pe = r.pos;
      components.push({ component, text: textEntries(r, 8) });
    } else {
      const key = r.int();
      if (!after(r.b, ps, pe, ks, r.pos) || key === 0 || key > 4) giveUp();
      ps = ks;
      pe = r.pos;
      manifest.set(key, r.text());
    }
  }
  return { manifest, components };
}

function textMap(r: Reader): SuitTextMap {
  const n = r.arg(5);
  if (n === 0) giveUp();
  const out: SuitTextMap = new Map();
  let ps = -1;
  let pe = -1;
  for (let i = 0; i < n; i++) {
    const ks = r.pos;
    const tag = r.text();
    if (!after(r.b, ps, pe, ks, r.pos) || !isLanguageTag(tag)) giveUp();
    ps = ks;
    pe = r.pos;
    out.set(tag, language(r));
  }
  return out;
}

/** A severable member inside the manifest: its SUIT_Digest, or the member itself in a bstr (§8.4). */
function severable<T>(r: Reader, read: (r: Reader) => T): SuitSeverable<T> {
  if (r.major() === 4) return { digest: digest(r) };
  const outer = r.enter();
  const value = read(r);
  r.leave(outer);
  return { value };
}

const readSequence = (r: Reader): SuitCommandSequence => sequence(r, false);

function manifest(r: Reader): SuitManifest {
  const n = r.arg(5);
  // §8.4: version (1), sequence number (2) and common (3) are required; canonical order puts them first.
  if (n < 3 || r.uint() !== SuitManifestKey.version || r.uint() !== 1) giveUp();
  if (r.uint() !== SuitManifestKey.sequenceNumber) giveUp();
  const sequenceNumber = BigInt(r.uint());
  if (r.uint() !== SuitManifestKey.common) giveUp();
  const out: SuitManifest = { version: 1, sequenceNumber, common: common(r) };
  let prev = 3;
  for (let i = 3; i < n; i++) {
    const key = r.uint();
    if (key <= prev) giveUp();
    prev = key;
    switch (key) {
      case SuitManifestKey.referenceUri:
        out.referenceUri = r.text();
        break;
      case SuitManifestKey.validate:
        out.validate = wrappedSequence(r, false);
        break;
      case SuitManifestKey.load:
        out.load = wrappedSequence(r, false);
        break;
      case SuitManifestKey.invoke:
        out.invoke = wrappedSequence(r, false);
        break;
      case SuitManifestKey.uninstall:
        out.uninstall = wrappedSequence(r, false);
        break;
      case SuitManifestKey.dependencyResolution:
        out.dependencyResolution = severable(r, readSequence);
        break;
      case SuitManifestKey.payloadFetch:
        out.payloadFetch = severable(r, readSequence);
        break;
      case SuitManifestKey.candidateVerification:
        out.candidateVerification = severable(r, readSequence);
        break;
      case SuitManifestKey.install:
        out.install = severable(r, readSequence);
        break;
      case SuitManifestKey.text:
        out.text = severable(r, textMap);
        break;
      default:
        giveUp();
    }
  }
  return out;
}

/** The encoded SUIT_Manifest as the typed model, or undefined when the general path must decode it. */
export function fastManifest(bytes: Uint8Array): SuitManifest | undefined {
  return whole(bytes, manifest);
}

/** The content of a severable member carried in the envelope, or undefined when the general path must decode it. */
export function fastSeverable(name: SeverableName, bytes: Uint8Array): unknown {
  if (name === "coswid") return undefined;
  return name === "text" ? whole(bytes, textMap) : whole(bytes, readSequence);
}
