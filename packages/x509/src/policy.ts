import { RotkitError } from "@rotkit/core";
import type { Certificate } from "./types.js";
import { ANY_POLICY } from "./validate-oids.js";

// The certificate-policy part of RFC 5280 §6.1: the valid_policy_tree with its explicit_policy, policy_mapping and
// inhibit_anyPolicy counters (§6.1.2 (a), (d)-(f)), policy processing per certificate (§6.1.3 (d)-(f)), mapping and
// counter updates before the next certificate (§6.1.4 (a)-(b), (h)-(j)) and the wrap-up (§6.1.5 (a)-(b), (g)).

interface PolicyNode {
  validPolicy: string;
  expected: Set<string>;
  parent: PolicyNode | undefined;
  children: PolicyNode[];
  depth: number;
}

/** The tree's node count is bounded: crafted mappings can otherwise make it grow exponentially. */
const MAX_NODES = 10_000;

/** The policy state of one path being validated. */
export class PolicyProcessor {
  private root: PolicyNode | undefined;
  /** Nodes by depth; levels[0] = [root]. */
  private levels: PolicyNode[][];
  private nodes = 1;
  explicitPolicy: number;
  policyMapping: number;
  inhibitAnyPolicy: number;

  /** §6.1.2: `n` is the number of certificates in the path (trust anchor excluded). */
  constructor(
    private readonly n: number,
    init: { explicitPolicy?: boolean; policyMappingInhibit?: boolean; anyPolicyInhibit?: boolean },
  ) {
    this.root = { validPolicy: ANY_POLICY, expected: new Set([ANY_POLICY]), parent: undefined, children: [], depth: 0 };
    this.levels = [[this.root]];
    this.explicitPolicy = init.explicitPolicy ? 0 : n + 1;
    this.inhibitAnyPolicy = init.anyPolicyInhibit ? 0 : n + 1;
    this.policyMapping = init.policyMappingInhibit ? 0 : n + 1;
  }

  private addChild(parent: PolicyNode, policy: string, expected: Set<string>, depth: number, at: string): void {
    if (++this.nodes > MAX_NODES) throw new RotkitError("X509_POLICY", "policy tree too large", { at });
    const node: PolicyNode = { validPolicy: policy, expected, parent, children: [], depth };
    parent.children.push(node);
    while (this.levels.length <= depth) this.levels.push([]);
    (this.levels[depth] as PolicyNode[]).push(node);
  }

  private level(d: number): PolicyNode[] {
    return this.levels[d] ?? [];
  }

