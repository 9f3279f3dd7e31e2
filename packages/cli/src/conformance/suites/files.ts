import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { type CryptoProvider, nobleProvider, RotkitError, webCryptoProvider } from "@rotkit/core";
import type { CaseResult, SuiteContext } from "../types.js";

// The folder side of the JSON-per-case suites: check the folder, read each case file, run it with both providers.

/**
 * CONFORMANCE_BAD_INPUT unless `path` is a folder.
 *
 * @example
 * ```ts
 * requireFolder("go-cose", path);
 * ```
 */
export function requireFolder(suite: string, path: string): void {
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new RotkitError("CONFORMANCE_BAD_INPUT", `${suite}: ${path} is not a folder`);
  }
}

/**
 * The parsed JSON of `root/file`; CONFORMANCE_BAD_INPUT when it cannot be read or parsed (a broken checkout is the
 * caller's problem, not a failed case).
 *
 * @example
 * ```ts
 * const json = readCaseJson("go-cose", root, "sign1-verify-01.json");
 * ```
 */
export function readCaseJson(suite: string, root: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(join(root, file), "utf8"));
  } catch (err) {
    throw new RotkitError("CONFORMANCE_BAD_INPUT", `${suite}: cannot read ${file}`, { cause: err });
  }
}

/**
 * Reads each case file once and judges it with the noble and the WebCrypto provider, reporting progress.
 *
 * @example
 * ```ts
 * return runCaseFiles("go-cose", path, files.map((id) => ({ id })), ctx, judge);
 * ```
 */
export async function runCaseFiles<E extends { id: string }>(
  suite: string,
  root: string,
  entries: readonly E[],
  ctx: SuiteContext,
  judge: (json: unknown, entry: E, provider: CryptoProvider) => Promise<CaseResult>,
): Promise<CaseResult[]> {
  const providers: CryptoProvider[] = [nobleProvider(), webCryptoProvider()];
  const total = entries.length * providers.length;
  const results: CaseResult[] = [];
  for (const entry of entries) {
    const json = readCaseJson(suite, root, entry.id);
    for (const provider of providers) {
      results.push(await judge(json, entry, provider));
      ctx.progress(results.length, total);
    }
  }
  return results;
}
