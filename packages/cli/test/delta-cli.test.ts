// `rotkit delta create|apply|info` and `rotkit conformance delta-corpus` on the small real pair (ath9k-htc firmware)
// and the synthetic pair that test-vectors/delta-interop holds (the same files the BSDIFF40/VCDIFF interop tests use).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  applyDelta,
  type DeltaCheckpoint,
  encodeCheckpoint,
  memoryReader,
  memorySink,
  memorySource,
} from "@rotkit/delta";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/run-cli.js";

const VECTORS = new URL("../../../test-vectors/delta-interop/", import.meta.url).pathname;
const PAIR = join(VECTORS, "ath9k-htc-fw");

const run = runCli;

const dir = mkdtempSync(join(tmpdir(), "rotkit-delta-cli-"));
const f = (n: string) => join(dir, n);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const newImage = () => new Uint8Array(readFileSync(join(PAIR, "new.bin")));

describe("rotkit delta", () => {
  it("create, info and apply round-trip the ath9k-htc pair", async () => {
    const c = await run(["delta", "create", join(PAIR, "old.bin"), join(PAIR, "new.bin"), f("a.rkd"), "--json"]);
    expect(c.status).toBe(0);
    const summary = JSON.parse(c.out);
    expect(summary.new).toBe(51008);
    expect(summary.patch).toBe(readFileSync(f("a.rkd")).length);
    expect(summary.patch).toBeLessThan(20271); // bsdiff 4.3's patch of this pair

    const i = await run(["delta", "info", f("a.rkd"), "--json"]);
    expect(i.status).toBe(0);
    const info = JSON.parse(i.out);
    expect(info).toMatchObject({ format: "rotkit-delta", version: 1, oldSize: 51008, newSize: 51008, complete: true });

    const a = await run(["delta", "apply", join(PAIR, "old.bin"), f("a.rkd"), f("a.out")]);
    expect(a.err).toBe("");
    expect(a.status).toBe(0);
    expect(new Uint8Array(readFileSync(f("a.out")))).toEqual(newImage());
  });

  it("applies the BSDIFF40 and VCDIFF patches of the same pair (--format)", async () => {
    for (const [format, patch] of [
      ["bsdiff", "new.bsdiff"],
      ["vcdiff", "new.xdelta3"],
    ] as const) {
      const r = await run([
        "delta",
        "apply",
        "--format",
        format,
        join(PAIR, "old.bin"),
        join(PAIR, patch),
        f(`${format}.out`),
      ]);
      expect(r.status).toBe(0);
      expect(new Uint8Array(readFileSync(f(`${format}.out`)))).toEqual(newImage());
    }
  });

  it("resumes from a checkpoint file (--checkpoint) and removes it when done", async () => {
    const c = await run([
      "delta",
      "create",
      join(PAIR, "old.bin"),
      join(PAIR, "new.bin"),
      f("b.rkd"),
      "--block-size",
      "8192",
    ]);
    expect(c.status).toBe(0);
    const patch = new Uint8Array(readFileSync(f("b.rkd")));
    const old = new Uint8Array(readFileSync(join(PAIR, "old.bin")));
    // An apply that lost power after its third block: the output so far and the checkpoint are on storage.
    let saved: DeltaCheckpoint | undefined;
    const stop = new Error("power loss");
    await applyDelta(memoryReader(old), memorySource(patch), memorySink(), {
      onCheckpoint: (cp) => {
        saved = cp;
        if (cp.block === 3) throw stop;
      },
    }).catch((e) => {
      if (e !== stop) throw e;
    });
    const cp = saved as DeltaCheckpoint;
    writeFileSync(f("b.out"), newImage().subarray(0, cp.newOffset));
    writeFileSync(f("b.cp"), encodeCheckpoint(cp));
    const r = await run(["delta", "apply", "--checkpoint", f("b.cp"), join(PAIR, "old.bin"), f("b.rkd"), f("b.out")]);
    expect(r.status).toBe(0);
    expect(r.out).toContain("resumed at block 3");
    expect(new Uint8Array(readFileSync(f("b.out")))).toEqual(newImage());
    expect(() => readFileSync(f("b.cp"))).toThrow();
  });

  it("refuses a damaged patch with exit 1 and the DELTA_* code, and leaves no output", async () => {
    await run(["delta", "create", join(PAIR, "old.bin"), join(PAIR, "new.bin"), f("c.rkd")]);
    const patch = readFileSync(f("c.rkd"));
    writeFileSync(f("c-trunc.rkd"), patch.subarray(0, patch.length - 10));
    const r = await run(["delta", "apply", join(PAIR, "old.bin"), f("c-trunc.rkd"), f("c.out")]);
    expect(r.status).toBe(1);
    expect(r.err).toContain("DELTA_CORRUPT");
    expect(() => readFileSync(f("c.out"))).toThrow();
    const wrongBase = await run(["delta", "apply", join(PAIR, "new.bin"), f("c.rkd"), f("c.out")]);
    expect(wrongBase.status).toBe(1);
    expect(wrongBase.err).toContain("DELTA_BASE_MISMATCH");
  });

  it("makes in-place patches (--in-place --granule) and info reports the granule", async () => {
    const c = await run([
      "delta",
      "create",
      join(PAIR, "old.bin"),
      join(PAIR, "new.bin"),
      f("ip.rkd"),
      "--in-place",
      "--granule",
      "4096",
    ]);
    expect(c.status).toBe(0);
    const info = JSON.parse((await run(["delta", "info", f("ip.rkd"), "--json"])).out);
    expect(info).toMatchObject({ inPlace: true, inPlaceGranule: 4096, blockOutputMax: 65536 });
    const a = await run(["delta", "apply", join(PAIR, "old.bin"), f("ip.rkd"), f("ip.out")]);
    expect(a.status).toBe(0);
    expect(new Uint8Array(readFileSync(f("ip.out")))).toEqual(newImage());
    expect((await run(["delta", "create", "a", "b", "c", "--granule", "4096"])).status).toBe(2);
  });

  it("usage errors exit 2", async () => {
    expect((await run(["delta"])).status).toBe(2);
    expect((await run(["delta", "apply", "a", "b"])).status).toBe(2);
    expect((await run(["delta", "apply", "--format", "zip", "a", "b", "c"])).status).toBe(2);
    expect((await run(["delta", "create", "a", "b", "c", "--block-size"])).status).toBe(2);
    expect((await run(["delta", "info", f("missing.rkd")])).status).toBe(2);
  });
});

describe("rotkit conformance delta-corpus", () => {
  it("round-trips every pair in test-vectors/delta-interop and refuses the damaged patches", async () => {
    const r = await run(["conformance", "delta-corpus", VECTORS, "--json"]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.total).toBe(8); // two pairs (the folder itself and ath9k-htc-fw), four cases each
    expect(s.failed).toBe(0);
    expect(s.falseAccepts).toBe(0);
  });
});
