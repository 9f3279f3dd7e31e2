import type { CborValue } from "@rotkit/core";
import type { SuitConditionCode, SuitDirectiveCode } from "./labels.js";

// The typed model of a SUIT envelope (draft-ietf-suit-manifest §8, App. A CDDL) with the members of the
// extension drafts rotkit implements: trust-domains (dependencies, dependency-resolution, candidate-verification,
// uninstall, manifest-component-id, process-dependency, set-parameters, unlink, integrated dependencies),
// update-management (set-version, coswid, use-before / image-not-match / minimum-battery / update-authorized /
// version conditions, wait, override-multiple, copy-params, their parameters) and firmware-encryption
// (encryption-info). Decoders produce it; the builder and encoder consume it; the interpreter executes it.

/** A SUIT_Component_Identifier (§8.4.5.1): a list of byte strings, e.g. `[h'00']` or `['usr', 'bin', 'env']`. */
export type SuitComponentId = Uint8Array[];

/** A SUIT_Digest (§8.4.2.3): `[algorithm-id, digest-bytes]`; algorithm-id is a COSE hash algorithm (-16 SHA-256). */
export interface SuitDigest {
  algorithm: number;
  bytes: Uint8Array;
}

/** A SUIT_Rep_Policy (§8.4.7): a bit field, see `SuitReportingBit`. */
export type SuitReportingPolicy = number;

/** The argument of set-component-index (§8.4.10.1): one index, `true` (all components) or a list. */
export type SuitIndexArg = number | true | number[];

/** A command sequence (§8.4.6): the decoded `cmd, arg` pairs in order. */
export type SuitCommandSequence = SuitCommand[];

/** Names of the conditions (§8.4.9 and extensions). */
export type SuitConditionName = keyof typeof SuitConditionCode;
/** Names of the directives that take a reporting policy as their argument. */
export type SuitPolicyDirectiveName =
  | "process-dependency"
  | "write"
  | "fetch"
  | "copy"
  | "invoke"
  | "wait"
  | "swap"
  | "unlink";
/** Names of every directive. */
export type SuitDirectiveName = keyof typeof SuitDirectiveCode;

/** A condition: a test without side effects; its argument is a reporting policy (§8.4.9). */
export interface SuitConditionCommand {
  kind: "condition";
  name: SuitConditionName;
  code: number;
  policy: SuitReportingPolicy;
}

/** A directive whose argument is a reporting policy: write, fetch, copy, invoke, swap, wait, process-dependency, unlink. */
export interface SuitPolicyDirective {
  kind: "directive";
  name: SuitPolicyDirectiveName;
  code: number;
  policy: SuitReportingPolicy;
}

/** suit-directive-set-component-index (§8.4.10.1). */
export interface SuitSetComponentIndex {
  kind: "directive";
  name: "set-component-index";
  code: 12;
  index: SuitIndexArg;
}

/**
 * suit-directive-try-each (§8.4.10.2): two or more sequences tried in order until one succeeds. `allowNone`
 * is the optional trailing nil: when every sequence fails, try-each still succeeds.
 */
export interface SuitTryEach {
  kind: "directive";
  name: "try-each";
  code: 15;
  sequences: SuitCommandSequence[];
  allowNone: boolean;
}

/** suit-directive-run-sequence (§8.4.10.7): runs a nested sequence for each selected component. */
export interface SuitRunSequence {
  kind: "directive";
  name: "run-sequence";
  code: 32;
  sequence: SuitCommandSequence;
}

/**
 * suit-directive-override-parameters (§8.4.10.3, always sets) and suit-directive-set-parameters
 * (trust-domains §5.4.1, sets only parameters not already set).
 */
export interface SuitParametersDirective {
  kind: "directive";
  name: "override-parameters" | "set-parameters";
  code: 19 | 20;
  parameters: SuitParameters;
}

/** suit-directive-override-multiple (update-management): component index → parameters to override. */
export interface SuitOverrideMultiple {
  kind: "directive";
  name: "override-multiple";
  code: 34;
  parameters: Map<number, SuitParameters>;
}

/** suit-directive-copy-params (update-management): source component index → parameter keys copied to the current component(s). */
export interface SuitCopyParams {
  kind: "directive";
  name: "copy-params";
  code: 35;
  sources: Map<number, number[]>;
}

/** A custom command (negative code, App. A `SUIT_Command_Custom`): argument bstr / tstr / int / nil, kept verbatim. */
export interface SuitCustomCommand {
  kind: "custom";
  name: "custom";
  code: number;
  argument: Uint8Array | string | number | bigint | null;
}

