import { RotkitError } from "@rotkit/core";
import { crc32 } from "./crc32.js";

// One journal record, the unit that the flash journal appends and the file store writes whole:
//
//   offset  size  field
//   0       4     magic "RKJ1" (52 4b 4a 31)
//   4       4     sequence number, uint32 big-endian, 1 .. 2^32-2 (strictly increasing within a journal)
//   8       2     payload length L, uint16 big-endian
//   10      L     payload (the encoded state)
//   10+L    4     CRC-32 (IEEE) of bytes 0 .. 10+L, big-endian
//
// On flash the record is padded with the erased value up to the program unit (writeSize). A record is valid only when
// magic, length and CRC all check: a write torn by power loss at any byte leaves a prefix whose CRC fails (CRC-32
// catches every burst of up to 32 bits, and a torn record lacks its own CRC).

/** "RKJ1". */
export const RECORD_MAGIC = 0x524b4a31;
/** Bytes before the payload. */
export const RECORD_HEADER_LENGTH = 10;
/** Header plus CRC. */
export const RECORD_OVERHEAD = RECORD_HEADER_LENGTH + 4;
/** The largest sequence number (0xffffffff is what erased NOR flash reads as). */
export const MAX_RECORD_SEQUENCE = 0xfffffffe;
/** The largest payload the 16-bit length field can describe. */
export const MAX_RECORD_PAYLOAD = 0xffff;

/** A decoded, CRC-checked record. */
export interface JournalRecord {
  sequence: number;
  payload: Uint8Array;
}

/** Length of a record with `payloadLength` bytes of payload, before padding. */
export function recordLength(payloadLength: number): number {
  return RECORD_OVERHEAD + payloadLength;
}

/**
 * Encodes one record, padded with `padValue` to a multiple of `unit` bytes.
 *
 * @example
 * ```ts
 * const bytes = encodeRecord(1, payload, 8); // ready for a flash with writeSize 8
 * ```
 */
export function encodeRecord(sequence: number, payload: Uint8Array, unit = 1, padValue = 0xff): Uint8Array {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_RECORD_SEQUENCE) {
    throw new RotkitError("COUNTER_IO", `journal sequence ${sequence} is out of range (journal exhausted?)`);
  }
  if (payload.length > MAX_RECORD_PAYLOAD) {
    throw new RotkitError("INVALID_ARGUMENT", `record payload of ${payload.length} bytes is too large`);
  }
  const n = recordLength(payload.length);
  const out = new Uint8Array(Math.ceil(n / unit) * unit).fill(padValue);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, RECORD_MAGIC);
  dv.setUint32(4, sequence);
  dv.setUint16(8, payload.length);
  out.set(payload, RECORD_HEADER_LENGTH);
  dv.setUint32(RECORD_HEADER_LENGTH + payload.length, crc32(out, 0, RECORD_HEADER_LENGTH + payload.length));
  return out;
}

/**
 * The payload length announced by a record header (the first {@link RECORD_HEADER_LENGTH} bytes), or undefined when
 * the header cannot start a valid record (wrong magic, sequence out of range, or longer than `maxPayload`).
 */
export function recordHeaderPayloadLength(header: Uint8Array, maxPayload = MAX_RECORD_PAYLOAD): number | undefined {
  if (header.length < RECORD_HEADER_LENGTH) return undefined;
  const dv = new DataView(header.buffer, header.byteOffset, RECORD_HEADER_LENGTH);
  if (dv.getUint32(0) !== RECORD_MAGIC) return undefined;
  const seq = dv.getUint32(4);
  if (seq < 1 || seq > MAX_RECORD_SEQUENCE) return undefined;
  const len = dv.getUint16(8);
  return len > maxPayload ? undefined : len;
}

/**
 * The record at the start of `bytes` when it is complete and its CRC checks, else undefined. Bytes after the record
 * (padding, the next record) are ignored. The payload is a copy.
 */
export function parseRecord(bytes: Uint8Array, maxPayload = MAX_RECORD_PAYLOAD): JournalRecord | undefined {
  const len = recordHeaderPayloadLength(bytes, maxPayload);
  if (len === undefined || bytes.length < recordLength(len)) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, recordLength(len));
  if (dv.getUint32(RECORD_HEADER_LENGTH + len) !== crc32(bytes, 0, RECORD_HEADER_LENGTH + len)) return undefined;
  return {
    sequence: dv.getUint32(4),
    payload: bytes.slice(RECORD_HEADER_LENGTH, RECORD_HEADER_LENGTH + len),
  };
}

/**
 * Decodes a whole record (as the file store keeps it: exactly one record, no padding), or throws a RotkitError
 * `COUNTER_CORRUPT`.
 *
 * @example
 * ```ts
 * const { sequence, payload } = decodeRecord(await readFile(path));
 * ```
 */
export function decodeRecord(bytes: Uint8Array, maxPayload = MAX_RECORD_PAYLOAD): JournalRecord {
  const rec = parseRecord(bytes, maxPayload);
  if (rec === undefined) throw new RotkitError("COUNTER_CORRUPT", "counter record: bad magic, length or CRC");
  if (recordLength(rec.payload.length) !== bytes.length) {
    throw new RotkitError("COUNTER_CORRUPT", "counter record: trailing bytes after the CRC", {
      at: recordLength(rec.payload.length),
    });
  }
  return rec;
}
