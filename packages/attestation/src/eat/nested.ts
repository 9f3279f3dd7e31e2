import { isRotkitError, RotkitError } from "@rotkit/core";
import type { EatClaims, NestedTokenSubmodule, Submodule, VerifiedNestedToken } from "./claims.js";
import { checkEatNonce } from "./nonce.js";
import { ownProperty } from "./own.js";
import type { VerifiedEat, VerifyEatOptions } from "./verify.js";

// Recursive verification of the nested tokens in `submods` (RFC 9711 §4.2.18). A nested token is a complete token
// secured by its own attester, so it is verified with its own key — the one the caller's `submoduleKeys` gives for
// its submodule path — never with the enclosing token's. Submodules inherit nothing from the token around them
// (RFC 9711 §4.2.18, "No Inheritance"), the nonce included: a nested token that carries a nonce must carry the
// verifier's; one that carries none is fresh only as far as the signed token around it is. Claims-set submodules
// are walked for nested tokens too (they are covered by the enclosing signature). Internal: not re-exported.

/** Default bound on how deep nested tokens are verified (the top token is depth 0). */
export const DEFAULT_MAX_NESTED_DEPTH = 4;
/** At most this many nested tokens are verified under one top-level token (each costs a signature check). */
export const MAX_NESTED_TOKENS = 64;

/** Verifies a nested CBOR token (CWT, UCCS or bundle, by its tag) with the options given. */
export type CborTokenVerifier = (bytes: Uint8Array, options: VerifyEatOptions) => Promise<VerifiedEat>;
/** Verifies a nested JSON token (JWT, JSON bundle): only the server entry has one. */
export type JsonTokenVerifier = (
  sub: { type: string; token: unknown },
  options: VerifyEatOptions & { algorithms?: string[] },
) => Promise<VerifiedEat>;

/** Where a token sits in the tree of nested tokens. */
export interface NestedCtx {
  /** 0 for the token the caller handed in. */
  depth: number;
  /** Submodule names from the top token down to this one. */
  names: readonly string[];
  /** The `at` path of this token's claims: "claims" at the top, else the submodule's path. */
  at: string;
  /** Nested tokens still allowed under the top token (shared by the whole walk). */
  budget: { left: number };
  json?: JsonTokenVerifier;
}

/** The key of the internal context on an options object (a symbol: no caller can set it by accident). */
export const NESTED_CTX: unique symbol = Symbol("rotkit.eat.nested");

type WithCtx = VerifyEatOptions & { [NESTED_CTX]?: NestedCtx };

/** The context `options` (any EAT verifier's options) carries, or the top-level one. */
export function nestedCtx(options: object): NestedCtx {
  return (
    (options as { [NESTED_CTX]?: NestedCtx })[NESTED_CTX] ?? {
      depth: 0,
      names: [],
      at: "claims",
      budget: { left: MAX_NESTED_TOKENS },
    }
  );
}

/** `options` with a JSON nested-token verifier (the server entry's), keeping any context it already has. */
export function withJsonVerifier<T extends object>(options: T, json: JsonTokenVerifier): T {
  if (!options || typeof options !== "object") return options;
  return { ...options, [NESTED_CTX]: { ...nestedCtx(options), json } };
}

/** `options` carrying its context, so that every verifier it is handed to shares one (and one budget). */
export function withNestedCtx<T extends object>(options: T): T {
  if ((options as { [NESTED_CTX]?: NestedCtx })[NESTED_CTX] !== undefined) return options;
  return { ...options, [NESTED_CTX]: nestedCtx(options) };
}

/** Where a detached claims-set of a bundle at `ctx` sits: `detached/<name>` at the top, under the token below it. */
export function detachedPath(ctx: NestedCtx, name: string): string {
  return ctx.depth === 0 ? `detached/${name}` : `${ctx.at}/detached/${name}`;
}

function unverified(at: string, why: string): RotkitError {
  return new RotkitError("ATTEST_NESTED_UNVERIFIED", `EAT nested token at ${at} is not verified: ${why}`, { at });
}

/** Places an error from inside a nested token at its submodule path; errors already placed below it are kept. */
function located(e: unknown, at: string, names: readonly string[]): unknown {
  if (!isRotkitError(e)) return e;
  const inner = typeof e.at === "string" ? e.at : undefined;
  if (inner !== undefined && (inner === at || inner.startsWith(`${at}/`))) return e;
  // the nested token's own claims were decoded at `at`; its other paths ("detached/…", "bundle[0]") sit below it
  const where = inner === undefined ? at : inner.startsWith("claims/") ? `${at}${inner.slice(6)}` : `${at}/${inner}`;
  const label = names.map((n) => JSON.stringify(n)).join(" > ");
  return new RotkitError(e.code, `EAT submodule ${label}: ${e.message}`, { at: where, cause: e });
}

