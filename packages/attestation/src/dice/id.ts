import { type CryptoProvider, fromHex, type PublicKey, RotkitError, toHex, utf8Encode } from "@rotkit/core";

// Open Profile for DICE, "Cryptography" → "Salt" and "Deriving Identifiers":
//   ID = KDF(20, public_key, ID_SALT, "ID") with KDF = HKDF-SHA512, and the big-endian high-order bit cleared so the
//   ID is a positive ASN.1 INTEGER without padding. The salt is the spec's published constant (a random value).

/** ID_SALT, the "salt" of the identifier derivation (Open-DICE "Cryptography" → "Salt"). */
export const OPEN_DICE_ID_SALT: Uint8Array = fromHex(
  "dbdbaebc8020da9ff0dd5a24c83aa5a54286dfc263031e329b4da148430659fe" +
    "62cdb5b7e1e00fc680306711eb444af77209359496fcff1db9520ba51c7b29ea",
);

/** ASYM_SALT, the "salt" of the asymmetric key pair derivation (Open-DICE "Cryptography" → "Salt"). */
export const OPEN_DICE_ASYM_SALT: Uint8Array = fromHex(
  "63b6a04d2c077fc10f639f21da793844356cc2b0b441b3a77124035c03f8e1be" +
    "6035d31f282821a7450a02222ab1b3cff1679b05ab1ca5d1affb789ccd2b0b3b",
);

/**
 * The 32-byte private key seed of a DICE layer, `KDF(32, CDI_Attest, ASYM_SALT, "Key Pair")` (Open-DICE
 * "Cryptography"). Ed25519 uses it as the private key, ML-DSA as the KeyGen_internal seed ξ (FIPS 204 §6.1), as the
 * Open-DICE KATs do; the ECDSA KATs feed it to a DRBG first.
 *
 * @example
 * ```ts
 * const seed = await deriveOpenDiceKeySeed(cdiAttest, nobleProvider());
 * const authority = softwareKeyHandle("ML-DSA-65", seed).publicKey;
 * ```
 */
export async function deriveOpenDiceKeySeed(cdiAttest: Uint8Array, provider: CryptoProvider): Promise<Uint8Array> {
  if (!(cdiAttest instanceof Uint8Array) || cdiAttest.length !== 32) {
    throw new RotkitError("INVALID_ARGUMENT", "deriveOpenDiceKeySeed: cdiAttest must be 32 bytes");
  }
  return provider.hkdf("SHA-512", cdiAttest, OPEN_DICE_ASYM_SALT, utf8Encode("Key Pair"), 32);
}

/**
 * The bytes of a public key the Open-DICE ID derivation hashes: the 32-byte Ed25519 key, the raw x‖y
 * coordinates of an ECDSA key (no 0x04 prefix), or the raw ML-DSA public key, as the Open-DICE KATs are derived.
 *
 * @example
 * ```ts
 * openDicePublicKeyBytes({ kty: "OKP", crv: "Ed25519", x }); // x
 * ```
 */
export function openDicePublicKeyBytes(key: PublicKey): Uint8Array {
  if (key.kty === "OKP") return key.x;
  if (key.kty === "AKP") return key.pub;
  if (key.kty === "EC") {
    const out = new Uint8Array(key.x.length + key.y.length);
    out.set(key.x, 0);
    out.set(key.y, key.x.length);
    return out;
  }
  throw new RotkitError("UNSUPPORTED", "Open-DICE IDs are defined for Ed25519, ECDSA and ML-DSA keys only");
}

/**
 * Derives the Open-DICE identifier of a public key ("Deriving Identifiers"), as the lower-case hex a CBOR CDI
 * certificate's `iss` / `sub` carries.
 *
 * @example
 * ```ts
 * const id = await deriveOpenDiceId(udsPublicKey, nobleProvider()); // "7a06eee41b789f4863d86b8778b1a201a6fedd56"
 * ```
 */
export async function deriveOpenDiceId(key: PublicKey, provider: CryptoProvider): Promise<string> {
  const id = await provider.hkdf("SHA-512", openDicePublicKeyBytes(key), OPEN_DICE_ID_SALT, utf8Encode("ID"), 20);
  id[0] = (id[0] as number) & 0x7f;
  return toHex(id);
}
