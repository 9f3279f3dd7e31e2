import { isRotkitError, RotkitError, toHex } from "@rotkit/core";
import type { SuitRecord } from "../report/types.js";
import type {
  SuitCommand,
  SuitCommandSequence,
  SuitIndexArg,
  SuitParameters,
  SuitTryEach,
  VerifiedSuitEnvelope,
} from "../types.js";
import { evaluateCondition } from "./conditions.js";
import { buildContext, type ComponentEntry, type DependencyState, type ManifestContext } from "./context.js";
import { authenticateDependency } from "./dependency.js";
import {
  copyDirective,
  fetchDirective,
  invokeDirective,
  swapDirective,
  waitDirective,
  writeDirective,
} from "./directives.js";
import { CommandFailure, commandFailed, conditionFailed, platformCall, SequenceAbort } from "./failure.js";
import { LayoutCache } from "./offsets.js";
import { applyParameters, ParameterTable, pickParameters } from "./params.js";
import type { SuitManifestInfo } from "./platform.js";
import type { Recorder } from "./recorder.js";
import { type Section, sectionByKey } from "./sections.js";
import type { CommandCall, Services } from "./services.js";

// The command interpreter (draft-ietf-suit-manifest §6.4-6.5, §8.4.6-8.4.10; trust-domains §5.4; update-management):
// runs command sequences over the component table, with set-component-index (integer, true, array), try-each,
// run-sequence, soft-failure, set / override parameters and every condition and directive.

/** The key of suit-common: records of the shared sequence name it as their section. */
const SHARED_SECTION = 3;

/** One executing command sequence. */
interface Frame {
  ctx: ManifestContext;
  seq: SuitCommandSequence;
  section: number;
  /** Offset of the sequence's first byte in its section (computed only when a record needs it). */
  base: () => number;
  path: string;
  /** suit-parameter-soft-failure for this sequence (§8.4.8.14: scoped to the enclosing sequence). */
  soft: boolean;
  /** Inside try-each or run-sequence (where soft-failure may be set). */
  nested: boolean;
  /** The components the next command applies to (§6.5). */
  selection: number[];
  /** The selection is `true` (every component): process-dependency then applies to the dependencies only. */
  all: boolean;
}

function policyOf(cmd: SuitCommand): number {
  return "policy" in cmd ? cmd.policy : 0;
}

/** Executes the sequences of one processing run. */
export class Interpreter {
  readonly params = new ParameterTable();
  private readonly layouts = new LayoutCache();
  private commands = 0;
  /** suit-parameter-strict-order (§8.4.8.13): a processor parameter, true by default. */
  private strictOrder = true;
  /** The dependency manifests processed in this run, in order. */
  readonly dependencies: SuitManifestInfo[] = [];
  private readonly checkedDependencies = new Set<string>();

  constructor(
    readonly svc: Services,
    readonly recorder: Recorder,
  ) {}

  /** §6.1: parameters are cleared before a procedure's sections run. */
  reset(): void {
    this.params.clear();
    this.strictOrder = true;
  }

  /** Runs one section of a manifest, preceded by its shared sequence (§8.4.5). Throws SequenceAbort. */
  async runSection(ctx: ManifestContext, section: Section): Promise<void> {
    ctx.section = section.key;
    const shared = ctx.manifest.common.sharedSequence;
    if (shared) await this.runTop(ctx, shared, SHARED_SECTION, "shared");
    await this.runTop(ctx, section.sequence, section.key, section.name);
  }

