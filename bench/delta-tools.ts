// The peers of `npm run bench -- delta`, run as the real command-line tools: bsdiff / bspatch 4.3 (Debian), and
// for patch sizes only, xdelta3 and zstd --patch-from where installed. CPU time and peak RSS come from GNU time
// (/usr/bin/time -f), which reads the child's rusage; without it only wall time is known.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

export interface ToolRun {
  ok: boolean;
  wallMs: number;
  /** User + system CPU (ms), when /usr/bin/time is there. */
  cpuMs?: number;
  /** Peak resident set (bytes), when /usr/bin/time is there. */
  peakBytes?: number;
}

const GNU_TIME = "/usr/bin/time";

/** True when `cmd` can be started. */
export function installed(cmd: string, probe: string[] = ["--help"]): boolean {
  return spawnSync(cmd, probe, { stdio: "ignore" }).error === undefined;
}

/** Runs `cmd args` once, measuring wall time and (with GNU time) CPU and peak RSS. */
export function runTool(cmd: string, args: string[]): ToolRun {
  const timed = existsSync(GNU_TIME);
  const t = performance.now();
  const r = timed
    ? spawnSync(GNU_TIME, ["-f", "%U %S %M", cmd, ...args], { encoding: "utf8" })
    : spawnSync(cmd, args, { encoding: "utf8" });
  const wallMs = performance.now() - t;
  const ok = r.status === 0;
  if (!timed) return { ok, wallMs };
  const last = (r.stderr ?? "").trim().split("\n").pop() ?? "";
  const [user, sys, maxKb] = last.split(" ").map(Number);
  if (!Number.isFinite(user) || !Number.isFinite(sys) || !Number.isFinite(maxKb)) return { ok, wallMs };
  return { ok, wallMs, cpuMs: ((user as number) + (sys as number)) * 1000, peakBytes: (maxKb as number) * 1024 };
}

/** Size of a file the tool wrote, or NaN when it did not. */
export function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : Number.NaN;
}

/** Wall time of bspatch old -> out, the reference applier (its process start and file I/O included, as users run it). */
export function bspatchMs(oldPath: string, patchPath: string, outPath: string): number {
  const t = performance.now();
  const r = spawnSync("bspatch", [oldPath, outPath, patchPath], { stdio: "ignore" });
  if (r.status !== 0) throw new Error(`bspatch failed on ${patchPath}`);
  return performance.now() - t;
}
