import { type CryptoProvider, constantTimeEqual, RotkitError } from "@rotkit/core";
import { type AlgPolicy, layerAlgorithm } from "./alg-policy.js";
import type { CoseAlgInfo } from "./algorithms.js";
import type { CoseHeaders } from "./headers.js";
import type { CoseKey } from "./key.js";
import { checkKeyAlgParam, providerError } from "./signature.js";

// MAC algorithms (RFC 9053 §3): HMAC with SHA-2 truncated to the tag length (§3.1) and AES-CBC-MAC (§3.2).

/** A MAC key: raw bytes, or a Symmetric COSE_Key (whose `alg`, when present, is enforced). */
export type MacKey = Uint8Array | CoseKey;

/**
 * The MAC algorithm of a layer (`alg` header, registered, of kind "mac", allowed by the caller). As for
 * signatures, an unprotected alg is accepted (cose-wg examples) unless `requireProtectedAlg`.
 *
 * @example
 * ```ts
 * const info = macAlgorithm(headers, "COSE_Mac0"); // e.g. HMAC 256/64
 * ```
 */
export function macAlgorithm(
  h: CoseHeaders,
  where: string,
  options: { allowedAlgs?: AlgPolicy; requireProtectedAlg?: boolean } = {},
): CoseAlgInfo {
  return layerAlgorithm(h, "mac", where, options);
}

/**
 * The raw key bytes for a MAC algorithm, with the length rules of RFC 9053: AES-CBC-MAC keys are exactly
 * 128 or 256 bits (§3.2); HMAC keys are at least as long as the hash output the algorithm is named after (§3.1
 * names the key size with the hash: 256/384/512 bits). COSE_BAD_KEY otherwise; a COSE_Key restricted to another
 * algorithm is COSE_ALG_MISMATCH.
 *
 * @example
 * ```ts
 * macKeyBytes(secret32, coseAlgorithm(5), "COSE_Mac0"); // the bytes, after the length check
 * ```
 */
export function macKeyBytes(key: MacKey, info: CoseAlgInfo, where: string): Uint8Array {
  let k: Uint8Array;
  if (key instanceof Uint8Array) k = key;
  else if (key && typeof key === "object" && key.kty === "Symmetric") {
    checkKeyAlgParam(key.alg, info, where);
    k = key.k;
  } else throw new RotkitError("COSE_BAD_KEY", `${where}: a MAC needs a symmetric key`);
  const want = info.keyLength ?? 0;
  if (info.primitive === "aes-cbc-mac" ? k.length !== want : k.length < want) {
    throw new RotkitError(
      "COSE_BAD_KEY",
      `${where}: ${info.name} needs a ${want * 8}-bit key, got ${k.length * 8} bits`,
    );
  }
  return k;
}

/**
 * Computes the tag of `data` (the encoded MAC_structure).
 *
 * @example
 * ```ts
 * const tag = await computeMac(provider, coseAlgorithm(5), key, toBeMaced);
 * ```
 */
export async function computeMac(
  provider: CryptoProvider,
  info: CoseAlgInfo,
  key: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  if (!provider || typeof provider.hmac !== "function")
    throw new RotkitError("INVALID_ARGUMENT", "a CryptoProvider is required");
  const t = info.tagLength as number;
  try {
    if (info.primitive === "hmac") {
      const full = await provider.hmac(info.hash!, key, data);
      // §3.1: the tag is the HMAC output truncated to its leftmost tagLength bytes.
      return full.slice(0, t);
    }
    if (info.primitive === "aes-cbc-mac") return await provider.aesCbcMac(key, data, t);
  } catch (e) {
    throw providerError(e, info.name);
  }
  throw new RotkitError("COSE_UNSUPPORTED_ALG", `${info.name} is not a MAC algorithm`);
}

/**
 * Recomputes the tag and compares in constant time (core `constantTimeEqual`); COSE_BAD_MAC on mismatch or a
 * tag of the wrong length.
 *
 * @example
 * ```ts
 * await checkMac(provider, info, key, toBeMaced, tag, "COSE_Mac0");
 * ```
 */
export async function checkMac(
  provider: CryptoProvider,
  info: CoseAlgInfo,
  key: Uint8Array,
  data: Uint8Array,
  tag: Uint8Array,
  where: string,
): Promise<void> {
  if (tag.length !== info.tagLength) {
    throw new RotkitError("COSE_BAD_MAC", `${where}: tag is ${tag.length} bytes, ${info.name} needs ${info.tagLength}`);
  }
  const expected = await computeMac(provider, info, key, data);
  if (!constantTimeEqual(expected, tag))
    throw new RotkitError("COSE_BAD_MAC", `${where}: the ${info.name} tag does not match`);
}
