import {
  type CborValue,
  type CryptoProvider,
  constantTimeEqual,
  type HashAlg,
  RotkitError,
  type ShakeAlg,
  shakeDigest,
} from "@rotkit/core";
import { array, bstr, int, malformed, type SuitContext, unsupported, wrapped } from "./cbor.js";
import { SuitDigestAlg } from "./labels.js";
import type { SuitDigest } from "./types.js";

// SUIT_Digest (draft-ietf-suit-manifest §8.4.2.3, App. A): [suit-digest-algorithm-id, suit-digest-bytes].

/** Output length of each suit-cose-hash-alg (RFC 9054: SHAKE128 -18 is 256-bit, SHAKE256 -45 is 512-bit). */
export const DIGEST_LENGTH = new Map<number, number>([
  [SuitDigestAlg.sha256, 32],
  [SuitDigestAlg.shake128, 32],
  [SuitDigestAlg.sha384, 48],
  [SuitDigestAlg.sha512, 64],
  [SuitDigestAlg.shake256, 64],
]);

const HASH = new Map<number, HashAlg>([
  [SuitDigestAlg.sha256, "SHA-256"],
  [SuitDigestAlg.sha384, "SHA-384"],
  [SuitDigestAlg.sha512, "SHA-512"],
]);

/**
 * RFC 9054 §2: SHAKE128 (-18) and SHAKE256 (-45), with the output lengths of DIGEST_LENGTH. CryptoProvider offers no
 * SHAKE (WebCrypto has none), so these are computed here, on the calling thread.
 */
const SHAKE = new Map<number, ShakeAlg>([
  [SuitDigestAlg.shake128, "SHAKE128"],
  [SuitDigestAlg.shake256, "SHAKE256"],
]);

/** The digest of `data` if `algorithm` is a SHAKE, else undefined (the provider's hash then). */
function shakeOf(algorithm: number, data: Uint8Array): Uint8Array | undefined {
  const shake = SHAKE.get(algorithm);
  return shake === undefined ? undefined : shakeDigest(shake, data, DIGEST_LENGTH.get(algorithm) as number);
}

/** Decodes a SUIT_Digest from its decoded CBOR array. */
export function digestFromCbor(v: CborValue, where: string): SuitDigest {
  const a = array(v, where);
  if (a.length < 2) malformed(where, "SUIT_Digest must be [algorithm-id, digest-bytes]");
  // App. A allows `* $$SUIT_Digest-extensions`; none is defined, so any extra element is unknown to us.
  if (a.length > 2) unsupported(where, "SUIT_Digest extensions are not supported");
  const a0 = a[0];
  const algorithm = typeof a0 === "number" && Number.isInteger(a0) ? a0 : int(a0 as CborValue, `${where}[0]`);
  const want = DIGEST_LENGTH.get(algorithm);
  if (want === undefined) unsupported(`${where}[0]`, `digest algorithm ${algorithm} is not a suit-cose-hash-alg`);
  const a1 = a[1];
  const bytes = a1 instanceof Uint8Array ? a1 : bstr(a1 as CborValue, `${where}[1]`);
  if (bytes.length !== want) malformed(`${where}[1]`, `digest is ${bytes.length} bytes, algorithm needs ${want}`);
  return { algorithm, bytes };
}

/** Decodes `bstr .cbor SUIT_Digest`. */
export function wrappedDigest(v: CborValue, where: string, ctx: SuitContext): SuitDigest {
  return digestFromCbor(wrapped(v, where, ctx), where);
}

/** The CBOR value of a SUIT_Digest (for encoding). */
export function digestToCbor(d: SuitDigest): CborValue {
  return [d.algorithm, d.bytes];
}

/**
 * The CryptoProvider hash of a suit-cose-hash-alg (SHA-256/384/512); SUIT_UNSUPPORTED for any other id, SHAKE128 and
 * SHAKE256 included (they are not CryptoProvider hashes: {@link suitDigest} computes them itself).
 */
export function suitHash(algorithm: number): HashAlg {
  const hash = HASH.get(algorithm);
  if (!hash) {
    throw new RotkitError("SUIT_UNSUPPORTED", `SUIT_Digest: algorithm ${algorithm} is not supported`, {
      at: "digest",
    });
  }
  return hash;
}

/** SUIT_DIGEST_MISMATCH at `where`. */
export function digestMismatch(where: string): never {
  throw new RotkitError("SUIT_DIGEST_MISMATCH", `${where}: does not match its SUIT_Digest`, { at: where });
}

/**
 * Digest of `data` with a suit-cose-hash-alg: SHA-256/384/512 through the provider, SHAKE128 (256-bit) and SHAKE256
 * (512-bit, RFC 9054) computed here. Any other id: SUIT_UNSUPPORTED.
 *
 * @example
 * ```ts
 * const d = await suitDigest(nobleProvider(), -16, manifestBstr); // { algorithm: -16, bytes }
 * ```
 */
export async function suitDigest(provider: CryptoProvider, algorithm: number, data: Uint8Array): Promise<SuitDigest> {
  if (!provider || typeof provider.digest !== "function") {
    throw new RotkitError("INVALID_ARGUMENT", "SUIT: a CryptoProvider is required");
  }
  const shake = shakeOf(algorithm, data);
  if (shake) return { algorithm, bytes: shake };
  return { algorithm, bytes: await provider.digest(suitHash(algorithm), data) };
}

/**
 * Checks that `data` has the digest `expected` (constant-time compare): SUIT_DIGEST_MISMATCH otherwise.
 *
 * @example
 * ```ts
 * await checkSuitDigest(provider, auth.digest, manifestBstr, "manifest");
 * ```
 */
export async function checkSuitDigest(
  provider: CryptoProvider,
  expected: SuitDigest,
  data: Uint8Array,
  where: string,
): Promise<void> {
  const actual = await suitDigest(provider, expected.algorithm, data);
  if (!constantTimeEqual(actual.bytes, expected.bytes)) digestMismatch(where);
}

/**
 * {@link checkSuitDigest} without an async turn where the provider hashes `data` synchronously (`digestSync`):
 * undefined once the digest is checked, else the pending check. For the verifier's hot path.
 */
export function checkSuitDigestNow(
  provider: CryptoProvider,
  expected: SuitDigest,
  data: Uint8Array,
  where: string,
): Promise<void> | undefined {
  const now = shakeOf(expected.algorithm, data) ?? provider.digestSync?.(suitHash(expected.algorithm), data);
  if (now === undefined) return checkSuitDigest(provider, expected, data, where);
  if (!constantTimeEqual(now, expected.bytes)) digestMismatch(where);
  return undefined;
}
