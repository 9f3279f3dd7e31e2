import {
  type ApplyDeltaOptions,
  type ApplyDeltaResult,
  applyDelta,
  memoryReader,
  memorySink,
  memorySource,
} from "@rotkit/delta";

// Applying a rotkit delta in memory, for the delta-* tests.

export interface Applied {
  bytes: Uint8Array;
  result: ApplyDeltaResult;
}

/**
 * Applies `patch` to `old` in memory; the patch arrives in pieces of `chunk` bytes, as a download would.
 *
 * @example
 * ```ts
 * const { bytes } = await applyInMemory(old, patch);
 * ```
 */
export async function applyInMemory(
  old: Uint8Array,
  patch: Uint8Array,
  options: ApplyDeltaOptions = {},
  chunk = 1500,
): Promise<Applied> {
  const sink = memorySink();
  const result = await applyDelta(memoryReader(old), memorySource(patch, chunk), sink, options);
  return { bytes: sink.bytes(), result };
}
