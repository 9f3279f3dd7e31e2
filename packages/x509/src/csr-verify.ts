import { type CryptoProvider, RotkitError } from "@rotkit/core";
import type { ParseOptions } from "./cert.js";
import { type CertificationRequest, parseCertificationRequest } from "./csr.js";
import { type DecodeDiceExtensionsOptions, type DiceExtensions, decodeDiceExtensions } from "./dice/extensions.js";
import { verifySigned } from "./signature.js";

// Proof of possession of a PKCS #10 request (RFC 2986 §3 step 3: the requester signs CertificationRequestInfo with
// the private key of the subject public key), and the TCG DICE extensions a DICE CSR asks for.

/** Options of {@link verifyCertificationRequest}. */
export interface VerifyCertificationRequestOptions extends ParseOptions {
  provider: CryptoProvider;
}

/**
 * Verifies a certification request's signature with its own subject public key and returns the request. A bad
 * signature is `X509_BAD_SIGNATURE`; a key or signature algorithm rotkit does not verify (SHA-1, DSA, …) is
 * `X509_UNSUPPORTED_ALG`.
 *
 * @example
 * ```ts
 * const csr = await verifyCertificationRequest(der, { provider: webCryptoProvider() });
 * csr.ext.extKeyUsage; // the key purposes requested
 * ```
 */
export async function verifyCertificationRequest(
  input: Uint8Array | CertificationRequest,
  options: VerifyCertificationRequestOptions,
): Promise<CertificationRequest> {
  const csr = input instanceof Uint8Array ? parseCertificationRequest(input, options) : input;
  if (csr.publicKey === undefined) {
    throw new RotkitError(
      "X509_UNSUPPORTED_ALG",
      `the request's public key (${csr.publicKeyAlgorithm.oid}) is not supported: ${csr.publicKeyError ?? "unknown"}`,
    );
  }
  if (
    !(await verifySigned(csr.signatureAlgorithm, csr.publicKey, csr.tbs, csr.signature, options.provider, "rfc5280"))
  ) {
    throw new RotkitError("X509_BAD_SIGNATURE", "certification request signature does not verify with its own key");
  }
  return csr;
}

/**
 * The TCG DICE extensions (TcbInfo, MultiTcbInfo, Ueid, …, and the tcg-dice-kp key purposes) a certification request
 * asks for, decoded as {@link decodeDiceExtensions} decodes a certificate's.
 *
 * @example
 * ```ts
 * decodeCertificationRequestDiceExtensions(csr).ueid?.ueid; // 17 zero bytes for a Caliptra IDevID CSR
 * ```
 */
export function decodeCertificationRequestDiceExtensions(
  csr: CertificationRequest,
  options?: DecodeDiceExtensionsOptions,
): DiceExtensions {
  // decodeDiceExtensions reads only `extensions` and `ext`, which a request has with the same meaning.
  return decodeDiceExtensions(csr, options);
}
