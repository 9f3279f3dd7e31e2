import { createPrivateKey, generateKeyPairSync, type KeyObject, sign as nodeSign } from "node:crypto";
import { fromBase64Url, fromHex, type KeyHandle, type PublicKey, type SignatureAlg, toBase64Url } from "@rotkit/core";
import { type CoseKey, coseKeyFromJwk, type Jwk } from "@rotkit/cose";

// Test-only signing keys on node:crypto (the device code never sees this): ECDSA in IEEE P1363 (raw r‖s), EdDSA,
// RSASSA-PSS / PKCS#1 v1.5, so every algorithm the providers verify can be round-tripped.

const HASH: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };

function publicFromJwk(jwk: Record<string, string>): PublicKey {
  if (jwk.kty === "EC") {
    return { kty: "EC", crv: jwk.crv as "P-256", x: fromBase64Url(jwk.x!), y: fromBase64Url(jwk.y!) };
  }
  if (jwk.kty === "OKP") return { kty: "OKP", crv: jwk.crv as "Ed25519", x: fromBase64Url(jwk.x!) };
  return { kty: "RSA", n: fromBase64Url(jwk.n!), e: fromBase64Url(jwk.e!) };
}

/** A KeyHandle over a node:crypto private key. */
export function nodeKeyHandle(alg: SignatureAlg, privateKey: KeyObject, kid?: Uint8Array): KeyHandle {
  const jwk = privateKey.export({ format: "jwk" }) as Record<string, string>;
  const publicKey = publicFromJwk(jwk);
  const bits = alg.replace(/^[A-Z]+P?/, "");
  return {
    alg,
    publicKey,
    ...(kid ? { kid } : {}),
    async sign(data: Uint8Array) {
      if (alg.startsWith("ES")) {
        return new Uint8Array(nodeSign(HASH[bits] ?? "sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" }));
      }
      if (alg === "EdDSA" || alg === "Ed25519" || alg === "Ed448")
        return new Uint8Array(nodeSign(null, data, privateKey));
      if (alg.startsWith("PS")) {
        return new Uint8Array(
          nodeSign(HASH[bits]!, data, {
            key: privateKey,
            padding: 6 /* RSA_PKCS1_PSS_PADDING */,
            saltLength: Number(bits) / 8,
          }),
        );
      }
      return new Uint8Array(nodeSign(HASH[bits]!, data, { key: privateKey, padding: 1 /* RSA_PKCS1_PADDING */ }));
    },
  };
}

/** A fresh key for `alg`. */
export function testKey(alg: SignatureAlg, kid?: Uint8Array): KeyHandle {
  let k: KeyObject;
  switch (alg) {
    case "ES256":
    case "ESP256":
      k = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
      break;
    case "ES384":
    case "ESP384":
      k = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey;
      break;
    case "ES512":
    case "ESP512":
      k = generateKeyPairSync("ec", { namedCurve: "P-521" }).privateKey;
      break;
    case "EdDSA":
    case "Ed25519":
      k = generateKeyPairSync("ed25519").privateKey;
      break;
    case "Ed448":
      k = generateKeyPairSync("ed448").privateKey;
      break;
    default:
      k = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  }
  return nodeKeyHandle(alg, k, kid);
}

/** A KeyHandle from a private JWK (base64url members). */
export function jwkKeyHandle(alg: SignatureAlg, jwk: Record<string, unknown>): KeyHandle {
  return nodeKeyHandle(alg, createPrivateKey({ key: jwk as never, format: "jwk" }));
}

/**
 * A key as the cose-wg examples write it (JWK members, some as `<name>_hex`, kty "EC2" for "EC", dP/dQ for dp/dq)
 * turned into a COSE_Key through the public JWK path.
 */
export function exampleKey(key: unknown): CoseKey {
  const jwk: Jwk = { kty: "" };
  for (const [name, value] of Object.entries(key as Record<string, unknown>)) {
    if (typeof value !== "string") continue;
    const hex = name.endsWith("_hex");
    const member = (hex ? name.slice(0, -4) : name).replace(/^d([PQ])$/, (_, c: string) => `d${c.toLowerCase()}`);
    jwk[member] = hex ? toBase64Url(fromHex(value)) : member === "kty" && value === "EC2" ? "EC" : value;
  }
  return coseKeyFromJwk(jwk);
}
