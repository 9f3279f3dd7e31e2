import { encodeCbor, fromHex, toHex, utf8Encode } from "@rotkit/core";
import {
  AntiRollbackGuard,
  applyAbandon,
  applyConfirm,
  applyInstall,
  applyProvision,
  cloneTrustedState,
  decodeTrustedState,
  emptyTrustedState,
  encodeTrustedState,
  evaluateCandidate,
  FlashJournal,
  MemoryFlash,
  normalizeCandidate,
  type TrustedState,
} from "@rotkit/rollback";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";

const code = (c: string) => expect.objectContaining({ code: c });
const options = { deviceId: utf8Encode("dev") };
const digest = (n: number) => new Uint8Array(32).fill(n);

function sampleState(): TrustedState {
  let s = emptyTrustedState();
  s = applyProvision(s, { component: "app", sequence: 12, digest: digest(12), securityCounter: 3 });
  s = applyProvision(s, { component: fromHex("00"), sequence: 1, digest: digest(1) });
  s = applyInstall(
    s,
    evaluateCandidate(s, normalizeCandidate({ component: "boot", sequence: 4, digest: digest(4), issuedAt: 1000 }), {
      now: 2000,
      options,
    }),
    2000,
  );
  s.usedTickets.push({ ticketId: utf8Encode("ticket-0001"), expiresAt: 5000 });
  return s;
}

describe("pure policy functions", () => {
  it("never mutate their input", () => {
    const s = sampleState();
    const copy = cloneTrustedState(s);
    const c = normalizeCandidate({ component: "app", sequence: 13, digest: digest(13), securityCounter: 3 });
    const d = evaluateCandidate(s, c, { now: 2000, options });
    applyInstall(s, d, 2000);
    applyConfirm(s);
    applyAbandon(s);
    applyProvision(s, { component: "app", sequence: 20, digest: digest(20), securityCounter: 3 });
    expect(s).toEqual(copy);
  });

  it("confirm takes the maximum of old and new floors, and records what is installed", () => {
    let s = applyProvision(emptyTrustedState(), {
      component: "a",
      sequence: 10,
      digest: digest(10),
      securityCounter: 5,
    });
    s.pending.set("61", { id: utf8Encode("a"), sequence: 8, securityCounter: 5, digest: digest(8), kind: "downgrade" });
    const { state, confirmed } = applyConfirm(s);
    s = state;
    expect(confirmed).toEqual([
      { id: utf8Encode("a"), sequence: 10, securityCounter: 5, installed: 8, digest: digest(8) },
    ]);
    expect(s.pending.size).toBe(0);
    expect(applyConfirm(s).confirmed).toEqual([]);
  });

  it("a verified-looking ticket that did not come from verifyDowngradeTicket is refused", () => {
    const s = applyProvision(emptyTrustedState(), { component: "a", sequence: 10, digest: digest(10) });
    const c = normalizeCandidate({ component: "a", sequence: 9, digest: digest(9), ticket: Uint8Array.of(1) });
    const forged = {
      body: {
        deviceId: options.deviceId,
        component: utf8Encode("a"),
        fromSequence: 10,
        toSequence: 9,
        expiresAt: 9e9,
        ticketId: new Uint8Array(8),
      },
    };
    expect(() => evaluateCandidate(s, c, { now: 0, options, ticket: forged })).toThrow(code("ROLLBACK_TICKET_INVALID"));
  });

  it("accepts any sequence number for a component it has never seen (provision first to set a floor)", () => {
    const c = normalizeCandidate({ component: "new", sequence: 0, digest: digest(0) });
    expect(evaluateCandidate(emptyTrustedState(), c, { now: 0, options }).kind).toBe("upgrade");
  });
});

