import type { McubootTlvName } from "./constants.js";

/** `struct image_version`: major.minor.revision+build. */
export interface McubootVersion {
  major: number;
  minor: number;
  revision: number;
  build: number;
}

/** `struct image_header` (32 bytes, little endian). */
export interface McubootHeader {
  magic: number;
  /** `ih_load_addr`: the RAM load address (RAM_LOAD) or the flash address the image was built for (ROM_FIXED). */
  loadAddr: number;
  /** `ih_hdr_size`: bytes before the body (the 32-byte header plus padding). */
  hdrSize: number;
  /** `ih_protect_tlv_size`: the protected TLV area including its 4-byte info header, or 0. */
  protectTlvSize: number;
  /** `ih_img_size`: the body, without header and TLVs. */
  imgSize: number;
  /** `ih_flags` as a number; see `McubootFlag`. */
  flags: number;
  version: McubootVersion;
}

/** Which TLV area a TLV sits in: the protected one is covered by the image hash, the unprotected one is not. */
export type McubootTlvArea = "protected" | "unprotected";

/** One TLV record. `value` is a view into the image bytes. */
export interface McubootTlv {
  type: number;
  /** MCUboot's name, `VENDOR` (0xXXa0-0xXXff) or `UNKNOWN`. */
  name: McubootTlvName | "VENDOR" | "UNKNOWN";
  area: McubootTlvArea;
  /** Offset of the TLV's 4-byte header in the image. */
  offset: number;
  value: Uint8Array;
}

/** `struct image_dependency` (TLV 0x40): another image that must be present at least at `minVersion`. */
export interface McubootDependency {
  /** Index of the image (0 = the first updatable image). */
  imageId: number;
  /** The byte after `image_id` (a pad in older MCUboot, flags in newer): reported as is. */
  flags: number;
  minVersion: McubootVersion;
}
