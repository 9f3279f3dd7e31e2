import { fixedClock, generateSoftwareKey, type KeyHandle, nobleProvider, utf8Encode } from "@rotkit/core";
import {
  AntiRollbackGuard,
  type Candidate,
  createDowngradeTicket,
  FlashJournal,
  type GuardOptions,
  MemoryFlash,
  MemoryRecordStore,
} from "@rotkit/rollback";
import { describe, expect, it } from "vitest";

const code = (c: string) => expect.objectContaining({ code: c });
const DEVICE = utf8Encode("device-0001");
const T0 = 1_760_000_000;
const digest = (n: number) => new Uint8Array(32).fill(n);

interface Rig {
  flash: MemoryFlash;
  guard: AntiRollbackGuard;
  ticketKey: KeyHandle;
  clock: { now: () => number; t: number };
  reopen(): Promise<AntiRollbackGuard>;
}

let ticketKeyCache: KeyHandle | undefined;

async function rig(options: Partial<GuardOptions> = {}): Promise<Rig> {
  ticketKeyCache ??= await generateSoftwareKey("ES256");
  const ticketKey = ticketKeyCache;
  const flash = new MemoryFlash({ size: 4096, eraseSize: 1024, writeSize: 8 });
  const clock = {
    t: T0,
    now() {
      return this.t;
    },
  };
  const open = async () =>
    AntiRollbackGuard.open({
      store: await FlashJournal.open(flash),
      clock,
      deviceId: DEVICE,
      provider: nobleProvider(),
      ticketKeys: [{ alg: "ES256", key: ticketKey.publicKey }],
      maxAge: 30 * 86400,
      ...options,
    });
  return { flash, guard: await open(), ticketKey, clock, reopen: open };
}

const candidate = (over: Partial<Candidate> = {}): Candidate => ({
  component: "app",
  sequence: 10,
  digest: digest(10),
  securityCounter: 2,
  issuedAt: T0 - 3600,
  expiresAt: T0 + 86400,
  ...over,
});

/** Installs and confirms `c`, as a successful update does. */
async function update(guard: AntiRollbackGuard, c: Candidate): Promise<void> {
  await guard.recordInstalled(c);
  await guard.confirm();
}

/** Asserts `action` fails with `expected` and that neither the flash nor the trusted state changed. */
async function refusedUnchanged(r: Rig, action: () => Promise<unknown>, expected: string): Promise<void> {
  const flashBefore = r.flash.snapshot();
  const stateBefore = await r.guard.state();
  await expect(action()).rejects.toThrow(code(expected));
  expect(r.flash.snapshot()).toEqual(flashBefore);
  expect(await r.guard.state()).toEqual(stateBefore);
  expect(await (await r.reopen()).state()).toEqual(stateBefore);
}

async function ticket(r: Rig, over: Record<string, unknown> = {}): Promise<Uint8Array> {
  return createDowngradeTicket(
    {
      deviceId: DEVICE,
      component: "app",
      fromSequence: 12,
      toSequence: 11,
      expiresAt: T0 + 3600,
      ticketId: utf8Encode("ticket-0001"),
      ...over,
    } as Parameters<typeof createDowngradeTicket>[0],
    r.ticketKey,
  );
}

