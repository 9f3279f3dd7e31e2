import {
  type CborMap,
  CborTag,
  type CborValue,
  type Clock,
  type CryptoProvider,
  type KeyHandle,
  RotkitError,
} from "@rotkit/core";
import { decodeCose, encodeCose } from "./cbor.js";
import type { CoseHeaders } from "./headers.js";
import type { CoseContent, CoseVerifyOptions } from "./layer.js";
import type { MacKey } from "./mac-alg.js";
import { createCoseMac0, verifyCoseMac0Value } from "./mac0.js";
import { CoseTag } from "./message.js";
import { signCoseSign1, verifyCoseSign1Value } from "./sign1.js";
import type { KeyResolver, VerifyKey } from "./signature.js";

// CBOR Web Token (RFC 8392): a claims map (§3) carried as the payload of a COSE_Sign1 or COSE_Mac0 (§7), with an
// optional CWT tag 61 (§6) around the tagged COSE message.

/** Registered claim keys, RFC 8392 §4 (+ cnf, RFC 8747 §3.1). */
export const CwtClaim = { iss: 1, sub: 2, aud: 3, exp: 4, nbf: 5, iat: 6, cti: 7, cnf: 8 } as const;

/** Typed view of the registered claims; `all` holds every claim as decoded. */
export interface CwtClaims {
  iss?: string;
  sub?: string;
  aud?: string;
  exp?: number;
  nbf?: number;
  iat?: number;
  cti?: Uint8Array;
  cnf?: CborMap;
  all: CborMap;
}

export interface VerifyCwtOptions extends Omit<CoseVerifyOptions, "detachedPayload"> {
  /** Signature key (Sign1) or MAC key (Mac0), or a function of the COSE headers. */
  key: VerifyKey | MacKey | KeyResolver | ((h: CoseHeaders) => MacKey | undefined | Promise<MacKey | undefined>);
  clock: Clock;
  /** Allowed clock skew for exp / nbf / iat, in seconds. Default 0. */
  leewaySeconds?: number;
  /** `aud` must equal this (or one of these). */
  expectedAudience?: string | readonly string[];
  /** `iss` must equal this. */
  expectedIssuer?: string;
  /** For an untagged message (no CWT or COSE tag), what it is. Tagged messages decide by their tag. */
  untaggedType?: "sign1" | "mac0";
  /** Require `exp` (default false). */
  requireExpiration?: boolean;
}

export interface VerifiedCwt {
  claims: CwtClaims;
  headers: CoseHeaders;
  type: "sign1" | "mac0";
}

function claimError(message: string): never {
  throw new RotkitError("CWT_CLAIM_INVALID", message);
}

/** RFC 8392 §2: NumericDate is an int or a float (seconds since the epoch); no NaN / infinities. */
function numericDate(v: CborValue, name: string): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "bigint") claimError(`${name}: NumericDate out of range`);
  if (v instanceof CborTag && v.tag === 1) claimError(`${name}: a tagged date is not a NumericDate (RFC 8392 §2)`);
  return claimError(`${name}: must be a NumericDate (int or float)`);
}

/**
 * Parses and type-checks a CWT claims map (RFC 8392 §3-4): iss / sub / aud text, exp / nbf / iat NumericDate,
 * cti bstr, cnf map. CWT_MALFORMED when not a map, CWT_CLAIM_INVALID for a mistyped claim.
 *
 * @example
 * ```ts
 * const claims = decodeCwtClaims(payload); // claims.iss, claims.exp, claims.all.get(-75000)
 * ```
 */
export function decodeCwtClaims(payload: Uint8Array | CborValue): CwtClaims {
  let v: CborValue = payload;
  if (payload instanceof Uint8Array) {
    try {
      v = decodeCose(payload, "CWT claims");
    } catch (e) {
      throw new RotkitError("CWT_MALFORMED", "CWT claims are not well-formed CBOR (or repeat a claim key)", {
        cause: e,
      });
    }
  }
  if (!(v instanceof Map)) throw new RotkitError("CWT_MALFORMED", "CWT claims must be a map (RFC 8392 §3)");
  const out: CwtClaims = { all: v };
  for (const [k, val] of v) {
    switch (k) {
      case CwtClaim.iss:
      case CwtClaim.sub:
      case CwtClaim.aud: {
        if (typeof val !== "string") claimError(`claim ${k} must be a text string`);
        out[k === 1 ? "iss" : k === 2 ? "sub" : "aud"] = val;
        break;
      }
      case CwtClaim.exp:
        out.exp = numericDate(val, "exp (4)");
        break;
      case CwtClaim.nbf:
        out.nbf = numericDate(val, "nbf (5)");
        break;
      case CwtClaim.iat:
        out.iat = numericDate(val, "iat (6)");
        break;
      case CwtClaim.cti:
        if (!(val instanceof Uint8Array)) claimError("cti (7) must be a bstr");
        out.cti = val;
        break;
      case CwtClaim.cnf:
        if (!(val instanceof Map)) claimError("cnf (8) must be a map (RFC 8747 §3.1)");
        out.cnf = val;
        break;
      default:
        break;
    }
  }
  return out;
}

