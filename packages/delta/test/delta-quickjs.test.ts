// The rotkit delta applier is device-side: this bundles @rotkit/delta for a neutral platform (a Node built-in
// anywhere in the graph fails the build) and applies a patch inside QuickJS under a 4 MiB memory limit, with no
// TextEncoder, Buffer or streams: a whole apply with checkpoints, a resume from the second one, and a damaged patch.
import { toHex } from "@rotkit/core";
import { createDelta } from "@rotkit/delta/create";
import { describe, expect, it } from "vitest";
import { bundleForDevice, NODE_ONLY_PATTERN, runInQuickJs, scenarioFooter } from "../../core/test/helpers/quickjs.js";
import { firmwarePair } from "./helpers/firmware.js";

const scenario = `
import { fromHex, isRotkitError } from "@rotkit/core";
import { applyDelta, decodeCheckpoint, encodeCheckpoint, memoryReader, memorySink, memorySource } from "@rotkit/delta";

function same(a, b) { if (a.length !== b.length) return false; for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; return true; }

async function run() {
  const g = globalThis.__data;
  const old = fromHex(g.old), expected = fromHex(g.new), patch = fromHex(g.patch);
  const out = {};
  const saved = [];
  let sink = memorySink();
  const r = await applyDelta(memoryReader(old), memorySource(patch, 700), sink, { onCheckpoint: (cp) => { saved.push(encodeCheckpoint(cp)); } });
  out.whole = same(sink.bytes(), expected);
  out.blocks = saved.length;
  out.workingBytes = r.workingBytes;
  const cp = decodeCheckpoint(saved[1]);
  sink = memorySink();
  await applyDelta(memoryReader(old), memorySource(patch.subarray(cp.patchOffset), 333), sink, { resume: cp });
  const joined = new Uint8Array(expected.length);
  joined.set(expected.subarray(0, cp.newOffset));
  joined.set(sink.bytes(), cp.newOffset);
  out.resumed = same(joined, expected);
  const bad = patch.slice();
  bad[bad.length - 7] ^= 0x10;
  try { await applyDelta(memoryReader(old), memorySource(bad), memorySink()); out.tampered = "accepted"; }
  catch (e) { out.tampered = isRotkitError(e) ? e.code : "crash: " + e; }
  out.noTextEncoder = typeof TextEncoder === "undefined";
  return out;
}
${scenarioFooter}`;

describe("rotkit delta applier on QuickJS", () => {
  it("applies, resumes from a checkpoint and refuses a damaged patch under a 4 MiB limit", async () => {
    const pair = firmwarePair(51, 6000, "thumb");
    const patch = await createDelta(pair.old, pair.new, { blockSize: 8192 });
    const code = await bundleForDevice(scenario);
    expect(code).not.toMatch(NODE_ONLY_PATTERN);
    const data = { old: toHex(pair.old), new: toHex(pair.new), patch: toHex(patch) };
    const result = await runInQuickJs(code, { globals: { __data: data }, memoryLimit: 4 * 1024 * 1024 });
    expect(result).toEqual({
      whole: true,
      blocks: Math.ceil(pair.new.length / 8192),
      workingBytes: 58676,
      resumed: true,
      tampered: "DELTA_CORRUPT",
      noTextEncoder: true,
    });
  });
});
