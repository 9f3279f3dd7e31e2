import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixedClock, utf8Encode } from "@rotkit/core";
import { AntiRollbackGuard, decodeRecord, encodeRecord } from "@rotkit/rollback";
import { FileRecordStore, openFileCounter, openFileCounterStore } from "@rotkit/rollback/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { singleByteMutations } from "../../core/test/helpers/mutate.js";

const code = (c: string) => expect.objectContaining({ code: c });
let dir = "";

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rotkit-rollback-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("file-backed counters (@rotkit/rollback/node)", () => {
  it("stores one journal record per file and survives reopening", async () => {
    const path = join(dir, "counter");
    const c = await openFileCounter(path);
    expect(await c.read()).toBe(0);
    await c.advanceTo(5);
    await c.advanceTo(9);
    await expect(c.advanceTo(8)).rejects.toThrow(code("COUNTER_DECREASE"));
    expect(await (await openFileCounter(path)).read()).toBe(9);
    const rec = decodeRecord(new Uint8Array(await readFile(path)));
    expect(rec.sequence).toBe(2);
    expect(await readdir(dir)).toEqual(["counter"]); // no temporary file left behind
  });

  it("ignores a temporary file left by a crash before the rename", async () => {
    const path = join(dir, "counters");
    const store = await openFileCounterStore(path);
    await store.advanceTo("app", 3);
    await writeFile(join(dir, ".counters.0badc0ffee00.tmp"), encodeRecord(99, utf8Encode("junk")));
    expect(await (await openFileCounterStore(path)).read("app")).toBe(3);
  });

  it("reports a corrupt file as COUNTER_CORRUPT for every single-byte flip", async () => {
    const path = join(dir, "counter");
    const c = await openFileCounter(path);
    await c.advanceTo(123456);
    const good = new Uint8Array(await readFile(path));
    let n = 0;
    for (const m of singleByteMutations(good, [0x01, 0xff])) {
      await writeFile(path, m.bytes);
      await expect(openFileCounter(path)).rejects.toThrow(code("COUNTER_CORRUPT"));
      n++;
    }
    expect(n).toBe(good.length * 2);
    await writeFile(path, good.subarray(0, good.length - 1));
    await expect(openFileCounter(path)).rejects.toThrow(code("COUNTER_CORRUPT"));
  });

  it("treats a missing file as corrupt once it must exist", async () => {
    await expect(openFileCounter(join(dir, "gone"), { mustExist: true })).rejects.toThrow(code("COUNTER_CORRUPT"));
  });

  it("reports an unwritable location as COUNTER_IO", async () => {
    const store = new FileRecordStore(join(dir, "missing-dir", "state"));
    await expect(store.save(Uint8Array.of(1))).rejects.toThrow(code("COUNTER_IO"));
    await expect(new FileRecordStore(dir).load()).rejects.toThrow(code("COUNTER_IO"));
  });

  it("holds the guard's trusted state", async () => {
    const path = join(dir, "rollback.state");
    const open = () =>
      AntiRollbackGuard.open({ store: new FileRecordStore(path), clock: fixedClock(1000), deviceId: utf8Encode("d") });
    const guard = await open();
    await guard.recordInstalled({ component: "app", sequence: 4, digest: new Uint8Array(32) });
    await (await open()).confirm();
    expect((await (await open()).component("app"))?.sequence).toBe(4);
  });
});
