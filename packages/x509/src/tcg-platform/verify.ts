import { RotkitError } from "@rotkit/core";
import type { AttributeCertificate } from "../attribute-cert/types.js";
import { type VerifyAttributeCertificateOptions, verifyAttributeCertificate } from "../attribute-cert/verify.js";
import { OID_CERTIFICATE_POLICIES, OID_SUBJECT_ALT_NAME } from "../extensions/oids.js";
import {
  OID_SUBJECT_DIRECTORY_ATTRIBUTES,
  OID_TCG_KP_DELTA_PLATFORM_ATTRIBUTE_CERTIFICATE,
  OID_TCG_KP_PLATFORM_ATTRIBUTE_CERTIFICATE,
} from "./oids.js";
import { decodeTcgPlatformAttributes } from "./platform.js";
import type { TcgPlatformAttributes } from "./types.js";

// A TCG platform certificate verified as an attribute certificate (RFC 5755 §5) with its TCG attributes decoded.
// The platform profile marks certificatePolicies and subjectAltName critical; both are decoded here (the policies'
// CPS and notices are returned), as is subjectDirectoryAttributes.

/** A verified platform certificate: the attribute certificate and its TCG platform attributes. */
export interface VerifiedPlatformCertificate {
  certificate: AttributeCertificate;
  platform: TcgPlatformAttributes;
}

/**
 * Verifies a TCG platform certificate with {@link verifyAttributeCertificate} (issuer, signature, validity at
 * `clock`) and decodes its TCG attributes. A tcgCredentialType other than platform (2.23.133.8.2) or delta platform
 * (2.23.133.8.5) is `X509_PROFILE`. The holder is not checked here: compare it with the TPM's EK certificate using
 * {@link attributeCertificateHolderMatches}.
 *
 * @example
 * ```ts
 * const { platform } = await verifyPlatformCertificate(der, { issuer: oemCaCert, provider, clock: systemClock() });
 * platform.platformSerial; // "BQKP52840678"
 * ```
 */
export async function verifyPlatformCertificate(
  input: Uint8Array | AttributeCertificate,
  options: VerifyAttributeCertificateOptions,
): Promise<VerifiedPlatformCertificate> {
  const certificate = await verifyAttributeCertificate(input, {
    ...options,
    processedCriticalExtensions: [
      OID_CERTIFICATE_POLICIES,
      OID_SUBJECT_ALT_NAME,
      OID_SUBJECT_DIRECTORY_ATTRIBUTES,
      ...(options.processedCriticalExtensions ?? []),
    ],
  });
  const platform = decodeTcgPlatformAttributes(certificate);
  const t = platform.credentialType;
  if (
    t !== undefined &&
    t !== OID_TCG_KP_PLATFORM_ATTRIBUTE_CERTIFICATE &&
    t !== OID_TCG_KP_DELTA_PLATFORM_ATTRIBUTE_CERTIFICATE
  ) {
    throw new RotkitError("X509_PROFILE", `tcgCredentialType ${t} is not a platform certificate`);
  }
  return { certificate, platform };
}
