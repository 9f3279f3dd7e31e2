import { type CborMap, type CborValue, RotkitError } from "@rotkit/core";

/** Common header parameter labels, RFC 9052 §3.1 and RFC 9053 §6 (key management), RFC 9360 (X.509), RFC 9338. */
export const HeaderLabel = {
  alg: 1,
  crit: 2,
  contentType: 3,
  kid: 4,
  iv: 5,
  partialIv: 6,
  counterSignature: 7, // RFC 8152 / RFC 9338 V1 label is 7 (COSE_Countersignature), V2 is 11
  counterSignature0: 9, // V1 abbreviated; V2 is 12
  kidContext: 10,
  counterSignatureV2: 11,
  counterSignature0V2: 12,
  cwtClaims: 15, // RFC 9597
  x5bag: 32,
  x5chain: 33,
  x5t: 34,
  x5u: 35,
  // RFC 9053 §6.3 / §6.4 key agreement parameters
  ephemeralKey: -1,
  staticKey: -2,
  staticKeyId: -3,
  salt: -20,
  partyUIdentity: -21,
  partyUNonce: -22,
  partyUOther: -23,
  partyVIdentity: -24,
  partyVNonce: -25,
  partyVOther: -26,
} as const;

/**
 * A protected header bucket. `bytes` are kept exactly as received because the signature covers those bytes,
 * not a re-encoding of `map` (RFC 9052 §3: "the protected header ... is wrapped in a bstr").
 */
export interface ProtectedHeader {
  readonly bytes: Uint8Array;
  readonly map: CborMap;
}

export interface CoseHeaders {
  readonly protected: ProtectedHeader;
  readonly unprotected: CborMap;
}

/** Looks a parameter up in the protected bucket first, then the unprotected one (they may not overlap: see checkHeaders). */
export function headerParam(h: CoseHeaders, label: number): CborValue | undefined {
  return h.protected.map.has(label) ? h.protected.map.get(label) : h.unprotected.get(label);
}

/** Throws COSE_BAD_HEADER with a uniform message. */
export function badHeader(message: string, where: string): never {
  throw new RotkitError("COSE_BAD_HEADER", `${where}: ${message}`);
}
