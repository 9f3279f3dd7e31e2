import {
  type CborMap,
  CborTag,
  type CborValue,
  type CryptoProvider,
  encodeCbor,
  type KeyHandle,
  RotkitError,
} from "@rotkit/core";
import { createCwt, type MacKey } from "@rotkit/cose";
import { DEBUG_STATUS, type DebugStatus, decodeEatClaims, EatClaimLabel, type EatVersion } from "./claims.js";
import { EatTag } from "./verify.js";

// Producing EATs on the device (RFC 9711 §7.2.1): typed claims → a deterministic CBOR claims-set (RFC 8949
// §4.2.1) → a CWT (RFC 8392) signed with a KeyHandle or MAC'ed, optionally inside a Detached EAT Bundle (§5).

/** A submodule to put in `submods` (RFC 9711 §4.2.18). */
export type SubmoduleInput =
  | { claims: EatClaimsInput }
  /** A nested CBOR token (a CWT from `createEat`, a UCCS, a bundle): carried as a bstr. */
  | { token: Uint8Array }
  /** A nested JWT: carried as the text JSON-Selector `["JWT", jwt]` (JSON-Token-Inside-CBOR-Token). */
  | { jwt: string }
  | { digest: { alg: number; value: Uint8Array } };

/** Typed claims for {@link createEat}. Every value is checked by the same decoder a verifier runs. */
export interface EatClaimsInput {
  iss?: string;
  sub?: string;
  aud?: string;
  exp?: number;
  nbf?: number;
  iat?: number;
  cti?: Uint8Array;
  nonce?: Uint8Array | Uint8Array[];
  ueid?: Uint8Array;
  sueids?: Record<string, Uint8Array>;
  oemid?: number | Uint8Array;
  hwmodel?: Uint8Array;
  hwversion?: EatVersion;
  uptime?: number;
  oemboot?: boolean;
  dbgstat?: DebugStatus | number;
  location?: { latitude: number; longitude: number; altitude?: number; accuracy?: number };
  /** A URI (text) or an OID (its DER content bytes). */
  profile?: string | Uint8Array;
  submods?: Record<string, SubmoduleInput>;
  bootcount?: number;
  bootseed?: Uint8Array;
  swname?: string;
  swversion?: EatVersion;
  manifests?: { contentFormat: number; body: Uint8Array }[];
  measurements?: { contentFormat: number; body: Uint8Array }[];
  intuse?: number;
  /** Any other claims, by CBOR label. */
  extra?: CborMap;
}

function version(v: EatVersion): CborValue {
  return v.scheme === undefined ? [v.version] : [v.version, v.scheme];
}

/**
 * The CBOR claims-set map of typed claims (RFC 9711 §4 labels). Validated with the verifier's decoder, so a
 * producer cannot emit a claim a verifier would reject (ATTEST_CLAIM_INVALID).
 *
 * @example
 * ```ts
 * const map = encodeEatClaims({ nonce, ueid, oemboot: true, dbgstat: "disabled-permanently" });
 * ```
 */