/**
 * The time checks of RFC 8392 §3.1.4-3.1.6 against the injected clock.
 *
 * @example
 * ```ts
 * checkCwtTimes(decodeCwtClaims(payload), fixedClock(1444000000), 60);
 * ```
 */
export function checkCwtTimes(claims: CwtClaims, clock: Clock, leewaySeconds = 0, requireExpiration = false): void {
  if (!(leewaySeconds >= 0)) throw new RotkitError("INVALID_ARGUMENT", "leewaySeconds must be >= 0");
  const now = clock.now();
  if (typeof now !== "number" || !Number.isFinite(now))
    throw new RotkitError("INVALID_ARGUMENT", "clock.now() must be a number");
  if (claims.exp === undefined && requireExpiration) throw new RotkitError("CWT_CLAIM_INVALID", "exp (4) is required");
  // §3.1.4: the token MUST NOT be accepted on or after exp.
  if (claims.exp !== undefined && now >= claims.exp + leewaySeconds) {
    throw new RotkitError("CWT_EXPIRED", `CWT expired at ${claims.exp} (now ${now})`);
  }
  // §3.1.5: MUST NOT be accepted before nbf.
  if (claims.nbf !== undefined && now < claims.nbf - leewaySeconds) {
    throw new RotkitError("CWT_NOT_YET_VALID", `CWT not valid before ${claims.nbf} (now ${now})`);
  }
  if (claims.iat !== undefined && claims.iat > now + leewaySeconds) {
    throw new RotkitError("CWT_ISSUED_IN_FUTURE", `CWT issued at ${claims.iat}, in the future (now ${now})`);
  }
}

/**
 * Verifies a CWT (RFC 8392 §7.2): strips the optional tag 61, verifies the COSE_Sign1 (tag 18) or COSE_Mac0
 * (tag 17), decodes and type-checks the claims, then checks exp / nbf / iat against `clock` and the expected
 * issuer / audience. Codes: the COSE_* codes of the layer, CWT_MALFORMED, CWT_CLAIM_INVALID, CWT_EXPIRED,
 * CWT_NOT_YET_VALID, CWT_ISSUED_IN_FUTURE.
 *
 * @example
 * ```ts
 * const { claims } = await verifyCwt(token, { key: issuerKey, provider, clock: systemClock(), expectedAudience: "coap://light" });
 * ```
 */
export async function verifyCwt(bytes: Uint8Array, options: VerifyCwtOptions): Promise<VerifiedCwt> {
  if (!options || typeof options !== "object" || !options.clock) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyCwt: options with a clock are required");
  }
  let v = decodeCose(bytes, "CWT");
  // §6: the CWT tag is optional and, when present, wraps the tagged COSE message.
  if (v instanceof CborTag && v.tag === CoseTag.CWT) {
    v = v.value;
    if (!(v instanceof CborTag)) throw new RotkitError("COSE_WRONG_TAG", "CWT: tag 61 must wrap a tagged COSE message");
  }
  let type: "sign1" | "mac0";
  if (v instanceof CborTag) {
    if (v.tag === CoseTag.Sign1) type = "sign1";
    else if (v.tag === CoseTag.Mac0) type = "mac0";
    else throw new RotkitError("COSE_WRONG_TAG", `CWT: unsupported COSE tag ${v.tag} (Sign1 18 / Mac0 17 are handled)`);
  } else {
    if (options.requireTag) throw new RotkitError("COSE_WRONG_TAG", "CWT: the message must be tagged");
    if (!options.untaggedType) throw new RotkitError("COSE_WRONG_TAG", "CWT: untagged message; pass untaggedType");
    type = options.untaggedType;
  }
  let payload: Uint8Array;
  let headers: CoseHeaders;
  if (type === "sign1") {
    const r = await verifyCoseSign1Value(v, { ...options, key: options.key as VerifyKey | KeyResolver });
    payload = r.payload;
    headers = r.headers;
  } else {
    const r = await verifyCoseMac0Value(v, { ...options, key: options.key as MacKey });
    payload = r.payload;
    headers = r.headers;
  }
  const claims = decodeCwtClaims(payload);
  checkCwtTimes(claims, options.clock, options.leewaySeconds ?? 0, options.requireExpiration ?? false);
  if (options.expectedIssuer !== undefined && claims.iss !== options.expectedIssuer) {
    throw new RotkitError("CWT_CLAIM_INVALID", `CWT issuer ${String(claims.iss)} is not the expected one`);
  }
  if (options.expectedAudience !== undefined) {
    const want = typeof options.expectedAudience === "string" ? [options.expectedAudience] : options.expectedAudience;
    if (claims.aud === undefined || !want.includes(claims.aud)) {
      throw new RotkitError("CWT_CLAIM_INVALID", `CWT audience ${String(claims.aud)} is not an expected one`);
    }
  }
  return { claims, headers, type };
}

