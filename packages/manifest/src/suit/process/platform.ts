import type { ByteSink, ByteSource, Clock, RandomReader, RotkitError } from "@rotkit/core";
import type { SuitReport } from "../report/types.js";
import type {
  SuitComponentId,
  SuitComponentMetadata,
  SuitCustomCommand,
  SuitDigest,
  SuitVendorId,
  SuitWaitEvent,
} from "../types.js";

// What the SUIT interpreter needs from the device (draft-ietf-suit-manifest §6.4 "abstract machine": components,
// fetch, invoke, the identifiers and properties conditions compare against, and the clock). Every method may return
// a value or a promise. Device-side: no Node APIs, no streams beyond core's ByteSource / ByteSink / RandomReader.

/** A procedure (draft-ietf-suit-manifest §8.4.6, trust-domains §6-7): which command sequences run. */
export type SuitProcedure = "update" | "invoke" | "uninstall";

/** A component as the platform addresses it. */
export interface SuitComponentRef {
  /** The component identifier (§8.4.5.1), with the dependency prefix when the processor was told to prepend it. */
  id: SuitComponentId;
  /** suit-parameter-component-slot, when the manifest set one for this component. */
  slot?: number;
}

/** An authenticated manifest, as the platform's rollback policy and commit see it. */
export interface SuitManifestInfo {
  /** Walk of the dependency tree (draft-ietf-suit-report §3): [] for the root manifest. */
  manifestId: readonly number[];
  /** suit-manifest-sequence-number (§8.4.2). */
  sequenceNumber: bigint;
  /** The SUIT_Digest of the manifest (what its authentication blocks signed). */
  digest: SuitDigest;
  /** suit-manifest-component-id (trust-domains §5.2.1); for a dependency, the id its dependent declares for it. */
  componentId?: SuitComponentId;
  /** suit-reference-uri (§8.4.3). */
  referenceUri?: string;
  /** suit-set-version (update-management). */
  setVersion?: readonly number[];
}

/** The identifiers a component of this device asserts (§8.4.8.3-5); a component may match several. */
export interface SuitIdentity {
  vendorIds?: readonly SuitVendorId[];
  classIds?: readonly Uint8Array[];
  deviceIds?: readonly Uint8Array[];
}

/** What a fetch directive asks for (§8.4.10.4). */
export interface SuitFetchRequest {
  uri: string;
  /** The component being fetched into. */
  component: SuitComponentRef;
  /** True when the component is a dependency manifest (trust-domains): the bytes are an envelope. */
  dependency: boolean;
  /** suit-parameter-fetch-arguments, when set. */
  fetchArguments?: Uint8Array;
  /** The most bytes the interpreter accepts; it refuses (SUIT_COMMAND_FAILED) anything longer. */
  maxSize: number;
}

/** Options of {@link SuitPlatform.create} and {@link SuitPlatform.copy}. */
export interface SuitWriteOptions {
  /** suit-parameter-image-size, when set. */
  size?: number;
  /** suit-parameter-component-metadata (update-management: applied at fetch, copy or write). */
  metadata?: SuitComponentMetadata;
}

/** A write into a component: chunks, then `close` (the content becomes the component's) or `abort`. */
export interface SuitComponentWriter extends ByteSink {
  close(): Promise<void> | void;
  abort?(): Promise<void> | void;
}

/** What {@link SuitPlatform.commit} makes durable. */
export interface SuitCommitInfo {
  procedure: SuitProcedure;
  /** The root manifest. */
  manifest: SuitManifestInfo;
  /** Every dependency manifest that was processed, in processing order. */
  dependencies: SuitManifestInfo[];
}

/**
 * The device as the SUIT interpreter sees it.
 *
 * **Transactional contract.** `processSuitEnvelope` calls `begin` before the first command of a procedure, then
 * storage methods (`create`, `copy`, `swap`, `unlink`) which the platform must stage as candidates (a trial slot, a
 * journal, a shadow copy) while `open` sees the staged content; it calls `commit` exactly once, only when every
 * command sequence of the procedure succeeded, and `abort` otherwise. Nothing may become durable before `commit`,
 * and `commit` is where the platform records the new sequence number (for the update procedure). `invoke` is the
 * one side effect that cannot be staged: it is called when the invoke sequence runs.
 */
