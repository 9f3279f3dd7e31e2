// Public API of @rotkit/rollback: re-exports only (DESIGN.md "One job per file"). The file-backed store is in
// @rotkit/rollback/node.
export { type Candidate, type NormalizedCandidate, normalizeCandidate } from "./candidate.js";
export { checkAdvance, type MonotonicCounter, memoryCounter } from "./counter.js";
export { type CounterEntry, type CounterMap, decodeCounters, encodeCounters, MAX_COUNTERS } from "./counter-codec.js";
export {
  type CounterStore,
  openCounterStore,
  openFlashCounter,
  openFlashCounterStore,
} from "./counter-store.js";
export { crc32 } from "./crc32.js";
export { FlashJournal, type FlashJournalOptions } from "./flash-journal.js";
export {
  type BelowMinimum,
  checkFleetMinimum,
  devicesBelowMinimum,
  type FleetDevice,
  type FleetMinimums,
  fleetMinimum,
} from "./fleet.js";
export { checkFreshness, type FreshnessOptions, trustedNow } from "./freeze.js";
export { AntiRollbackGuard, type GuardOptions } from "./guard.js";
export { MemoryFlash, type MemoryFlashOptions, type PowerCut } from "./memory-flash.js";
export {
  applyAbandon,
  applyConfirm,
  applyInstall,
  applyProvision,
  type Decision,
  evaluateCandidate,
  type PolicyOptions,
  type ProvisionedImage,
} from "./policy.js";
export {
  decodeRecord,
  encodeRecord,
  type JournalRecord,
  MAX_RECORD_PAYLOAD,
  MAX_RECORD_SEQUENCE,
  parseRecord,
  RECORD_HEADER_LENGTH,
  RECORD_MAGIC,
  RECORD_OVERHEAD,
  recordHeaderPayloadLength,
  recordLength,
} from "./record.js";
export { MemoryRecordStore, type RecordStore } from "./record-store.js";
export {
  type ComponentState,
  cloneTrustedState,
  type DecisionKind,
  emptyTrustedState,
  type PendingInstall,
  type TrustedState,
  type UsedTicket,
} from "./state.js";
export { decodeTrustedState, encodeTrustedState, MAX_STATE_ENTRIES } from "./state-codec.js";
export {
  createDowngradeTicket,
  type DowngradeTicketBody,
  decodeDowngradeTicketUnverified,
  downgradeTicketToBeSigned,
  encodeDowngradeTicketBody,
  isVerifiedDowngradeTicket,
  MAX_TICKET_LENGTH,
  type TicketKey,
  type UnverifiedDowngradeTicket,
  type VerifiedDowngradeTicket,
  verifyDowngradeTicket,
} from "./ticket.js";
export {
  type ComponentId,
  componentIdBytes,
  counterValue,
  MAX_COMPONENT_ID_LENGTH,
  MAX_COUNTER_VALUE,
  MAX_DIGEST_LENGTH,
  MAX_TICKET_ID_LENGTH,
  MIN_TICKET_ID_LENGTH,
} from "./values.js";
