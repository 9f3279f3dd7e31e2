// Processing SUIT envelopes on a device (draft-ietf-suit-manifest §6, trust-domains, update-management,
// firmware-encryption): re-exports only.
export {
  type MemoryInvocation,
  MemorySuitPlatform,
  type MemorySuitPlatformOptions,
  type MemorySuitPlatformState,
} from "./memory-platform.js";
export type {
  SuitCommitInfo,
  SuitComponentRef,
  SuitComponentWriter,
  SuitFetchRequest,
  SuitIdentity,
  SuitManifestInfo,
  SuitPlatform,
  SuitProcedure,
  SuitWriteOptions,
} from "./platform.js";
export { type ProcessSuitOptions, processSuitEnvelope, type SuitProcessResult } from "./process.js";
export { DEFAULT_SUIT_PROCESS_LIMITS, type SuitDependencyKeys, type SuitProcessLimits } from "./services.js";
export { compareVersion, versionMatches } from "./version.js";