  private remove(node: PolicyNode): void {
    if (node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
    const lvl = this.levels[node.depth];
    if (lvl) this.levels[node.depth] = lvl.filter((x) => x !== node);
    // the subtree goes too
    const stack = [...node.children];
    while (stack.length) {
      const c = stack.pop() as PolicyNode;
      const l = this.levels[c.depth];
      if (l) this.levels[c.depth] = l.filter((x) => x !== c);
      stack.push(...c.children);
    }
    if (node === this.root) this.root = undefined;
  }

  /** Deletes childless nodes above depth `d`, bottom-up; an empty tree becomes NULL. */
  private prune(d: number): void {
    for (let k = d - 1; k >= 0; k--) {
      for (const node of [...this.level(k)]) if (node.children.length === 0) this.remove(node);
    }
    if (this.root && this.root.children.length === 0 && d > 0) this.remove(this.root);
  }

  /**
   * The policies of the valid_policy_node_set (§6.1.5 (g)(iii)(1)): nodes whose parent is anyPolicy, i.e. the
   * policies in the trust anchor's (user's) domain, before the mappings below them.
   */
  private nodeSetPolicies(): string[] {
    if (!this.root) return [];
    const out = new Set<string>();
    for (let d = 1; d <= this.n; d++) {
      for (const nd of this.level(d)) {
        // an inner anyPolicy node only passes its parent's domain through to the nodes below it
        if (nd.validPolicy === ANY_POLICY && d < this.n) continue;
        if (nd.parent?.validPolicy === ANY_POLICY) out.add(nd.validPolicy);
      }
    }
    return [...out];
  }

  /** True when the valid_policy_tree is NULL. */
  get isNull(): boolean {
    return this.root === undefined;
  }

  /**
   * §6.1.3 (d)-(f) for certificate `i` (1-based from the anchor side).
   */
  processCertificate(cert: Certificate, i: number, selfIssued: boolean, at: string): void {
    const policies = cert.ext.certificatePolicies;
    if (policies && this.root) {
      // (d)(1)
      for (const p of policies) {
        if (p.policy === ANY_POLICY) continue;
        let matched = false;
        for (const node of this.level(i - 1)) {
          if (node.expected.has(p.policy)) {
            this.addChild(node, p.policy, new Set([p.policy]), i, at);
            matched = true;
          }
        }
        if (!matched) {
          for (const node of this.level(i - 1)) {
            if (node.validPolicy === ANY_POLICY) this.addChild(node, p.policy, new Set([p.policy]), i, at);
          }
        }
      }
      // (d)(2)
      const hasAny = policies.some((p) => p.policy === ANY_POLICY);
      if (hasAny && (this.inhibitAnyPolicy > 0 || (i < this.n && selfIssued))) {
        for (const node of this.level(i - 1)) {
          for (const e of node.expected) {
            if (!node.children.some((c) => c.validPolicy === e)) this.addChild(node, e, new Set([e]), i, at);
          }
        }
      }
      // (d)(3)
      this.prune(i);
      if (this.root && this.level(i).length === 0) this.remove(this.root);
    }
    // (e)
    if (!policies && this.root) this.remove(this.root);
    // (f)
    if (this.explicitPolicy <= 0 && this.isNull) {
      throw new RotkitError("X509_POLICY", "no valid certificate policy where an explicit policy is required", { at });
    }
  }

  /** §6.1.4 (a)-(b), (h)-(j): before certificate i+1, with certificate i's mappings and constraints. */
  prepareNext(cert: Certificate, i: number, selfIssued: boolean, at: string): void {
    const mappings = cert.ext.policyMappings;
    if (mappings) {
      // (a)
      for (const m of mappings) {
        if (m.issuerDomainPolicy === ANY_POLICY || m.subjectDomainPolicy === ANY_POLICY) {
          throw new RotkitError("X509_POLICY", "policyMappings maps to or from anyPolicy", { at });
        }
      }
      // (b)
      const byIssuer = new Map<string, Set<string>>();
      for (const m of mappings) {
        const s = byIssuer.get(m.issuerDomainPolicy) ?? new Set<string>();
        s.add(m.subjectDomainPolicy);
        byIssuer.set(m.issuerDomainPolicy, s);
      }
      if (this.root) {
        for (const [idp, sdps] of byIssuer) {
          const nodes = this.level(i).filter((nd) => nd.validPolicy === idp);
          if (this.policyMapping > 0) {
            if (nodes.length > 0) for (const nd of nodes) nd.expected = new Set(sdps);
            else {
              const anyNode = this.level(i).find((nd) => nd.validPolicy === ANY_POLICY);
              if (anyNode?.parent) this.addChild(anyNode.parent, idp, new Set(sdps), i, at);
            }
          } else {
            for (const nd of nodes) this.remove(nd);
            this.prune(i);
            if (this.root && this.level(i).length === 0) this.remove(this.root);
          }
        }
      }
    }
    // (h)
    if (!selfIssued) {
      if (this.explicitPolicy > 0) this.explicitPolicy--;
      if (this.policyMapping > 0) this.policyMapping--;
      if (this.inhibitAnyPolicy > 0) this.inhibitAnyPolicy--;
    }
    // (i)
    const pc = cert.ext.policyConstraints;
    if (pc?.requireExplicitPolicy !== undefined && pc.requireExplicitPolicy < this.explicitPolicy) {
      this.explicitPolicy = pc.requireExplicitPolicy;
    }
    if (pc?.inhibitPolicyMapping !== undefined && pc.inhibitPolicyMapping < this.policyMapping) {
      this.policyMapping = pc.inhibitPolicyMapping;
    }
    // (j)
    const iap = cert.ext.inhibitAnyPolicy;
    if (iap !== undefined && iap < this.inhibitAnyPolicy) this.inhibitAnyPolicy = iap;
  }

  /**
   * §6.1.5 (a)-(b), (g) with the leaf (certificate n): returns the authorities- and user-constrained policy sets, or
   * throws X509_POLICY when explicit_policy is 0 and the intersection is NULL.
   */
  wrapUp(leaf: Certificate, userInitialPolicySet: string[], at: string): { authorities: string[]; user: string[] } {
    // (a)-(b)
    if (this.explicitPolicy > 0) this.explicitPolicy--;
    if (leaf.ext.policyConstraints?.requireExplicitPolicy === 0) this.explicitPolicy = 0;
    const n = this.n;
    const authorities = this.nodeSetPolicies();
    // (g)
    if (this.root && !userInitialPolicySet.includes(ANY_POLICY)) {
      const user = new Set(userInitialPolicySet);
      // (g)(iii)(1)-(2): nodes whose parent is anyPolicy
      const candidates: PolicyNode[] = [];
      for (let d = 1; d <= n; d++) {
        for (const nd of this.level(d)) if (nd.parent?.validPolicy === ANY_POLICY) candidates.push(nd);
      }
      for (const nd of candidates) {
        if (nd.validPolicy !== ANY_POLICY && !user.has(nd.validPolicy)) this.remove(nd);
      }
      // (g)(iii)(3)
      const anyLeaf = this.level(n).find((x) => x.validPolicy === ANY_POLICY);
      if (anyLeaf?.parent) {
        const parent = anyLeaf.parent;
        const present = new Set(this.level(n).map((x) => x.validPolicy));
        this.remove(anyLeaf);
        for (const p of user) if (!present.has(p)) this.addChild(parent, p, new Set([p]), n, at);
      }
      // (g)(iii)(4)
      this.prune(n);
      if (this.root && this.level(n).length === 0) this.remove(this.root);
    }
    const userSet = this.nodeSetPolicies();
    if (this.explicitPolicy <= 0 && this.isNull) {
      throw new RotkitError("X509_POLICY", "no acceptable certificate policy where an explicit policy is required", {
        at,
      });
    }
    return { authorities, user: userSet };
  }
}
