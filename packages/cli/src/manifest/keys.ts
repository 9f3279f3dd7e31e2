import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import {
  isRotkitError,
  type KeyHandle,
  type PublicKey,
  RotkitError,
  type SignatureAlg,
  type SoftwareKeyOptions,
  softwareKeyHandle,
  utf8Decode,
} from "@rotkit/core";
import {
  type CoseKey,
  coseAlgorithm,
  coseKeyFromJwk,
  coseKeyFromPublicKey,
  decodeCoseKey,
  decodeCoseKeySet,
  type Jwk,
  publicKeyFromCoseKey,
} from "@rotkit/cose";
import type { SuitVerificationKey } from "@rotkit/manifest";
import { readInput } from "./files.js";

// Key files of the manifest commands. Every accepted form — PEM (public key, private key, certificate), DER (SPKI,
// PKCS#8, SEC1, certificate), JWK / JWK Set (JSON), COSE_Key / COSE_KeySet (CBOR) — is normalised to COSE_Keys
// (node:crypto parses the ASN.1 forms; the CLI is server-side). A raw shared secret is only read through --secret,
// so a DER file is never mistaken for an HMAC key.

function keyError(path: string, message: string, cause?: unknown): RotkitError {
  return new RotkitError("INVALID_ARGUMENT", `key file ${path}: ${message}`, cause === undefined ? {} : { cause });
}

