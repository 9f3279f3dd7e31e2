// The BSDIFF40 / VCDIFF appliers and the bzip2 decoder are device-side: this bundles them for a neutral platform
// (a Node built-in anywhere in the graph fails the build) and applies the committed tool-made patches inside
// QuickJS under a 16 MiB memory limit, with no TextEncoder, Buffer or streams.
import { fileURLToPath } from "node:url";
import { toHex } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { bundleForDevice, NODE_ONLY_PATTERN, runInQuickJs, scenarioFooter } from "../../core/test/helpers/quickjs.js";
import { vector } from "./helpers/interop-tools.js";

const src = fileURLToPath(new URL("../src/", import.meta.url));

const scenario = `
import { fromHex, isRotkitError } from "@rotkit/core";
import { applyBsdiff } from "${src}bsdiff/apply.ts";
import { applyVcdiff } from "${src}vcdiff/apply.ts";
import { decompressBzip2 } from "${src}bzip2/decoder.ts";

const reader = (b) => ({ size: b.length, read: (o, n) => b.subarray(o, o + n) });
const pull = (b) => { let p = 0; return { read: (max) => { const n = Math.min(max, 1000, b.length - p); const r = b.subarray(p, p + n); p += n; return r; } }; };
function sink() { const parts = []; return { parts, write: (c) => { parts.push(c.slice()); } }; }
function joined(s) { let n = 0; for (const p of s.parts) n += p.length; const o = new Uint8Array(n); let at = 0; for (const p of s.parts) { o.set(p, at); at += p.length; } return o; }
function same(a, b) { if (a.length !== b.length) return false; for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; return true; }
async function code(f) { try { await f(); return "ok"; } catch (e) { return isRotkitError(e) ? e.code : "crash: " + e; } }

async function run() {
  const g = globalThis.__data;
  const old = fromHex(g.old), expected = fromHex(g.new);
  const out = {};
  let s = sink();
  await applyBsdiff(reader(old), pull(fromHex(g.bsdiff)), s, { bzip2Memory: "small" });
  out.bsdiffPull = same(joined(s), expected);
  s = sink();
  await applyBsdiff(reader(old), reader(fromHex(g.bsdiff)), s);
  out.bsdiffReader = same(joined(s), expected);
  s = sink();
  const r = await applyVcdiff(reader(old), pull(fromHex(g.vcdiff)), s);
  out.vcdiff = same(joined(s), expected) && r.checksummedWindows === 2;
  out.bzip2 = same(await decompressBzip2(fromHex(g.bz2)), expected);
  const bad = fromHex(g.bsdiff);
  bad[bad.length - 3] ^= 0x20;
  out.bsdiffTampered = await code(() => applyBsdiff(reader(old), reader(bad), sink()));
  const badV = fromHex(g.vcdiff);
  badV[badV.length - 2] ^= 0x01;
  out.vcdiffTampered = await code(() => applyVcdiff(reader(old), pull(badV), sink()));
  out.noTextEncoder = typeof TextEncoder === "undefined";
  return out;
}
${scenarioFooter}`;

describe("BSDIFF40 / VCDIFF / bzip2 on QuickJS", () => {
  it("applies bsdiff (pull + reader), xdelta3 -W 16384 and bzip2 -9 data byte-exact under a 16 MiB limit", async () => {
    const code = await bundleForDevice(scenario);
    expect(code).not.toMatch(NODE_ONLY_PATTERN);
    const data = {
      old: toHex(vector("old.bin")),
      new: toHex(vector("new.bin")),
      bsdiff: toHex(vector("new.bsdiff")),
      vcdiff: toHex(vector("new-W16k.xdelta3")),
      bz2: toHex(vector("new.bin.bz2")),
    };
    expect(await runInQuickJs(code, { globals: { __data: data } })).toEqual({
      bsdiffPull: true,
      bsdiffReader: true,
      vcdiff: true,
      bzip2: true,
      bsdiffTampered: "DELTA_CORRUPT",
      vcdiffTampered: "DELTA_CORRUPT",
      noTextEncoder: true,
    });
  });
});
