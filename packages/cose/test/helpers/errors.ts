import { isRotkitError } from "@rotkit/core";

// How the tests observe failures: by RotkitError code (callers branch on code, never on message text). Anything
// else that is thrown is a bug and propagates, failing the test.

/** The code of the RotkitError `f` throws (or its promise rejects with); undefined when it succeeds. */
export async function code(f: () => unknown): Promise<string | undefined> {
  try {
    await f();
  } catch (e) {
    if (isRotkitError(e)) return e.code;
    throw e;
  }
  return undefined;
}

/** The code of the RotkitError `p` rejects with; "OK" when it resolves. */
export async function settledCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isRotkitError(e)) return e.code;
    throw e;
  }
  return "OK";
}
