// One model, two directions: the block model (codec/block-model.ts) is written once against this interface. The
// encoder's bit() codes the bit it is given and returns it; the decoder's bit() ignores that argument and returns
// the decoded bit. So the encoder and the decoder cannot drift apart: they run the same context choices.

/** A binary adaptive coder: encoder or decoder. */
export interface BitCoder {
  /** Codes one bit with the adaptive probability probs[i]; returns the bit (encoded or decoded). */
  bit(probs: Uint16Array, i: number, bit: number): number;
  /** Codes `count` (<= 16) bits of `value` with probability one half, most significant first; returns them. */
  direct(value: number, count: number): number;
  /**
   * Codes a `bits`-bit value (1..8) as a binary tree of adaptive probabilities probs[base + 1 .. base + 2^bits - 1]
   * (node m's children are 2m and 2m + 1, most significant bit first); returns it.
   */
  tree(probs: Uint16Array, base: number, bits: number, value: number): number;
}
