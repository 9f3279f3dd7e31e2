import { SuitParameterKey } from "../labels.js";
import type { SuitParameters } from "../types.js";

// The parameter table of the abstract machine (draft-ietf-suit-manifest §6.4, §8.4.8): parameters are scoped to a
// component, except the two processor parameters strict-order and soft-failure (§8.4.8), which the interpreter
// keeps per command sequence. The table is keyed by component identifier, so a dependent's parameters reach the
// same component in its dependency (trust-domains §5.4: "Any changes made to Parameters by the Dependency persist
// in the dependent").

type Field = Exclude<keyof SuitParameters, "custom">;

/** Parameter label → field of SuitParameters (the labels' names are the field names). */
export function parameterField(label: number): Field | undefined {
  for (const [name, key] of Object.entries(SuitParameterKey)) if (key === label) return name as Field;
  return undefined;
}

/** The processor parameters (§8.4.8: not component-scoped). */
export const PROCESSOR_FIELDS: readonly Field[] = ["softFailure", "strictOrder"];

/**
 * Applies `p` to `target`: override-parameters (§8.4.10.3) always sets; set-parameters (trust-domains §5.4.1)
 * sets only what is not set yet. Processor parameters are left to the caller.
 */
export function applyParameters(target: SuitParameters, p: SuitParameters, override: boolean): SuitParameters {
  const out: SuitParameters = { ...target };
  const w = out as Record<string, unknown>;
  for (const [name, value] of Object.entries(p)) {
    if (value === undefined || name === "custom" || (PROCESSOR_FIELDS as readonly string[]).includes(name)) continue;
    if (override || w[name] === undefined) w[name] = value;
  }
  if (p.custom) {
    const custom = new Map(out.custom ?? []);
    for (const [k, v] of p.custom) if (override || !custom.has(k)) custom.set(k, v);
    out.custom = custom;
  }
  return out;
}

/** copy-params (update-management): the listed parameter labels of `source`, as parameters to override with. */
export function pickParameters(source: SuitParameters, labels: readonly number[]): SuitParameters {
  const out: SuitParameters = {};
  const w = out as Record<string, unknown>;
  for (const label of labels) {
    if (label < 0) {
      const v = source.custom?.get(label);
      if (v !== undefined) out.custom = new Map([...(out.custom ?? []), [label, v]]);
      continue;
    }
    const field = parameterField(label);
    if (!field || (PROCESSOR_FIELDS as readonly string[]).includes(field)) continue;
    const v = source[field];
    if (v !== undefined) w[field] = v;
  }
  return out;
}

/** The parameter table: component key → parameters. Values are never mutated, so a shallow copy is a snapshot. */
export class ParameterTable {
  private table = new Map<string, SuitParameters>();

  get(key: string): SuitParameters {
    return this.table.get(key) ?? {};
  }

  set(key: string, p: SuitParameters): void {
    this.table.set(key, p);
  }

  /** §6.1: "the manifest processor clears all parameter storage". */
  clear(): void {
    this.table.clear();
  }

  snapshot(): Map<string, SuitParameters> {
    return new Map(this.table);
  }

  restore(s: Map<string, SuitParameters>): void {
    this.table = new Map(s);
  }
}
