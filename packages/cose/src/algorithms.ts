import { type HashAlg, RotkitError, type SignatureAlg } from "@rotkit/core";

// COSE algorithm registry: RFC 9053 (§2 signatures, §3 MACs, §4 content encryption, §5-6 key management),
// RFC 8230 (RSA), RFC 9864 (fully-specified algorithms), RFC 9459 (AES-CTR/CBC, for SUIT), RFC 9964 (ML-DSA), RFC 8778 (HSS-LMS).

export type CoseAlgKind =
  | "signature"
  | "mac"
  | "aead"
  | "cipher" // non-AEAD content encryption (AES-CTR/CBC, RFC 9459): only for SUIT, which authenticates elsewhere
  | "direct"
  | "direct-hkdf"
  | "key-wrap"
  | "ecdh-direct"
  | "ecdh-key-wrap"
  | "rsa-oaep";

export interface CoseAlgInfo {
  readonly id: number;
  readonly name: string;
  readonly kind: CoseAlgKind;
  /** signature: the provider scheme. */
  readonly signature?: SignatureAlg;
  /** mac (HMAC), direct-hkdf, ecdh-*, rsa-oaep: the hash. */
  readonly hash?: HashAlg;
  /** mac: "hmac" or "aes-cbc-mac"; aead: "AES-GCM" | "AES-CCM" | "ChaCha20-Poly1305"; cipher: "AES-CTR" | "AES-CBC". */
  readonly primitive?: "hmac" | "aes-cbc-mac" | "AES-GCM" | "AES-CCM" | "ChaCha20-Poly1305" | "AES-CTR" | "AES-CBC";
  /** Key length in bytes (content key, MAC key, or the KEK for key wrap). */
  readonly keyLength?: number;
  /** mac / aead: tag length in bytes. */
  readonly tagLength?: number;
  /** aead / cipher: nonce (IV) length in bytes. */
  readonly ivLength?: number;
  /** ecdh-*: static-static (SS) or ephemeral-static (ES). */
  readonly ecdh?: "ES" | "SS";
  /** ecdh-key-wrap / direct-hkdf (AES variant): the wrap or PRF width in bytes. */
  readonly wrapKeyLength?: number;
  /** direct-hkdf: "hmac" (RFC 9053 §5.1 HKDF with HMAC) or "aes" (HKDF with AES-CBC-MAC). */
  readonly prf?: "hmac" | "aes";
}

