import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyBsdiff, applyVcdiff, decompressBzip2 } from "@rotkit/delta";
import { describe, expect, it } from "vitest";
import {
  codeOf,
  collectingSink,
  equalBytes,
  memoryReader,
  pullSource,
  VECTORS,
  vector,
} from "./helpers/interop-tools.js";

// test-vectors/delta-interop/cases.json: patches made by bsdiff 4.3 and xdelta3 3.0.11 (see its README), applied
// without any tool installed.

interface Case {
  id: string;
  format: "bsdiff" | "vcdiff" | "bzip2";
  old?: string;
  patch: string;
  new?: string;
  expect: "valid" | "invalid";
  code?: string;
}

const cases = JSON.parse(readFileSync(join(VECTORS, "cases.json"), "utf8")) as Case[];

async function run(c: Case): Promise<Uint8Array> {
  const patch = vector(c.patch);
  if (c.format === "bzip2") return decompressBzip2(patch);
  const old = memoryReader(c.old ? vector(c.old) : new Uint8Array(0));
  const sink = collectingSink();
  if (c.format === "bsdiff") await applyBsdiff(old, pullSource(patch, 4096, true), sink);
  else await applyVcdiff(old, pullSource(patch, 4096, true), sink);
  return sink.bytes();
}

describe("delta-interop vectors", () => {
  it("has bsdiff, vcdiff and bzip2 cases", () => {
    expect(new Set(cases.map((c) => c.format))).toEqual(new Set(["bsdiff", "vcdiff", "bzip2"]));
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    if (c.expect === "valid") {
      expect(equalBytes(await run(c), vector(c.new as string))).toBe(true);
    } else {
      expect(await codeOf(() => run(c))).toBe(c.code);
    }
  });
});
