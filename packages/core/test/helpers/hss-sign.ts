// A deterministic HSS/LMS signer (RFC 8554), for tests only: it makes HSS-LMS-signed COSE/SUIT test data and is
// checked against published vectors in ../hss-sign.test.ts. Nothing here is constant-time or keeps its state safe:
// never use it for real keys. SHA-256 parameter sets only (n = m = 32).
//
// Layout of the file follows the RFC: LM-OTS parameters (Appendix B), the checksum (Appendix C), pseudorandom key
// generation (Appendix A), LM-OTS public keys and signing (§4.3, §4.5 Algorithm 3), the LMS tree (§5.3) and LMS
// signature (§5.4.1), and finally the HSS key and signature (§6.1, §6.2).

import { concatBytes } from "../../src/bytes.js";
import { sha256 } from "../../src/crypto/sha256.js";

/** A stateful HSS test key: {@link HssTestKey.sign} uses the next leaf on every call. */
export interface HssTestKey {
  /** HSS public key (RFC 8554 §6.1): u32str(L) || the top-level LMS public key. */
  publicKey: Uint8Array;
  /** HSS signature (RFC 8554 §6.2) of `message`; advances the key state, throws when the key is exhausted. */
  sign(message: Uint8Array): Uint8Array;
}

/** SEED and I of one LMS tree. */
export interface LmsTreeSecret {
  seed: Uint8Array;
  identifier: Uint8Array;
}

export interface HssTestKeyOptions {
  /** One {lmsType, otsType} per HSS level, top level first (RFC 8554 §6). LMS types 5..9, LM-OTS types 1..4. */
  levels: { lmsType: number; otsType: number }[];
  /** SEED of the top-level tree, 32 bytes (RFC 8554 Appendix A). */
  seed: Uint8Array;
  /** I of the top-level tree, 16 bytes. */
  identifier: Uint8Array;
  /** First leaf index q of the top-level tree (default 0), to reproduce published vectors. */
  startQ?: number;
  /**
   * Randomizer C (32 bytes) of the LM-OTS signature made with leaf `q` of a tree at `level` (0 = top). Default: the
   * deterministic {@link defaultRandomizer}. A callback of just `(q) => …` is fine for one-level keys.
   */
  randomizer?: (q: number, level: number) => Uint8Array;
  /**
   * SEED and I of the tree created at `level` (1 = just below the top) whose public key the parent signs with its leaf
   * `parentQ`. Default: {@link deriveChildTree}. Only needed to reproduce published multi-level vectors, whose lower
   * trees were generated independently (RFC 8554 Appendix F Test Case 2).
   */
  childTree?: (level: number, parentQ: number, parent: LmsTreeSecret) => LmsTreeSecret;
}

const N = 32; // n = m = 32 for every SHA-256 parameter set
const ID_LENGTH = 16;

// §4.3 / §5.3 domain-separation constants.
const D_PBLC = 0x8080;
const D_MESG = 0x8181;
const D_LEAF = 0x8282;
const D_INTR = 0x8383;

// Values of the u16str(i) slot of Appendix A's H(I || u32str(q) || u16str(i) || u8str(0xff) || SEED) that this helper
// uses for its own derivations. Key-generation indices stay below p <= 265, so these never collide with an x_q[i].
const I_RANDOMIZER = 0xfffd;
const I_CHILD_SEED = 0xfffe;
const I_CHILD_ID = 0xffff;

// ---------------------------------------------------------------------------------------------------------------
// Byte strings (RFC 8554 §3.1.3)
// ---------------------------------------------------------------------------------------------------------------

