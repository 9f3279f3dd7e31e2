import { RotkitError, utf8Decode } from "@rotkit/core";
import { decodeEatClaimsJson } from "./eat/claims.js";
import { nestedCtx, verifySubmodules } from "./eat/nested.js";
import { checkEatNonce, type VerifyEatOptions, verifyEatCborToken } from "./eat/verify.js";
import {
  detectEvidenceFormat,
  type EvidenceResult,
  type VerifyEvidenceOptions,
  verifyEvidence as verifyEvidencePortable,
} from "./evidence.js";
import { verifyDiceX509Chain } from "./server/dice-x509.js";
import { type JwtVerifyKey, verifyEatJsonBundle, verifyEatJwt, withNestedJwt } from "./server-eat-jwt.js";

// The server entry's verifyEvidence: the portable one plus JWT / JSON EATs (jose) and X.509 DICE chains
// (@rotkit/x509), which a device build never needs — nested JWTs in EAT submods included.

export interface ServerVerifyEvidenceOptions extends Omit<VerifyEvidenceOptions, "key"> {
  key?: VerifyEvidenceOptions["key"] | JwtVerifyKey;
  /** JWS algorithms allowed for a JWT EAT. */
  algorithms?: string[];
  /** X.509 DICE chains: the trust anchor (root certificate or public key) for `verifyDiceChain`. */
  trustAnchors?: unknown;
}

/**
 * {@link verifyEvidencePortable} plus JWT EATs, JSON Detached EAT Bundles, unsigned JSON claims-sets (only with
 * `trustedChannel`) and X.509 DICE chains (`format: "dice-x509"` or a PEM / DER chain media type).
 *
 * @example
 * ```ts
 * import { verifyEvidence } from "@rotkit/attestation/server";
 * const { format, claims } = await verifyEvidence(jwt, { key: secret, algorithms: ["HS256"], provider, clock });
 * ```
 */
export async function verifyEvidence(
  input: Uint8Array | string,
  options: ServerVerifyEvidenceOptions,
): Promise<EvidenceResult> {
  if (!options || typeof options !== "object" || !options.provider || !options.clock) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyEvidence: options with provider and clock are required");
  }
  const mt = options.mediaType?.split(";")[0]?.trim().toLowerCase();
  const format =
    mt === "application/pem-certificate-chain" || mt === "application/pkix-cert"
      ? "dice-x509"
      : detectEvidenceFormat(input, options);
  if (format === "eat-jwt") {
    const text = typeof input === "string" ? input : decodeText(input);
    const t = text.trim();
    const jwtOpts = { ...options, key: options.key as JwtVerifyKey };
    if (t.startsWith("[")) {
      const r = await verifyEatJsonBundle(t, jwtOpts);
      return { format: "eat-deb", claims: r.claims, result: r };
    }
    if (t.startsWith("{")) {
      // An unsigned JSON claims-set (UJCS): like UCCS, only over a trusted channel (RFC 9781 §3).
      if (options.trustedChannel !== true) {
        throw new RotkitError("ATTEST_UNTRUSTED_CHANNEL", "an unsigned JSON claims-set needs trustedChannel: true");
      }
      let obj: unknown;
      try {
        obj = JSON.parse(t);
      } catch (e) {
        throw new RotkitError("ATTEST_MALFORMED", "JSON claims-set is not JSON", { cause: e });
      }
      const claims = decodeEatClaimsJson(obj);
      if (options.nonce !== undefined) checkEatNonce(claims, options.nonce);
      const eatOpts = withNestedJwt(options as VerifyEatOptions);
      await verifySubmodules(claims, eatOpts, nestedCtx(eatOpts), verifyEatCborToken);
      return { format: "eat-uccs", claims, result: { format: "eat-uccs", claims } };
    }
    const r = await verifyEatJwt(t, jwtOpts);
    return { format: "eat-jwt", claims: r.claims, result: r };
  }
  if (format === "dice-x509") {
    // PEM text, or DER bytes of one certificate: the DICE module's own input forms.
    const certs = typeof input === "string" ? input : input[0] === 0x2d ? decodeText(input) : [input];
    const diceOpts: Record<string, unknown> = { certs, provider: options.provider, time: options.clock };
    if (options.trustAnchors !== undefined) diceOpts.trustAnchor = options.trustAnchors;
    const r = await verifyDiceX509Chain(diceOpts as unknown as Parameters<typeof verifyDiceX509Chain>[0]);
    return { format, claims: r, result: r };
  }
  // nested JWTs inside CBOR EATs are verified with this entry's JWT verifier
  return verifyEvidencePortable(input, withNestedJwt(options as VerifyEvidenceOptions));
}

function decodeText(b: Uint8Array): string {
  try {
    return utf8Decode(b);
  } catch (e) {
    throw new RotkitError("ATTEST_MALFORMED", "text evidence is not UTF-8", { cause: e });
  }
}