export function encodeEatClaims(c: EatClaimsInput, depth = 0): CborMap {
  const m: CborMap = new Map();
  const L = EatClaimLabel;
  const put = (k: number, v: CborValue | undefined) => {
    if (v !== undefined) m.set(k, v);
  };
  put(L.iss, c.iss);
  put(L.sub, c.sub);
  put(L.aud, c.aud);
  put(L.exp, c.exp);
  put(L.nbf, c.nbf);
  put(L.iat, c.iat);
  put(L.cti, c.cti);
  put(L.nonce, c.nonce);
  put(L.ueid, c.ueid);
  if (c.sueids) put(L.sueids, new Map(Object.entries(c.sueids)));
  put(L.oemid, c.oemid);
  put(L.hwmodel, c.hwmodel);
  if (c.hwversion) put(L.hwversion, version(c.hwversion));
  put(L.uptime, c.uptime);
  put(L.oemboot, c.oemboot);
  if (c.dbgstat !== undefined) {
    put(L.dbgstat, typeof c.dbgstat === "number" ? c.dbgstat : DEBUG_STATUS.indexOf(c.dbgstat));
  }
  if (c.location) {
    const loc: CborMap = new Map([
      [1, c.location.latitude],
      [2, c.location.longitude],
    ]);
    if (c.location.altitude !== undefined) loc.set(3, c.location.altitude);
    if (c.location.accuracy !== undefined) loc.set(4, c.location.accuracy);
    put(L.location, loc);
  }
  put(L.eat_profile, c.profile);
  if (c.submods) {
    if (depth > 8) throw new RotkitError("INVALID_ARGUMENT", "createEat: submodules nested too deep");
    const s: CborMap = new Map();
    for (const [name, sub] of Object.entries(c.submods)) {
      if ("claims" in sub) s.set(name, encodeEatClaims(sub.claims, depth + 1));
      else if ("token" in sub) s.set(name, sub.token);
      else if ("jwt" in sub) s.set(name, JSON.stringify(["JWT", sub.jwt]));
      else s.set(name, [sub.digest.alg, sub.digest.value]);
    }
    put(L.submods, s);
  }
  put(L.bootcount, c.bootcount);
  put(L.bootseed, c.bootseed);
  put(L.swname, c.swname);
  if (c.swversion) put(L.swversion, version(c.swversion));
  if (c.manifests)
    put(
      L.manifests,
      c.manifests.map((e) => [e.contentFormat, e.body]),
    );
  if (c.measurements)
    put(
      L.measurements,
      c.measurements.map((e) => [e.contentFormat, e.body]),
    );
  put(L.intuse, c.intuse);
  for (const [k, v] of c.extra ?? []) {
    if (m.has(k)) throw new RotkitError("INVALID_ARGUMENT", `createEat: claim ${String(k)} given twice`);
    m.set(k, v);
  }
  if (depth === 0) decodeEatClaims(m);
  return m;
}

export interface CreateEatOptions {
  /** MAC instead of sign: `key` is then a MAC key (bytes or COSE_Key) and this gives the provider / alg. */
  mac?: { provider: CryptoProvider; alg?: number | string };
  /** Wrap in CWT tag 61 (default true, RFC 8392 §6). */
  cwtTag?: boolean;
  /**
   * Detached claims-sets: produces a Detached EAT Bundle (RFC 9711 §5, tag 602). Each is encoded, its SHA-256
   * digest put in the main token's submods, and the bytes carried in the bundle. Needs `provider`.
   */
  detached?: Record<string, EatClaimsInput>;
  /** For the detached digests (when `mac` is not given). */
  provider?: CryptoProvider;
}

/**
 * Produces an EAT as a CWT (deterministic CBOR, COSE_Sign1 with the KeyHandle or COSE_Mac0 with `mac`), or a
 * Detached EAT Bundle when `detached` is given.
 *
 * @example
 * ```ts
 * const key = await generateSoftwareKey("ES256");
 * const token = await createEat({ nonce, ueid, oemboot: true, dbgstat: "disabled-permanently" }, key);
 * ```
 */
export async function createEat(
  claims: EatClaimsInput,
  key: KeyHandle | MacKey,
  options: CreateEatOptions = {},
): Promise<Uint8Array> {
  let input = claims;
  const bundle = new Map<string, Uint8Array>();
  if (options.detached) {
    const provider = options.provider ?? options.mac?.provider;
    if (!provider) throw new RotkitError("INVALID_ARGUMENT", "createEat: detached claims-sets need a provider");
    const submods: Record<string, SubmoduleInput> = { ...(claims.submods ?? {}) };
    for (const [name, d] of Object.entries(options.detached)) {
      if (Object.hasOwn(submods, name)) throw new RotkitError("INVALID_ARGUMENT", `createEat: submodule ${name} twice`);
      const bytes = encodeCbor(encodeEatClaims(d));
      bundle.set(name, bytes);
      submods[name] = { digest: { alg: -16, value: await provider.digest("SHA-256", bytes) } };
    }
    input = { ...claims, submods };
  }
  const map = encodeEatClaims(input);
  const cwtOpts: { cwtTag: boolean; mac?: { provider: CryptoProvider; alg?: number | string } } = {
    cwtTag: options.cwtTag ?? true,
  };
  // HMAC 256/256 (COSE alg 5) unless the caller names another MAC algorithm.
  if (options.mac) cwtOpts.mac = { provider: options.mac.provider, alg: options.mac.alg ?? 5 };
  const token = await createCwt({ extra: map }, key, cwtOpts);
  if (!options.detached) return token;
  // RFC 9711 §5: the main token travels as a bstr holding the tagged CWT.
  return encodeCbor(new CborTag(EatTag.DEB, [token, bundle]));
}