const table: CoseAlgInfo[] = [
  // §2: signatures
  { id: -7, name: "ES256", kind: "signature", signature: "ES256" },
  { id: -35, name: "ES384", kind: "signature", signature: "ES384" },
  { id: -36, name: "ES512", kind: "signature", signature: "ES512" },
  { id: -8, name: "EdDSA", kind: "signature", signature: "EdDSA" },
  { id: -9, name: "ESP256", kind: "signature", signature: "ESP256" },
  { id: -51, name: "ESP384", kind: "signature", signature: "ESP384" },
  { id: -52, name: "ESP512", kind: "signature", signature: "ESP512" },
  { id: -19, name: "Ed25519", kind: "signature", signature: "Ed25519" },
  { id: -53, name: "Ed448", kind: "signature", signature: "Ed448" },
  { id: -37, name: "PS256", kind: "signature", signature: "PS256" },
  { id: -38, name: "PS384", kind: "signature", signature: "PS384" },
  { id: -39, name: "PS512", kind: "signature", signature: "PS512" },
  { id: -257, name: "RS256", kind: "signature", signature: "RS256" },
  { id: -258, name: "RS384", kind: "signature", signature: "RS384" },
  { id: -259, name: "RS512", kind: "signature", signature: "RS512" },
  // RFC 9964 §2 (draft-ietf-cose-dilithium): pure ML-DSA (FIPS 204), empty context, with an AKP key
  { id: -48, name: "ML-DSA-44", kind: "signature", signature: "ML-DSA-44" },
  { id: -49, name: "ML-DSA-65", kind: "signature", signature: "ML-DSA-65" },
  { id: -50, name: "ML-DSA-87", kind: "signature", signature: "ML-DSA-87" },
  // RFC 8778 §2: HSS/LMS hash-based signatures (RFC 8554) with an HSS-LMS key
  { id: -46, name: "HSS-LMS", kind: "signature", signature: "HSS-LMS" },
  // §3.1: HMAC
  { id: 4, name: "HMAC 256/64", kind: "mac", primitive: "hmac", hash: "SHA-256", keyLength: 32, tagLength: 8 },
  { id: 5, name: "HMAC 256/256", kind: "mac", primitive: "hmac", hash: "SHA-256", keyLength: 32, tagLength: 32 },
  { id: 6, name: "HMAC 384/384", kind: "mac", primitive: "hmac", hash: "SHA-384", keyLength: 48, tagLength: 48 },
  { id: 7, name: "HMAC 512/512", kind: "mac", primitive: "hmac", hash: "SHA-512", keyLength: 64, tagLength: 64 },
  // §3.2: AES-CBC-MAC
  { id: 14, name: "AES-MAC 128/64", kind: "mac", primitive: "aes-cbc-mac", keyLength: 16, tagLength: 8 },
  { id: 15, name: "AES-MAC 256/64", kind: "mac", primitive: "aes-cbc-mac", keyLength: 32, tagLength: 8 },
  { id: 25, name: "AES-MAC 128/128", kind: "mac", primitive: "aes-cbc-mac", keyLength: 16, tagLength: 16 },
  { id: 26, name: "AES-MAC 256/128", kind: "mac", primitive: "aes-cbc-mac", keyLength: 32, tagLength: 16 },
  // §4.1: AES-GCM
  { id: 1, name: "A128GCM", kind: "aead", primitive: "AES-GCM", keyLength: 16, tagLength: 16, ivLength: 12 },
  { id: 2, name: "A192GCM", kind: "aead", primitive: "AES-GCM", keyLength: 24, tagLength: 16, ivLength: 12 },
  { id: 3, name: "A256GCM", kind: "aead", primitive: "AES-GCM", keyLength: 32, tagLength: 16, ivLength: 12 },
  // §4.2: AES-CCM (name = AES-CCM-<L*8>-<tag bits>-<key bits>; nonce = 15 - L bytes)
  { id: 10, name: "AES-CCM-16-64-128", kind: "aead", primitive: "AES-CCM", keyLength: 16, tagLength: 8, ivLength: 13 },
  { id: 11, name: "AES-CCM-16-64-256", kind: "aead", primitive: "AES-CCM", keyLength: 32, tagLength: 8, ivLength: 13 },
  { id: 12, name: "AES-CCM-64-64-128", kind: "aead", primitive: "AES-CCM", keyLength: 16, tagLength: 8, ivLength: 7 },
  { id: 13, name: "AES-CCM-64-64-256", kind: "aead", primitive: "AES-CCM", keyLength: 32, tagLength: 8, ivLength: 7 },
  {
    id: 30,
    name: "AES-CCM-16-128-128",
    kind: "aead",
    primitive: "AES-CCM",
    keyLength: 16,
    tagLength: 16,
    ivLength: 13,
  },
  {
    id: 31,
    name: "AES-CCM-16-128-256",
    kind: "aead",
    primitive: "AES-CCM",
    keyLength: 32,
    tagLength: 16,
    ivLength: 13,
  },
  { id: 32, name: "AES-CCM-64-128-128", kind: "aead", primitive: "AES-CCM", keyLength: 16, tagLength: 16, ivLength: 7 },
  { id: 33, name: "AES-CCM-64-128-256", kind: "aead", primitive: "AES-CCM", keyLength: 32, tagLength: 16, ivLength: 7 },
  // §4.3: ChaCha20/Poly1305
  {
    id: 24,
    name: "ChaCha20/Poly1305",
    kind: "aead",
    primitive: "ChaCha20-Poly1305",
    keyLength: 32,
    tagLength: 16,
    ivLength: 12,
  },
  // RFC 9459: non-AEAD modes, used by SUIT firmware encryption (the manifest signature authenticates the payload)
  { id: -65534, name: "A128CTR", kind: "cipher", primitive: "AES-CTR", keyLength: 16, ivLength: 16 },
  { id: -65533, name: "A192CTR", kind: "cipher", primitive: "AES-CTR", keyLength: 24, ivLength: 16 },
  { id: -65532, name: "A256CTR", kind: "cipher", primitive: "AES-CTR", keyLength: 32, ivLength: 16 },
  { id: -65531, name: "A128CBC", kind: "cipher", primitive: "AES-CBC", keyLength: 16, ivLength: 16 },
  { id: -65530, name: "A192CBC", kind: "cipher", primitive: "AES-CBC", keyLength: 24, ivLength: 16 },
  { id: -65529, name: "A256CBC", kind: "cipher", primitive: "AES-CBC", keyLength: 32, ivLength: 16 },
  // §6.1: direct
  { id: -6, name: "direct", kind: "direct" },
  // §6.1.2: direct key with KDF
  { id: -10, name: "direct+HKDF-SHA-256", kind: "direct-hkdf", prf: "hmac", hash: "SHA-256" },
  { id: -11, name: "direct+HKDF-SHA-512", kind: "direct-hkdf", prf: "hmac", hash: "SHA-512" },
  { id: -12, name: "direct+HKDF-AES-128", kind: "direct-hkdf", prf: "aes", wrapKeyLength: 16 },
  { id: -13, name: "direct+HKDF-AES-256", kind: "direct-hkdf", prf: "aes", wrapKeyLength: 32 },
  // §6.2.1: AES key wrap
  { id: -3, name: "A128KW", kind: "key-wrap", keyLength: 16 },
  { id: -4, name: "A192KW", kind: "key-wrap", keyLength: 24 },
  { id: -5, name: "A256KW", kind: "key-wrap", keyLength: 32 },
  // §6.3.1: ECDH direct with HKDF
  { id: -25, name: "ECDH-ES + HKDF-256", kind: "ecdh-direct", ecdh: "ES", hash: "SHA-256" },
  { id: -26, name: "ECDH-ES + HKDF-512", kind: "ecdh-direct", ecdh: "ES", hash: "SHA-512" },
  { id: -27, name: "ECDH-SS + HKDF-256", kind: "ecdh-direct", ecdh: "SS", hash: "SHA-256" },
  { id: -28, name: "ECDH-SS + HKDF-512", kind: "ecdh-direct", ecdh: "SS", hash: "SHA-512" },
  // §6.4.1: ECDH with key wrap (HKDF-SHA-256 derives the KEK)
  { id: -29, name: "ECDH-ES + A128KW", kind: "ecdh-key-wrap", ecdh: "ES", hash: "SHA-256", wrapKeyLength: 16 },
  { id: -30, name: "ECDH-ES + A192KW", kind: "ecdh-key-wrap", ecdh: "ES", hash: "SHA-256", wrapKeyLength: 24 },
  { id: -31, name: "ECDH-ES + A256KW", kind: "ecdh-key-wrap", ecdh: "ES", hash: "SHA-256", wrapKeyLength: 32 },
  { id: -32, name: "ECDH-SS + A128KW", kind: "ecdh-key-wrap", ecdh: "SS", hash: "SHA-256", wrapKeyLength: 16 },
  { id: -33, name: "ECDH-SS + A192KW", kind: "ecdh-key-wrap", ecdh: "SS", hash: "SHA-256", wrapKeyLength: 24 },
  { id: -34, name: "ECDH-SS + A256KW", kind: "ecdh-key-wrap", ecdh: "SS", hash: "SHA-256", wrapKeyLength: 32 },
  // RFC 8230 §3: RSAES-OAEP
  { id: -40, name: "RSAES-OAEP w/ RFC 8017 default parameters", kind: "rsa-oaep", hash: "SHA-256" },
  { id: -41, name: "RSAES-OAEP w/ SHA-256", kind: "rsa-oaep", hash: "SHA-256" },
  { id: -42, name: "RSAES-OAEP w/ SHA-512", kind: "rsa-oaep", hash: "SHA-512" },
];
// -40 uses SHA-1 per RFC 8230; marked SHA-256 above only as a placeholder, so it is refused below.
const REFUSED = new Set<number>([-40]);

