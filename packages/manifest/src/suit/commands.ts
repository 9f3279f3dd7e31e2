import type { CborValue } from "@rotkit/core";
import { array, bstr, decodeSuitItem, intKey, malformed, map, type SuitContext, uint, unsupported } from "./cbor.js";
import { SuitConditionCode, SuitDirectiveCode } from "./labels.js";
import { decodeParameters } from "./parameters.js";
import type {
  SuitCommand,
  SuitCommandSequence,
  SuitConditionName,
  SuitDirectiveName,
  SuitIndexArg,
  SuitParameters,
  SuitPolicyDirectiveName,
} from "./types.js";

// SUIT_Command_Sequence (draft-ietf-suit-manifest §8.4.6, App. A) with the commands of trust-domains and
// update-management: a flat array of `command-code, argument` pairs.

let conditionByCode: Map<number, SuitConditionName> | undefined;
let directiveByCode: Map<number, SuitDirectiveName> | undefined;

export function conditionOf(code: number): SuitConditionName | undefined {
  // Built on first use: device packages have no top-level side effects.
  if (!conditionByCode) {
    conditionByCode = new Map(Object.entries(SuitConditionCode).map(([n, c]) => [c, n as SuitConditionName]));
  }
  return conditionByCode.get(code);
}

export function directiveOf(code: number): SuitDirectiveName | undefined {
  if (!directiveByCode) {
    directiveByCode = new Map(Object.entries(SuitDirectiveCode).map(([n, c]) => [c, n as SuitDirectiveName]));
  }
  return directiveByCode.get(code);
}

/** §8.4.5 App. A `SUIT_Shared_Commands` (+ set-parameters, trust-domains dependency template). */
export const SHARED_DIRECTIVES = new Set<string>([
  "set-component-index",
  "run-sequence",
  "try-each",
  "override-parameters",
  "set-parameters",
]);

/** `SUIT_Rep_Policy = uint .bits suit-reporting-bits` (§8.4.7): only bits 0..3 are defined. */
function policy(v: CborValue, where: string): number {
  if (typeof v === "number" && v >= 0 && v <= 15 && Number.isInteger(v)) return v;
  const p = uint(v, where);
  if (p > 15) malformed(where, `reporting policy ${p} sets undefined bits`);
  return p;
}

/** The directives whose argument is not a reporting policy. */
const STRUCTURED_DIRECTIVES = new Set<string>([
  "set-component-index",
  "try-each",
  "run-sequence",
  "override-parameters",
  "set-parameters",
  "override-multiple",
  "copy-params",
]);

/** IndexArg (§8.4.10.1): uint / true / [+uint]. */
function indexArg(v: CborValue, where: string): SuitIndexArg {
  if (v === true) return true;
  if (Array.isArray(v)) return array(v, where, true).map((x, i) => uint(x, `${where}[${i}]`));
  return uint(v, where);
}

/** Decodes `bstr .cbor SUIT_Command_Sequence` one nesting level deeper. */
function nested(v: CborValue, where: string, ctx: SuitContext): SuitCommandSequence {
  if (ctx.nesting >= ctx.maxNesting) {
    throw malformed(where, `command sequences nested deeper than ${ctx.maxNesting}`);
  }
  // The context is the decoding state of one synchronous call: deepened for the inner sequence, then restored.
  ctx.nesting++;
  try {
    return decodeCommandSequence(decodeSuitItem(bstr(v, where), where, ctx), where, ctx);
  } finally {
    ctx.nesting--;
  }
}

