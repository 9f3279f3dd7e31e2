import { randomFillSync } from "node:crypto";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { getQuickJS } from "quickjs-emscripten";

// The device-side portability proof every package shares (DESIGN.md "Tests": runtime matrix): a scenario is
// bundled for a neutral platform (a Node built-in anywhere in the graph fails the build) and run inside QuickJS,
// which has no TextEncoder, Buffer, streams or WebCrypto, under a memory limit. The scenario ends by setting
// `globalThis.__result` to a JSON string (see `scenarioFooter`).

/** Appended to a scenario that defines `async function run()`: publishes its result (or its error) as JSON. */
export const scenarioFooter = `
run().then((r) => { globalThis.__result = JSON.stringify(r); }, (e) => { globalThis.__result = JSON.stringify({ error: String(e) + " " + String(e && e.stack) }); });
`;

/** Bundles `scenario` (ES module source importing `@rotkit/*` by their source entry points) into one IIFE. */
export async function bundleForDevice(scenario: string): Promise<string> {
  const root = fileURLToPath(new URL("../../../..", import.meta.url));
  const result = await build({
    stdin: { contents: scenario, resolveDir: root, sourcefile: "scenario.js", loader: "js" },
    bundle: true,
    write: false,
    platform: "neutral",
    format: "iife",
    target: "es2020",
    conditions: ["rotkit-source"],
    mainFields: ["module", "main"],
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

/** What a device bundle must never contain. */
export const NODE_ONLY_PATTERN = /require\(["']node:|\bBuffer\.from\b|new TextEncoder/;

export interface QuickJsRunOptions {
  /** Heap limit of the VM (default 16 MiB). */
  memoryLimit?: number;
  /** Values set as globals before the bundle runs (JSON-serialisable). */
  globals?: Record<string, unknown>;
  /** Give the VM `crypto.getRandomValues` backed by the host's CSPRNG (a device injects its TRNG there). */
  hostRandom?: boolean;
}

/** Runs a bundle produced by {@link bundleForDevice} to completion and returns the parsed `__result`. */
export async function runInQuickJs(code: string, options: QuickJsRunOptions = {}): Promise<unknown> {
  const QuickJS = await getQuickJS();
  const rt = QuickJS.newRuntime();
  rt.setMemoryLimit(options.memoryLimit ?? 16 * 1024 * 1024);
  rt.setMaxStackSize(1024 * 1024);
  const vm = rt.newContext();
  try {
    for (const [name, value] of Object.entries(options.globals ?? {})) {
      const h = vm.unwrapResult(vm.evalCode(`(${JSON.stringify(value)})`));
      vm.setProp(vm.global, name, h);
      h.dispose();
    }
    if (options.hostRandom) {
      const cryptoObj = vm.newObject();
      const grv = vm.newFunction("getRandomValues", (arr) => {
        const len = vm.getNumber(vm.getProp(arr, "length"));
        const bytes = randomFillSync(new Uint8Array(len));
        for (let i = 0; i < len; i++) vm.setProp(arr, i, vm.newNumber(bytes[i] as number));
        return arr.dup();
      });
      vm.setProp(cryptoObj, "getRandomValues", grv);
      vm.setProp(vm.global, "crypto", cryptoObj);
      grv.dispose();
      cryptoObj.dispose();
    }
    vm.unwrapResult(vm.evalCode(code)).dispose();
    for (let i = 0; i < 100_000; i++) {
      const pending = rt.executePendingJobs();
      if (pending.error) {
        const err = vm.dump(pending.error);
        pending.error.dispose();
        throw new Error(`QuickJS job failed: ${JSON.stringify(err)}`);
      }
      if (pending.value === 0) break;
    }
    const handle = vm.getProp(vm.global, "__result");
    const text = vm.dump(handle) as string | undefined;
    handle.dispose();
    if (typeof text !== "string") throw new Error("the QuickJS scenario did not finish (no __result)");
    return JSON.parse(text);
  } finally {
    vm.dispose();
    rt.dispose();
  }
}