function fromKeyObject(k: KeyObject): CoseKey {
  return coseKeyFromJwk(k.export({ format: "jwk" }) as Jwk);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function fromPem(text: string): CoseKey[] {
  const out: CoseKey[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const [block, label] = m as unknown as [string, string];
    // `openssl ecparam -genkey` writes the curve's parameters before the key: not a key, skipped.
    if (label.endsWith("PARAMETERS")) continue;
    if (label === "CERTIFICATE") out.push(fromKeyObject(new X509Certificate(block).publicKey));
    else if (label.includes("PRIVATE KEY")) out.push(fromKeyObject(createPrivateKey(block)));
    else out.push(fromKeyObject(createPublicKey(block)));
  }
  return out;
}

function fromJson(text: string): CoseKey[] {
  const j = JSON.parse(text) as Jwk | { keys?: unknown };
  if (Array.isArray((j as { keys?: unknown }).keys)) return ((j as { keys: Jwk[] }).keys ?? []).map(coseKeyFromJwk);
  return [coseKeyFromJwk(j as Jwk)];
}

function fromDer(der: Uint8Array): CoseKey[] {
  const attempts: Array<() => KeyObject> = [
    () => new X509Certificate(der).publicKey,
    () => createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" }),
    () => createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" }),
    () => createPrivateKey({ key: Buffer.from(der), format: "der", type: "sec1" }),
  ];
  for (const attempt of attempts) {
    let k: KeyObject;
    try {
      k = attempt();
    } catch {
      continue;
    }
    return [fromKeyObject(k)];
  }
  throw new RotkitError("INVALID_ARGUMENT", "not a DER certificate, SPKI, PKCS#8 or SEC1 key");
}

/** COSE_Key or COSE_KeySet: a CBOR map (major type 5) or array (major type 4). */
function fromCbor(bytes: Uint8Array): CoseKey[] {
  const major = (bytes[0] as number) >> 5;
  return major === 4 ? decodeCoseKeySet(bytes) : [decodeCoseKey(bytes)];
}

/**
 * Every key in a key file, as COSE_Keys (private parts kept when the file has them). INVALID_ARGUMENT when the
 * file cannot be read or holds no usable key.
 *
 * @example
 * ```ts
 * const [key] = readKeyFile("author.pem"); // { kty: "EC2", crv: "P-256", x, y, d? }
 * ```
 */
export function readKeyFile(path: string): CoseKey[] {
  const bytes = readInput(path, "key file");
  if (bytes.length === 0) throw keyError(path, "empty");
  let keys: CoseKey[];
  try {
    // CBOR maps and arrays start at 0x80 and above, DER with SEQUENCE (0x30); anything else is text.
    const first = bytes[0] as number;
    if (first >= 0x80) keys = fromCbor(bytes);
    else if (first === 0x30) keys = fromDer(bytes);
    else {
      const text = utf8Decode(bytes).trim();
      if (text.includes("-----BEGIN")) keys = fromPem(text);
      else if (text.startsWith("{")) keys = fromJson(text);
      else throw new RotkitError("INVALID_ARGUMENT", "text that is neither PEM nor JSON");
    }
  } catch (e) {
    throw keyError(path, `not a PEM, DER, JWK or COSE_Key key (${isRotkitError(e) ? e.message : String(e)})`, e);
  }
  if (keys.length === 0) throw keyError(path, "holds no key");
  return keys;
}

/** The public part of a COSE_Key (kid and alg kept); a Symmetric key stays as it is (it is the MAC key). */
function publicOnly(k: CoseKey): SuitVerificationKey {
  if (k.kty === "Symmetric") return k;
  const common = { ...(k.kid ? { kid: k.kid } : {}), ...(k.alg !== undefined ? { alg: k.alg } : {}) };
  return coseKeyFromPublicKey(publicKeyFromCoseKey(k), common);
}

/**
 * Verification keys for `verify`: the public part of every key in each file; Symmetric COSE_Keys and JWK `oct`
 * keys are HMAC keys; `--secret` files are raw shared secrets.
 *
 * @example
 * ```ts
 * const keys = verificationKeys(["author.pem"], ["hmac.key"]);
 * ```
 */
export function verificationKeys(keyFiles: readonly string[], secretFiles: readonly string[]): SuitVerificationKey[] {
  const out: SuitVerificationKey[] = [];
  for (const f of keyFiles) out.push(...readKeyFile(f).map(publicOnly));
  for (const f of secretFiles) out.push(readSecret(f));
  return out;
}

/** A raw shared secret (the file's bytes verbatim). */
export function readSecret(path: string): Uint8Array {
  const s = readInput(path, "secret");
  if (s.length === 0) throw keyError(path, "empty secret");
  return s;
}

/**
 * Public keys for MCUboot images (MCUboot has no MAC keys).
 *
 * @example
 * ```ts
 * const keys = mcubootKeys(verificationKeys(["root-ec-p256.pem"], []));
 * ```
 */
export function mcubootKeys(keys: readonly SuitVerificationKey[]): PublicKey[] {
  return keys.map((k) => {
    if (k instanceof Uint8Array || (k as CoseKey).kty === "Symmetric") {
      throw new RotkitError("INVALID_ARGUMENT", "MCUboot images are signed, not MACed: a public key is needed");
    }
    return publicKeyFromCoseKey(k as CoseKey);
  });
}

/** Signing algorithms `sign --alg` takes (COSE names). */
export const SIGN_ALGS = [
  "ESP256",
  "ESP384",
  "ESP512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
  "HMAC-256",
  "HMAC-384",
  "HMAC-512",
] as const;

/** HMAC names of `--alg` → COSE algorithm ids (RFC 9053 §3.1). */
const HMAC_ALG: Record<string, number> = { "HMAC-256": 5, "HMAC-384": 6, "HMAC-512": 7 };

/** A signer for `sign`: a KeyHandle (COSE_Sign1) or a MAC key (COSE_Mac0). */
export type Authenticator =
  | { kind: "signature"; handle: KeyHandle }
  | { kind: "mac"; key: Uint8Array; alg: number; kid?: Uint8Array };

/** Default algorithm per curve: the fully-specified ESP* of draft-ietf-suit-mti for NIST curves, EdDSA for Ed25519. */
function defaultAlg(k: CoseKey): string {
  if (k.alg !== undefined) return typeof k.alg === "number" ? coseAlgorithm(k.alg).name : k.alg;
  if (k.kty === "EC2") return { "P-256": "ESP256", "P-384": "ESP384", "P-521": "ESP512" }[k.crv];
  if (k.kty === "OKP") return k.crv === "Ed25519" ? "EdDSA" : k.crv;
  if (k.kty === "Symmetric") return "HMAC-256";
  throw new RotkitError("INVALID_ARGUMENT", `no default SUIT signing algorithm for a ${k.kty} key: pass --alg`);
}

function macAlg(alg: string): number {
  const id = HMAC_ALG[alg] ?? HMAC_ALG[`HMAC-${alg.match(/^HMAC (\d+)\/\1$/)?.[1]}`];
  if (id === undefined) throw new RotkitError("INVALID_ARGUMENT", `${alg} is not an HMAC algorithm (HMAC-256/384/512)`);
  return id;
}

/**
 * The authenticator `sign` uses: a private key (PEM, DER, JWK or COSE_Key with its private part) as a software
 * KeyHandle, a Symmetric COSE_Key / JWK `oct` as an HMAC key, or (`secretFile`) a raw HMAC secret.
 *
 * @example
 * ```ts
 * const a = signingAuthenticator("author.pem", undefined, "ESP256");
 * ```
 */
export function signingAuthenticator(
  keyFile: string | undefined,
  secretFile: string | undefined,
  alg: string | undefined,
): Authenticator {
  if ((keyFile === undefined) === (secretFile === undefined)) {
    throw new RotkitError("INVALID_ARGUMENT", "give exactly one of --key or --secret");
  }
  if (alg !== undefined && !(SIGN_ALGS as readonly string[]).includes(alg)) {
    throw new RotkitError("INVALID_ARGUMENT", `--alg ${alg} is not one of ${SIGN_ALGS.join(", ")}`);
  }
  if (secretFile !== undefined) return { kind: "mac", key: readSecret(secretFile), alg: macAlg(alg ?? "HMAC-256") };
  const keys = readKeyFile(keyFile as string);
  if (keys.length !== 1) throw keyError(keyFile as string, `holds ${keys.length} keys; sign takes one`);
  const k = keys[0] as CoseKey;
  const name = alg ?? defaultAlg(k);
  const kid = k.kid ? { kid: k.kid } : {};
  if (k.kty === "Symmetric") return { kind: "mac", key: k.k, alg: macAlg(name), ...kid };
  if (name.startsWith("HMAC")) throw keyError(keyFile as string, `${name} needs a symmetric key, not ${k.kty}`);
  if ((k.kty !== "EC2" && k.kty !== "OKP") || k.d === undefined) {
    throw keyError(keyFile as string, "not a private EC or Ed25519 key");
  }
  const opts: SoftwareKeyOptions = { ...kid, crv: k.crv as SoftwareKeyOptions["crv"] };
  return { kind: "signature", handle: softwareKeyHandle(name as SignatureAlg, k.d, opts) };
}
