import { RotkitError } from "../errors.js";
import type { CborDecodeOptions, CborLimits } from "./types.js";

/**
 * Defaults for {@link CborLimits}: small enough that hostile input cannot exhaust a device, large enough for
 * every rotkit protocol (a SUIT envelope with an inline payload fits in 16 MiB).
 *
 * @example
 * ```ts
 * decodeCbor(bytes, { limits: { ...DEFAULT_CBOR_LIMITS, maxDepth: 8 } });
 * ```
 */
export const DEFAULT_CBOR_LIMITS: Readonly<CborLimits> = {
  maxDepth: 32,
  maxItems: 65536,
  maxBytes: 16 * 1024 * 1024,
  maxStringLength: 16 * 1024 * 1024,
};

/** Decoder options with every default applied, resolved once per call so the hot loop reads plain fields. */
export interface ResolvedCborOptions {
  maxDepth: number;
  maxItems: number;
  maxBytes: number;
  maxStringLength: number;
  rejectIndefinite: boolean;
  requirePreferred: boolean;
  requireDeterministic: boolean;
  rejectDuplicateKeys: boolean;
  zeroCopy: boolean;
}

function limit(name: keyof CborLimits, given: number | undefined, fallback: number): number {
  if (given === undefined) return fallback;
  // NaN or a negative limit would silently disable a check: refuse it instead.
  if (typeof given !== "number" || !(given >= 0)) {
    throw new RotkitError("INVALID_ARGUMENT", `cbor: limits.${name} must be a non-negative number`);
  }
  return given;
}

/** Applies defaults; requireDeterministic implies requirePreferred and rejectIndefinite (RFC 8949 §4.2.1). */
export function resolveCborOptions(options: CborDecodeOptions | undefined): ResolvedCborOptions {
  // The common call passes no options: reuse one resolved object (it is never mutated).
  if (options === undefined) {
    if (defaults === undefined) defaults = resolve(undefined);
    return defaults;
  }
  return resolve(options);
}

let defaults: ResolvedCborOptions | undefined;

function resolve(options: CborDecodeOptions | undefined): ResolvedCborOptions {
  const l = options?.limits ?? {};
  const maxBytes = limit("maxBytes", l.maxBytes, DEFAULT_CBOR_LIMITS.maxBytes);
  const deterministic = options?.requireDeterministic === true;
  return {
    maxDepth: limit("maxDepth", l.maxDepth, DEFAULT_CBOR_LIMITS.maxDepth),
    maxItems: limit("maxItems", l.maxItems, DEFAULT_CBOR_LIMITS.maxItems),
    maxBytes,
    maxStringLength: limit("maxStringLength", l.maxStringLength, maxBytes),
    rejectIndefinite: deterministic || options?.rejectIndefinite === true,
    requirePreferred: deterministic || options?.requirePreferred === true,
    requireDeterministic: deterministic,
    rejectDuplicateKeys: options?.rejectDuplicateKeys !== false,
    zeroCopy: options?.zeroCopy === true,
  };
}
