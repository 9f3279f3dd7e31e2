export * from "./bytes.js";
export * from "./cbor/accessors.js";
export * from "./cbor/codec.js";
export * from "./cbor/cursor.js";
export * from "./cbor/decode.js";
export * from "./cbor/encode.js";
export { decodeHalf, halfBits } from "./cbor/float.js";
export * from "./cbor/item-length.js";
export { DEFAULT_CBOR_LIMITS } from "./cbor/limits.js";
export * from "./cbor/types.js";
export * from "./clock.js";
export {
  aesCbcMac,
  aesCcmDecrypt,
  aesCcmEncrypt,
  aesGcmDecrypt,
  aesGcmEncrypt,
  aesKeyUnwrap,
  aesKeyWrap,
} from "./crypto/aes.js";
export { ecCoordinateLength, hashLength, type SignatureScheme, signatureScheme } from "./crypto/algs.js";
export { bigIntToBytes, bytesToBigInt, modPow } from "./crypto/bigint.js";
export {
  type DerElement,
  derBitStringBytes,
  derChildren,
  derEncode,
  derEncodeUnsignedInteger,
  derUnsignedInteger,
  expectDer,
  readDer,
} from "./crypto/der.js";
export { decodeEcPoint, encodeEcPoint } from "./crypto/ec.js";
export { ecdsaDerToRaw, ecdsaRawToDer } from "./crypto/ecdsa-der.js";
export { checkHssLmsKey, type HssLmsPublicKey, hssLmsPublicKey } from "./crypto/hss-lms-key.js";
export {
  generateKeyAgreementKey,
  generateSoftwareKey,
  type KeyAgreementCurve,
  type PrivateJwk,
  publicKeyToJwk,
  type SoftwareKeyOptions,
  softwareKeyAgreementHandle,
  softwareKeyHandle,
} from "./crypto/keys.js";
export {
  type HssPublicKey,
  hssVerify,
  type LmotsParams,
  type LmsParams,
  lmotsParams,
  lmsParams,
  parseHssPublicKey,
} from "./crypto/lms.js";
export { mgf1 } from "./crypto/mgf1.js";
export { isMlDsaAlg, ML_DSA_LENGTHS, ML_DSA_SEED_LENGTH, mlDsaPublicKey } from "./crypto/ml-dsa.js";
export { nobleProvider } from "./crypto/noble.js";
export { randomBytes } from "./crypto/random.js";
export { RSA_MAX_BITS, RSA_MIN_BITS } from "./crypto/rsa.js";
export { rsaPkcs1Sha1Verify, sha1 } from "./crypto/sha1.js";
export { SHA256_IV, sha256, sha256Blocks } from "./crypto/sha256.js";
export { type ShakeAlg, shakeDigest } from "./crypto/shake.js";
export { publicKeyFromSpki, publicKeyToSpki } from "./crypto/spki.js";
export * from "./crypto/types.js";
export { type WebCryptoProviderOptions, webCryptoProvider } from "./crypto/webcrypto.js";
export type * from "./crypto/webcrypto-types.js";
export * from "./errors.js";
export type { ByteSink, ByteSource, Flash, FlashGeometry, RandomReader } from "./io.js";
export { pooledBytes, pooledCopy } from "./pool.js";
