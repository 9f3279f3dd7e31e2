import { encodeCbor, RotkitError, toHex } from "@rotkit/core";
import type { SuitComponentId, SuitDependencyMetadata, SuitManifest, VerifiedSuitEnvelope } from "../types.js";
import type { SuitManifestInfo } from "./platform.js";

// One manifest being processed (the root, or a dependency): its component table and its dependencies' state.
// Component indices (draft-ietf-suit-manifest §8.4.5) index suit-components; trust-domains §5.2.2 adds the indices
// of suit-dependencies, which may lie beyond the component list (the trust-domains examples declare one component
// and a dependency at index 1).

/** One entry of a manifest's component table. */
export interface ComponentEntry {
  index: number;
  /** The identifier the platform sees (with the dependency prefix when prefixes are prepended). */
  id: SuitComponentId;
  /** Key in the parameter table. */
  key: string;
  /** Present when the index is listed in suit-dependencies: the component holds a dependency envelope. */
  dependency?: SuitDependencyMetadata;
}

/** A dependency envelope held by the interpreter (dependency manifests are kept in memory, not in storage). */
export interface DependencyState {
  /** The envelope as fetched. */
  bytes: Uint8Array;
  /** Where it came from (the key of an integrated dependency, or the fetched URI). */
  uri: string;
  /** Set once the envelope's authentication was checked. */
  verified?: VerifiedSuitEnvelope;
  /** trust-domains §5.4.4: the dependency was the target of an integrity check since it was last written. */
  checked: boolean;
  /** Its processing state, once process-dependency (or unlink) ran it. */
  context?: ManifestContext;
}

/** The state of one manifest in processing. */
export interface ManifestContext {
  envelope: VerifiedSuitEnvelope;
  manifest: SuitManifest;
  info: SuitManifestInfo;
  /** index → entry. */
  components: Map<number, ComponentEntry>;
  /** Every index, ascending: what set-component-index `true` selects. */
  all: number[];
  /** Dependency envelopes fetched (or integrated) by index. */
  dependencies: Map<number, DependencyState>;
  /** Nesting below the root (0 for the root). */
  depth: number;
  /** The component-id prefix of this manifest (trust-domains dependency-prefix, when prepended). */
  prefix: SuitComponentId;
  /** Dependency indices in ascending order: a dependency's position is its manifest-id element. */
  dependencyOrder: number[];
  /** The key of the section being executed (process-dependency runs the same section of the dependency). */
  section: number;
  /** Prefix of error locations: "" for the root, "dependency[0]/" for its first dependency, ... */
  label: string;
}

/** The parameter-table key of a component identifier. */
export function componentKey(id: SuitComponentId): string {
  return toHex(encodeCbor(id));
}

/** Builds a manifest's component table. SUIT_UNSUPPORTED when it declares more than `maxComponents`. */
export function buildContext(
  envelope: VerifiedSuitEnvelope,
  info: SuitManifestInfo,
  depth: number,
  prefix: SuitComponentId,
  maxComponents: number,
  label = "",
): ManifestContext {
  const manifest = envelope.manifest;
  const declared = manifest.common.components ?? [];
  const deps = manifest.common.dependencies ?? new Map<number, SuitDependencyMetadata>();
  const total = new Set([...declared.keys(), ...deps.keys()]).size;
  if (total > maxComponents) {
    // §6.2: "check that the number of components listed in the manifest is not larger than the number in the target".
    throw new RotkitError("SUIT_UNSUPPORTED", `the manifest lists ${total} components, more than ${maxComponents}`, {
      at: "manifest/3",
    });
  }
  const components = new Map<number, ComponentEntry>();
  declared.forEach((id, index) => {
    const full = [...prefix, ...id];
    components.set(index, { index, id: full, key: componentKey(full) });
  });
  for (const [index, meta] of deps) {
    const known = components.get(index);
    if (known) components.set(index, { ...known, dependency: meta });
    else {
      // A dependency outside suit-components has no storage identity: it lives in the interpreter.
      const id = [...prefix, ...(meta.prefix ?? [])];
      const path = info.manifestId.join(".");
      components.set(index, { index, id, key: `dependency:${path}:${index}`, dependency: meta });
    }
  }
  const all = [...components.keys()].sort((a, b) => a - b);
  return {
    envelope,
    manifest,
    info,
    components,
    all,
    dependencies: new Map(),
    depth,
    prefix,
    dependencyOrder: [...deps.keys()].sort((a, b) => a - b),
    section: 0,
    label,
  };
}
