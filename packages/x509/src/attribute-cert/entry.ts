import { RotkitError } from "@rotkit/core";
import type { ParseOptions } from "../cert.js";
import { asMalformed, malformed } from "../der/errors.js";
import { DEFAULT_X509_LIMITS, type X509Limits } from "../der/read.js";

/**
 * The entry of a top-level DER parser (attribute certificate, certification request): `der` must be bytes within
 * `limits.maxBytes`; `parse` runs on a private copy, and whatever it throws reaches the caller as a RotkitError
 * (`X509_MALFORMED` prefixed with `what` for decoding errors).
 *
 * @example
 * ```ts
 * return parseBounded(der, "certification request", options, parse);
 * ```
 */
export function parseBounded<T>(
  der: Uint8Array,
  what: string,
  options: ParseOptions | undefined,
  parse: (bytes: Uint8Array, limits: X509Limits) => T,
): T {
  if (!(der instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${what} must be bytes`);
  const l = options?.limits;
  const limits = l === undefined ? DEFAULT_X509_LIMITS : { ...DEFAULT_X509_LIMITS, ...l };
  if (der.length > limits.maxBytes) malformed(`${what}: ${der.length} bytes is above the limit of ${limits.maxBytes}`);
  try {
    return parse(der.slice(), limits);
  } catch (e) {
    throw asMalformed(e, what);
  }
}
