// MCUboot images (mcu-tools/mcuboot bootutil image format): re-exports only.
export {
  MCUBOOT_HEADER_SIZE,
  MCUBOOT_IMAGE_MAGIC,
  MCUBOOT_IMAGE_MAGIC_V1,
  MCUBOOT_TLV_INFO_MAGIC,
  MCUBOOT_TLV_PROT_INFO_MAGIC,
  MCUBOOT_UNPROTECTED_ALLOWED,
  McubootFlag,
  type McubootFlagName,
  type McubootTlvName,
  McubootTlvType,
  mcubootFlagNames,
  mcubootTlvName,
} from "./constants.js";
export type { McubootProtectedContent } from "./content.js";
export { decodeMcubootImageUnverified, type UnverifiedMcubootImage } from "./decode.js";
export { mcubootKeyHash, mcubootPublicKeyBytes } from "./keys.js";
export type { McubootDependency, McubootHeader, McubootTlv, McubootTlvArea, McubootVersion } from "./types.js";
export {
  type McubootEncryption,
  type McubootVerifiedSignature,
  type VerifiedMcubootImage,
  type VerifyMcubootImageOptions,
  verifyMcubootImage,
} from "./verify.js";
