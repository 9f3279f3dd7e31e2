import {
  type CborMap,
  CborTag,
  type CborValue,
  type CryptoProvider,
  decodeCbor,
  isRotkitError,
  RotkitError,
} from "@rotkit/core";
import {
  type CoseHeaders,
  type CwtClaims,
  checkCwtTimes,
  type KeyResolver,
  type MacKey,
  type VerifyKey,
  verifyCoseMac0Value,
  verifyCoseSign1Value,
} from "@rotkit/cose";
import type { EvidenceVerifyOptions } from "../types.js";
import { type DecodeEatClaimsOptions, decodeEatClaims, type EatClaims, type NestedTokenSubmodule } from "./claims.js";
import { checkDigestsAt } from "./detached.js";
import { detachedPath, nestedCtx, verifySubmodules, withNestedCtx } from "./nested.js";
import { checkEatNonce } from "./nonce.js";
import { ownProperty } from "./own.js";

export { checkEatNonce } from "./nonce.js";

// Verifying EAT token forms (RFC 9711 §5, §7): CWT (RFC 8392, COSE_Sign1 / COSE_Mac0, optional tag 61), UCCS
// (RFC 9781, tag 601: unsigned, only over a trusted channel), and the CBOR Detached EAT Bundle (RFC 9711 §5,
// tag 602). Every error is a RotkitError; structure problems are ATTEST_MALFORMED, a bad signature or MAC
// ATTEST_BAD_SIGNATURE, claim problems ATTEST_CLAIM_INVALID, time problems the CWT_* codes of @rotkit/cose.

/** CBOR tags of the EAT token forms. */
export const EatTag = { CWT: 61, Sign1: 18, Mac0: 17, UCCS: 601, DEB: 602 } as const;

/** The constrained-device standard profile of RFC 9711 §6.4. */
export const EAT_CONSTRAINED_PROFILE = "urn:ietf:rfc:rfc9711";

export interface VerifyEatOptions extends EvidenceVerifyOptions {
  /** Signature key (COSE_Sign1), MAC key (COSE_Mac0), or a function of the COSE headers. */
  key?: VerifyKey | MacKey | KeyResolver;
  /** An untagged COSE message: which one it is (RFC 8392 §6: the tags are optional). */
  untaggedType?: "sign1" | "mac0";
  /** The caller vouches for the channel (RFC 9781 §3): needed to accept an unsigned UCCS. */
  trustedChannel?: boolean;
  /** Allowed clock skew in seconds for exp / nbf / iat. Default 0. */
  leewaySeconds?: number;
  /** Maximum nesting of submodules. Default 8. */
  maxSubmodDepth?: number;
  /**
   * How to verify the nested tokens in `submods` (RFC 9711 §4.2.18): a function of the submodule names from the top
   * token down (`["radio"]`, `["radio", "baseband"]`) and the nested token, returning its key (and form options) or
   * `undefined` to leave it unverified. A nested token is verified with this key only, never the enclosing one.
   */
  submoduleKeys?: SubmoduleKeyResolver;
  /** Refuse (ATTEST_NESTED_UNVERIFIED) any nested token `submoduleKeys` gives no key for. Default false. */
  requireNestedVerified?: boolean;
  /** How deep nested tokens are verified (the top token is depth 0). Default 4; deeper is ATTEST_CLAIM_INVALID. */
  maxNestedDepth?: number;
}

/** How to verify one nested token: what {@link VerifyEatOptions.submoduleKeys} returns for it. */
export interface NestedTokenKey {
  /**
   * A nested CWT: signature key, MAC key or a function of its COSE headers. A nested JWT (server entry): an HMAC
   * secret, JWK, CryptoKey or core PublicKey.
   */
  key?: VerifyKey | MacKey | KeyResolver | object;
  /** A nested untagged COSE message: which one it is. */
  untaggedType?: "sign1" | "mac0";
  /** Accept a nested UCCS (tag 601): the caller vouches for it, as for a top-level one (RFC 9781 §3). */
  trustedChannel?: boolean;
  /** A nested JWT: the JWS algorithms allowed. */
  algorithms?: string[];
}

