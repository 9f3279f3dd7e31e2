import { RotkitError } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { checkSubtreeSyntax, subtreeContains } from "../src/name-constraints.js";
import type { GeneralName, GeneralSubtree } from "../src/types.js";

// RFC 5280 §4.2.1.10 matching per name form, and the syntax rules on the constraints themselves.

const dns = (value: string): GeneralName => ({ type: "dns", value });
const email = (value: string): GeneralName => ({ type: "email", value });
const uri = (value: string): GeneralName => ({ type: "uri", value });
const ip = (...b: number[]): GeneralName => ({ type: "ip", value: Uint8Array.from(b) });

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof RotkitError ? e.code : "CRASH";
  }
  return undefined;
}

describe("dNSName constraints", () => {
  it("match the name and names with more labels on the left, at label boundaries only", () => {
    expect(subtreeContains(dns("example.com"), dns("example.com"), "permitted")).toBe(true);
    expect(subtreeContains(dns("example.com"), dns("a.b.example.com"), "permitted")).toBe(true);
    expect(subtreeContains(dns("example.com"), dns("notexample.com"), "permitted")).toBe(false);
    expect(subtreeContains(dns("Example.COM"), dns("www.example.com"), "permitted")).toBe(true);
    expect(subtreeContains(dns(""), dns("anything.test"), "permitted")).toBe(true);
  });
  it("a *. wildcard SAN is permitted when all its expansions are, excluded when any is", () => {
    expect(subtreeContains(dns("foo.com"), dns("*.foo.com"), "permitted")).toBe(true);
    expect(subtreeContains(dns("bar.foo.com"), dns("*.foo.com"), "permitted")).toBe(false);
    expect(subtreeContains(dns("bar.example.com"), dns("*.example.com"), "excluded")).toBe(true);
    expect(subtreeContains(dns("a.bar.example.com"), dns("*.example.com"), "excluded")).toBe(false);
  });
  it("constraint syntax: no wildcard, no leading period, minimum 0 and no maximum", () => {
    const st = (base: GeneralName, extra: Partial<GeneralSubtree> = {}): GeneralSubtree => ({
      base,
      minimum: 0,
      ...extra,
    });
    expect(code(() => checkSubtreeSyntax(st(dns("example.com")), "path[1]"))).toBeUndefined();
    expect(code(() => checkSubtreeSyntax(st(dns("*.example.com")), "path[1]"))).toBe("X509_NAME_CONSTRAINTS");
    expect(code(() => checkSubtreeSyntax(st(dns(".example.com")), "path[1]"))).toBe("X509_NAME_CONSTRAINTS");
    expect(code(() => checkSubtreeSyntax(st(dns("example.com"), { minimum: 1 }), "path[1]"))).toBe(
      "X509_NAME_CONSTRAINTS",
    );
    expect(code(() => checkSubtreeSyntax(st(dns("example.com"), { maximum: 3 }), "path[1]"))).toBe(
      "X509_NAME_CONSTRAINTS",
    );
  });
});

describe("iPAddress constraints", () => {
  it("IPv4 and IPv6 with masks; families never match each other", () => {
    const net4 = ip(192, 0, 2, 0, 255, 255, 255, 0);
    expect(subtreeContains(net4, ip(192, 0, 2, 77), "permitted")).toBe(true);
    expect(subtreeContains(net4, ip(192, 0, 3, 1), "permitted")).toBe(false);
    const loop6 = ip(...new Array(15).fill(0), 1, ...new Array(16).fill(255));
    expect(subtreeContains(loop6, ip(...new Array(15).fill(0), 1), "permitted")).toBe(true);
    expect(subtreeContains(loop6, ip(0, 0, 0, 1), "permitted")).toBe(false);
  });
  it("the mask must be CIDR and the constraint address + mask", () => {
    expect(code(() => checkSubtreeSyntax({ base: ip(192, 0, 2, 0, 255, 0, 255, 0), minimum: 0 }, "p"))).toBe(
      "X509_NAME_CONSTRAINTS",
    );
    expect(code(() => checkSubtreeSyntax({ base: ip(192, 0, 2, 1), minimum: 0 }, "p"))).toBe("X509_NAME_CONSTRAINTS");
  });
});

describe("rfc822Name constraints", () => {
  it("mailbox form is literal ('*' included), host form is one host, .domain form is subdomains only", () => {
    expect(subtreeContains(email("*@example.com"), email("*@example.com"), "permitted")).toBe(true);
    expect(subtreeContains(email("*@example.com"), email("user@example.com"), "permitted")).toBe(false);
    expect(subtreeContains(email("example.com"), email("user@EXAMPLE.com"), "permitted")).toBe(true);
    expect(subtreeContains(email("example.com"), email("user@sub.example.com"), "permitted")).toBe(false);
    expect(subtreeContains(email(".example.com"), email("user@sub.example.com"), "permitted")).toBe(true);
    expect(subtreeContains(email(".example.com"), email("user@example.com"), "permitted")).toBe(false);
  });
});

describe("URI constraints", () => {
  it("apply to the host part", () => {
    expect(subtreeContains(uri("example.com"), uri("https://example.com:8443/x"), "permitted")).toBe(true);
    expect(subtreeContains(uri("example.com"), uri("https://www.example.com/"), "permitted")).toBe(false);
    expect(subtreeContains(uri(".example.com"), uri("https://www.example.com/"), "permitted")).toBe(true);
  });
  it("forms rotkit does not compare fail closed", () => {
    const other: GeneralName = { type: "other", tag: 0xa0, der: new Uint8Array([0xa0, 0]) };
    expect(code(() => subtreeContains(other, other, "excluded"))).toBe("X509_NAME_CONSTRAINTS");
  });
});
