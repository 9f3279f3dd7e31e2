import { RotkitError } from "@rotkit/core";

// One place that turns a parse failure into `X509_MALFORMED` (docs/errors.md): the certificate, CRL or extension is
// not valid DER of its ASN.1 type. Core's reader throws `ENCODING_INVALID`; x509 callers see one code.

/**
 * Throws `X509_MALFORMED` with `what` and, when known, the byte offset.
 *
 * @example
 * ```ts
 * if (el.tag !== 0x30) malformed("Certificate must be a SEQUENCE", el.start);
 * ```
 */
export function malformed(what: string, at?: number, cause?: unknown): never {
  throw new RotkitError("X509_MALFORMED", what, { at, cause });
}

/**
 * Rethrows `e` as `X509_MALFORMED` prefixed with `context` when it is a decoding error (`ENCODING_INVALID` from
 * core, or `X509_MALFORMED`); other RotkitErrors pass through unchanged, and anything else (a bug) is wrapped so
 * callers only ever see RotkitError.
 */
export function asMalformed(e: unknown, context: string): RotkitError {
  if (e instanceof RotkitError) {
    if (e.code !== "ENCODING_INVALID" && e.code !== "X509_MALFORMED") return e;
    return new RotkitError("X509_MALFORMED", `${context}: ${e.message}`, { cause: e });
  }
  return new RotkitError("X509_MALFORMED", `${context}: ${String(e)}`, { cause: e });
}