/**
 * Gives the key of the nested token at `path` (submodule names from the top token), or `undefined` for none.
 *
 * @example
 * ```ts
 * const submoduleKeys: SubmoduleKeyResolver = (path) =>
 *   path.join("/") === "radio" ? { key: radioKey.publicKey } : undefined;
 * ```
 */
export type SubmoduleKeyResolver = (
  path: readonly string[],
  submodule: NestedTokenSubmodule,
) => NestedTokenKey | undefined;

export interface VerifiedEat {
  format: "eat-cwt" | "eat-uccs" | "eat-deb" | "eat-jwt";
  claims: EatClaims;
  /** COSE headers of the signed / MAC'ed layer (absent for UCCS). */
  headers?: CoseHeaders;
  /** The COSE layer (absent for UCCS and JWT). */
  coseType?: "sign1" | "mac0";
  /** COSE algorithm id of the signature or MAC. */
  alg?: number;
  /** Detached claims-sets of a bundle, each verified against the main token's digest. */
  detached?: Record<string, EatClaims>;
}

/** Re-throws decoding errors of untrusted bytes as ATTEST_MALFORMED; keeps other RotkitErrors. */
function malformed(e: unknown, what: string): never {
  if (isRotkitError(e) && (e.code.startsWith("CBOR_") || e.code === "ENCODING_INVALID")) {
    throw new RotkitError("ATTEST_MALFORMED", `${what}: ${e.message}`, { cause: e });
  }
  throw e;
}

