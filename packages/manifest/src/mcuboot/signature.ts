import { type CryptoProvider, type HashAlg, type PublicKey, RotkitError, type SignatureAlg } from "@rotkit/core";
import { McubootTlvType } from "./constants.js";
import type { McubootTlv } from "./types.js";

// One signature TLV checked with the key its KEYHASH / PUBKEY TLV selected. MCUboot signs the image digest, not the
// image (bootutil image_validate.c: bootutil_verify_sig(hash, sizeof(hash), ...)):
// - ECDSA_SIG (0x22): ECDSA over the digest, DER-encoded (image_ecdsa.c); P-256 with SHA-256, P-384 with SHA-384.
//   ECDSA over a digest of the hashed region is ECDSA-with-SHA over that region, so the provider is given the region.
// - RSA2048_PSS / RSA3072_PSS (0x20 / 0x23): RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt, the image digest
//   being mHash (image_rsa.c), i.e. PS256 over the region.
// - ED25519 (0x24): Ed25519 over the digest bytes themselves (image_ed25519.c, mlen == the hash size), or over the
//   hashed region when the image carries SIG_PURE (0x25) = 1.

/** What a signature is checked against. */
export interface SignedContent {
  provider: CryptoProvider;
  /** header + body + protected TLV area: the bytes MCUboot hashes. */
  hashed: Uint8Array;
  /** The image digest (from the hash TLV, already checked against `hashed`); absent only for a pure image. */
  digest: { alg: HashAlg; value: Uint8Array } | undefined;
  /** SIG_PURE = 1: Ed25519 signs `hashed` itself. */
  pure: boolean;
}

function bad(message: string, tlv: McubootTlv): RotkitError {
  return new RotkitError("MCUBOOT_BAD_SIGNATURE", `MCUboot image: ${message}`, { at: tlv.offset });
}

function unsupported(message: string, tlv: McubootTlv): RotkitError {
  return new RotkitError("MCUBOOT_UNSUPPORTED", `MCUboot image: ${message}`, { at: tlv.offset });
}

/** Bit length of an unsigned big-endian integer. */
function bitLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i] as number));
}

function requireDigest(c: SignedContent, alg: HashAlg, tlv: McubootTlv): Uint8Array {
  if (c.pure) throw unsupported(`${tlv.name} signature in a SIG_PURE image (only Ed25519 signs the image itself)`, tlv);
  if (c.digest === undefined) throw bad("signature without an image hash TLV", tlv);
  if (c.digest.alg !== alg)
    throw unsupported(`${tlv.name} with this key needs ${alg}, the image hash is ${c.digest.alg}`, tlv);
  return c.digest.value;
}

/**
 * The algorithm, message and options a signature TLV is verified with, for `key`. MCUBOOT_BAD_SIGNATURE when the
 * key does not fit the TLV type (imgtool: "Key type does not match TLV record"), MCUBOOT_UNSUPPORTED for ECDSA224
 * or a key/hash pairing MCUboot does not define.
 */
function plan(
  tlv: McubootTlv,
  key: PublicKey,
  c: SignedContent,
): { alg: SignatureAlg; message: Uint8Array; der: boolean; salt?: number } {
  switch (tlv.type) {
    case McubootTlvType.ECDSA_SIG: {
      if (key.kty !== "EC") throw bad("ECDSA_SIG signature, but the selected key is not an EC key", tlv);
      if (key.crv === "P-256") {
        requireDigest(c, "SHA-256", tlv);
        return { alg: "ES256", message: c.hashed, der: true };
      }
      if (key.crv === "P-384") {
        requireDigest(c, "SHA-384", tlv);
        return { alg: "ES384", message: c.hashed, der: true };
      }
      throw unsupported(`ECDSA on ${key.crv}`, tlv);
    }
    case McubootTlvType.RSA2048_PSS:
    case McubootTlvType.RSA3072_PSS: {
      const bits = tlv.type === McubootTlvType.RSA2048_PSS ? 2048 : 3072;
      if (key.kty !== "RSA" || bitLength(key.n) !== bits) {
        throw bad(`${tlv.name} signature, but the selected key is not an RSA-${bits} key`, tlv);
      }
      requireDigest(c, "SHA-256", tlv);
      return { alg: "PS256", message: c.hashed, der: false, salt: 32 };
    }
    case McubootTlvType.ED25519: {
      if (key.kty !== "OKP" || key.crv !== "Ed25519")
        throw bad("ED25519 signature, but the selected key is not Ed25519", tlv);
      if (c.pure) return { alg: "Ed25519", message: c.hashed, der: false };
      if (c.digest === undefined) throw bad("signature without an image hash TLV", tlv);
      return { alg: "Ed25519", message: c.digest.value, der: false };
    }
    case McubootTlvType.ECDSA224:
      throw unsupported("ECDSA224 signatures (P-224, dropped by MCUboot)", tlv);
    default:
      throw unsupported(`signature TLV 0x${tlv.type.toString(16)}`, tlv);
  }
}

/**
 * Verifies one signature TLV with the key its key TLV selected; throws MCUBOOT_BAD_SIGNATURE when it does not verify.
 */
export async function verifySignatureTlv(tlv: McubootTlv, key: PublicKey, c: SignedContent): Promise<void> {
  const p = plan(tlv, key, c);
  const options = p.der ? { format: "der" as const } : p.salt === undefined ? undefined : { pssSaltLength: p.salt };
  let ok: boolean;
  try {
    ok = await c.provider.verify(p.alg, key, p.message, tlv.value, options);
  } catch (e) {
    throw new RotkitError("MCUBOOT_BAD_SIGNATURE", `MCUboot image: ${tlv.name} signature could not be checked`, {
      at: tlv.offset,
      cause: e,
    });
  }
  if (!ok) throw bad(`${tlv.name} signature does not verify with the selected key`, tlv);
}

/** True for the TLV types that carry a signature. */
export function isSignatureTlv(type: number): boolean {
  return (
    type === McubootTlvType.RSA2048_PSS ||
    type === McubootTlvType.ECDSA224 ||
    type === McubootTlvType.ECDSA_SIG ||
    type === McubootTlvType.RSA3072_PSS ||
    type === McubootTlvType.ED25519
  );
}
