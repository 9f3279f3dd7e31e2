import { createPrivateKey, createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  concatBytes,
  ecdsaRawToDer,
  type HashAlg,
  type KeyHandle,
  nobleProvider,
  type PublicKey,
  publicKeyFromSpki,
  RotkitError,
} from "@rotkit/core";
import {
  decodeMcubootImageUnverified,
  MCUBOOT_IMAGE_MAGIC,
  MCUBOOT_TLV_INFO_MAGIC,
  MCUBOOT_TLV_PROT_INFO_MAGIC,
  McubootTlvType,
  mcubootKeyHash,
  mcubootPublicKeyBytes,
} from "@rotkit/manifest";

// Test-side helpers for the MCUboot tests: the imgtool vectors and their keys, a small image builder that signs the
// way imgtool does (so tests can make images the vectors do not have: protected security counters, dependencies,
// pure Ed25519, several signers), and an async mutation checker.

export const VECTORS = new URL("../../../test-vectors/mcuboot-imgtool/", import.meta.url).pathname;

/** The imgtool signing keys shipped with the vectors. */
export const KEY_NAMES = ["ecdsa-p256", "ecdsa-p384", "ed25519", "rsa-2048", "rsa-3072"] as const;
export type KeyName = (typeof KEY_NAMES)[number];

/** The public key of `keys/<name>.key` (a PKCS#8 PEM private key) as rotkit's PublicKey. */
export function vectorKey(name: KeyName): PublicKey {
  const pem = readFileSync(`${VECTORS}keys/${name}.key`);
  const spki = createPublicKey(createPrivateKey(pem)).export({ type: "spki", format: "der" });
  return publicKeyFromSpki(new Uint8Array(spki));
}

export function readImage(path: string): Uint8Array {
  return new Uint8Array(readFileSync(`${VECTORS}images/signed/${path}`));
}

export interface Tlv {
  type: number;
  value: Uint8Array;
}

function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}

export function u32le(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
}

/** One TLV area: info header (magic, total size) then the records. */
export function tlvArea(magic: number, tlvs: readonly Tlv[]): Uint8Array {
  const records = tlvs.map((t) => concatBytes(Uint8Array.of(...u16(t.type), ...u16(t.value.length)), t.value));
  const body = concatBytes(...records);
  return concatBytes(Uint8Array.of(...u16(magic), ...u16(4 + body.length)), body);
}

export interface BuildOptions {
  body?: Uint8Array;
  hdrSize?: number;
  flags?: number;
  version?: [number, number, number, number];
  loadAddr?: number;
  /** The protected TLVs; `[]` writes an empty protected area (info header only), undefined none. */
  protectedTlvs?: Tlv[];
  /** Image hash; null leaves the hash TLV out. Default SHA-256. */
  hash?: HashAlg | null;
  signers?: { key: KeyHandle; keyTlv?: "hash" | "pubkey" | "none" }[];
  /** imgtool --pure: a SIG_PURE TLV, Ed25519 signs the hashed region itself. */
  pure?: boolean;
  /** Extra unprotected TLVs after the signatures. */
  unprotectedExtra?: Tlv[];
}

const HASH_TLV: Record<HashAlg, number> = {
  "SHA-256": McubootTlvType.SHA256,
  "SHA-384": McubootTlvType.SHA384,
  "SHA-512": McubootTlvType.SHA512,
};

function signatureTlvType(key: KeyHandle): number {
  const k = key.publicKey;
  if (k.kty === "EC") return McubootTlvType.ECDSA_SIG;
  if (k.kty === "OKP") return McubootTlvType.ED25519;
  if (k.kty !== "RSA") throw new Error(`no MCUboot signature TLV for ${k.kty} keys`);
  return k.n.length === 256 ? McubootTlvType.RSA2048_PSS : McubootTlvType.RSA3072_PSS;
}