/** Decodes untrusted CBOR; ATTEST_MALFORMED for anything that is not one well-formed item. */
export function decodeEatCbor(bytes: Uint8Array, what: string, strict = false): CborValue {
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${what}: bytes expected`);
  try {
    return decodeCbor(bytes, strict ? { requirePreferred: true, rejectIndefinite: true } : {});
  } catch (e) {
    return malformed(e, what);
  }
}

function coseError(e: unknown): never {
  if (isRotkitError(e, "COSE_BAD_SIGNATURE", "COSE_BAD_MAC")) {
    throw new RotkitError("ATTEST_BAD_SIGNATURE", `EAT: ${e.message}`, { cause: e });
  }
  if (isRotkitError(e, "COSE_MALFORMED", "COSE_WRONG_TAG")) {
    throw new RotkitError("ATTEST_MALFORMED", `EAT: ${e.message}`, { cause: e });
  }
  return malformed(e, "EAT");
}

/** The claims as the CWT time checks (RFC 8392 §3.1.4–3.1.6) see them. */
function cwtTimes(c: EatClaims): CwtClaims {
  const t: CwtClaims = { all: new Map() };
  if (c.exp !== undefined) t.exp = c.exp;
  if (c.nbf !== undefined) t.nbf = c.nbf;
  if (c.iat !== undefined) t.iat = c.iat;
  return t;
}

/** Freshness and time checks common to every EAT form. */
export function checkEatFreshness(claims: EatClaims, options: VerifyEatOptions): void {
  checkCwtTimes(cwtTimes(claims), options.clock, options.leewaySeconds ?? 0);
  if (options.nonce !== undefined) checkEatNonce(claims, options.nonce);
}

function isConstrainedProfile(c: EatClaims): boolean {
  return !!c.profile && "uri" in c.profile && c.profile.uri === EAT_CONSTRAINED_PROFILE;
}

/**
 * RFC 9711 §6.4 constrained-device standard profile, as rotkit reads it: CBOR only, preferred serialization with
 * definite lengths, COSE_Sign1 with ES256 (-7) or EdDSA (-8) or COSE_Mac0 with HMAC 256/256 (5), a nonce for
 * freshness, and no detached bundles. ATTEST_PROFILE when broken.
 */
function checkConstrainedProfile(
  token: Uint8Array,
  claims: EatClaims,
  form: VerifiedEat["format"],
  alg: number | undefined,
): void {
  const fail = (why: string): never => {
    throw new RotkitError("ATTEST_PROFILE", `EAT profile ${EAT_CONSTRAINED_PROFILE} (RFC 9711 §6.4): ${why}`);
  };
  if (form !== "eat-cwt") fail(`a ${form} token is not allowed`);
  if (alg !== -7 && alg !== -8 && alg !== 5) fail(`COSE algorithm ${String(alg)} is not ES256, EdDSA or HMAC 256/256`);
  try {
    decodeCbor(token, { requirePreferred: true, rejectIndefinite: true });
  } catch (e) {
    fail(`the token is not preferred, definite-length CBOR (${isRotkitError(e) ? e.code : "error"})`);
  }
  if (!claims.nonce || claims.nonce.length === 0) fail("the nonce claim is required");
}

function claimsOf(payload: Uint8Array, options: VerifyEatOptions, path: string): EatClaims {
  const v = decodeEatCbor(payload, "EAT claims-set");
  const o: DecodeEatClaimsOptions = { path };
  if (options.maxSubmodDepth !== undefined) o.maxSubmodDepth = options.maxSubmodDepth;
  return decodeEatClaims(v, o);
}

/** Strips tag 61 and returns the COSE message value and its type. */
function coseLayer(
  v: CborValue,
  untaggedType: "sign1" | "mac0" | undefined,
): { msg: CborValue; type: "sign1" | "mac0" } {
  // RFC 8392 §6: the CWT tag is optional and, when present, wraps a tagged COSE message.
  if (v instanceof CborTag && v.tag === EatTag.CWT) {
    v = v.value;
    if (!(v instanceof CborTag))
      throw new RotkitError("ATTEST_MALFORMED", "CWT tag 61 must wrap a tagged COSE message");
  }
  if (v instanceof CborTag) {
    if (v.tag === EatTag.Sign1) return { msg: v, type: "sign1" };
    if (v.tag === EatTag.Mac0) return { msg: v, type: "mac0" };
    throw new RotkitError("ATTEST_MALFORMED", `EAT: tag ${v.tag} is not a CWT (61), COSE_Sign1 (18) or COSE_Mac0 (17)`);
  }
  if (!Array.isArray(v)) throw new RotkitError("ATTEST_MALFORMED", "EAT: not a COSE message");
  if (!untaggedType) throw new RotkitError("ATTEST_MALFORMED", "EAT: untagged COSE message; pass untaggedType");
  return { msg: v, type: untaggedType };
}

async function verifyCoseValue(
  v: CborValue,
  options: VerifyEatOptions,
): Promise<{ payload: Uint8Array; headers: CoseHeaders; type: "sign1" | "mac0"; alg: number }> {
  const { msg, type } = coseLayer(v, options.untaggedType);
  if (options.key === undefined) throw new RotkitError("INVALID_ARGUMENT", "EAT: a verification key is required");
  if (!options.provider) throw new RotkitError("INVALID_ARGUMENT", "EAT: a crypto provider is required");
  try {
    if (type === "sign1") {
      const r = await verifyCoseSign1Value(msg, {
        key: options.key as VerifyKey | KeyResolver,
        provider: options.provider,
      });
      return { payload: r.payload, headers: r.headers, type, alg: r.alg.id };
    }
    const r = await verifyCoseMac0Value(msg, { key: options.key as MacKey, provider: options.provider });
    return { payload: r.payload, headers: r.headers, type, alg: r.alg.id };
  } catch (e) {
    return coseError(e);
  }
}

function requireOptions(options: VerifyEatOptions, what: string): void {
  if (!options || typeof options !== "object" || !options.clock) {
    throw new RotkitError("INVALID_ARGUMENT", `${what}: options with a clock are required`);
  }
}

/**
 * Verifies a CWT-format EAT (RFC 9711 §7.2.1 / RFC 8392): tag 61 optional around COSE_Sign1 (18) or COSE_Mac0
 * (17), or untagged with `untaggedType`. Then decodes every claim, checks exp / nbf / iat against the clock, the
 * nonce against `options.nonce`, and the §6.4 profile rules when the token names that profile.
 *
 * @example
 * ```ts
 * const { claims } = await verifyEatCwt(token, { key: deviceKey.publicKey, provider, clock, nonce });
 * ```
 */
export async function verifyEatCwt(bytes: Uint8Array, options: VerifyEatOptions): Promise<VerifiedEat> {
  requireOptions(options, "verifyEatCwt");
  const ctx = nestedCtx(options);
  const v = decodeEatCbor(bytes, "EAT CWT");
  const r = await verifyCoseValue(v, options);
  const claims = claimsOf(r.payload, options, ctx.at);
  checkEatFreshness(claims, options);
  if (isConstrainedProfile(claims)) checkConstrainedProfile(bytes, claims, "eat-cwt", r.alg);
  await verifySubmodules(claims, options, ctx, verifyEatCborToken);
  return { format: "eat-cwt", claims, headers: r.headers, coseType: r.type, alg: r.alg };
}

/**
 * Accepts an Unprotected CWT Claims Set (RFC 9781, tag 601) — only when the caller says the channel is trusted
 * (RFC 9781 §3: security comes from the channel, not the token); ATTEST_UNTRUSTED_CHANNEL otherwise.
 *
 * @example
 * ```ts
 * const { claims } = await verifyEatUccs(bytes, { provider, clock, trustedChannel: true });
 * ```
 */
export async function verifyEatUccs(bytes: Uint8Array, options: VerifyEatOptions): Promise<VerifiedEat> {
  requireOptions(options, "verifyEatUccs");
  const v = decodeEatCbor(bytes, "UCCS");
  if (!(v instanceof CborTag) || v.tag !== EatTag.UCCS) {
    throw new RotkitError("ATTEST_MALFORMED", "UCCS: expected tag 601 (RFC 9781 §2)");
  }
  if (options.trustedChannel !== true) {
    throw new RotkitError(
      "ATTEST_UNTRUSTED_CHANNEL",
      "UCCS (tag 601) is unsigned: accepted only with trustedChannel: true (RFC 9781 §3)",
    );
  }
  const ctx = nestedCtx(options);
  const o: DecodeEatClaimsOptions = { path: ctx.at };
  if (options.maxSubmodDepth !== undefined) o.maxSubmodDepth = options.maxSubmodDepth;
  const claims = decodeEatClaims(v.value, o);
  checkEatFreshness(claims, options);
  if (isConstrainedProfile(claims)) checkConstrainedProfile(bytes, claims, "eat-uccs", undefined);
  await verifySubmodules(claims, options, ctx, verifyEatCborToken);
  return { format: "eat-uccs", claims };
}

/**
 * Checks each detached claims-set against the digest in the main token's `submods` (RFC 9711 §5, §4.2.18.2): the
 * digest is over the raw detached bytes (the bstr content in CBOR, the base64url-decoded bytes in JSON). Every
 * detached entry must have a digest submodule of the same name (ATTEST_DIGEST_MISMATCH otherwise) and every digest
 * submodule needs its detached claims-set (ATTEST_CLAIM_MISSING). Returns nothing; throws on the first problem.
 *
 * @example
 * ```ts
 * await checkDetachedDigests(mainClaims, { TEE: teeBytes }, provider);
 * ```
 */
export async function checkDetachedDigests(
  main: EatClaims,
  detached: Record<string, Uint8Array>,
  provider: CryptoProvider,
): Promise<void> {
  return checkDigestsAt(main, detached, provider, nestedCtx({}));
}

/** The two parts of a CBOR Detached EAT Bundle, not verified. */
export interface EatBundleParts {
  /** The main token (a CWT, as bytes). */
  mainToken: Uint8Array;
  /** The detached claims-sets, as the raw bytes the digests cover. */
  detached: Record<string, Uint8Array>;
}

/**
 * Splits a CBOR Detached EAT Bundle (RFC 9711 §5: `602([bstr main-token, {+ tstr => bstr}])`, tag optional) into
 * its parts. Nothing is verified: use {@link verifyEatBundle}.
 *
 * @example
 * ```ts
 * const { mainToken, detached } = decodeEatBundleUnverified(bytes);
 * ```
 */
export function decodeEatBundleUnverified(bytes: Uint8Array | CborValue): EatBundleParts {
  let v: CborValue = bytes instanceof Uint8Array ? decodeEatCbor(bytes, "EAT bundle") : bytes;
  if (v instanceof CborTag) {
    if (v.tag !== EatTag.DEB) throw new RotkitError("ATTEST_MALFORMED", `EAT bundle: tag ${v.tag}, expected 602`);
    v = v.value;
  }
  if (!Array.isArray(v) || v.length !== 2) {
    throw new RotkitError("ATTEST_MALFORMED", "EAT bundle must be [main-token, {+ name => claims-set}] (RFC 9711 §5)");
  }
  const [main, sets] = v;
  if (!(main instanceof Uint8Array)) {
    throw new RotkitError("ATTEST_MALFORMED", "EAT bundle: the main token must be a bstr holding a CBOR token", {
      at: "bundle[0]",
    });
  }
  if (!(sets instanceof Map) || sets.size === 0) {
    throw new RotkitError("ATTEST_MALFORMED", "EAT bundle: detached claims-sets must be a non-empty map", {
      at: "bundle[1]",
    });
  }
  const detached: Record<string, Uint8Array> = {};
  for (const [k, b] of sets as CborMap) {
    if (typeof k !== "string" || !(b instanceof Uint8Array)) {
      throw new RotkitError("ATTEST_MALFORMED", "EAT bundle: each detached claims-set is tstr => bstr", {
        at: "bundle[1]",
      });
    }
    ownProperty(detached, k, b);
  }
  return { mainToken: main, detached };
}

/**
 * Verifies a CBOR Detached EAT Bundle (RFC 9711 §5, tag 602): the main token (a CWT) with `options.key`, then each
 * detached claims-set against its digest in the main token's submods (ATTEST_DIGEST_MISMATCH), then decodes the
 * detached claims-sets.
 *
 * @example
 * ```ts
 * const { claims, detached } = await verifyEatBundle(bytes, { key, provider, clock });
 * console.log(detached?.TEE?.dbgstat);
 * ```
 */
export async function verifyEatBundle(bytes: Uint8Array, options: VerifyEatOptions): Promise<VerifiedEat> {
  requireOptions(options, "verifyEatBundle");
  options = withNestedCtx(options);
  const ctx = nestedCtx(options);
  const { mainToken, detached } = decodeEatBundleUnverified(bytes);
  const main = await verifyEatCwt(mainToken, options);
  if (isConstrainedProfile(main.claims)) checkConstrainedProfile(bytes, main.claims, "eat-deb", main.alg);
  await checkDigestsAt(main.claims, detached, options.provider, ctx);
  const out: Record<string, EatClaims> = {};
  for (const [name, b] of Object.entries(detached)) {
    const at = detachedPath(ctx, name);
    const claims = claimsOf(b, options, at);
    // a detached claims-set stands for the submodule of its name: nested tokens in it are that submodule's
    await verifySubmodules(claims, options, ctx, verifyEatCborToken, [...ctx.names, name], at);
    ownProperty(out, name, claims);
  }
  return { ...main, format: "eat-deb", detached: out };
}

/**
 * Verifies a CBOR-encoded EAT of any form by its tag: a bundle (602) with {@link verifyEatBundle}, a UCCS (601)
 * with {@link verifyEatUccs}, anything else (61, 18, 17, or untagged with `untaggedType`) with
 * {@link verifyEatCwt}. This is how nested CBOR tokens in `submods` are verified.
 *
 * @example
 * ```ts
 * const { format, claims } = await verifyEatCborToken(bytes, { key, provider, clock, nonce });
 * ```
 */
export async function verifyEatCborToken(bytes: Uint8Array, options: VerifyEatOptions): Promise<VerifiedEat> {
  requireOptions(options, "verifyEatCborToken");
  const v = decodeEatCbor(bytes, "EAT token");
  if (v instanceof CborTag && v.tag === EatTag.DEB) return verifyEatBundle(bytes, options);
  if (v instanceof CborTag && v.tag === EatTag.UCCS) return verifyEatUccs(bytes, options);
  return verifyEatCwt(bytes, options);
}
