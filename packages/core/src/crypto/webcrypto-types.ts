// The slice of the W3C WebCrypto API (https://w3c.github.io/webcrypto/) that rotkit uses, declared here because
// @rotkit/core compiles without the DOM lib (it is a device-side package). Structural types: the host's real
// `crypto.subtle` satisfies them.

/** An opaque key object owned by the WebCrypto implementation. */
export interface WebCryptoKey {
  readonly type: string;
  readonly extractable: boolean;
}

/** A key pair as `generateKey` returns it for asymmetric algorithms. */
export interface WebCryptoKeyPair {
  readonly publicKey: WebCryptoKey;
  readonly privateKey: WebCryptoKey;
}

/** The JWK members rotkit reads or writes (RFC 7517 / RFC 7518 §6). */
export interface WebJsonWebKey {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  ext?: boolean;
  key_ops?: string[];
}

/** An algorithm identifier: a name or a parameter dictionary. */
export type WebAlgorithm = string | { readonly name: string; readonly [param: string]: unknown };

/** The buffers WebCrypto accepts; rotkit always passes Uint8Array. */
export type WebBufferSource = Uint8Array;

/** The methods of `SubtleCrypto` rotkit calls. */
export interface SubtleCryptoLike {
  digest(algorithm: WebAlgorithm, data: WebBufferSource): Promise<ArrayBuffer>;
  importKey(
    format: "raw" | "raw-public" | "spki" | "pkcs8",
    keyData: WebBufferSource,
    algorithm: WebAlgorithm,
    extractable: boolean,
    keyUsages: string[],
  ): Promise<WebCryptoKey>;
  importKey(
    format: "jwk",
    keyData: WebJsonWebKey,
    algorithm: WebAlgorithm,
    extractable: boolean,
    keyUsages: string[],
  ): Promise<WebCryptoKey>;
  exportKey(format: "jwk", key: WebCryptoKey): Promise<WebJsonWebKey>;
  sign(algorithm: WebAlgorithm, key: WebCryptoKey, data: WebBufferSource): Promise<ArrayBuffer>;
  verify(
    algorithm: WebAlgorithm,
    key: WebCryptoKey,
    signature: WebBufferSource,
    data: WebBufferSource,
  ): Promise<boolean>;
  encrypt(algorithm: WebAlgorithm, key: WebCryptoKey, data: WebBufferSource): Promise<ArrayBuffer>;
  decrypt(algorithm: WebAlgorithm, key: WebCryptoKey, data: WebBufferSource): Promise<ArrayBuffer>;
  deriveBits(algorithm: WebAlgorithm, baseKey: WebCryptoKey, length: number): Promise<ArrayBuffer>;
  generateKey(
    algorithm: WebAlgorithm,
    extractable: boolean,
    keyUsages: string[],
  ): Promise<WebCryptoKeyPair | WebCryptoKey>;
}
