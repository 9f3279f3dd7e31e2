// @rotkit/cose public API: re-exports only (one job per file, see docs/DESIGN.md).
export { type AlgPolicy, checkAllowed, layerAlgorithm } from "./alg-policy.js";
export * from "./algorithms.js";
export { aesCbcDecrypt, aesCbcEncrypt, aesCtr, chacha20Poly1305Decrypt, chacha20Poly1305Encrypt } from "./ciphers.js";
export { isRsaPrivateKey, type OaepHash, type RsaPrivateKey, rsaOaepDecrypt, rsaOaepEncrypt } from "./ciphers-rsa.js";
export * from "./countersign.js";
export * from "./cwt.js";
export {
  COSE_ENCRYPT_TAG,
  type DecryptOptions,
  decryptCoseEncrypt,
  type EncryptOptions,
  encryptCoseEncrypt,
} from "./encrypt.js";
// COSE_Encrypt0 / COSE_Encrypt and recipients (RFC 9052 §5, RFC 9053 §5-6, RFC 8230, RFC 9459)
export {
  type ContentCipherOptions,
  combinePartialIv,
  type EncContext,
  encStructure,
} from "./encrypt-common.js";
export {
  COSE_ENCRYPT0_TAG,
  type ContentDecryptOptions,
  type ContentEncryptOptions,
  type Decrypt0Options,
  type DecryptResult,
  decryptCoseEncrypt0,
  type Encrypt0Options,
  type EncryptContent,
  type EncryptResult,
  encryptCoseEncrypt0,
} from "./encrypt0.js";
export * from "./headers.js";
export { type CoseKdfPrf, coseHkdf, encodeKdfContext, type KdfContextInput, type KdfPartyInfo } from "./kdf.js";
export * from "./key.js";
export * from "./key-select.js";
export * from "./key-spki.js";
export * from "./layer.js";
export * from "./mac.js";
export * from "./mac-alg.js";
export * from "./mac0.js";
export * from "./message.js";
export * from "./recipients/index.js";
export * from "./sign.js";
export * from "./sign1.js";
export * from "./signature.js";
export * from "./structures.js";
