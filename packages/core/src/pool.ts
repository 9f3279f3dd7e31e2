// Small byte buffers carved from a shared slab, the way Node pools small Buffers. Allocating a fresh ArrayBuffer
// costs far more than a view on an existing one (a backing-store allocation plus GC bookkeeping), and a server
// verifying thousands of tokens a second makes several per token. A region is handed out once and never reused;
// the slab is dropped when full and freed when its last view is gone. A pooled view shares its `.buffer` with
// other pooled views: use the view (`byteOffset`/`length`), never the whole buffer.

const SLAB_SIZE = 8192;
const MAX_PIECE = 2048;
let slab: ArrayBuffer | undefined;
let used = 0;

/**
 * A zero-filled `Uint8Array` of `size` bytes, pooled when small. For buffers that are filled at once and whose
 * `.buffer` nobody inspects (to-be-signed structures, private copies of decoded input).
 *
 * @example
 * ```ts
 * const tbs = pooledBytes(64); // write into it, hand it to a verifier
 * ```
 */
export function pooledBytes(size: number): Uint8Array {
  if (size > MAX_PIECE) return new Uint8Array(size);
  if (slab === undefined || used + size > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    used = 0;
  }
  const out = new Uint8Array(slab, used, size);
  // 8-byte alignment keeps later pieces aligned for hosts that read words.
  used += (size + 7) & ~7;
  return out;
}

/**
 * A private copy of `bytes` (pooled when small): later changes to the caller's buffer do not reach it.
 *
 * @example
 * ```ts
 * const mine = pooledCopy(input.subarray(10, 40));
 * ```
 */
export function pooledCopy(bytes: Uint8Array): Uint8Array {
  const out = pooledBytes(bytes.length);
  out.set(bytes);
  return out;
}