  private async runTop(ctx: ManifestContext, seq: SuitCommandSequence, section: number, name: string): Promise<void> {
    const frame: Frame = {
      ctx,
      seq,
      section,
      base: () => 0,
      path: `${ctx.label}${name}`,
      soft: false,
      nested: false,
      selection: ctx.components.has(0) ? [0] : [],
      all: false,
    };
    // §6.2: "If the manifest contains more than one component, each command sequence MUST begin with a Set
    // Component Index" (trust-domains §5.1: components and dependencies; update-management: override-multiple is
    // "an encoding alias for set-component-index and override-parameters").
    const first = seq[0]?.name;
    if (ctx.all.length > 1 && first !== undefined && first !== "set-component-index" && first !== "override-multiple") {
      this.abort(
        frame,
        0,
        0,
        new RotkitError(
          "SUIT_MALFORMED",
          `${name}: with several components a sequence must begin with set-component-index`,
          { at: `${frame.path}[0]` },
        ),
        false,
      );
    }
    await this.runSequence(frame);
  }

  /** A SequenceAbort for command `i` of `frame`, recorded as the failure point. */
  private abort(
    frame: Frame,
    i: number,
    index: number,
    error: RotkitError,
    soft: boolean,
    props: SuitParameters = {},
  ): never {
    throw new SequenceAbort(error, soft, this.record(frame, i, index, props));
  }

  private record(frame: Frame, i: number, index: number, properties: SuitParameters): SuitRecord {
    const offset = frame.base() + (this.layouts.get(frame.seq).commands[i] ?? 0);
    return {
      kind: "record",
      manifestId: [...frame.ctx.info.manifestId],
      section: frame.section,
      offset,
      componentIndex: index,
      properties,
    };
  }

  private tick(frame: Frame, i: number, index: number): void {
    if (++this.commands > this.svc.limits.maxCommands) {
      const at = `${frame.path}[${i}]`;
      this.abort(
        frame,
        i,
        index,
        new RotkitError("SUIT_UNSUPPORTED", `more than ${this.svc.limits.maxCommands} commands executed`, { at }),
        false,
      );
    }
  }

  private entry(frame: Frame, i: number, index: number): ComponentEntry {
    const e = frame.ctx.components.get(index);
    if (!e) {
      const at = `${frame.path}[${i}]`;
      this.abort(
        frame,
        i,
        index,
        new RotkitError("SUIT_MALFORMED", `component index ${index} is not declared by the manifest`, { at }),
        false,
      );
    }
    return e;
  }

  /** §8.4.10.1 / §6.5: integer, `true` (every component and dependency) or a list. */
  private select(frame: Frame, i: number, arg: SuitIndexArg): number[] {
    const list = arg === true ? frame.ctx.all : typeof arg === "number" ? [arg] : arg;
    for (const index of list) this.entry(frame, i, index);
    return [...list];
  }

  /** Runs a sequence; "soft" when a condition failed and soft-failure absorbed it (the rest is skipped). */
  private async runSequence(frame: Frame): Promise<"ok" | "soft"> {
    const seq = frame.seq;
    for (let i = 0; i < seq.length; i++) {
      const cmd = seq[i] as SuitCommand;
      const here = frame.selection[0] ?? 0;
      if (cmd.name === "set-component-index") {
        this.tick(frame, i, here);
        frame.selection = this.select(frame, i, cmd.index);
        frame.all = cmd.index === true;
        continue;
      }
      if (cmd.name === "override-multiple") {
        // update-management: an alias of set-component-index + override-parameters per entry; the index ends at
        // the last component listed.
        this.tick(frame, i, here);
        let last = here;
        for (const [index, p] of cmd.parameters) {
          const e = this.entry(frame, i, index);
          this.setParameters(frame, i, index, e, p, true);
          last = index;
        }
        frame.selection = [last];
        frame.all = false;
        continue;
      }
      for (const index of frame.selection) {
        // trust-domains §5.4.2: "If the current Component is True, then this Directive applies to all Dependencies."
        if (frame.all && cmd.name === "process-dependency" && !frame.ctx.components.get(index)?.dependency) continue;
        this.tick(frame, i, index);
        if ((await this.step(cmd, frame, i, index)) === "soft") return "soft";
      }
    }
    return "ok";
  }

