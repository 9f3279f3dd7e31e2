import { type EcCurve, fromBase64, type PublicKey, publicKeyFromSpki, RotkitError } from "@rotkit/core";
import {
  algName,
  TPM_ALG_ECC,
  TPM_ALG_ECDAA,
  TPM_ALG_ECDSA,
  TPM_ALG_KEYEDHASH,
  TPM_ALG_NULL,
  TPM_ALG_RSA,
  TPM_ALG_RSAES,
  TPM_ALG_RSAPSS,
  TPM_ALG_RSASSA,
  TPM_ALG_SYMCIPHER,
  type TpmBank,
  tpmDigestSize,
  tpmHash,
} from "./algs.js";
import { TpmReader } from "./reader.js";

// Parsers for the TPM 2.0 Library Part 2 structures a quote verifier needs: TPMS_ATTEST (§10.12.12) with
// TPMS_QUOTE_INFO (§10.12.4), TPMT_SIGNATURE (§11.3.4) and TPMT_PUBLIC / TPM2B_PUBLIC (§12.2.4, §12.2.5).
// Big-endian, every TPM2B bounded by the largest size Part 2 allows for it, trailing bytes rejected.

/** TPM_GENERATED_VALUE (Part 2 §6.2): the magic a TPM puts only into structures it generated itself. */
export const TPM_GENERATED_VALUE = 0xff544347;
/** TPM_ST_ATTEST_QUOTE (Part 2 §6.9). */
export const TPM_ST_ATTEST_QUOTE = 0x8018;

// Size bounds: sizeof(TPMU_NAME) (a TPMT_HA of SHA-512 plus the alg id), sizeof(TPMU_HA), and generous maxima for
// the RSA modulus (16384 bits) and ECC parameters (P-521 = 66 bytes).
const MAX_NAME = 2 + 64;
const MAX_DIGEST = 64;
const MAX_DATA = 64 + 2;
const MAX_RSA = 2048;
const MAX_ECC = 66;

/** TPMS_PCR_SELECTION (Part 2 §10.6.2) as bank + ascending PCR indices. */
export interface TpmPcrSelection {
  /** TPM_ALG_ID of the bank's hash. */
  hashAlg: number;
  /** The bank name when rotkit knows the hash. */
  bank: TpmBank | undefined;
  /** Selected PCR indices, ascending (bit i of octet j is PCR 8j + i). */
  pcrs: number[];
}

/** TPMS_CLOCK_INFO (Part 2 §10.11.1). */
export interface TpmClockInfo {
  clock: bigint;
  resetCount: number;
  restartCount: number;
  safe: boolean;
}

/** A parsed TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE. */
export interface TpmsAttestQuote {
  magic: number;
  type: number;
  qualifiedSigner: Uint8Array;
  extraData: Uint8Array;
  clockInfo: TpmClockInfo;
  firmwareVersion: bigint;
  pcrSelection: TpmPcrSelection[];
  pcrDigest: Uint8Array;
}

function readPcrSelectionList(r: TpmReader): TpmPcrSelection[] {
  // TPML_PCR_SELECTION (Part 2 §10.9.7): count ≤ HASH_COUNT; TPMS_PCR_SELECTION: hash, sizeofSelect, pcrSelect.
  const at = r.pos;
  const count = r.u32("pcrSelect.count");
  if (count > 16) r.fail(`pcrSelect.count ${count} exceeds 16 banks`, at);
  const out: TpmPcrSelection[] = [];
  for (let i = 0; i < count; i++) {
    const hashAlg = r.u16(`pcrSelect[${i}].hash`);
    const sizeAt = r.pos;
    const size = r.u8(`pcrSelect[${i}].sizeofSelect`);
    if (size > 32) r.fail(`pcrSelect[${i}].sizeofSelect ${size} exceeds 32`, sizeAt);
    const bits = r.take(size, `pcrSelect[${i}].pcrSelect`);
    const pcrs: number[] = [];
    for (let j = 0; j < size; j++) for (let b = 0; b < 8; b++) if (((bits[j] as number) >> b) & 1) pcrs.push(j * 8 + b);
    out.push({ hashAlg, bank: tpmHash(hashAlg)?.bank, pcrs });
  }
  return out;
}