function command(code: number, arg: CborValue, where: string, ctx: SuitContext): SuitCommand {
  if (code < 0) {
    // §8.4.5: custom commands are not allowed in the shared sequence.
    if (ctx.shared) malformed(where, "custom commands are not allowed in the shared sequence");
    if (!(arg === null || arg instanceof Uint8Array || typeof arg === "string" || typeof arg === "bigint")) {
      if (!(typeof arg === "number" && Number.isInteger(arg))) {
        malformed(where, "a custom command's argument must be a bstr, tstr, int or nil");
      }
    }
    return { kind: "custom", name: "custom", code, argument: arg as Uint8Array | string | number | bigint | null };
  }
  const c = conditionOf(code);
  if (c) return { kind: "condition", name: c, code, policy: policy(arg, where) };
  const d = directiveOf(code);
  if (!d) unsupported(where, `unknown command ${code}`);
  if (ctx.shared && !SHARED_DIRECTIVES.has(d)) malformed(where, `directive ${d} is not allowed in the shared sequence`);
  switch (d) {
    case "set-component-index":
      return { kind: "directive", name: d, code: 12, index: indexArg(arg, where) };
    case "try-each": {
      const a = array(arg, where);
      let n = a.length;
      const allowNone = n > 0 && a[n - 1] === null;
      if (allowNone) n--;
      if (n < 2) malformed(where, "try-each needs at least two sequences");
      const sequences: SuitCommandSequence[] = [];
      for (let i = 0; i < n; i++) sequences.push(nested(a[i] as CborValue, `${where}[${i}]`, ctx));
      return { kind: "directive", name: d, code: 15, sequences, allowNone };
    }
    case "run-sequence":
      return { kind: "directive", name: d, code: 32, sequence: nested(arg, where, ctx) };
    case "override-parameters":
      return { kind: "directive", name: d, code: 20, parameters: decodeParameters(arg, where, ctx) };
    case "set-parameters":
      return { kind: "directive", name: d, code: 19, parameters: decodeParameters(arg, where, ctx) };
    case "override-multiple": {
      const m = map(arg, where);
      if (m.size === 0) malformed(where, "override-multiple must not be empty");
      const parameters = new Map<number, SuitParameters>();
      for (const [k, x] of m) {
        const index = uint(intKey(k, where), where);
        parameters.set(index, decodeParameters(x, `${where}/${index}`, ctx));
      }
      return { kind: "directive", name: d, code: 34, parameters };
    }
    case "copy-params": {
      const m = map(arg, where);
      if (m.size === 0) malformed(where, "copy-params must not be empty");
      const sources = new Map<number, number[]>();
      for (const [k, x] of m) {
        const index = uint(intKey(k, where), where);
        const at = `${where}/${index}`;
        sources.set(
          index,
          array(x, at, true).map((y, i) => intKey(y, `${at}[${i}]`)),
        );
      }
      return { kind: "directive", name: d, code: 35, sources };
    }
    default:
      return { kind: "directive", name: d as SuitPolicyDirectiveName, code, policy: policy(arg, where) };
  }
}

/**
 * Decodes a SUIT_Command_Sequence (§8.4.6) from its decoded CBOR array: `[+ (command-code, argument)]`. With
 * `ctx.shared`, only conditions and the shared directives are accepted (§8.4.5 SUIT_Shared_Sequence).
 */
export function decodeCommandSequence(v: CborValue, where: string, ctx: SuitContext): SuitCommandSequence {
  const a = array(v, where, true);
  if (a.length % 2 !== 0) malformed(where, "a command sequence is a list of command, argument pairs");
  const out: SuitCommandSequence = [];
  for (let i = 0; i < a.length; i += 2) {
    const c = a[i];
    const arg = a[i + 1];
    // Most commands are a condition or a directive with a reporting policy: built here, with no path string.
    if (typeof c === "number" && c >= 0 && typeof arg === "number" && arg >= 0 && arg <= 15) {
      if (Number.isInteger(c) && Number.isInteger(arg)) {
        const condition = conditionOf(c);
        if (condition) {
          out.push({ kind: "condition", name: condition, code: c, policy: arg });
          continue;
        }
        const d = directiveOf(c);
        if (d && !ctx.shared && !STRUCTURED_DIRECTIVES.has(d)) {
          out.push({ kind: "directive", name: d as SuitPolicyDirectiveName, code: c, policy: arg });
          continue;
        }
      }
    }
    const at = `${where}[${i}]`;
    const code = intKey(c as CborValue, at);
    out.push(command(code, arg as CborValue, at, ctx));
  }
  return out;
}

/** Decodes `bstr .cbor SUIT_Command_Sequence` (a top-level sequence of the manifest). */
export function decodeWrappedSequence(
  v: CborValue,
  where: string,
  ctx: SuitContext,
  shared = false,
): SuitCommandSequence {
  const outer = ctx.shared;
  ctx.shared = shared;
  try {
    return decodeCommandSequence(decodeSuitItem(bstr(v, where), where, ctx), where, ctx);
  } finally {
    ctx.shared = outer;
  }
}
