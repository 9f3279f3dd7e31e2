import { isRotkitError } from "@rotkit/core";

/**
 * The RotkitError code `fn` throws or rejects with, or "OK" when it succeeds; any other error is rethrown, so a
 * TypeError fails the test instead of passing as a refusal.
 */
export async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    return e.code;
  }
  return "OK";
}
