import { readFileSync } from "node:fs";
import {
  type CryptoProvider,
  fromHex,
  type MlDsaAlg,
  nobleProvider,
  type PublicKey,
  softwareKeyHandle,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import { deriveOpenDiceKeySeed } from "../src/index.js";

// Shared fixtures of the DICE tests: the pinned vectors under test-vectors/ (see their READMEs for provenance).

export const VECTORS = new URL("../../../test-vectors/", import.meta.url).pathname;

export function vector(path: string): Uint8Array {
  return new Uint8Array(readFileSync(`${VECTORS}${path}`));
}

export function vectorJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(`${VECTORS}${path}`, "utf8")) as T;
}

/** veraison/dice's CBOR chain, root (self-signed UDS cert) first. */
export function veraisonCborChain(): Uint8Array[] {
  return [
    vector("dice-veraison/_CBOR_Ed25519_uds_cert.cert"),
    ...[0, 1, 2, 3, 4, 5, 6].map((i) => vector(`dice-veraison/_CBOR_Ed25519_cert_full_cert_chain_${i}.cert`)),
  ];
}

export const PROVIDERS: [string, CryptoProvider][] = [
  ["noble", nobleProvider()],
  ["webcrypto", webCryptoProvider()],
];

interface IssuerEntry {
  issuer_ed25519_public_key_hex: string;
  issuer_p256_public_key_uncompressed_hex: string;
  issuer_p384_public_key_uncompressed_hex: string;
  issuer_id_hex_ed25519: string;
  current_cdi_attest_hex: string;
}

/** The KAT issuer key of an input set and algorithm (test-vectors/open-dice-kat/issuers.json). */
export function katIssuerKey(inputSet: string, alg: "ed25519" | "p256" | "p384"): PublicKey {
  const e = vectorJson<Record<string, IssuerEntry>>("open-dice-kat/issuers.json")[inputSet] as IssuerEntry;
  if (alg === "ed25519") return { kty: "OKP", crv: "Ed25519", x: fromHex(e.issuer_ed25519_public_key_hex) };
  const point = fromHex(
    alg === "p256" ? e.issuer_p256_public_key_uncompressed_hex : e.issuer_p384_public_key_uncompressed_hex,
  );
  const n = (point.length - 1) / 2;
  return { kty: "EC", crv: alg === "p256" ? "P-256" : "P-384", x: point.slice(1, 1 + n), y: point.slice(1 + n) };
}

/**
 * The ML-DSA KAT issuer key of an input set, derived from its current CDI_Attest (issuers.json has none): the key
 * seed KDF(32, CDI_Attest, ASYM_SALT, "Key Pair") fed to ML-DSA.KeyGen_internal (FIPS 204 §6.1).
 */
export async function katMlDsaIssuerKey(inputSet: string, alg: MlDsaAlg): Promise<PublicKey> {
  const e = vectorJson<Record<string, IssuerEntry>>("open-dice-kat/issuers.json")[inputSet] as IssuerEntry;
  const seed = await deriveOpenDiceKeySeed(fromHex(e.current_cdi_attest_hex), nobleProvider());
  return softwareKeyHandle(alg, seed).publicKey;
}

/** "Mldsa65" (index.json) → "ML-DSA-65". */
export function katMlDsaAlg(alg: string): MlDsaAlg {
  return `ML-DSA-${alg.slice(5)}` as MlDsaAlg;
}

/**
 * The KAT input generator described in test-vectors/open-dice-kat/README.md: buffer = SHA-512(seed); each output
 * block is SHA-512(buffer), after which the first 8 bytes of buffer are incremented as a little-endian u64.
 */
export async function fakeInputValue(seed: string, length: number, provider: CryptoProvider): Promise<Uint8Array> {
  const buffer = await provider.digest("SHA-512", utf8Encode(seed));
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 64) {
    const block = await provider.digest("SHA-512", buffer);
    out.set(block.subarray(0, Math.min(64, length - at)), at);
    let counter = new DataView(buffer.buffer, buffer.byteOffset, 8).getBigUint64(0, true);
    counter = (counter + 1n) & 0xffffffffffffffffn;
    new DataView(buffer.buffer, buffer.byteOffset, 8).setBigUint64(0, counter, true);
  }
  return out;
}
