// DESIGN.md "Tests": single-byte mutations and truncations of EVERY valid vector must end in a verdict — a
// RotkitError or, where the mutation hit bits no signature/MAC/tag covers, an accept that still yields the
// original content — never a TypeError, RangeError, hang or runaway allocation. This runs every valid COSE WG
// example (all six structures) and every go-cose verify vector through the same case runners the CLI uses.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fromHex, toHex, webCryptoProvider } from "@rotkit/core";
import { runCoseWgCase } from "../../src/conformance/suites/cose-wg-examples.js";

export const vectors = new URL("../../../../test-vectors/", import.meta.url).pathname;
export const provider = webCryptoProvider();
// One all-bits flip per position plus every truncation: each byte changes meaning (head, length, content).
const MASK = 0xff;

export function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return jsonFiles(p);
    return name.endsWith(".json") && name !== "index.json" ? [p] : [];
  });
}

function* mutants(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at++) {
    const m = bytes.slice();
    m[at] = (m[at] as number) ^ MASK;
    yield m;
  }
  for (let n = 0; n < bytes.length; n++) yield bytes.slice(0, n);
}

export interface Tally {
  vectors: number;
  mutants: number;
  accepted: number;
  rejected: number;
  crashes: string[];
}

export async function fuzz(
  files: string[],
  valid: (json: Record<string, unknown>) => Uint8Array | undefined,
  withBytes: (json: Record<string, unknown>, bytes: Uint8Array) => unknown,
  run: (json: unknown) => Promise<{ got?: string; code?: string; reason?: string; skipped?: string }>,
): Promise<Tally> {
  const t: Tally = { vectors: 0, mutants: 0, accepted: 0, rejected: 0, crashes: [] };
  for (const f of files) {
    const json = JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>;
    const bytes = valid(json);
    if (!bytes) continue;
    const base = await run(json);
    if (base.skipped || base.got !== "valid") continue; // only vectors rotkit accepts as they are
    t.vectors++;
    for (const m of mutants(bytes)) {
      t.mutants++;
      const r = await run(withBytes(json, m));
      if (r.code === "CRASH") t.crashes.push(`${f.slice(vectors.length)} ${toHex(m)}: ${r.reason}`);
      else if (r.got === "valid") t.accepted++;
      else t.rejected++;
    }
  }
  return t;
}

/**
 * Fuzzes every valid cose-wg example in `folders` (structure families), through the CLI's case runner. A mutated
 * message is a negative case: the runner then skips the published intermediates and checks only that what it
 * accepts still carries the original content.
 */
export function fuzzCoseWg(folders: (name: string) => boolean): Promise<Tally> {
  const root = join(vectors, "cose-wg-examples");
  const files = readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory() && folders(d))
    .flatMap((d) => jsonFiles(join(root, d)));
  return fuzz(
    files,
    (j) => {
      const out = j.output as { cbor?: string } | undefined;
      return j.fail !== true && typeof out?.cbor === "string" ? fromHex(out.cbor) : undefined;
    },
    (j, b) => ({ ...j, fail: true, output: { ...(j.output as object), cbor: toHex(b) } }),
    (j) => runCoseWgCase(j, provider),
  );
}
