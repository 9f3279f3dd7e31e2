import { bytesEqual, constantTimeEqual, RotkitError } from "@rotkit/core";
import type { NormalizedCandidate } from "./candidate.js";
import { checkAdvance } from "./counter.js";
import { checkFreshness, type FreshnessOptions } from "./freeze.js";
import { type ComponentState, cloneTrustedState, type DecisionKind, type TrustedState } from "./state.js";
import { isVerifiedDowngradeTicket, type VerifiedDowngradeTicket } from "./ticket.js";
import { type ComponentId, componentIdBytes, componentKey, counterValue, MAX_DIGEST_LENGTH } from "./values.js";

// The anti-rollback policy as pure functions over TrustedState: evaluate a candidate (throw on refusal), then map the
// state to the next one for install, confirm, abandon and provisioning. Nothing here does I/O, so the guard can
// persist the result only after every check passed (TUF specification §5.4.5, §5.5.7: persist metadata only once it
// has passed the rollback and freeze checks).

/** Device-wide settings of the policy. */
export interface PolicyOptions extends FreshnessOptions {
  /** This device's id (as downgrade tickets name it, e.g. its UEID). */
  deviceId: Uint8Array;
  /** How many spent, unexpired downgrade tickets are remembered; a ticket beyond that is refused. Default 16. */
  maxUsedTickets?: number;
}

/** An accepted candidate: what `applyInstall` records as pending. */
export interface Decision {
  kind: DecisionKind;
  component: Uint8Array;
  sequence: number;
  securityCounter: number;
  digest: Uint8Array;
  issuedAt: number | undefined;
  /** The downgrade ticket this install spends. */
  ticket?: { ticketId: Uint8Array; expiresAt: number };
}

const DEFAULT_MAX_USED_TICKETS = 16;

function refused(message: string): RotkitError {
  return new RotkitError("ROLLBACK_REFUSED", message);
}

function ticketInvalid(message: string): RotkitError {
  return new RotkitError("ROLLBACK_TICKET_INVALID", `downgrade ticket: ${message}`);
}

function checkTicket(
  state: TrustedState,
  c: NormalizedCandidate,
  installed: number,
  ticket: VerifiedDowngradeTicket | undefined,
  now: number,
  options: PolicyOptions,
): { ticketId: Uint8Array; expiresAt: number } {
  if (!isVerifiedDowngradeTicket(ticket)) throw ticketInvalid("not verified");
  const t = ticket.body;
  if (!(options.deviceId instanceof Uint8Array) || !bytesEqual(t.deviceId, options.deviceId)) {
    throw ticketInvalid("issued for another device");
  }
  if (!bytesEqual(t.component, c.id)) throw ticketInvalid("issued for another component");
  if (t.fromSequence !== installed) {
    throw ticketInvalid(`issued for a device running sequence ${t.fromSequence}, this one runs ${installed}`);
  }
  if (t.toSequence !== c.sequence) throw ticketInvalid(`allows sequence ${t.toSequence}, not ${c.sequence}`);
  // TUF specification §5.4.4 (freeze): the expiry must be above the current time.
  if (t.expiresAt <= now) throw new RotkitError("ROLLBACK_EXPIRED", `downgrade ticket expired at ${t.expiresAt}`);
  const live = state.usedTickets.filter((u) => u.expiresAt > now);
  if (live.some((u) => bytesEqual(u.ticketId, t.ticketId))) throw ticketInvalid("already used");
  if (live.length >= (options.maxUsedTickets ?? DEFAULT_MAX_USED_TICKETS)) {
    throw ticketInvalid("too many unexpired tickets spent already");
  }
  return { ticketId: t.ticketId.slice(), expiresAt: t.expiresAt };
}

/**
 * Decides whether `candidate` may be installed, or throws: `ROLLBACK_NOT_CONFIRMED` (an install of this component
 * waits for its trial boot), `ROLLBACK_EXPIRED` / `ROLLBACK_STALE` (freeze), `ROLLBACK_REFUSED` (security counter
 * below the stored one, or a sequence number not above the floor without an identical re-install or a ticket),
 * `ROLLBACK_TICKET_INVALID`. `ticket` must come from `verifyDowngradeTicket`. Pure: the state is not changed.
 *
 * @example
 * ```ts
 * const decision = evaluateCandidate(state, normalizeCandidate(candidate), { now, options: { deviceId } });
 * ```
 */
export function evaluateCandidate(
  state: TrustedState,
  candidate: NormalizedCandidate,
  context: { now: number; options: PolicyOptions; ticket?: VerifiedDowngradeTicket },
): Decision {
  const c = candidate;
  const { now, options } = context;
  if (state.pending.has(c.key)) {
    throw new RotkitError(
      "ROLLBACK_NOT_CONFIRMED",
      "an install of this component waits for its trial boot to be confirmed or abandoned",
      {
        at: c.key,
      },
    );
  }
  checkFreshness(c, now, options);
  const decision = (kind: DecisionKind): Decision => ({
    kind,
    component: c.id,
    sequence: c.sequence,
    securityCounter: c.securityCounter,
    digest: c.digest,
    issuedAt: c.issuedAt,
  });
  const current = state.components.get(c.key);
  if (current === undefined) return decision("upgrade");
  // MCUboot hardware downgrade prevention (bootutil image_validate.c, IMAGE_TLV_SEC_CNT): the image's security
  // counter must be at least the stored one. No ticket overrides it: that is what the security counter is for.
  if (c.securityCounter < current.securityCounter) {
    throw refused(`security counter ${c.securityCounter} is below the stored ${current.securityCounter}`);
  }
  // TUF specification §5.4.3 / §5.5.5 (rollback): a version below the trusted one is refused; an equal one carries
  // no change, so it is accepted only as the very image installed now (an idempotent re-install).
  if (c.sequence > current.sequence) return decision("upgrade");
  if (
    c.sequence === current.sequence &&
    current.installed === current.sequence &&
    constantTimeEqual(c.digest, current.digest)
  ) {
    return decision("reinstall");
  }
  if (c.ticket === undefined) {
    throw refused(`sequence number ${c.sequence} is not above the stored ${current.sequence}`);
  }
  return { ...decision("downgrade"), ticket: checkTicket(state, c, current.installed, context.ticket, now, options) };
}

