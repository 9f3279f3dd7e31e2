import { type CborMap, CborTag, type CborValue, fromBase64Url, RotkitError } from "@rotkit/core";
import { ownProperty } from "./own.js";

// EAT claims (RFC 9711 §4) and the CWT/JWT registered claims (RFC 8392 §3.1, RFC 7519 §4.1) decoded into typed
// fields. One decoder serves both encodings: CBOR claims-sets (integer labels) and JSON claims-sets (names), since
// the CDDL defines each claim once with `JC<json, cbor>` alternatives. Every malformed claim throws
// ATTEST_CLAIM_INVALID with the claim's name in the message and the claim's path in `at`. Claims rotkit does not
// know are kept in `unknown` (RFC 9711 §4: a recipient MUST ignore claims it does not understand, not reject them).

/** CBOR labels of the EAT claims (RFC 9711 §4, IANA "CBOR Web Token Claims") and the CWT claims used by EAT. */
export const EatClaimLabel = {
  iss: 1,
  sub: 2,
  aud: 3,
  exp: 4,
  nbf: 5,
  iat: 6,
  cti: 7,
  nonce: 10,
  ueid: 256,
  sueids: 257,
  oemid: 258,
  hwmodel: 259,
  hwversion: 260,
  uptime: 261,
  oemboot: 262,
  dbgstat: 263,
  location: 264,
  eat_profile: 265,
  submods: 266,
  bootcount: 267,
  bootseed: 268,
  dloas: 269,
  swname: 270,
  swversion: 271,
  manifests: 272,
  measurements: 273,
  measres: 274,
  intuse: 275,
} as const;

export type EatClaimName = keyof typeof EatClaimLabel;

/** JSON member names (RFC 9711 §4, IANA "JSON Web Token Claims"); only the nonce differs from the CBOR name. */
export const EatJsonName: Record<EatClaimName, string> = {
  iss: "iss",
  sub: "sub",
  aud: "aud",
  exp: "exp",
  nbf: "nbf",
  iat: "iat",
  cti: "jti",
  nonce: "eat_nonce",
  ueid: "ueid",
  sueids: "sueids",
  oemid: "oemid",
  hwmodel: "hwmodel",
  hwversion: "hwversion",
  uptime: "uptime",
  oemboot: "oemboot",
  dbgstat: "dbgstat",
  location: "location",
  eat_profile: "eat_profile",
  submods: "submods",
  bootcount: "bootcount",
  bootseed: "bootseed",
  dloas: "dloas",
  swname: "swname",
  swversion: "swversion",
  manifests: "manifests",
  measurements: "measurements",
  measres: "measres",
  intuse: "intuse",
};

/** A UEID (RFC 9711 §4.2.1): the bytes as carried, and the type named by the first byte. */
export interface Ueid {
  bytes: Uint8Array;
  /** 0x01 RAND, 0x02 IEEE EUI, 0x03 IMEI; "unknown" for a type byte not registered yet (kept, not rejected). */
  type: "rand" | "eui" | "imei" | "unknown";
}

/** OEM ID (RFC 9711 §4.2.3): an IANA Private Enterprise Number, an IEEE OUI (3 bytes) or a 16-byte random ID. */
export type OemId =
  | { kind: "pen"; pen: number }
  | { kind: "ieee"; bytes: Uint8Array }
  | { kind: "random"; bytes: Uint8Array };

/** A version with an optional CoSWID version scheme (RFC 9711 §4.2.5 / §4.2.7). */
export interface EatVersion {
  version: string;
  scheme?: number;
}

/** Debug status values, RFC 9711 §4.2.9. */
export const DEBUG_STATUS = [
  "enabled",
  "disabled",
  "disabled-since-boot",
  "disabled-permanently",
  "disabled-fully-and-permanently",
] as const;
export type DebugStatus = (typeof DEBUG_STATUS)[number];

/** Location, RFC 9711 §4.2.10. */
export interface EatLocation {
  latitude: number;
  longitude: number;
  altitude?: number;
  accuracy?: number;
  altitudeAccuracy?: number;
  heading?: number;
  speed?: number;
  timestamp?: number;
  age?: number;
}

