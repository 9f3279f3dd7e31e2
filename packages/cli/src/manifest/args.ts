// Argument parsing for `rotkit manifest <sub> …`: positionals, `--flag value` (optionally repeatable) and
// boolean switches. Anything unknown is a usage error (exit 2), never silently ignored.

/** What one subcommand accepts. */
export interface ArgSpec {
  /** Flags that take a value; `true` = may be given more than once. */
  values: Readonly<Record<string, boolean>>;
  /** Flags without a value. */
  switches?: readonly string[];
  /** How many positionals (exactly). */
  positionals: number;
}

/** Parsed arguments. */
export interface Args {
  positional: string[];
  values: Map<string, string[]>;
  switches: Set<string>;
}

/**
 * Parses `args` against `spec`; returns the parsed arguments or a one-line usage error.
 *
 * @example
 * ```ts
 * parseArgs(["env.suit", "--key", "k.pem"], { values: { "--key": true }, positionals: 1 });
 * ```
 */
export function parseArgs(args: readonly string[], spec: ArgSpec): Args | string {
  const out: Args = { positional: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith("--") || a === "--") {
      out.positional.push(a);
      continue;
    }
    if (spec.switches?.includes(a)) {
      out.switches.add(a);
      continue;
    }
    const repeatable = spec.values[a];
    if (repeatable === undefined) return `unknown option "${a}"`;
    const v = args[i + 1];
    if (v === undefined) return `${a} needs a value`;
    const list = out.values.get(a) ?? [];
    if (list.length > 0 && !repeatable) return `${a} given twice`;
    list.push(v);
    out.values.set(a, list);
    i++;
  }
  if (out.positional.length !== spec.positionals) {
    return `expected ${spec.positionals} file argument${spec.positionals === 1 ? "" : "s"}, got ${out.positional.length}`;
  }
  return out;
}

/** The single value of a non-repeatable flag, if given. */
export function single(a: Args, flag: string): string | undefined {
  return a.values.get(flag)?.[0];
}
