import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isRotkitError } from "@rotkit/core";
import {
  applyBsdiff,
  applyDelta,
  applyVcdiff,
  type DeltaCheckpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  portableSha256,
  type Sha256Factory,
} from "@rotkit/delta";
import type { Io } from "../main.js";
import { parseDeltaArgs, usageError } from "./command.js";
import { type FileSink, fileReader, fileSink, fileSource } from "./file-io.js";

// `rotkit delta apply [--format rotkit|bsdiff|vcdiff] [--checkpoint <file>] <old> <patch> <out>`: streams the old
// image, the patch and the output through files with the device-side appliers. A refused patch removes the
// output (exit 1); with --checkpoint the partial output stays for the resume.

/** node:crypto's SHA-256 (no saveable state: used when no checkpoint is kept). */
const nodeSha256: Sha256Factory = {
  create() {
    const h = createHash("sha256");
    return { update: (d) => void h.update(d), digest: () => new Uint8Array(h.digest()) };
  },
};

function readCheckpoint(path: string): DeltaCheckpoint | undefined {
  if (!existsSync(path)) return undefined;
  return decodeCheckpoint(new Uint8Array(readFileSync(path)));
}

function saveCheckpoint(path: string, sink: FileSink, cp: DeltaCheckpoint): void {
  // The output must be on storage before the checkpoint says it is.
  sink.sync();
  writeFileSync(`${path}.tmp`, encodeCheckpoint(cp));
  renameSync(`${path}.tmp`, path);
}

/**
 * `rotkit delta apply`.
 *
 * @example
 * ```ts
 * await deltaApply(["--format", "bsdiff", "old.bin", "update.bsdiff", "new.bin"], io);
 * ```
 */
export async function deltaApply(args: string[], io: Io): Promise<number> {
  const parsed = parseDeltaArgs(args, ["--format", "--checkpoint"], []);
  if (typeof parsed === "string") return usageError(io, parsed);
  if (parsed.positional.length !== 3) return usageError(io, "apply takes <old> <patch> <out>");
  const [oldPath, patchPath, outPath] = parsed.positional as [string, string, string];
  const format = parsed.flags.get("--format") ?? "rotkit";
  if (!["rotkit", "bsdiff", "vcdiff"].includes(format)) return usageError(io, `unknown format "${format}"`);
  const cpPath = parsed.flags.get("--checkpoint");
  if (cpPath !== undefined && format !== "rotkit") return usageError(io, "--checkpoint needs --format rotkit");

  const resume = cpPath === undefined ? undefined : readCheckpoint(cpPath);
  const old = fileReader(oldPath, "old image");
  const sink = fileSink(outPath, resume?.newOffset ?? 0);
  const closers = [() => old.close(), () => sink.close()];
  let refused = false;
  try {
    if (format === "rotkit") {
      const source = fileSource(patchPath, "patch", resume?.patchOffset ?? 0);
      closers.push(() => source.close());
      const result = await applyDelta(old, source, sink, {
        sha256: cpPath === undefined ? nodeSha256 : portableSha256,
        ...(resume ? { resume } : {}),
        ...(cpPath === undefined ? {} : { onCheckpoint: (cp: DeltaCheckpoint) => saveCheckpoint(cpPath, sink, cp) }),
      });
      if (cpPath !== undefined) rmSync(cpPath, { force: true });
      const from = resume ? ` (resumed at block ${resume.block}, byte ${resume.newOffset})` : "";
      io.out.write(`${outPath}: ${result.header.newSize} bytes, SHA-256 verified${from}\n`);
    } else if (format === "bsdiff") {
      const patch = fileReader(patchPath, "patch");
      closers.push(() => patch.close());
      const result = await applyBsdiff(old, patch, sink);
      io.out.write(`${outPath}: ${result.newSize} bytes (BSDIFF40)\n`);
    } else {
      const source = fileSource(patchPath, "patch");
      closers.push(() => source.close());
      await applyVcdiff(old, source, sink);
      io.out.write(`${outPath}: ${sink.written} bytes (VCDIFF)\n`);
    }
    return 0;
  } catch (e) {
    if (!isRotkitError(e) || !e.code.startsWith("DELTA_")) throw e;
    io.err.write(`rotkit delta: ${e.code}: ${e.message}\n`);
    refused = true;
    return 1;
  } finally {
    for (const close of closers) close();
    if (refused && cpPath === undefined) rmSync(outPath, { force: true });
  }
}