/** eat_profile (RFC 9711 §4.3.2): a URI or an OID (the OID's DER content bytes in CBOR, dotted text in JSON). */
export type EatProfile = { uri: string } | { oid: Uint8Array } | { oidText: string };

/** A manifest or measurement entry (RFC 9711 §4.2.15 / §4.2.16): CoAP content format and the body as carried. */
export interface EatFormatEntry {
  contentFormat: number;
  /** bstr in CBOR; the base64url-decoded bytes in JSON. */
  body: Uint8Array | CborValue;
}

/** DLOA (RFC 9711 §4.2.14). */
export interface Dloa {
  registrar: string;
  platformLabel: string;
  applicationLabel?: string;
}

/** Measurement results (RFC 9711 §4.2.17). */
export interface MeasurementResults {
  system: string;
  results: { id: string | Uint8Array; result: "success" | "fail" | "not-run" | "absent" }[];
}

/**
 * A nested token the verifier checked with the key the caller gave for its submodule path (RFC 9711 §4.2.18: a
 * nested token is a complete token, secured on its own): its form and its own claims (with its own submodules, verified in turn).
 */
export interface VerifiedNestedToken {
  verified: true;
  format: "eat-cwt" | "eat-uccs" | "eat-deb" | "eat-jwt";
  claims: EatClaims;
  /** COSE algorithm id of a nested CWT's signature or MAC. */
  alg?: number;
  /** Detached claims-sets of a nested bundle, each bound by its digest. */
  detached?: Record<string, EatClaims>;
}

/** Not verified: decoded only, or no key was given for it (`verified: false`; its claims are not read). */
export interface UnverifiedNestedToken {
  verified: false;
}

/** A submodule (RFC 9711 §4.2.18). */
export type Submodule =
  | { kind: "claims"; claims: EatClaims }
  /** A nested CBOR token (CWT, UCCS, DEB): verified only by the EAT verifiers, with `submoduleKeys`. */
  | ({ kind: "nested-cbor"; token: Uint8Array } & (UnverifiedNestedToken | VerifiedNestedToken))
  /** A nested JSON-encoded token: the JSON-Selector type ("JWT", "BUNDLE", …) and the token. */
  | ({ kind: "nested-json"; type: string; token: unknown } & (UnverifiedNestedToken | VerifiedNestedToken))
  /** The digest of a detached claims-set (RFC 9711 §4.2.18.2); DEB verification checks it. */
  | { kind: "digest"; alg: number | string; digest: Uint8Array };

/** The nested-token forms of {@link Submodule}. */
export type NestedTokenSubmodule = Extract<Submodule, { kind: "nested-cbor" | "nested-json" }>;

/** A decoded EAT claims-set. Every field is optional: which claims are required is a profile's business. */
export interface EatClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  cti?: Uint8Array | string;
  /** RFC 9711 §4.1: one nonce or several; always an array here. Byte strings in CBOR, text in JSON. */
  nonce?: (Uint8Array | string)[];
  ueid?: Ueid;
  sueids?: Record<string, Ueid>;
  oemid?: OemId;
  hwmodel?: Uint8Array;
  hwversion?: EatVersion;
  uptime?: number;
  oemboot?: boolean;
  dbgstat?: DebugStatus;
  location?: EatLocation;
  profile?: EatProfile;
  submods?: Record<string, Submodule>;
  bootcount?: number;
  bootseed?: Uint8Array;
  dloas?: Dloa[];
  swname?: string;
  swversion?: EatVersion;
  manifests?: EatFormatEntry[];
  measurements?: EatFormatEntry[];
  measres?: MeasurementResults[];
  intuse?: number | string;
  /** Claims not registered above, as decoded (RFC 9711 §4: ignored by EAT processing, kept for the caller). */
  unknown: Map<CborValue, CborValue> | Record<string, unknown>;
  /** "cbor" or "json": which encoding the claims-set came in. */
  encoding: "cbor" | "json";
}

export interface DecodeEatClaimsOptions {
  /** Maximum nesting of claims-set submodules (RFC 9711 §4.2.18 allows any depth; rotkit bounds it). Default 8. */
  maxSubmodDepth?: number;
  /** Path prefix for `at` in errors (e.g. "submods/TEE"). */
  path?: string;
}

