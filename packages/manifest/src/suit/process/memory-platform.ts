import { type Clock, encodeCbor, type RandomReader, RotkitError, systemClock, toHex } from "@rotkit/core";
import type { SuitReport } from "../report/types.js";
import type { SuitComponentId, SuitCustomCommand, SuitWaitEvent } from "../types.js";
import type {
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

// A simulated SuitPlatform: components in memory, a URI → bytes map, recorded invocations, the device's identifiers
// and a per-manifest sequence-number store, with the transactional contract of SuitPlatform (staged writes that
// commit atomically or vanish). For tests, examples and host-side dry runs.

/** Options of {@link MemorySuitPlatform}. */
export interface MemorySuitPlatformOptions {
  /** The identifiers every component asserts, or a function of the component. */
  identity?: SuitIdentity | ((component: SuitComponentRef) => SuitIdentity);
  /** What fetch returns, by URI. */
  resources?: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
  /** Initial component contents. */
  components?: ReadonlyArray<{ id: SuitComponentId; slot?: number; data: Uint8Array }>;
  /** The slot each component reports to condition component-slot. */
  slots?: ReadonlyArray<{ id: SuitComponentId; slot: number }>;
  /** Component versions (condition version). */
  versions?: ReadonlyArray<{ id: SuitComponentId; version: number[] }>;
  /** Stored sequence numbers, by manifest component id (`undefined` id: manifests without one). */
  sequenceNumbers?: ReadonlyArray<{ componentId?: SuitComponentId; sequenceNumber: bigint }>;
  /** Components the device has; others are refused (§6.2). Default: every component. */
  knownComponents?: readonly SuitComponentId[];
  /** Battery level in mWh (condition minimum-battery). Absent: the condition is unsupported. */
  battery?: number;
  /** Answer to condition update-authorized (default: authorized). */
  authorize?: boolean | ((priority: number, component: SuitComponentRef) => boolean);
  /** Copies into these components are transformed (a loader that decompresses into RAM, §8.4.6 load). */
  loaders?: ReadonlyArray<{ id: SuitComponentId; transform: (source: Uint8Array) => Uint8Array }>;
  /** Custom commands (negative codes): handler per code. Absent codes are refused. */
  customCommands?: ReadonlyMap<number, (command: SuitCustomCommand, component: SuitComponentRef) => void>;
  /** The trusted clock. Default the system clock. */
  clock?: Clock;
  /** Largest component stored. Default 16 MiB. */
  maxComponentSize?: number;
}

/** A recorded invocation. */
export interface MemoryInvocation {
  id: SuitComponentId;
  slot?: number;
  args?: Uint8Array;
}

/** The durable state of a MemorySuitPlatform, for before/after comparisons. */
export interface MemorySuitPlatformState {
  components: Map<string, Uint8Array>;
  sequenceNumbers: Map<string, bigint>;
  unlinked: string[];
}

function idKey(id: SuitComponentId): string {
  return toHex(encodeCbor(id));
}

function storageKey(ref: SuitComponentRef): string {
  return ref.slot === undefined ? idKey(ref.id) : `${idKey(ref.id)}#${ref.slot}`;
}

function manifestKey(id: SuitComponentId | undefined): string {
  return id === undefined ? "" : idKey(id);
}

function reader(data: Uint8Array): RandomReader {
  return {
    size: data.length,
    read(offset: number, length: number): Uint8Array {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new RotkitError("INVALID_ARGUMENT", "read outside the component");
      }
      if (offset + length > data.length) throw new RotkitError("INVALID_ARGUMENT", "read outside the component");
      return data.slice(offset, offset + length);
    },
  };
}

function byId<T extends { id: SuitComponentId }>(
  list: ReadonlyArray<T> | undefined,
  id: SuitComponentId,
): T | undefined {
  const k = idKey(id);
  return list?.find((x) => idKey(x.id) === k);
}

