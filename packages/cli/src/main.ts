import { isRotkitError } from "@rotkit/core";
import { progressBar } from "./conformance/progress.js";
import { listSuites } from "./conformance/registry.js";
import { runConformance } from "./conformance/run.js";
import { formatSummary } from "./conformance/summary.js";

const USAGE = `rotkit: Root-of-Trust protocols for IoT fleets

usage:
  rotkit conformance <suite> <path> [--json]   run a conformance suite on data in its upstream layout
  rotkit conformance --list                    list the suites
  rotkit evidence verify --format tpm-quote …  verify attestation evidence (rotkit evidence for the options)
  rotkit manifest create|sign|inspect|verify … SUIT envelopes, MCUboot images (rotkit manifest for the options)
  rotkit delta create|apply|info …             firmware deltas (rotkit delta for the options)
  rotkit --version | --help

exit status: 0 when nothing failed, 1 when a case failed, 2 on a usage or input error`;

export interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

/** Runs the CLI on `argv` (without node and script) and resolves with the exit status. */
export async function main(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "conformance":
        return await conformance(rest, io);
      case "evidence":
        return await (await import("./commands/evidence.js")).evidence(rest, io);
      case "manifest":
        return await (await import("./manifest/command.js")).manifest(rest, io);
      case "delta":
        return await (await import("./delta/command.js")).delta(rest, io);
      case "--version":
        io.out.write("rotkit 0.1.0\n");
        return 0;
      case undefined:
      case "--help":
      case "help":
        io.out.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        io.err.write(`rotkit: unknown command "${command}"\n\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (isRotkitError(e)) {
      io.err.write(`rotkit: ${e.code}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

async function conformance(args: string[], io: Io): Promise<number> {
  const json = args.includes("--json");
  if (args.includes("--list")) {
    for (const s of listSuites()) io.out.write(`${s.name.padEnd(20)} ${s.description}\n`);
    return 0;
  }
  const positional = args.filter((a) => !a.startsWith("--"));
  const unknown = args.filter((a) => a.startsWith("--") && a !== "--json");
  if (positional.length !== 2 || unknown.length > 0) {
    io.err.write(`usage: rotkit conformance <suite> <path> [--json]\n`);
    return 2;
  }
  const [suite, path] = positional as [string, string];
  const bar = json ? undefined : progressBar(io.err, suite);
  const summary = await runConformance(suite, path, { onProgress: (d, t) => bar?.update(d, t) });
  bar?.end();
  io.out.write(json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
  return summary.failed === 0 ? 0 : 1;
}