  /** One command on one component, with its reporting. */
  private async step(cmd: SuitCommand, frame: Frame, i: number, index: number): Promise<"ok" | "soft"> {
    const entry = this.entry(frame, i, index);
    const params = this.params.get(entry.key);
    const ref = params.componentSlot === undefined ? { id: entry.id } : { id: entry.id, slot: params.componentSlot };
    const call: CommandCall = { at: `${frame.path}[${i}]`, index, entry, ref, params, ctx: frame.ctx };
    const policy = policyOf(cmd);
    try {
      const props = await this.execute(cmd, frame, i, call);
      this.recorder.outcome(policy, true, () => this.record(frame, i, index, props), entry.id, props);
      return "ok";
    } catch (e) {
      if (e instanceof SequenceAbort) {
        if (e.soft && frame.soft) return "soft";
        throw e;
      }
      if (!(e instanceof CommandFailure) && !isRotkitError(e)) throw e;
      const f = e instanceof CommandFailure ? e : new CommandFailure(e, false);
      const record = this.record(frame, i, index, f.properties);
      this.recorder.outcome(policy, false, () => record, entry.id, f.properties);
      if (f.condition && frame.soft) return "soft";
      throw new SequenceAbort(f.error, f.condition, record);
    }
  }

  private async execute(cmd: SuitCommand, frame: Frame, i: number, call: CommandCall): Promise<SuitParameters> {
    const svc = this.svc;
    if (cmd.kind === "condition") return evaluateCondition(svc, cmd.name, call);
    if (cmd.kind === "custom") {
      const custom = svc.platform.custom;
      if (!custom) commandFailed("SUIT_UNSUPPORTED", call.at, `custom command ${cmd.code} is not supported`);
      await platformCall(
        call.at,
        `custom command ${cmd.code}`,
        () => custom.call(svc.platform, cmd, call.ref),
        (code) => code === "SUIT_UNSUPPORTED" || code === "SUIT_CONDITION_FAILED",
      );
      return {};
    }
    const sourceParams = (e: ComponentEntry): SuitParameters => this.params.get(e.key);
    switch (cmd.name) {
      case "override-parameters":
      case "set-parameters":
        this.setParameters(frame, i, call.index, call.entry, cmd.parameters, cmd.name === "override-parameters");
        return {};
      case "copy-params":
        return this.copyParams(call, cmd.sources);
      case "try-each":
        return this.tryEach(frame, i, call, cmd);
      case "run-sequence":
        return this.runNested(frame, i, call, cmd.sequence);
      case "fetch":
        return fetchDirective(svc, call);
      case "write":
        return writeDirective(svc, call);
      case "copy":
        return copyDirective(svc, call, sourceParams);
      case "swap":
        return swapDirective(svc, call, sourceParams);
      case "invoke":
        return invokeDirective(svc, call);
      case "wait":
        return waitDirective(svc, call);
      case "unlink":
        return this.unlink(call);
      case "process-dependency":
        return this.processDependency(call);
      default:
        return commandFailed("SUIT_UNSUPPORTED", call.at, `command ${cmd.name} is not supported here`);
    }
  }

  /** override-parameters (§8.4.10.3) / set-parameters (trust-domains §5.4.1) for one component. */
  private setParameters(
    frame: Frame,
    i: number,
    index: number,
    entry: ComponentEntry,
    p: SuitParameters,
    override: boolean,
  ): void {
    if (p.softFailure !== undefined) {
      // §8.4.8.14: soft-failure "MUST NOT be set outside of suit-directive-try-each or suit-directive-run-sequence".
      if (!frame.nested) {
        const at = `${frame.path}[${i}]`;
        this.abort(
          frame,
          i,
          index,
          new RotkitError("SUIT_COMMAND_FAILED", "soft-failure may only be set inside try-each or run-sequence", {
            at,
          }),
          false,
        );
      }
      frame.soft = p.softFailure;
    }
    if (p.strictOrder !== undefined) this.strictOrder = p.strictOrder;
    this.params.set(entry.key, applyParameters(this.params.get(entry.key), p, override));
  }

