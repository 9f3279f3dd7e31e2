// Firmware deltas on the corpus (../shared/corpus/delta, or $ROTKIT_DELTA_CORPUS): rotkit against Debian's bsdiff /
// bspatch 4.3 in one run, per pair:
// - patch size (also xdelta3 -9 -S lzma and zstd -19 --patch-from, where installed);
// - create: CPU time and peak memory, rotkit in a child process (bench/delta-create-child.ts) and bsdiff, both
//   measured from the outside the same way (CPU from rusage; peak RSS above the process's start-up RSS for rotkit);
// - apply: rotkit's applyDelta in process (old image, patch and output slot in memory, SHA-256 of the old image
//   checked first and of the new image at the end) against bspatch as users run it, rounds interleaved, the ratio
//   taken per round; once with node:crypto's SHA-256 (a device's hash engine) and once with the portable JS one;
// - the applier's working memory (what applyDelta allocates or asks the old-image reader for at once).
// Every rotkit patch is checked byte for byte. The figures are printed; nothing here gates a test.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ByteSink, bytesEqual } from "@rotkit/core";
import { applyDelta, memoryReader, memorySource, type Sha256Factory } from "@rotkit/delta";
import { bspatchMs, installed, runTool, sizeOf, type ToolRun } from "./delta-tools.js";
import { median } from "./harness.js";

const ROUNDS = 7;
const LARGE = 2_000_000;

const nodeSha256: Sha256Factory = {
  create() {
    const h = createHash("sha256");
    return { update: (d) => void h.update(d), digest: () => new Uint8Array(h.digest()) };
  },
};

/** The flash slot the new image goes to: a preallocated buffer the sink copies into. */
function slotSink(size: number): ByteSink & { bytes(): Uint8Array; reset(): void } {
  const slot = new Uint8Array(size);
  let at = 0;
  return {
    write(chunk) {
      slot.set(chunk, at);
      at += chunk.length;
    },
    bytes: () => slot.subarray(0, at),
    reset: () => {
      at = 0;
    },
  };
}

interface PairResult {
  name: string;
  oldSize: number;
  newSize: number;
  rotkit: number;
  bsdiff: number;
  xdelta3: number;
  zstd: number;
  roundTrip: boolean;
  createCpu: number;
  bsdiffCpu: number;
  createPeak: number;
  bsdiffPeak: number;
  applyMs: number;
  applyPortableMs: number;
  bspatchMs: number;
  applyRatio: number;
  applyPortableRatio: number;
  workingBytes: number;
}

