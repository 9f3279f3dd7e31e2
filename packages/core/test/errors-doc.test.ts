import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// docs/errors.md is the contract for callers who branch on `code`: every code must be documented there.
describe("docs/errors.md", () => {
  it("documents every RotkitErrorCode", () => {
    const src = readFileSync(new URL("../src/errors.ts", import.meta.url), "utf8");
    const union = src.slice(
      src.indexOf("export type RotkitErrorCode"),
      src.indexOf(";", src.indexOf("export type RotkitErrorCode")),
    );
    const codes = [...union.matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(20);
    const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
    const missing = codes.filter((c) => !doc.includes(`\`${c}\``));
    expect(missing).toEqual([]);
  });
});
