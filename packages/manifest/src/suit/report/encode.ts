import { type CborValue, encodeCbor, RotkitError } from "@rotkit/core";
import { digestToCbor } from "../digest.js";
import { parametersToCbor } from "../encode-manifest.js";
import { SUIT_SYSTEM_COMPONENT_ID, type SuitRecord, type SuitReport, SuitReportKey } from "./types.js";

// SUIT_Report → deterministic CBOR (draft-ietf-suit-report §4, App. A CDDL; RFC 8949 §4.2.1), so a signed report is
// reproducible byte for byte.

/** SUIT_Record = [manifest-id, section, offset, component-index, properties] (draft-ietf-suit-report §3). */
export function recordToCbor(r: SuitRecord): CborValue {
  return [[...r.manifestId], r.section, r.offset, r.componentIndex, parametersToCbor(r.properties)];
}

/** The CBOR value of a SUIT_Report. */
export function reportToCbor(report: SuitReport): CborValue {
  if (!report || typeof report !== "object" || !report.reference?.digest || !Array.isArray(report.records)) {
    throw new RotkitError("INVALID_ARGUMENT", "SUIT report: reference, records and result are required");
  }
  const m = new Map<CborValue, CborValue>();
  // SUIT_Reference = [? manifest-uri, manifest-digest] (the draft's CDDL).
  const ref = report.reference;
  m.set(
    SuitReportKey.reference,
    ref.uri === undefined ? [digestToCbor(ref.digest)] : [ref.uri, digestToCbor(ref.digest)],
  );
  if (report.nonce !== undefined) m.set(SuitReportKey.nonce, report.nonce);
  m.set(
    SuitReportKey.records,
    report.records.map((r) => {
      if (r.kind === "record") return recordToCbor(r);
      const claims = parametersToCbor(r.properties) as Map<CborValue, CborValue>;
      claims.set(SUIT_SYSTEM_COMPONENT_ID, [...r.componentId]);
      return claims;
    }),
  );
  const res = report.result;
  m.set(
    SuitReportKey.result,
    res === true
      ? true
      : new Map<CborValue, CborValue>([
          [SuitReportKey.resultCode, res.code],
          [SuitReportKey.resultRecord, recordToCbor(res.record)],
          [SuitReportKey.resultReason, res.reason],
        ]),
  );
  if (report.capabilityReport !== undefined) m.set(SuitReportKey.capabilityReport, report.capabilityReport);
  return m;
}

/**
 * Encodes a SUIT report in deterministic CBOR.
 *
 * @example
 * ```ts
 * const bytes = encodeSuitReport(result.report); // what the device sends (or signs with signSuitReport)
 * ```
 */
export function encodeSuitReport(report: SuitReport): Uint8Array {
  return encodeCbor(reportToCbor(report));
}
