import { RotkitError } from "@rotkit/core";

// Mutation-fuzz helpers shared by every package's negative tests (DESIGN.md "Tests": every mutation of a valid
// input must end in a RotkitError, never a crash). Generic over what `fn` does: decode, verify, apply…

/** XOR masks applied to each byte: low/high bit flips, a nibble swap, and all-bits (0x00<->0xff, break byte). */
export const DEFAULT_XOR_MASKS: readonly number[] = [0x01, 0x80, 0x20, 0x1f, 0xff];

/**
 * Every single-byte mutation of `bytes`: for each position, `bytes[i] ^ mask` for each mask. Yields fresh copies;
 * `at`/`mask` say what changed so a failing case can be reported.
 */
export function* singleByteMutations(
  bytes: Uint8Array,
  masks: readonly number[] = DEFAULT_XOR_MASKS,
): Generator<{ bytes: Uint8Array; at: number; mask: number }> {
  for (let at = 0; at < bytes.length; at++) {
    for (const mask of masks) {
      const out = bytes.slice();
      out[at] = (out[at] as number) ^ mask;
      yield { bytes: out, at, mask };
    }
  }
}

/** Every proper prefix of `bytes` (length 0 .. length-1), shortest first. */
export function* truncations(bytes: Uint8Array): Generator<Uint8Array> {
  for (let n = 0; n < bytes.length; n++) yield bytes.slice(0, n);
}

export interface MutationOutcome {
  /** Inputs for which `fn` returned normally. */
  ok: number;
  /** Inputs for which `fn` threw a RotkitError, counted by code. */
  rejected: number;
  codes: Record<string, number>;
}

/**
 * Runs `fn` on each input and asserts that anything thrown is a RotkitError (a TypeError, RangeError or stack
 * overflow fails the test with the offending input in hex). Returns how many passed and how many were rejected.
 * Inputs may be plain byte arrays or the records yielded by {@link singleByteMutations}.
 */
export function expectOnlyRotkitErrors(
  fn: (input: Uint8Array) => unknown,
  inputs: Iterable<Uint8Array | { bytes: Uint8Array }>,
): MutationOutcome {
  const outcome: MutationOutcome = { ok: 0, rejected: 0, codes: {} };
  for (const item of inputs) {
    const input = item instanceof Uint8Array ? item : item.bytes;
    try {
      fn(input);
      outcome.ok++;
    } catch (e) {
      if (!(e instanceof RotkitError)) {
        const hex = Array.from(input, (b) => b.toString(16).padStart(2, "0")).join("");
        throw new Error(`non-RotkitError for input ${hex}: ${String(e)}`, { cause: e });
      }
      outcome.rejected++;
      outcome.codes[e.code] = (outcome.codes[e.code] ?? 0) + 1;
    }
  }
  return outcome;
}