export const DEFAULT_MAX_SUBMOD_DEPTH = 8;

const LABEL_NAME = new Map<number, EatClaimName>(Object.entries(EatClaimLabel).map(([k, v]) => [v, k as EatClaimName]));
const JSON_NAME = new Map<string, EatClaimName>(Object.entries(EatJsonName).map(([k, v]) => [v, k as EatClaimName]));

class Ctx {
  constructor(
    readonly json: boolean,
    readonly path: string,
    readonly depth: number,
    readonly maxDepth: number,
  ) {}
  fail(name: string, msg: string): never {
    const label = this.json ? (EatJsonName[name as EatClaimName] ?? name) : (EatClaimLabel[name as EatClaimName] ?? "");
    throw new RotkitError("ATTEST_CLAIM_INVALID", `EAT claim ${name} (${label}): ${msg}`, {
      at: `${this.path}/${name}`,
    });
  }
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v);
}

function uint(c: Ctx, name: string, v: unknown): number {
  if (!isInt(v) || v < 0) c.fail(name, "must be an unsigned integer");
  return v;
}

function text(c: Ctx, name: string, v: unknown): string {
  if (typeof v !== "string") c.fail(name, "must be a text string");
  return v;
}

/**
 * base64url text (RFC 9711 §7.2.2 binary-data). Trailing "=" padding is tolerated: the RFC's own JSON example
 * A.1.3 (submods.json) pads its ueid and nested CBOR token.
 */
function b64(c: Ctx, name: string, v: unknown): Uint8Array {
  if (typeof v !== "string") c.fail(name, "must be base64url text");
  const s = v.replace(/={1,2}$/, "");
  if (!/^[A-Za-z0-9_-]*$/.test(s)) c.fail(name, "must be base64url text");
  try {
    return fromBase64Url(s);
  } catch (e) {
    if (e instanceof RotkitError) c.fail(name, "is not valid base64url");
    throw e;
  }
}

/** binary-data: bstr in CBOR, base64url text in JSON. */
function binary(c: Ctx, name: string, v: unknown): Uint8Array {
  if (c.json) return b64(c, name, v);
  if (!(v instanceof Uint8Array)) c.fail(name, "must be a byte string");
  return v;
}

/** NumericDate (RFC 8392 §2 / RFC 7519 §2): int or float, untagged. */
function numericDate(c: Ctx, name: string, v: unknown): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v instanceof CborTag) c.fail(name, `a tagged (tag ${v.tag}) time is not a NumericDate (RFC 8392 §2)`);
  return c.fail(name, "must be a NumericDate");
}

function ueid(c: Ctx, name: string, v: unknown): Ueid {
  const bytes = binary(c, name, v);
  // RFC 9711 §4.2.1: bstr .size (7..33); the first byte says the type.
  if (bytes.length < 7 || bytes.length > 33) c.fail(name, `must be 7..33 bytes, got ${bytes.length}`);
  const t = bytes[0] as number;
  if (t === 0x02 && bytes.length !== 7 && bytes.length !== 9) c.fail(name, "an IEEE EUI UEID is 7 or 9 bytes");
  if (t === 0x03 && bytes.length !== 7) c.fail(name, "an IMEI UEID is 7 bytes (48-bit binary integer)");
  return { bytes, type: t === 1 ? "rand" : t === 2 ? "eui" : t === 3 ? "imei" : "unknown" };
}

function version(c: Ctx, name: string, v: unknown): EatVersion {
  // RFC 9711 §4.2.5/§4.2.7: [version: tstr, ?scheme: int]. A bare tstr is tolerated: the RFC's own examples
  // (A.1.3 submods, A.1.1 simple.json) carry swversion that way.
  if (typeof v === "string") return { version: v };
  if (!Array.isArray(v) || v.length < 1 || v.length > 2) c.fail(name, "must be [version, ?scheme]");
  const out: EatVersion = { version: text(c, name, v[0]) };
  if (v.length === 2) {
    if (!isInt(v[1])) c.fail(name, "version scheme must be an integer");
    out.scheme = v[1];
  }
  return out;
}