  /** update-management copy-params: parameters of other components, by label, overriding the current one's. */
  private copyParams(call: CommandCall, sources: Map<number, number[]>): SuitParameters {
    let picked: SuitParameters = {};
    for (const [index, labels] of sources) {
      const e = call.ctx.components.get(index);
      if (!e) commandFailed("SUIT_MALFORMED", call.at, `copy-params: component index ${index} is not declared`);
      picked = applyParameters(picked, pickParameters(this.params.get(e.key), labels), true);
    }
    this.params.set(call.entry.key, applyParameters(this.params.get(call.entry.key), picked, true));
    return {};
  }

  private nestedFrame(
    frame: Frame,
    i: number,
    branch: number,
    call: CommandCall,
    seq: SuitCommandSequence,
    soft: boolean,
    path: string,
  ): Frame {
    return {
      ctx: frame.ctx,
      seq,
      section: frame.section,
      base: () => frame.base() + (this.layouts.get(frame.seq).nested[i]?.[branch] ?? 0),
      path,
      soft,
      nested: true,
      // §6.5: nested sequences run once per component, with an integer index.
      selection: [call.index],
      all: frame.all,
    };
  }

  /** §8.4.10.2 try-each: each sequence in turn (soft-failure true) until one completes. */
  private async tryEach(frame: Frame, i: number, call: CommandCall, cmd: SuitTryEach): Promise<SuitParameters> {
    for (let j = 0; j < cmd.sequences.length; j++) {
      const snapshot = this.params.snapshot();
      const child = this.nestedFrame(
        frame,
        i,
        j,
        call,
        cmd.sequences[j] as SuitCommandSequence,
        true,
        `${call.at}/${j}`,
      );
      if ((await this.runSequence(child)) === "ok") return {};
      // A sequence that stopped on a condition leaves no parameter behind.
      this.params.restore(snapshot);
    }
    if (cmd.allowNone) return {};
    return conditionFailed(
      "SUIT_CONDITION_FAILED",
      call.at,
      `try-each: no sequence succeeded for component ${call.index}`,
    );
  }

  /** §8.4.10.7 run-sequence: soft-failure false unless the sequence sets it; a soft stop has no side effect. */
  private async runNested(
    frame: Frame,
    i: number,
    call: CommandCall,
    seq: SuitCommandSequence,
  ): Promise<SuitParameters> {
    // §6.7: with strict-order false, a further set-component-index in the argument must abort.
    if (!this.strictOrder && seq.some((c, k) => k > 0 && c.name === "set-component-index")) {
      commandFailed(
        "SUIT_COMMAND_FAILED",
        call.at,
        "run-sequence: set-component-index inside a parallel (strict-order false) sequence",
      );
    }
    const snapshot = this.params.snapshot();
    if ((await this.runSequence(this.nestedFrame(frame, i, 0, call, seq, false, `${call.at}/0`))) === "soft") {
      this.params.restore(snapshot);
    }
    return {};
  }

