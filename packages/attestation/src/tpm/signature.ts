import {
  bigIntToBytes,
  bytesToBigInt,
  type CryptoProvider,
  constantTimeEqual,
  modPow,
  type PublicKey,
  RotkitError,
  type SignatureAlg,
} from "@rotkit/core";
import { algName, TPM_ALG_ECDSA, TPM_ALG_RSAPSS, TPM_ALG_RSASSA, TPM_ALG_SHA1, tpmHash } from "./algs.js";
import { sha1 } from "./sha1.js";
import type { TpmtSignature } from "./structures.js";

// Verifying a TPMT_SIGNATURE over a message with the AK (TPM 2.0 Part 1 §11.2.4 / Part 3 §18.4: the TPM signs the
// digest of the TPMS_ATTEST with the scheme's hash). SHA-256/384/512 go through the CryptoProvider; RSASSA with
// SHA-1, which core's providers do not offer and which real AKs (GCP Shielded VM) still use, is verified here.

const RS: Record<string, SignatureAlg> = { "SHA-256": "RS256", "SHA-384": "RS384", "SHA-512": "RS512" };
const PS: Record<string, SignatureAlg> = { "SHA-256": "PS256", "SHA-384": "PS384", "SHA-512": "PS512" };
const ES: Record<string, SignatureAlg> = { "SHA-256": "ES256", "SHA-384": "ES384", "SHA-512": "ES512" };

// DigestInfo prefix for SHA-1 (RFC 8017 §9.2 note 1): SEQUENCE { SEQUENCE { OID 1.3.14.3.2.26, NULL }, OCTET STRING(20) }.
const SHA1_OID = [0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a];
const SHA1_ALGID = [0x30, SHA1_OID.length + 2, ...SHA1_OID, 0x05, 0x00];
const SHA1_PREFIX = Uint8Array.from([0x30, SHA1_ALGID.length + 2 + 20, ...SHA1_ALGID, 0x04, 20]);

/**
 * RSASSA-PKCS1-v1_5 with SHA-1 (RFC 8017 §8.2.2): builds the expected EMSA-PKCS1-v1_5 encoding and compares it
 * with s^e mod n, never parsing the recovered block. Returns false for any invalid signature.
 */
export function rsaPkcs1Sha1Verify(key: PublicKey, data: Uint8Array, sig: Uint8Array): boolean {
  if (key.kty !== "RSA") throw new RotkitError("CRYPTO_INVALID_KEY", "RSASSA needs an RSA key");
  const n = bytesToBigInt(key.n);
  const e = bytesToBigInt(key.e);
  const bits = n.toString(2).length;
  if (bits < 1024 || bits > 16384 || (n & 1n) === 0n || e < 3n || (e & 1n) === 0n || e >= n) {
    throw new RotkitError("CRYPTO_INVALID_KEY", "RSA key out of rotkit's bounds (1024..16384 bits, odd e >= 3)");
  }
  const k = Math.ceil(bits / 8);
  if (sig.length !== k) return false;
  const s = bytesToBigInt(sig);
  if (s >= n) return false;
  const em = bigIntToBytes(modPow(s, e, n), k);
  const tLen = SHA1_PREFIX.length + 20;
  if (k < tLen + 11) return false;
  const expected = new Uint8Array(k);
  expected[1] = 0x01;
  expected.fill(0xff, 2, k - tLen - 1);
  expected.set(SHA1_PREFIX, k - tLen);
  expected.set(sha1(data), k - 20);
  return constantTimeEqual(em, expected);
}

/**
 * Verifies `sig` over `message` with `key`; returns false when it does not verify. `UNSUPPORTED` for a scheme/hash
 * pair rotkit cannot verify (ECDSA or PSS with SHA-1, SM3).
 */
export async function verifyTpmSignature(
  provider: CryptoProvider,
  key: PublicKey,
  message: Uint8Array,
  sig: TpmtSignature,
): Promise<boolean> {
  const h = tpmHash(sig.hashAlg);
  if (h === undefined) throw new RotkitError("UNSUPPORTED", `signature hash ${algName(sig.hashAlg)} is not supported`);
  if (sig.sigAlg === TPM_ALG_RSASSA) {
    if (key.kty !== "RSA") return false;
    if (sig.hashAlg === TPM_ALG_SHA1) return rsaPkcs1Sha1Verify(key, message, sig.signature);
    return provider.verify(RS[h.hash] as SignatureAlg, key, message, sig.signature);
  }
  if (sig.sigAlg === TPM_ALG_RSAPSS) {
    if (key.kty !== "RSA") return false;
    const alg = PS[h.hash];
    if (alg === undefined) throw new RotkitError("UNSUPPORTED", "RSAPSS with SHA-1 is not supported");
    // Part 1 §B.7 / TPM implementations: the salt is the hash length; some older TPMs use the maximum salt.
    if (await provider.verify(alg, key, message, sig.signature)) return true;
    const k = Math.ceil(bytesToBigInt(key.n).toString(2).length / 8);
    const maxSalt = k - h.size - 2;
    if (maxSalt <= h.size) return false;
    return provider.verify(alg, key, message, sig.signature, { pssSaltLength: maxSalt });
  }
  if (sig.sigAlg === TPM_ALG_ECDSA) {
    if (key.kty !== "EC") return false;
    const alg = ES[h.hash];
    if (alg === undefined) throw new RotkitError("UNSUPPORTED", "ECDSA with SHA-1 is not supported");
    // TPMS_SIGNATURE_ECC carries r and s as TPM2B_ECC_PARAMETER: convert to raw r‖s of the curve's size.
    const size = key.crv === "P-256" ? 32 : key.crv === "P-384" ? 48 : 66;
    const raw = new Uint8Array(2 * size);
    for (const [v, off] of [
      [sig.r, 0],
      [sig.s, size],
    ] as const) {
      let start = 0;
      while (start < v.length && v[start] === 0) start++;
      if (v.length - start > size) return false;
      raw.set(v.subarray(start), off + size - (v.length - start));
    }
    return provider.verify(alg, key, message, raw, { format: "raw" });
  }
  return false;
}
