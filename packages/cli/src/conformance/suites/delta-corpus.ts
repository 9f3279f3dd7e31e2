import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { bytesEqual, isRotkitError } from "@rotkit/core";
import { applyDelta, memoryReader, memorySink, memorySource } from "@rotkit/delta";
import { createDelta } from "@rotkit/delta/create";
import type { CaseResult, Suite, SuiteContext } from "../types.js";
import { caseResult, errorText, type Outcome } from "./case-outcome.js";
import { requireFolder } from "./files.js";

// Image pairs in the layout of ../shared/corpus/delta: `<pair>/old.bin` + `<pair>/new.bin` (the folder itself may be
// a pair too). Per pair: the rotkit delta round trip (create, apply streaming in 4 KiB pieces, byte-compare), and
// three patches that must be refused with a DELTA_* code: truncated, one byte flipped, applied to the wrong base.

/** The pairs under `root`: the folder itself and its subfolders that hold old.bin and new.bin. */
function findPairs(root: string): { id: string; dir: string }[] {
  const isPair = (dir: string) => existsSync(join(dir, "old.bin")) && existsSync(join(dir, "new.bin"));
  const pairs = isPair(root) ? [{ id: ".", dir: root }] : [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (statSync(dir).isDirectory() && isPair(dir)) pairs.push({ id: name, dir });
  }
  return pairs;
}

async function apply(old: Uint8Array, patch: Uint8Array) {
  const sink = memorySink();
  const result = await applyDelta(memoryReader(old), memorySource(patch, 4096), sink);
  return { bytes: sink.bytes(), result };
}

/** A patch that must be refused: only a DELTA_* RotkitError counts as the refusal. */
async function mustRefuse(old: Uint8Array, patch: Uint8Array): Promise<Outcome> {
  try {
    await apply(old, patch);
    return { got: "valid", reason: "accepted" };
  } catch (e) {
    if (isRotkitError(e) && e.code.startsWith("DELTA_")) return { got: "invalid", code: e.code };
    return { got: "valid", reason: `not refused with a DELTA_* error: ${errorText(e)}` };
  }
}

async function roundTrip(old: Uint8Array, neu: Uint8Array, patch: Uint8Array, createMs: number): Promise<Outcome> {
  const t = performance.now();
  try {
    const { bytes, result } = await apply(old, patch);
    const ms = performance.now() - t;
    if (!bytesEqual(bytes, neu)) return { got: "invalid", code: "MISMATCH", reason: "output differs from new.bin" };
    const pct = ((100 * patch.length) / Math.max(1, neu.length)).toFixed(2);
    return {
      got: "valid",
      reason: `patch ${patch.length} bytes (${pct}% of new), create ${createMs.toFixed(0)} ms, apply ${ms.toFixed(0)} ms, working memory ${result.workingBytes} bytes`,
    };
  } catch (e) {
    return { got: "invalid", code: isRotkitError(e) ? e.code : "CRASH", reason: errorText(e) };
  }
}

/** `rotkit conformance delta-corpus <folder>`. */
export const deltaCorpusSuite: Suite = {
  name: "delta-corpus",
  description:
    "firmware image pairs (<pair>/old.bin, new.bin): rotkit delta create + streaming apply + byte compare; truncated, corrupted and wrong-base patches refused",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    requireFolder("delta-corpus", path);
    const pairs = findPairs(path);
    const results: CaseResult[] = [];
    for (const [i, p] of pairs.entries()) {
      const old = new Uint8Array(readFileSync(join(p.dir, "old.bin")));
      const neu = new Uint8Array(readFileSync(join(p.dir, "new.bin")));
      const t = performance.now();
      const patch = await createDelta(old, neu);
      results.push(caseResult(`${p.id}/round-trip`, "valid", await roundTrip(old, neu, patch, performance.now() - t)));
      results.push(
        caseResult(`${p.id}/truncated`, "invalid", await mustRefuse(old, patch.subarray(0, patch.length - 1))),
      );
      const flipped = patch.slice();
      const at = Math.min(patch.length - 1, 96 + 12 + (patch.length >> 1));
      flipped[at] = (flipped[at] as number) ^ 0x40;
      results.push(caseResult(`${p.id}/byte-flip@${at}`, "invalid", await mustRefuse(old, flipped)));
      if (!bytesEqual(old, neu))
        results.push(caseResult(`${p.id}/wrong-base`, "invalid", await mustRefuse(neu, patch)));
      ctx.progress(i + 1, pairs.length);
    }
    return results;
  },
};
