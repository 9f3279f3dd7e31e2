import { RotkitError } from "@rotkit/core";
import { counterValue } from "./values.js";

/**
 * A counter that never decreases (DESIGN.md "I/O at the edges"). Values are unsigned integers up to 2^53-1.
 * `advanceTo` below the current value throws `COUNTER_DECREASE` and changes nothing; the current value is a no-op.
 * Implementations: {@link memoryCounter}, the flash journal (`openFlashCounter`), a file (`@rotkit/rollback/node`),
 * or a host's own (OTP fuses, a secure element, RPMB).
 */
export interface MonotonicCounter {
  read(): Promise<number>;
  advanceTo(value: number): Promise<void>;
}

/**
 * Throws `COUNTER_DECREASE` when `next` is below `current`; `what` names the counter in the message.
 *
 * @example
 * ```ts
 * checkAdvance(5, 4, "boot"); // throws COUNTER_DECREASE
 * ```
 */
export function checkAdvance(current: number, next: number, what: string): void {
  if (next < current) {
    throw new RotkitError("COUNTER_DECREASE", `counter ${what} is at ${current}; refusing to move it back to ${next}`, {
      at: what,
    });
  }
}

/**
 * A MonotonicCounter in memory (tests; values that need not survive a restart).
 *
 * @example
 * ```ts
 * const c = memoryCounter(3);
 * await c.advanceTo(5);
 * await c.read(); // 5
 * ```
 */
export function memoryCounter(initial = 0): MonotonicCounter {
  let value = counterValue(initial, "initial");
  return {
    read: async () => value,
    advanceTo: async (v: number) => {
      const next = counterValue(v, "value");
      checkAdvance(value, next, "memory");
      value = next;
    },
  };
}
