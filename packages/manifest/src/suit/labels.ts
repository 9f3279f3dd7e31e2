// The integer labels of SUIT (draft-ietf-suit-manifest App. A and §11 IANA, plus the extension drafts:
// draft-ietf-suit-trust-domains, draft-ietf-suit-update-management, draft-ietf-suit-firmware-encryption).

/** CBOR tag of a SUIT_Envelope (draft-ietf-suit-manifest §8.2, App. A `SUIT_Envelope_Tagged`). */
export const SUIT_ENVELOPE_TAG = 107;
/** CBOR tag of a standalone SUIT_Manifest (App. A `SUIT_Manifest_Tagged`). */
export const SUIT_MANIFEST_TAG = 1070;

/** SUIT_Envelope member keys (§8.2; trust-domains adds 1 and 15/18; update-management adds 14). */
export const SuitEnvelopeKey = {
  delegation: 1,
  authenticationWrapper: 2,
  manifest: 3,
  coswid: 14,
  dependencyResolution: 15,
  payloadFetch: 16,
  candidateVerification: 18,
  install: 20,
  text: 23,
} as const;

/** SUIT_Manifest member keys (§8.4; trust-domains 5, 15, 18, 24; update-management 6, 14). */
export const SuitManifestKey = {
  version: 1,
  sequenceNumber: 2,
  common: 3,
  referenceUri: 4,
  manifestComponentId: 5,
  setVersion: 6,
  validate: 7,
  load: 8,
  invoke: 9,
  coswid: 14,
  dependencyResolution: 15,
  payloadFetch: 16,
  candidateVerification: 18,
  install: 20,
  text: 23,
  uninstall: 24,
} as const;

/** SUIT_Common member keys (§8.4.5; trust-domains adds 1 dependencies). */
export const SuitCommonKey = { dependencies: 1, components: 2, sharedSequence: 4 } as const;

/** SUIT_Dependency_Metadata keys (trust-domains §5.2.2). */
export const SuitDependencyKey = { prefix: 1 } as const;

/** Conditions (§8.4.9 and the extension drafts): name → command code. */
export const SuitConditionCode = {
  "vendor-identifier": 1,
  "class-identifier": 2,
  "image-match": 3,
  "use-before": 4,
  "component-slot": 5,
  "check-content": 6,
  "dependency-integrity": 7,
  "is-dependency": 8,
  abort: 14,
  "device-identifier": 24,
  "image-not-match": 25,
  "minimum-battery": 26,
  "update-authorized": 27,
  version: 28,
} as const;

/** Directives (§8.4.10 and the extension drafts): name → command code. */
export const SuitDirectiveCode = {
  "process-dependency": 11,
  "set-component-index": 12,
  "try-each": 15,
  write: 18,
  "set-parameters": 19,
  "override-parameters": 20,
  fetch: 21,
  copy: 22,
  invoke: 23,
  wait: 29,
  swap: 31,
  "run-sequence": 32,
  unlink: 33,
  "override-multiple": 34,
  "copy-params": 35,
} as const;

/** Parameters (§8.4.8 and the extension drafts): name → parameter key. Custom parameters are negative. */
export const SuitParameterKey = {
  vendorIdentifier: 1,
  classIdentifier: 2,
  imageDigest: 3,
  useBefore: 4,
  componentSlot: 5,
  strictOrder: 12,
  softFailure: 13,
  imageSize: 14,
  content: 18,
  encryptionInfo: 19,
  uri: 21,
  sourceComponent: 22,
  invokeArgs: 23,
  deviceIdentifier: 24,
  fetchArguments: 25,
  minimumBattery: 26,
  updatePriority: 27,
  version: 28,
  waitInfo: 29,
  componentMetadata: 30,
} as const;

/** SUIT_Text_Keys (§8.4.4): manifest-level text. */
export const SuitTextKey = {
  manifestDescription: 1,
  updateDescription: 2,
  manifestJsonSource: 3,
  manifestYamlSource: 4,
} as const;

/** SUIT_Text_Component_Keys (§8.4.4; update-management adds 7 and 8). */
export const SuitTextComponentKey = {
  vendorName: 1,
  modelName: 2,
  vendorDomain: 3,
  modelInfo: 4,
  componentDescription: 5,
  componentVersion: 6,
  versionRequired: 7,
  currentVersion: 8,
} as const;

/** SUIT_Wait_Events keys (update-management). */
export const SuitWaitEventKey = {
  authorization: 1,
  power: 2,
  network: 3,
  otherDeviceVersion: 4,
  time: 5,
  timeOfDay: 6,
  dayOfWeek: 7,
  timeOfDayUtc: 8,
  dayOfWeekUtc: 9,
} as const;

/** SUIT_Component_Metadata keys (update-management). */
export const SuitComponentMetadataKey = {
  defaultPermissions: 1,
  userPermissions: 2,
  groupPermissions: 3,
  rolePermissions: 4,
  fileType: 5,
  modificationTime: 6,
  creationTime: 7,
  creator: 8,
} as const;

/** Reporting-policy bits (§8.4.7). */
export const SuitReportingBit = {
  recordOnSuccess: 1,
  recordOnFailure: 2,
  sysinfoSuccess: 4,
  sysinfoFailure: 8,
} as const;

/** SUIT_Digest algorithms (§8.4.2.3 / App. A `suit-cose-hash-algs`): SHA-256 is required, the rest optional. */
export const SuitDigestAlg = {
  sha256: -16,
  shake128: -18,
  sha384: -43,
  sha512: -44,
  shake256: -45,
} as const;

/** Version comparison types (update-management `SUIT_Condition_Version_Comparison_Types`). */
export const SuitVersionComparison = {
  greater: 1,
  greaterEqual: 2,
  equal: 3,
  lesserEqual: 4,
  lesser: 5,
} as const;
