// Device-side packages must run on a bare ECMAScript engine. This bundles @rotkit/core and @rotkit/cose for a
// neutral platform (a Node built-in anywhere in the graph fails the build) and runs a sign / verify / tamper /
// CBOR-limits scenario inside QuickJS under a memory limit. QuickJS has no TextEncoder, no Buffer, no WebCrypto;
// the host injects only crypto.getRandomValues, as a device host would inject its TRNG.
import { randomFillSync } from "node:crypto";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { getQuickJS } from "quickjs-emscripten";
import { describe, expect, it } from "vitest";

const scenario = `
import { decodeCbor, fromHex, isRotkitError, nobleProvider, softwareKeyHandle, utf8Decode, utf8Encode } from "@rotkit/core";
import { signCoseSign1, verifyCoseSign1 } from "@rotkit/cose";

async function run() {
  const out = {};
  const provider = nobleProvider();
  const key = softwareKeyHandle("ES256", fromHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"));
  const msg = await signCoseSign1({ payload: utf8Encode("booted: fw 1.2.3") }, key);
  const ok = await verifyCoseSign1(msg, { key: key.publicKey, provider });
  out.payload = utf8Decode(ok.payload);
  const bad = msg.slice();
  bad[bad.length - 1] ^= 1;
  try { await verifyCoseSign1(bad, { key: key.publicKey, provider }); out.tampered = "accepted"; }
  catch (e) { out.tampered = isRotkitError(e) ? e.code : "crash: " + e; }
  try { decodeCbor(fromHex("5b00000000ffffffff00")); out.huge = "decoded"; }
  catch (e) { out.huge = isRotkitError(e) ? e.code : "crash: " + e; }
  const deep = new Uint8Array(100000).fill(0x81);
  try { decodeCbor(deep); out.deep = "decoded"; }
  catch (e) { out.deep = isRotkitError(e) ? e.code : "crash: " + e; }
  out.noTextEncoder = typeof TextEncoder === "undefined";
  return out;
}
run().then((r) => { globalThis.__result = JSON.stringify(r); }, (e) => { globalThis.__result = JSON.stringify({ error: String(e && e.stack || e) }); });
`;

async function bundle(): Promise<string> {
  const root = fileURLToPath(new URL("../../..", import.meta.url));
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

describe("device-side packages on QuickJS", () => {
  it("sign, verify, reject tampering and hostile CBOR inside QuickJS with a 16 MiB limit", async () => {
    const code = await bundle();
    expect(code).not.toMatch(/require\(["']node:|\bBuffer\.from\b|new TextEncoder/);
    const QuickJS = await getQuickJS();
    const rt = QuickJS.newRuntime();
    rt.setMemoryLimit(16 * 1024 * 1024);
    rt.setMaxStackSize(1024 * 1024);
    const vm = rt.newContext();
    try {
      // The host's TRNG, injected as crypto.getRandomValues (noble may use it for hedged signatures).
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

      vm.unwrapResult(vm.evalCode(code)).dispose();
      for (let i = 0; i < 10000; i++) {
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
      expect(text).toBeDefined();
      const result = JSON.parse(text as string);
      expect(result).toEqual({
        payload: "booted: fw 1.2.3",
        tampered: "COSE_BAD_SIGNATURE",
        huge: "CBOR_TRUNCATED",
        deep: "CBOR_LIMIT",
        noTextEncoder: true,
      });
    } finally {
      vm.dispose();
      rt.dispose();
    }
  });
});
