import { isRotkitError } from "@rotkit/core";
import type { CaseResult, Verdict } from "../types.js";

// How a suite's case runner reports one case, and how that report becomes the runner's CaseResult. Shared by the
// JSON-per-case suites (cose-wg examples, cose-wg encryption, go-cose) so they judge errors the same way.

/** A parsed JSON object of an upstream case file. */
export type Json = Record<string, unknown>;

/** One case run with one provider: a verdict (with the RotkitError code of a rejection) or why it was skipped. */
export type Outcome = { got: Verdict; code?: string; reason?: string } | { skipped: string };

/** The case file itself is unusable (a missing or mistyped member): the case is skipped, not failed. */
export class CaseInputError extends Error {}

/**
 * `v` as a JSON object; CaseInputError otherwise.
 *
 * @example
 * ```ts
 * const input = obj(c.input, "input");
 * ```
 */
export function obj(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new CaseInputError(`${what} is not an object`);
  return v as Json;
}

/**
 * An exception as text for a report: `Name: message`, or the value itself.
 *
 * @example
 * ```ts
 * errorText(new TypeError("x is undefined")); // "TypeError: x is undefined"
 * ```
 */
export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * What a case runner reports for an exception: an unusable case is skipped, a RotkitError is a rejection with its
 * code, anything else is a crash (code "CRASH"), which the suites never count as a correct rejection.
 *
 * @example
 * ```ts
 * try { return await runCase(c); } catch (e) { return outcomeOfError(e); }
 * ```
 */
export function outcomeOfError(e: unknown): Outcome {
  if (e instanceof CaseInputError) return { skipped: `case input not usable: ${e.message}` };
  if (isRotkitError(e)) return { got: "invalid", code: e.code, reason: e.message };
  return { got: "invalid", code: "CRASH", reason: `not a RotkitError: ${errorText(e)}` };
}

/**
 * The CaseResult of an Outcome.
 *
 * @example
 * ```ts
 * caseResult("sign1-verify-01.json@noble", "valid", { got: "valid" });
 * ```
 */
export function caseResult(id: string, expected: Verdict, r: Outcome): CaseResult {
  if ("skipped" in r) return { id, expected, got: "skipped", reason: r.skipped };
  const res: CaseResult = { id, expected, got: r.got };
  if (r.code) res.code = r.code;
  if (r.reason) res.reason = r.reason;
  return res;
}
