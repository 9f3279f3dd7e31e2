import { sha1 as nobleSha1 } from "@noble/hashes/legacy.js";
import { RotkitError } from "../errors.js";
import { emsaPkcs1Matches, rsaPublicKey } from "./rsa.js";
import type { PublicKey } from "./types.js";

// SHA-1 for legacy data only. SHA-1 collisions are practical (SHAttered, 2017), so no CryptoProvider offers it and
// no rotkit verifier accepts it by default. It stays available for data that predates the move away from it and
// that a caller opts into: TPM SHA-1 PCR banks and AKs that sign with TPM_ALG_SHA1, and legacy TCG platform
// certificates (`allowSha1` in @rotkit/x509). Only public data is hashed here.

/**
 * SHA-1 of `data` (FIPS 180-4 §6.1; @noble/hashes). Legacy use only: see the file comment.
 *
 * @example
 * ```ts
 * sha1(new Uint8Array(0)); // da39a3ee5e6b4b0d3255bfef95601890afd80709
 * ```
 */
export function sha1(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "sha1: bytes expected");
  return nobleSha1(data);
}

// DigestInfo up to the digest for SHA-1 (RFC 8017 §9.2 note 1): SEQUENCE { SEQUENCE { OID 1.3.14.3.2.26, NULL },
// OCTET STRING (20) }.
const SHA1_OID = [0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a];
const SHA1_ALGID = [0x30, SHA1_OID.length + 2, ...SHA1_OID, 0x05, 0x00];
const SHA1_PREFIX = Uint8Array.from([0x30, SHA1_ALGID.length + 2 + 20, ...SHA1_ALGID, 0x04, 20]);

/**
 * RSASSA-PKCS1-v1_5 with SHA-1 (RFC 8017 §8.2.2), for legacy data a caller explicitly accepts (a TPM AK signing with
 * TPM_ALG_SHA1, a sha1WithRSAEncryption TCG platform certificate). Builds the expected encoding and compares it with
 * s^e mod n, never parsing the recovered block. Returns false for an invalid signature; `CRYPTO_INVALID_KEY` for a
 * key outside core's RSA bounds.
 *
 * @example
 * ```ts
 * if (!rsaPkcs1Sha1Verify(issuerKey, tbs, signature)) throw new Error("bad signature");
 * ```
 */
export function rsaPkcs1Sha1Verify(key: PublicKey, data: Uint8Array, sig: Uint8Array): boolean {
  if (!(data instanceof Uint8Array) || !(sig instanceof Uint8Array)) {
    throw new RotkitError("INVALID_ARGUMENT", "rsaPkcs1Sha1Verify: bytes expected");
  }
  return emsaPkcs1Matches(rsaPublicKey(key), SHA1_PREFIX, sha1(data), sig);
}
