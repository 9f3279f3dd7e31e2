import { type CryptoProvider, type KeyHandle, RotkitError } from "@rotkit/core";
import { type KeyResolver, signCoseSign1, type VerifyKey, verifyCoseSign1 } from "@rotkit/cose";
import type { SuitDecodeOptions } from "../cbor.js";
import { decodeSuitReport } from "./decode.js";
import { encodeSuitReport } from "./encode.js";
import type { SuitReport } from "./types.js";

// SUIT_Report_COSE_Sign1_Tagged (draft-ietf-suit-report §"SUIT_Report container"): the report is the attached
// payload (`bstr .cbor SUIT_Report`) of a tagged COSE_Sign1; external_aad is empty.

/**
 * Signs a SUIT report (or its encoded bytes) into a tagged COSE_Sign1 with the device's key handle; the key's
 * `kid`, if any, goes in the unprotected header.
 *
 * @example
 * ```ts
 * const signed = await signSuitReport(result.report, deviceKey);
 * ```
 */
export async function signSuitReport(report: SuitReport | Uint8Array, key: KeyHandle): Promise<Uint8Array> {
  if (!key || typeof key.sign !== "function")
    throw new RotkitError("INVALID_ARGUMENT", "SUIT report: a KeyHandle is required");
  const payload = report instanceof Uint8Array ? report : encodeSuitReport(report);
  const unprotected = key.kid ? new Map([[4, key.kid]]) : undefined;
  return signCoseSign1({ payload, ...(unprotected ? { unprotected } : {}) }, key);
}

/** Options of {@link verifySuitReport}. */
export interface VerifySuitReportOptions extends SuitDecodeOptions {
  provider: CryptoProvider;
  /** The device's public key, or a function of the COSE headers (e.g. by kid). */
  key: VerifyKey | KeyResolver;
}

/**
 * Verifies a signed SUIT report (tagged COSE_Sign1) and decodes its payload. Errors: the COSE_* codes of
 * verifyCoseSign1 (COSE_BAD_SIGNATURE, ...), then those of {@link decodeSuitReport}.
 *
 * @example
 * ```ts
 * const { report } = await verifySuitReport(signed, { key: devicePublicKey, provider: nobleProvider() });
 * ```
 */
export async function verifySuitReport(
  bytes: Uint8Array,
  options: VerifySuitReportOptions,
): Promise<{ report: SuitReport; alg: number; kid?: Uint8Array }> {
  if (!options?.provider || !options.key)
    throw new RotkitError("INVALID_ARGUMENT", "SUIT report: provider and key are required");
  const v = await verifyCoseSign1(bytes, { key: options.key, provider: options.provider, requireTag: true });
  const report = decodeSuitReport(v.payload, options);
  return { report, alg: v.alg.id, ...(v.kid ? { kid: v.kid } : {}) };
}
