import { readFileSync } from "node:fs";
import { parseTpmPcrValues, parseTpmsAttestQuote, type VerifiedTpmQuote, verifyTpmQuote } from "@rotkit/attestation";
import { fromHex, isRotkitError, RotkitError, toHex, webCryptoProvider } from "@rotkit/core";
import type { Io } from "../main.js";

// `rotkit evidence verify --format <f> …`: verify one piece of attestation evidence from files and print what it
// says (JSON) or the RotkitError code. Exit 0 verified, 1 refused, 2 usage or unreadable input.

export const EVIDENCE_USAGE = `usage:
  rotkit evidence verify --format tpm-quote --quote q.bin --sig s.bin --ak ak.pub --nonce <hex>
                         [--pcrs pcrs.bin] [--eventlog log.bin]
    --quote     TPMS_ATTEST (tpm2_quote -m)          --sig   TPMT_SIGNATURE (tpm2_quote -s)
    --ak        TPMT_PUBLIC, TPM2B_PUBLIC, SPKI DER or PEM (tpm2_readpublic -f tpmt|tss|der|pem)
    --nonce     the verifier's nonce, hex ("" for none) --pcrs  PCR values in the quote's selection order
                                                              (tpm2_pcrread -o / tpm2_quote -o -F values)
    --eventlog  TCG PC Client event log (binary_bios_measurements), replayed and checked`;

const FLAGS = new Set(["--format", "--quote", "--sig", "--ak", "--nonce", "--pcrs", "--eventlog"]);

function parseFlags(args: string[]): Map<string, string> | string {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!FLAGS.has(a)) return `unknown argument "${a}"`;
    const v = args[i + 1];
    if (v === undefined) return `${a} needs a value`;
    if (out.has(a)) return `${a} given twice`;
    out.set(a, v);
    i++;
  }
  return out;
}

function readInput(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new RotkitError("INVALID_ARGUMENT", `cannot read ${what} ${path}`, { cause: e });
  }
}

/** The verified quote as JSON-friendly values: bytes as hex, 64-bit counters as decimal strings. */
export function tpmQuoteJson(r: VerifiedTpmQuote): Record<string, unknown> {
  const out: Record<string, unknown> = {
    format: "tpm-quote",
    verified: true,
    pcrSelection: r.pcrSelection.map((s) => ({ bank: s.bank ?? `0x${s.hashAlg.toString(16)}`, pcrs: s.pcrs })),
    pcrDigest: toHex(r.pcrDigest),
    pcrsChecked: r.pcrsChecked,
    extraData: toHex(r.extraData),
    qualifiedSigner: toHex(r.qualifiedSigner),
    clockInfo: {
      clock: r.clockInfo.clock.toString(),
      resetCount: r.clockInfo.resetCount,
      restartCount: r.clockInfo.restartCount,
      safe: r.clockInfo.safe,
    },
    firmwareVersion: `0x${r.firmwareVersion.toString(16).padStart(16, "0")}`,
  };
  if (r.akRestricted !== undefined) out.akRestricted = r.akRestricted;
  if (r.replayed !== undefined) {
    out.replayed = Object.fromEntries(
      [...r.replayed].map(([bank, m]) => [bank, Object.fromEntries([...m].map(([i, v]) => [i, toHex(v)]))]),
    );
  }
  return out;
}

/**
 * Runs `rotkit evidence <args>`; resolves with the exit status.
 *
 * @example
 * ```ts
 * await evidence(["verify", "--format", "tpm-quote", "--quote", "q.bin", "--sig", "s.bin", "--ak", "ak.pem",
 *   "--nonce", "00112233"], { out: process.stdout, err: process.stderr }); // 0
 * ```
 */
export async function evidence(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "verify") {
    io.err.write(`${EVIDENCE_USAGE}\n`);
    return 2;
  }
  const flags = parseFlags(rest);
  if (typeof flags === "string") {
    io.err.write(`rotkit evidence: ${flags}\n${EVIDENCE_USAGE}\n`);
    return 2;
  }
  const format = flags.get("--format");
  if (format !== "tpm-quote") {
    io.err.write(`rotkit evidence: --format ${format ?? "(missing)"} is not supported here; formats: tpm-quote\n`);
    return 2;
  }
  const missing = ["--quote", "--sig", "--ak", "--nonce"].filter((k) => !flags.has(k));
  if (missing.length > 0) {
    io.err.write(`rotkit evidence: missing ${missing.join(", ")}\n${EVIDENCE_USAGE}\n`);
    return 2;
  }
  let input: Parameters<typeof verifyTpmQuote>[0];
  try {
    const quote = readInput(flags.get("--quote") as string, "quote");
    const pcrsPath = flags.get("--pcrs");
    const logPath = flags.get("--eventlog");
    input = {
      quote,
      signature: readInput(flags.get("--sig") as string, "signature"),
      akPublic: readInput(flags.get("--ak") as string, "AK public key"),
      nonce: fromHex(flags.get("--nonce") as string),
      provider: webCryptoProvider(),
    };
    if (logPath !== undefined) input.eventLog = readInput(logPath, "event log");
    if (pcrsPath !== undefined) {
      // The PCR values file follows the quote's selection; a quote that does not parse is reported below.
      let selection: ReturnType<typeof parseTpmsAttestQuote>["pcrSelection"] | undefined;
      try {
        selection = parseTpmsAttestQuote(quote).pcrSelection;
      } catch {
        selection = undefined;
      }
      if (selection !== undefined) input.pcrs = parseTpmPcrValues(readInput(pcrsPath, "PCR values"), selection);
    }
  } catch (e) {
    if (isRotkitError(e, "INVALID_ARGUMENT", "ENCODING_INVALID")) {
      io.err.write(`rotkit evidence: ${e.code}: ${e.message}\n`);
      return 2;
    }
    if (isRotkitError(e)) {
      io.out.write(`${JSON.stringify({ format: "tpm-quote", verified: false, code: e.code, message: e.message })}\n`);
      io.err.write(`rotkit evidence: refused: ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  try {
    const result = await verifyTpmQuote(input);
    io.out.write(`${JSON.stringify(tpmQuoteJson(result), null, 2)}\n`);
    return 0;
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    io.out.write(`${JSON.stringify({ format: "tpm-quote", verified: false, code: e.code, message: e.message })}\n`);
    io.err.write(`rotkit evidence: refused: ${e.code}: ${e.message}\n`);
    return 1;
  }
}
