import { type Clock, type CryptoProvider, isRotkitError, RotkitError } from "@rotkit/core";
import { type Candidate, normalizeCandidate } from "./candidate.js";
import { trustedNow } from "./freeze.js";
import {
  applyAbandon,
  applyConfirm,
  applyInstall,
  applyProvision,
  type Decision,
  evaluateCandidate,
  type PolicyOptions,
  type ProvisionedImage,
} from "./policy.js";
import type { RecordStore } from "./record-store.js";
import { Serial } from "./serial.js";
import {
  type ComponentState,
  cloneTrustedState,
  emptyTrustedState,
  type PendingInstall,
  type TrustedState,
} from "./state.js";
import { decodeTrustedState, encodeTrustedState } from "./state-codec.js";
import { type TicketKey, verifyDowngradeTicket } from "./ticket.js";
import { type ComponentId, componentIdBytes, componentKey } from "./values.js";

/** Everything the guard needs: where its state lives, the trusted clock, and the policy settings. */
export interface GuardOptions extends PolicyOptions {
  /** Where the trusted state is persisted (a FlashJournal on the device, a file on Linux). */
  store: RecordStore;
  /** The trusted clock for expiry and maximum age. */
  clock: Clock;
  /** Verifies downgrade ticket signatures; required when `ticketKeys` is set. */
  provider?: CryptoProvider;
  /** Keys trusted to sign downgrade tickets. None: every ticket is refused. */
  ticketKeys?: readonly TicketKey[];
}

/**
 * The device's anti-rollback guard: checks update candidates against the trusted state, records installs as
 * pending, and advances the per-component floors only when the trial boot is confirmed. State is persisted only
 * after every check passed, in one atomic write; a refusal leaves it untouched.
 *
 * Flow: `check` (before downloading) → `recordInstalled` (after writing the trial slot) → reboot → `confirm` (the new
 * image runs well) or `abandon` (the bootloader reverted).
 *
 * @example
 * ```ts
 * const guard = await AntiRollbackGuard.open({ store: await FlashJournal.open(flash), clock, deviceId });
 * await guard.recordInstalled({ component: "app", sequence: 13, digest, securityCounter: 3 });
 * // ... after the trial boot succeeded:
 * await guard.confirm();
 * ```
 */
export class AntiRollbackGuard {
  private readonly serial = new Serial();

  private constructor(private readonly options: GuardOptions) {}

  /**
   * Opens the guard on its store (reading the state once, so a corrupt store fails here with `COUNTER_CORRUPT`).
   *
   * @example
   * ```ts
   * const guard = await AntiRollbackGuard.open({ store, clock: systemClock(), deviceId, ticketKeys, provider });
   * ```
   */
  static async open(options: GuardOptions): Promise<AntiRollbackGuard> {
    if (options === null || typeof options !== "object" || !options.store || !options.clock) {
      throw new RotkitError("INVALID_ARGUMENT", "guard: store and clock are required");
    }
    if (!(options.deviceId instanceof Uint8Array) || options.deviceId.length === 0) {
      throw new RotkitError("INVALID_ARGUMENT", "guard: deviceId must be non-empty bytes");
    }
    const guard = new AntiRollbackGuard({ ...options, deviceId: options.deviceId.slice() });
    await guard.state();
    return guard;
  }

  private async load(): Promise<TrustedState> {
    const payload = await this.options.store.load();
    return payload === undefined ? emptyTrustedState() : decodeTrustedState(payload);
  }

  /**
   * A copy of the trusted state.
   *
   * @example
   * ```ts
   * const { components, pending } = await guard.state();
   * ```
   */
  state(): Promise<TrustedState> {
    return this.serial.run(async () => cloneTrustedState(await this.load()));
  }

  /**
   * The confirmed state of one component, or undefined when it has none yet.
   *
   * @example
   * ```ts
   * const app = await guard.component("app"); // { sequence, securityCounter, installed, digest, id }
   * ```
   */
  async component(id: ComponentId): Promise<ComponentState | undefined> {
    const key = componentKey(componentIdBytes(id, "component"));
    return (await this.state()).components.get(key);
  }