export interface SuitPlatform {
  /** The trusted clock (condition use-before). */
  readonly clock: Clock;

  /**
   * The rollback check (§6.1, §8.4.2) for each authenticated manifest (the root first, each dependency when it is
   * processed): throw a RotkitError to refuse it (`ROLLBACK_REFUSED` when the sequence number is not above the
   * stored one, ...). The interpreter reports that error's code. Wire `@rotkit/rollback` here.
   */
  checkManifest(manifest: SuitManifestInfo, procedure: SuitProcedure): Promise<void> | void;

  /** The identifiers the component asserts, for the vendor, class and device identifier conditions. */
  identity(component: SuitComponentRef): Promise<SuitIdentity> | SuitIdentity;

  /** The component's current content (staged content included), or undefined when it holds nothing. */
  open(component: SuitComponentRef): Promise<RandomReader | undefined> | RandomReader | undefined;
  /** Starts replacing the component's content (staged until commit). */
  create(component: SuitComponentRef, options: SuitWriteOptions): Promise<SuitComponentWriter> | SuitComponentWriter;

  /** Fetches a payload or dependency envelope by URI (§8.4.10.4). Absent: fetch of a non-integrated URI fails. */
  fetch?(request: SuitFetchRequest): Promise<ByteSource | Uint8Array> | ByteSource | Uint8Array;
  /**
   * Copies a component into another itself (flash-to-flash, or a loader that decompresses into RAM). Absent: the
   * interpreter reads the source and writes the destination. Not used when the copy decrypts.
   */
  copy?(source: SuitComponentRef, destination: SuitComponentRef, options: SuitWriteOptions): Promise<void> | void;
  /** Exchanges the contents of two components (§8.4.10.9), staged like every write. */
  swap?(a: SuitComponentRef, b: SuitComponentRef): Promise<void> | void;
  /** Drops one reference to the component (trust-domains §6 unlink); the platform counts references. */
  unlink?(component: SuitComponentRef): Promise<void> | void;
  /** Transfers execution to the component (§8.4.10.8) with suit-parameter-invoke-args. */
  invoke?(component: SuitComponentRef, args: Uint8Array | undefined): Promise<void> | void;

  /** The slot the component uses (condition component-slot, §8.4.9.5). */
  slot?(component: SuitComponentRef): Promise<number | undefined> | number | undefined;
  /** The component's current version as a SUIT version list (update-management condition version). */
  componentVersion?(
    component: SuitComponentRef,
  ): Promise<readonly number[] | undefined> | readonly number[] | undefined;
  /** Remaining battery in mWh (update-management condition minimum-battery). */
  batteryLevel?(): Promise<number> | number;
  /** Asks the application whether the update may proceed (update-management condition update-authorized). */
  authorizeUpdate?(priority: number, component: SuitComponentRef): Promise<boolean> | boolean;
  /** Blocks until the event happens, or throws (update-management directive wait). */
  wait?(event: SuitWaitEvent, component: SuitComponentRef): Promise<void> | void;
  /** Runs a custom (negative) command; throw a RotkitError to fail it. Absent: custom commands are SUIT_UNSUPPORTED. */
  custom?(command: SuitCustomCommand, component: SuitComponentRef): Promise<void> | void;
  /**
   * The digest of the component's first `size` bytes (all of it without `size`), e.g. from a hash engine reading
   * flash. Absent: the interpreter reads the component and hashes it with the CryptoProvider.
   */
  digest?(component: SuitComponentRef, algorithm: number, size: number | undefined): Promise<Uint8Array> | Uint8Array;
  /** Whether the device has (and the manifest may use) this component (§6.2); false: SUIT_UNSUPPORTED. */
  supportsComponent?(id: SuitComponentId, manifest: SuitManifestInfo): Promise<boolean> | boolean;

  /** Starts a procedure's transaction. */
  begin?(procedure: SuitProcedure, manifest: SuitManifestInfo): Promise<void> | void;
  /** Makes the procedure's staged changes durable, atomically, and records the manifest (sequence number). */
  commit(info: SuitCommitInfo): Promise<void> | void;
  /** Discards the staged changes of a failed procedure. */
  abort?(info: SuitCommitInfo, error: RotkitError): Promise<void> | void;
  /** Receives the report of every processing attempt (success or failure). */
  report?(report: SuitReport, bytes: Uint8Array): Promise<void> | void;
}
