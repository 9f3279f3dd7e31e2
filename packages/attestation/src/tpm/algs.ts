import type { HashAlg } from "@rotkit/core";

// TPM_ALG_ID values (TPM 2.0 Part 2 §6.3, TCG Algorithm Registry) that rotkit's TPM code uses.

export const TPM_ALG_RSA = 0x0001;
export const TPM_ALG_SHA1 = 0x0004;
export const TPM_ALG_HMAC = 0x0005;
export const TPM_ALG_KEYEDHASH = 0x0008;
export const TPM_ALG_SHA256 = 0x000b;
export const TPM_ALG_SHA384 = 0x000c;
export const TPM_ALG_SHA512 = 0x000d;
export const TPM_ALG_NULL = 0x0010;
export const TPM_ALG_SM3_256 = 0x0012;
export const TPM_ALG_RSASSA = 0x0014;
export const TPM_ALG_RSAES = 0x0015;
export const TPM_ALG_RSAPSS = 0x0016;
export const TPM_ALG_OAEP = 0x0017;
export const TPM_ALG_ECDSA = 0x0018;
export const TPM_ALG_ECDH = 0x0019;
export const TPM_ALG_ECDAA = 0x001a;
export const TPM_ALG_SM2 = 0x001b;
export const TPM_ALG_ECSCHNORR = 0x001c;
export const TPM_ALG_ECMQV = 0x001d;
export const TPM_ALG_ECC = 0x0023;
export const TPM_ALG_SYMCIPHER = 0x0025;

/** The PCR banks (hash algorithms) rotkit can compute: named as tpm2-tools names them. */
export type TpmBank = "sha1" | "sha256" | "sha384" | "sha512";

const BANKS: Record<number, { bank: TpmBank; size: number; hash: HashAlg | "SHA-1" }> = {
  [TPM_ALG_SHA1]: { bank: "sha1", size: 20, hash: "SHA-1" },
  [TPM_ALG_SHA256]: { bank: "sha256", size: 32, hash: "SHA-256" },
  [TPM_ALG_SHA384]: { bank: "sha384", size: 48, hash: "SHA-384" },
  [TPM_ALG_SHA512]: { bank: "sha512", size: 64, hash: "SHA-512" },
};

/** The bank name, digest size and hash of a TPM_ALG_ID hash, or undefined for one rotkit cannot compute. */
export function tpmHash(alg: number): { bank: TpmBank; size: number; hash: HashAlg | "SHA-1" } | undefined {
  return Object.hasOwn(BANKS, alg) ? BANKS[alg] : undefined;
}

/** TPM_ALG_ID of a bank name. */
export function bankAlg(bank: TpmBank): number {
  for (const [k, v] of Object.entries(BANKS)) if (v.bank === bank) return Number(k);
  return TPM_ALG_NULL;
}

/** Digest size of the hash algorithms the TPM knows (Part 2 §6.3), including ones rotkit does not compute. */
export function tpmDigestSize(alg: number): number | undefined {
  if (alg === TPM_ALG_SM3_256) return 32;
  return tpmHash(alg)?.size;
}

/** "0x000b" style name of an algorithm id for messages. */
export function algName(alg: number): string {
  return `0x${alg.toString(16).padStart(4, "0")}`;
}
