// MCUboot image format constants (mcu-tools/mcuboot boot/bootutil/include/bootutil/image.h, docs/design.md "Image
// Format"; imgtool scripts/imgtool/image.py). All multi-byte fields are little endian.

/** `IMAGE_MAGIC`: the current image header magic. */
export const MCUBOOT_IMAGE_MAGIC = 0x96f3b83d;
/**
 * `IMAGE_MAGIC_V1`: the legacy header of 2017-era MCUboot (no protected TLV area, 8-bit TLV types). MCUboot itself
 * no longer boots it; rotkit refuses it with MCUBOOT_UNSUPPORTED rather than reading it as today's format.
 */
export const MCUBOOT_IMAGE_MAGIC_V1 = 0x96f3b83c;
/** `IMAGE_TLV_INFO_MAGIC`: the unprotected TLV area. */
export const MCUBOOT_TLV_INFO_MAGIC = 0x6907;
/** `IMAGE_TLV_PROT_INFO_MAGIC`: the protected TLV area (covered by the image hash). */
export const MCUBOOT_TLV_PROT_INFO_MAGIC = 0x6908;
/** `IMAGE_HEADER_SIZE`: the fixed part of the header; `ih_hdr_size` may be larger (padding up to the vector table). */
export const MCUBOOT_HEADER_SIZE = 32;
/** `struct image_tlv_info` and `struct image_tlv` are both 4 bytes. */
export const MCUBOOT_TLV_HEADER_SIZE = 4;

/** TLV types (`IMAGE_TLV_*`). Types 0xXXa0-0xXXff are reserved for vendors. */
export const McubootTlvType = {
  KEYHASH: 0x01,
  PUBKEY: 0x02,
  KEYID: 0x03,
  SHA256: 0x10,
  SHA384: 0x11,
  SHA512: 0x12,
  RSA2048_PSS: 0x20,
  ECDSA224: 0x21,
  ECDSA_SIG: 0x22,
  RSA3072_PSS: 0x23,
  ED25519: 0x24,
  SIG_PURE: 0x25,
  ENC_RSA2048: 0x30,
  ENC_KW: 0x31,
  ENC_EC256: 0x32,
  ENC_X25519: 0x33,
  ENC_X25519_SHA512: 0x34,
  DEPENDENCY: 0x40,
  SEC_CNT: 0x50,
  BOOT_RECORD: 0x60,
  DECOMP_SIZE: 0x70,
  DECOMP_SHA: 0x71,
  DECOMP_SIGNATURE: 0x72,
  COMP_DEC_SIZE: 0x73,
  // The UUID numbers differ between the sources checked (0x74/0x75, one port 0x80/0x81); both must be protected.
  UUID_VID: 0x74,
  UUID_CID: 0x75,
} as const;

/** Name of a TLV type as MCUboot spells it (without `IMAGE_TLV_`). */
export type McubootTlvName = keyof typeof McubootTlvType;

const TLV_NAMES = new Map<number, McubootTlvName>(
  Object.entries(McubootTlvType).map(([name, type]) => [type, name as McubootTlvName]),
);

/**
 * MCUboot's name for a TLV type, `VENDOR` for the vendor-reserved range (0xXXa0-0xXXff), `UNKNOWN` otherwise.
 *
 * @example
 * ```ts
 * mcubootTlvName(0x50); // "SEC_CNT"
 * mcubootTlvName(0x00a0); // "VENDOR"
 * ```
 */
export function mcubootTlvName(type: number): McubootTlvName | "VENDOR" | "UNKNOWN" {
  const n = TLV_NAMES.get(type);
  if (n !== undefined) return n;
  return (type & 0xff) >= 0xa0 && type !== 0xffff ? "VENDOR" : "UNKNOWN";
}

/** TLVs that describe the hashed region and so cannot be inside it (they would have to hash or sign themselves). */
export const MCUBOOT_UNPROTECTED_ONLY: ReadonlySet<number> = new Set([
  McubootTlvType.KEYHASH,
  McubootTlvType.PUBKEY,
  McubootTlvType.KEYID,
  McubootTlvType.SHA256,
  McubootTlvType.SHA384,
  McubootTlvType.SHA512,
  McubootTlvType.RSA2048_PSS,
  McubootTlvType.ECDSA224,
  McubootTlvType.ECDSA_SIG,
  McubootTlvType.RSA3072_PSS,
  McubootTlvType.ED25519,
  McubootTlvType.SIG_PURE,
]);

/** The wrapped AES key of an encrypted image (ENC_*): checked by decryption, so it may sit unprotected. */
export const MCUBOOT_WRAPPED_KEY_TLVS: ReadonlySet<number> = new Set([
  McubootTlvType.ENC_RSA2048,
  McubootTlvType.ENC_KW,
  McubootTlvType.ENC_EC256,
  McubootTlvType.ENC_X25519,
  McubootTlvType.ENC_X25519_SHA512,
]);

/**
 * The only TLVs allowed in the unprotected area: key identification, the image hash, signatures and the wrapped
 * encryption key (bootutil image_validate.c `allowed_unprot_tlvs`, MCUBOOT_USE_TLV_ALLOW_LIST; SIG_PURE and KEYID
 * as in the current list). Everything else (security counter, dependencies, boot record, decompression data, UUIDs,
 * vendor TLVs) changes what the image means and must sit in the protected area: CVE-2024-32883.
 */
export const MCUBOOT_UNPROTECTED_ALLOWED: ReadonlySet<number> = new Set([
  ...MCUBOOT_UNPROTECTED_ONLY,
  ...MCUBOOT_WRAPPED_KEY_TLVS,
]);

/** TLVs a caller may never allow into the unprotected area, whatever `allowUnprotectedTypes` says. */
export const MCUBOOT_ALWAYS_PROTECTED: ReadonlySet<number> = new Set([
  McubootTlvType.DEPENDENCY,
  McubootTlvType.SEC_CNT,
  McubootTlvType.BOOT_RECORD,
  McubootTlvType.DECOMP_SIZE,
  McubootTlvType.DECOMP_SHA,
  McubootTlvType.DECOMP_SIGNATURE,
  McubootTlvType.COMP_DEC_SIZE,
  McubootTlvType.UUID_VID,
  McubootTlvType.UUID_CID,
]);

/** Header flags (`IMAGE_F_*`). */
export const McubootFlag = {
  PIC: 0x0000_0001,
  ENCRYPTED_AES128: 0x0000_0004,
  ENCRYPTED_AES256: 0x0000_0008,
  NON_BOOTABLE: 0x0000_0010,
  RAM_LOAD: 0x0000_0020,
  ROM_FIXED: 0x0000_0100,
  COMPRESSED_LZMA1: 0x0000_0200,
  COMPRESSED_LZMA2: 0x0000_0400,
  COMPRESSED_ARM_THUMB_FLT: 0x0000_0800,
} as const;

/** Name of a header flag (without `IMAGE_F_`). */
export type McubootFlagName = keyof typeof McubootFlag;

/** Every flag bit rotkit knows; any other bit set is refused by verification. */
export const MCUBOOT_KNOWN_FLAGS: number = Object.values(McubootFlag).reduce((a, b) => a | b, 0);

/**
 * The names of the known flags set in `flags`, in bit order.
 *
 * @example
 * ```ts
 * mcubootFlagNames(0x24); // ["ENCRYPTED_AES128", "RAM_LOAD"]
 * ```
 */
export function mcubootFlagNames(flags: number): McubootFlagName[] {
  return (Object.entries(McubootFlag) as [McubootFlagName, number][])
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
}
