import { RotkitError } from "@rotkit/core";
import {
  MCUBOOT_HEADER_SIZE,
  MCUBOOT_IMAGE_MAGIC,
  MCUBOOT_IMAGE_MAGIC_V1,
  MCUBOOT_TLV_HEADER_SIZE,
  MCUBOOT_TLV_INFO_MAGIC,
  MCUBOOT_TLV_PROT_INFO_MAGIC,
  mcubootTlvName,
} from "./constants.js";
import type { McubootHeader, McubootTlv, McubootTlvArea, McubootVersion } from "./types.js";

// The MCUboot image layout (docs/design.md "Image Format"): header (ih_hdr_size bytes), body (ih_img_size), the
// protected TLV area (ih_protect_tlv_size bytes, info magic 0x6908, absent when 0), then the unprotected TLV area
// (info magic 0x6907, it_tlv_tot bytes including its info header). Anything after that is slot padding and the
// swap trailer, which no hash covers.

/** A decoded MCUboot image, NOT verified: nothing here is authenticated. Values are views into the input. */
export interface UnverifiedMcubootImage {
  header: McubootHeader;
  /** The first `hdrSize` bytes (the header with its padding). */
  headerBytes: Uint8Array;
  /** `imgSize` bytes after the header: the firmware (ciphertext when the image is encrypted, unless imgtool --clear). */
  body: Uint8Array;
  /** The protected TLV area including its info header; empty when `protectTlvSize` is 0. */
  protectedArea: Uint8Array;
  protectedTlvs: McubootTlv[];
  unprotectedTlvs: McubootTlv[];
  /** `hdrSize + imgSize + protectTlvSize`: MCUboot hashes exactly the first `hashedLength` bytes. */
  hashedLength: number;
  /** End of the unprotected TLV area: the end of the image proper. */
  end: number;
  /** Bytes after `end` (slot padding, swap trailer); not covered by any hash or signature. */
  trailingLength: number;
}

function malformed(message: string, at: number): RotkitError {
  return new RotkitError("MCUBOOT_MALFORMED", `MCUboot image: ${message}`, { at });
}

function u16(b: Uint8Array, o: number): number {
  return (b[o] as number) | ((b[o + 1] as number) << 8);
}

function u32(b: Uint8Array, o: number): number {
  return (
    ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16)) + (b[o + 3] as number) * 0x1000000
  );
}

/**
 * Reads a `struct image_version` (8 bytes) at `o`; the caller has checked the bounds.
 */
export function readMcubootVersion(b: Uint8Array, o: number): McubootVersion {
  return { major: b[o] as number, minor: b[o + 1] as number, revision: u16(b, o + 2), build: u32(b, o + 4) };
}

/** Reads a little-endian uint32 at `o`; the caller has checked the bounds. */
export function readU32le(b: Uint8Array, o: number): number {
  return u32(b, o);
}

function decodeHeader(bytes: Uint8Array): McubootHeader {
  if (bytes.length < MCUBOOT_HEADER_SIZE) throw malformed(`shorter than the ${MCUBOOT_HEADER_SIZE}-byte header`, 0);
  const magic = u32(bytes, 0);
  if (magic === MCUBOOT_IMAGE_MAGIC_V1) {
    throw new RotkitError("MCUBOOT_UNSUPPORTED", "MCUboot image: legacy v1 header magic 0x96f3b83c", { at: 0 });
  }
  if (magic === 0x3db8f396) {
    // imgtool sign --endian big: the whole image is big endian, for big-endian targets.
    throw new RotkitError("MCUBOOT_UNSUPPORTED", "MCUboot image: big-endian image (imgtool --endian big)", { at: 0 });
  }
  if (magic !== MCUBOOT_IMAGE_MAGIC) throw malformed(`bad header magic 0x${magic.toString(16).padStart(8, "0")}`, 0);
  const header: McubootHeader = {
    magic,
    loadAddr: u32(bytes, 4),
    hdrSize: u16(bytes, 8),
    protectTlvSize: u16(bytes, 10),
    imgSize: u32(bytes, 12),
    flags: u32(bytes, 16),
    version: readMcubootVersion(bytes, 20),
  };
  if (header.hdrSize < MCUBOOT_HEADER_SIZE) throw malformed(`ih_hdr_size ${header.hdrSize} is below 32`, 8);
  if (header.hdrSize + header.imgSize > bytes.length) {
    throw malformed(`header + body (${header.hdrSize} + ${header.imgSize}) run past the end (${bytes.length})`, 12);
  }
  if (header.protectTlvSize !== 0 && header.protectTlvSize < MCUBOOT_TLV_HEADER_SIZE) {
    throw malformed(`ih_protect_tlv_size ${header.protectTlvSize} is smaller than the TLV info header`, 10);
  }
  return header;
}