/**
 * An in-memory SuitPlatform. Rollback policy: the update procedure needs a sequence number above the stored one for
 * the manifest's component id; invoke and uninstall need one at least equal (ROLLBACK_REFUSED otherwise).
 *
 * @example
 * ```ts
 * const platform = new MemorySuitPlatform({
 *   identity: { vendorIds: [vendorId], classIds: [classId] },
 *   resources: { "http://example.com/file.bin": firmware },
 *   clock: fixedClock(1_700_000_000),
 * });
 * const r = await processSuitEnvelope(envelope, platform, { keys, provider });
 * platform.component([new Uint8Array([0])]); // the installed firmware
 * ```
 */
export class MemorySuitPlatform implements SuitPlatform {
  readonly clock: Clock;
  /** Every invocation, in order. */
  readonly invocations: MemoryInvocation[] = [];
  /** Every fetch request, in order. */
  readonly fetches: SuitFetchRequest[] = [];
  /** Every wait event, in order. */
  readonly waits: SuitWaitEvent[] = [];
  /** Every commit, in order. */
  readonly commits: SuitCommitInfo[] = [];
  /** Every report received. */
  readonly reports: Array<{ report: SuitReport; bytes: Uint8Array }> = [];
  /** Set for the duration of a procedure. */
  transaction: SuitProcedure | undefined;
  copy?: (source: SuitComponentRef, destination: SuitComponentRef, options: SuitWriteOptions) => void;
  batteryLevel?: () => number;

  private committed = new Map<string, Uint8Array>();
  private staged = new Map<string, Uint8Array | null>();
  private sequences = new Map<string, bigint>();
  private unlinked: string[] = [];
  private stagedUnlinks: string[] = [];
  private readonly resources: Map<string, Uint8Array>;

  constructor(private readonly options: MemorySuitPlatformOptions = {}) {
    this.clock = options.clock ?? systemClock();
    const r = options.resources;
    this.resources = new Map(r instanceof Map ? r : Object.entries(r ?? {}));
    for (const c of options.components ?? []) this.committed.set(storageKey(c), c.data.slice());
    for (const s of options.sequenceNumbers ?? []) this.sequences.set(manifestKey(s.componentId), s.sequenceNumber);
    const loaders = options.loaders;
    if (loaders) {
      this.copy = (source, destination) => {
        const data = this.read(source);
        if (!data) throw new RotkitError("INVALID_ARGUMENT", "copy from an empty component");
        const loader = byId(loaders, destination.id);
        this.stage(destination, loader ? loader.transform(data) : data);
      };
    }
    const battery = options.battery;
    if (battery !== undefined) this.batteryLevel = () => battery;
  }

  /** A component's committed content (what survives a reboot), or undefined. */
  component(id: SuitComponentId, slot?: number): Uint8Array | undefined {
    return this.committed.get(storageKey(slot === undefined ? { id } : { id, slot }));
  }

  /** Sets a component's committed content (e.g. the image already installed before a boot). */
  setComponent(id: SuitComponentId, data: Uint8Array, slot?: number): void {
    this.committed.set(storageKey(slot === undefined ? { id } : { id, slot }), data.slice());
  }

  /** The stored sequence number for manifests with this component id (undefined: without one). */
  sequenceNumber(componentId?: SuitComponentId): bigint | undefined {
    return this.sequences.get(manifestKey(componentId));
  }

  /** A copy of the durable state. */
  snapshot(): MemorySuitPlatformState {
    return {
      components: new Map([...this.committed].map(([k, v]) => [k, v.slice()])),
      sequenceNumbers: new Map(this.sequences),
      unlinked: [...this.unlinked],
    };
  }

  checkManifest(manifest: SuitManifestInfo, procedure: SuitProcedure): void {
    const stored = this.sequences.get(manifestKey(manifest.componentId));
    if (stored === undefined) return;
    const ok = procedure === "update" ? manifest.sequenceNumber > stored : manifest.sequenceNumber >= stored;
    if (!ok) {
      throw new RotkitError(
        "ROLLBACK_REFUSED",
        `sequence number ${manifest.sequenceNumber} is not ${procedure === "update" ? "above" : "at least"} the stored ${stored}`,
        { at: "manifest/2" },
      );
    }
  }

  identity(component: SuitComponentRef): SuitIdentity {
    const i = this.options.identity;
    return (typeof i === "function" ? i(component) : i) ?? {};
  }

  private read(ref: SuitComponentRef): Uint8Array | undefined {
    const key = storageKey(ref);
    if (this.staged.has(key)) return this.staged.get(key) ?? undefined;
    return this.committed.get(key);
  }

