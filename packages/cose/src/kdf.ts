import { type CborValue, type CryptoProvider, concatBytes, type HashAlg, RotkitError } from "@rotkit/core";
import { encodeCose } from "./cbor.js";

// The COSE key derivation: HKDF (RFC 5869) with HMAC, or with AES-CBC-MAC as the PRF (RFC 9053 §5.1), over the
// COSE_KDF_Context (RFC 9053 §5.2).

/** One PartyInfo of the COSE_KDF_Context (RFC 9053 §5.2): identity, nonce, other; absent = nil. */
export interface KdfPartyInfo {
  identity?: Uint8Array | null;
  nonce?: Uint8Array | number | null;
  other?: Uint8Array | null;
}

/** The inputs of a COSE_KDF_Context (RFC 9053 §5.2). */
export interface KdfContextInput {
  /** The algorithm the derived key is for (the layer above: content/MAC alg, or the key-wrap alg). */
  algorithmId: number | string;
  partyU?: KdfPartyInfo;
  partyV?: KdfPartyInfo;
  /** keyDataLength in *bits*. */
  keyDataLength: number;
  /** The serialized protected header of the recipient layer (zero length when empty). */
  protected: Uint8Array;
  /** SuppPubInfo.other, when the application agreed on one. */
  suppPubOther?: Uint8Array;
  /** SuppPrivInfo, never sent. */
  suppPrivInfo?: Uint8Array;
}

function party(p: KdfPartyInfo | undefined): CborValue[] {
  return [p?.identity ?? null, p?.nonce ?? null, p?.other ?? null];
}

/**
 * Encodes the COSE_KDF_Context (RFC 9053 §5.2):
 * `[AlgorithmID, [U identity, nonce, other], [V ...], [keyDataLength, protected, ? other], ? SuppPrivInfo]`.
 *
 * @example
 * ```ts
 * encodeKdfContext({ algorithmId: 1, keyDataLength: 128, protected: fromHex("a1013818") });
 * ```
 */
export function encodeKdfContext(c: KdfContextInput): Uint8Array {
  if (!Number.isInteger(c.keyDataLength) || c.keyDataLength <= 0) {
    throw new RotkitError("INVALID_ARGUMENT", "COSE_KDF_Context: keyDataLength must be a positive number of bits");
  }
  const supp: CborValue[] = [c.keyDataLength, c.protected];
  if (c.suppPubOther !== undefined) supp.push(c.suppPubOther);
  const ctx: CborValue[] = [c.algorithmId, party(c.partyU), party(c.partyV), supp];
  if (c.suppPrivInfo !== undefined) ctx.push(c.suppPrivInfo);
  return encodeCose(ctx);
}

/** Which PRF an HKDF instance uses (RFC 9053 §5.1). */
export type CoseKdfPrf = { kind: "hmac"; hash: HashAlg } | { kind: "aes"; keyLength: 16 | 32 };

/**
 * HKDF-Expand with AES-CBC-MAC as the PRF (RFC 9053 §5.1): T(i) = AES-CBC-MAC(secret, T(i-1) ‖ info ‖ i),
 * 128-bit blocks. The extract step is always skipped for the AES variants, so the secret must already be an
 * AES key of the right size, and a `salt` header has no effect on the result.
 */
async function hkdfAesExpand(
  provider: CryptoProvider,
  secret: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  if (length > 255 * 16) throw new RotkitError("INVALID_ARGUMENT", "HKDF-AES: output too long");
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, o = 0; o < length; i++) {
    t = await provider.aesCbcMac(secret, concatBytes(t, info, Uint8Array.of(i)), 16);
    out.set(t.subarray(0, Math.min(16, length - o)), o);
    o += 16;
  }
  return out;
}

/**
 * Derives `length` bytes from `secret` with the COSE HKDF of `prf` (RFC 9053 §5.1). `salt` only applies to the
 * HMAC variant (empty = HashLen zeros, RFC 5869 §2.2).
 *
 * @example
 * ```ts
 * const cek = await coseHkdf(provider, { kind: "hmac", hash: "SHA-256" }, secret, salt, contextBytes, 16);
 * ```
 */
export async function coseHkdf(
  provider: CryptoProvider,
  prf: CoseKdfPrf,
  secret: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  if (prf.kind === "aes") {
    if (secret.length !== prf.keyLength) {
      throw new RotkitError(
        "COSE_BAD_KEY",
        `HKDF-AES-${prf.keyLength * 8}: the secret must be ${prf.keyLength} bytes, got ${secret.length}`,
      );
    }
    return hkdfAesExpand(provider, secret, info, length);
  }
  return provider.hkdf(prf.hash, secret, salt, info, length);
}
