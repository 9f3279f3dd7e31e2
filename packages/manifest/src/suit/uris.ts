import type { SuitCommandSequence, SuitDigest, SuitManifest, SuitParameters } from "./types.js";

// What the manifest says about the URIs it sets, found by a static walk of its command sequences that follows
// set-component-index and the parameters each component holds (the shared sequence runs before every other
// sequence, draft-ietf-suit-manifest §6.4). Used to tell integrated dependencies from integrated payloads
// (draft-ietf-suit-trust-domains §7.1.1: "The URI for the Dependency MUST match the text string key") and to bind
// an integrated member to the image digest the manifest expects for it.

/**
 * The manifest's command sequences that are present (inline or supplied by the envelope), by name: "shared",
 * "validate", "load", "invoke", "uninstall", "dependencyResolution", "payloadFetch", "candidateVerification",
 * "install".
 *
 * @example
 * ```ts
 * manifestSequences(env.manifest).map(([name]) => name); // ["shared", "validate", "invoke"]
 * ```
 */
export function manifestSequences(m: SuitManifest): Array<[string, SuitCommandSequence]> {
  const out: Array<[string, SuitCommandSequence]> = [];
  if (m.common.sharedSequence) out.push(["shared", m.common.sharedSequence]);
  for (const name of ["validate", "load", "invoke", "uninstall"] as const) {
    const s = m[name];
    if (s) out.push([name, s]);
  }
  for (const name of ["dependencyResolution", "payloadFetch", "candidateVerification", "install"] as const) {
    const s = m[name]?.value;
    if (s) out.push([name, s]);
  }
  return out;
}

/** What the manifest binds to one URI. */
export interface SuitUriBinding {
  /** True when the URI is set for a component listed in suit-dependencies. */
  dependency: boolean;
  /** The (image-digest, image-size) pairs the URI's component held while the URI was set. */
  expected: Array<{ digest: SuitDigest; size?: number }>;
}

interface Held {
  uri?: string;
  digest?: SuitDigest;
  size?: number;
}

type State = Map<number, Held>;

class Walker {
  readonly out = new Map<string, SuitUriBinding>();
  constructor(
    readonly all: number[],
    readonly deps: Set<number>,
  ) {}

  private record(index: number, h: Held): void {
    if (h.uri === undefined) return;
    let b = this.out.get(h.uri);
    if (!b) {
      b = { dependency: false, expected: [] };
      this.out.set(h.uri, b);
    }
    if (this.deps.has(index)) b.dependency = true;
    if (h.digest) {
      const d = h.digest;
      const known = b.expected.some((e) => e.digest === d && e.size === h.size);
      if (!known) b.expected.push(h.size === undefined ? { digest: d } : { digest: d, size: h.size });
    }
  }

  private apply(state: State, index: number, p: SuitParameters, override: boolean): void {
    const h = { ...(state.get(index) ?? {}) };
    // trust-domains §5.4.1: set-parameters leaves parameters that are already set.
    if (p.uri !== undefined && (override || h.uri === undefined)) h.uri = p.uri;
    if (p.imageDigest && (override || !h.digest)) h.digest = p.imageDigest;
    if (p.imageSize !== undefined && (override || h.size === undefined)) h.size = p.imageSize;
    state.set(index, h);
    this.record(index, h);
  }

  walk(seq: SuitCommandSequence, start: number[], state: State): number[] {
    let current = start;
    for (const c of seq) {
      switch (c.name) {
        case "set-component-index":
          current = c.index === true ? this.all : typeof c.index === "number" ? [c.index] : c.index;
          break;
        case "override-parameters":
        case "set-parameters":
          for (const i of current) this.apply(state, i, c.parameters, c.name === "override-parameters");
          break;
        case "override-multiple":
          for (const [i, p] of c.parameters) this.apply(state, i, p, true);
          break;
        case "try-each":
          for (const s of c.sequences) this.walk(s, current, new Map(state));
          break;
        case "run-sequence":
          current = this.walk(c.sequence, current, state);
          break;
        default:
      }
    }
    return current;
  }
}

/**
 * The URIs the manifest sets, with whether each names a dependency and the image digests its component holds.
 * A static approximation of running the sequences (both branches of a try-each are followed).
 *
 * @example
 * ```ts
 * suitUriBindings(env.manifest).get("#tc")?.expected[0]?.digest; // the digest the "#tc" payload must have
 * ```
 */
export function suitUriBindings(m: SuitManifest): Map<string, SuitUriBinding> {
  const deps = new Set(m.common.dependencies?.keys() ?? []);
  const count = m.common.components?.length ?? 0;
  const all = [...new Set([...Array.from({ length: count }, (_, i) => i), ...deps])];
  const w = new Walker(all, deps);
  const seqs = manifestSequences(m);
  const shared = seqs.find(([n]) => n === "shared");
  const base: State = new Map();
  // §8.4.10.1: each sequence starts at component index 0.
  if (shared) w.walk(shared[1], [0], base);
  for (const [name, seq] of seqs) if (name !== "shared") w.walk(seq, [0], new Map(base));
  return w.out;
}

/**
 * The URIs the manifest assigns to its dependency components (empty when it declares no dependencies).
 *
 * @example
 * ```ts
 * dependencyUris(env.manifest); // Set { "#dependent.suit" }
 * ```
 */
export function dependencyUris(m: SuitManifest): Set<string> {
  const out = new Set<string>();
  for (const [uri, b] of suitUriBindings(m)) if (b.dependency) out.add(uri);
  return out;
}