/**
 * Parses a TPMS_ATTEST (Part 2 §10.12.12) that must be a quote: the magic must be TPM_GENERATED_VALUE
 * (`TPM_NOT_GENERATED` otherwise: the bytes were not made by the TPM, e.g. a TPM2_Sign of chosen data), the type
 * TPM_ST_ATTEST_QUOTE (`TPM_WRONG_TYPE`); `TPM_MALFORMED` with the offset for truncated or trailing bytes.
 * This does not verify anything: use {@link verifyTpmQuote}.
 *
 * @example
 * ```ts
 * const q = parseTpmsAttestQuote(quoteBytes);
 * console.log(q.pcrSelection, toHex(q.extraData));
 * ```
 */
export function parseTpmsAttestQuote(bytes: Uint8Array): TpmsAttestQuote {
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "quote must be a Uint8Array");
  const r = new TpmReader(bytes, "TPMS_ATTEST");
  const magic = r.u32("magic");
  if (magic !== TPM_GENERATED_VALUE) {
    throw new RotkitError(
      "TPM_NOT_GENERATED",
      `TPMS_ATTEST magic is 0x${magic.toString(16).padStart(8, "0")}, not TPM_GENERATED_VALUE: not produced by a TPM`,
      { at: 0 },
    );
  }
  const type = r.u16("type");
  if (type !== TPM_ST_ATTEST_QUOTE) {
    throw new RotkitError("TPM_WRONG_TYPE", `TPMS_ATTEST type is ${algName(type)}, not TPM_ST_ATTEST_QUOTE`, { at: 4 });
  }
  const qualifiedSigner = r.tpm2b("qualifiedSigner", MAX_NAME);
  const extraData = r.tpm2b("extraData", MAX_DATA);
  const clockInfo: TpmClockInfo = {
    clock: r.u64("clockInfo.clock"),
    resetCount: r.u32("clockInfo.resetCount"),
    restartCount: r.u32("clockInfo.restartCount"),
    safe: false,
  };
  const safeAt = r.pos;
  const safe = r.u8("clockInfo.safe");
  if (safe > 1) r.fail(`clockInfo.safe ${safe} is not a TPMI_YES_NO`, safeAt);
  clockInfo.safe = safe === 1;
  const firmwareVersion = r.u64("firmwareVersion");
  // TPMS_QUOTE_INFO (Part 2 §10.12.4).
  const pcrSelection = readPcrSelectionList(r);
  const pcrDigest = r.tpm2b("pcrDigest", MAX_DIGEST);
  r.done();
  return { magic, type, qualifiedSigner, extraData, clockInfo, firmwareVersion, pcrSelection, pcrDigest };
}

/** A parsed TPMT_SIGNATURE (Part 2 §11.3.4) of a scheme rotkit verifies. */
export type TpmtSignature =
  | { sigAlg: typeof TPM_ALG_RSASSA | typeof TPM_ALG_RSAPSS; hashAlg: number; signature: Uint8Array }
  | { sigAlg: typeof TPM_ALG_ECDSA; hashAlg: number; r: Uint8Array; s: Uint8Array };

/**
 * Parses a TPMT_SIGNATURE (Part 2 §11.3.4): RSASSA and RSAPSS (TPMS_SIGNATURE_RSA: hash, TPM2B_PUBLIC_KEY_RSA) and
 * ECDSA (TPMS_SIGNATURE_ECC: hash, TPM2B_ECC_PARAMETER r, s). Other schemes (ECDAA, SM2, ECSCHNORR, HMAC, NULL)
 * throw `UNSUPPORTED`; truncation or trailing bytes `TPM_MALFORMED`.
 *
 * @example
 * ```ts
 * const sig = parseTpmtSignature(sigBytes); // { sigAlg: 0x0014, hashAlg: 0x000b, signature }
 * ```
 */
export function parseTpmtSignature(bytes: Uint8Array): TpmtSignature {
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "signature must be a Uint8Array");
  const r = new TpmReader(bytes, "TPMT_SIGNATURE");
  const sigAlg = r.u16("sigAlg");
  if (sigAlg === TPM_ALG_RSASSA || sigAlg === TPM_ALG_RSAPSS) {
    const hashAlg = r.u16("hash");
    const signature = r.tpm2b("sig", MAX_RSA);
    r.done();
    return { sigAlg, hashAlg, signature };
  }
  if (sigAlg === TPM_ALG_ECDSA) {
    const hashAlg = r.u16("hash");
    const sr = r.tpm2b("signatureR", MAX_ECC);
    const ss = r.tpm2b("signatureS", MAX_ECC);
    r.done();
    return { sigAlg, hashAlg, r: sr, s: ss };
  }
  throw new RotkitError("UNSUPPORTED", `TPMT_SIGNATURE scheme ${algName(sigAlg)} is not supported`, { at: 0 });
}