function createInChild(oldPath: string, newPath: string, outPath: string): { cpuMs: number; peakBytes: number } {
  const child = fileURLToPath(new URL("./delta-create-child.ts", import.meta.url));
  const r = spawnSync(process.execPath, [...process.execArgv, child, oldPath, newPath, outPath], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`rotkit create failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

async function timeApply(old: Uint8Array, patch: Uint8Array, sink: ReturnType<typeof slotSink>, sha: Sha256Factory) {
  sink.reset();
  const t = performance.now();
  const result = await applyDelta(memoryReader(old), memorySource(patch), sink, { sha256: sha });
  return { ms: performance.now() - t, result };
}

async function measurePair(name: string, dir: string, tmp: string): Promise<PairResult> {
  const oldPath = join(dir, "old.bin");
  const newPath = join(dir, "new.bin");
  const old = new Uint8Array(readFileSync(oldPath));
  const neu = new Uint8Array(readFileSync(newPath));
  const rkPath = join(tmp, `${name}.rkd`);
  const bsPath = join(tmp, `${name}.bsdiff`);
  const created = createInChild(oldPath, newPath, rkPath);
  const bs: ToolRun = runTool("bsdiff", [oldPath, newPath, bsPath]);
  if (!bs.ok) throw new Error(`bsdiff failed on ${name}`);
  let xdelta3 = Number.NaN;
  if (installed("xdelta3", ["-V"])) {
    const x = join(tmp, `${name}.xd3`);
    if (!runTool("xdelta3", ["-e", "-9", "-S", "lzma", "-f", "-s", oldPath, newPath, x]).ok) {
      runTool("xdelta3", ["-e", "-9", "-f", "-s", oldPath, newPath, x]);
    }
    xdelta3 = sizeOf(x);
  }
  let zstd = Number.NaN;
  if (installed("zstd", ["-V"])) {
    const z = join(tmp, `${name}.zst`);
    runTool("zstd", ["-19", "-q", "-f", `--patch-from=${oldPath}`, newPath, "-o", z]);
    zstd = sizeOf(z);
  }

  const patch = new Uint8Array(readFileSync(rkPath));
  const sink = slotSink(neu.length);
  const first = await timeApply(old, patch, sink, nodeSha256);
  const roundTrip = bytesEqual(sink.bytes(), neu);
  // Warm-up: steady-state code, as on a device that runs the applier compiled (JIT tiers settle in a few runs).
  for (let spent = 0, n = 0; n < 40 && spent < 400; n++) {
    spent +=
      (await timeApply(old, patch, sink, nodeSha256)).ms + (await timeApply(old, patch, sink, portableShaWarm)).ms;
  }
  const outPath = join(tmp, `${name}.out`);
  bspatchMs(oldPath, bsPath, outPath);
  const a: number[] = [];
  const p: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push((await timeApply(old, patch, sink, nodeSha256)).ms);
    b.push(bspatchMs(oldPath, bsPath, outPath));
    p.push((await timeApply(old, patch, sink, portableShaWarm)).ms);
  }
  return {
    name,
    oldSize: old.length,
    newSize: neu.length,
    rotkit: patch.length,
    bsdiff: sizeOf(bsPath),
    xdelta3,
    zstd,
    roundTrip,
    createCpu: created.cpuMs,
    bsdiffCpu: bs.cpuMs ?? bs.wallMs,
    createPeak: created.peakBytes,
    bsdiffPeak: bs.peakBytes ?? Number.NaN,
    applyMs: median(a),
    applyPortableMs: median(p),
    bspatchMs: median(b),
    applyRatio: median(b.map((x, i) => x / (a[i] as number))),
    applyPortableRatio: median(b.map((x, i) => x / (p[i] as number))),
    workingBytes: first.result.workingBytes,
  };
}

// The default hasher of applyDelta (portable SHA-256), named for the table.
const portableShaWarm: Sha256Factory = (await import("@rotkit/delta")).portableSha256;

const geomean = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / Math.max(1, xs.length));
const mb = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(1);
const mib = (b: number) => (b / 1048576).toFixed(1);

export default async function run(json: boolean): Promise<Record<string, number>> {
  const out = json ? process.stderr : process.stdout;
  const corpus =
    process.env.ROTKIT_DELTA_CORPUS ?? fileURLToPath(new URL("../../shared/corpus/delta", import.meta.url));
  if (!existsSync(corpus)) throw new Error(`delta corpus not found at ${corpus} (set ROTKIT_DELTA_CORPUS)`);
  if (!installed("bsdiff") || !installed("bspatch"))
    throw new Error("bsdiff and bspatch are needed (apt-get install bsdiff)");
  const names = readdirSync(corpus)
    .filter((n) => existsSync(join(corpus, n, "old.bin")) && existsSync(join(corpus, n, "new.bin")))
    .sort();
  const tmp = mkdtempSync(join(tmpdir(), "rotkit-bench-delta-"));
  const rows: PairResult[] = [];
  try {
    for (const name of names) {
      out.write(`delta: ${name}…\n`);
      rows.push(await measurePair(name, join(corpus, name), tmp));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  out.write("\nrotkit delta vs bsdiff 4.3 (patch bytes; xdelta3 -9 -S lzma and zstd -19 --patch-from for reference)\n");
  out.write(
    `${"pair".padEnd(26)}${"new".padStart(10)}${"rotkit".padStart(9)}${"bsdiff".padStart(9)}${"ratio".padStart(7)}${"xdelta3".padStart(9)}${"zstd".padStart(9)}  round trip\n`,
  );
  for (const r of rows) {
    out.write(
      `${r.name.padEnd(26)}${String(r.newSize).padStart(10)}${String(r.rotkit).padStart(9)}${String(r.bsdiff).padStart(9)}${(r.rotkit / r.bsdiff).toFixed(3).padStart(7)}${String(r.xdelta3).padStart(9)}${String(r.zstd).padStart(9)}  ${r.roundTrip ? "ok" : "FAILED"}\n`,
    );
  }
  out.write(
    "\ncreate: CPU ms and peak memory (MiB, x old image); apply: MB/s of new image, ratio to bspatch (median of per-round ratios)\n",
  );
  out.write(
    `${"pair".padEnd(26)}${"cpu rk".padStart(8)}${"cpu bs".padStart(8)}${"x".padStart(6)}${"mem rk".padStart(8)}${"x old".padStart(7)}${"mem bs".padStart(8)}${"rk MB/s".padStart(9)}${"rk(js)".padStart(8)}${"bspatch".padStart(9)}${"ratio".padStart(7)}${"(js)".padStart(6)}${"work B".padStart(8)}\n`,
  );
  for (const r of rows) {
    out.write(
      `${r.name.padEnd(26)}${r.createCpu.toFixed(0).padStart(8)}${r.bsdiffCpu.toFixed(0).padStart(8)}${(r.createCpu / r.bsdiffCpu).toFixed(2).padStart(6)}${mib(r.createPeak).padStart(8)}${(r.createPeak / r.oldSize).toFixed(1).padStart(7)}${mib(r.bsdiffPeak).padStart(8)}${mb(r.newSize, r.applyMs).padStart(9)}${mb(r.newSize, r.applyPortableMs).padStart(8)}${mb(r.newSize, r.bspatchMs).padStart(9)}${r.applyRatio.toFixed(2).padStart(7)}${r.applyPortableRatio.toFixed(2).padStart(6)}${String(r.workingBytes).padStart(8)}\n`,
    );
  }
  const large = rows.filter((r) => r.oldSize > LARGE || r.newSize > LARGE);
  const metrics: Record<string, number> = {
    pairs: rows.length,
    roundtrip_failures: rows.filter((r) => !r.roundTrip).length,
    size_vs_bsdiff_geomean: geomean(rows.map((r) => r.rotkit / r.bsdiff)),
    size_vs_bsdiff_max: Math.max(...rows.map((r) => r.rotkit / r.bsdiff)),
    apply_vs_bspatch_geomean: geomean(rows.map((r) => r.applyRatio)),
    apply_vs_bspatch_geomean_portable_sha: geomean(rows.map((r) => r.applyPortableRatio)),
    create_cpu_vs_bsdiff_max: Math.max(...large.map((r) => r.createCpu / r.bsdiffCpu)),
    create_cpu_vs_bsdiff_max_all: Math.max(...rows.map((r) => r.createCpu / r.bsdiffCpu)),
    create_peak_vs_old_max: Math.max(...large.map((r) => r.createPeak / r.oldSize)),
    apply_working_bytes_max: Math.max(...rows.map((r) => r.workingBytes)),
  };
  const check = (ok: boolean, what: string) => out.write(`  ${ok ? "met " : "MISS"}  ${what}\n`);
  out.write("\ntargets (issue 6):\n");
  check(metrics.roundtrip_failures === 0, "every pair round-trips byte-exact");
  check(
    (metrics.size_vs_bsdiff_geomean as number) <= 0.95,
    `size geomean ${metrics.size_vs_bsdiff_geomean?.toFixed(3)} <= 0.95x bsdiff`,
  );
  check(
    (metrics.size_vs_bsdiff_max as number) <= 1.15,
    `size max ${metrics.size_vs_bsdiff_max?.toFixed(3)} <= 1.15x bsdiff`,
  );
  check(
    (metrics.create_cpu_vs_bsdiff_max as number) <= 1.5,
    `create CPU on pairs above 2 MB ${metrics.create_cpu_vs_bsdiff_max?.toFixed(2)} <= 1.5x bsdiff`,
  );
  check(
    (metrics.create_peak_vs_old_max as number) <= 12,
    `create peak memory on pairs above 2 MB ${metrics.create_peak_vs_old_max?.toFixed(1)} <= 12x the old image`,
  );
  check(
    (metrics.apply_vs_bspatch_geomean as number) >= 1.5,
    `apply throughput geomean ${metrics.apply_vs_bspatch_geomean?.toFixed(2)} >= 1.5x bspatch (native SHA-256; portable: ${metrics.apply_vs_bspatch_geomean_portable_sha?.toFixed(2)})`,
  );
  check(
    (metrics.apply_working_bytes_max as number) <= 65536,
    `applier working memory ${metrics.apply_working_bytes_max} <= 64 KiB`,
  );
  return metrics;
}
