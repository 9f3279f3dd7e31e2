// The probability layout of one block of the rotkit delta stream (docs/delta-format.md "Block payload"). Every
// adaptive probability lives in one Uint16Array, reset to one half at the start of each block, so blocks decode
// independently and the decoder's model memory is fixed: MODEL_SIZE * 2 bytes.

/**
 * A number slot: the bit length of the value (0..32) as a 6-bit tree, then up to NUM_MODELLED_BITS mantissa bits
 * below the leading one, modelled per bit length; further mantissa bits are coded with probability one half.
 */
export const NUM_MODELLED_BITS = 3;
export const NUM_SLOT = 64 + 33 * (1 << NUM_MODELLED_BITS);

/** Step header: copy length (2 contexts: was the previous insert empty), insert length (2: is this copy empty). */
export const M_COPY_LEN = 0;
export const M_INSERT_LEN = M_COPY_LEN + 2 * NUM_SLOT;
/** Where a copy reads the old image: repeat one of the last 4 displacements, continue, or an explicit seek. */
export const M_SOURCE = M_INSERT_LEN + 2 * NUM_SLOT;
export const M_SEEK = M_SOURCE + 8;
/** Runs of unpredicted aligned words that stay the same, up to the next one that changes (2 contexts: last run 0). */
export const M_RUN = M_SEEK + NUM_SLOT;
/** Predicted aligned words: "new word is the expected one", by prediction kind, confidence and recent history. */
export const M_WORD = M_RUN + 2 * NUM_SLOT;
/** Predicted words that missed: "new word is the old one", by kind and whether the last word changed. */
export const M_WORD_OLD = M_WORD + 16;
/** Copy bytes: "same as old", for head/tail bytes (by position mod 4) and bytes of a changed word. */
export const M_BYTE_SAME = M_WORD_OLD + 6;
/** Copy bytes that differ: (new - old) mod 256 as an 8-bit tree, by position mod 4. */
export const M_DIFF = M_BYTE_SAME + 20;
/** Inserted bytes: 8-bit tree by position mod 4 and the top 3 bits of the previous byte. */
export const M_LITERAL = M_DIFF + 4 * 256;
export const LITERAL_CONTEXTS = 32;
export const MODEL_SIZE = M_LITERAL + LITERAL_CONTEXTS * 256;

/** Number of displacements the stream remembers for repeat copies. */
export const REPS = 4;

/** Context of a predicted word's flag: kind (1 or 2), table confidence (0..3), whether the last word changed. */
export function wordContext(kind: number, conf: number, history: number): number {
  return (kind - 1) * 8 + conf * 2 + (history & 1);
}

/** Context of a literal: position mod 4 and the top three bits of the previous byte. */
export function literalContext(newPos: number, prev: number): number {
  return ((newPos & 3) << 3) | (prev >> 5);
}
