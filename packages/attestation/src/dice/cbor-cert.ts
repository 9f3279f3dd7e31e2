import {
  type CborMap,
  type CborValue,
  decodeCbor,
  isRotkitError,
  mapGet,
  type PublicKey,
  RotkitError,
} from "@rotkit/core";
import { type CoseKey, decodeCoseKey, decodeCoseSign1Unverified, publicKeyFromCoseKey } from "@rotkit/cose";
import { diceModeName, type OpenDiceInputFields } from "./types.js";

// Open Profile for DICE (google/open-dice docs/specification.md), "CBOR CDI Certificates": a CDI certificate is an
// UNTAGGED COSE_Sign1 (RFC 9052 §4.2) whose payload is a CWT claims set (RFC 8392) with
//   iss (1) / sub (2): the hex-encoded 20-byte IDs of the issuer and subject keys ("Deriving Identifiers"),
//   and the private-use labels below (the spec's CDDL, "CBOR CDI Certificates" → "Custom claims").
// Signature algorithms: Ed25519 (EdDSA, -8) by default, ECDSA P-256 (-7) / P-384 (-35) ("Acceptable Cryptographic
// Algorithms"), and ML-DSA-44/65/87 (RFC 9964: -48/-49/-50, AKP subject keys) as the Open-DICE KATs use them.

/** The Open-DICE private CWT claim labels ("CBOR CDI Certificates"). */
export const OpenDiceLabel = {
  codeHash: -4670545,
  codeDescriptor: -4670546,
  configurationHash: -4670547,
  configurationDescriptor: -4670548,
  authorityHash: -4670549,
  authorityDescriptor: -4670550,
  mode: -4670551,
  subjectPublicKey: -4670552,
  keyUsage: -4670553,
  profileName: -4670554,
} as const;

/** The COSE algorithms an Open-DICE CBOR certificate may be signed with and rotkit verifies. */
export const DICE_CBOR_SIGNATURE_ALGS: readonly number[] = [-8, -7, -35, -36, -48, -49, -50];
/** X.509 KeyUsage keyCertSign is bit 5 (RFC 5280 §4.2.1.3); Open-DICE stores the bits little-endian. */
const KEY_CERT_SIGN_BIT = 5;

/** A decoded Open-DICE CBOR CDI certificate (signature NOT checked: see verifyDiceCborChain). */
export interface DiceCborCert extends OpenDiceInputFields {
  /** The COSE signature algorithm of the protected header (-8, -7, -35, -36, -48, -49, -50). */
  alg: number;
  /** `iss`: hex ID of the issuer (authority) key. */
  issuer: string;
  /** `sub`: hex ID of the subject key. */
  subject: string;
  /** The subject public key as its COSE_Key. */
  subjectPublicKey: CoseKey;
  /** The same key as a core PublicKey. */
  publicKey: PublicKey;
  /** keyUsage as encoded (little-endian X.509 KeyUsage bits), when present. */
  keyUsage?: Uint8Array;
  /** Whether keyUsage includes keyCertSign (true when keyUsage is absent: no restriction). */
  keyCertSign: boolean;
  /** The whole CWT claims map, for claims this decoder does not name. */
  claims: CborMap;
  /** The certificate bytes as given. */
  bytes: Uint8Array;
}

function invalid(label: string, what: string, cause?: unknown): RotkitError {
  return new RotkitError(
    "ATTEST_CLAIM_INVALID",
    `Open-DICE CBOR certificate: ${label} ${what}`,
    cause === undefined ? { at: label } : { at: label, cause },
  );
}

function optBytes(claims: CborMap, name: keyof typeof OpenDiceLabel): Uint8Array | undefined {
  const v = mapGet(claims, OpenDiceLabel[name]);
  if (v === undefined) return undefined;
  if (!(v instanceof Uint8Array)) throw invalid(`${name} (${OpenDiceLabel[name]})`, "is not a byte string");
  return v;
}

