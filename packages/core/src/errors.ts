/**
 * Stable error codes. Callers branch on `code`, never on message text.
 * Every code is documented in docs/errors.md; adding one means documenting it there.
 */
export type RotkitErrorCode =
  // generic input handling
  | "INVALID_ARGUMENT"
  | "ENCODING_INVALID"
  | "UNSUPPORTED"
  // CBOR
  | "CBOR_MALFORMED"
  | "CBOR_TRUNCATED"
  | "CBOR_LIMIT"
  | "CBOR_DUPLICATE_KEY"
  | "CBOR_NOT_PREFERRED"
  | "CBOR_INDEFINITE"
  | "CBOR_TRAILING_BYTES"
  | "CBOR_UNSUPPORTED"
  | "CBOR_WRONG_TYPE"
  // crypto
  | "CRYPTO_UNSUPPORTED_ALG"
  | "CRYPTO_INVALID_KEY"
  | "CRYPTO_INVALID_SIGNATURE_FORMAT"
  | "CRYPTO_DECRYPT_FAILED"
  | "CRYPTO_UNWRAP_FAILED"
  | "CRYPTO_INVALID_LENGTH"
  | "CRYPTO_NO_RANDOM"
  // COSE
  | "COSE_MALFORMED"
  | "COSE_WRONG_TAG"
  | "COSE_BAD_HEADER"
  | "COSE_DUPLICATE_HEADER"
  | "COSE_CRIT_UNSUPPORTED"
  | "COSE_UNSUPPORTED_ALG"
  | "COSE_ALG_MISMATCH"
  | "COSE_BAD_SIGNATURE"
  | "COSE_BAD_MAC"
  | "COSE_DECRYPT_FAILED"
  | "COSE_NO_KEY"
  | "COSE_BAD_KEY"
  | "COSE_DETACHED_PAYLOAD_REQUIRED"
  | "COSE_NO_RECIPIENT"
  // CWT
  | "CWT_MALFORMED"
  | "CWT_EXPIRED"
  | "CWT_NOT_YET_VALID"
  | "CWT_ISSUED_IN_FUTURE"
  | "CWT_CLAIM_INVALID"
  // X.509 (RFC 5280)
  | "X509_MALFORMED"
  | "X509_UNSUPPORTED_ALG"
  | "X509_BAD_SIGNATURE"
  | "X509_EXPIRED"
  | "X509_NOT_YET_VALID"
  | "X509_NO_PATH"
  | "X509_NAME_CHAINING"
  | "X509_PATH_BUDGET"
  | "X509_PATH_LEN"
  | "X509_MAX_DEPTH"
  | "X509_NOT_CA"
  | "X509_KEY_USAGE"
  | "X509_EKU"
  | "X509_NAME_CONSTRAINTS"
  | "X509_POLICY"
  | "X509_UNKNOWN_CRITICAL"
  | "X509_PEER_NAME"
  | "X509_PROFILE"
  | "X509_REVOKED"
  | "X509_CRL_INVALID"
  | "X509_REVOCATION_UNKNOWN"
  // attestation evidence (EAT, PSA, CCA, DICE, TPM)
  | "ATTEST_MALFORMED"
  | "ATTEST_UNKNOWN_FORMAT"
  | "ATTEST_CLAIM_MISSING"
  | "ATTEST_CLAIM_INVALID"
  | "ATTEST_PROFILE"
  | "ATTEST_NONCE_MISMATCH"
  | "ATTEST_UNTRUSTED_CHANNEL"
  | "ATTEST_BAD_SIGNATURE"
  | "ATTEST_KEY_BINDING"
  | "ATTEST_DIGEST_MISMATCH"
  | "ATTEST_NESTED_UNVERIFIED"
  | "TPM_MALFORMED"
  | "TPM_NOT_GENERATED"
  | "TPM_WRONG_TYPE"
  | "TPM_BAD_SIGNATURE"
  | "TPM_NONCE_MISMATCH"
  | "TPM_PCR_MISMATCH"
  | "TPM_EVENTLOG_MALFORMED"
  | "TPM_EVENTLOG_MISMATCH"
  // SUIT manifests and MCUboot images (@rotkit/manifest)
  | "SUIT_MALFORMED"
  | "SUIT_UNSUPPORTED"
  | "SUIT_AUTH_FAILED"
  | "SUIT_DIGEST_MISMATCH"
  | "SUIT_CONDITION_FAILED"
  | "SUIT_IMAGE_MISMATCH"
  | "SUIT_COMMAND_FAILED"
  | "SUIT_PARAMETER_MISSING"
  | "SUIT_DEPENDENCY_FAILED"
  | "MCUBOOT_MALFORMED"
  | "MCUBOOT_UNSUPPORTED"
  | "MCUBOOT_DIGEST_MISMATCH"
  | "MCUBOOT_BAD_SIGNATURE"
  | "MCUBOOT_UNPROTECTED_TLV"
  // anti-rollback (@rotkit/rollback)
  | "ROLLBACK_REFUSED"
  | "ROLLBACK_EXPIRED"
  | "ROLLBACK_STALE"
  | "ROLLBACK_BELOW_MINIMUM"
  | "ROLLBACK_TICKET_INVALID"
  | "ROLLBACK_NOT_CONFIRMED"
  | "COUNTER_CORRUPT"
  | "COUNTER_DECREASE"
  | "COUNTER_IO"
  // firmware deltas (@rotkit/delta)
  | "DELTA_CORRUPT"
  | "DELTA_UNSUPPORTED"
  | "DELTA_BASE_MISMATCH"
  | "DELTA_OUTPUT_MISMATCH"
  | "DELTA_LIMIT"
  // conformance runner
  | "CONFORMANCE_BAD_SUITE"
  | "CONFORMANCE_BAD_INPUT";

export interface RotkitErrorOptions {
  cause?: unknown;
  /** Where in the input the problem is: a byte offset, a JSON-pointer-like path, a certificate index. */
  at?: string | number;
}

/**
 * The one error class of rotkit. `code` is stable across releases; `message` says what was wrong and where.
 *
 * @example
 * ```ts
 * try { decodeCbor(bytes); } catch (e) {
 *   if (isRotkitError(e, "CBOR_LIMIT")) console.log("too deep:", e.at);
 * }
 * ```
 */
export class RotkitError extends Error {
  readonly code: RotkitErrorCode;
  readonly at: string | number | undefined;

  constructor(code: RotkitErrorCode, message: string, options: RotkitErrorOptions = {}) {
    super(options.at === undefined ? message : `${message} (at ${options.at})`);
    this.name = "RotkitError";
    this.code = code;
    this.at = options.at;
    if (options.cause !== undefined) {
      // Set directly: the ES2022 `cause` option of Error is not on every device runtime.
      Object.defineProperty(this, "cause", {
        value: options.cause,
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
  }
}

/** True when `e` is a RotkitError (optionally with one of the given codes). */
export function isRotkitError(e: unknown, ...codes: RotkitErrorCode[]): e is RotkitError {
  return e instanceof RotkitError && (codes.length === 0 || codes.includes(e.code));
}
