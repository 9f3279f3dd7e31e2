import { bytesEqual, type CryptoProvider, concatBytes, RotkitError, sha1, toHex } from "@rotkit/core";
import { algName, type TpmBank, tpmDigestSize, tpmHash } from "./algs.js";
import { TpmReader } from "./reader.js";

// TCG PC Client Platform Firmware Profile (PFP) event logs, little-endian:
// - §10.2.1 TCG_PCClientPCREvent (SHA-1 format): pcrIndex, eventType, digest[20], eventDataSize, event.
// - §10.4.5.1 TCG_EfiSpecIdEvent ("Spec ID Event03"), carried by the first, SHA-1-format EV_NO_ACTION event: says
//   the rest of the log is crypto-agile and lists the algorithms with their digest sizes.
// - §10.2.2 TCG_PCR_EVENT2: pcrIndex, eventType, TPML_DIGEST_VALUES { count, TPMT_HA[count] }, eventSize, event.
// - §10.4.5.3 / §3.3.4.5 StartupLocality: an EV_NO_ACTION event on PCR 0 that sets PCR 0's initial value to
//   the locality from which TPM2_Startup was sent (last octet), instead of all zeros.
// EV_NO_ACTION events are informational and are never extended (PFP §10.4.1).

/** EV_NO_ACTION (PFP §10.4.1). */
export const EV_NO_ACTION = 0x00000003;

/** One event of the log. */
export interface TcgEvent {
  /** Position in the log, from 0. */
  index: number;
  /** Byte offset of the event in the log. */
  offset: number;
  pcr: number;
  type: number;
  /** Digests by TPM_ALG_ID. */
  digests: Map<number, Uint8Array>;
  data: Uint8Array;
}

/** The parsed log. */
export interface TcgEventLog {
  /** "crypto-agile" when the log starts with a Spec ID Event03, else the SHA-1-only format. */
  format: "crypto-agile" | "sha1";
  /** The Spec ID Event03 algorithm list (TPM_ALG_ID → digest size); for a SHA-1 log, just SHA-1. */
  algorithms: Map<number, number>;
  events: TcgEvent[];
}

/** Bounds for {@link parseEventLog}. */
export interface EventLogLimits {
  /** Largest log accepted, default 16 MiB. */
  maxBytes?: number;
  /** Most events, default 65,536. */
  maxEvents?: number;
  /** Largest event data, default 1 MiB. */
  maxEventSize?: number;
}

const SPEC_ID_03 = "Spec ID Event03";
const STARTUP_LOCALITY = "StartupLocality";

function asciiPrefix(data: Uint8Array, text: string): boolean {
  if (data.length < text.length + 1) return false;
  for (let i = 0; i < text.length; i++) if (data[i] !== text.charCodeAt(i)) return false;
  return data[text.length] === 0;
}

function parseSpecId(data: Uint8Array, r: TpmReader, at: number): Map<number, number> {
  // TCG_EfiSpecIdEvent (PFP §10.4.5.1): signature[16], platformClass u32, specVersionMinor, specVersionMajor,
  // specErrata, uintnSize (u8 each), numberOfAlgorithms u32, digestSizes[] { algorithmId u16, digestSize u16 },
  // vendorInfoSize u8, vendorInfo.
  const s = new TpmReader(data, "TCG_EfiSpecIdEvent", "TPM_EVENTLOG_MALFORMED", true);
  s.take(16, "signature");
  s.u32("platformClass");
  s.take(4, "specVersion/errata/uintnSize");
  const nAt = s.pos;
  const n = s.u32("numberOfAlgorithms");
  if (n === 0 || n > 16) r.fail(`Spec ID numberOfAlgorithms ${n} is not in 1..16`, at + nAt);
  const algs = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const alg = s.u16(`digestSizes[${i}].algorithmId`);
    const sizeAt = s.pos;
    const size = s.u16(`digestSizes[${i}].digestSize`);
    const known = tpmDigestSize(alg);
    if (size === 0 || size > 64 || (known !== undefined && known !== size)) {
      r.fail(`Spec ID gives ${algName(alg)} a digest size of ${size}`, at + sizeAt);
    }
    algs.set(alg, size);
  }
  const vendorSize = s.u8("vendorInfoSize");
  s.take(vendorSize, "vendorInfo");
  return algs;
}

/**
 * Parses a TCG PC Client event log (crypto-agile with a Spec ID Event03 header, or the SHA-1-only format), with
 * every length checked against the bytes left; `TPM_EVENTLOG_MALFORMED` with the offset otherwise.
 *
 * @example
 * ```ts
 * const log = parseEventLog(readFileSync("/sys/kernel/security/tpm0/binary_bios_measurements"));
 * console.log(log.format, log.events.length);
 * ```
 */