describe("AntiRollbackGuard: install, trial boot, confirm", () => {
  it("records an install as pending and advances the floors only on confirm", async () => {
    const r = await rig();
    expect((await r.guard.check(candidate())).kind).toBe("upgrade");
    await r.guard.recordInstalled(candidate());
    expect(await r.guard.component("app")).toBeUndefined();
    const rebooted = await r.reopen(); // the trial boot: the pending install survived the reboot
    expect((await rebooted.pending()).map((p) => [p.sequence, p.kind])).toEqual([[10, "upgrade"]]);
    const confirmed = await rebooted.confirm();
    expect(confirmed.map((c) => [c.sequence, c.securityCounter, c.installed])).toEqual([[10, 2, 10]]);
    expect(await (await r.reopen()).component("app")).toEqual({
      id: utf8Encode("app"),
      sequence: 10,
      securityCounter: 2,
      installed: 10,
      digest: digest(10),
    });
    expect(await rebooted.pending()).toEqual([]);
  });

  it("confirm with nothing pending is a no-op that writes nothing", async () => {
    const r = await rig();
    await update(r.guard, candidate());
    const before = r.flash.snapshot();
    expect(await r.guard.confirm()).toEqual([]);
    expect(r.flash.snapshot()).toEqual(before);
  });

  it("abandon drops the trial without advancing anything", async () => {
    const r = await rig();
    await update(r.guard, candidate());
    await r.guard.recordInstalled(candidate({ sequence: 11, digest: digest(11) }));
    await r.guard.abandon("app");
    expect((await r.guard.component("app"))?.sequence).toBe(10);
    expect(await r.guard.pending()).toEqual([]);
    expect((await r.guard.check(candidate({ sequence: 11, digest: digest(11) }))).kind).toBe("upgrade");
  });

  it("confirms components separately or together", async () => {
    const r = await rig();
    await r.guard.recordInstalled(candidate({ component: "boot", sequence: 3 }));
    await r.guard.recordInstalled(candidate({ component: "app", sequence: 7 }));
    expect((await r.guard.confirm("boot")).map((c) => c.sequence)).toEqual([3]);
    expect((await r.guard.pending()).map((p) => p.sequence)).toEqual([7]);
    expect((await r.guard.confirm()).map((c) => c.sequence)).toEqual([7]);
  });

  it("accepts an identical re-install at the same sequence number (idempotent)", async () => {
    const r = await rig();
    await update(r.guard, candidate());
    expect((await r.guard.check(candidate())).kind).toBe("reinstall");
    await update(r.guard, candidate());
    expect((await r.guard.component("app"))?.sequence).toBe(10);
  });

  it("provisions the running image; floors never go down", async () => {
    const r = await rig();
    await r.guard.provision({ component: "app", sequence: 20, digest: digest(20), securityCounter: 4 });
    await refusedUnchanged(r, () => r.guard.check(candidate({ sequence: 19 })), "ROLLBACK_REFUSED");
    await refusedUnchanged(
      r,
      () => r.guard.provision({ component: "app", sequence: 19, digest: digest(19), securityCounter: 4 }),
      "COUNTER_DECREASE",
    );
    await refusedUnchanged(
      r,
      () => r.guard.provision({ component: "app", sequence: 21, digest: digest(21), securityCounter: 3 }),
      "COUNTER_DECREASE",
    );
  });
});

