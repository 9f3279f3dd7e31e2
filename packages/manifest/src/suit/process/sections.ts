import { RotkitError } from "@rotkit/core";
import { SuitManifestKey } from "../labels.js";
import type { SuitCommandSequence, SuitManifest, SuitSeverable } from "../types.js";
import type { SuitProcedure } from "./platform.js";

// Which command sequences a procedure runs, in order (draft-ietf-suit-manifest §8.4.6: "Goals 1,2,3 form the Update
// Procedure. Goals 3,4,5 form the Invocation Procedure."; trust-domains §3 and §7 insert dependency resolution
// before payload fetch and candidate verification before install; trust-domains §6 uninstall).

/** A manifest member holding a command sequence. */
export type SuitSectionName =
  | "dependencyResolution"
  | "payloadFetch"
  | "candidateVerification"
  | "install"
  | "validate"
  | "load"
  | "invoke"
  | "uninstall";

/** The sections of each procedure, in execution order. */
export function procedureSections(procedure: SuitProcedure): SuitSectionName[] {
  switch (procedure) {
    case "update":
      return ["dependencyResolution", "payloadFetch", "candidateVerification", "install", "validate"];
    case "invoke":
      return ["validate", "load", "invoke"];
    case "uninstall":
      return ["uninstall"];
  }
}

/** A section to run: its manifest key (the report's suit-record-manifest-section) and its commands. */
export interface Section {
  key: number;
  name: SuitSectionName;
  sequence: SuitCommandSequence;
}

/**
 * The section of a manifest, or undefined when the manifest has none. A severed section that the envelope does
 * not carry cannot be run: SUIT_MALFORMED (the recipient needs the envelope with that member).
 */
export function sectionOf(manifest: SuitManifest, name: SuitSectionName): Section | undefined {
  const key = SuitManifestKey[name];
  const member = manifest[name] as SuitCommandSequence | SuitSeverable<SuitCommandSequence> | undefined;
  if (member === undefined) return undefined;
  if (Array.isArray(member)) return { key, name, sequence: member };
  if (member.value === undefined) {
    throw new RotkitError("SUIT_MALFORMED", `the ${name} sequence was severed and the envelope does not carry it`, {
      at: `envelope/${key}`,
    });
  }
  return { key, name, sequence: member.value };
}

/** The section with manifest key `key` (process-dependency runs the dependent's current section). */
export function sectionByKey(manifest: SuitManifest, key: number): Section | undefined {
  for (const name of [
    "dependencyResolution",
    "payloadFetch",
    "candidateVerification",
    "install",
    "validate",
    "load",
    "invoke",
    "uninstall",
  ] as const) {
    if (SuitManifestKey[name] === key) return sectionOf(manifest, name);
  }
  return undefined;
}
