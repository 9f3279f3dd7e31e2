import { readdirSync, readFileSync } from "node:fs";
import { fromBase64, nobleProvider, RotkitError, toHex } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { checkEventLogAgainstPcrs, EV_NO_ACTION, parseEventLog, replayEventLog } from "../src/index.js";

const dir = new URL("../../../test-vectors/tpm-go-attestation/attest/", import.meta.url).pathname;
const logs = readdirSync(dir).filter((f) => f.endsWith("_eventlog"));
const gcp = JSON.parse(readFileSync(`${dir}windows_gcp_shielded_vm.json`, "utf8"));

describe("TCG PC Client event logs (go-attestation test data)", () => {
  it("finds the six raw logs", () => expect(logs.length).toBe(6));

  for (const f of logs) {
    it(`${f}: parses and replays`, async () => {
      const log = parseEventLog(readFileSync(`${dir}${f}`));
      expect(log.events.length).toBeGreaterThan(0);
      const replayed = await replayEventLog(log, nobleProvider());
      expect(replayed.size).toBeGreaterThan(0);
    });
  }

  it("crypto-agile logs list their banks from the Spec ID Event03", () => {
    const log = parseEventLog(readFileSync(`${dir}ubuntu_2104_shielded_vm_no_secure_boot_eventlog`));
    expect(log.format).toBe("crypto-agile");
    expect([...log.algorithms.keys()]).toEqual([0x0004, 0x000b, 0x000c]);
  });

  it("short_no_action: a lone StartupLocality EV_NO_ACTION still parses and sets PCR 0's start value", async () => {
    const log = parseEventLog(readFileSync(`${dir}short_no_action_eventlog`));
    expect(log.events).toHaveLength(1);
    expect(log.events[0]?.type).toBe(EV_NO_ACTION);
    // one measured event on PCR 0 after the StartupLocality(3) event: PCR0 = SHA1(00..03 ‖ digest)
    const bytes = new Uint8Array(readFileSync(`${dir}short_no_action_eventlog`));
    const measured = new Uint8Array(32); // SHA-1 format: pcr, type, digest[20], size 0
    measured[4] = 1; // EV_POST_CODE
    const both = new Uint8Array(bytes.length + measured.length);
    both.set(bytes);
    both.set(measured, bytes.length);
    const pcr0 = (await replayEventLog(both, nobleProvider())).get("sha1")?.get(0);
    const { sha1 } = await import("@rotkit/core");
    const start = new Uint8Array(40);
    start[19] = 3;
    expect(toHex(pcr0 as Uint8Array)).toBe(toHex(sha1(start)));
  });

  it("the GCP Windows log replays to the quoted SHA-1 PCRs; a changed PCR is named", async () => {
    const replayed = await replayEventLog(fromBase64(gcp.Log.Raw), nobleProvider());
    const pcrs = new Map<number, Uint8Array>(
      gcp.Log.PCRs.map((p: { Index: number; Digest: string }) => [p.Index, fromBase64(p.Digest)]),
    );
    expect(checkEventLogAgainstPcrs(replayed, { sha1: pcrs }).checked.length).toBeGreaterThanOrEqual(8);
    const bad = new Map(pcrs);
    bad.set(4, new Uint8Array(20));
    expect(() => checkEventLogAgainstPcrs(replayed, { sha1: bad })).toThrow(/sha1:4 /);
  });

  it("mutations: every flip and truncation of a sample of each log is a RotkitError or a value", () => {
    for (const f of logs) {
      const bytes = new Uint8Array(readFileSync(`${dir}${f}`));
      const head = bytes.subarray(0, Math.min(bytes.length, 600)); // the Spec ID header and the first events
      expectOnlyRotkitErrors((b) => parseEventLog(b), singleByteMutations(head, [0xff]));
      expectOnlyRotkitErrors((b) => parseEventLog(b), truncations(head));
      // a sample of positions across the whole log
      const sample = [...singleByteMutations(bytes, [0xff])].filter((m) => m.at % 97 === 0);
      expectOnlyRotkitErrors((b) => parseEventLog(b), sample);
    }
  });

  it("limits bound the event count and event size", () => {
    const bytes = new Uint8Array(readFileSync(`${dir}sb_cert_eventlog`));
    expect(() => parseEventLog(bytes, { maxEvents: 3 })).toThrow(RotkitError);
    expect(() => parseEventLog(bytes, { maxEventSize: 16 })).toThrow(RotkitError);
    expect(() => parseEventLog(bytes, { maxBytes: 100 })).toThrow(RotkitError);
  });
});
