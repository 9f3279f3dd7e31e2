import { RotkitError } from "@rotkit/core";
import { dnWithin } from "./name-constraints-dn.js";
import { isValidDnsName, parseIpAddress, subjectAttributes } from "./peer-name.js";
import type { Certificate, GeneralName, GeneralSubtree } from "./types.js";
import { ATTR } from "./validate-oids.js";

// RFC 5280 §4.2.1.10 name constraints and their use in §6.1.3 (b)-(c) and §6.1.4 (g): the matching rule per name form,
// the syntax check on the constraints themselves, and the state a path accumulates.

/** The name constraints in force at a point of the path (§6.1.2 (b)-(c)). */
export interface NameConstraintsState {
  /** One entry per constraining CA: a name of a form the entry constrains must lie in one of its subtrees. */
  permitted: GeneralSubtree[][];
  excluded: GeneralSubtree[];
}

/** A fresh state: no constraints (§6.1.2 (b)-(c)). */
export function emptyNameConstraints(): NameConstraintsState {
  return { permitted: [], excluded: [] };
}

/** The name form of a GeneralName, for "does this constraint apply to this name" (§4.2.1.10). */
export function nameForm(n: GeneralName): string {
  return n.type === "other" ? `other:${n.tag}` : n.type;
}

function violation(message: string, at: string): never {
  throw new RotkitError("X509_NAME_CONSTRAINTS", message, { at });
}

function isContiguousMask(mask: Uint8Array): boolean {
  let seenZero = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = ((byte >> bit) & 1) === 1;
      if (one && seenZero) return false;
      if (!one) seenZero = true;
    }
  }
  return true;
}

/**
 * Checks the syntax of one constraint (§4.2.1.10): minimum 0 and no maximum; a dNSName constraint is a DNS name
 * (or empty: every name), without wildcards or a leading period; an iPAddress constraint is an address and a
 * contiguous (CIDR) mask of 8 or 32 octets; an rfc822Name constraint is a mailbox, a host or a `.domain`.
 * Throws X509_NAME_CONSTRAINTS.
 *
 * @example
 * ```ts
 * checkSubtreeSyntax({ base: { type: "dns", value: "example.com" }, minimum: 0 }, "path[1]");
 * ```
 */
export function checkSubtreeSyntax(s: GeneralSubtree, at: string): void {
  if (s.minimum !== 0 || s.maximum !== undefined) violation("name constraint with minimum != 0 or a maximum", at);
  const b = s.base;
  switch (b.type) {
    case "dns":
      if (b.value !== "" && !isValidDnsName(b.value)) violation(`malformed dNSName constraint "${b.value}"`, at);
      return;
    case "ip":
      if (b.value.length !== 8 && b.value.length !== 32) violation("iPAddress constraint is not address + mask", at);
      if (!isContiguousMask(b.value.subarray(b.value.length / 2)))
        violation("iPAddress constraint mask is not CIDR", at);
      return;
    case "email": {
      const v = b.value;
      const at1 = v.lastIndexOf("@");
      const domain = at1 >= 0 ? v.slice(at1 + 1) : v.startsWith(".") ? v.slice(1) : v;
      if ((at1 === 0 || !isValidDnsName(domain)) && v !== "") violation(`malformed rfc822Name constraint "${v}"`, at);
      return;
    }
    case "uri": {
      const host = b.value.startsWith(".") ? b.value.slice(1) : b.value;
      if (!isValidDnsName(host)) violation(`malformed URI constraint "${b.value}"`, at);
      return;
    }
    default:
      return;
  }
}

function dnsWithin(constraint: string, name: string): boolean {
  if (constraint === "") return true;
  return name === constraint || name.endsWith(`.${constraint}`);
}