/** Builds and signs an MCUboot image as `imgtool sign` lays it out. */
export async function buildImage(o: BuildOptions = {}): Promise<Uint8Array> {
  const provider = nobleProvider();
  const body = o.body ?? Uint8Array.from({ length: 100 }, (_, i) => i);
  const hdrSize = o.hdrSize ?? 32;
  const prot =
    o.protectedTlvs !== undefined ? tlvArea(MCUBOOT_TLV_PROT_INFO_MAGIC, o.protectedTlvs) : new Uint8Array(0);
  const [major, minor, revision, build] = o.version ?? [1, 2, 3, 4];
  const header = new Uint8Array(hdrSize);
  header.set(u32le(MCUBOOT_IMAGE_MAGIC), 0);
  header.set(u32le(o.loadAddr ?? 0), 4);
  header.set(u16(hdrSize), 8);
  header.set(u16(prot.length), 10);
  header.set(u32le(body.length), 12);
  header.set(u32le(o.flags ?? 0), 16);
  header.set([major, minor, ...u16(revision)], 20);
  header.set(u32le(build), 24);
  const hashed = concatBytes(header, body, prot);
  const alg = o.hash === undefined ? "SHA-256" : o.hash;
  const unprot: Tlv[] = [];
  let digest: Uint8Array | undefined;
  if (alg !== null) {
    digest = await provider.digest(alg, hashed);
    unprot.push({ type: HASH_TLV[alg], value: digest });
  }
  if (o.pure) unprot.push({ type: McubootTlvType.SIG_PURE, value: Uint8Array.of(1) });
  for (const s of o.signers ?? []) {
    const keyTlv = s.keyTlv ?? "hash";
    if (keyTlv === "hash") {
      unprot.push({
        type: McubootTlvType.KEYHASH,
        value: await mcubootKeyHash(s.key.publicKey, alg ?? "SHA-256", provider),
      });
    } else if (keyTlv === "pubkey") {
      unprot.push({ type: McubootTlvType.PUBKEY, value: mcubootPublicKeyBytes(s.key.publicKey) });
    }
    const type = signatureTlvType(s.key);
    let sig: Uint8Array;
    if (type === McubootTlvType.ED25519) {
      sig = await s.key.sign(o.pure || digest === undefined ? hashed : digest);
    } else {
      sig = await s.key.sign(hashed);
      if (type === McubootTlvType.ECDSA_SIG) sig = ecdsaRawToDer(sig);
    }
    unprot.push({ type, value: sig });
  }
  unprot.push(...(o.unprotectedExtra ?? []));
  return concatBytes(hashed, tlvArea(MCUBOOT_TLV_INFO_MAGIC, unprot));
}

/** The image with its unprotected TLV list replaced by `edit(list)` (nothing hashed changes). */
export function rewriteUnprotected(image: Uint8Array, edit: (tlvs: Tlv[]) => Tlv[]): Uint8Array {
  const d = decodeMcubootImageUnverified(image);
  const tlvs = edit(d.unprotectedTlvs.map((t) => ({ type: t.type, value: t.value.slice() })));
  return concatBytes(image.subarray(0, d.hashedLength), tlvArea(MCUBOOT_TLV_INFO_MAGIC, tlvs), image.subarray(d.end));
}

/** The image with `tlv` appended to its unprotected TLV area. */
export function appendUnprotected(image: Uint8Array, tlv: Tlv): Uint8Array {
  return rewriteUnprotected(image, (tlvs) => [...tlvs, tlv]);
}

/** The thrown RotkitError code of a promise, or "resolved". */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    if (e instanceof RotkitError) return e.code;
    throw e;
  }
}

/**
 * Runs async `fn` on every input; anything thrown must be a RotkitError (else the test fails with the input's
 * position). Returns how many resolved and the rejection codes.
 */
export async function expectOnlyRotkitErrorsAsync(
  fn: (input: Uint8Array) => Promise<unknown>,
  inputs: Iterable<Uint8Array | { bytes: Uint8Array; at: number; mask: number }>,
): Promise<{ ok: number; accepted: string[]; acceptedAt: number[]; codes: Record<string, number> }> {
  const out = { ok: 0, accepted: [] as string[], acceptedAt: [] as number[], codes: {} as Record<string, number> };
  let i = 0;
  for (const item of inputs) {
    const input = item instanceof Uint8Array ? item : item.bytes;
    const where =
      item instanceof Uint8Array ? `length ${input.length}` : `byte ${item.at} ^ 0x${item.mask.toString(16)}`;
    try {
      await fn(input);
      out.ok++;
      out.accepted.push(where);
      out.acceptedAt.push(item instanceof Uint8Array ? input.length : item.at);
    } catch (e) {
      if (!(e instanceof RotkitError))
        throw new Error(`non-RotkitError at input ${i} (${where}): ${String(e)}`, { cause: e });
      out.codes[e.code] = (out.codes[e.code] ?? 0) + 1;
    }
    i++;
  }
  return out;
}
