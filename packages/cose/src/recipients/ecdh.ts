import { bytesEqual, type KeyAgreementHandle, type PublicKey, RotkitError } from "@rotkit/core";
import { HeaderLabel, headerParam } from "../headers.js";
import { decodeCoseKey, publicKeyFromCoseKey } from "../key.js";
import type { ParsedRecipient, RecipientAlg } from "./parse.js";
import type { SenderKey } from "./types.js";

// ECDH key agreement for recipients (RFC 9053 §6.3): ECDH-ES takes the sender's ephemeral key (-1), ECDH-SS the
// sender's static key (-2) or its id (-3). Points are validated before use: decodeCoseKey refuses off-curve EC2
// points (invalid-curve attacks) and the X25519 all-zero output is refused (RFC 7748 §6.1).

/** True for a KeyAgreementHandle (duck-typed: a host may bring its own). */
export function isKeyAgreementHandle(v: unknown): v is KeyAgreementHandle {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as KeyAgreementHandle).deriveBits === "function" &&
    typeof (v as KeyAgreementHandle).publicKey === "object"
  );
}

/** Decodes a COSE_Key header value into a key-agreement public key (EC2 on P-256/384/521, or X25519/X448). */
export function agreementPublicKey(v: unknown, where: string): PublicKey {
  let key: ReturnType<typeof decodeCoseKey>;
  try {
    key = decodeCoseKey(v as Parameters<typeof decodeCoseKey>[0]);
  } catch (e) {
    throw new RotkitError("COSE_BAD_KEY", `${where}: invalid key-agreement public key`, { cause: e });
  }
  if (key.kty === "EC2") {
    if (key.d !== undefined) throw new RotkitError("COSE_BAD_KEY", `${where}: a sent public key must not carry d`);
  } else if (key.kty === "OKP") {
    if (key.crv !== "X25519" && key.crv !== "X448") {
      throw new RotkitError("COSE_BAD_KEY", `${where}: ${key.crv} is not a key-agreement curve`);
    }
    if (key.d !== undefined) throw new RotkitError("COSE_BAD_KEY", `${where}: a sent public key must not carry d`);
  } else {
    throw new RotkitError("COSE_BAD_KEY", `${where}: key type ${key.kty} cannot do ECDH`);
  }
  return publicKeyFromCoseKey(key);
}

/** True when the two keys are on the same curve (so the recipient's key can agree with the peer's). */
export function sameCurve(a: PublicKey, b: PublicKey): boolean {
  return (a.kty === "EC" || a.kty === "OKP") && a.kty === b.kty && a.crv === b.crv;
}

/**
 * The sender's public key for a recipient: the ephemeral key for ECDH-ES; for ECDH-SS the static key (-2), or
 * the key named by the static key id (-3) among `senderKeys`, or the only sender key.
 */
export function peerPublicKey(r: ParsedRecipient, alg: RecipientAlg, senderKeys: readonly SenderKey[]): PublicKey {
  if (alg.ecdh === "ES") {
    const epk = headerParam(r.headers, HeaderLabel.ephemeralKey);
    if (epk === undefined)
      throw new RotkitError("COSE_BAD_HEADER", `${r.where}: ${alg.name} needs an ephemeral key (-1)`);
    return agreementPublicKey(epk, `${r.where}: ephemeral key`);
  }
  const spk = headerParam(r.headers, HeaderLabel.staticKey);
  if (spk !== undefined) return agreementPublicKey(spk, `${r.where}: static key`);
  const skid = headerParam(r.headers, HeaderLabel.staticKeyId);
  if (skid instanceof Uint8Array) {
    const found = senderKeys.find((s) => s.kid !== undefined && bytesEqual(s.kid, skid));
    if (!found) throw new RotkitError("COSE_NO_KEY", `${r.where}: no sender key with the static key id (-3)`);
    return found.key;
  }
  if (senderKeys.length === 1) return (senderKeys[0] as SenderKey).key;
  throw new RotkitError(
    "COSE_NO_KEY",
    `${r.where}: ${alg.name} needs the sender's static key (-2 / -3 or a single sender key)`,
  );
}

/** Runs the agreement and checks the output (RFC 7748 §6.1: an all-zero X25519/X448 secret means a low-order point). */
export async function agree(handle: KeyAgreementHandle, peer: PublicKey, where: string): Promise<Uint8Array> {
  if (!sameCurve(handle.publicKey, peer)) {
    throw new RotkitError("COSE_BAD_KEY", `${where}: the peer key is not on the recipient key's curve`);
  }
  let z: Uint8Array;
  try {
    z = await handle.deriveBits(peer);
  } catch (e) {
    throw new RotkitError("COSE_BAD_KEY", `${where}: key agreement failed`, { cause: e });
  }
  let acc = 0;
  for (let i = 0; i < z.length; i++) acc |= z[i] as number;
  if (z.length === 0 || acc === 0)
    throw new RotkitError("COSE_BAD_KEY", `${where}: key agreement gave an all-zero secret`);
  return z;
}
