import { constantTimeEqual, RotkitError, utf8Encode } from "@rotkit/core";
import type { EatClaims } from "./claims.js";

/**
 * Checks the token's nonce against the verifier's (RFC 9711 §4.1), in constant time per candidate. A JSON nonce
 * (text) is compared as its UTF-8 bytes. ATTEST_CLAIM_MISSING when there is none, ATTEST_NONCE_MISMATCH otherwise.
 *
 * @example
 * ```ts
 * checkEatNonce(claims, expectedNonce);
 * ```
 */
export function checkEatNonce(claims: EatClaims, expected: Uint8Array): void {
  if (!claims.nonce || claims.nonce.length === 0) {
    throw new RotkitError("ATTEST_CLAIM_MISSING", "EAT claim nonce (10 / eat_nonce) is missing", {
      at: "claims/nonce",
    });
  }
  let ok = false;
  for (const n of claims.nonce) {
    const bytes = typeof n === "string" ? utf8Encode(n) : n;
    if (bytes.length === expected.length && constantTimeEqual(bytes, expected)) ok = true;
  }
  if (!ok)
    throw new RotkitError("ATTEST_NONCE_MISMATCH", "EAT nonce is not the verifier's nonce", { at: "claims/nonce" });
}
