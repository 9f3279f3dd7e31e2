import { describe, expect, it } from "vitest";
import { dnsNameMatches, formatIpAddress, isValidDnsName, parseIpAddress } from "../src/peer-name.js";

// RFC 6125 §6.4 DNS matching, IP address parsing (RFC 3986 / RFC 4291) and RFC 5952 formatting.

describe("DNS peer-name matching", () => {
  it("case-insensitive exact match", () => {
    expect(dnsNameMatches("Example.COM", "example.com")).toBe(true);
    expect(dnsNameMatches("example.com", "example2.com")).toBe(false);
    expect(dnsNameMatches("example.com", "abc.example.com")).toBe(false);
  });
  it("exactly one leftmost *. wildcard label, no partial or inner wildcards", () => {
    expect(dnsNameMatches("*.example.com", "foo.example.com")).toBe(true);
    expect(dnsNameMatches("*.example.com", "example.com")).toBe(false);
    expect(dnsNameMatches("*.example.com", "foo.bar.example.com")).toBe(false);
    expect(dnsNameMatches("ba*.example.com", "baz.example.com")).toBe(false);
    expect(dnsNameMatches("foo.*.example.com", "foo.bar.example.com")).toBe(false);
    expect(dnsNameMatches("*", "com")).toBe(false);
    expect(dnsNameMatches("*.com", "example.com")).toBe(false);
  });
  it("a public-suffix test refuses wildcards over a public suffix", () => {
    const psl = (d: string) => ["co.uk", "s3.amazonaws.com"].includes(d);
    expect(dnsNameMatches("*.co.uk", "example.co.uk", psl)).toBe(false);
    expect(dnsNameMatches("*.example.co.uk", "www.example.co.uk", psl)).toBe(true);
  });
  it("preferred name syntax: no underscore, no empty label, IDNA A-labels as is", () => {
    expect(isValidDnsName("foo_bar.example.com")).toBe(false);
    expect(isValidDnsName(".example.com")).toBe(false);
    expect(isValidDnsName("xn--n3h.com")).toBe(true);
    expect(dnsNameMatches("xn--n3h.com", "XN--N3H.com")).toBe(true);
  });
});

describe("IP addresses", () => {
  it("parse strictly and format canonically", () => {
    expect(Array.from(parseIpAddress("192.0.2.1") ?? [])).toEqual([192, 0, 2, 1]);
    expect(parseIpAddress("192.168.001.001")).toBeUndefined();
    expect(parseIpAddress("0xC0A80101")).toBeUndefined();
    expect(formatIpAddress(parseIpAddress("2001:0DB8:0:0:0:0:0:0001") as Uint8Array)).toBe("2001:db8::1");
    expect(formatIpAddress(parseIpAddress("::1") as Uint8Array)).toBe("::1");
    expect(formatIpAddress(parseIpAddress("::ffff:192.0.2.1") as Uint8Array)).toBe("::ffff:c000:201");
    expect(parseIpAddress("1::2::3")).toBeUndefined();
  });
});
