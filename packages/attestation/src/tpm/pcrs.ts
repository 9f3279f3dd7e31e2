import { RotkitError } from "@rotkit/core";
import { algName, tpmHash } from "./algs.js";
import type { TpmPcrValues } from "./quote.js";
import type { TpmPcrSelection } from "./structures.js";

/**
 * Splits a PCR values file (`tpm2_quote -o` / `tpm2_pcrread -o`, default "values" format: the digests concatenated
 * in selection order, banks as listed, PCRs ascending) into per-bank maps, using the selection of the quote it
 * belongs to. `TPM_MALFORMED` when the file is not exactly the selected PCRs' total size.
 *
 * @example
 * ```ts
 * const q = parseTpmsAttestQuote(quote);
 * const pcrs = parseTpmPcrValues(readFileSync("pcrs.bin"), q.pcrSelection); // { sha256: Map { 0 => …, 16 => … } }
 * ```
 */
export function parseTpmPcrValues(bytes: Uint8Array, selection: TpmPcrSelection[]): TpmPcrValues {
  const out: TpmPcrValues = {};
  let pos = 0;
  for (const sel of selection) {
    const h = tpmHash(sel.hashAlg);
    if (h === undefined) throw new RotkitError("UNSUPPORTED", `PCR bank ${algName(sel.hashAlg)} is not supported`);
    const bank = out[h.bank] ?? new Map<number, Uint8Array>();
    out[h.bank] = bank;
    for (const pcr of sel.pcrs) {
      if (pos + h.size > bytes.length) {
        throw new RotkitError("TPM_MALFORMED", `PCR values: ${h.bank}:${pcr} needs ${h.size} bytes`, { at: pos });
      }
      bank.set(pcr, bytes.slice(pos, pos + h.size));
      pos += h.size;
    }
  }
  if (pos !== bytes.length) {
    throw new RotkitError("TPM_MALFORMED", `PCR values: ${bytes.length - pos} bytes beyond the selected PCRs`, {
      at: pos,
    });
  }
  return out;
}