describe("trusted state codec", () => {
  it("round-trips", () => {
    const s = sampleState();
    expect(decodeTrustedState(encodeTrustedState(s))).toEqual(s);
    expect(decodeTrustedState(encodeTrustedState(emptyTrustedState()))).toEqual(emptyTrustedState());
  });

  it("round-trips arbitrary states", () => {
    const u = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    const entry = fc.record({
      id: fc.uint8Array({ maxLength: 8 }),
      sequence: u,
      installedBelow: u,
      securityCounter: u,
      digest: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      pending: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { selector: (e) => toHex(e.id), maxLength: 5 }),
        fc.array(fc.record({ t: fc.uint8Array({ minLength: 8, maxLength: 32 }), e: u }), { maxLength: 4 }),
        u,
        (entries, tickets, floor) => {
          const s = emptyTrustedState();
          for (const e of entries) {
            const key = toHex(e.id);
            const installed = Math.max(0, e.sequence - e.installedBelow);
            s.components.set(key, { ...e, installed });
            if (e.pending) s.pending.set(key, { ...e, kind: "reinstall" });
          }
          s.usedTickets = tickets.map((t) => ({ ticketId: t.t, expiresAt: t.e }));
          s.timeFloor = floor;
          const back = decodeTrustedState(encodeTrustedState(s));
          expect(back.timeFloor).toBe(floor);
          expect([...back.components.values()].map((c) => [c.sequence, c.installed])).toEqual(
            [...s.components.values()]
              .sort((a, b) => a.id.length - b.id.length || toHex(a.id).localeCompare(toHex(b.id)))
              .map((c) => [c.sequence, c.installed]),
          );
          expect(back.pending.size).toBe(s.pending.size);
          expect(back.usedTickets).toEqual(s.usedTickets);
        },
      ),
    );
  });

  it("rejects wrong shapes as COUNTER_CORRUPT", () => {
    const good = encodeTrustedState(sampleState());
    const m = () =>
      new Map<number, unknown>([
        [0, 1],
        [1, []],
        [2, []],
        [3, []],
        [4, 0],
      ]);
    const variants: unknown[] = [
      [1],
      m().set(0, 2),
      m().set(5, 0),
      m().set(1, [[utf8Encode("a"), 1, 0, 2, digest(1)]]), // installed above the floor
      m().set(1, [[utf8Encode("a"), 1, 0, 1, new Uint8Array(0)]]),
      m().set(1, [
        [utf8Encode("b"), 1, 0, 1, digest(1)],
        [utf8Encode("a"), 1, 0, 1, digest(1)],
      ]), // not sorted
      m().set(2, [[utf8Encode("a"), 1, 0, digest(1), 3]]), // unknown kind
      m().set(3, [[new Uint8Array(7), 1]]),
      m().set(4, -1),
      m().set(4, 2n ** 60n),
    ];
    for (const v of variants) expect(() => decodeTrustedState(encodeCbor(v as never))).toThrow(code("COUNTER_CORRUPT"));
    expect(() => decodeTrustedState(good.subarray(1))).toThrow(code("COUNTER_CORRUPT"));
  });

  it("ends every byte flip and truncation in COUNTER_CORRUPT or a valid state", () => {
    const bytes = encodeTrustedState(sampleState());
    const flips = expectOnlyRotkitErrors((b) => decodeTrustedState(b), singleByteMutations(bytes));
    expect(Object.keys(flips.codes)).toEqual(["COUNTER_CORRUPT"]);
    expect(expectOnlyRotkitErrors((b) => decodeTrustedState(b), truncations(bytes)).ok).toBe(0);
  });
});

describe("guard state under power cuts", () => {
  it("floors never decrease and the state always reads back, wherever power is cut", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            op: fc.constantFrom("install", "confirm", "abandon"),
            component: fc.constantFrom("app", "boot"),
            step: fc.integer({ min: -2, max: 5 }),
            cut: fc.option(
              fc.record({ afterOperations: fc.nat(1), completedUnits: fc.nat(30), garbage: fc.boolean() }),
            ),
          }),
          { minLength: 5, maxLength: 25, size: "max" },
        ),
        async (ops) => {
          const flash = new MemoryFlash({ size: 3 * 256, eraseSize: 256, writeSize: 4 });
          const open = async () =>
            AntiRollbackGuard.open({
              store: await FlashJournal.open(flash),
              clock: { now: () => 1000 },
              deviceId: utf8Encode("d"),
            });
          let guard = await open();
          const floor = new Map<string, number>();
          for (const o of ops) {
            if (o.cut) flash.schedulePowerCut(o.cut);
            try {
              if (o.op === "install") {
                const current = (await guard.component(o.component))?.sequence ?? 0;
                const sequence = Math.max(0, current + o.step);
                await guard.recordInstalled({ component: o.component, sequence, digest: digest(sequence) });
              } else if (o.op === "confirm") await guard.confirm(o.component);
              else await guard.abandon(o.component);
            } catch (e) {
              const c = (e as { code?: string }).code;
              expect(["COUNTER_IO", "ROLLBACK_REFUSED", "ROLLBACK_NOT_CONFIRMED"]).toContain(c);
              if (c === "COUNTER_IO") {
                flash.cancelPowerCut();
                flash.powerOn();
                guard = await open();
              }
            }
            if (!flash.powered) {
              flash.powerOn();
              guard = await open();
            }
            for (const component of ["app", "boot"]) {
              const now = (await guard.component(component))?.sequence ?? 0;
              expect(now).toBeGreaterThanOrEqual(floor.get(component) ?? 0);
              floor.set(component, now);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});

describe("freshness checks", () => {
  it("applies expiry, maximum age and the time floor", async () => {
    const { checkFreshness, trustedNow } = await import("@rotkit/rollback");
    expect(trustedNow(5, 10)).toBe(10);
    expect(trustedNow(15, 10)).toBe(15);
    expect(() => trustedNow(Number.NaN, 0)).toThrow(code("INVALID_ARGUMENT"));
    checkFreshness({ expiresAt: 11, issuedAt: 5 }, 10, { maxAge: 5 });
    expect(() => checkFreshness({ expiresAt: 10 }, 10)).toThrow(code("ROLLBACK_EXPIRED"));
    expect(() => checkFreshness({ issuedAt: 4 }, 10, { maxAge: 5 })).toThrow(code("ROLLBACK_STALE"));
    expect(() => checkFreshness({}, 10, { maxAge: -1 })).toThrow(code("INVALID_ARGUMENT"));
    expect(() => checkFreshness({}, 10, { requireExpiry: true })).toThrow(code("ROLLBACK_EXPIRED"));
  });
});
