import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { RotkitError } from "@rotkit/core";
import { createDelta } from "@rotkit/delta/create";
import { progressBar } from "../conformance/progress.js";
import type { Io } from "../main.js";
import { parseDeltaArgs, usageError } from "./command.js";

// `rotkit delta create <old> <new> <patch>`: reads both images, makes the delta (progress bar on a terminal),
// writes it through a temporary file and prints the size summary.

function readImage(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new RotkitError("INVALID_ARGUMENT", `cannot read ${what} ${path}`, { cause: e });
  }
}

/** Percent with one decimal, or three for small ratios. */
function percent(part: number, whole: number): string {
  const p = whole === 0 ? 0 : (100 * part) / whole;
  return `${p < 1 ? p.toFixed(3) : p.toFixed(1)}%`;
}

/**
 * `rotkit delta create`.
 *
 * @example
 * ```ts
 * await deltaCreate(["old.bin", "new.bin", "update.rkd"], io);
 * ```
 */
export async function deltaCreate(args: string[], io: Io): Promise<number> {
  const parsed = parseDeltaArgs(args, ["--block-size", "--granule"], ["--json", "--in-place"]);
  if (typeof parsed === "string") return usageError(io, parsed);
  if (parsed.positional.length !== 3) return usageError(io, "create takes <old> <new> <patch>");
  const [oldPath, newPath, patchPath] = parsed.positional as [string, string, string];
  const json = parsed.switches.has("--json");
  const blockArg = parsed.flags.get("--block-size");
  const blockSize = blockArg === undefined ? undefined : Number(blockArg);
  if (blockSize !== undefined && !Number.isInteger(blockSize)) return usageError(io, "--block-size takes bytes");
  const granuleArg = parsed.flags.get("--granule");
  const granule = granuleArg === undefined ? undefined : Number(granuleArg);
  if (granule !== undefined && (!Number.isInteger(granule) || !parsed.switches.has("--in-place"))) {
    return usageError(io, "--granule takes bytes and goes with --in-place");
  }
  const inPlace = parsed.switches.has("--in-place") ? (granule === undefined ? true : { granule }) : undefined;

  const old = readImage(oldPath, "old image");
  const neu = readImage(newPath, "new image");
  const started = performance.now();
  let bar: ReturnType<typeof progressBar> | undefined;
  let phase = "";
  const patch = await createDelta(old, neu, {
    ...(blockSize === undefined ? {} : { blockSize }),
    ...(inPlace === undefined ? {} : { inPlace }),
    onProgress: (p, done, total) => {
      if (json) return;
      if (p !== phase) {
        bar?.end();
        phase = p;
        bar = progressBar(io.err, `${p.padEnd(6)}`);
      }
      bar?.update(done, total);
    },
  });
  bar?.end();
  const seconds = (performance.now() - started) / 1000;
  const tmp = `${patchPath}.tmp`;
  try {
    writeFileSync(tmp, patch);
    renameSync(tmp, patchPath);
  } catch (e) {
    throw new RotkitError("INVALID_ARGUMENT", `cannot write ${patchPath}`, { cause: e });
  }
  if (json) {
    const summary = {
      old: old.length,
      new: neu.length,
      patch: patch.length,
      ratio: patch.length / neu.length,
      seconds,
    };
    io.out.write(`${JSON.stringify(summary)}\n`);
  } else {
    io.out.write(
      `${patchPath}: ${patch.length} bytes (${percent(patch.length, neu.length)} of the new image; old ${old.length} bytes, new ${neu.length} bytes) in ${seconds.toFixed(2)} s\n`,
    );
  }
  return 0;
}
