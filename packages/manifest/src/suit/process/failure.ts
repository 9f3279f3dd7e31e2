import { isRotkitError, RotkitError, type RotkitErrorCode } from "@rotkit/core";
import type { SuitRecord } from "../report/types.js";
import type { SuitParameters } from "../types.js";

// How a command fails (draft-ietf-suit-manifest §6.4): a condition failure ends the current command sequence and is
// "soft" where suit-parameter-soft-failure is true (inside try-each / run-sequence); a directive failure always
// aborts. Both carry a RotkitError; these two classes only move it, with what the report needs, up the sequences.

/** Thrown by a command handler: the error, whether it is a condition failure, and what was measured. */
export class CommandFailure extends Error {
  constructor(
    readonly error: RotkitError,
    readonly condition: boolean,
    readonly properties: SuitParameters = {},
  ) {
    super(error.message);
  }
}

/** Thrown out of a command sequence: the failure and the record of the command that failed first. */
export class SequenceAbort extends Error {
  constructor(
    readonly error: RotkitError,
    /** A condition-class failure, which a sequence with soft-failure set absorbs. */
    readonly soft: boolean,
    readonly record: SuitRecord,
  ) {
    super(error.message);
  }
}

/** A failed condition (soft-failure applies). */
export function conditionFailed(
  code: RotkitErrorCode,
  at: string,
  message: string,
  properties?: SuitParameters,
  cause?: unknown,
): never {
  throw new CommandFailure(new RotkitError(code, message, { at, cause }), true, properties);
}

/** A failed directive, or a condition that must abort whatever soft-failure says. */
export function commandFailed(code: RotkitErrorCode, at: string, message: string, cause?: unknown): never {
  throw new CommandFailure(new RotkitError(code, message, { at, cause }), false);
}

/**
 * Calls into the platform: a RotkitError it throws keeps its code when `keep` accepts it (e.g. the rollback
 * decision), anything else becomes SUIT_COMMAND_FAILED with the original as cause.
 */
export async function platformCall<T>(
  at: string,
  what: string,
  fn: () => Promise<T> | T,
  keep: (code: string) => boolean = () => false,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CommandFailure || e instanceof SequenceAbort) throw e;
    if (isRotkitError(e) && keep(e.code)) throw new CommandFailure(e, false);
    const detail = e instanceof Error ? e.message : String(e);
    return commandFailed("SUIT_COMMAND_FAILED", at, `${what} failed: ${detail}`, e);
  }
}