/** Every command a sequence can hold. Discriminate on `name`. */
export type SuitCommand =
  | SuitConditionCommand
  | SuitPolicyDirective
  | SuitSetComponentIndex
  | SuitTryEach
  | SuitRunSequence
  | SuitParametersDirective
  | SuitOverrideMultiple
  | SuitCopyParams
  | SuitCustomCommand;

/** A vendor identifier (§8.4.8.3): an RFC 9562 UUID (16 bytes) or a Private Enterprise Number (`#6.112(bstr)`). */
export type SuitVendorId = Uint8Array | { pen: Uint8Array };

/** SUIT_Parameter_Version_Match (update-management): comparison type 1..5 (see `SuitVersionComparison`) and version. */
export interface SuitVersionMatch {
  comparison: number;
  version: number[];
}

/** SUIT_Wait_Event (update-management): when the recipient may proceed. */
export interface SuitWaitEvent {
  authorization?: number;
  power?: number;
  network?: number;
  otherDeviceVersion?: { device: Uint8Array; versions: SuitVersionMatch[] };
  time?: number;
  timeOfDay?: number;
  dayOfWeek?: number;
  timeOfDayUtc?: number;
  dayOfWeekUtc?: number;
}

/** SUIT_meta_actor_id (update-management): tagged UUID (#6.37), bstr, tstr or int. */
export type SuitActorId = { uuid: Uint8Array } | Uint8Array | string | number;

/** SUIT_Component_Metadata (update-management §parameter-component-metadata). */
export interface SuitComponentMetadata {
  defaultPermissions?: number;
  userPermissions?: Map<SuitActorId, number>;
  groupPermissions?: Map<SuitActorId, number>;
  rolePermissions?: Map<SuitActorId, number>;
  /** 1 regular, 2 directory, 3 symlink. */
  fileType?: number;
  /** Seconds since the epoch (`#6.1(uint)`). */
  modificationTime?: number;
  creationTime?: number;
  creator?: SuitActorId;
}

/**
 * SUIT parameters (§8.4.8 and extensions). Absent members are not set. Values that are bstr-wrapped CBOR on the
 * wire are decoded (imageDigest, version, waitInfo, componentMetadata), except `encryptionInfo`, which keeps the
 * exact bytes of the COSE_Encrypt (it is handed to `decryptSuitPayload` as is).
 */
export interface SuitParameters {
  vendorIdentifier?: SuitVendorId;
  classIdentifier?: Uint8Array;
  imageDigest?: SuitDigest;
  /** Seconds since the epoch. */
  useBefore?: number;
  componentSlot?: number;
  strictOrder?: boolean;
  softFailure?: boolean;
  imageSize?: number;
  content?: Uint8Array;
  /** bstr .cbor SUIT_Encryption_Info: the tag-96 COSE_Encrypt, exactly as carried. */
  encryptionInfo?: Uint8Array;
  uri?: string;
  sourceComponent?: number;
  invokeArgs?: Uint8Array;
  deviceIdentifier?: Uint8Array;
  fetchArguments?: Uint8Array;
  minimumBattery?: number;
  updatePriority?: number;
  version?: SuitVersionMatch;
  waitInfo?: SuitWaitEvent;
  componentMetadata?: SuitComponentMetadata;
  /** Custom parameters (negative keys): int / bool / tstr / bstr. */
  custom?: Map<number, number | bigint | boolean | string | Uint8Array>;
}

/** SUIT_Dependency_Metadata (trust-domains §5.2.2). */
export interface SuitDependencyMetadata {
  prefix?: SuitComponentId;
}

/** SUIT_Common (§8.4.5). */
export interface SuitCommon {
  /** Component index → dependency metadata (trust-domains). */
  dependencies?: Map<number, SuitDependencyMetadata>;
  components?: SuitComponentId[];
  sharedSequence?: SuitCommandSequence;
}

/** Text of one component in a SUIT_Text_LMap: key (1..8, negative = application-specific) → text. */
export interface SuitComponentText {
  component: SuitComponentId;
  text: Map<number, string>;
}

/** SUIT_Text_LMap (§8.4.4): manifest-level text (keys 1..4, negative custom) and per-component text. */
export interface SuitTextLanguage {
  manifest: Map<number, string>;
  components: SuitComponentText[];
}

/** SUIT_Text_Map (§8.4.4): language tag (e.g. "en") → text. */
export type SuitTextMap = Map<string, SuitTextLanguage>;

/**
 * A severable member (§8.4 "SUIT_Severable_Members_Choice", §8.5): carried in the manifest as the value itself,
 * or as the SUIT_Digest of the member that travels in the envelope (or was removed).
 * - `digest` absent: the value is inside the manifest (covered by the manifest digest).
 * - `digest` present and `value` present: the value came from the envelope; `verifySuitEnvelope` checked it
 *   against the digest (decodeSuitEnvelopeUnverified did not).
 * - `digest` present and `value` absent: severed and not in the envelope.
 */