/** The parts of a TPMT_PUBLIC (Part 2 §12.2.4) a verifier looks at. */
export interface TpmtPublic {
  type: number;
  nameAlg: number;
  /** TPMA_OBJECT (Part 2 §8.3): bit 16 restricted, bit 18 sign, bit 5 sensitiveDataOrigin, bit 1 fixedTPM. */
  objectAttributes: number;
  restricted: boolean;
  sign: boolean;
  /** The signing scheme in the parameters (TPM_ALG_NULL when the key leaves it to the command) and its hash. */
  scheme: number;
  schemeHash: number;
  publicKey: PublicKey;
}

function readSymDefObject(r: TpmReader): void {
  // TPMT_SYM_DEF_OBJECT (Part 2 §11.1.7): algorithm; keyBits and mode unless TPM_ALG_NULL.
  const alg = r.u16("parameters.symmetric.algorithm");
  if (alg !== TPM_ALG_NULL) {
    r.u16("parameters.symmetric.keyBits");
    r.u16("parameters.symmetric.mode");
  }
}

function readAsymScheme(r: TpmReader): { scheme: number; hash: number } {
  // TPMT_RSA_SCHEME / TPMT_ECC_SCHEME (Part 2 §11.2.4.5, §11.2.5.6): scheme, then TPMU_ASYM_SCHEME: empty for NULL
  // and RSAES, hashAlg for the others, plus a count for ECDAA (TPMS_SCHEME_ECDAA §11.2.3.3).
  const scheme = r.u16("parameters.scheme.scheme");
  if (scheme === TPM_ALG_NULL || scheme === TPM_ALG_RSAES) return { scheme, hash: TPM_ALG_NULL };
  const hash = r.u16("parameters.scheme.hashAlg");
  if (scheme === TPM_ALG_ECDAA) r.u16("parameters.scheme.count");
  return { scheme, hash };
}

const CURVES: Record<number, EcCurve> = { 3: "P-256", 4: "P-384", 5: "P-521" };
const CURVE_SIZE: Record<EcCurve, number> = { "P-256": 32, "P-384": 48, "P-521": 66 };

function fixedWidth(v: Uint8Array, n: number, r: TpmReader, field: string, at: number): Uint8Array {
  let start = 0;
  while (start < v.length - n && v[start] === 0) start++;
  if (v.length - start > n) r.fail(`${field} is ${v.length} bytes, longer than the curve's ${n}`, at);
  const out = new Uint8Array(n);
  out.set(v.subarray(start), n - (v.length - start));
  return out;
}

function readTpmtPublic(r: TpmReader): TpmtPublic {
  const type = r.u16("type");
  const nameAlg = r.u16("nameAlg");
  if (nameAlg !== TPM_ALG_NULL && tpmDigestSize(nameAlg) === undefined) r.fail(`nameAlg ${algName(nameAlg)}`, 2);
  const objectAttributes = r.u32("objectAttributes");
  r.tpm2b("authPolicy", MAX_DIGEST);
  const restricted = ((objectAttributes >>> 16) & 1) === 1;
  const sign = ((objectAttributes >>> 18) & 1) === 1;
  if (type === TPM_ALG_RSA) {
    // TPMS_RSA_PARMS (Part 2 §12.2.3.5): symmetric, scheme, keyBits, exponent (0 means 2^16 + 1).
    readSymDefObject(r);
    const { scheme, hash } = readAsymScheme(r);
    const keyBits = r.u16("parameters.keyBits");
    const exponent = r.u32("parameters.exponent");
    const nAt = r.pos;
    const n = r.tpm2b("unique.rsa", MAX_RSA);
    if (n.length * 8 !== keyBits) r.fail(`unique.rsa is ${n.length * 8} bits, keyBits says ${keyBits}`, nAt);
    const ev = exponent === 0 ? 65537 : exponent;
    const e = Uint8Array.of(ev >>> 24, (ev >>> 16) & 0xff, (ev >>> 8) & 0xff, ev & 0xff);
    let z = 0;
    while (z < 3 && e[z] === 0) z++;
    return {
      type,
      nameAlg,
      objectAttributes,
      restricted,
      sign,
      scheme,
      schemeHash: hash,
      publicKey: { kty: "RSA", n: n.slice(), e: e.slice(z) },
    };
  }
  if (type === TPM_ALG_ECC) {
    // TPMS_ECC_PARMS (Part 2 §12.2.3.6): symmetric, scheme, curveID, kdf; unique TPMS_ECC_POINT (§11.2.5.2).
    readSymDefObject(r);
    const { scheme, hash } = readAsymScheme(r);
    const curveAt = r.pos;
    const curveId = r.u16("parameters.curveID");
    const crv = Object.hasOwn(CURVES, curveId) ? CURVES[curveId] : undefined;
    if (crv === undefined) {
      throw new RotkitError("UNSUPPORTED", `TPMT_PUBLIC: ECC curve ${algName(curveId)} is not supported`, {
        at: curveAt,
      });
    }
    const kdf = r.u16("parameters.kdf.scheme");
    if (kdf !== TPM_ALG_NULL) r.u16("parameters.kdf.hashAlg");
    const xAt = r.pos;
    const x = r.tpm2b("unique.ecc.x", MAX_ECC);
    const yAt = r.pos;
    const y = r.tpm2b("unique.ecc.y", MAX_ECC);
    const size = CURVE_SIZE[crv];
    return {
      type,
      nameAlg,
      objectAttributes,
      restricted,
      sign,
      scheme,
      schemeHash: hash,
      publicKey: {
        kty: "EC",
        crv,
        x: fixedWidth(x, size, r, "unique.ecc.x", xAt),
        y: fixedWidth(y, size, r, "unique.ecc.y", yAt),
      },
    };
  }
  if (type === TPM_ALG_KEYEDHASH || type === TPM_ALG_SYMCIPHER) {
    throw new RotkitError("UNSUPPORTED", `TPMT_PUBLIC type ${algName(type)} is not an asymmetric signing key`, {
      at: 0,
    });
  }
  return r.fail(`unknown TPMT_PUBLIC type ${algName(type)}`, 0);
}

