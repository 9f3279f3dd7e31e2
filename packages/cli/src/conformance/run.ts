import { existsSync } from "node:fs";
import { RotkitError } from "@rotkit/core";
import { loadSuite } from "./registry.js";
import { type ConformanceSummary, summarize } from "./summary.js";

export interface RunConformanceOptions {
  /** Called as cases complete. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs a named suite on data in its upstream layout and summarises the verdicts.
 *
 * @example
 * ```ts
 * const s = await runConformance("wycheproof", "../shared/vectors/wycheproof");
 * if (s.failed > 0) process.exitCode = 1;
 * ```
 */
export async function runConformance(
  suiteName: string,
  path: string,
  options: RunConformanceOptions = {},
): Promise<ConformanceSummary> {
  const suite = await loadSuite(suiteName);
  if (!existsSync(path)) throw new RotkitError("CONFORMANCE_BAD_INPUT", `no such file or folder: ${path}`);
  const cases = await suite.run(path, { progress: options.onProgress ?? (() => {}) });
  return summarize(suite.name, cases);
}
