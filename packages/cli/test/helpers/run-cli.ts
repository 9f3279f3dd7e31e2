import { Writable } from "node:stream";
import { main } from "@rotkit/cli";

// Runs the CLI's main() in-process with captured output streams.

/** A writable stream that keeps what it is given. */
export function capture(): { stream: NodeJS.WriteStream; text(): string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

/**
 * `rotkit <args>` in-process: exit status and what went to stdout / stderr.
 *
 * @example
 * ```ts
 * const r = await runCli(["delta", "info", "update.rkd"]);
 * ```
 */
export async function runCli(args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out = capture();
  const err = capture();
  const status = await main(args, { out: out.stream, err: err.stream });
  return { status, out: out.text(), err: err.text() };
}
