import { Writable } from "node:stream";
import { type CaseResult, formatSummary, main, summarize } from "@rotkit/cli";
import { describe, expect, it } from "vitest";

function capture() {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe("summarize", () => {
  const cases: CaseResult[] = [
    { id: "a", expected: "valid", got: "valid" },
    { id: "b", expected: "invalid", got: "invalid", code: "COSE_BAD_SIGNATURE" },
    { id: "c", expected: "invalid", got: "valid" },
    { id: "d", expected: "valid", got: "invalid", code: "CBOR_MALFORMED" },
    { id: "e", expected: "valid", got: "skipped", reason: "HSS-LMS not supported" },
    { id: "f", expected: "valid", got: "valid", acceptable: true },
    { id: "g", expected: "invalid", got: "invalid", acceptable: true },
  ];
  const s = summarize("demo", cases);

  it("counts false accepts and false rejects as failures, skips apart", () => {
    expect(s).toMatchObject({ total: 7, passed: 4, failed: 2, skipped: 1, falseAccepts: 1, falseRejects: 1 });
    expect(s.acceptable).toEqual({ accepted: 1, rejected: 1 });
  });

  it("lists a false accept loudly and groups skips by reason", () => {
    const text = formatSummary(s);
    expect(text).toContain("FALSE ACCEPT  c");
    expect(text).toContain("false reject  d  [CBOR_MALFORMED]");
    expect(text).toContain("1  HSS-LMS not supported");
  });
});

describe("rotkit main", () => {
  it("lists suites", async () => {
    const out = capture();
    const err = capture();
    expect(await main(["conformance", "--list"], { out: out.stream, err: err.stream })).toBe(0);
    expect(out.text()).toContain("wycheproof");
    expect(out.text()).toContain("cose-wg-examples");
  });

  it("refuses an unknown suite with exit status 2 and the error code", async () => {
    const out = capture();
    const err = capture();
    expect(await main(["conformance", "nope", "."], { out: out.stream, err: err.stream })).toBe(2);
    expect(err.text()).toContain("CONFORMANCE_BAD_SUITE");
  });

  it("refuses a missing path", async () => {
    const out = capture();
    const err = capture();
    expect(await main(["conformance", "go-cose", "/no/such/dir"], { out: out.stream, err: err.stream })).toBe(2);
    expect(err.text()).toContain("CONFORMANCE_BAD_INPUT");
  });

  it("prints usage for bad arguments", async () => {
    const out = capture();
    const err = capture();
    expect(await main(["conformance", "wycheproof"], { out: out.stream, err: err.stream })).toBe(2);
    expect(await main(["frobnicate"], { out: out.stream, err: err.stream })).toBe(2);
    expect(err.text()).toContain("usage");
  });
});
