import { type CryptoProvider, concatBytes, constantTimeEqual, RotkitError, sha1 } from "@rotkit/core";
import { algName, type TpmBank, tpmHash } from "./algs.js";
import { checkEventLogAgainstPcrs, type PcrBanks, replayEventLog } from "./eventlog.js";
import { verifyTpmSignature } from "./signature.js";
import {
  parseTpmPublic,
  parseTpmsAttestQuote,
  parseTpmtSignature,
  type TpmAkInput,
  type TpmClockInfo,
  type TpmPcrSelection,
  tpmAkPublicKey,
} from "./structures.js";

/** PCR values the verifier was given (e.g. from `tpm2_pcrread` or `tpm2_quote -o`), per bank. */
export type TpmPcrValues = Partial<Record<TpmBank, Map<number, Uint8Array>>>;

/** Input of {@link verifyTpmQuote}. */
export interface VerifyTpmQuoteOptions {
  /** The TPMS_ATTEST bytes exactly as the TPM returned them (`tpm2_quote -m`). */
  quote: Uint8Array;
  /** The TPMT_SIGNATURE (`tpm2_quote -s`, default tss format). */
  signature: Uint8Array;
  /** The attestation key: TPMT_PUBLIC, TPM2B_PUBLIC, SPKI DER, PEM or a PublicKey. */
  akPublic: TpmAkInput;
  /** The verifier's nonce: must equal the quote's extraData (an empty array for a quote taken without one). */
  nonce: Uint8Array;
  /** PCR values to check against the quote's pcrDigest. */
  pcrs?: TpmPcrValues;
  /** A TCG event log: replayed, checked against `pcrs` (or, without `pcrs`, used as the PCR values). */
  eventLog?: Uint8Array;
  provider: CryptoProvider;
}

/** What a verified quote says. */
export interface VerifiedTpmQuote {
  pcrSelection: TpmPcrSelection[];
  pcrDigest: Uint8Array;
  extraData: Uint8Array;
  clockInfo: TpmClockInfo;
  firmwareVersion: bigint;
  qualifiedSigner: Uint8Array;
  /** Whether `pcrs` (or the replayed log) was checked against pcrDigest. */
  pcrsChecked: boolean;
  /** The event log's replayed PCR values, when a log was given. */
  replayed?: PcrBanks;
  /**
   * Whether the AK is a restricted signing key, when it was given as TPMT_PUBLIC / TPM2B_PUBLIC (unknown for SPKI).
   * The TPM_GENERATED_VALUE defence only holds for restricted keys: an unrestricted key signs any digest, including
   * one of bytes that start with the magic. Certify that the AK is restricted (e.g. TPM2_ActivateCredential).
   */
  akRestricted?: boolean;
}

async function hashWith(provider: CryptoProvider, alg: number, data: Uint8Array): Promise<Uint8Array> {
  const h = tpmHash(alg);
  if (h === undefined) throw new RotkitError("UNSUPPORTED", `hash ${algName(alg)} is not supported`);
  return h.hash === "SHA-1" ? sha1(data) : provider.digest(h.hash, data);
}

/**
 * The pcrDigest a TPM2_Quote would give for `pcrs` (TPM 2.0 Part 3 §18.4.1: the digest, with the signing scheme's
 * hash, of the selected PCR values concatenated in selection order: banks as listed, PCRs ascending).
 * Throws `TPM_PCR_MISMATCH` naming the selected PCRs that `pcrs` lacks or has with the wrong size.
 *
 * @example
 * ```ts
 * const d = await computePcrDigest(quote.pcrSelection, { sha256: values }, 0x000b, provider);
 * ```
 */
export async function computePcrDigest(
  selection: TpmPcrSelection[],
  pcrs: TpmPcrValues,
  hashAlg: number,
  provider: CryptoProvider,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const missing: string[] = [];
  for (const sel of selection) {
    const h = tpmHash(sel.hashAlg);
    for (const pcr of sel.pcrs) {
      const name = `${h?.bank ?? algName(sel.hashAlg)}:${pcr}`;
      const v = h === undefined ? undefined : pcrs[h.bank]?.get(pcr);
      if (v === undefined || h === undefined) missing.push(name);
      else if (v.length !== h.size) missing.push(`${name} (${v.length} bytes, expected ${h.size})`);
      else parts.push(v);
    }
  }
  if (missing.length > 0) {
    throw new RotkitError("TPM_PCR_MISMATCH", `no usable value for the quoted PCRs ${missing.join(", ")}`);
  }
  return hashWith(provider, hashAlg, concatBytes(...parts));
}

