import { createHash } from "node:crypto";
import { type CborValue, decodeCbor } from "@rotkit/core";
import {
  type SeverableName,
  type SuitActorId,
  type SuitCommand,
  type SuitCommandSequence,
  type SuitCommon,
  type SuitComponentMetadata,
  SuitConditionCode,
  type SuitDigest,
  SuitDigestAlg,
  SuitDirectiveCode,
  type SuitEnvelopeDescription,
  type SuitManifest,
  type SuitParameters,
  SuitTextComponentKey,
  SuitTextKey,
  type SuitTextLanguage,
  type SuitTextMap,
  SuitVersionComparison,
  type SuitVersionMatch,
  type SuitWaitEvent,
} from "@rotkit/manifest";
import { readInput } from "./files.js";
import {
  bool,
  bytes,
  componentId,
  digestAlg,
  int,
  intKey,
  invalid,
  type JsonContext,
  list,
  object,
  resolvePath,
  SEVERABLE_NAMES,
  text,
  uint,
} from "./json-values.js";

// `rotkit manifest create`: the JSON description (packages/cli/README.md "The manifest description") → the typed
// SuitEnvelopeDescription that buildSuitEnvelope takes. The JSON mirrors the typed model of @rotkit/manifest
// (draft-ietf-suit-manifest §8.4): member names are the model's, a command is `{ "<name>": argument }`.

/** Nesting bound for try-each / run-sequence in a description (the decoder bounds the result too). */
const MAX_SEQUENCE_DEPTH = 8;

/** Names of the policy directives (argument: a reporting policy, §8.4.7). */
const POLICY_DIRECTIVES = new Set(["process-dependency", "write", "fetch", "copy", "invoke", "wait", "swap", "unlink"]);

/**
 * The typed description of `json` (already parsed), resolving `{"file": …}` against `ctx.baseDir`.
 *
 * @example
 * ```ts
 * const d = parseDescription(JSON.parse(readFileSync("description.json", "utf8")), { baseDir: "." });
 * const unsigned = await buildSuitEnvelope(d, { provider: webCryptoProvider() });
 * ```
 */
export function parseDescription(json: unknown, ctx: JsonContext): SuitEnvelopeDescription {
  const o = object(json, "$", [
    "$comment",
    "manifest",
    "sever",
    "integratedPayloads",
    "integratedDependencies",
    "tagged",
    "digestAlgorithm",
  ]);
  const d: SuitEnvelopeDescription = { manifest: parseManifest(o.manifest, "$.manifest", ctx) };
  if (o.sever !== undefined) {
    d.sever = list(o.sever, "$.sever").map((x, i) => {
      const name = text(x, `$.sever[${i}]`);
      if (!(SEVERABLE_NAMES as readonly string[]).includes(name)) invalid(`$.sever[${i}]`, `${name} is not severable`);
      return name as SeverableName;
    });
  }
  if (o.integratedPayloads !== undefined)
    d.integratedPayloads = byteMap(o.integratedPayloads, "$.integratedPayloads", ctx);
  if (o.integratedDependencies !== undefined) {
    d.integratedDependencies = byteMap(o.integratedDependencies, "$.integratedDependencies", ctx);
  }
  if (o.tagged !== undefined) d.tagged = bool(o.tagged, "$.tagged");
  if (o.digestAlgorithm !== undefined) d.digestAlgorithm = digestAlg(o.digestAlgorithm, "$.digestAlgorithm");
  return d;
}

function byteMap(v: unknown, at: string, ctx: JsonContext): Map<string, Uint8Array> {
  return new Map(Object.entries(object(v, at)).map(([k, x]) => [k, bytes(x, `${at}.${k}`, ctx)]));
}

const MANIFEST_MEMBERS = [
  "version",
  "sequenceNumber",
  "common",
  "referenceUri",
  "manifestComponentId",
  "setVersion",
  "validate",
  "load",
  "invoke",
  "uninstall",
  ...SEVERABLE_NAMES,
  "extensions",
];

function sequenceNumber(v: unknown, at: string): bigint {
  // A uint that may exceed 2^53 (§8.4.2): a JSON number when safe, else a decimal string.
  const n = typeof v === "string" && /^(0|[1-9][0-9]{0,19})$/.test(v) ? BigInt(v) : BigInt(uint(v, at));
  if (n > 0xffffffffffffffffn) invalid(at, "must fit in 64 bits");
  return n;
}