function optHash(claims: CborMap, name: keyof typeof OpenDiceLabel): Uint8Array | undefined {
  const v = optBytes(claims, name);
  // "Input Values": 64-byte inputs with SHA-512; implementations using SHA-256 / SHA-384 carry 32 / 48 bytes.
  if (v !== undefined && v.length !== 32 && v.length !== 48 && v.length !== 64) {
    throw invalid(`${name} (${OpenDiceLabel[name]})`, `has ${v.length} bytes; a hash is 32, 48 or 64 bytes`);
  }
  return v;
}

function hexId(claims: CborMap, key: 1 | 2, name: string): string {
  const v = mapGet(claims, key);
  if (v === undefined) {
    throw new RotkitError("ATTEST_CLAIM_MISSING", `Open-DICE CBOR certificate: ${name} (${key}) is missing`, {
      at: name,
    });
  }
  // "Deriving Identifiers": a 20-octet ID, hex encoded.
  if (typeof v !== "string" || v.length === 0 || v.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(v)) {
    throw invalid(`${name} (${key})`, "is not a hex-encoded ID text string");
  }
  return v;
}

/**
 * Decodes an Open-DICE CBOR CDI certificate WITHOUT verifying its signature: the untagged COSE_Sign1, its CWT payload
 * and every Open-DICE claim, with types and lengths checked. Errors: `ATTEST_MALFORMED` (not a COSE_Sign1 with a
 * CBOR map payload), `ATTEST_CLAIM_MISSING` (iss, sub or subjectPublicKey absent), `ATTEST_CLAIM_INVALID` naming
 * the label (wrong type or length, a bad COSE_Key), `CRYPTO_UNSUPPORTED_ALG` (an algorithm rotkit does not verify). Never trust the result before {@link verifyDiceCborChain} has checked it.
 *
 * @example
 * ```ts
 * const cert = decodeDiceCborCertUnverified(bytes);
 * cert.modeName;          // "normal"
 * toHex(cert.codeHash!);  // the measured code hash
 * ```
 */