  private stage(ref: SuitComponentRef, data: Uint8Array): void {
    if (!this.transaction) throw new RotkitError("INVALID_ARGUMENT", "write outside a procedure");
    this.staged.set(storageKey(ref), data);
  }

  open(component: SuitComponentRef): RandomReader | undefined {
    const data = this.read(component);
    return data ? reader(data) : undefined;
  }

  create(component: SuitComponentRef, _options: SuitWriteOptions): SuitComponentWriter {
    const max = this.options.maxComponentSize ?? 16 * 1024 * 1024;
    const chunks: Uint8Array[] = [];
    let size = 0;
    return {
      write: (chunk) => {
        size += chunk.length;
        if (size > max) throw new RotkitError("INVALID_ARGUMENT", `component larger than ${max} bytes`);
        chunks.push(chunk.slice());
      },
      close: () => {
        const data = new Uint8Array(size);
        let off = 0;
        for (const c of chunks) {
          data.set(c, off);
          off += c.length;
        }
        this.stage(component, data);
      },
      abort: () => {
        chunks.length = 0;
      },
    };
  }

  fetch(request: SuitFetchRequest): Uint8Array {
    this.fetches.push(request);
    const data = this.resources.get(request.uri);
    if (!data) throw new RotkitError("INVALID_ARGUMENT", `no resource at ${request.uri}`);
    return data.slice();
  }

  swap(a: SuitComponentRef, b: SuitComponentRef): void {
    const x = this.read(a);
    const y = this.read(b);
    if (!this.transaction) throw new RotkitError("INVALID_ARGUMENT", "swap outside a procedure");
    this.staged.set(storageKey(a), y ?? null);
    this.staged.set(storageKey(b), x ?? null);
  }

  unlink(component: SuitComponentRef): void {
    this.stagedUnlinks.push(storageKey(component));
  }

  invoke(component: SuitComponentRef, args: Uint8Array | undefined): void {
    this.invocations.push({
      id: component.id.map((b) => b.slice()),
      ...(component.slot === undefined ? {} : { slot: component.slot }),
      ...(args ? { args: args.slice() } : {}),
    });
  }

  slot(component: SuitComponentRef): number | undefined {
    return byId(this.options.slots, component.id)?.slot;
  }

  componentVersion(component: SuitComponentRef): number[] | undefined {
    return byId(this.options.versions, component.id)?.version;
  }

  authorizeUpdate(priority: number, component: SuitComponentRef): boolean {
    const a = this.options.authorize ?? true;
    return typeof a === "function" ? a(priority, component) : a;
  }

  wait(event: SuitWaitEvent): void {
    this.waits.push(event);
  }

  custom(command: SuitCustomCommand, component: SuitComponentRef): void {
    const handler = this.options.customCommands?.get(command.code);
    if (!handler) throw new RotkitError("SUIT_UNSUPPORTED", `custom command ${command.code} is not supported`);
    handler(command, component);
  }

  supportsComponent(id: SuitComponentId): boolean {
    const known = this.options.knownComponents;
    return (
      !known ||
      byId(
        known.map((k) => ({ id: k })),
        id,
      ) !== undefined
    );
  }

  begin(procedure: SuitProcedure): void {
    this.transaction = procedure;
    this.staged.clear();
    this.stagedUnlinks = [];
  }

  commit(info: SuitCommitInfo): void {
    for (const [k, v] of this.staged) {
      if (v === null) this.committed.delete(k);
      else this.committed.set(k, v);
    }
    this.unlinked.push(...this.stagedUnlinks);
    if (info.procedure === "update") {
      for (const m of [info.manifest, ...info.dependencies]) {
        this.sequences.set(manifestKey(m.componentId), m.sequenceNumber);
      }
    }
    this.commits.push(info);
    this.staged.clear();
    this.stagedUnlinks = [];
    this.transaction = undefined;
  }

  abort(): void {
    this.staged.clear();
    this.stagedUnlinks = [];
    this.transaction = undefined;
  }

  report(report: SuitReport, bytes: Uint8Array): void {
    this.reports.push({ report, bytes });
  }
}
