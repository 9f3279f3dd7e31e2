import type { SuitCommandSequence, SuitManifest, SuitParameters } from "./types.js";

// Which text-keyed envelope members are integrated dependencies (draft-ietf-suit-trust-domains §7.1.1: "The URI
// for the Dependency MUST match the text string key of the dependent's Envelope key"): the URIs the manifest
// sets for a component listed in suit-dependencies. Found by a static walk that follows set-component-index.

/** The manifest's command sequences that are present (inline or supplied by the envelope), by name. */
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

/** Selected component indices; `true` = every component and dependency. */
type Selection = true | Set<number>;

function walk(seq: SuitCommandSequence, start: Selection, deps: Set<number>, out: Set<string>): void {
  let current = start;
  const selectsDependency = (): boolean => current === true || [...current].some((i) => deps.has(i));
  const take = (p: SuitParameters, dependency: boolean): void => {
    if (dependency && p.uri !== undefined) out.add(p.uri);
  };
  for (const c of seq) {
    switch (c.name) {
      case "set-component-index":
        current = c.index === true ? true : new Set(typeof c.index === "number" ? [c.index] : c.index);
        break;
      case "override-parameters":
      case "set-parameters":
        take(c.parameters, selectsDependency());
        break;
      case "override-multiple":
        for (const [i, p] of c.parameters) take(p, deps.has(i));
        break;
      case "try-each":
        for (const s of c.sequences) walk(s, current, deps, out);
        break;
      case "run-sequence":
        walk(c.sequence, current, deps, out);
        break;
      default:
    }
  }
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
  const deps = new Set(m.common.dependencies?.keys() ?? []);
  if (deps.size === 0) return out;
  // §8.4.10.1: each sequence starts at component index 0.
  for (const [, seq] of manifestSequences(m)) walk(seq, new Set([0]), deps, out);
  return out;
}
