import { RotkitError } from "@rotkit/core";
import { McubootTlvType } from "./constants.js";
import { readMcubootVersion, readU32le } from "./decode.js";
import type { McubootDependency, McubootTlv } from "./types.js";

// Typed values of the protected TLVs. They are only ever read from the protected area: verifyMcubootImage refuses
// these types in the unprotected one before it gets here.

/** What the protected TLV area says about the image, typed. */
export interface McubootProtectedContent {
  /** SEC_CNT (0x50): the image's security counter (MCUBOOT_HW_ROLLBACK_PROT), uint32. */
  securityCounter: number | undefined;
  /** DEPENDENCY (0x40) records, in order. */
  dependencies: McubootDependency[];
  /** BOOT_RECORD (0x60): the CBOR measured-boot record (imgtool --boot-record), as signed. */
  bootRecord: Uint8Array | undefined;
  /** DECOMP_* / COMP_DEC_SIZE (0x70-0x73) of a compressed image; undefined when there is none. */
  compression:
    | {
        decompressedSize?: number;
        decompressedDigest?: Uint8Array;
        decompressedSignature?: Uint8Array;
        compressedDecryptedSize?: number;
      }
    | undefined;
}

function malformed(message: string, tlv: McubootTlv): RotkitError {
  return new RotkitError("MCUBOOT_MALFORMED", `MCUboot image: ${message}`, { at: tlv.offset });
}

function single(tlvs: readonly McubootTlv[], type: number, length?: number): McubootTlv | undefined {
  const found = tlvs.filter((t) => t.type === type);
  const first = found[0];
  if (first === undefined) return undefined;
  if (found.length > 1) throw malformed(`more than one ${first.name} TLV`, found[1] as McubootTlv);
  if (length !== undefined && first.value.length !== length) {
    throw malformed(`${first.name} TLV is ${first.value.length} bytes, expected ${length}`, first);
  }
  return first;
}

function u32Tlv(tlvs: readonly McubootTlv[], type: number): number | undefined {
  const t = single(tlvs, type, 4);
  return t === undefined ? undefined : readU32le(t.value, 0);
}

/**
 * Types the protected TLVs: one SEC_CNT of 4 bytes, DEPENDENCY records of 12 bytes (`struct image_dependency`),
 * at most one of each single-valued TLV. MCUBOOT_MALFORMED otherwise.
 */
export function protectedContent(tlvs: readonly McubootTlv[]): McubootProtectedContent {
  const dependencies: McubootDependency[] = [];
  for (const t of tlvs) {
    if (t.type !== McubootTlvType.DEPENDENCY) continue;
    // bootutil image.h struct image_dependency: image_id u8, one byte, a 16-bit pad, struct image_version.
    if (t.value.length !== 12) throw malformed(`DEPENDENCY TLV is ${t.value.length} bytes, expected 12`, t);
    dependencies.push({
      imageId: t.value[0] as number,
      flags: t.value[1] as number,
      minVersion: readMcubootVersion(t.value, 4),
    });
  }
  const decompressedSize = u32Tlv(tlvs, McubootTlvType.DECOMP_SIZE);
  const decompressedDigest = single(tlvs, McubootTlvType.DECOMP_SHA)?.value;
  const decompressedSignature = single(tlvs, McubootTlvType.DECOMP_SIGNATURE)?.value;
  const compressedDecryptedSize = u32Tlv(tlvs, McubootTlvType.COMP_DEC_SIZE);
  const compression: NonNullable<McubootProtectedContent["compression"]> = {};
  if (decompressedSize !== undefined) compression.decompressedSize = decompressedSize;
  if (decompressedDigest !== undefined) compression.decompressedDigest = decompressedDigest;
  if (decompressedSignature !== undefined) compression.decompressedSignature = decompressedSignature;
  if (compressedDecryptedSize !== undefined) compression.compressedDecryptedSize = compressedDecryptedSize;
  return {
    securityCounter: u32Tlv(tlvs, McubootTlvType.SEC_CNT),
    dependencies,
    bootRecord: single(tlvs, McubootTlvType.BOOT_RECORD)?.value,
    compression: Object.keys(compression).length > 0 ? compression : undefined,
  };
}