/**
 * Verifies every nested token in `claims.submods` (and in claims-set submodules, at any depth) that the caller has a
 * key for, replacing each with its verified form in place. `claims` sits at `ctx`; `names` / `at` locate it when it
 * is a detached claims-set rather than the token's own claims.
 */
export async function verifySubmodules(
  claims: EatClaims,
  options: VerifyEatOptions,
  ctx: NestedCtx,
  cbor: CborTokenVerifier,
  names: readonly string[] = ctx.names,
  at: string = ctx.at,
): Promise<void> {
  const submods = claims.submods;
  if (!submods) return;
  for (const [name, sub] of Object.entries(submods)) {
    const subNames = [...names, name];
    const subAt = `${at}/submods/${name}`;
    if (sub.kind === "claims") await verifySubmodules(sub.claims, options, ctx, cbor, subNames, subAt);
    else if (sub.kind !== "digest") {
      ownProperty(submods, name, await verifyNested(sub, options, ctx, cbor, subNames, subAt));
    }
  }
}

async function verifyNested(
  sub: NestedTokenSubmodule,
  options: VerifyEatOptions,
  ctx: NestedCtx,
  cbor: CborTokenVerifier,
  names: readonly string[],
  at: string,
): Promise<Submodule> {
  const how = options.submoduleKeys?.(names, sub);
  if (how === undefined) {
    if (options.requireNestedVerified === true)
      throw unverified(at, "no key was given for its submodule path and requireNestedVerified is set");
    return { ...sub, verified: false } as Submodule;
  }
  if (typeof how !== "object" || how === null) {
    throw new RotkitError("INVALID_ARGUMENT", "submoduleKeys must return { key, … } or undefined", { at });
  }
  const max = options.maxNestedDepth ?? DEFAULT_MAX_NESTED_DEPTH;
  if (ctx.depth + 1 > max) {
    throw new RotkitError("ATTEST_CLAIM_INVALID", `EAT claim submods: nested tokens deeper than ${max}`, { at });
  }
  if (ctx.budget.left <= 0) {
    throw new RotkitError("ATTEST_CLAIM_INVALID", `EAT claim submods: more than ${MAX_NESTED_TOKENS} nested tokens`, {
      at,
    });
  }
  ctx.budget.left--;
  // No nonce passed down: the nested token does not inherit the verifier's (checked below when it carries one).
  const child: WithCtx & { algorithms?: string[] } = {
    provider: options.provider,
    clock: options.clock,
    trustedChannel: how.trustedChannel === true,
    [NESTED_CTX]: { depth: ctx.depth + 1, names, at, budget: ctx.budget, ...(ctx.json ? { json: ctx.json } : {}) },
  };
  if (how.key !== undefined) child.key = how.key as VerifyEatOptions["key"];
  if (how.untaggedType !== undefined) child.untaggedType = how.untaggedType;
  if (how.algorithms !== undefined) child.algorithms = how.algorithms;
  if (options.leewaySeconds !== undefined) child.leewaySeconds = options.leewaySeconds;
  if (options.maxSubmodDepth !== undefined) child.maxSubmodDepth = options.maxSubmodDepth;
  if (options.maxNestedDepth !== undefined) child.maxNestedDepth = options.maxNestedDepth;
  if (options.submoduleKeys !== undefined) child.submoduleKeys = options.submoduleKeys;
  if (options.requireNestedVerified !== undefined) child.requireNestedVerified = options.requireNestedVerified;
  let r: VerifiedEat;
  try {
    if (sub.kind === "nested-cbor") r = await cbor(sub.token, child);
    else if (ctx.json) r = await ctx.json(sub, child);
    else
      throw unverified(at, `a nested ${sub.type} token is verified by the server entry (@rotkit/attestation/server)`);
    if (options.nonce !== undefined && r.claims.nonce !== undefined) checkEatNonce(r.claims, options.nonce);
  } catch (e) {
    throw located(e, at, names);
  }
  const v: VerifiedNestedToken = { verified: true, format: r.format, claims: r.claims };
  if (r.alg !== undefined) v.alg = r.alg;
  if (r.detached !== undefined) v.detached = r.detached;
  return { ...sub, ...v } as Submodule;
}
