// @rotkit/rollback is device-side: bundled for a neutral platform (a Node built-in anywhere in the graph fails the
// build) it must run on QuickJS, which has no TextEncoder, no Buffer and no WebCrypto. The scenario drives the flash
// journal through a power cut and a full guarded update with a downgrade ticket, under a memory limit. The VM gets a
// deterministic crypto.getRandomValues (test keys only); a device host injects its TRNG there.
import { describe, expect, it } from "vitest";
import { bundleForDevice, NODE_ONLY_PATTERN, runInQuickJs, scenarioFooter } from "../../core/test/helpers/quickjs.js";

const scenario = `
let seed = 0x2545f491;
globalThis.crypto = { getRandomValues(a) {
  for (let i = 0; i < a.length; i++) { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; a[i] = seed & 0xff; }
  return a;
} };
import { generateSoftwareKey, isRotkitError, nobleProvider, utf8Encode } from "@rotkit/core";
import { AntiRollbackGuard, createDowngradeTicket, FlashJournal, MemoryFlash, openFlashCounterStore } from "@rotkit/rollback";

const codeOf = async (p) => { try { await p; return "accepted"; } catch (e) { return isRotkitError(e) ? e.code : "crash: " + e; } };

async function run() {
  const out = {};
  const flash = new MemoryFlash({ size: 5 * 256, eraseSize: 256, writeSize: 8 });
  let counters = await openFlashCounterStore(flash, { offset: 0, sectors: 2 });
  for (let v = 1; v <= 50; v++) await counters.advanceTo("boot", v);
  flash.schedulePowerCut({ completedUnits: 1, garbage: true });
  out.cut = await codeOf(counters.advanceTo("boot", 51));
  flash.powerOn();
  counters = await openFlashCounterStore(flash, { offset: 0, sectors: 2 });
  out.afterCut = await counters.read("boot");
  out.decrease = await codeOf(counters.advanceTo("boot", 1));

  const deviceId = utf8Encode("device-7");
  const key = await generateSoftwareKey("EdDSA");
  const open = async () => AntiRollbackGuard.open({
    store: await FlashJournal.open(flash, { offset: 512, sectors: 3 }),
    clock: { now: () => 1760000000 }, deviceId, provider: nobleProvider(), ticketKeys: [{ alg: "EdDSA", key: key.publicKey }],
  });
  const guard = await open();
  const digest = (n) => new Uint8Array(32).fill(n);
  await guard.recordInstalled({ component: "app", sequence: 12, digest: digest(12) });
  await guard.confirm();
  out.refused = await codeOf(guard.check({ component: "app", sequence: 11, digest: digest(11) }));
  const ticket = await createDowngradeTicket({ deviceId, component: "app", fromSequence: 12, toSequence: 11,
    expiresAt: 1760003600, ticketId: utf8Encode("emergency-1") }, key);
  out.downgrade = (await guard.recordInstalled({ component: "app", sequence: 11, digest: digest(11), ticket })).kind;
  out.confirmed = (await guard.confirm()).map((c) => [c.sequence, c.installed]);
  out.replay = await codeOf(guard.check({ component: "app", sequence: 11, digest: digest(11), ticket }));
  out.noTextEncoder = typeof TextEncoder === "undefined";
  return out;
}
${scenarioFooter}`;

describe("@rotkit/rollback on QuickJS", () => {
  it("runs the flash journal through a power cut and a guarded update with a downgrade ticket", async () => {
    const code = await bundleForDevice(scenario);
    expect(code).not.toMatch(NODE_ONLY_PATTERN);
    expect(await runInQuickJs(code)).toEqual({
      cut: "COUNTER_IO",
      afterCut: 50,
      decrease: "COUNTER_DECREASE",
      refused: "ROLLBACK_REFUSED",
      downgrade: "downgrade",
      confirmed: [[12, 11]],
      replay: "ROLLBACK_TICKET_INVALID",
      noTextEncoder: true,
    });
  });
});