function oemid(c: Ctx, name: string, v: unknown): OemId {
  if (isInt(v)) return { kind: "pen", pen: v };
  if (typeof v === "bigint") c.fail(name, "PEN out of range");
  const bytes = binary(c, name, v);
  if (bytes.length === 3) return { kind: "ieee", bytes };
  if (bytes.length === 16) return { kind: "random", bytes };
  return c.fail(name, `must be a PEN, a 3-byte IEEE OUI or 16 random bytes, got ${bytes.length} bytes`);
}

function nonce(c: Ctx, name: string, v: unknown): (Uint8Array | string)[] {
  const one = (x: unknown): Uint8Array | string => {
    if (c.json) {
      if (typeof x !== "string" || x.length < 8 || x.length > 88) c.fail(name, "must be text of 8..88 characters");
      return x;
    }
    if (!(x instanceof Uint8Array) || x.length < 8 || x.length > 64) c.fail(name, "must be a bstr of 8..64 bytes");
    return x;
  };
  // RFC 9711 §4.1: nonce-type / [ 2* nonce-type ]
  if (Array.isArray(v)) {
    if (v.length < 2) c.fail(name, "an array of nonces has at least 2 entries");
    return v.map(one);
  }
  return [one(v)];
}

const LOCATION_FIELDS: [number, string, keyof EatLocation][] = [
  [1, "latitude", "latitude"],
  [2, "longitude", "longitude"],
  [3, "altitude", "altitude"],
  [4, "accuracy", "accuracy"],
  [5, "altitude-accuracy", "altitudeAccuracy"],
  [6, "heading", "heading"],
  [7, "speed", "speed"],
  [8, "timestamp", "timestamp"],
  [9, "age", "age"],
];

function location(c: Ctx, name: string, v: unknown): EatLocation {
  const get = mapReader(c, name, v);
  const out: Partial<EatLocation> = {};
  for (const [label, jsonName, field] of LOCATION_FIELDS) {
    const x = get(c.json ? jsonName : label);
    if (x === undefined) {
      if (label <= 2) c.fail(name, `${jsonName} is required`);
      continue;
    }
    if (field === "age") out.age = uint(c, name, x);
    else if (field === "timestamp") {
      // ~time-int: the untagged int of tag 1 (RFC 9711 §7.2.2)
      if (!isInt(x)) c.fail(name, "timestamp must be an integer");
      out.timestamp = x;
    } else {
      if (typeof x !== "number" || !Number.isFinite(x)) c.fail(name, `${jsonName} must be a number`);
      out[field] = x;
    }
  }
  return out as EatLocation;
}

/** Reads a CBOR map or a JSON object by key. */
function mapReader(c: Ctx, name: string, v: unknown): (k: number | string) => unknown {
  if (c.json) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) c.fail(name, "must be an object");
    const o = v as Record<string, unknown>;
    return (k) => (typeof k === "string" && Object.hasOwn(o, k) ? o[k] : undefined);
  }
  if (!(v instanceof Map)) c.fail(name, "must be a map");
  return (k) => v.get(k);
}

function profile(c: Ctx, name: string, v: unknown): EatProfile {
  // RFC 9711 §4.3.2: general-uri / general-oid. CBOR: ~uri (tstr, tag 32 tolerated) or ~oid (bstr, tag 111
  // tolerated). JSON: a text that is a dotted OID, else a URI.
  if (v instanceof CborTag && !c.json) {
    if (v.tag === 32 && typeof v.value === "string") return { uri: v.value };
    if (v.tag === 111 && v.value instanceof Uint8Array && v.value.length > 0) return { oid: v.value };
    c.fail(name, `tag ${v.tag} is neither a URI (32) nor an OID (111)`);
  }
  if (typeof v === "string") {
    if (v.length === 0) c.fail(name, "must not be empty");
    if (c.json && /^([0-2])((\.0)|(\.[1-9][0-9]*))*$/.test(v)) return { oidText: v };
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) c.fail(name, "a text profile must be an absolute URI");
    return { uri: v };
  }
  if (v instanceof Uint8Array && !c.json) {
    if (v.length === 0) c.fail(name, "an OID must not be empty");
    return { oid: v };
  }
  return c.fail(name, "must be a URI or an OID");
}