/**
 * Reads one TLV area at `start` whose info header must carry `magic`; returns the records and the area's end. Every
 * length is checked against the area (and the area against the input) before a view is taken.
 */
function readArea(
  bytes: Uint8Array,
  start: number,
  magic: number,
  area: McubootTlvArea,
): { tlvs: McubootTlv[]; end: number } {
  if (start + MCUBOOT_TLV_HEADER_SIZE > bytes.length) throw malformed(`${area} TLV info header missing`, start);
  const found = u16(bytes, start);
  if (found !== magic) {
    throw malformed(`${area} TLV info magic is 0x${found.toString(16)}, expected 0x${magic.toString(16)}`, start);
  }
  const total = u16(bytes, start + 2);
  if (total < MCUBOOT_TLV_HEADER_SIZE) throw malformed(`${area} TLV area size ${total} is below 4`, start + 2);
  const end = start + total;
  if (end > bytes.length) throw malformed(`${area} TLV area (${total} bytes) runs past the end`, start + 2);
  const tlvs: McubootTlv[] = [];
  let p = start + MCUBOOT_TLV_HEADER_SIZE;
  while (p < end) {
    if (p + MCUBOOT_TLV_HEADER_SIZE > end) throw malformed(`truncated TLV header in the ${area} area`, p);
    const type = u16(bytes, p);
    const len = u16(bytes, p + 2);
    const valueStart = p + MCUBOOT_TLV_HEADER_SIZE;
    if (valueStart + len > end)
      throw malformed(`TLV 0x${type.toString(16)} (${len} bytes) overruns the ${area} area`, p);
    tlvs.push({
      type,
      name: mcubootTlvName(type),
      area,
      offset: p,
      value: bytes.subarray(valueStart, valueStart + len),
    });
    p = valueStart + len;
  }
  return { tlvs, end };
}

/**
 * Decodes an MCUboot image (header, body, protected and unprotected TLV areas) WITHOUT checking its hash or
 * signature: for inspection, logging or choosing a key, like `imgtool dumpinfo`. Structure is still enforced:
 * MCUBOOT_MALFORMED for a bad magic, a size that runs past the input, a TLV that overruns its area, a protected
 * area whose size disagrees with `ih_protect_tlv_size`; MCUBOOT_UNSUPPORTED for the legacy v1 magic. Never trust
 * what it returns; use `verifyMcubootImage`.
 *
 * @example
 * ```ts
 * const img = decodeMcubootImageUnverified(bytes);
 * console.log(img.header.version, img.unprotectedTlvs.map((t) => t.name)); // { major: 1, ... } ["SHA256", ...]
 * ```
 */
export function decodeMcubootImageUnverified(bytes: Uint8Array): UnverifiedMcubootImage {
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "MCUboot image must be a Uint8Array");
  const header = decodeHeader(bytes);
  const tlvStart = header.hdrSize + header.imgSize;
  let protectedTlvs: McubootTlv[] = [];
  let unprotStart = tlvStart;
  // bootutil tlv.c bootutil_tlv_iter_begin: a protected info header must match ih_protect_tlv_size exactly, and a
  // protected magic with ih_protect_tlv_size 0 is an error.
  if (header.protectTlvSize > 0) {
    const prot = readArea(bytes, tlvStart, MCUBOOT_TLV_PROT_INFO_MAGIC, "protected");
    if (prot.end - tlvStart !== header.protectTlvSize) {
      throw malformed(
        `protected TLV area is ${prot.end - tlvStart} bytes, ih_protect_tlv_size says ${header.protectTlvSize}`,
        tlvStart + 2,
      );
    }
    protectedTlvs = prot.tlvs;
    unprotStart = prot.end;
  } else if (tlvStart + 2 <= bytes.length && u16(bytes, tlvStart) === MCUBOOT_TLV_PROT_INFO_MAGIC) {
    throw malformed("protected TLV area present but ih_protect_tlv_size is 0", tlvStart);
  }
  const unprot = readArea(bytes, unprotStart, MCUBOOT_TLV_INFO_MAGIC, "unprotected");
  return {
    header,
    headerBytes: bytes.subarray(0, header.hdrSize),
    body: bytes.subarray(header.hdrSize, tlvStart),
    protectedArea: bytes.subarray(tlvStart, unprotStart),
    protectedTlvs,
    unprotectedTlvs: unprot.tlvs,
    hashedLength: unprotStart,
    end: unprot.end,
    trailingLength: bytes.length - unprot.end,
  };
}
