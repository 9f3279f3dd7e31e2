import { type CryptoProvider, isRotkitError, type PublicKey, RotkitError, type SignatureAlg } from "@rotkit/core";
import type { AlgorithmIdentifier, Certificate } from "../types.js";

// Local signature-algorithm mapping for the DICE chain check. The general one belongs to the x509 validator
// (signature.ts); this covers what DICE chains use — ECDSA P-256/P-384 (RFC 5758 §3.2, DER signatures), Ed25519 /
// Ed448 (RFC 8410 §3), and RSASSA-PKCS1-v1_5 (RFC 4055 §5) — and should give way to that module once it exists.

const ECDSA: Readonly<Record<string, SignatureAlg>> = {
  "1.2.840.10045.4.3.2": "ES256",
  "1.2.840.10045.4.3.3": "ES384",
  "1.2.840.10045.4.3.4": "ES512",
};
const EDDSA: Readonly<Record<string, SignatureAlg>> = {
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
};
const RSA_PKCS1: Readonly<Record<string, SignatureAlg>> = {
  "1.2.840.113549.1.1.11": "RS256",
  "1.2.840.113549.1.1.12": "RS384",
  "1.2.840.113549.1.1.13": "RS512",
};

/** ML-DSA (FIPS 204, RFC 9881) OIDs, named so the error can say what was seen. */
const KNOWN_UNSUPPORTED: Readonly<Record<string, string>> = {
  "2.16.840.1.101.3.4.3.17": "ML-DSA-44",
  "2.16.840.1.101.3.4.3.18": "ML-DSA-65",
  "2.16.840.1.101.3.4.3.19": "ML-DSA-87",
};

function algName(alg: AlgorithmIdentifier): string {
  return KNOWN_UNSUPPORTED[alg.oid] ?? alg.oid;
}

/**
 * Checks `cert`'s signature with `issuerKey`. Returns whether it verifies; throws `X509_UNSUPPORTED_ALG` when the
 * signature algorithm or key is one rotkit cannot verify.
 */
export async function verifyCertificateSignature(
  cert: Certificate,
  issuerKey: PublicKey | undefined,
  provider: CryptoProvider,
  where: string,
): Promise<boolean> {
  const alg = cert.signatureAlgorithm;
  let sigAlg: SignatureAlg | undefined;
  let format: "der" | undefined;
  // RFC 5758 §3.2 / RFC 8410 §3: ECDSA and EdDSA parameters MUST be absent. RFC 4055 §5: RSA ones are NULL.
  if (ECDSA[alg.oid] !== undefined && alg.parameters === undefined) {
    sigAlg = ECDSA[alg.oid];
    format = "der";
  } else if (EDDSA[alg.oid] !== undefined && alg.parameters === undefined) {
    sigAlg = EDDSA[alg.oid];
  } else if (RSA_PKCS1[alg.oid] !== undefined) {
    const p = alg.parameters;
    if (p === undefined || (p.length === 2 && p[0] === 0x05 && p[1] === 0x00)) sigAlg = RSA_PKCS1[alg.oid];
  }
  if (sigAlg === undefined) {
    throw new RotkitError("X509_UNSUPPORTED_ALG", `${where}: signature algorithm ${algName(alg)} is not supported`);
  }
  if (issuerKey === undefined) {
    throw new RotkitError("X509_UNSUPPORTED_ALG", `${where}: the issuer's public key algorithm is not supported`);
  }
  // Key type must fit the signature algorithm (no ECDSA signature checked with an RSA key).
  const kind = sigAlg.startsWith("ES") ? "EC" : sigAlg.startsWith("RS") ? "RSA" : "OKP";
  if (issuerKey.kty !== kind || (kind === "OKP" && issuerKey.kty === "OKP" && issuerKey.crv !== sigAlg)) {
    return false;
  }
  try {
    return await provider.verify(sigAlg, issuerKey, cert.tbs, cert.signature, format ? { format } : undefined);
  } catch (e) {
    if (isRotkitError(e, "CRYPTO_UNSUPPORTED_ALG")) {
      throw new RotkitError("X509_UNSUPPORTED_ALG", `${where}: ${e.message}`, { cause: e });
    }
    if (isRotkitError(e, "CRYPTO_INVALID_KEY")) return false;
    throw e;
  }
}