export function parseEventLog(bytes: Uint8Array, limits: EventLogLimits = {}): TcgEventLog {
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "event log must be a Uint8Array");
  const maxBytes = limits.maxBytes ?? 16 * 1024 * 1024;
  const maxEvents = limits.maxEvents ?? 65536;
  const maxEventSize = limits.maxEventSize ?? 1024 * 1024;
  if (bytes.length > maxBytes) {
    throw new RotkitError("TPM_EVENTLOG_MALFORMED", `event log of ${bytes.length} bytes exceeds ${maxBytes}`);
  }
  const r: TpmReader = new TpmReader(bytes, "event log", "TPM_EVENTLOG_MALFORMED", true);
  const events: TcgEvent[] = [];
  let algorithms = new Map<number, number>([[0x0004, 20]]);
  let format: TcgEventLog["format"] = "sha1";

  const readSha1Event = (): TcgEvent => {
    const offset = r.pos;
    const pcr = r.u32("pcrIndex");
    const type = r.u32("eventType");
    const digest = r.take(20, "digest");
    const sizeAt = r.pos;
    const size = r.u32("eventDataSize");
    if (size > maxEventSize) r.fail(`event data of ${size} bytes exceeds ${maxEventSize}`, sizeAt);
    const data = r.take(size, "event");
    return { index: events.length, offset, pcr, type, digests: new Map([[0x0004, digest]]), data };
  };

  if (r.left > 0) {
    const first = readSha1Event();
    events.push(first);
    if (first.type === EV_NO_ACTION && first.pcr === 0 && asciiPrefix(first.data, SPEC_ID_03)) {
      algorithms = parseSpecId(first.data, r, first.offset + 32);
      format = "crypto-agile";
    }
  }
  while (r.left > 0) {
    if (events.length >= maxEvents) r.fail(`more than ${maxEvents} events`);
    if (format === "sha1") {
      events.push(readSha1Event());
      continue;
    }
    const offset = r.pos;
    const pcr = r.u32("pcrIndex");
    const type = r.u32("eventType");
    const countAt = r.pos;
    const count = r.u32("digests.count");
    if (count > algorithms.size) r.fail(`${count} digests, the Spec ID lists ${algorithms.size} algorithms`, countAt);
    const digests = new Map<number, Uint8Array>();
    for (let i = 0; i < count; i++) {
      const algAt = r.pos;
      const alg = r.u16(`digests[${i}].hashAlg`);
      const size = algorithms.get(alg);
      if (size === undefined) r.fail(`digest algorithm ${algName(alg)} is not in the Spec ID`, algAt);
      if (digests.has(alg)) r.fail(`digest algorithm ${algName(alg)} appears twice`, algAt);
      digests.set(alg, r.take(size, `digests[${i}].digest`));
    }
    const sizeAt = r.pos;
    const size = r.u32("eventSize");
    if (size > maxEventSize) r.fail(`event data of ${size} bytes exceeds ${maxEventSize}`, sizeAt);
    const data = r.take(size, "event");
    events.push({ index: events.length, offset, pcr, type, digests, data });
  }
  return { format, algorithms, events };
}

/** PCR values per bank: bank → PCR index → value. */
export type PcrBanks = Map<TpmBank, Map<number, Uint8Array>>;

async function hashFor(provider: CryptoProvider, alg: number, data: Uint8Array): Promise<Uint8Array> {
  const h = tpmHash(alg);
  if (h === undefined) throw new RotkitError("UNSUPPORTED", `hash ${algName(alg)}`);
  return h.hash === "SHA-1" ? sha1(data) : provider.digest(h.hash, data);
}

/**
 * Replays the log: for each bank rotkit can hash, each PCR that has a measured event starts from its reset value
 * (zeros; PCR 0 from the StartupLocality event's locality when there is one, PFP §3.3.4.5) and is extended
 * (PCR := H(PCR ‖ digest), TPM 2.0 Part 1 §17.5) with every event that is not EV_NO_ACTION. Only PCRs the log
 * measures appear in the result.
 *
 * @example
 * ```ts
 * const pcrs = await replayEventLog(logBytes, nobleProvider());
 * console.log(toHex(pcrs.get("sha256")!.get(7)!));
 * ```
 */
export async function replayEventLog(log: Uint8Array | TcgEventLog, provider: CryptoProvider): Promise<PcrBanks> {
  const parsed = log instanceof Uint8Array ? parseEventLog(log) : log;
  const out: PcrBanks = new Map();
  let locality = 0;
  for (const ev of parsed.events) {
    if (ev.type === EV_NO_ACTION && ev.pcr === 0 && asciiPrefix(ev.data, STARTUP_LOCALITY)) {
      if (ev.data.length >= 17) locality = ev.data[16] as number;
    }
  }
  for (const [alg, size] of parsed.algorithms) {
    const h = tpmHash(alg);
    if (h === undefined || h.size !== size) continue;
    const bank = new Map<number, Uint8Array>();
    for (const ev of parsed.events) {
      if (ev.type === EV_NO_ACTION) continue;
      const d = ev.digests.get(alg);
      if (d === undefined) continue;
      let cur = bank.get(ev.pcr);
      if (cur === undefined) {
        cur = new Uint8Array(size);
        if (ev.pcr === 0) cur[size - 1] = locality;
      }
      bank.set(ev.pcr, await hashFor(provider, alg, concatBytes(cur, d)));
    }
    out.set(h.bank, bank);
  }
  return out;
}

/**
 * Compares replayed PCR values with the quoted (or read) ones: every PCR that both carry must be equal; throws
 * `TPM_EVENTLOG_MISMATCH` naming each PCR that differs (`sha256:7`). PCRs the log does not measure are not checked.
 *
 * @example
 * ```ts
 * checkEventLogAgainstPcrs(await replayEventLog(log, provider), { sha256: quotedPcrs });
 * ```
 */
export function checkEventLogAgainstPcrs(
  replayed: PcrBanks,
  pcrs: Partial<Record<TpmBank, Map<number, Uint8Array>>>,
): { checked: string[] } {
  const bad: string[] = [];
  const checked: string[] = [];
  for (const [bank, values] of replayed) {
    const quoted = pcrs[bank];
    if (quoted === undefined) continue;
    for (const [pcr, value] of values) {
      const q = quoted.get(pcr);
      if (q === undefined) continue;
      checked.push(`${bank}:${pcr}`);
      if (!bytesEqual(q, value)) bad.push(`${bank}:${pcr} (log ${toHex(value)}, quoted ${toHex(q)})`);
    }
  }
  if (bad.length > 0) {
    throw new RotkitError("TPM_EVENTLOG_MISMATCH", `event log replay differs from the PCRs at ${bad.join(", ")}`);
  }
  return { checked };
}