function formatEntries(c: Ctx, name: string, v: unknown): EatFormatEntry[] {
  if (!Array.isArray(v) || v.length === 0) c.fail(name, "must be a non-empty array");
  return v.map((e) => {
    if (!Array.isArray(e) || e.length !== 2) c.fail(name, "each entry is [content-format, body]");
    const cf = e[0];
    if (!isInt(cf) || cf < 0 || cf > 65535) c.fail(name, "content-format must be a CoAP content format (0..65535)");
    let body: Uint8Array | CborValue;
    if (c.json) body = typeof e[1] === "string" ? b64(c, name, e[1]) : (e[1] as CborValue);
    else body = e[1] as CborValue;
    return { contentFormat: cf, body };
  });
}

const RESULTS = ["success", "fail", "not-run", "absent"] as const;

function measres(c: Ctx, name: string, v: unknown): MeasurementResults[] {
  if (!Array.isArray(v) || v.length === 0) c.fail(name, "must be a non-empty array");
  return v.map((g) => {
    if (!Array.isArray(g) || g.length !== 2) c.fail(name, "each group is [system, [+ result]]");
    const system = text(c, name, g[0]);
    const rs = g[1];
    if (!Array.isArray(rs) || rs.length === 0) c.fail(name, "results must be a non-empty array");
    return {
      system,
      results: rs.map((r) => {
        if (!Array.isArray(r) || r.length !== 2) c.fail(name, "each result is [id, result]");
        const id = r[0];
        if (typeof id !== "string" && !(id instanceof Uint8Array)) c.fail(name, "result id must be text or binary");
        let result: (typeof RESULTS)[number] | undefined;
        if (c.json) result = RESULTS.find((x) => x === r[1]);
        else if (isInt(r[1]) && r[1] >= 1 && r[1] <= 4) result = RESULTS[r[1] - 1];
        if (!result) c.fail(name, "result must be success / fail / not-run / absent");
        return { id, result };
      }),
    };
  });
}

function dloas(c: Ctx, name: string, v: unknown): Dloa[] {
  if (!Array.isArray(v) || v.length === 0) c.fail(name, "must be a non-empty array");
  return v.map((d) => {
    if (!Array.isArray(d) || d.length < 2 || d.length > 3) c.fail(name, "each DLOA is [registrar, platform, ?app]");
    let reg = d[0];
    if (reg instanceof CborTag && reg.tag === 32) reg = reg.value;
    const out: Dloa = { registrar: text(c, name, reg), platformLabel: text(c, name, d[1]) };
    if (d.length === 3) out.applicationLabel = text(c, name, d[2]);
    return out;
  });
}

function submods(c: Ctx, name: string, v: unknown): Record<string, Submodule> {
  const entries: [unknown, unknown][] = c.json
    ? typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.entries(v as Record<string, unknown>)
      : c.fail(name, "must be an object")
    : v instanceof Map
      ? [...v.entries()]
      : c.fail(name, "must be a map");
  if (entries.length === 0) c.fail(name, "must have at least one submodule");
  const out: Record<string, Submodule> = {};
  for (const [k, sub] of entries) {
    if (typeof k !== "string") c.fail(name, "submodule names must be text");
    if (Object.hasOwn(out, k)) c.fail(name, `submodule "${k}" repeated`);
    ownProperty(out, k, submodule(c, name, k, sub));
  }
  return out;
}

function digestAlg(c: Ctx, name: string, v: unknown): number | string {
  if (isInt(v) || typeof v === "string") return v;
  return c.fail(name, "digest algorithm must be a COSE hash algorithm (int or text)");
}