describe("AntiRollbackGuard: every refusal has its code and changes nothing", () => {
  it("ROLLBACK_REFUSED: a sequence number not above the stored one (lower, or equal with another digest)", async () => {
    const r = await rig();
    await update(r.guard, candidate());
    await refusedUnchanged(r, () => r.guard.recordInstalled(candidate({ sequence: 9 })), "ROLLBACK_REFUSED");
    await refusedUnchanged(r, () => r.guard.recordInstalled(candidate({ digest: digest(99) })), "ROLLBACK_REFUSED");
    await refusedUnchanged(r, () => r.guard.check(candidate({ sequence: 0 })), "ROLLBACK_REFUSED");
  });

  it("ROLLBACK_REFUSED: a security counter below the stored one, whatever the sequence number", async () => {
    const r = await rig();
    await update(r.guard, candidate({ securityCounter: 5 }));
    await refusedUnchanged(
      r,
      () => r.guard.recordInstalled(candidate({ sequence: 11, securityCounter: 4 })),
      "ROLLBACK_REFUSED",
    );
    // MCUboot semantics: an equal security counter is fine.
    expect((await r.guard.check(candidate({ sequence: 11, securityCounter: 5 }))).kind).toBe("upgrade");
  });

  it("ROLLBACK_EXPIRED: a manifest at or past its expiry, or without one when required", async () => {
    const r = await rig();
    await refusedUnchanged(r, () => r.guard.recordInstalled(candidate({ expiresAt: T0 - 1 })), "ROLLBACK_EXPIRED");
    await refusedUnchanged(r, () => r.guard.recordInstalled(candidate({ expiresAt: T0 })), "ROLLBACK_EXPIRED");
    const strict = await rig({ requireExpiry: true });
    await refusedUnchanged(strict, () => strict.guard.check(candidate({ expiresAt: undefined })), "ROLLBACK_EXPIRED");
  });

  it("ROLLBACK_STALE: a manifest older than the maximum age, or undated while one is set", async () => {
    const r = await rig();
    await refusedUnchanged(
      r,
      () => r.guard.recordInstalled(candidate({ issuedAt: T0 - 31 * 86400 })),
      "ROLLBACK_STALE",
    );
    await refusedUnchanged(r, () => r.guard.check(candidate({ issuedAt: undefined })), "ROLLBACK_STALE");
    const lax = await rig({ maxAge: undefined });
    expect((await lax.guard.check(candidate({ issuedAt: undefined }))).kind).toBe("upgrade");
  });

  it("keeps time from running back below the newest accepted manifest (a clock reset cannot revive expired manifests)", async () => {
    const r = await rig();
    await update(r.guard, candidate({ issuedAt: T0 }));
    r.clock.t = 0; // the RTC lost power
    await refusedUnchanged(
      r,
      () => r.guard.check(candidate({ sequence: 11, issuedAt: T0 - 7200, expiresAt: T0 - 3600 })),
      "ROLLBACK_EXPIRED",
    );
    expect((await r.guard.state()).timeFloor).toBe(T0);
  });

  it("ROLLBACK_NOT_CONFIRMED: a new candidate while an install of the component waits for its trial boot", async () => {
    const r = await rig();
    await r.guard.recordInstalled(candidate());
    await refusedUnchanged(
      r,
      () => r.guard.recordInstalled(candidate({ sequence: 11, digest: digest(11) })),
      "ROLLBACK_NOT_CONFIRMED",
    );
    expect((await r.guard.check(candidate({ component: "boot" }))).kind).toBe("upgrade");
  });

  it("INVALID_ARGUMENT: malformed candidates", async () => {
    const r = await rig();
    const bad: Array<Partial<Candidate>> = [
      { sequence: -1 },
      { sequence: 2 ** 53 },
      { sequence: 1.5 },
      { securityCounter: -2 },
      { digest: new Uint8Array(0) },
      { digest: new Uint8Array(65) },
      { component: new Uint8Array(65) },
      { expiresAt: Number.NaN },
      { ticket: "x" as unknown as Uint8Array },
    ];
    for (const b of bad) await refusedUnchanged(r, () => r.guard.recordInstalled(candidate(b)), "INVALID_ARGUMENT");
  });
});