function parseManifest(v: unknown, at: string, ctx: JsonContext): SuitManifest {
  const o = object(v, at, MANIFEST_MEMBERS);
  if (o.version !== undefined && o.version !== 1) invalid(`${at}.version`, "suit-manifest-version is 1 (§8.4.1)");
  if (o.sequenceNumber === undefined) invalid(`${at}.sequenceNumber`, "is required");
  const m: SuitManifest = {
    version: 1,
    sequenceNumber: sequenceNumber(o.sequenceNumber, `${at}.sequenceNumber`),
    common: parseCommon(o.common ?? {}, `${at}.common`, ctx),
  };
  if (o.referenceUri !== undefined) m.referenceUri = text(o.referenceUri, `${at}.referenceUri`);
  if (o.manifestComponentId !== undefined) {
    m.manifestComponentId = componentId(o.manifestComponentId, `${at}.manifestComponentId`, ctx);
  }
  if (o.setVersion !== undefined) {
    m.setVersion = list(o.setVersion, `${at}.setVersion`).map((x, i) => int(x, `${at}.setVersion[${i}]`));
  }
  for (const name of ["validate", "load", "invoke", "uninstall"] as const) {
    if (o[name] !== undefined) m[name] = sequence(o[name], `${at}.${name}`, ctx, 0);
  }
  for (const name of ["payloadFetch", "install", "dependencyResolution", "candidateVerification"] as const) {
    if (o[name] !== undefined) m[name] = { value: sequence(o[name], `${at}.${name}`, ctx, 0) };
  }
  if (o.text !== undefined) m.text = { value: parseText(o.text, `${at}.text`, ctx) };
  if (o.coswid !== undefined) m.coswid = { value: bytes(o.coswid, `${at}.coswid`, ctx) };
  if (o.extensions !== undefined) m.extensions = extensions(o.extensions, `${at}.extensions`, ctx);
  return m;
}

function extensions(v: unknown, at: string, ctx: JsonContext): Map<number, CborValue> {
  const out = new Map<number, CborValue>();
  for (const [k, x] of Object.entries(object(v, at))) {
    const key = intKey(k, at);
    if (key >= 0) invalid(`${at}.${k}`, "application-specific manifest members have negative keys");
    const o = object(x, `${at}.${k}`, ["cbor"]);
    const encoded = bytes(o.cbor, `${at}.${k}.cbor`, ctx);
    try {
      out.set(key, decodeCbor(encoded));
    } catch {
      invalid(`${at}.${k}.cbor`, "not one well-formed CBOR item");
    }
  }
  return out;
}

function parseCommon(v: unknown, at: string, ctx: JsonContext): SuitCommon {
  const o = object(v, at, ["dependencies", "components", "sharedSequence"]);
  const c: SuitCommon = {};
  if (o.dependencies !== undefined) {
    c.dependencies = new Map();
    for (const [k, x] of Object.entries(object(o.dependencies, `${at}.dependencies`))) {
      const dat = `${at}.dependencies.${k}`;
      const d = object(x, dat, ["prefix"]);
      c.dependencies.set(
        intKey(k, `${at}.dependencies`),
        d.prefix === undefined ? {} : { prefix: componentId(d.prefix, `${dat}.prefix`, ctx) },
      );
    }
  }
  if (o.components !== undefined) {
    c.components = list(o.components, `${at}.components`).map((x, i) => componentId(x, `${at}.components[${i}]`, ctx));
  }
  if (o.sharedSequence !== undefined) c.sharedSequence = sequence(o.sharedSequence, `${at}.sharedSequence`, ctx, 0);
  return c;
}

function sequence(v: unknown, at: string, ctx: JsonContext, depth: number): SuitCommandSequence {
  if (depth > MAX_SEQUENCE_DEPTH) invalid(at, `command sequences nested deeper than ${MAX_SEQUENCE_DEPTH}`);
  return list(v, at).map((x, i) => command(x, `${at}[${i}]`, ctx, depth));
}

