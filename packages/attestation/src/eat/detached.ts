import { type CryptoProvider, constantTimeEqual, type HashAlg, RotkitError } from "@rotkit/core";
import type { EatClaims, Submodule } from "./claims.js";
import { detachedPath, type NestedCtx } from "./nested.js";

// The digest binding of a Detached EAT Bundle (RFC 9711 §5, §4.2.18.2), for a bundle anywhere in the tree of nested
// tokens: a nested bundle reports its paths below its submodule. Internal: the public form is checkDetachedDigests.

const HASH_BY_ALG = new Map<number | string, HashAlg>([
  [-16, "SHA-256"],
  [-43, "SHA-384"],
  [-44, "SHA-512"],
  ["SHA-256", "SHA-256"],
  ["SHA-384", "SHA-384"],
  ["SHA-512", "SHA-512"],
]);

/** checkDetachedDigests for a bundle at `ctx` (a nested bundle reports paths below its submodule). */
export async function checkDigestsAt(
  main: EatClaims,
  detached: Record<string, Uint8Array>,
  provider: CryptoProvider,
  ctx: NestedCtx,
): Promise<void> {
  const claimsAt = ctx.at;
  const submods: Record<string, Submodule> = main.submods ?? {};
  for (const [name, bytes] of Object.entries(detached)) {
    const sub = Object.hasOwn(submods, name) ? submods[name] : undefined;
    if (sub?.kind !== "digest") {
      throw new RotkitError(
        "ATTEST_DIGEST_MISMATCH",
        `detached claims-set "${name}" has no detached-digest submodule in the main token`,
        { at: detachedPath(ctx, name) },
      );
    }
    const hash = HASH_BY_ALG.get(sub.alg);
    if (!hash) {
      throw new RotkitError(
        "ATTEST_CLAIM_INVALID",
        `EAT claim submods: digest algorithm ${String(sub.alg)} unsupported`,
        {
          at: `${claimsAt}/submods/${name}`,
        },
      );
    }
    const d = await provider.digest(hash, bytes);
    if (d.length !== sub.digest.length || !constantTimeEqual(d, sub.digest)) {
      throw new RotkitError(
        "ATTEST_DIGEST_MISMATCH",
        `detached claims-set "${name}" does not match its ${hash} digest`,
        {
          at: detachedPath(ctx, name),
        },
      );
    }
  }
  for (const [name, sub] of Object.entries(submods)) {
    if (sub.kind === "digest" && !Object.hasOwn(detached, name)) {
      throw new RotkitError(
        "ATTEST_CLAIM_MISSING",
        `detached claims-set "${name}" named by submods is not in the bundle`,
        {
          at: detachedPath(ctx, name),
        },
      );
    }
  }
}