function submodule(c: Ctx, name: string, key: string, v: unknown): Submodule {
  const where = `${name}/${key}`;
  if (c.json) {
    if (typeof v === "object" && v !== null && !Array.isArray(v))
      return { kind: "claims", claims: nestedClaims(c, key, v) };
    // RFC 9711 §4.2.18.2 JSON-Selector: [type, token]
    if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "string") {
      c.fail(where, "a JSON submodule is a claims-set object or a [type, token] selector");
    }
    const type = v[0];
    if (type === "DIGEST") {
      const d = v[1];
      if (!Array.isArray(d) || d.length !== 2) c.fail(where, "DIGEST is [alg, digest]");
      return { kind: "digest", alg: digestAlg(c, where, d[0]), digest: b64(c, where, d[1]) };
    }
    if (type === "CBOR") return { kind: "nested-cbor", token: b64(c, where, v[1]), verified: false };
    return { kind: "nested-json", type, token: v[1], verified: false };
  }
  if (v instanceof Map) return { kind: "claims", claims: nestedClaims(c, key, v) };
  if (v instanceof Uint8Array) return { kind: "nested-cbor", token: v, verified: false };
  if (typeof v === "string") {
    // JSON-Token-Inside-CBOR-Token: the text is a JSON-encoded JSON-Selector (RFC 9711 §4.2.18.1)
    let sel: unknown;
    try {
      sel = JSON.parse(v);
    } catch {
      c.fail(where, "a text submodule must be a JSON-Selector");
    }
    if (!Array.isArray(sel) || sel.length !== 2 || typeof sel[0] !== "string" || sel[0] === "DIGEST") {
      c.fail(where, "a text submodule must be a JSON-Selector [type, token] (DIGEST not allowed in CBOR)");
    }
    return { kind: "nested-json", type: sel[0], token: sel[1], verified: false };
  }
  if (Array.isArray(v)) {
    if (v.length !== 2) c.fail(where, "a detached digest is [alg, digest]");
    const d = v[1];
    if (!(d instanceof Uint8Array) || d.length === 0) c.fail(where, "the detached digest must be a bstr");
    return { kind: "digest", alg: digestAlg(c, where, v[0]), digest: d };
  }
  return c.fail(where, "must be a claims-set, a nested token or a detached digest");
}

function nestedClaims(c: Ctx, key: string, v: unknown): EatClaims {
  if (c.depth + 1 > c.maxDepth) {
    throw new RotkitError("ATTEST_CLAIM_INVALID", `EAT claim submods: nested deeper than ${c.maxDepth}`, {
      at: `${c.path}/submods/${key}`,
    });
  }
  return decodeWith(new Ctx(c.json, `${c.path}/submods/${key}`, c.depth + 1, c.maxDepth), v);
}

function setClaim(c: Ctx, out: EatClaims, name: EatClaimName, v: unknown): void {
  switch (name) {
    case "iss":
    case "sub":
      out[name] = text(c, name, v);
      return;
    case "aud":
      if (c.json && Array.isArray(v)) out.aud = v.map((x) => text(c, name, x));
      else out.aud = text(c, name, v);
      return;
    case "exp":
    case "nbf":
    case "iat":
      out[name] = numericDate(c, name, v);
      return;
    case "cti":
      if (c.json) out.cti = text(c, name, v);
      else if (v instanceof Uint8Array) out.cti = v;
      else c.fail(name, "must be a byte string");
      return;
    case "nonce":
      out.nonce = nonce(c, name, v);
      return;
    case "ueid":
      out.ueid = ueid(c, name, v);
      return;
    case "sueids": {
      const entries = c.json
        ? typeof v === "object" && v !== null && !Array.isArray(v)
          ? Object.entries(v as Record<string, unknown>)
          : c.fail(name, "must be an object")
        : v instanceof Map
          ? [...v.entries()]
          : c.fail(name, "must be a map");
      if (entries.length === 0) c.fail(name, "must not be empty");
      const m: Record<string, Ueid> = {};
      for (const [k, x] of entries) ownProperty(m, text(c, name, k), ueid(c, name, x));
      out.sueids = m;
      return;
    }
    case "oemid":
      out.oemid = oemid(c, name, v);
      return;
    case "hwmodel": {
      const b = binary(c, name, v);
      if (b.length < 1 || b.length > 32) c.fail(name, "must be 1..32 bytes");
      out.hwmodel = b;
      return;
    }
    case "hwversion":
    case "swversion":
      out[name] = version(c, name, v);
      return;
    case "uptime":
    case "bootcount":
      out[name] = uint(c, name, v);
      return;
    case "oemboot":
      if (typeof v !== "boolean") c.fail(name, "must be a boolean");
      out.oemboot = v;
      return;
    case "dbgstat": {
      let s: DebugStatus | undefined;
      if (c.json) s = DEBUG_STATUS.find((x) => x === v);
      else if (isInt(v) && v >= 0 && v <= 4) s = DEBUG_STATUS[v];
      if (!s) c.fail(name, "must be one of the five debug states (0..4)");
      out.dbgstat = s;
      return;
    }
    case "location":
      out.location = location(c, name, v);
      return;
    case "eat_profile":
      out.profile = profile(c, name, v);
      return;
    case "submods":
      out.submods = submods(c, name, v);
      return;
    case "bootseed": {
      const b = binary(c, name, v);
      if (b.length === 0) c.fail(name, "must not be empty");
      out.bootseed = b;
      return;
    }
    case "dloas":
      out.dloas = dloas(c, name, v);
      return;
    case "swname":
      out.swname = text(c, name, v);
      return;
    case "manifests":
    case "measurements":
      out[name] = formatEntries(c, name, v);
      return;
    case "measres":
      out.measres = measres(c, name, v);
      return;
    case "intuse":
      // RFC 9711 §4.3.3: JC<text, int>; 1 generic, 2 registration, 3 provisioning, 4 csr, 5 pop
      if (c.json) out.intuse = text(c, name, v);
      else if (isInt(v)) out.intuse = v;
      else c.fail(name, "must be an integer");
      return;
  }
}