function command(v: unknown, at: string, ctx: JsonContext, depth: number): SuitCommand {
  const o = object(v, at);
  const names = Object.keys(o);
  if (names.length !== 1) invalid(at, 'a command is one member: { "<command name>": argument }');
  const name = names[0] as string;
  const arg = o[name];
  const aat = `${at}.${name}`;
  const condition = (SuitConditionCode as Record<string, number>)[name];
  if (condition !== undefined) {
    return { kind: "condition", name: name as keyof typeof SuitConditionCode, code: condition, policy: uint(arg, aat) };
  }
  if (POLICY_DIRECTIVES.has(name)) {
    const code = (SuitDirectiveCode as Record<string, number>)[name] as number;
    return { kind: "directive", name, code, policy: uint(arg, aat) } as SuitCommand;
  }
  switch (name) {
    case "set-component-index": {
      const index =
        arg === true ? true : Array.isArray(arg) ? arg.map((x, i) => uint(x, `${aat}[${i}]`)) : uint(arg, aat);
      return { kind: "directive", name, code: 12, index };
    }
    case "try-each": {
      const seqs = list(arg, aat);
      const allowNone = seqs.length > 0 && seqs[seqs.length - 1] === null;
      const sequences = (allowNone ? seqs.slice(0, -1) : seqs).map((s, i) =>
        sequence(s, `${aat}[${i}]`, ctx, depth + 1),
      );
      return { kind: "directive", name, code: 15, sequences, allowNone };
    }
    case "run-sequence":
      return { kind: "directive", name, code: 32, sequence: sequence(arg, aat, ctx, depth + 1) };
    case "override-parameters":
      return { kind: "directive", name, code: 20, parameters: parameters(arg, aat, ctx) };
    case "set-parameters":
      return { kind: "directive", name, code: 19, parameters: parameters(arg, aat, ctx) };
    case "override-multiple": {
      const p = new Map<number, SuitParameters>();
      for (const [k, x] of Object.entries(object(arg, aat))) p.set(intKey(k, aat), parameters(x, `${aat}.${k}`, ctx));
      return { kind: "directive", name, code: 34, parameters: p };
    }
    case "copy-params": {
      const sources = new Map<number, number[]>();
      for (const [k, x] of Object.entries(object(arg, aat))) {
        sources.set(
          intKey(k, aat),
          list(x, `${aat}.${k}`).map((y, i) => uint(y, `${aat}.${k}[${i}]`)),
        );
      }
      return { kind: "directive", name, code: 35, sources };
    }
    case "custom": {
      const c = object(arg, aat, ["code", "argument"]);
      const code = int(c.code, `${aat}.code`);
      if (code >= 0) invalid(`${aat}.code`, "custom commands have negative codes (App. A SUIT_Command_Custom)");
      const argument = customValue(c.argument ?? null, `${aat}.argument`, ctx, true) as
        | Uint8Array
        | string
        | number
        | null;
      return { kind: "custom", name, code, argument };
    }
    default:
      return invalid(at, `unknown command "${name}"`);
  }
}

/** A custom command argument or parameter value: null, integer, boolean, text, or `{"hex"|"utf8"|"file"}` bytes. */
function customValue(v: unknown, at: string, ctx: JsonContext, allowNull: boolean) {
  if (v === null && allowNull) return null;
  if (typeof v === "number") return int(v, at);
  if (typeof v === "string") return v;
  if (typeof v === "boolean" && !allowNull) return v;
  if (typeof v === "object" && v !== null) return bytes(v, at, ctx);
  return invalid(at, "must be an integer, a string or bytes");
}

const PARAMETER_MEMBERS = [
  "vendorIdentifier",
  "classIdentifier",
  "imageDigest",
  "useBefore",
  "componentSlot",
  "strictOrder",
  "softFailure",
  "imageSize",
  "content",
  "encryptionInfo",
  "uri",
  "sourceComponent",
  "invokeArgs",
  "deviceIdentifier",
  "fetchArguments",
  "minimumBattery",
  "updatePriority",
  "version",
  "waitInfo",
  "componentMetadata",
  "custom",
];

const NODE_HASH: Record<number, string> = {
  [SuitDigestAlg.sha256]: "sha256",
  [SuitDigestAlg.sha384]: "sha384",
  [SuitDigestAlg.sha512]: "sha512",
};

