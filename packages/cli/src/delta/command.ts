import type { Io } from "../main.js";

// `rotkit delta <create|apply|info> …`: firmware deltas from the command line (docs/delta-format.md).

export const DELTA_USAGE = `usage:
  rotkit delta create <old> <new> <patch> [--block-size <bytes>] [--in-place [--granule <bytes>]] [--json]
      make a rotkit delta; prints sizes and the patch/new ratio (progress on a terminal); --in-place makes one a
      single-slot device can apply over its old image, writing aligned pieces of the granule (default 16384)
  rotkit delta apply [--format rotkit|bsdiff|vcdiff] [--checkpoint <file>] <old> <patch> <out>
      apply a rotkit delta, a BSDIFF40 patch or a VCDIFF (xdelta3) delta; with --checkpoint (rotkit only) an
      interrupted apply resumes from the last finished block on the next run
  rotkit delta info <patch> [--json]
      what a rotkit delta says: sizes, digests, predictors, blocks

exit status: 0 done, 1 the patch was refused (DELTA_* code printed), 2 usage or unreadable input`;

/** Parsed `--flag value` options and positionals; a string is a usage error. */
export function parseDeltaArgs(
  args: readonly string[],
  flags: readonly string[],
  switches: readonly string[],
): { positional: string[]; flags: Map<string, string>; switches: Set<string> } | string {
  const out = { positional: [] as string[], flags: new Map<string, string>(), switches: new Set<string>() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (switches.includes(a)) out.switches.add(a);
    else if (flags.includes(a)) {
      const v = args[i + 1];
      if (v === undefined) return `${a} needs a value`;
      if (out.flags.has(a)) return `${a} given twice`;
      out.flags.set(a, v);
      i++;
    } else if (a.startsWith("--")) return `unknown option "${a}"`;
    else out.positional.push(a);
  }
  return out;
}

/**
 * Runs `rotkit delta <args>`; resolves with the exit status.
 *
 * @example
 * ```ts
 * await delta(["create", "old.bin", "new.bin", "update.rkd"], { out: process.stdout, err: process.stderr });
 * ```
 */
export async function delta(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "create":
      return (await import("./create.js")).deltaCreate(rest, io);
    case "apply":
      return (await import("./apply.js")).deltaApply(rest, io);
    case "info":
      return (await import("./info.js")).deltaInfo(rest, io);
    default:
      io.err.write(`${sub === undefined ? "" : `rotkit delta: unknown subcommand "${sub}"\n`}${DELTA_USAGE}\n`);
      return 2;
  }
}

/** Writes a usage error and returns exit status 2. */
export function usageError(io: Io, message: string): number {
  io.err.write(`rotkit delta: ${message}\n${DELTA_USAGE}\n`);
  return 2;
}