/** Claims to put in a CWT: registered names or any CBOR claim keys via `extra`. */
export interface CwtClaimsInput {
  iss?: string;
  sub?: string;
  aud?: string;
  exp?: number;
  nbf?: number;
  iat?: number;
  cti?: Uint8Array;
  cnf?: CborMap;
  extra?: CborMap;
}

/**
 * Encodes a claims map deterministically, after the same type checks a verifier applies.
 *
 * @example
 * ```ts
 * const payload = encodeCwtClaims({ iss: "coap://as.example.com", exp: 1444064944 });
 * ```
 */
export function encodeCwtClaims(claims: CwtClaimsInput): Uint8Array {
  const m: CborMap = new Map();
  for (const [name, key] of Object.entries(CwtClaim)) {
    const v = (claims as Record<string, unknown>)[name];
    if (v !== undefined) m.set(key, v as CborValue);
  }
  for (const [k, v] of claims.extra ?? []) {
    if (m.has(k)) throw new RotkitError("INVALID_ARGUMENT", `claim ${String(k)} given twice`);
    m.set(k, v);
  }
  decodeCwtClaims(m);
  return encodeCose(m);
}

export interface CreateCwtOptions {
  /** Wrap in the CWT tag 61 (default false: the COSE tag identifies the message). */
  cwtTag?: boolean;
  protected?: CborMap;
  unprotected?: CborMap;
  externalAad?: Uint8Array;
  /** For a MAC'ed CWT (COSE_Mac0). */
  mac?: { provider: CryptoProvider; alg?: number | string };
}

/**
 * Creates a CWT: the claims signed into a tagged COSE_Sign1 with `key` (a KeyHandle), or MAC'ed into a tagged
 * COSE_Mac0 when `key` is a MAC key and `options.mac` gives the provider.
 *
 * @example
 * ```ts
 * const token = await createCwt({ iss: "coap://as.example.com", exp: 1444064944 }, issuerKey);
 * ```
 */
export async function createCwt(
  claims: CwtClaimsInput,
  key: KeyHandle | MacKey,
  options: CreateCwtOptions = {},
): Promise<Uint8Array> {
  const content: CoseContent = { payload: encodeCwtClaims(claims) };
  if (options.protected) content.protected = options.protected;
  if (options.unprotected) content.unprotected = options.unprotected;
  if (options.externalAad) content.externalAad = options.externalAad;
  let msg: Uint8Array;
  if (options.mac) {
    const macOpts: { key: MacKey; provider: CryptoProvider; alg?: number | string } = {
      key: key as MacKey,
      provider: options.mac.provider,
    };
    if (options.mac.alg !== undefined) macOpts.alg = options.mac.alg;
    msg = await createCoseMac0(content, macOpts);
  } else {
    if (!key || typeof (key as KeyHandle).sign !== "function") {
      throw new RotkitError("INVALID_ARGUMENT", "createCwt: a KeyHandle is required (or options.mac for a MAC key)");
    }
    msg = await signCoseSign1(content, key as KeyHandle);
  }
  if (!options.cwtTag) return msg;
  return encodeCose(new CborTag(CoseTag.CWT, decodeCose(msg, "CWT")));
}