/**
 * Verifies a TPM 2.0 quote (TPM2_Quote, Part 3 §18.4): parses the TPMS_ATTEST (magic TPM_GENERATED_VALUE, type
 * TPM_ST_ATTEST_QUOTE), verifies the TPMT_SIGNATURE over the quote bytes with the AK (hash from the signature
 * scheme), compares extraData with the nonce in constant time, and, given PCR values (or an event log), recomputes
 * the pcrDigest. An event log is replayed and compared with the supplied PCRs.
 *
 * Throws `TPM_MALFORMED`, `TPM_NOT_GENERATED`, `TPM_WRONG_TYPE`, `TPM_BAD_SIGNATURE`, `TPM_NONCE_MISMATCH`,
 * `TPM_PCR_MISMATCH`, `TPM_EVENTLOG_MALFORMED`, `TPM_EVENTLOG_MISMATCH`.
 *
 * @example
 * ```ts
 * const result = await verifyTpmQuote({
 *   quote, signature, akPublic: akTpmtPublic, nonce, pcrs: { sha256: pcrValues }, provider: webCryptoProvider(),
 * });
 * console.log(result.pcrSelection, result.clockInfo.resetCount);
 * ```
 */
export async function verifyTpmQuote(options: VerifyTpmQuoteOptions): Promise<VerifiedTpmQuote> {
  const { quote, signature, akPublic, nonce, pcrs, eventLog, provider } = options;
  if (!(nonce instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "nonce must be a Uint8Array");
  const attest = parseTpmsAttestQuote(quote);
  const sig = parseTpmtSignature(signature);
  const key = tpmAkPublicKey(akPublic);
  let akRestricted: boolean | undefined;
  if (akPublic instanceof Uint8Array && akPublic[0] !== 0x30 && akPublic[0] !== 0x2d)
    akRestricted = parseTpmPublic(akPublic).restricted;
  // The signature covers the TPMS_ATTEST bytes exactly as marshalled by the TPM (Part 3 §18.4.1, Part 1 §11.4.6.3).
  let ok: boolean;
  try {
    ok = await verifyTpmSignature(provider, key, quote, sig);
  } catch (e) {
    if (e instanceof RotkitError && e.code === "CRYPTO_INVALID_KEY") throw e;
    if (e instanceof RotkitError && e.code === "UNSUPPORTED") throw e;
    throw new RotkitError("TPM_BAD_SIGNATURE", "quote signature could not be verified", { cause: e });
  }
  if (!ok) throw new RotkitError("TPM_BAD_SIGNATURE", "quote signature does not verify with the attestation key");
  if (!constantTimeEqual(attest.extraData, nonce)) {
    throw new RotkitError("TPM_NONCE_MISMATCH", "quote extraData is not the verifier's nonce");
  }
  let replayed: PcrBanks | undefined;
  let values: TpmPcrValues | undefined = pcrs;
  if (eventLog !== undefined) {
    replayed = await replayEventLog(eventLog, provider);
    if (pcrs !== undefined) checkEventLogAgainstPcrs(replayed, pcrs);
    else values = Object.fromEntries(replayed) as TpmPcrValues;
  }
  if (values !== undefined) {
    // Part 3 §18.4.1: pcrDigest is computed with the hash of the signing scheme.
    const digest = await computePcrDigest(attest.pcrSelection, values, sig.hashAlg, provider);
    if (!constantTimeEqual(digest, attest.pcrDigest)) {
      throw new RotkitError("TPM_PCR_MISMATCH", "the digest of the supplied PCR values is not the quoted pcrDigest");
    }
  }
  const result: VerifiedTpmQuote = {
    pcrSelection: attest.pcrSelection,
    pcrDigest: attest.pcrDigest,
    extraData: attest.extraData,
    clockInfo: attest.clockInfo,
    firmwareVersion: attest.firmwareVersion,
    qualifiedSigner: attest.qualifiedSigner,
    pcrsChecked: values !== undefined,
  };
  if (replayed !== undefined) result.replayed = replayed;
  if (akRestricted !== undefined) result.akRestricted = akRestricted;
  return result;
}
