import { type CborValue, type CryptoProvider, isRotkitError, RotkitError } from "@rotkit/core";
import {
  type AlgPolicy,
  type CoseKey,
  CoseTag,
  checkSignatureInputs,
  coseStructure,
  decodeCoseSign1Value,
  decodeHeaders,
  HeaderLabel,
  keyFitsAlg,
  type MacKey,
  prepareCoseSign1,
  providerVerify,
  type RecipientKey,
  type VerifyKey,
  verifyCoseMac0Value,
  verifyCoseMacValue,
  verifyCoseSignValue,
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

type Verified = { alg: number; kid?: Uint8Array };

function noKey(where: string): RotkitError {
  // Built only on failure: an Error captures a stack, which cost more than the rest of a block's checks.
  return new RotkitError("COSE_NO_KEY", `${where}: no supplied key fits this block`);
}

/** Whether a key may serve a block naming `kid`: a key with a kid never serves a block naming another kid. */
function kidAllows(key: SuitVerificationKey, kid: CborValue | undefined): boolean {
  const keyKid = kidOf(key);
  return !keyKid || !(kid instanceof Uint8Array) || sameBytes(keyKid, kid);
}

/**
 * Tries the keys that `fits` admits, at most `maxKeyAttempts` of them, until one verifies; `done` makes the result
 * from what that attempt returned.
 */
async function tryKeys<R, T>(
  keys: readonly SuitVerificationKey[],
  o: SuitAuthOptions,
  where: string,
  fits: (key: SuitVerificationKey) => boolean,
  attempt: (key: SuitVerificationKey) => Promise<R>,
  done: (r: R) => T,
): Promise<T> {
  const max = o.maxKeyAttempts ?? 8;
  let tried = 0;
  let last: unknown;
  for (let i = 0; i < keys.length && tried < max; i++) {
    const key = keys[i] as SuitVerificationKey;
    if (!fits(key)) continue;
    tried++;
    try {
      return done(await attempt(key));
    } catch (e) {
      if (!isRotkitError(e)) throw e;
      last = e;
    }
  }
  throw last ?? noKey(where);
}

/** The kid (4) of a block's headers, from either bucket. */
function blockKid(value: CborValue, tag: number, name: string): CborValue | undefined {
  const items = coseStructure(value, tag, 4, name, { requireTag: true });
  const headers = decodeHeaders(items[0] as CborValue, items[1] as CborValue, { where: name });
  return headers.protected.map.get(HeaderLabel.kid) ?? headers.unprotected.get(HeaderLabel.kid);
}

/** Where authentication block `index` (0-based) sits in the envelope, for errors. */
function blockWhere(index: number): string {
  return `envelope/2[${index + 1}]`;
}

/** One authentication block and what it is verified over. */
interface Block {
  value: CborValue;
  index: number;
  /** Its place in the envelope, for errors. */
  where: string;
  /** The encoded SUIT_Digest (§8.3). */
  detachedPayload: Uint8Array;
}

/**
 * A COSE_Sign1 block: the key-independent checks and the Sig_structure once, then the keys that fit, each checked
 * and handed to the provider with nothing else awaited (on a server this runs on every envelope, and each async
 * layer costs a promise and a turn).
 */
function verifySign1(b: Block, keys: readonly SuitVerificationKey[], o: SuitAuthOptions): Promise<SuitSignerResult> {
  const { index, where } = b;
  // Decoded once (the envelope reader decoded the CBOR): its headers choose the keys to try.
  const p = prepareCoseSign1(decodeCoseSign1Value(b.value, { requireTag: true }), {
    detachedPayload: b.detachedPayload,
    allowedAlgs: o.allowedAlgs,
  });
  const info = p.alg;
  const kid = p.kid;
  const result: SuitSignerResult = kid
    ? { index, kind: "COSE_Sign1", verified: true, alg: info.id, kid }
    : { index, kind: "COSE_Sign1", verified: true, alg: info.id };
  return tryKeys(
    keys,
    o,
    where,
    (key) => !isSecret(key) && kidAllows(key, kid) && keyFitsAlg(key as VerifyKey, info, where),
    (key) => {
      const publicKey = checkSignatureInputs(o.provider, info, key as VerifyKey, p.signature, "COSE_Sign1");
      return providerVerify(o.provider, info, publicKey, p.toBeSigned, p.signature, "COSE_Sign1");
    },
    () => result,
  );
}

function verifyMac0(
  value: CborValue,
  where: string,
  detachedPayload: Uint8Array,
  keys: readonly SuitVerificationKey[],
  o: SuitAuthOptions,
): Promise<Verified> {
  const kid = blockKid(value, CoseTag.Mac0, "COSE_Mac0");
  return tryKeys(
    keys,
    o,
    where,
    (key) => isSecret(key) && kidAllows(key, kid),
    (key) =>
      verifyCoseMac0Value(value, {
        provider: o.provider,
        detachedPayload,
        requireTag: true,
        allowedAlgs: o.allowedAlgs,
        key: key as MacKey,
      }),
    (v) => (v.kid ? { alg: v.alg.id, kid: v.kid } : { alg: v.alg.id }),
  );
}

const NO_POLICY: { allowedAlgs?: AlgPolicy } = {};

function allowed(o: SuitAuthOptions): { allowedAlgs?: AlgPolicy } {
  return o.allowedAlgs ? { allowedAlgs: o.allowedAlgs } : NO_POLICY;
}

/** Not async itself: a COSE_Sign1 block (the common case) is one async layer, not two. */
function verifyBlock(
  kind: SuitAuthenticationBlock["kind"],
  value: CborValue,
  index: number,
  detachedPayload: Uint8Array,
  keys: readonly SuitVerificationKey[],
  o: SuitAuthOptions,
): Promise<SuitSignerResult> {
  const b: Block = { value, index, where: blockWhere(index), detachedPayload };
  return kind === "COSE_Sign1" ? verifySign1(b, keys, o) : verifyOtherBlock(kind, b, keys, o);
}

async function verifyOtherBlock(
  kind: Exclude<SuitAuthenticationBlock["kind"], "COSE_Sign1">,
  b: Block,
  keys: readonly SuitVerificationKey[],
  o: SuitAuthOptions,
): Promise<SuitSignerResult> {
  const { value, index, where, detachedPayload } = b;
  let r: Verified;
  switch (kind) {
    case "COSE_Mac0":
      r = await verifyMac0(value, where, detachedPayload, keys, o);
      break;
    case "COSE_Sign": {
      const publicKeys = keys.filter((k) => !isSecret(k)) as VerifyKey[];
      const v = await verifyCoseSignValue(value, {
        provider: o.provider,
        detachedPayload,
        requireTag: true,
        keys: publicKeys,
        policy: "any",
        ...allowed(o),
      });
      const signer = v.signatures.find((s) => s.verified);
      r = { alg: signer?.alg.id ?? 0 };
      break;
    }
    case "COSE_Mac": {
      const recipientKeys: RecipientKey[] = [];
      for (const k of keys) {
        if (!isSecret(k)) continue;
        const key = k instanceof Uint8Array ? k : (k as { k: Uint8Array }).k;
        const kid = kidOf(k);
        recipientKeys.push(kid ? { key, kid } : { key });
      }
      const v = await verifyCoseMacValue(value, {
        provider: o.provider,
        detachedPayload,
        requireTag: true,
        recipientKeys,
        maxAttempts: o.maxKeyAttempts ?? 8,
        ...allowed(o),
      });
      r = { alg: v.alg.id };
      break;
    }
  }
  return r.kid ? { index, kind, verified: true, alg: r.alg, kid: r.kid } : { index, kind, verified: true, alg: r.alg };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Verifies the authentication blocks (decoded: `values`, same order as `blocks`) over the encoded SUIT_Digest.
 * Returns the blocks that verified, or throws SUIT_AUTH_FAILED (no block, none verifies, or under "all" one does
 * not), with the COSE error as cause.
 */
export async function verifyAuthenticationBlocks(
  blocks: readonly SuitAuthenticationBlock[],
  values: readonly CborValue[],
  digestBytes: Uint8Array,
  keys: readonly SuitVerificationKey[],
  o: SuitAuthOptions,
): Promise<SuitSignerResult[]> {
  if (!Array.isArray(keys)) throw new RotkitError("INVALID_ARGUMENT", "SUIT: keys must be an array");
  // §8.3: "The Manifest Processor requires a SUIT_Authentication_Block to be present."
  if (blocks.length === 0) {
    throw new RotkitError("SUIT_AUTH_FAILED", "SUIT: the authentication wrapper holds no authentication block", {
      at: "envelope/2",
    });
  }
  const verified: SuitSignerResult[] = [];
  let failure: unknown;
  let failedAt = "";
  for (let i = 0; i < blocks.length; i++) {
    try {
      const kind = (blocks[i] as SuitAuthenticationBlock).kind;
      verified.push(await verifyBlock(kind, values[i] as CborValue, i, digestBytes, keys, o));
    } catch (e) {
      if (!isRotkitError(e)) throw e;
      if (failure === undefined) {
        failure = e;
        failedAt = blockWhere(i);
      }
      if (o.policy === "all") break;
    }
  }
  if (verified.length === 0 || (o.policy === "all" && verified.length !== blocks.length)) {
    const cause = failure as RotkitError | undefined;
    // The COSE layer names the structure, not the block: say which block the cause comes from.
    const why = cause ? (cause.message.startsWith(failedAt) ? cause.message : `${failedAt}: ${cause.message}`) : "";
    throw new RotkitError(
      "SUIT_AUTH_FAILED",
      `SUIT: ${o.policy === "all" ? "not every" : "no"} authentication block verifies${why ? `: ${why}` : ""}`,
      { at: "envelope/2", cause },
    );
  }
  return verified;
}
