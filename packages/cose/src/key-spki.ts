import { type PublicKey, publicKeyFromSpki, publicKeyToSpki, RotkitError } from "@rotkit/core";
import { type CoseKey, type CoseKeyCommon, coseKeyFromPublicKey, publicKeyFromCoseKey } from "./key.js";

// COSE_Key <-> SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) through core's DER helpers.

/**
 * A COSE_Key from a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), via core's SPKI parser.
 *
 * @example
 * ```ts
 * const key = coseKeyFromSpki(spkiDer, { kid: utf8Encode("device-1") });
 * ```
 */
export function coseKeyFromSpki(spki: Uint8Array, common: CoseKeyCommon = {}): CoseKey {
  let pk: PublicKey;
  try {
    pk = publicKeyFromSpki(spki);
  } catch (e) {
    throw new RotkitError("COSE_BAD_KEY", "COSE_Key: unusable SubjectPublicKeyInfo", { cause: e });
  }
  return coseKeyFromPublicKey(pk, common);
}

/**
 * DER SubjectPublicKeyInfo of a COSE_Key's public part.
 *
 * @example
 * ```ts
 * const der = coseKeyToSpki(decodeCoseKey(bytes));
 * ```
 */
export function coseKeyToSpki(key: CoseKey): Uint8Array {
  return publicKeyToSpki(publicKeyFromCoseKey(key));
}