/**
 * Parses a TPMT_PUBLIC (Part 2 §12.2.4) or a TPM2B_PUBLIC (§12.2.5, the size-prefixed form `tpm2_readpublic -f tss`
 * writes) into its attributes and a core PublicKey. RSA (exponent 0 = 65537) and ECC on NIST P-256/384/521.
 *
 * @example
 * ```ts
 * const ak = parseTpmPublic(akTpmtPublic); // { type: 0x0001, restricted: true, sign: true, publicKey: { kty: "RSA", … } }
 * ```
 */
export function parseTpmPublic(bytes: Uint8Array): TpmtPublic {
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "TPM public must be a Uint8Array");
  if (bytes.length >= 4) {
    const size = ((bytes[0] as number) << 8) | (bytes[1] as number);
    const type = ((bytes[2] as number) << 8) | (bytes[3] as number);
    if (size === bytes.length - 2 && (type === TPM_ALG_RSA || type === TPM_ALG_ECC)) {
      const r = new TpmReader(bytes, "TPM2B_PUBLIC", "TPM_MALFORMED", false, 2);
      const pub = readTpmtPublic(r);
      r.done();
      return pub;
    }
  }
  const r = new TpmReader(bytes, "TPMT_PUBLIC");
  const pub = readTpmtPublic(r);
  r.done();
  return pub;
}

/** An attestation key as a caller may hold it. */
export type TpmAkInput = Uint8Array | string | PublicKey;

/**
 * The AK as a core PublicKey, from a TPMT_PUBLIC, a TPM2B_PUBLIC, a DER SubjectPublicKeyInfo (`tpm2_readpublic -f
 * der`), a PEM "PUBLIC KEY" (as text or bytes) or a PublicKey already.
 *
 * @example
 * ```ts
 * const key = tpmAkPublicKey(readFileSync("ak.pem", "utf8"));
 * ```
 */
export function tpmAkPublicKey(ak: TpmAkInput): PublicKey {
  if (typeof ak === "string") return publicKeyFromSpki(pemBody(ak));
  if (ak instanceof Uint8Array) {
    if (ak.length > 10 && ak[0] === 0x2d /* "-" */) {
      let text = "";
      for (const b of ak) text += String.fromCharCode(b);
      return publicKeyFromSpki(pemBody(text));
    }
    if (ak[0] === 0x30) return publicKeyFromSpki(ak);
    return parseTpmPublic(ak).publicKey;
  }
  if (ak !== null && typeof ak === "object" && "kty" in ak) return ak;
  throw new RotkitError("INVALID_ARGUMENT", "akPublic must be TPMT_PUBLIC/TPM2B_PUBLIC/SPKI bytes, PEM or a PublicKey");
}

function pemBody(text: string): Uint8Array {
  const m = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(text);
  if (!m) throw new RotkitError("ENCODING_INVALID", 'expected a PEM "PUBLIC KEY" block');
  return fromBase64((m[1] as string).replace(/\s+/g, ""));
}
