import { RotkitError } from "@rotkit/core";
import { type CoseAlgInfo, type CoseAlgKind, coseAlgorithmOfKind } from "./algorithms.js";
import { type CoseHeaders, HeaderLabel } from "./headers.js";

// Which algorithm a received layer uses and whether the caller accepts it: the same rules for signatures
// (COSE_Sign1, COSE_Sign, countersignatures) and MACs (COSE_Mac0, COSE_Mac), so they are written once.

/** Acceptable algorithms, by COSE integer or registry name ("ES256", "EdDSA", "HMAC 256/256", ...). */
export type AlgPolicy = readonly (number | string)[];

/**
 * COSE_ALG_MISMATCH when an allow list is given and `info` is not on it.
 *
 * @example
 * ```ts
 * checkAllowed(coseAlgorithm(-7), ["ES256", "EdDSA"], "COSE_Sign1"); // ok
 * ```
 */
export function checkAllowed(info: CoseAlgInfo, allowed: AlgPolicy | undefined, where: string): void {
  if (allowed === undefined) return;
  if (!allowed.some((a) => a === info.id || a === info.name)) {
    throw new RotkitError("COSE_ALG_MISMATCH", `${where}: algorithm ${info.name} (${info.id}) is not allowed here`);
  }
}

/**
 * The algorithm of a layer: its `alg` header, registered, of `kind`, in the caller's allow list. RFC 9052
 * recommends a protected alg; the cose-wg examples (sign-pass-01) carry it unprotected with an empty protected
 * bucket, so an unprotected alg is accepted unless `requireProtectedAlg` is set. A label cannot sit in both
 * buckets (checked when the headers are decoded), so an unprotected alg never contradicts a protected one.
 *
 * @example
 * ```ts
 * const info = layerAlgorithm(headers, "signature", "COSE_Sign1", { allowedAlgs: ["ES256"] });
 * ```
 */
export function layerAlgorithm(
  h: CoseHeaders,
  kind: CoseAlgKind,
  where: string,
  options: { allowedAlgs?: AlgPolicy; requireProtectedAlg?: boolean } = {},
): CoseAlgInfo {
  const inProtected = h.protected.map.has(HeaderLabel.alg);
  const alg = inProtected ? h.protected.map.get(HeaderLabel.alg) : h.unprotected.get(HeaderLabel.alg);
  if (alg === undefined) throw new RotkitError("COSE_BAD_HEADER", `${where}: no alg (1) header`);
  if (!inProtected && options.requireProtectedAlg) {
    throw new RotkitError("COSE_BAD_HEADER", `${where}: alg (1) must be in the protected bucket`);
  }
  const info = coseAlgorithmOfKind(alg, [kind], `${where}: alg`);
  checkAllowed(info, options.allowedAlgs, where);
  return info;
}