  /**
   * The installs waiting for their trial boot.
   *
   * @example
   * ```ts
   * if ((await guard.pending()).length > 0) await guard.confirm();
   * ```
   */
  async pending(): Promise<PendingInstall[]> {
    return [...(await this.state()).pending.values()];
  }

  private async decide(state: TrustedState, candidate: Candidate): Promise<{ decision: Decision; now: number }> {
    const c = normalizeCandidate(candidate);
    const now = trustedNow(this.options.clock.now(), state.timeFloor);
    const context = { now, options: this.options };
    if (c.ticket === undefined) return { decision: evaluateCandidate(state, c, context), now };
    // A ticket is verified (a signature check) only when the candidate needs one.
    try {
      return { decision: evaluateCandidate(state, { ...c, ticket: undefined }, context), now };
    } catch (e) {
      if (!isRotkitError(e, "ROLLBACK_REFUSED")) throw e;
    }
    const { provider, ticketKeys } = this.options;
    if (provider === undefined || ticketKeys === undefined) {
      throw new RotkitError("ROLLBACK_TICKET_INVALID", "downgrade ticket: no trusted ticket key is configured");
    }
    const ticket = await verifyDowngradeTicket(c.ticket, { keys: ticketKeys, provider });
    return { decision: evaluateCandidate(state, c, { ...context, ticket }), now };
  }

  /**
   * Whether `candidate` may be installed; returns the decision or throws (see `evaluateCandidate` for the codes).
   * Writes nothing.
   *
   * @example
   * ```ts
   * const { kind } = await guard.check({ component: "app", sequence: 13, digest, expiresAt, issuedAt });
   * ```
   */
  check(candidate: Candidate): Promise<Decision> {
    return this.serial.run(async () => (await this.decide(await this.load(), candidate)).decision);
  }

  /**
   * Re-checks `candidate` and, when it passes, records it as installed and pending its trial boot (spending its
   * downgrade ticket, raising the time floor). No counter advances here.
   *
   * @example
   * ```ts
   * await guard.recordInstalled(candidate); // then reboot into the trial image
   * ```
   */
  recordInstalled(candidate: Candidate): Promise<Decision> {
    return this.serial.run(async () => {
      const state = await this.load();
      const { decision, now } = await this.decide(state, candidate);
      await this.options.store.save(encodeTrustedState(applyInstall(state, decision, now)));
      return decision;
    });
  }

  /**
   * After a good trial boot: confirms the pending installs (or only `component`'s) and advances the floors. A no-op
   * when nothing is pending, so an image may call it on every boot (like MCUboot's boot_set_confirmed).
   *
   * @example
   * ```ts
   * const confirmed = await guard.confirm();
   * ```
   */
  confirm(component?: ComponentId): Promise<ComponentState[]> {
    return this.serial.run(async () => {
      const state = await this.load();
      const { state: next, confirmed } = applyConfirm(state, component);
      if (confirmed.length > 0) await this.options.store.save(encodeTrustedState(next));
      return confirmed;
    });
  }

  /**
   * After a failed trial boot (the bootloader reverted): forgets the pending installs (or only `component`'s).
   *
   * @example
   * ```ts
   * await guard.abandon("app");
   * ```
   */
  abandon(component?: ComponentId): Promise<void> {
    return this.serial.run(async () => {
      const state = await this.load();
      const next = applyAbandon(state, component);
      if (next.pending.size !== state.pending.size) await this.options.store.save(encodeTrustedState(next));
    });
  }

  /**
   * Records the image a component runs now as confirmed (provisioning, or the agent's first boot), so its floors start
   * there. Floors only move up (`COUNTER_DECREASE` otherwise).
   *
   * @example
   * ```ts
   * await guard.provision({ component: "app", sequence: 12, digest: runningDigest, securityCounter: 3 });
   * ```
   */
  provision(image: ProvisionedImage): Promise<void> {
    return this.serial.run(async () => {
      const state = await this.load();
      await this.options.store.save(encodeTrustedState(applyProvision(state, image)));
    });
  }
}
