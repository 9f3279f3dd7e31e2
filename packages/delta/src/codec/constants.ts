// Parameters of the binary adaptive range coder shared by the encoder and the decoder (LZMA-style carry-less
// range coder with 32-bit range, Martin 1979 / Pavlov's LZMA SDK rc): probabilities are 12-bit estimates of P(bit=0).

/** Bits of probability precision. */
export const PROB_BITS = 12;
/** Initial probability (one half). */
export const PROB_INIT = 1 << (PROB_BITS - 1);
/** Adaptation rate: p moves by 1/2^ADAPT_SHIFT of the distance to the observed bit. */
export const ADAPT_SHIFT = 4;
/** The range is renormalised (one byte shifted) whenever it falls below this. */
export const RANGE_TOP = 1 << 24;
