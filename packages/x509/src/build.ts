import { bytesEqual, RotkitError } from "@rotkit/core";
import { nameEquals } from "./names.js";
import type { Certificate } from "./types.js";

// RFC 5280 §6 path building (see also RFC 4158): depth-first from the leaf over every candidate issuer in the pool and
// the trust anchors, with backtracking, loop detection, a depth cap and a work budget. Each complete candidate path goes
// to the caller's validation; when it fails, the next candidate is tried, and when every path fails the most specific
// error seen is reported.

/** What path building needs from its caller. */
export interface BuildContext<T> {
  pool: Certificate[];
  anchors: Certificate[];
  /** Upper bound on the number of certificates between the leaf and the anchor. */
  maxIntermediates: number;
  /** Work units left: each candidate examination and each signature verification costs one. */
  budget: { left: number };
  /** Does `issuer`'s key verify `subject`'s signature? May throw (unsupported algorithm, profile). */
  verify(issuer: Certificate, subject: Certificate): Promise<boolean>;
  /** Validates a complete path (leaf first, issuer-most last) ending at `anchor`; throws RotkitError when invalid. */
  accept(path: Certificate[], anchor: Certificate): Promise<T>;
}

interface Failure {
  error: RotkitError;
  score: number;
}

function spend<T>(ctx: BuildContext<T>, units = 1): void {
  ctx.budget.left -= units;
  if (ctx.budget.left < 0) {
    throw new RotkitError("X509_PATH_BUDGET", "path building exceeded its work budget", { at: "path[0]" });
  }
}

/** Same certificate, or the same subject name and key (RFC 4158 §5.2 loop detection). */
function sameEntity(a: Certificate, b: Certificate): boolean {
  if (a === b || bytesEqual(a.der, b.der)) return true;
  return bytesEqual(a.spki, b.spki) && nameEquals(a.subject, b.subject);
}

/** Candidates whose subjectKeyIdentifier equals the child's authorityKeyIdentifier come first (§4.2.1.1). */
function keyIdRank(child: Certificate, candidate: Certificate): number {
  const aki = child.ext.authorityKeyIdentifier?.keyIdentifier;
  const ski = candidate.ext.subjectKeyIdentifier;
  if (!aki || !ski) return 1;
  return bytesEqual(aki, ski) ? 0 : 2;
}

function issuersOf(child: Certificate, list: Certificate[]): Certificate[] {
  return list
    .filter((c) => nameEquals(c.subject, child.issuer))
    .map((c, i) => ({ c, r: keyIdRank(child, c), i }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}

/**
 * Builds and validates paths from `leaf`; returns the first path `ctx.accept` accepts. Throws the most specific error
 * when none is accepted: a validation error of a complete path, then a signature or algorithm error, then
 * X509_MAX_DEPTH, X509_NAME_CHAINING (a key verifies but no name chains — e.g. DICE/Caliptra chains), X509_NO_PATH;
 * X509_PATH_BUDGET as soon as the budget is spent.
 *
 * @example
 * ```ts
 * const result = await buildPath(leaf, { pool, anchors, maxIntermediates: 8, budget: { left: 2000 }, verify, accept });
 * ```
 */
export async function buildPath<T>(leaf: Certificate, ctx: BuildContext<T>): Promise<T> {
  let best: Failure | undefined;
  const record = (error: unknown, score: number): void => {
    if (!(error instanceof RotkitError)) throw error;
    if (error.code === "X509_PATH_BUDGET") throw error;
    if (!best || score > best.score) best = { error, score };
  };

  const tryVerify = async (issuer: Certificate, path: Certificate[]): Promise<boolean> => {
    spend(ctx);
    const child = path[path.length - 1] as Certificate;
    const at = `path[${path.length - 1}]`;
    try {
      if (await ctx.verify(issuer, child)) return true;
      record(
        new RotkitError("X509_BAD_SIGNATURE", "the signature does not verify with the issuer's key", { at }),
        500 + path.length,
      );
    } catch (e) {
      if (e instanceof RotkitError && e.at === undefined) {
        record(new RotkitError(e.code, e.message, { at, cause: e }), 600 + path.length);
      } else record(e, 600 + path.length);
    }
    return false;
  };

  const dfs = async (path: Certificate[]): Promise<T | undefined> => {
    spend(ctx);
    const cur = path[path.length - 1] as Certificate;
    const inPath = (c: Certificate) => path.some((p) => sameEntity(p, c));
    const anchors = issuersOf(cur, ctx.anchors);
    for (const anchor of anchors) {
      spend(ctx);
      if (inPath(anchor)) continue;
      if (!(await tryVerify(anchor, path))) continue;
      try {
        return await ctx.accept(path, anchor);
      } catch (e) {
        record(e, 1000 + path.length);
      }
    }
    const issuers = issuersOf(cur, ctx.pool);
    if (anchors.length === 0 && issuers.length === 0) {
      await probeNameChaining(path);
      return undefined;
    }
    if (issuers.length > 0 && path.length > ctx.maxIntermediates) {
      record(
        new RotkitError("X509_MAX_DEPTH", "the path would be longer than the maximum depth", {
          at: `path[${path.length - 1}]`,
        }),
        900 + path.length,
      );
      return undefined;
    }
    for (const issuer of issuers) {
      spend(ctx);
      if (inPath(issuer)) continue;
      if (!(await tryVerify(issuer, path))) continue;
      const r = await dfs([...path, issuer]);
      if (r !== undefined) return r;
    }
    return undefined;
  };

  // §6.1.3 (a)(4) diagnostics: no certificate's subject matches the issuer name; does some key verify anyway?
  const probeNameChaining = async (path: Certificate[]): Promise<void> => {
    const cur = path[path.length - 1] as Certificate;
    if (best && best.score >= 100) return;
    for (const c of [...ctx.anchors, ...ctx.pool]) {
      if (path.some((p) => sameEntity(p, c))) continue;
      spend(ctx);
      let ok = false;
      try {
        ok = await ctx.verify(c, cur);
      } catch {
        ok = false;
      }
      if (ok) {
        record(
          new RotkitError("X509_NAME_CHAINING", "a key verifies the signature, but no issuer name matches", {
            at: `path[${path.length - 1}]`,
          }),
          100 + path.length,
        );
        return;
      }
    }
  };

  const result = await dfs([leaf]);
  if (result !== undefined) return result;
  if (best) throw best.error;
  throw new RotkitError("X509_NO_PATH", "no path from the leaf to a trust anchor", { at: "path[0]" });
}