export interface SuitSeverable<T> {
  digest?: SuitDigest;
  value?: T;
}

/** SUIT_Manifest (§8.4). */
export interface SuitManifest {
  /** suit-manifest-version: always 1 (§8.4.1). */
  version: 1;
  /** Anti-rollback counter (§8.4.2); a uint that may exceed 2^53. */
  sequenceNumber: bigint;
  common: SuitCommon;
  referenceUri?: string;
  /** trust-domains §5.2.1. */
  manifestComponentId?: SuitComponentId;
  /** update-management suit-set-version (`[+int]`). */
  setVersion?: number[];
  validate?: SuitCommandSequence;
  load?: SuitCommandSequence;
  invoke?: SuitCommandSequence;
  /** trust-domains §6: unseverable. */
  uninstall?: SuitCommandSequence;
  payloadFetch?: SuitSeverable<SuitCommandSequence>;
  install?: SuitSeverable<SuitCommandSequence>;
  text?: SuitSeverable<SuitTextMap>;
  /** trust-domains §5.5. */
  dependencyResolution?: SuitSeverable<SuitCommandSequence>;
  /** trust-domains. */
  candidateVerification?: SuitSeverable<SuitCommandSequence>;
  /** update-management: a concise-swid-tag, kept as its exact CBOR bytes. */
  coswid?: SuitSeverable<Uint8Array>;
  /** Application-specific members (negative keys), kept as decoded CBOR. */
  extensions?: Map<number, CborValue>;
}

/** The COSE structures allowed in the authentication wrapper (§8.3). */
export type SuitAuthenticationBlockKind = "COSE_Sign1" | "COSE_Sign" | "COSE_Mac0" | "COSE_Mac";

/** One SUIT_Authentication_Block: the tagged COSE message, exactly as carried (it is verified from these bytes). */
export interface SuitAuthenticationBlock {
  kind: SuitAuthenticationBlockKind;
  bytes: Uint8Array;
}

/** SUIT_Authentication (§8.3). */
export interface SuitAuthentication {
  /** The SUIT_Digest of the bstr-wrapped manifest. */
  digest: SuitDigest;
  blocks: SuitAuthenticationBlock[];
}

/**
 * One member of an envelope exactly as received: its key and the encoded bstr (head + content). Digests are
 * computed over `wrapped` (§8.3: the bstr-wrapped manifest; §8.5 severable members); `encodeSuitEnvelope` reuses
 * these bytes so a decoded envelope re-encodes byte for byte.
 */
export interface SuitEnvelopeMember {
  key: number | string;
  wrapped: Uint8Array;
}

/** A decoded SUIT_Envelope (§8.2). */
export interface SuitEnvelope {
  /** Whether the envelope carried tag 107 (TEEP envelopes do not). */
  tagged: boolean;
  authentication: SuitAuthentication;
  manifest: SuitManifest;
  /**
   * trust-domains delegation chains (envelope key 1): lists of CWTs (each kept as its bytes). rotkit decodes
   * them but does not evaluate them: verification keys are the caller's.
   */
  delegation?: Uint8Array[][];
  /** Integrated payloads (§7.6): text key (e.g. "#tc") → payload bytes. */
  integratedPayloads: Map<string, Uint8Array>;
  /** Integrated dependencies (trust-domains §7.1.1): text key (the dependency's URI) → its envelope. */
  integratedDependencies: Map<string, SuitEnvelope>;
  /**
   * Members as received (present after decoding; absent on a built envelope): views of the input of
   * `decodeSuitEnvelopeUnverified`, of the verified private copy (`bytes`) after `verifySuitEnvelope`.
   */
  members?: SuitEnvelopeMember[];
}

/** How an authentication block was checked by `verifySuitEnvelope`. */
export interface SuitSignerResult {
  index: number;
  kind: SuitAuthenticationBlockKind;
  /** COSE algorithm id of the block (or of the verified signer/recipient layer). */
  alg: number;
  kid?: Uint8Array;
  verified: boolean;
}

/** A SUIT envelope whose manifest digest, authentication blocks, severable members and dependencies were checked. */
export interface VerifiedSuitEnvelope extends SuitEnvelope {
  /** The blocks that verified (at least one; all of them under the "all" policy). */
  signers: SuitSignerResult[];
  /** The verified integrated dependencies, by key. */
  integratedDependencies: Map<string, VerifiedSuitEnvelope>;
  /** The envelope's bytes as verified. */
  bytes: Uint8Array;
}
