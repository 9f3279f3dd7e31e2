import {
  type CryptoProvider,
  fromBase64Url,
  isRotkitError,
  type PublicKey,
  publicKeyToJwk,
  RotkitError,
  utf8Decode,
} from "@rotkit/core";
import { type CryptoKey, importJWK, type JWK, errors as joseErrors, jwtVerify } from "jose";
import { decodeEatClaimsJson, type EatClaims } from "./eat/claims.js";
import { checkDigestsAt } from "./eat/detached.js";
import { detachedPath, type JsonTokenVerifier, nestedCtx, verifySubmodules, withJsonVerifier } from "./eat/nested.js";
import { ownProperty } from "./eat/own.js";
import {
  checkEatNonce,
  type VerifiedEat,
  type VerifyEatOptions,
  verifyEatBundle as verifyEatBundlePortable,
  verifyEatCborToken as verifyEatCborTokenPortable,
  verifyEatCwt as verifyEatCwtPortable,
  verifyEatUccs as verifyEatUccsPortable,
} from "./eat/verify.js";

// JWT-format EATs (RFC 9711 §7.2.1 with RFC 7519) and the JSON Detached EAT Bundle (RFC 9711 §5), verified with
// jose. Server entry only: jose and JSON parsing stay out of device builds. Every EAT verifier of this entry also
// verifies nested JWTs and JSON bundles in `submods` (RFC 9711 §4.2.18), which the portable entry cannot.

/** A key jose accepts (HMAC secret bytes, CryptoKey, JWK) or a core PublicKey. */
export type JwtVerifyKey = Uint8Array | CryptoKey | JWK | PublicKey;

export interface VerifyEatJwtOptions extends Omit<VerifyEatOptions, "key"> {
  key: JwtVerifyKey | VerifyEatOptions["key"];
  /** Allowed JWS algorithms (default: jose's, i.e. the key's). */
  algorithms?: string[];
}

function isCorePublicKey(k: unknown): k is PublicKey {
  return typeof k === "object" && k !== null && "kty" in k && !(k instanceof Uint8Array) && !("d" in k) && "crv" in k;
}

async function joseKey(key: unknown): Promise<Uint8Array | CryptoKey> {
  if (key instanceof Uint8Array) return key;
  if (typeof key !== "object" || key === null) {
    throw new RotkitError("INVALID_ARGUMENT", "JWT EAT: a verification key is required");
  }
  // A CryptoKey (WebCrypto) has no `kty`; a JWK or a core PublicKey does.
  if (!("kty" in key)) return key as CryptoKey;
  try {
    if (isCorePublicKey(key)) return (await importJWK(publicKeyToJwk(key) as JWK)) as CryptoKey;
    return (await importJWK(key as JWK)) as CryptoKey | Uint8Array;
  } catch (e) {
    throw new RotkitError("INVALID_ARGUMENT", "JWT EAT: the key cannot be used", { cause: e });
  }
}