/**
 * The state after installing an accepted candidate to its trial slot: the install is pending; no counter moves
 * (MCUboot: the security counter is only updated once the image is confirmed, so a failed trial can revert).
 *
 * @example
 * ```ts
 * const next = applyInstall(state, decision, now);
 * ```
 */
export function applyInstall(state: TrustedState, decision: Decision, now: number): TrustedState {
  const s = cloneTrustedState(state);
  const key = componentKey(decision.component);
  s.pending.set(key, {
    id: decision.component.slice(),
    sequence: decision.sequence,
    securityCounter: decision.securityCounter,
    digest: decision.digest.slice(),
    kind: decision.kind,
  });
  if (decision.ticket !== undefined) {
    s.usedTickets = s.usedTickets.filter((u) => u.expiresAt > now);
    s.usedTickets.push({ ticketId: decision.ticket.ticketId.slice(), expiresAt: decision.ticket.expiresAt });
  }
  if (decision.issuedAt !== undefined) s.timeFloor = Math.max(s.timeFloor, Math.floor(decision.issuedAt));
  return s;
}

function selected(state: TrustedState, component: ComponentId | undefined): string[] {
  if (component === undefined) return [...state.pending.keys()];
  const key = componentKey(componentIdBytes(component, "component"));
  return state.pending.has(key) ? [key] : [];
}

/**
 * The state after a good trial boot: each pending install (or only `component`'s) becomes the confirmed image and
 * the floors advance to it, never down (MCUboot loader.c: the stored security counter is increased only after the
 * image has marked itself OK). Nothing pending: the state is returned unchanged.
 *
 * @example
 * ```ts
 * const { state: next, confirmed } = applyConfirm(state);
 * ```
 */
export function applyConfirm(
  state: TrustedState,
  component?: ComponentId,
): { state: TrustedState; confirmed: ComponentState[] } {
  const s = cloneTrustedState(state);
  const confirmed: ComponentState[] = [];
  for (const key of selected(state, component)) {
    const p = s.pending.get(key);
    if (p === undefined) continue;
    const old = s.components.get(key);
    const next: ComponentState = {
      id: p.id,
      sequence: Math.max(old?.sequence ?? 0, p.sequence),
      securityCounter: Math.max(old?.securityCounter ?? 0, p.securityCounter),
      installed: p.sequence,
      digest: p.digest,
    };
    s.components.set(key, next);
    s.pending.delete(key);
    confirmed.push(next);
  }
  return { state: s, confirmed };
}

/**
 * The state after a failed trial boot (the bootloader reverted): the pending install (or only `component`'s) is
 * dropped. Spent tickets stay spent.
 *
 * @example
 * ```ts
 * const next = applyAbandon(state, "app");
 * ```
 */
export function applyAbandon(state: TrustedState, component?: ComponentId): TrustedState {
  const s = cloneTrustedState(state);
  for (const key of selected(state, component)) s.pending.delete(key);
  return s;
}

/** The running image of a component, as provisioning records it. */
export interface ProvisionedImage {
  component: ComponentId;
  sequence: number | bigint;
  digest: Uint8Array;
  securityCounter?: number | bigint;
}

/**
 * The state after recording the image a component runs now (factory provisioning, or the first boot of the agent),
 * so the floors start there instead of at "anything goes". Floors only move up: below them throws
 * `COUNTER_DECREASE`; a pending install of the component throws `ROLLBACK_NOT_CONFIRMED`.
 *
 * @example
 * ```ts
 * const next = applyProvision(state, { component: "app", sequence: 12, digest, securityCounter: 3 });
 * ```
 */
export function applyProvision(state: TrustedState, image: ProvisionedImage): TrustedState {
  const id = componentIdBytes(image.component, "component");
  const key = componentKey(id);
  const sequence = counterValue(image.sequence, "sequence");
  const securityCounter = counterValue(image.securityCounter ?? 0, "securityCounter");
  if (!(image.digest instanceof Uint8Array) || image.digest.length === 0 || image.digest.length > MAX_DIGEST_LENGTH) {
    throw new RotkitError("INVALID_ARGUMENT", `digest must be 1..${MAX_DIGEST_LENGTH} bytes`, { at: "digest" });
  }
  if (state.pending.has(key)) {
    throw new RotkitError("ROLLBACK_NOT_CONFIRMED", "an install of this component waits for its trial boot", {
      at: key,
    });
  }
  const old = state.components.get(key);
  if (old !== undefined) {
    checkAdvance(old.sequence, sequence, `${key}/sequence`);
    checkAdvance(old.securityCounter, securityCounter, `${key}/securityCounter`);
  }
  const s = cloneTrustedState(state);
  s.components.set(key, { id, sequence, securityCounter, installed: sequence, digest: image.digest.slice() });
  return s;
}