/** Does a DNS name (possibly a `*.` wildcard) lie in the subtree? For a wildcard: every expansion (permitted) or any expansion (excluded). */
function dnsMatches(constraint: string, name: string, mode: "permitted" | "excluded"): boolean {
  const c = constraint.toLowerCase();
  const n = name.toLowerCase();
  if (!n.startsWith("*.")) return dnsWithin(c, n);
  const base = n.slice(2);
  if (dnsWithin(c, base)) return true;
  // *.base expands to one label over base: it meets the subtree c when c is exactly one label over base.
  if (mode === "excluded" && c.endsWith(`.${base}`)) return !c.slice(0, c.length - base.length - 1).includes(".");
  return false;
}

function ipMatches(constraint: Uint8Array, ip: Uint8Array): boolean {
  const len = constraint.length / 2;
  if (ip.length !== len) return false;
  for (let i = 0; i < len; i++) {
    const m = constraint[len + i] as number;
    if (((ip[i] as number) & m) !== ((constraint[i] as number) & m)) return false;
  }
  return true;
}

function emailMatches(constraint: string, mailbox: string): boolean {
  const at = mailbox.lastIndexOf("@");
  const domain = mailbox.slice(at + 1).toLowerCase();
  if (constraint.includes("@")) {
    // A particular mailbox: every character literal ('*' included), the domain case-insensitive.
    const ca = constraint.lastIndexOf("@");
    return constraint.slice(0, ca) === mailbox.slice(0, at) && constraint.slice(ca + 1).toLowerCase() === domain;
  }
  const c = constraint.toLowerCase();
  if (c === "") return true;
  if (c.startsWith(".")) return domain.endsWith(c);
  return domain === c;
}

/** The host of a URI with an authority (RFC 3986 §3.2), or undefined. */
function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri);
  if (!m) return undefined;
  let auth = m[1] as string;
  const at = auth.lastIndexOf("@");
  if (at >= 0) auth = auth.slice(at + 1);
  if (auth.startsWith("[")) return undefined;
  const colon = auth.indexOf(":");
  if (colon >= 0) auth = auth.slice(0, colon);
  return auth.toLowerCase();
}

function uriMatches(constraint: string, host: string): boolean {
  const c = constraint.toLowerCase();
  if (c.startsWith(".")) return host.endsWith(c);
  return host === c;
}

/** Is a name well-formed enough to be compared at all? (A malformed name in a constrained form is a violation.) */
function wellFormed(n: GeneralName): boolean {
  switch (n.type) {
    case "dns":
      return isValidDnsName(n.value, { wildcard: true });
    case "ip":
      return n.value.length === 4 || n.value.length === 16;
    case "email": {
      const at = n.value.lastIndexOf("@");
      return at > 0 && isValidDnsName(n.value.slice(at + 1));
    }
    case "uri":
      return uriHost(n.value) !== undefined && isValidDnsName(uriHost(n.value) as string);
    default:
      return true;
  }
}

/**
 * Does `name` lie in the subtree `base` (same name form assumed)? Throws X509_NAME_CONSTRAINTS for forms rotkit
 * cannot compare (otherName, x400Address, ediPartyName, registeredID): a constraint on such a form is not processed,
 * so a certificate carrying a name of that form is rejected (§4.2.1.10, fail closed).
 *
 * @example
 * ```ts
 * subtreeContains({ type: "dns", value: "example.com" }, { type: "dns", value: "a.example.com" }, "permitted"); // true
 * ```
 */
export function subtreeContains(base: GeneralName, name: GeneralName, mode: "permitted" | "excluded"): boolean {
  if (base.type === "dns" && name.type === "dns") return dnsMatches(base.value, name.value, mode);
  if (base.type === "ip" && name.type === "ip") return ipMatches(base.value, name.value);
  if (base.type === "email" && name.type === "email") return emailMatches(base.value, name.value);
  if (base.type === "uri" && name.type === "uri") return uriMatches(base.value, uriHost(name.value) ?? "");
  if (base.type === "dn" && name.type === "dn") return dnWithin(name.value, base.value);
  throw new RotkitError("X509_NAME_CONSTRAINTS", `name constraints on the ${nameForm(base)} form are not supported`);
}