/** `{"algorithm", "bytes"}`, or `{"algorithm", "file"}` to digest a firmware file here. */
function imageDigest(v: unknown, at: string, ctx: JsonContext): SuitDigest {
  const o = object(v, at, ["algorithm", "bytes", "file"]);
  const algorithm = digestAlg(o.algorithm ?? "sha-256", `${at}.algorithm`);
  if ((o.bytes === undefined) === (o.file === undefined)) invalid(at, 'give exactly one of "bytes" or "file"');
  if (o.bytes !== undefined) return { algorithm, bytes: bytes(o.bytes, `${at}.bytes`, ctx) };
  const hash = NODE_HASH[algorithm];
  if (!hash) invalid(`${at}.algorithm`, "only sha-256/384/512 digests can be computed from a file");
  const data = readInput(resolvePath(ctx, text(o.file, `${at}.file`)), "image");
  return { algorithm, bytes: new Uint8Array(createHash(hash).update(data).digest()) };
}

function parameters(v: unknown, at: string, ctx: JsonContext): SuitParameters {
  const o = object(v, at, PARAMETER_MEMBERS);
  const p: SuitParameters = {};
  const at_ = (k: string) => `${at}.${k}`;
  if (o.vendorIdentifier !== undefined) {
    const x = o.vendorIdentifier;
    const pen = typeof x === "object" && x !== null && "pen" in x;
    p.vendorIdentifier = pen
      ? { pen: bytes(object(x, at_("vendorIdentifier"), ["pen"]).pen, `${at_("vendorIdentifier")}.pen`, ctx) }
      : bytes(x, at_("vendorIdentifier"), ctx);
  }
  for (const k of [
    "classIdentifier",
    "content",
    "encryptionInfo",
    "invokeArgs",
    "deviceIdentifier",
    "fetchArguments",
  ] as const) {
    if (o[k] !== undefined) p[k] = bytes(o[k], at_(k), ctx);
  }
  if (o.imageDigest !== undefined) p.imageDigest = imageDigest(o.imageDigest, at_("imageDigest"), ctx);
  for (const k of ["useBefore", "componentSlot", "sourceComponent", "minimumBattery", "updatePriority"] as const) {
    if (o[k] !== undefined) p[k] = uint(o[k], at_(k));
  }
  if (o.imageSize !== undefined) {
    const x = o.imageSize;
    p.imageSize =
      typeof x === "object" && x !== null
        ? readInput(resolvePath(ctx, text(object(x, at_("imageSize"), ["file"]).file, at_("imageSize.file"))), "image")
            .length
        : uint(x, at_("imageSize"));
  }
  for (const k of ["strictOrder", "softFailure"] as const) if (o[k] !== undefined) p[k] = bool(o[k], at_(k));
  if (o.uri !== undefined) p.uri = text(o.uri, at_("uri"));
  if (o.version !== undefined) p.version = versionMatch(o.version, at_("version"));
  if (o.waitInfo !== undefined) p.waitInfo = waitInfo(o.waitInfo, at_("waitInfo"), ctx);
  if (o.componentMetadata !== undefined)
    p.componentMetadata = metadata(o.componentMetadata, at_("componentMetadata"), ctx);
  if (o.custom !== undefined) {
    p.custom = new Map();
    for (const [k, x] of Object.entries(object(o.custom, at_("custom")))) {
      const key = intKey(k, at_("custom"));
      if (key >= 0) invalid(`${at_("custom")}.${k}`, "custom parameters have negative keys");
      p.custom.set(key, customValue(x, `${at_("custom")}.${k}`, ctx, false) as string | number | boolean | Uint8Array);
    }
  }
  return p;
}

function versionMatch(v: unknown, at: string): SuitVersionMatch {
  const o = object(v, at, ["comparison", "version"]);
  const c = o.comparison;
  const comparison =
    typeof c === "string" ? (SuitVersionComparison as Record<string, number>)[c] : uint(c, `${at}.comparison`);
  if (comparison === undefined || comparison < 1 || comparison > 5) {
    invalid(`${at}.comparison`, `one of ${Object.keys(SuitVersionComparison).join(", ")} (or 1..5)`);
  }
  const version = list(o.version, `${at}.version`).map((x, i) => int(x, `${at}.version[${i}]`));
  if (version.length === 0) invalid(`${at}.version`, "must not be empty");
  return { comparison, version };
}

