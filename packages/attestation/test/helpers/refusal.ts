import { RotkitError } from "@rotkit/core";

/**
 * The RotkitError code and `at` that `p` rejects with, or `{ code: "ok" }` when it resolves; any other error is
 * rethrown, so a TypeError fails the test instead of passing as a refusal.
 */
export async function refusal(p: Promise<unknown>): Promise<{ code: string; at: unknown }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RotkitError) return { code: e.code, at: e.at };
    throw e;
  }
  return { code: "ok", at: undefined };
}
