// The probability layout of one block of the rotkit delta stream (docs/delta-format.md "Block payload"). Every
// adaptive probability lives in one Uint16Array, reset to one half at the start of each block, so blocks decode
// independently and the decoder's model memory is fixed: MODEL_SIZE * 2 bytes.

/**
 * A number slot: the bit length of the value (0..32) as a 6-bit tree, then up to NUM_MODELLED_BITS mantissa bits
 * below the leading one, modelled per bit length; further mantissa bits are coded with probability one half.
 */
export const NUM_MODELLED_BITS = 4;
export const NUM_SLOT = 64 + 33 * (1 << NUM_MODELLED_BITS);

/** Step header: copy length (2 contexts: was the previous insert empty), insert length (2: is this copy empty). */
export const M_COPY_LEN = 0;
export const M_INSERT_LEN = M_COPY_LEN + 2 * NUM_SLOT;
/** Where a copy reads the old image: repeat one of the last 4 displacements, continue, or an explicit seek. */
export const M_SOURCE = M_INSERT_LEN + 2 * NUM_SLOT;
export const SOURCE_FLAGS = 16;
export const M_SEEK = M_SOURCE + SOURCE_FLAGS;
/** Copy bytes: "new byte equals old byte" flag, by position mod 4 and the last two flags. */
export const M_SAME = M_SEEK + NUM_SLOT;
export const SAME_CONTEXTS = 64;
/** Copy bytes that differ: (new - old) mod 256 as an 8-bit tree, by position mod 4. */
export const M_DIFF = M_SAME + SAME_CONTEXTS;
export const DIFF_CONTEXTS = 4;
/** Inserted bytes: 8-bit tree by position mod 4 and the top 3 bits of the previous byte. */
export const M_LITERAL = M_DIFF + DIFF_CONTEXTS * 256;
export const LITERAL_CONTEXTS = 32;
export const MODEL_SIZE = M_LITERAL + LITERAL_CONTEXTS * 256;

/** Number of displacements the stream remembers for repeat copies. */
export const REPS = 4;

/** Source kinds of a copy (coded as a small tree in M_SOURCE). */
export const SRC_REP0 = 0;
export const SRC_REP1 = 1;
export const SRC_REP2 = 2;
export const SRC_REP3 = 3;
/** The copy reads on from where the previous copy stopped in the old image. */
export const SRC_CONTINUE = 4;
/** An explicit signed seek from where the previous copy stopped. */
export const SRC_SEEK = 5;

/** Context of the "same byte" flag. */
export function sameContext(newPos: number, history: number): number {
  return ((newPos & 3) << 2) | (history & 3);
}

/** Context of a literal: position mod 4 and the top three bits of the previous byte. */
export function literalContext(newPos: number, prev: number): number {
  return ((newPos & 3) << 3) | (prev >> 5);
}
