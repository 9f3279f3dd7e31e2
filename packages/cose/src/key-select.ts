import { isRotkitError, RotkitError } from "@rotkit/core";
import type { CoseAlgInfo } from "./algorithms.js";
import { type CoseHeaders, HeaderLabel } from "./headers.js";
import { toPublicKey, type VerifyKey } from "./signature.js";

// Choosing verification keys for layers with several signers (COSE_Sign signatures, countersignatures).

/**
 * Which signer keys to use: one key, a list (a key with a `kid` is not tried on a signature that names a different kid; a
 * key without one on every signature whose algorithm fits its type), or a function of the signer's headers
 * (return undefined for "no key for this signer").
 */
export type SignerKeys =
  | VerifyKey
  | readonly VerifyKey[]
  | ((signer: CoseHeaders, index: number) => VerifyKey | undefined | Promise<VerifyKey | undefined>);

function kidOf(h: CoseHeaders): Uint8Array | undefined {
  const k = h.protected.map.get(HeaderLabel.kid) ?? h.unprotected.get(HeaderLabel.kid);
  return k instanceof Uint8Array ? k : undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The keys to try for one signer (see {@link SignerKeys}).
 *
 * @example
 * ```ts
 * const keys = await candidateKeys([keyA, keyB], signerHeaders, 0, "COSE_Sign.signatures[0]");
 * ```
 */
export async function candidateKeys(
  keys: SignerKeys,
  h: CoseHeaders,
  index: number,
  where: string,
): Promise<VerifyKey[]> {
  if (typeof keys === "function") {
    let k: VerifyKey | undefined;
    try {
      k = await keys(h, index);
    } catch (e) {
      if (isRotkitError(e)) throw e;
      throw new RotkitError("COSE_NO_KEY", `${where}: the key resolver failed`, { cause: e });
    }
    return k ? [k] : [];
  }
  if (!Array.isArray(keys)) return [keys as VerifyKey];
  const kid = kidOf(h);
  const out: VerifyKey[] = [];
  for (const k of keys as readonly VerifyKey[]) {
    const keyKid = (k as { kid?: unknown }).kid;
    if (keyKid instanceof Uint8Array) {
      // A key with a kid never serves a signer that names another kid; a signer without a kid may use it.
      if (!kid || sameBytes(kid, keyKid)) out.push(k);
    } else out.push(k);
  }
  return out;
}

/**
 * For trial verification with a key list: skip keys whose type cannot serve this algorithm.
 *
 * @example
 * ```ts
 * keyFitsAlg(edKey, coseAlgorithm(-7), "COSE_Sign"); // false: ES256 needs an EC2 key
 * ```
 */
export function keyFitsAlg(k: VerifyKey, info: CoseAlgInfo, where: string): boolean {
  try {
    const pk = toPublicKey(k, where).publicKey;
    const s = info.signature ?? "";
    if (s.startsWith("ES")) return pk.kty === "EC";
    if (s.startsWith("Ed")) return pk.kty === "OKP";
    if (s.startsWith("ML-DSA")) return pk.kty === "AKP" && pk.alg === s;
    if (s === "HSS-LMS") return pk.kty === "HSS-LMS";
    return pk.kty === "RSA";
  } catch {
    return false;
  }
}
