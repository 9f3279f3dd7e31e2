import type { CborValue } from "@rotkit/core";
import type { SuitComponentId, SuitDigest, SuitParameters } from "../types.js";

// The SUIT report (draft-ietf-suit-report): what a manifest processor did and why it stopped, for a developer or
// verifier who holds the manifest. Labels from the draft's CDDL (draft-ietf-suit-report.cddl).

/** SUIT_Report keys (draft-ietf-suit-report §"SUIT Report Elements"). */
export const SuitReportKey = {
  nonce: 2,
  records: 3,
  result: 4,
  resultCode: 5,
  resultRecord: 6,
  resultReason: 7,
  capabilityReport: 8,
  reference: 99,
} as const;

/** system-property-claims: the key of the component identifier. */
export const SUIT_SYSTEM_COMPONENT_ID = 0;

/** SUIT_Report_Reasons (draft-ietf-suit-report §"SUIT Report Reasons"). */
export const SuitReportReason = {
  ok: 0,
  cborParse: 1,
  coseUnsupported: 2,
  algUnsupported: 3,
  unauthorised: 4,
  commandUnsupported: 5,
  componentUnsupported: 6,
  componentUnauthorised: 7,
  parameterUnsupported: 8,
  severingUnsupported: 9,
  conditionFailed: 10,
  operationFailed: 11,
  invokePending: 12,
} as const;

/**
 * The suit-report-result-code rotkit writes for each RotkitError code. The draft leaves this code
 * implementation-defined ("for debugging, not intended for interoperability"); this table is rotkit's, stable
 * across versions. Codes not listed are reported as -1.
 */
export const SuitReportResultCode = {
  SUIT_MALFORMED: 1,
  SUIT_UNSUPPORTED: 2,
  SUIT_AUTH_FAILED: 3,
  SUIT_DIGEST_MISMATCH: 4,
  SUIT_CONDITION_FAILED: 5,
  SUIT_IMAGE_MISMATCH: 6,
  SUIT_COMMAND_FAILED: 7,
  SUIT_PARAMETER_MISSING: 8,
  SUIT_DEPENDENCY_FAILED: 9,
  ROLLBACK_REFUSED: 10,
  ROLLBACK_EXPIRED: 11,
  CBOR_LIMIT: 12,
  CBOR_MALFORMED: 13,
  COSE_UNSUPPORTED_ALG: 14,
  COSE_ALG_MISMATCH: 15,
  INVALID_ARGUMENT: 16,
} as const;

/**
 * SUIT_Record: where in the manifest tree a command ran, on which component, and the properties it measured
 * (e.g. the actual digest of an image-match).
 */
export interface SuitRecord {
  kind: "record";
  /** Walk of the dependency tree from the root manifest: [] is the root, [1, 0] the first dependency of the second. */
  manifestId: number[];
  /** The key of the section in the manifest (7 validate, 20 install, ...; 3 for the shared sequence in common). */
  section: number;
  /** Bytes into the section's command sequence at which the command starts. */
  offset: number;
  componentIndex: number;
  /** Measured properties, as SUIT parameters. */
  properties: SuitParameters;
}

/** system-property-claims: measured or asserted properties of one component. */
export interface SuitSystemProperties {
  kind: "system";
  componentId: SuitComponentId;
  properties: SuitParameters;
}

/** How the procedure ended: `true`, or the failure with its code, reason and where it happened. */
export type SuitReportResult =
  | true
  | {
      /** See {@link SuitReportResultCode}. */
      code: number;
      record: SuitRecord;
      /** See {@link SuitReportReason}. */
      reason: number;
    };

/** SUIT_Report (draft-ietf-suit-report §4). */
export interface SuitReport {
  /** SUIT_Reference: the root manifest's reference URI (when it has one) and its SUIT_Digest. */
  reference: { uri?: string; digest: SuitDigest };
  /** Freshness (e.g. the verifier's challenge). */
  nonce?: Uint8Array;
  records: Array<SuitRecord | SuitSystemProperties>;
  result: SuitReportResult;
  /** SUIT_Capability_Report, kept as decoded CBOR (rotkit does not interpret it). */
  capabilityReport?: CborValue;
}