describe("AntiRollbackGuard: downgrade tickets", () => {
  async function at12(): Promise<Rig> {
    const r = await rig();
    await update(r.guard, candidate({ sequence: 12, digest: digest(12), securityCounter: 2 }));
    return r;
  }
  const down = (t: Uint8Array, over: Partial<Candidate> = {}) =>
    candidate({ sequence: 11, digest: digest(11), securityCounter: 2, ticket: t, ...over });

  it("allows the emergency rollback it names, once; the floor stays where it was", async () => {
    const r = await at12();
    const t = await ticket(r);
    expect((await r.guard.check(down(t))).kind).toBe("downgrade");
    await r.guard.recordInstalled(down(t));
    const [confirmed] = await r.guard.confirm();
    expect(confirmed).toEqual(expect.objectContaining({ sequence: 12, installed: 11, digest: digest(11) }));
    // Moving on needs a sequence number above the old floor.
    await refusedUnchanged(r, () => r.guard.check(candidate({ sequence: 12, digest: digest(12) })), "ROLLBACK_REFUSED");
    expect((await r.guard.check(candidate({ sequence: 13, digest: digest(13) }))).kind).toBe("upgrade");
  });

  it("ROLLBACK_TICKET_INVALID: a ticket for another device", async () => {
    const r = await at12();
    const t = await ticket(r, { deviceId: utf8Encode("device-0002") });
    await refusedUnchanged(r, () => r.guard.recordInstalled(down(t)), "ROLLBACK_TICKET_INVALID");
  });

  it("ROLLBACK_TICKET_INVALID: a ticket for another component, from-version or to-version", async () => {
    const r = await at12();
    for (const over of [{ component: "boot" }, { fromSequence: 13, toSequence: 11 }, { toSequence: 10 }]) {
      const t = await ticket(r, over);
      await refusedUnchanged(r, () => r.guard.recordInstalled(down(t)), "ROLLBACK_TICKET_INVALID");
    }
  });

  it("ROLLBACK_TICKET_INVALID: a ticket signed by an untrusted key, malformed, or with no trusted key configured", async () => {
    const r = await at12();
    const rogue = await createDowngradeTicket(
      {
        deviceId: DEVICE,
        component: "app",
        fromSequence: 12,
        toSequence: 11,
        expiresAt: T0 + 3600,
        ticketId: utf8Encode("ticket-0001"),
      },
      await generateSoftwareKey("ES256"),
    );
    await refusedUnchanged(r, () => r.guard.recordInstalled(down(rogue)), "ROLLBACK_TICKET_INVALID");
    await refusedUnchanged(r, () => r.guard.recordInstalled(down(Uint8Array.of(0x80))), "ROLLBACK_TICKET_INVALID");
    const noKeys = await rig({ ticketKeys: undefined });
    await update(noKeys.guard, candidate({ sequence: 12, digest: digest(12) }));
    await refusedUnchanged(noKeys, async () => noKeys.guard.check(down(await ticket(r))), "ROLLBACK_TICKET_INVALID");
  });

  it("ROLLBACK_EXPIRED: an expired ticket", async () => {
    const r = await at12();
    const t = await ticket(r, { expiresAt: T0 - 1 });
    await refusedUnchanged(r, () => r.guard.recordInstalled(down(t)), "ROLLBACK_EXPIRED");
  });

  it("ROLLBACK_TICKET_INVALID: a replayed ticket, even after its install was abandoned", async () => {
    const r = await at12();
    const t = await ticket(r);
    await r.guard.recordInstalled(down(t));
    await r.guard.abandon();
    await refusedUnchanged(r, () => r.guard.recordInstalled(down(t)), "ROLLBACK_TICKET_INVALID");
    // A fresh ticket works.
    expect((await r.guard.check(down(await ticket(r, { ticketId: utf8Encode("ticket-0002") })))).kind).toBe(
      "downgrade",
    );
  });

  it("limits how many unexpired spent tickets it remembers; expired ones are dropped", async () => {
    const r = await at12();
    const g = await AntiRollbackGuard.open({
      store: new MemoryRecordStore(),
      clock: r.clock,
      deviceId: DEVICE,
      provider: nobleProvider(),
      ticketKeys: [{ alg: "ES256", key: r.ticketKey.publicKey }],
      maxUsedTickets: 2,
    });
    await update(g, candidate({ sequence: 12, digest: digest(12) }));
    for (const id of ["ticket-a-1", "ticket-b-1"]) {
      await g.recordInstalled(down(await ticket(r, { ticketId: utf8Encode(id), expiresAt: T0 + 100 })));
      await g.abandon();
    }
    const third = down(await ticket(r, { ticketId: utf8Encode("ticket-c-1"), expiresAt: T0 + 1000 }));
    await expect(g.check(third)).rejects.toThrow(code("ROLLBACK_TICKET_INVALID"));
    r.clock.t = T0 + 200; // the first two expired
    await g.recordInstalled(third);
    expect((await g.state()).usedTickets.map((u) => u.expiresAt)).toEqual([T0 + 1000]);
  });

  it("never lets a ticket go below the security counter", async () => {
    const r = await at12();
    const t = await ticket(r);
    await refusedUnchanged(r, () => r.guard.recordInstalled(down(t, { securityCounter: 1 })), "ROLLBACK_REFUSED");
  });

  it("ignores a ticket an upgrade does not need", async () => {
    const r = await at12();
    expect((await r.guard.check(candidate({ sequence: 13, ticket: Uint8Array.of(0) }))).kind).toBe("upgrade");
  });
});

describe("AntiRollbackGuard: storage", () => {
  it("fails to open on a corrupt state with COUNTER_CORRUPT", async () => {
    const store = new MemoryRecordStore(Uint8Array.of(0xa0));
    await expect(AntiRollbackGuard.open({ store, clock: fixedClock(T0), deviceId: DEVICE })).rejects.toThrow(
      code("COUNTER_CORRUPT"),
    );
  });

  it("requires a store, a clock and a device id", async () => {
    const store = new MemoryRecordStore();
    const clock = fixedClock(T0);
    await expect(AntiRollbackGuard.open({ store, clock, deviceId: new Uint8Array(0) })).rejects.toThrow(
      code("INVALID_ARGUMENT"),
    );
    await expect(AntiRollbackGuard.open({ store, deviceId: DEVICE } as unknown as GuardOptions)).rejects.toThrow(
      code("INVALID_ARGUMENT"),
    );
  });
});