function decodeWith(c: Ctx, v: unknown): EatClaims {
  if (c.json) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      throw new RotkitError("ATTEST_MALFORMED", "an EAT JSON claims-set must be an object (RFC 9711 §4)", {
        at: c.path,
      });
    }
    const out: EatClaims = { unknown: {}, encoding: "json" };
    const unknown = out.unknown as Record<string, unknown>;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const name = JSON_NAME.get(k);
      if (name) setClaim(c, out, name, x);
      else ownProperty(unknown, k, x);
    }
    return out;
  }
  if (!(v instanceof Map)) {
    throw new RotkitError("ATTEST_MALFORMED", "an EAT claims-set must be a CBOR map (RFC 9711 §4)", { at: c.path });
  }
  const out: EatClaims = { unknown: new Map(), encoding: "cbor" };
  const unknown = out.unknown as Map<CborValue, CborValue>;
  for (const [k, x] of v) {
    const name = typeof k === "number" ? LABEL_NAME.get(k) : undefined;
    if (name) setClaim(c, out, name, x);
    else unknown.set(k, x);
  }
  return out;
}

/**
 * Decodes a CBOR claims-set (a decoded map, RFC 9711 §4) into typed claims. ATTEST_MALFORMED when it is not a map,
 * ATTEST_CLAIM_INVALID (naming the claim, with its path in `at`) for a malformed claim; unknown claims are kept.
 *
 * @example
 * ```ts
 * const claims = decodeEatClaims(decodeCbor(payload));
 * if (claims.dbgstat !== "disabled-permanently") console.log("debug open");
 * ```
 */
export function decodeEatClaims(map: CborMap | CborValue, options: DecodeEatClaimsOptions = {}): EatClaims {
  return decodeWith(
    new Ctx(false, options.path ?? "claims", 0, options.maxSubmodDepth ?? DEFAULT_MAX_SUBMOD_DEPTH),
    map,
  );
}

/**
 * Decodes a JSON claims-set (a parsed object, RFC 9711 §4 JSON names: eat_nonce, ueid as base64url…).
 *
 * @example
 * ```ts
 * const claims = decodeEatClaimsJson(JSON.parse(text)); // claims.nonce, claims.ueid.bytes
 * ```
 */
export function decodeEatClaimsJson(obj: unknown, options: DecodeEatClaimsOptions = {}): EatClaims {
  return decodeWith(
    new Ctx(true, options.path ?? "claims", 0, options.maxSubmodDepth ?? DEFAULT_MAX_SUBMOD_DEPTH),
    obj,
  );
}