  /** The processing state of a held, authenticated dependency (rollback-checked once per procedure). */
  private async dependencyContext(call: CommandCall, held: DependencyState): Promise<ManifestContext> {
    const env: VerifiedSuitEnvelope = await authenticateDependency(this.svc, call, held);
    const { ctx, entry } = call;
    if (ctx.depth + 1 > this.svc.limits.maxDependencyDepth) {
      commandFailed(
        "SUIT_DEPENDENCY_FAILED",
        call.at,
        `dependencies nested deeper than ${this.svc.limits.maxDependencyDepth}`,
      );
    }
    const ordinal = ctx.dependencyOrder.indexOf(call.index);
    const declared = ctx.manifest.common.components?.[call.index];
    const m = env.manifest;
    // trust-domains §5.2.1: the dependent's component id for the dependency overrides the dependency's own.
    const componentId = declared ?? m.manifestComponentId;
    const info: SuitManifestInfo = {
      manifestId: [...ctx.info.manifestId, ordinal],
      sequenceNumber: m.sequenceNumber,
      digest: env.authentication.digest,
      ...(componentId ? { componentId } : {}),
      ...(m.referenceUri !== undefined ? { referenceUri: m.referenceUri } : {}),
      ...(m.setVersion ? { setVersion: m.setVersion } : {}),
    };
    const digestKey = `${info.manifestId.join(".")}:${toHex(info.digest.bytes)}`;
    if (!this.checkedDependencies.has(digestKey)) {
      // §6.1 for the dependency: its sequence number is checked like the root's.
      await platformCall(
        call.at,
        "rollback check",
        () => this.svc.platform.checkManifest(info, this.svc.procedure),
        () => true,
      );
      this.checkedDependencies.add(digestKey);
      this.dependencies.push(info);
    }
    if (held.context && held.context.envelope === env) return held.context;
    const prefix = this.svc.prefixDependencies ? [...ctx.prefix, ...(entry.dependency?.prefix ?? [])] : ctx.prefix;
    try {
      held.context = buildContext(
        env,
        info,
        ctx.depth + 1,
        prefix,
        this.svc.limits.maxComponents,
        `${ctx.label}dependency[${ordinal}]/`,
      );
    } catch (e) {
      if (!isRotkitError(e)) throw e;
      commandFailed(e.code, call.at, e.message, e);
    }
    return held.context;
  }

  /** Runs a section of a dependency; any failure in it aborts the dependent (a directive failed). */
  private async runDependency(child: ManifestContext, section: Section): Promise<void> {
    try {
      await this.runSection(child, section);
    } catch (e) {
      if (e instanceof SequenceAbort) throw new SequenceAbort(e.error, false, e.record);
      throw e;
    }
  }

  /** trust-domains §5.4.2 process-dependency: the dependency's shared sequence, then its current section. */
  private async processDependency(call: CommandCall): Promise<SuitParameters> {
    if (!call.entry.dependency) {
      commandFailed(
        "SUIT_DEPENDENCY_FAILED",
        call.at,
        `process-dependency: component ${call.index} is not a dependency`,
      );
    }
    const held = call.ctx.dependencies.get(call.index);
    if (!held?.checked) {
      commandFailed(
        "SUIT_DEPENDENCY_FAILED",
        call.at,
        `process-dependency: dependency ${call.index} has not passed an integrity check`,
      );
    }
    const child = await this.dependencyContext(call, held);
    const section = wrapSection(call, () => sectionByKey(child.manifest, call.ctx.section));
    // "If the specified Dependency does not contain the current section, Process Dependency succeeds immediately."
    if (section) await this.runDependency(child, section);
    return {};
  }

  /** trust-domains §6 unlink: a dependency manifest runs its uninstall section first. */
  private async unlink(call: CommandCall): Promise<SuitParameters> {
    const unlink = this.svc.platform.unlink;
    if (!unlink) commandFailed("SUIT_UNSUPPORTED", call.at, "unlink: the platform does not provide it");
    const held = call.ctx.dependencies.get(call.index);
    if (call.entry.dependency && held) {
      const child = await this.dependencyContext(call, held);
      const section = wrapSection(call, () => sectionByKey(child.manifest, 24));
      if (section) await this.runDependency(child, section);
    }
    await platformCall(call.at, "unlink", () => unlink.call(this.svc.platform, call.ref));
    return {};
  }
}

function wrapSection(call: CommandCall, fn: () => Section | undefined): Section | undefined {
  try {
    return fn();
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    return commandFailed("SUIT_DEPENDENCY_FAILED", call.at, e.message, e);
  }
}
