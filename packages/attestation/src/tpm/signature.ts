import {
  bytesToBigInt,
  type CryptoProvider,
  type PublicKey,
  RotkitError,
  rsaPkcs1Sha1Verify,
  type SignatureAlg,
} from "@rotkit/core";
import { algName, TPM_ALG_ECDSA, TPM_ALG_RSAPSS, TPM_ALG_RSASSA, TPM_ALG_SHA1, tpmHash } from "./algs.js";
import type { TpmtSignature } from "./structures.js";

// Verifying a TPMT_SIGNATURE over a message with the AK (TPM 2.0 Part 1 §11.2.4 / Part 3 §18.4: the TPM signs the
// digest of the TPMS_ATTEST with the scheme's hash). SHA-256/384/512 go through the CryptoProvider; RSASSA with
// SHA-1, which core's providers do not offer and which real AKs (GCP Shielded VM) still use, goes to core's legacy
// rsaPkcs1Sha1Verify.

const RS: Record<string, SignatureAlg> = { "SHA-256": "RS256", "SHA-384": "RS384", "SHA-512": "RS512" };
const PS: Record<string, SignatureAlg> = { "SHA-256": "PS256", "SHA-384": "PS384", "SHA-512": "PS512" };
const ES: Record<string, SignatureAlg> = { "SHA-256": "ES256", "SHA-384": "ES384", "SHA-512": "ES512" };

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