let byId: Map<number, CoseAlgInfo> | undefined;

function index(): Map<number, CoseAlgInfo> {
  // Built lazily: no work at module load (device packages have no top-level side effects).
  if (!byId) byId = new Map(table.filter((a) => !REFUSED.has(a.id)).map((a) => [a.id, a]));
  return byId;
}

/**
 * Looks up a COSE algorithm by its registered integer. Text-string algorithm values and unknown integers are
 * refused with `COSE_UNSUPPORTED_ALG` (fail closed: an algorithm we do not know is never "probably fine").
 *
 * @example
 * ```ts
 * coseAlgorithm(-7).signature; // "ES256"
 * ```
 */
export function coseAlgorithm(alg: unknown, where = "alg"): CoseAlgInfo {
  if (typeof alg !== "number" || !Number.isInteger(alg)) {
    throw new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: algorithm ${String(alg)} is not a registered integer`);
  }
  const info = index().get(alg);
  if (!info) throw new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: unsupported COSE algorithm ${alg}`);
  return info;
}

/** Like {@link coseAlgorithm} but also checks the kind (e.g. a MAC algorithm in a COSE_Sign1 is refused). */
export function coseAlgorithmOfKind(alg: unknown, kinds: readonly CoseAlgKind[], where = "alg"): CoseAlgInfo {
  const info = coseAlgorithm(alg, where);
  if (!kinds.includes(info.kind)) {
    throw new RotkitError(
      "COSE_ALG_MISMATCH",
      `${where}: ${info.name} (${info.id}) is a ${info.kind} algorithm, expected ${kinds.join(" or ")}`,
    );
  }
  return info;
}

/** The COSE integer of a signature scheme, for signing. */
export function coseAlgIdOf(name: string): number {
  const info = table.find((a) => a.name === name && !REFUSED.has(a.id));
  if (!info) throw new RotkitError("COSE_UNSUPPORTED_ALG", `no COSE algorithm named ${name}`);
  return info.id;
}
