import { type CryptoProvider, isRotkitError, RotkitError } from "@rotkit/core";
import {
  type AlgPolicy,
  type CoseKey,
  candidateKeys,
  decodeCoseMac0Unverified,
  decodeCoseSign1Unverified,
  HeaderLabel,
  keyFitsAlg,
  type MacKey,
  type RecipientKey,
  signatureAlgorithm,
  type VerifyKey,
  verifyCoseMac,
  verifyCoseMac0,
  verifyCoseSign,
  verifyCoseSign1,
} from "@rotkit/cose";
import type { SuitAuthenticationBlock, SuitSignerResult } from "./types.js";

// The authentication blocks of a SUIT_Authentication (draft-ietf-suit-manifest §8.3): COSE_Sign1 / COSE_Sign /
// COSE_Mac0 / COSE_Mac over the detached payload = the SUIT_Digest (bstr-wrapped by the Sig_structure /
// MAC_structure), external_aad empty.

/**
 * A key a SUIT verifier trusts: a public key (PublicKey or COSE_Key) for COSE_Sign1 / COSE_Sign, or a shared
 * secret (raw bytes or a Symmetric COSE_Key) for COSE_Mac0 / COSE_Mac. A COSE_Key with a `kid` is only tried on
 * blocks that name no kid or the same kid; a COSE_Key with an `alg` only for that algorithm.
 */
export type SuitVerificationKey = VerifyKey | Uint8Array;

/** How the authentication blocks are checked. */
export interface SuitAuthOptions {
  provider: CryptoProvider;
  keys: readonly SuitVerificationKey[];
  /** `"any"` (default): at least one block verifies. `"all"`: every block verifies. */
  policy?: "any" | "all";
  /** Only these COSE algorithms are acceptable (e.g. an MTI profile's; COSE_ALG_MISMATCH otherwise). */
  allowedAlgs?: AlgPolicy;
  /** Bound on keys tried per block. Default 8. */
  maxKeyAttempts?: number;
}

function isSecret(k: SuitVerificationKey): k is MacKey {
  return k instanceof Uint8Array || (k as CoseKey).kty === "Symmetric";
}

function kidOf(k: SuitVerificationKey): Uint8Array | undefined {
  if (k instanceof Uint8Array) return undefined;
  const kid = (k as { kid?: unknown }).kid;
  return kid instanceof Uint8Array ? kid : undefined;
}

async function firstThatVerifies<K>(
  keys: readonly K[],
  max: number,
  where: string,
  attempt: (k: K) => Promise<{ alg: number; kid?: Uint8Array }>,
): Promise<{ alg: number; kid?: Uint8Array }> {
  let last: unknown;
  for (const k of keys.slice(0, max)) {
    try {
      return await attempt(k);
    } catch (e) {
      if (!isRotkitError(e)) throw e;
      last = e;
    }
  }
  // Built only on failure: an Error captures a stack, which cost more than the rest of a block's checks.
  throw last ?? new RotkitError("COSE_NO_KEY", `${where}: no supplied key fits this block`);
}

async function verifyBlock(
  block: SuitAuthenticationBlock,
  index: number,
  detachedPayload: Uint8Array,
  o: SuitAuthOptions,
): Promise<SuitSignerResult> {
  const where = `envelope/2[${index + 1}]`;
  const common = {
    provider: o.provider,
    detachedPayload,
    requireTag: true,
    ...(o.allowedAlgs ? { allowedAlgs: o.allowedAlgs } : {}),
  };
  const max = o.maxKeyAttempts ?? 8;
  const publicKeys = o.keys.filter((k) => !isSecret(k)) as VerifyKey[];
  const secrets = o.keys.filter(isSecret);
  let r: { alg: number; kid?: Uint8Array };
  switch (block.kind) {
    case "COSE_Sign1": {
      const { headers } = decodeCoseSign1Unverified(block.bytes, { requireTag: true });
      const info = signatureAlgorithm(headers, where, common);
      const keys = (await candidateKeys(publicKeys, headers, index, where)).filter((k) => keyFitsAlg(k, info, where));
      r = await firstThatVerifies(keys, max, where, async (key) => {
        const v = await verifyCoseSign1(block.bytes, { ...common, key });
        return { alg: v.alg.id, ...(v.kid ? { kid: v.kid } : {}) };
      });
      break;
    }
    case "COSE_Mac0": {
      const { headers } = decodeCoseMac0Unverified(block.bytes, { requireTag: true });
      const kid = headers.protected.map.get(HeaderLabel.kid) ?? headers.unprotected.get(HeaderLabel.kid);
      const keys = secrets.filter((k) => {
        const keyKid = kidOf(k);
        return !keyKid || !(kid instanceof Uint8Array) || sameBytes(keyKid, kid);
      });
      r = await firstThatVerifies(keys, max, where, async (key) => {
        const v = await verifyCoseMac0(block.bytes, { ...common, key });
        return { alg: v.alg.id, ...(v.kid ? { kid: v.kid } : {}) };
      });
      break;
    }
    case "COSE_Sign": {
      const v = await verifyCoseSign(block.bytes, { ...common, keys: publicKeys, policy: "any" });
      const signer = v.signatures.find((s) => s.verified);
      r = { alg: signer?.alg.id ?? 0 };
      break;
    }
    case "COSE_Mac": {
      const recipientKeys: RecipientKey[] = secrets.map((k) => {
        const key = k instanceof Uint8Array ? k : (k as { k: Uint8Array }).k;
        const kid = kidOf(k);
        return kid ? { key, kid } : { key };
      });
      const v = await verifyCoseMac(block.bytes, { ...common, recipientKeys, maxAttempts: max });
      r = { alg: v.alg.id };
      break;
    }
  }
  return { index, kind: block.kind, verified: true, ...r };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Verifies the authentication blocks over the encoded SUIT_Digest. Returns the blocks that verified, or
 * throws SUIT_AUTH_FAILED (no block, none verifies, or under "all" one does not), with the COSE error as cause.
 */
export async function verifyAuthenticationBlocks(
  blocks: readonly SuitAuthenticationBlock[],
  digestBytes: Uint8Array,
  o: SuitAuthOptions,
): Promise<SuitSignerResult[]> {
  if (!Array.isArray(o.keys)) throw new RotkitError("INVALID_ARGUMENT", "SUIT: keys must be an array");
  // §8.3: "The Manifest Processor requires a SUIT_Authentication_Block to be present."
  if (blocks.length === 0) {
    throw new RotkitError("SUIT_AUTH_FAILED", "SUIT: the authentication wrapper holds no authentication block", {
      at: "envelope/2",
    });
  }
  const verified: SuitSignerResult[] = [];
  let failure: unknown;
  for (let i = 0; i < blocks.length; i++) {
    try {
      verified.push(await verifyBlock(blocks[i] as SuitAuthenticationBlock, i, digestBytes, o));
    } catch (e) {
      if (!isRotkitError(e)) throw e;
      failure ??= e;
      if (o.policy === "all") break;
    }
  }
  if (verified.length === 0 || (o.policy === "all" && verified.length !== blocks.length)) {
    const cause = failure as RotkitError | undefined;
    throw new RotkitError(
      "SUIT_AUTH_FAILED",
      `SUIT: ${o.policy === "all" ? "not every" : "no"} authentication block verifies${cause ? `: ${cause.message}` : ""}`,
      { at: "envelope/2", cause },
    );
  }
  return verified;
}
