import { RotkitError } from "@rotkit/core";
import type { PeerName } from "./options.js";
import type { Certificate, GeneralName } from "./types.js";
import { ATTR } from "./validate-oids.js";

// Matching the leaf against the expected peer name (RFC 6125 §6.4 for DNS, exact octets for IP, RFC 5280 §4.2.1.6
// mailbox comparison for RFC822), plus the syntax checks those matches rely on.

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * True for a DNS name in the preferred name syntax (RFC 1034 §3.5 as relaxed by RFC 1123 §2.1): dot-separated labels of
 * letters, digits and inner hyphens, 1..63 octets each, at most 253 octets, no empty label, no trailing dot. With
 * `wildcard`, the leftmost label may be exactly `*` (the only wildcard form RFC 6125 §6.4.3 and the CA/B Forum allow).
 *
 * @example
 * ```ts
 * isValidDnsName("foo.example.com"); // true
 * isValidDnsName("*.example.com", { wildcard: true }); // true
 * isValidDnsName("foo_bar.example.com"); // false
 * ```
 */
export function isValidDnsName(name: string, opts: { wildcard?: boolean } = {}): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split(".");
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] as string;
    if (i === 0 && opts.wildcard && l === "*" && labels.length > 1) continue;
    if (!LABEL.test(l)) return false;
  }
  return true;
}

/**
 * Parses an IPv4 address in dotted-decimal form (RFC 3986 §3.2.2: no leading zeros) or an IPv6 address (RFC 4291
 * §2.2, with `::` and an embedded IPv4 tail) into its 4 or 16 octets; undefined when the text is not one.
 *
 * @example
 * ```ts
 * parseIpAddress("192.0.2.1"); // Uint8Array [192, 0, 2, 1]
 * parseIpAddress("::1")?.length; // 16
 * ```
 */
export function parseIpAddress(text: string): Uint8Array | undefined {
  if (text.includes(":")) return parseIpv6(text);
  return parseIpv4(text);
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  if (text.length > 45) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIpv4(p);
        if (!v4) return undefined;
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(p)) return undefined;
        out.push(Number.parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/**
 * The canonical text of an IP address: dotted decimal for IPv4, RFC 5952 §4 for IPv6 (lowercase, no leading zeros,
 * the longest run of two or more zero groups as `::`, the first one on a tie).
 *
 * @example
 * ```ts
 * formatIpAddress(parseIpAddress("2001:0db8:0:0:0:0:0:0001")!); // "2001:db8::1"
 * ```
 */
export function formatIpAddress(ip: Uint8Array): string {
  if (ip.length === 4) return Array.from(ip).join(".");
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((ip[i] as number) << 8) | (ip[i + 1] as number));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/**
 * RFC 6125 §6.4: does the presented DNS identifier (a SAN dNSName) match the reference name? Case-insensitive, label
 * by label; a wildcard only as the whole leftmost label `*` of a name with at least two more labels, matching exactly
 * one label (no partial wildcards like `ba*`, none deeper, not across labels). IDNA A-labels are compared as is.
 * `isPublicSuffix`, when given, refuses wildcards directly above a public suffix.
 *
 * @example
 * ```ts
 * dnsNameMatches("*.example.com", "foo.example.com"); // true
 * dnsNameMatches("*.example.com", "foo.bar.example.com"); // false
 * ```
 */
export function dnsNameMatches(
  presented: string,
  reference: string,
  isPublicSuffix?: (domain: string) => boolean,
): boolean {
  const p = presented.toLowerCase();
  const r = reference.toLowerCase();
  if (!isValidDnsName(r)) return false;
  if (!isValidDnsName(p, { wildcard: true })) return false;
  if (!p.startsWith("*.")) return p === r;
  const base = p.slice(2);
  // A wildcard needs at least two labels under it ("*.com" would cover a whole TLD), and none over a public suffix.
  if (!base.includes(".")) return false;
  if (isPublicSuffix?.(base)) return false;
  const dot = r.indexOf(".");
  if (dot <= 0) return false;
  return r.slice(dot + 1) === base;
}

/** RFC 5280 §4.2.1.6 / RFC 5321: local part exact, domain case-insensitive. */
export function emailMatches(presented: string, reference: string): boolean {
  const at1 = presented.lastIndexOf("@");
  const at2 = reference.lastIndexOf("@");
  if (at1 <= 0 || at2 <= 0) return false;
  return (
    presented.slice(0, at1) === reference.slice(0, at2) &&
    presented.slice(at1 + 1).toLowerCase() === reference.slice(at2 + 1).toLowerCase()
  );
}

/** The text values of the subject's attributes of type `oid`. */
export function subjectAttributes(cert: Certificate, oid: string): string[] {
  const out: string[] = [];
  for (const rdn of cert.subject.rdns)
    for (const a of rdn) if (a.type === oid && a.text !== undefined) out.push(a.text);
  return out;
}

function sanOf(cert: Certificate): GeneralName[] | undefined {
  return cert.ext.subjectAltName;
}

/**
 * Checks that the leaf is valid for `peer`; throws X509_PEER_NAME otherwise (at `path[0]`). DNS and IP names match
 * subjectAltName entries only, unless `commonNameFallback` is set and the leaf has no subjectAltName at all (then the
 * subject CN is matched exactly, never as a wildcard).
 *
 * @example
 * ```ts
 * checkPeerName(leaf, { kind: "DNS", value: "example.com" }, {});
 * ```
 */
export function checkPeerName(
  leaf: Certificate,
  peer: PeerName,
  opts: { commonNameFallback?: boolean; isPublicSuffix?: (d: string) => boolean },
): void {
  const san = sanOf(leaf);
  let ok = false;
  if (peer.kind === "DNS") {
    ok = (san ?? []).some((g) => g.type === "dns" && dnsNameMatches(g.value, peer.value, opts.isPublicSuffix));
    if (!ok && !san && opts.commonNameFallback) {
      ok = subjectAttributes(leaf, ATTR.commonName).some(
        (cn) => isValidDnsName(cn) && cn.toLowerCase() === peer.value.toLowerCase(),
      );
    }
  } else if (peer.kind === "IP") {
    const want = parseIpAddress(peer.value);
    if (want) {
      ok = (san ?? []).some(
        (g) => g.type === "ip" && g.value.length === want.length && g.value.every((b, i) => b === want[i]),
      );
    }
  } else if (peer.kind === "RFC822") {
    ok = (san ?? []).some((g) => g.type === "email" && emailMatches(g.value, peer.value));
    if (!ok && !san) ok = subjectAttributes(leaf, ATTR.emailAddress).some((e) => emailMatches(e, peer.value));
  }
  if (!ok) {
    throw new RotkitError("X509_PEER_NAME", `the leaf is not valid for ${peer.kind} name "${peer.value}"`, {
      at: "path[0]",
    });
  }
}
