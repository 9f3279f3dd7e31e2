// SUIT reports (draft-ietf-suit-report): re-exports only.
export { decodeSuitReport } from "./decode.js";
export { encodeSuitReport } from "./encode.js";
export { signSuitReport, type VerifySuitReportOptions, verifySuitReport } from "./sign.js";
export {
  SUIT_SYSTEM_COMPONENT_ID,
  type SuitRecord,
  type SuitReport,
  SuitReportKey,
  SuitReportReason,
  type SuitReportResult,
  SuitReportResultCode,
  type SuitSystemProperties,
} from "./types.js";
