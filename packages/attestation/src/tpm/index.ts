// TPM 2.0 quotes and TCG event logs: re-exports only.
export { bankAlg, type TpmBank } from "./algs.js";
export {
  checkEventLogAgainstPcrs,
  EV_NO_ACTION,
  type EventLogLimits,
  type PcrBanks,
  parseEventLog,
  replayEventLog,
  type TcgEvent,
  type TcgEventLog,
} from "./eventlog.js";
export { parseTpmPcrValues } from "./pcrs.js";
export {
  computePcrDigest,
  type TpmPcrValues,
  type VerifiedTpmQuote,
  type VerifyTpmQuoteOptions,
  verifyTpmQuote,
} from "./quote.js";
export {
  parseTpmPublic,
  parseTpmsAttestQuote,
  parseTpmtSignature,
  TPM_GENERATED_VALUE,
  TPM_ST_ATTEST_QUOTE,
  type TpmAkInput,
  type TpmClockInfo,
  type TpmPcrSelection,
  type TpmsAttestQuote,
  type TpmtPublic,
  type TpmtSignature,
  tpmAkPublicKey,
} from "./structures.js";