export function decodeDiceCborCertUnverified(bytes: Uint8Array): DiceCborCert {
  if (!(bytes instanceof Uint8Array)) {
    throw new RotkitError("INVALID_ARGUMENT", "decodeDiceCborCertUnverified: bytes must be a Uint8Array");
  }
  let sign1: ReturnType<typeof decodeCoseSign1Unverified>;
  try {
    sign1 = decodeCoseSign1Unverified(bytes);
  } catch (e) {
    if (isRotkitError(e)) {
      throw new RotkitError("ATTEST_MALFORMED", `Open-DICE CBOR certificate: not a COSE_Sign1 (${e.code})`, {
        cause: e,
      });
    }
    throw e;
  }
  const algValue = sign1.headers.protected.map.get(1) ?? sign1.headers.unprotected.get(1);
  if (typeof algValue !== "number") {
    throw new RotkitError("ATTEST_MALFORMED", "Open-DICE CBOR certificate: no integer alg (1) in the headers");
  }
  if (!DICE_CBOR_SIGNATURE_ALGS.includes(algValue)) {
    throw new RotkitError(
      "CRYPTO_UNSUPPORTED_ALG",
      `Open-DICE CBOR certificate: signature alg ${algValue} not supported`,
    );
  }
  if (sign1.payload === null) {
    throw new RotkitError("ATTEST_MALFORMED", "Open-DICE CBOR certificate: detached payload (a CWT is required)");
  }
  let claimsValue: CborValue;
  try {
    claimsValue = decodeCbor(sign1.payload);
  } catch (e) {
    throw new RotkitError("ATTEST_MALFORMED", "Open-DICE CBOR certificate: the payload is not one CBOR item", {
      cause: e,
    });
  }
  if (!(claimsValue instanceof Map)) {
    throw new RotkitError("ATTEST_MALFORMED", "Open-DICE CBOR certificate: the payload is not a CWT claims map");
  }
  const claims = claimsValue;

  const issuer = hexId(claims, 1, "iss");
  const subject = hexId(claims, 2, "sub");

  const keyBytes = mapGet(claims, OpenDiceLabel.subjectPublicKey);
  if (keyBytes === undefined) {
    throw new RotkitError(
      "ATTEST_CLAIM_MISSING",
      "Open-DICE CBOR certificate: subjectPublicKey (-4670552) is missing",
      {
        at: "subjectPublicKey",
      },
    );
  }
  if (!(keyBytes instanceof Uint8Array)) throw invalid("subjectPublicKey (-4670552)", "is not a byte string");
  const { coseKey, publicKey } = subjectKey(keyBytes);

  const cert: DiceCborCert = {
    alg: algValue,
    issuer,
    subject,
    subjectPublicKey: coseKey,
    publicKey,
    keyCertSign: true,
    claims,
    bytes,
  };
  const codeHash = optHash(claims, "codeHash");
  if (codeHash) cert.codeHash = codeHash;
  const codeDescriptor = optBytes(claims, "codeDescriptor");
  if (codeDescriptor) cert.codeDescriptor = codeDescriptor;
  const configurationHash = optHash(claims, "configurationHash");
  if (configurationHash) cert.configurationHash = configurationHash;
  const configurationDescriptor = optBytes(claims, "configurationDescriptor");
  if (configurationDescriptor) cert.configurationDescriptor = configurationDescriptor;
  const authorityHash = optHash(claims, "authorityHash");
  if (authorityHash) cert.authorityHash = authorityHash;
  const authorityDescriptor = optBytes(claims, "authorityDescriptor");
  if (authorityDescriptor) cert.authorityDescriptor = authorityDescriptor;

  // "mode: bstr .size 1" — the one-byte mode decision ("Input Values" 4).
  const mode = optBytes(claims, "mode");
  if (mode) {
    if (mode.length !== 1) throw invalid("mode (-4670551)", `has ${mode.length} bytes; it is one byte`);
    cert.mode = mode[0] as number;
    cert.modeName = diceModeName(cert.mode);
  }

  // keyUsage: the X.509 KeyUsage bits in little-endian byte order.
  const keyUsage = optBytes(claims, "keyUsage");
  if (keyUsage) {
    if (keyUsage.length === 0 || keyUsage.length > 2) {
      throw invalid("keyUsage (-4670553)", `has ${keyUsage.length} bytes; X.509 KeyUsage needs 1 or 2`);
    }
    cert.keyUsage = keyUsage;
    cert.keyCertSign = ((keyUsage[0] as number) & (1 << KEY_CERT_SIGN_BIT)) !== 0;
  }

  const profileName = mapGet(claims, OpenDiceLabel.profileName);
  if (profileName !== undefined) {
    if (typeof profileName !== "string") throw invalid("profileName (-4670554)", "is not a text string");
    cert.profileName = profileName;
  }
  return cert;
}

function subjectKey(bytes: Uint8Array): { coseKey: CoseKey; publicKey: PublicKey } {
  let value: CborValue;
  try {
    value = decodeCbor(bytes);
  } catch (e) {
    throw invalid("subjectPublicKey (-4670552)", "is not a CBOR-encoded COSE_Key", e);
  }
  let coseKey: CoseKey;
  try {
    coseKey = decodeCoseKey(value);
  } catch (e) {
    throw invalid("subjectPublicKey (-4670552)", `is not a valid COSE_Key${isRotkitError(e) ? ` (${e.code})` : ""}`, e);
  }
  if (coseKey.kty !== "OKP" && coseKey.kty !== "EC2" && coseKey.kty !== "AKP") {
    throw invalid("subjectPublicKey (-4670552)", `has key type ${coseKey.kty}; OKP, EC2 or AKP expected`);
  }
  const hasPrivate = ("d" in coseKey && coseKey.d !== undefined) || ("priv" in coseKey && coseKey.priv !== undefined);
  if (hasPrivate || (coseKey.kty === "OKP" && coseKey.crv !== "Ed25519")) {
    throw invalid("subjectPublicKey (-4670552)", "is not an Ed25519 / ECDSA / ML-DSA public key");
  }
  return { coseKey, publicKey: publicKeyFromCoseKey(coseKey) };
}