const WAIT_INTS = [
  "authorization",
  "power",
  "network",
  "time",
  "timeOfDay",
  "dayOfWeek",
  "timeOfDayUtc",
  "dayOfWeekUtc",
] as const;

function waitInfo(v: unknown, at: string, ctx: JsonContext): SuitWaitEvent {
  const o = object(v, at, [...WAIT_INTS, "otherDeviceVersion"]);
  const w: SuitWaitEvent = {};
  for (const k of WAIT_INTS) if (o[k] !== undefined) w[k] = int(o[k], `${at}.${k}`);
  if (o.otherDeviceVersion !== undefined) {
    const x = object(o.otherDeviceVersion, `${at}.otherDeviceVersion`, ["device", "versions"]);
    w.otherDeviceVersion = {
      device: bytes(x.device, `${at}.otherDeviceVersion.device`, ctx),
      versions: list(x.versions, `${at}.otherDeviceVersion.versions`).map((y, i) =>
        versionMatch(y, `${at}.otherDeviceVersion.versions[${i}]`),
      ),
    };
  }
  return w;
}

/** An actor (update-management SUIT_meta_actor_id): integer, text, `{"bytes": …}` or `{"uuid": …}` (tag 37). */
function actor(v: unknown, at: string, ctx: JsonContext): SuitActorId {
  if (typeof v === "number") return int(v, at);
  if (typeof v === "string") return v;
  const o = object(v, at, ["bytes", "uuid"]);
  if (o.uuid !== undefined) return { uuid: bytes(o.uuid, `${at}.uuid`, ctx) };
  return bytes(o.bytes, `${at}.bytes`, ctx);
}

function permissions(v: unknown, at: string, ctx: JsonContext): Map<SuitActorId, number> {
  const out = new Map<SuitActorId, number>();
  list(v, at).forEach((x, i) => {
    const e = object(x, `${at}[${i}]`, ["actor", "permissions"]);
    out.set(actor(e.actor, `${at}[${i}].actor`, ctx), uint(e.permissions, `${at}[${i}].permissions`));
  });
  return out;
}

function metadata(v: unknown, at: string, ctx: JsonContext): SuitComponentMetadata {
  const perms = ["userPermissions", "groupPermissions", "rolePermissions"] as const;
  const ints = ["defaultPermissions", "fileType", "modificationTime", "creationTime"] as const;
  const o = object(v, at, [...perms, ...ints, "creator"]);
  const m: SuitComponentMetadata = {};
  for (const k of ints) if (o[k] !== undefined) m[k] = uint(o[k], `${at}.${k}`);
  for (const k of perms) if (o[k] !== undefined) m[k] = permissions(o[k], `${at}.${k}`, ctx);
  if (o.creator !== undefined) m.creator = actor(o.creator, `${at}.creator`, ctx);
  return m;
}

function textKeys(
  names: Readonly<Record<string, number>>,
  o: Record<string, unknown>,
  at: string,
): Map<number, string> {
  const out = new Map<number, string>();
  for (const [k, x] of Object.entries(o)) {
    out.set(names[k] ?? intKey(k, at), text(x, `${at}.${k}`));
  }
  return out;
}

function parseText(v: unknown, at: string, ctx: JsonContext): SuitTextMap {
  const out: SuitTextMap = new Map();
  for (const [lang, x] of Object.entries(object(v, at))) {
    const lat = `${at}.${lang}`;
    const { components, ...rest } = object(x, lat);
    const language: SuitTextLanguage = { manifest: textKeys(SuitTextKey, rest, lat), components: [] };
    for (const [i, c] of (components === undefined ? [] : list(components, `${lat}.components`)).entries()) {
      const cat = `${lat}.components[${i}]`;
      const { component, ...texts } = object(c, cat);
      language.components.push({
        component: componentId(component, `${cat}.component`, ctx),
        text: textKeys(SuitTextComponentKey, texts, cat),
      });
    }
    out.set(lang, language);
  }
  return out;
}