/**
 * The names of a certificate that name constraints apply to (§4.2.1.10, §6.1.3 (b)): the subject DN when non-empty,
 * the subject's emailAddress attributes (as rfc822Name), every subjectAltName entry, and — for the leaf without a
 * subjectAltName — each subject CN that is a DNS name or an IP address (what web PKI clients check).
 *
 * @example
 * ```ts
 * constrainedNames(leaf, true); // [{ type: "dn", ... }, { type: "dns", value: "example.com" }]
 * ```
 */
export function constrainedNames(cert: Certificate, isLeaf: boolean): GeneralName[] {
  const out: GeneralName[] = [];
  if (cert.subject.rdns.length > 0) out.push({ type: "dn", value: cert.subject });
  for (const e of subjectAttributes(cert, ATTR.emailAddress)) out.push({ type: "email", value: e });
  const san = cert.ext.subjectAltName;
  if (san) out.push(...san);
  if (isLeaf && !san) {
    for (const cn of subjectAttributes(cert, ATTR.commonName)) {
      const ip = parseIpAddress(cn);
      if (ip) out.push({ type: "ip", value: ip });
      else if (isValidDnsName(cn, { wildcard: true })) out.push({ type: "dns", value: cn });
    }
  }
  return out;
}

/**
 * §6.1.3 (b)-(c): every constrained name of `cert` must lie within each permitted set that constrains its form and
 * within no excluded subtree. Throws X509_NAME_CONSTRAINTS at `at`.
 *
 * @example
 * ```ts
 * checkNameConstraints(state, leaf, true, "path[0]");
 * ```
 */
export function checkNameConstraints(
  state: NameConstraintsState,
  cert: Certificate,
  isLeaf: boolean,
  at: string,
): void {
  if (state.permitted.length === 0 && state.excluded.length === 0) return;
  for (const name of constrainedNames(cert, isLeaf)) {
    const form = nameForm(name);
    const constrained =
      state.excluded.some((s) => nameForm(s.base) === form) ||
      state.permitted.some((set) => set.some((s) => nameForm(s.base) === form));
    if (!constrained) continue;
    if (!wellFormed(name)) violation(`a malformed ${form} name cannot be checked against name constraints`, at);
    try {
      for (const s of state.excluded) {
        if (nameForm(s.base) === form && subtreeContains(s.base, name, "excluded")) {
          violation(`${describe(name)} is in an excluded subtree`, at);
        }
      }
      for (const set of state.permitted) {
        const ofForm = set.filter((s) => nameForm(s.base) === form);
        if (ofForm.length > 0 && !ofForm.some((s) => subtreeContains(s.base, name, "permitted"))) {
          violation(`${describe(name)} is not in the permitted subtrees`, at);
        }
      }
    } catch (e) {
      if (e instanceof RotkitError && e.at === undefined) violation(e.message, at);
      throw e;
    }
  }
}

function describe(n: GeneralName): string {
  if (n.type === "dns" || n.type === "email" || n.type === "uri") return `${n.type} name "${n.value}"`;
  if (n.type === "ip") return `IP ${Array.from(n.value).join(",")}`;
  if (n.type === "dn") return "the subject DN";
  return `a ${nameForm(n)} name`;
}

/**
 * §6.1.4 (g): adds a CA's nameConstraints to the state (permitted subtrees intersect, excluded ones unite), after
 * checking each subtree's syntax.
 *
 * @example
 * ```ts
 * const next = addNameConstraints(state, ca.ext.nameConstraints, "path[1]");
 * ```
 */
export function addNameConstraints(
  state: NameConstraintsState,
  nc: { permitted?: GeneralSubtree[]; excluded?: GeneralSubtree[] },
  at: string,
): NameConstraintsState {
  if (!nc.permitted && !nc.excluded) violation("nameConstraints is an empty sequence", at); // §4.2.1.10
  for (const s of [...(nc.permitted ?? []), ...(nc.excluded ?? [])]) checkSubtreeSyntax(s, at);
  return {
    permitted: nc.permitted ? [...state.permitted, nc.permitted] : state.permitted,
    excluded: nc.excluded ? [...state.excluded, ...nc.excluded] : state.excluded,
  };
}