function joseError(e: unknown): never {
  if (isRotkitError(e)) throw e;
  if (e instanceof joseErrors.JWTExpired) throw new RotkitError("CWT_EXPIRED", `JWT EAT: ${e.message}`, { cause: e });
  if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === "nbf") {
    throw new RotkitError("CWT_NOT_YET_VALID", `JWT EAT: ${e.message}`, { cause: e });
  }
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
    throw new RotkitError("ATTEST_BAD_SIGNATURE", "JWT EAT: the signature does not verify", { cause: e });
  }
  if (e instanceof joseErrors.JOSEAlgNotAllowed || e instanceof joseErrors.JOSENotSupported) {
    throw new RotkitError("ATTEST_BAD_SIGNATURE", `JWT EAT: ${e instanceof Error ? e.message : "algorithm"}`, {
      cause: e,
    });
  }
  throw new RotkitError("ATTEST_MALFORMED", `JWT EAT: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/**
 * Verifies a JWT-format EAT (RFC 9711 §7.2.1): the JWS with the caller's key (jose), exp / nbf against the
 * injected clock, then every claim by its JSON name (eat_nonce, ueid…), then the nonce.
 *
 * @example
 * ```ts
 * const { claims } = await verifyEatJwt(jwt, { key: secret, provider, clock, algorithms: ["HS256"] });
 * ```
 */
export async function verifyEatJwt(token: string, options: VerifyEatJwtOptions): Promise<VerifiedEat> {
  if (!options?.clock) throw new RotkitError("INVALID_ARGUMENT", "verifyEatJwt: options with a clock are required");
  if (typeof token !== "string") throw new RotkitError("ATTEST_MALFORMED", "JWT EAT must be text");
  options = withJsonVerifier(options, verifyNestedJson);
  const ctx = nestedCtx(options);
  const key = await joseKey(options.key);
  let payload: unknown;
  try {
    const r = await jwtVerify(token.trim(), key, {
      currentDate: new Date(options.clock.now() * 1000),
      clockTolerance: options.leewaySeconds ?? 0,
      ...(options.algorithms ? { algorithms: options.algorithms } : {}),
    });
    payload = r.payload;
  } catch (e) {
    joseError(e);
  }
  const o =
    options.maxSubmodDepth !== undefined ? { maxSubmodDepth: options.maxSubmodDepth, path: ctx.at } : { path: ctx.at };
  const claims = decodeEatClaimsJson(payload, o);
  if (options.nonce !== undefined) checkEatNonce(claims, options.nonce);
  await verifySubmodules(claims, options as VerifyEatOptions, ctx, verifyEatCborTokenPortable);
  return { format: "eat-jwt", claims };
}

function jsonParse(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RotkitError("ATTEST_MALFORMED", `${what} is not JSON`, { cause: e });
  }
}

/**
 * Verifies a JSON Detached EAT Bundle (RFC 9711 §5): `[[type, main-token], {+ name => base64url claims-set}]`.
 * The main token is a JWT (`"JWT"`) or a base64url CBOR token (`"CBOR"`); each detached claims-set must match the
 * digest in the main token's submods (computed over the base64url-decoded bytes), ATTEST_DIGEST_MISMATCH otherwise.
 *
 * @example
 * ```ts
 * const r = await verifyEatJsonBundle(text, { key: utf8Encode("xxxxxx"), provider, clock, algorithms: ["HS256"] });
 * console.log(r.detached?.["Audio Subsystem"]?.swname);
 * ```
 */
export async function verifyEatJsonBundle(input: string | unknown, options: VerifyEatJwtOptions): Promise<VerifiedEat> {
  if (!options?.clock) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyEatJsonBundle: options with a clock are required");
  }
  options = withJsonVerifier(options, verifyNestedJson);
  const ctx = nestedCtx(options);
  const v = typeof input === "string" ? jsonParse(input, "JSON EAT bundle") : input;
  if (!Array.isArray(v) || v.length !== 2) {
    throw new RotkitError("ATTEST_MALFORMED", "JSON EAT bundle must be [main-token, {detached}] (RFC 9711 §5)");
  }
  const [sel, sets] = v;
  if (!Array.isArray(sel) || sel.length !== 2 || typeof sel[0] !== "string" || typeof sel[1] !== "string") {
    throw new RotkitError("ATTEST_MALFORMED", "JSON EAT bundle: the main token is a [type, token] selector");
  }
  let main: VerifiedEat;
  if (sel[0] === "JWT") main = await verifyEatJwt(sel[1], options);
  else if (sel[0] === "CBOR") {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64Url(sel[1].replace(/={1,2}$/, ""));
    } catch (e) {
      throw new RotkitError("ATTEST_MALFORMED", "JSON EAT bundle: the CBOR main token is not base64url", { cause: e });
    }
    main = await verifyEatCwtPortable(bytes, options as VerifyEatOptions);
  } else throw new RotkitError("ATTEST_MALFORMED", `JSON EAT bundle: main token type ${sel[0]} not supported`);
  if (typeof sets !== "object" || sets === null || Array.isArray(sets) || Object.keys(sets).length === 0) {
    throw new RotkitError("ATTEST_MALFORMED", "JSON EAT bundle: detached claims-sets must be a non-empty object");
  }
  const raw: Record<string, Uint8Array> = {};
  for (const [name, b64] of Object.entries(sets as Record<string, unknown>)) {
    if (typeof b64 !== "string") throw new RotkitError("ATTEST_MALFORMED", `JSON EAT bundle: ${name} is not text`);
    try {
      ownProperty(raw, name, fromBase64Url(b64.replace(/={1,2}$/, "")));
    } catch (e) {
      throw new RotkitError("ATTEST_MALFORMED", `JSON EAT bundle: ${name} is not base64url`, { cause: e, at: name });
    }
  }
  await checkDigestsAt(main.claims, raw, options.provider as CryptoProvider, ctx);
  const detached: Record<string, EatClaims> = {};
  for (const [name, bytes] of Object.entries(raw)) {
    let text: string;
    try {
      text = utf8Decode(bytes);
    } catch (e) {
      throw new RotkitError("ATTEST_MALFORMED", `JSON EAT bundle: ${name} is not UTF-8`, { cause: e });
    }
    const at = detachedPath(ctx, name);
    const claims = decodeEatClaimsJson(jsonParse(text, `detached claims-set ${name}`), { path: at });
    // a detached claims-set stands for the submodule of its name: nested tokens in it are that submodule's
    await verifySubmodules(
      claims,
      options as VerifyEatOptions,
      ctx,
      verifyEatCborTokenPortable,
      [...ctx.names, name],
      at,
    );
    ownProperty(detached, name, claims);
  }
  return { ...main, format: "eat-deb", detached };
}

/** A nested JSON token (RFC 9711 §4.2.18 JSON-Selector): "JWT" with verifyEatJwt, "BUNDLE" with verifyEatJsonBundle. */
const verifyNestedJson: JsonTokenVerifier = async (sub, options) => {
  if (sub.type === "JWT") {
    if (typeof sub.token !== "string") throw new RotkitError("ATTEST_MALFORMED", "a nested JWT must be text");
    return verifyEatJwt(sub.token, options as VerifyEatJwtOptions);
  }
  if (sub.type === "BUNDLE") return verifyEatJsonBundle(sub.token, options as VerifyEatJwtOptions);
  throw new RotkitError("ATTEST_NESTED_UNVERIFIED", `a nested "${sub.type}" token is not a form rotkit verifies`);
};

/**
 * `options` for a portable EAT verifier, with this entry's verifier of nested JSON tokens (JWT, JSON bundle) added:
 * how the server entry's verifyEvidence verifies nested JWTs inside CWTs.
 */
export function withNestedJwt<T extends VerifyEatOptions>(options: T): T {
  return withJsonVerifier(options, verifyNestedJson);
}

/**
 * The portable verifyEatCwt, plus nested JWTs and JSON bundles in `submods` (server entry).
 *
 * @example
 * ```ts
 * import { verifyEatCwt } from "@rotkit/attestation/server";
 * const r = await verifyEatCwt(cwt, { key, provider, clock, submoduleKeys: (path) => ({ key: keys[path.join("/")] }) });
 * ```
 */
export function verifyEatCwt(bytes: Uint8Array, options: VerifyEatOptions): Promise<VerifiedEat> {
  return verifyEatCwtPortable(bytes, withNestedJwt(options));
}

/**
 * The portable verifyEatUccs, plus nested JWTs and JSON bundles in `submods` (server entry).
 *
 * @example
 * ```ts
 * const r = await verifyEatUccs(uccs, { provider, clock, trustedChannel: true, submoduleKeys });
 * ```
 */
export function verifyEatUccs(bytes: Uint8Array, options: VerifyEatOptions): Promise<VerifiedEat> {
  return verifyEatUccsPortable(bytes, withNestedJwt(options));
}

/**
 * The portable verifyEatBundle, plus nested JWTs and JSON bundles in `submods` (server entry).
 *
 * @example
 * ```ts
 * const r = await verifyEatBundle(deb, { key, provider, clock, submoduleKeys });
 * ```
 */
export function verifyEatBundle(bytes: Uint8Array, options: VerifyEatOptions): Promise<VerifiedEat> {
  return verifyEatBundlePortable(bytes, withNestedJwt(options));
}

/**
 * The portable verifyEatCborToken, plus nested JWTs and JSON bundles in `submods` (server entry).
 *
 * @example
 * ```ts
 * const r = await verifyEatCborToken(bytes, { key, provider, clock, submoduleKeys });
 * ```
 */
export function verifyEatCborToken(bytes: Uint8Array, options: VerifyEatOptions): Promise<VerifiedEat> {
  return verifyEatCborTokenPortable(bytes, withNestedJwt(options));
}
