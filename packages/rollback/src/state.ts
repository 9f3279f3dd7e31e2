// The trusted state of the anti-rollback guard: small, plain data that the pure policy functions (policy.ts) map
// to a new state and the guard persists as one record (state-codec.ts).

/** How a candidate was accepted. */
export type DecisionKind = "upgrade" | "reinstall" | "downgrade";

/** What the device trusts about one component. */
export interface ComponentState {
  id: Uint8Array;
  /** Anti-rollback floor: the highest sequence number ever confirmed. Never decreases. */
  sequence: number;
  /** The highest security counter ever confirmed (MCUboot's hardware downgrade prevention). Never decreases. */
  securityCounter: number;
  /** Sequence number of the confirmed image installed now: below `sequence` after a ticketed downgrade. */
  installed: number;
  /** Digest of the confirmed image installed now. */
  digest: Uint8Array;
}

/** An install that passed every check and waits for its trial boot to be confirmed (or abandoned). */
export interface PendingInstall {
  id: Uint8Array;
  sequence: number;
  securityCounter: number;
  digest: Uint8Array;
  kind: DecisionKind;
}

/** A downgrade ticket already spent, kept until it expires so it cannot be replayed. */
export interface UsedTicket {
  ticketId: Uint8Array;
  expiresAt: number;
}

/** Everything the guard persists. Maps are keyed by the lowercase hex of the component id. */
export interface TrustedState {
  components: Map<string, ComponentState>;
  pending: Map<string, PendingInstall>;
  usedTickets: UsedTicket[];
  /** A lower bound on the current time (seconds): the newest `issuedAt` of an accepted manifest. */
  timeFloor: number;
}

/**
 * The state of a device that has not recorded anything yet.
 *
 * @example
 * ```ts
 * const state = emptyTrustedState();
 * ```
 */
export function emptyTrustedState(): TrustedState {
  return { components: new Map(), pending: new Map(), usedTickets: [], timeFloor: 0 };
}

/** A deep copy (the policy functions never mutate their input). */
export function cloneTrustedState(s: TrustedState): TrustedState {
  const components = new Map<string, ComponentState>();
  for (const [k, c] of s.components) components.set(k, { ...c, id: c.id.slice(), digest: c.digest.slice() });
  const pending = new Map<string, PendingInstall>();
  for (const [k, p] of s.pending) pending.set(k, { ...p, id: p.id.slice(), digest: p.digest.slice() });
  return {
    components,
    pending,
    usedTickets: s.usedTickets.map((t) => ({ ticketId: t.ticketId.slice(), expiresAt: t.expiresAt })),
    timeFloor: s.timeFloor,
  };
}