function u32str(x: number): Uint8Array {
  return new Uint8Array([(x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff]);
}

function u16str(x: number): Uint8Array {
  return new Uint8Array([(x >>> 8) & 0xff, x & 0xff]);
}

// ---------------------------------------------------------------------------------------------------------------
// Parameter sets: RFC 8554 §4.1 Table 1 (LM-OTS) with p and ls computed as in Appendix B, §5.1 Table 2 (LMS)
// ---------------------------------------------------------------------------------------------------------------

interface OtsParams {
  type: number;
  /** Winternitz parameter: bits per digit. */
  w: number;
  /** Number of n-byte string elements in a signature. */
  p: number;
  /** Left shift of the checksum. */
  ls: number;
  /** Digits of the message hash Q: u = 8n / w. */
  u: number;
}

/** Appendix B: u = ceil(8n/w), v = ceil((floor(lg((2^w - 1) * u)) + 1) / w), ls = 16 - v*w, p = u + v. */
function otsParams(type: number): OtsParams {
  const w = ({ 1: 1, 2: 2, 3: 4, 4: 8 } as Record<number, number>)[type];
  if (w === undefined) throw new RangeError(`hss-sign: unsupported LM-OTS type ${type} (SHA-256 types 1..4 only)`);
  const u = Math.ceil((8 * N) / w);
  const lgFloor = 31 - Math.clz32(((1 << w) - 1) * u); // floor(lg x) of a positive integer
  const v = Math.ceil((lgFloor + 1) / w);
  return { type, w, p: u + v, ls: 16 - v * w, u };
}

/** Tree height h of an LMS type (Table 2). */
function lmsHeight(type: number): number {
  const h = ({ 5: 5, 6: 10, 7: 15, 8: 20, 9: 25 } as Record<number, number>)[type];
  if (h === undefined) throw new RangeError(`hss-sign: unsupported LMS type ${type} (SHA-256 types 5..9 only)`);
  return h;
}

// ---------------------------------------------------------------------------------------------------------------
// Appendix C: coef and the checksum
// ---------------------------------------------------------------------------------------------------------------

/** coef(S, i, w) (§3.1.3): the i-th w-bit digit of S, most significant first. */
function coef(s: Uint8Array, i: number, w: number): number {
  return ((1 << w) - 1) & (s[Math.floor((i * w) / 8)]! >> (8 - (w * (i % (8 / w)) + w)));
}

/** Cksm(S) = (sum of (2^w - 1) - coef(S, i, w) over the u digits of S) << ls. */
function checksum(s: Uint8Array, ots: OtsParams): number {
  let sum = 0;
  for (let i = 0; i < ots.u; i++) sum += (1 << ots.w) - 1 - coef(s, i, ots.w);
  return (sum << ots.ls) & 0xffff;
}

// ---------------------------------------------------------------------------------------------------------------
// Appendix A: pseudorandom key generation
// ---------------------------------------------------------------------------------------------------------------

/** H(I || u32str(q) || u16str(i) || u8str(0xff) || SEED): x_q[i] for i < p, this helper's own values above that. */
function prf(identifier: Uint8Array, q: number, i: number, seed: Uint8Array): Uint8Array {
  return sha256(concatBytes(identifier, u32str(q), u16str(i), new Uint8Array([0xff]), seed));
}

/**
 * The default randomizer: C = H(I || u32str(q) || u16str(0xfffd) || u8str(0xff) || SEED) of the signing tree, so a
 * signature depends only on the key, the leaf and the message.
 */
export function defaultRandomizer(tree: LmsTreeSecret, q: number): Uint8Array {
  return prf(tree.identifier, q, I_RANDOMIZER, tree.seed);
}

/**
 * The default SEED and I of a lower-level tree, derived from its parent's SEED and I and the parent leaf q that signs
 * it (so each parent leaf certifies its own child tree):
 *   SEED_child = H(I || u32str(q) || u16str(0xfffe) || u8str(0xff) || SEED)
 *   I_child    = first 16 bytes of H(I || u32str(q) || u16str(0xffff) || u8str(0xff) || SEED)
 * (This is this helper's own convention; hash-sigs and other implementations derive theirs differently.)
 */
export function deriveChildTree(parent: LmsTreeSecret, parentQ: number): LmsTreeSecret {
  return {
    seed: prf(parent.identifier, parentQ, I_CHILD_SEED, parent.seed),
    identifier: prf(parent.identifier, parentQ, I_CHILD_ID, parent.seed).slice(0, ID_LENGTH),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// LM-OTS (§4): the hash chain, public key (§4.3 Algorithm 1) and signing (§4.5 Algorithm 3)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Hash chain of §4.3/§4.5: tmp = H(I || u32str(q) || u16str(i) || u8str(j) || tmp) for j = from .. to-1. One 55-byte
 * buffer is reused for every step (key generation hashes ~15 times per element).
 */
function chain(identifier: Uint8Array, q: number, i: number, start: Uint8Array, from: number, to: number): Uint8Array {
  const buf = new Uint8Array(ID_LENGTH + 4 + 2 + 1 + N);
  buf.set(identifier, 0);
  buf.set(u32str(q), ID_LENGTH);
  buf.set(u16str(i), ID_LENGTH + 4);
  let tmp = start;
  for (let j = from; j < to; j++) {
    buf[ID_LENGTH + 6] = j;
    buf.set(tmp, ID_LENGTH + 7);
    tmp = sha256(buf);
  }
  return tmp;
}

/** Algorithm 1, the K part: K = H(I || u32str(q) || u16str(D_PBLC) || y[0] || ... || y[p-1]), y[i] = chain to 2^w - 1. */
function otsPublicK(tree: LmsTreeSecret, q: number, ots: OtsParams): Uint8Array {
  const ys: Uint8Array[] = [];
  for (let i = 0; i < ots.p; i++) {
    ys.push(chain(tree.identifier, q, i, prf(tree.identifier, q, i, tree.seed), 0, (1 << ots.w) - 1));
  }
  return sha256(concatBytes(tree.identifier, u32str(q), u16str(D_PBLC), ...ys));
}

/**
 * Algorithm 3: Q = H(I || u32str(q) || u16str(D_MESG) || C || message); y[i] = x_q[i] hashed a = coef(Q || Cksm(Q), i)
 * times; the signature is u32str(otstype) || C || y[0] || ... || y[p-1].
 */
function otsSign(tree: LmsTreeSecret, q: number, ots: OtsParams, c: Uint8Array, message: Uint8Array): Uint8Array {
  const hashQ = sha256(concatBytes(tree.identifier, u32str(q), u16str(D_MESG), c, message));
  const digits = concatBytes(hashQ, u16str(checksum(hashQ, ots)));
  const ys: Uint8Array[] = [];
  for (let i = 0; i < ots.p; i++) {
    ys.push(chain(tree.identifier, q, i, prf(tree.identifier, q, i, tree.seed), 0, coef(digits, i, ots.w)));
  }
  return concatBytes(u32str(ots.type), c, ...ys);
}

// ---------------------------------------------------------------------------------------------------------------
// LMS (§5): the Merkle tree (§5.3) and the LMS signature (§5.4.1)
// ---------------------------------------------------------------------------------------------------------------

/** One LMS tree with all its nodes computed up front (2^h LM-OTS public keys: keep h small). */
class LmsTree {
  readonly height: number;
  readonly ots: OtsParams;
  /** T[r] for r = 1 .. 2^(h+1) - 1 (index 0 unused). */
  private readonly nodes: Uint8Array[];
  /** u32str(type) || u32str(otstype) || I || T[1] (§5.3). */
  readonly publicKey: Uint8Array;

  constructor(
    readonly lmsType: number,
    otsType: number,
    readonly secret: LmsTreeSecret,
  ) {
    if (secret.seed.length !== N) throw new RangeError(`hss-sign: SEED must be ${N} bytes`);
    if (secret.identifier.length !== ID_LENGTH) throw new RangeError(`hss-sign: I must be ${ID_LENGTH} bytes`);
    this.height = lmsHeight(lmsType);
    this.ots = otsParams(otsType);
    const leaves = 2 ** this.height;
    const I = secret.identifier;
    this.nodes = new Array<Uint8Array>(2 * leaves);
    // T[r] = H(I || u32str(r) || u16str(D_LEAF) || OTS_PUB_HASH[r - 2^h])   for leaves, r >= 2^h
    for (let q = 0; q < leaves; q++) {
      const r = leaves + q;
      this.nodes[r] = sha256(concatBytes(I, u32str(r), u16str(D_LEAF), otsPublicK(secret, q, this.ots)));
    }
    // T[r] = H(I || u32str(r) || u16str(D_INTR) || T[2r] || T[2r+1])         for interior nodes, r < 2^h
    for (let r = leaves - 1; r >= 1; r--) {
      this.nodes[r] = sha256(concatBytes(I, u32str(r), u16str(D_INTR), this.nodes[2 * r]!, this.nodes[2 * r + 1]!));
    }
    this.publicKey = concatBytes(u32str(lmsType), u32str(otsType), I, this.nodes[1]!);
  }

  get leafCount(): number {
    return 2 ** this.height;
  }

  /**
   * §5.4.1: u32str(q) || lmots_signature || u32str(type) || path[0] || ... || path[h-1], where path[i] is the sibling
   * of the i-th node on the way from leaf 2^h + q up to the root: T[((2^h + q) >> i) ^ 1].
   */
  sign(q: number, c: Uint8Array, message: Uint8Array): Uint8Array {
    if (!Number.isInteger(q) || q < 0 || q >= this.leafCount) throw new RangeError(`hss-sign: leaf ${q} out of range`);
    if (c.length !== N) throw new RangeError(`hss-sign: randomizer C must be ${N} bytes`);
    const path: Uint8Array[] = [];
    for (let i = 0, r = this.leafCount + q; i < this.height; i++, r >>= 1) path.push(this.nodes[r ^ 1]!);
    return concatBytes(u32str(q), otsSign(this.secret, q, this.ots, c, message), u32str(this.lmsType), ...path);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HSS (§6): public key (§6.1) and stateful signing (§6.2)
// ---------------------------------------------------------------------------------------------------------------

/** One level of the hierarchy: its tree, its next unused leaf and the signature its parent made of its public key. */
interface Level {
  tree: LmsTree;
  nextQ: number;
  /** sig[i-1] of §6.2 (the parent's LMS signature of this tree's public key); empty for the top level. */
  parentSignature: Uint8Array;
}

/**
 * A deterministic, stateful HSS key for tests.
 *
 * levels: one {lmsType, otsType} per HSS level (RFC 8554 §6), SHA-256 parameter sets only (LMS types 5..9 = H5..H25,
 * use small heights in practice: every tree is computed in full when created; LM-OTS types 1..4 = W1..W8).
 * seed: 32 bytes, identifier I: 16 bytes, both of the top level. Keys are generated with RFC 8554 Appendix A's
 * pseudorandom method: x_q[i] = H(I || u32str(q) || u16str(i) || u8str(0xff) || SEED).
 * Lower-level trees get their SEED and I from {@link deriveChildTree} (parent SEED and I plus the parent leaf that
 * signs them) unless `childTree` says otherwise.
 * The signer is stateful: q increments per signature within the bottom tree; when a tree is exhausted the nearest
 * ancestor with a leaf left signs a fresh child tree and every tree below is re-created; it throws when the top tree
 * is exhausted too. Randomizer C of each LM-OTS signature: from the optional `randomizer` callback (q, level), else
 * {@link defaultRandomizer} (from that tree's SEED and I, and q).
 * startQ: optional first leaf index of the top-level tree (for reproducing published vectors).
 *
 * @example
 * ```ts
 * const key = hssTestKey({ levels: [{ lmsType: 5, otsType: 4 }], seed: new Uint8Array(32), identifier: new Uint8Array(16) });
 * const sig = key.sign(new TextEncoder().encode("hello")); // q = 0, then 1, ...
 * ```
 */
export function hssTestKey(opts: HssTestKeyOptions): HssTestKey {
  const {
    levels: params,
    randomizer,
    childTree = (_level, parentQ, parent) => deriveChildTree(parent, parentQ),
  } = opts;
  if (params.length < 1 || params.length > 8) throw new RangeError("hss-sign: HSS needs 1..8 levels (RFC 8554 §6.1)");
  const startQ = opts.startQ ?? 0;
  const top = new LmsTree(params[0]!.lmsType, params[0]!.otsType, { seed: opts.seed, identifier: opts.identifier });
  if (!Number.isInteger(startQ) || startQ < 0 || startQ >= top.leafCount) {
    throw new RangeError(`hss-sign: startQ ${startQ} outside the top tree's ${top.leafCount} leaves`);
  }
  /** stack[0] is the top tree, stack[L-1] the bottom tree that signs messages. */
  const stack: Level[] = [{ tree: top, nextQ: startQ, parentSignature: new Uint8Array(0) }];

  const randomizerFor = (level: number, q: number): Uint8Array => {
    const tree = stack[level]!.tree;
    const c = randomizer ? randomizer(q, level) : defaultRandomizer(tree.secret, q);
    if (!(c instanceof Uint8Array) || c.length !== N)
      throw new RangeError(`hss-sign: randomizer must return ${N} bytes`);
    return c;
  };

  /** Uses the next leaf of `level` to sign `message`. The caller has checked that a leaf is left. */
  const signWith = (level: number, message: Uint8Array): Uint8Array => {
    const entry = stack[level]!;
    const q = entry.nextQ++;
    return entry.tree.sign(q, randomizerFor(level, q), message);
  };

  /** (Re-)creates the tree at `level` (>= 1) under the next free leaf of its parent, which signs its public key. */
  const createChild = (level: number): void => {
    const parent = stack[level - 1]!;
    const { lmsType, otsType } = params[level]!;
    const tree = new LmsTree(lmsType, otsType, childTree(level, parent.nextQ, parent.tree.secret));
    stack[level] = { tree, nextQ: 0, parentSignature: new Uint8Array(0) };
    stack[level]!.parentSignature = signWith(level - 1, tree.publicKey);
  };

  for (let level = 1; level < params.length; level++) createChild(level);
  const publicKey = concatBytes(u32str(params.length), top.publicKey);

  return {
    publicKey,
    sign(message: Uint8Array): Uint8Array {
      const bottom = params.length - 1;
      // §6.2: when the bottom tree is used up, climb to the nearest level with a leaf left and rebuild below it.
      if (stack[bottom]!.nextQ >= stack[bottom]!.tree.leafCount) {
        let level = bottom - 1;
        while (level >= 0 && stack[level]!.nextQ >= stack[level]!.tree.leafCount) level--;
        if (level < 0) throw new Error("hss-sign: HSS key exhausted");
        for (let child = level + 1; child <= bottom; child++) createChild(child);
      }
      // u32str(Nspk) || sig[0] || pub[1] || ... || sig[Nspk-1] || pub[Nspk] || sig[Nspk], Nspk = L - 1.
      const signedPublicKeys: Uint8Array[] = [];
      for (let level = 1; level <= bottom; level++) {
        signedPublicKeys.push(stack[level]!.parentSignature, stack[level]!.tree.publicKey);
      }
      return concatBytes(u32str(bottom), ...signedPublicKeys, signWith(bottom, message));
    },
  };
}
