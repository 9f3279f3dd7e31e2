// The HSS/LMS verifier (src/crypto/lms.ts) against published signatures and a small test signer:
// - interop: RFC 8554 Appendix F Test Cases 1 and 2, the SHA-256/192 and SHAKE256 test cases of
//   draft-fluhrer-lms-more-parm-sets-11 (RFC 9858's parameter sets), and the COSE WG HSS-LMS examples
//   (test-vectors/hss-lms/, provenance in its README);
// - the parameter tables: p and ls as computed (RFC 8554 Appendix B) against the RFCs' tables;
// - negative cases: every header byte and a sample of the others flipped, truncations and extensions, Nspk ≠ L - 1,
//   q past the tree, wrong or forbidden typecodes, bad public keys, random bytes (fast-check);
// - a test signer (bottom of this file, node:crypto SHA-256 and noble's SHAKE256, independent of the verifier's hash
//   code) for what no published vector covers: w = 1 and 2, every height, L up to 8 with mixed parameter sets, and
//   messages across the SHA-256 block boundaries of the streamed message hash.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { shake256 } from "@noble/hashes/sha3.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex, utf8Encode } from "../src/bytes.js";
import {
  hssVerify,
  type LmotsParams,
  type LmsParams,
  lmotsParams,
  lmsParams,
  parseHssPublicKey,
} from "../src/crypto/lms.js";
import { RotkitError } from "../src/errors.js";

const DIR = join(import.meta.dirname, "../../../test-vectors/hss-lms");

interface Vector {
  id: string;
  publicKey: string;
  message: string;
  signature: string;
  expect: "valid";
}

function load(file: string): Vector[] {
  return (JSON.parse(readFileSync(join(DIR, file), "utf8")) as { cases: Vector[] }).cases;
}

const RFC8554 = load("rfc8554-appendix-f.json");
const MORE_PARM_SETS = load("lms-more-parm-sets.json");
const COSE_WG = load("cose-wg-hashsig.json");
const ALL = [...RFC8554, ...MORE_PARM_SETS, ...COSE_WG];

function bytesOf(v: Vector) {
  return { pub: fromHex(v.publicKey), msg: fromHex(v.message), sig: fromHex(v.signature) };
}

const TC1 = bytesOf(RFC8554[0] as Vector);
const TC2 = bytesOf(RFC8554[1] as Vector);

/** The RotkitError code `fn` throws, or "OK"; any other exception fails the test. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof RotkitError)) throw e;
    return e.code;
  }
  return "OK";
}

function u32str(x: number): Uint8Array {
  return new Uint8Array([x >>> 24, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff]);
}

function withU32(bytes: Uint8Array, at: number, v: number): Uint8Array {
  const out = bytes.slice();
  out.set(u32str(v), at);
  return out;
}

function flip(bytes: Uint8Array, at: number, mask: number): Uint8Array {
  const out = bytes.slice();
  out[at] = (out[at] as number) ^ mask;
  return out;
}

/** hssVerify that must not throw for a malformed signature: returns its boolean. */
function verifies(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  let result: boolean | undefined;
  expect(() => {
    result = hssVerify(pub, msg, sig);
  }).not.toThrow();
  return result as boolean;
}

// RFC 8554 §4.1 Table 1 (types 1..4) and RFC 9858's LM-OTS table (5..16): hash, n, w, p, ls.
const LMOTS_TABLE: [number, "SHA-256" | "SHAKE256", number, number, number, number][] = [
  [1, "SHA-256", 32, 1, 265, 7],
  [2, "SHA-256", 32, 2, 133, 6],
  [3, "SHA-256", 32, 4, 67, 4],
  [4, "SHA-256", 32, 8, 34, 0],
  [5, "SHA-256", 24, 1, 200, 8],
  [6, "SHA-256", 24, 2, 101, 6],
  [7, "SHA-256", 24, 4, 51, 4],
  [8, "SHA-256", 24, 8, 26, 0],
  [9, "SHAKE256", 32, 1, 265, 7],
  [10, "SHAKE256", 32, 2, 133, 6],
  [11, "SHAKE256", 32, 4, 67, 4],
  [12, "SHAKE256", 32, 8, 34, 0],
  [13, "SHAKE256", 24, 1, 200, 8],
  [14, "SHAKE256", 24, 2, 101, 6],
  [15, "SHAKE256", 24, 4, 51, 4],
  [16, "SHAKE256", 24, 8, 26, 0],
];

// RFC 8554 §5.1 Table 2 (types 5..9) and RFC 9858's LMS table (10..24): hash, m, h.
const LMS_TABLE: [number, "SHA-256" | "SHAKE256", number, number][] = [];
for (const [base, hash, m] of [
  [5, "SHA-256", 32],
  [10, "SHA-256", 24],
  [15, "SHAKE256", 32],
  [20, "SHAKE256", 24],
] as const) {
  [5, 10, 15, 20, 25].forEach((h, i) => {
    LMS_TABLE.push([base + i, hash, m, h]);
  });
}

/** Byte length of an LMS signature (RFC 8554 §5.4: u32 q, LM-OTS signature, u32 type, h path nodes). */
function lmsSignatureLength(lmsType: number, otsType: number): number {
  const lms = lmsParams(lmsType) as { n: number; h: number };
  const ots = lmotsParams(otsType) as { n: number; p: number };
  return 12 + ots.n * (ots.p + 1) + lms.h * lms.n;
}

/** Offsets of the parts parsed before any hashing: Nspk, each level's q and typecodes, each signed key's typecodes. */
function headerPositions(pub: Uint8Array, sig: Uint8Array): number[] {
  const key = parseHssPublicKey(pub);
  const view = new DataView(sig.buffer, sig.byteOffset, sig.byteLength);
  const at = [0, 1, 2, 3];
  let off = 4;
  let lms = key.lms;
  let ots = key.lmots;
  for (let level = 0; level < key.levels; level++) {
    const typeAt = off + 8 + ots.n * (ots.p + 1);
    for (let k = 0; k < 8; k++) at.push(off + k, typeAt + (k % 4));
    off = typeAt + 4 + lms.h * lms.n;
    if (level + 1 < key.levels) {
      lms = lmsParams(view.getUint32(off)) as LmsParams;
      ots = lmotsParams(view.getUint32(off + 4)) as LmotsParams;
      for (let k = 0; k < 9; k++) at.push(off + k); // both typecodes and the first byte of I
      off += 24 + lms.n;
    }
  }
  at.push(sig.length - 1);
  return [...new Set(at)];
}

describe("HSS/LMS parameter sets", () => {
  it("computes LM-OTS p and ls (RFC 8554 Appendix B) equal to RFC 8554 Table 1 and RFC 9858's table", () => {
    for (const [type, hash, n, w, p, ls] of LMOTS_TABLE) {
      expect(lmotsParams(type), `LM-OTS type ${type}`).toEqual({ type, hash, n, w, p, ls });
    }
    for (const type of [0, 17, -1, 1.5, Number.NaN, 2 ** 32 + 1, 0xffffffff]) expect(lmotsParams(type)).toBeUndefined();
  });

  it("maps LMS typecodes to the hash, m and h of RFC 8554 Table 2 and RFC 9858's table", () => {
    expect(LMS_TABLE).toHaveLength(20);
    for (const [type, hash, n, h] of LMS_TABLE)
      expect(lmsParams(type), `LMS type ${type}`).toEqual({ type, hash, n, h });
    for (const type of [0, 1, 4, 25, 26, -5, 5.5, Number.NaN, 0xffffffff]) expect(lmsParams(type)).toBeUndefined();
  });
});

describe("HSS/LMS published vectors", () => {
  it("has the vectors it expects", () => {
    expect(ALL.map((v) => v.id)).toEqual([
      "rfc8554-appendix-f-test-case-1",
      "rfc8554-appendix-f-test-case-2",
      "lms-more-parm-sets-test-case-1-sha256-192",
      "lms-more-parm-sets-test-case-2-shake256-192",
      "lms-more-parm-sets-test-case-3-shake256-256",
      "cose-wg-hashsig-01",
      "cose-wg-hsssig-sig-01",
    ]);
  });

  for (const v of ALL) {
    it(`${v.id}: verifies, and not for another message`, () => {
      const { pub, msg, sig } = bytesOf(v);
      expect(v.expect).toBe("valid");
      expect(hssVerify(pub, msg, sig)).toBe(true);
      expect(hssVerify(pub, flip(msg, msg.length - 1, 0x01), sig)).toBe(false);
      expect(hssVerify(pub, flip(msg, 0, 0x80), sig)).toBe(false);
      expect(hssVerify(pub, msg.subarray(0, msg.length - 1), sig)).toBe(false);
      expect(hssVerify(pub, concatBytes(msg, new Uint8Array(1)), sig)).toBe(false);
      expect(hssVerify(pub, new Uint8Array(0), sig)).toBe(false);
    });
  }

  it("parses the RFC 8554 Test Case 1 public key", () => {
    const key = parseHssPublicKey(TC1.pub);
    expect(key.levels).toBe(2);
    expect(key.lms).toEqual({ type: 5, hash: "SHA-256", n: 32, h: 5 });
    expect(key.lmots).toEqual({ type: 4, hash: "SHA-256", n: 32, w: 8, p: 34, ls: 0 });
    expect(toHex(key.identifier)).toBe("61a5d57d37f5e46bfb7520806b07a1b8");
    expect(toHex(key.root)).toBe("50650e3b31fe4a773ea29a07f09cf2ea30e579f0df58ef8e298da0434cb2b878");
    const shake = parseHssPublicKey(fromHex((MORE_PARM_SETS[1] as Vector).publicKey));
    expect(shake.lms).toEqual({ type: 20, hash: "SHAKE256", n: 24, h: 5 });
    expect(shake.lmots).toEqual({ type: 16, hash: "SHAKE256", n: 24, w: 8, p: 26, ls: 0 });
    expect(shake.root).toHaveLength(24);
  });

  it("verifies each level of RFC 8554 Test Case 2 as a one-level HSS signature (§6.3: L = 1 is plain LMS)", () => {
    const top = lmsSignatureLength(6, 3);
    const level0 = TC2.sig.subarray(4, 4 + top);
    const pub1 = TC2.sig.subarray(4 + top, 4 + top + 56);
    const level1 = TC2.sig.subarray(4 + top + 56);
    const oneLevel = concatBytes(u32str(1), TC2.pub.subarray(4));
    expect(hssVerify(oneLevel, pub1, concatBytes(u32str(0), level0))).toBe(true);
    expect(hssVerify(concatBytes(u32str(1), pub1), TC2.msg, concatBytes(u32str(0), level1))).toBe(true);
    // The top tree's valid signature of pub1 is no HSS signature under the two-level key: Nspk must be L - 1.
    expect(hssVerify(TC2.pub, pub1, concatBytes(u32str(0), level0))).toBe(false);
    expect(hssVerify(TC2.pub, TC2.msg, concatBytes(u32str(1), level0, pub1, level0))).toBe(false);
  });
});

describe("HSS/LMS negative cases", () => {
  it("returns false, never throws, for each header byte and every 37th byte of every vector flipped", () => {
    for (const v of ALL) {
      const { pub, msg, sig } = bytesOf(v);
      const heads = headerPositions(pub, sig);
      for (const at of heads) {
        for (const mask of [0x01, 0x80, 0xff])
          expect(verifies(pub, msg, flip(sig, at, mask)), `${v.id} @${at}`).toBe(false);
      }
      for (let at = 5; at < sig.length; at += 37)
        expect(verifies(pub, msg, flip(sig, at, 0x04)), `${v.id} @${at}`).toBe(false);
    }
  });

  it("returns false for every byte of the COSE WG signature flipped", () => {
    const { pub, msg, sig } = bytesOf(COSE_WG[0] as Vector);
    for (let at = 0; at < sig.length; at++) expect(verifies(pub, msg, flip(sig, at, 0x10)), `@${at}`).toBe(false);
  });

  it("returns false for truncated and extended signatures", () => {
    for (const v of ALL) {
      const { pub, msg, sig } = bytesOf(v);
      const cuts = new Set([0, 1, 3, 4, 5, 8, 11, 12, 13, sig.length - 1, sig.length - 4, sig.length - 32]);
      for (let n = 0; n < sig.length; n += 53) cuts.add(n);
      for (const n of cuts) expect(verifies(pub, msg, sig.subarray(0, n)), `${v.id} cut to ${n}`).toBe(false);
      for (const extra of [new Uint8Array(1), new Uint8Array(4), new Uint8Array(32), sig]) {
        expect(verifies(pub, msg, concatBytes(sig, extra)), `${v.id} + ${extra.length}`).toBe(false);
      }
    }
  });

  it("returns false when Nspk is not L - 1 (RFC 8554 §6.3)", () => {
    for (const levels of [1, 3, 8]) expect(verifies(withU32(TC1.pub, 0, levels), TC1.msg, TC1.sig)).toBe(false);
    for (const nspk of [0, 2, 7, 8, 0x7fffffff, 0xffffffff]) {
      expect(verifies(TC1.pub, TC1.msg, withU32(TC1.sig, 0, nspk))).toBe(false);
    }
  });

  it("returns false for q at or past 2^h, at either level (RFC 8554 §5.4.2 Algorithm 6a)", () => {
    const level1 = 4 + lmsSignatureLength(5, 4) + 56;
    for (const at of [4, level1]) {
      for (const q of [32, 33, 2 ** 25, 2 ** 31, 0xffffffff])
        expect(verifies(TC1.pub, TC1.msg, withU32(TC1.sig, at, q))).toBe(false);
    }
    const cose = bytesOf(COSE_WG[0] as Vector); // h = 10
    for (const q of [1024, 0xffffffff]) expect(verifies(cose.pub, cose.msg, withU32(cose.sig, 4, q))).toBe(false);
  });

  it("returns false when a signature's typecodes differ from its key's, or a signed key has unknown ones", () => {
    // TC1: Nspk, then level 0's LMS signature (q, LM-OTS type at 8, LMS type at 4 + 8 + 32 * 35), then pub[1].
    const lmsTypeAt = 4 + 8 + 32 * 35;
    const pub1 = 4 + lmsSignatureLength(5, 4);
    for (const type of [0, 1, 3, 12, 17, 0xffffffff]) {
      expect(verifies(TC1.pub, TC1.msg, withU32(TC1.sig, 8, type)), `LM-OTS ${type}`).toBe(false);
      expect(verifies(TC1.pub, TC1.msg, withU32(TC1.sig, pub1 + 4, type)), `signed LM-OTS ${type}`).toBe(false);
    }
    for (const type of [0, 4, 6, 10, 25, 0xffffffff]) {
      expect(verifies(TC1.pub, TC1.msg, withU32(TC1.sig, lmsTypeAt, type)), `LMS ${type}`).toBe(false);
      expect(verifies(TC1.pub, TC1.msg, withU32(TC1.sig, pub1, type)), `signed LMS ${type}`).toBe(false);
    }
  });

  it("returns false for random byte strings and random splices (fast-check)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (sig) => {
        expect(verifies(TC1.pub, TC1.msg, sig)).toBe(false);
      }),
      { numRuns: 500 },
    );
    // Random tails after a well-formed start reach the per-level parsing.
    fc.assert(
      fc.property(fc.integer({ min: 4, max: TC1.sig.length }), fc.uint8Array({ maxLength: 3000 }), (keep, tail) => {
        const sig = concatBytes(TC1.sig.subarray(0, keep), tail);
        // Keeping it all and adding nothing (or exactly what was cut) is the published signature itself.
        const same = sig.length === TC1.sig.length && sig.every((b, k) => b === TC1.sig[k]);
        expect(verifies(TC1.pub, TC1.msg, sig)).toBe(same);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat(TC2.sig.length - 1), fc.uint8Array({ minLength: 1, maxLength: 64 }), (at, bytes) => {
        const sig = TC2.sig.slice();
        const patch = bytes.subarray(0, sig.length - at);
        sig.set(patch, at);
        const same = patch.every((b, k) => b === TC2.sig[at + k]);
        expect(verifies(TC2.pub, TC2.msg, sig)).toBe(same);
      }),
      { numRuns: 100 },
    );
  });

  it("returns false for a signature that is not a Uint8Array, and rejects a message that is not one", () => {
    for (const bad of [undefined, null, "00", [0, 0, 0, 1], new ArrayBuffer(8), new Uint16Array(4)]) {
      expect(verifies(TC1.pub, TC1.msg, bad as unknown as Uint8Array)).toBe(false);
    }
    expect(codeOf(() => hssVerify(TC1.pub, "hello" as unknown as Uint8Array, TC1.sig))).toBe("INVALID_ARGUMENT");
  });
});

describe("HSS public keys", () => {
  const keyCode = (pub: Uint8Array) => codeOf(() => parseHssPublicKey(pub));

  it("throws CRYPTO_INVALID_KEY for a wrong length or L outside 1..8, also from hssVerify", () => {
    for (const n of [0, 3, 4, 11, 12, 27, 59, 61]) {
      const pub = concatBytes(TC1.pub, new Uint8Array(8)).subarray(0, n);
      expect(keyCode(pub), `length ${n}`).toBe("CRYPTO_INVALID_KEY");
      expect(codeOf(() => hssVerify(pub, TC1.msg, TC1.sig))).toBe("CRYPTO_INVALID_KEY");
    }
    const short24 = fromHex((MORE_PARM_SETS[0] as Vector).publicKey);
    expect(keyCode(concatBytes(short24, new Uint8Array(8)))).toBe("CRYPTO_INVALID_KEY"); // a 32-byte root for m = 24
    for (const levels of [0, 9, 0x100, 0xffffffff]) {
      expect(keyCode(withU32(TC1.pub, 0, levels)), `L = ${levels}`).toBe("CRYPTO_INVALID_KEY");
      expect(codeOf(() => hssVerify(withU32(TC1.pub, 0, levels), TC1.msg, TC1.sig))).toBe("CRYPTO_INVALID_KEY");
    }
    for (const levels of [1, 8]) expect(keyCode(withU32(TC1.pub, 0, levels))).toBe("OK");
  });

  it("throws CRYPTO_UNSUPPORTED_ALG for an unknown LMS or LM-OTS typecode", () => {
    for (const type of [0, 1, 4, 25, 0x80000005, 0xffffffff]) {
      expect(keyCode(withU32(TC1.pub, 4, type)), `LMS ${type}`).toBe("CRYPTO_UNSUPPORTED_ALG");
      expect(codeOf(() => hssVerify(withU32(TC1.pub, 4, type), TC1.msg, TC1.sig))).toBe("CRYPTO_UNSUPPORTED_ALG");
    }
    for (const type of [0, 17, 0x100, 0xffffffff]) {
      expect(keyCode(withU32(TC1.pub, 8, type)), `LM-OTS ${type}`).toBe("CRYPTO_UNSUPPORTED_ALG");
    }
  });

  it("throws CRYPTO_INVALID_KEY for an LMS/LM-OTS pair with different hashes (SP 800-208: one hash, m = n)", () => {
    // Root lengths fit the LMS type, so only the pairing is wrong.
    for (const [lms, ots] of [
      [5, 9], // SHA-256 tree, SHAKE256 chains
      [5, 5], // m = 32, n = 24
      [10, 1],
      [15, 1],
      [20, 8], // SHAKE256/192 tree, SHA-256/192 chains
      [20, 10],
    ]) {
      const m = (lmsParams(lms as number) as { n: number }).n;
      const pub = concatBytes(u32str(1), u32str(lms as number), u32str(ots as number), new Uint8Array(16 + m));
      expect(keyCode(pub), `${lms}/${ots}`).toBe("CRYPTO_INVALID_KEY");
    }
  });

  it("never throws anything but those two codes for random keys (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 26 }),
        fc.integer({ min: 0, max: 18 }),
        fc.uint8Array({ maxLength: 64 }),
        (levels, lms, ots, rest) => {
          const pub = concatBytes(u32str(levels), u32str(lms), u32str(ots), rest);
          expect(["OK", "CRYPTO_INVALID_KEY", "CRYPTO_UNSUPPORTED_ALG"]).toContain(keyCode(pub));
          for (let cut = 0; cut < pub.length; cut += 7) {
            expect(["OK", "CRYPTO_INVALID_KEY", "CRYPTO_UNSUPPORTED_ALG"]).toContain(keyCode(pub.subarray(0, cut)));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("HSS/LMS generated signatures (test signer)", () => {
  it("verifies every LMS height with every LM-OTS width of the same hash (80 pairs), at the last leaf", () => {
    for (const [lmsType, hash, m, h] of LMS_TABLE) {
      for (const [otsType] of LMOTS_TABLE.filter(([, oh, n]) => oh === hash && n === m)) {
        const key = testHssKey([{ lmsType, otsType, q: 2 ** h - 1 }], `pair ${lmsType}/${otsType}`);
        const msg = new Uint8Array([lmsType, otsType]);
        const sig = key.sign(msg);
        expect(sig.length).toBe(4 + lmsSignatureLength(lmsType, otsType));
        expect(hssVerify(key.pub, msg, sig), `${lmsType}/${otsType}`).toBe(true);
        expect(hssVerify(key.pub, new Uint8Array([lmsType, otsType ^ 1]), sig)).toBe(false);
      }
    }
  });

  it("verifies messages of every length from 0 to 200 bytes and of 1 MiB (the streamed SHA-256 message hash)", () => {
    for (const [lmsType, otsType, lengths] of [
      [5, 3, 201], // prefix I || q || D_MESG || C of 54 bytes: block boundaries at 10, 74, 138 message bytes
      [10, 7, 201], // 46 bytes: 18, 82, 146
      [15, 11, 40],
    ] as const) {
      const key = testHssKey([{ lmsType, otsType, q: 3 }], `lengths ${lmsType}`);
      for (let n = 0; n < lengths; n++) {
        const msg = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
        expect(hssVerify(key.pub, msg, key.sign(msg)), `${lmsType}/${otsType} length ${n}`).toBe(true);
      }
      const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 0xff);
      const sig = key.sign(big);
      expect(hssVerify(key.pub, big, sig)).toBe(true);
      expect(hssVerify(key.pub, flip(big, 1 << 19, 1), sig)).toBe(false);
      expect(hssVerify(key.pub, big.subarray(1), sig)).toBe(false);
    }
  });

  it("verifies HSS with 1 to 8 levels, each level its own parameter sets (SHA-256 and SHAKE256 mixed)", () => {
    const pairs = [
      [5, 4],
      [10, 7],
      [15, 11],
      [20, 14],
      [6, 2],
      [11, 5],
      [16, 9],
      [21, 15],
    ] as const;
    for (let levels = 1; levels <= 8; levels++) {
      const key = testHssKey(
        pairs.slice(0, levels).map(([lmsType, otsType], i) => ({ lmsType, otsType, q: i })),
        `levels ${levels}`,
      );
      const msg = new Uint8Array([0x4c, levels]);
      const sig = key.sign(msg);
      expect(hssVerify(key.pub, msg, sig), `L = ${levels}`).toBe(true);
      expect(hssVerify(key.pub, new Uint8Array([0x4c, levels + 1]), sig)).toBe(false);
      if (levels < 8) expect(verifies(withU32(key.pub, 0, levels + 1), msg, sig)).toBe(false);
      if (levels > 1) expect(verifies(withU32(key.pub, 0, levels - 1), msg, sig)).toBe(false);
    }
  });

  it("returns false for a signed lower-level key that pairs hashes SP 800-208 forbids", () => {
    for (const [lmsType, otsType] of [
      [5, 9], // SHA-256 tree over SHAKE256 chains: same lengths
      [15, 1], // and the other way round
      [5, 5], // m = 32 over n = 24
      [10, 1], // m = 24 over n = 32
    ] as const) {
      const key = testHssKey(
        [
          { lmsType: 5, otsType: 3, q: 1 },
          { lmsType, otsType, q: 2 },
        ],
        `forbidden ${lmsType}/${otsType}`,
      );
      const msg = new Uint8Array([lmsType, otsType]);
      const sig = key.sign(msg);
      // Every hash in it is right: only the pairing makes it invalid.
      expect(verifies(key.pub, msg, sig), `${lmsType}/${otsType}`).toBe(false);
    }
  });
});

describe("lms.ts is device code", () => {
  it("uses no Node built-in, Buffer or text codec", () => {
    const src = readFileSync(join(import.meta.dirname, "../src/crypto/lms.ts"), "utf8");
    for (const banned of ["node:", "Buffer", "TextEncoder", "TextDecoder", "process.", "require("]) {
      expect(src.includes(banned), banned).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Test signer. Each LMS key is made for the one leaf q it signs with: the LM-OTS key pair of that leaf (RFC 8554
// §4.3, with Appendix A's pseudorandom x values), random authentication-path nodes, and the root those give
// (§5.4.2's walk). A verifier cannot tell that from a full tree, and it makes every height cheap. The LMS tree and the
// LM-OTS chains use their own type's hash, so forbidden pairings can be built too. Hashes: node:crypto's SHA-256 and
// @noble/hashes' SHAKE256, neither the code under test.
// ---------------------------------------------------------------------------------------------------------------

type Hash = "SHA-256" | "SHAKE256";

function hashN(hash: Hash, n: number, ...parts: Uint8Array[]): Uint8Array {
  const data = concatBytes(...parts);
  if (hash === "SHAKE256") return shake256(data, { dkLen: n });
  return new Uint8Array(createHash("sha256").update(data).digest()).subarray(0, n);
}

const u16str = (x: number) => new Uint8Array([x >>> 8, x & 0xff]);

/** coef(S, i, w) of RFC 8554 §3.1.3, as written there. */
function coef(s: Uint8Array, i: number, w: number): number {
  return (2 ** w - 1) & ((s[Math.floor((i * w) / 8)] as number) >> (8 - (w * (i % (8 / w)) + w)));
}

interface TestLevel {
  lmsType: number;
  otsType: number;
  q: number;
}

interface TestLmsKey {
  pub: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

function testLmsKey({ lmsType, otsType, q }: TestLevel, label: string): TestLmsKey {
  const [, lmsHash, m, h] = LMS_TABLE.find(([t]) => t === lmsType) as (typeof LMS_TABLE)[number];
  const [, otsHash, n, w, p, ls] = LMOTS_TABLE.find(([t]) => t === otsType) as (typeof LMOTS_TABLE)[number];
  const seed = hashN("SHA-256", 32, new Uint8Array([1]), utf8Encode(label));
  const I = hashN("SHA-256", 16, new Uint8Array([2]), seed);
  const qs = u32str(q);
  const H = (...parts: Uint8Array[]) => hashN(otsHash, n, ...parts);
  // Appendix A: x_q[i] = H(I || u32str(q) || u16str(i) || u8str(0xff) || SEED).
  const x = Array.from({ length: p }, (_, i) => H(I, qs, u16str(i), new Uint8Array([0xff]), seed));
  const chain = (i: number, start: Uint8Array, from: number, to: number) => {
    let tmp = start;
    for (let j = from; j < to; j++) tmp = H(I, qs, u16str(i), new Uint8Array([j]), tmp);
    return tmp;
  };
  const max = 2 ** w - 1;
  // §4.3 Algorithm 1: K = H(I || u32str(q) || u16str(D_PBLC) || y[0] || ... || y[p-1]).
  const K = H(I, qs, u16str(0x8080), ...x.map((xi, i) => chain(i, xi, 0, max)));
  const path = Array.from({ length: h }, (_, i) => hashN(lmsHash, m, new Uint8Array([3, i]), seed));
  let node = 2 ** h + q;
  let root = hashN(lmsHash, m, I, u32str(node), u16str(0x8282), K);
  for (const sibling of path) {
    const pair = node % 2 === 1 ? [sibling, root] : [root, sibling];
    node = Math.floor(node / 2);
    root = hashN(lmsHash, m, I, u32str(node), u16str(0x8383), ...(pair as [Uint8Array, Uint8Array]));
  }
  return {
    pub: concatBytes(u32str(lmsType), u32str(otsType), I, root),
    sign(message) {
      // §4.5 Algorithm 3 with a deterministic C, then §5.4.1's LMS signature.
      const C = H(new Uint8Array([4]), seed, message);
      const Q = H(I, qs, u16str(0x8181), C, message);
      let sum = 0;
      for (let i = 0; i < (8 * n) / w; i++) sum += max - coef(Q, i, w);
      const V = concatBytes(Q, u16str((sum << ls) & 0xffff));
      const y = x.map((xi, i) => chain(i, xi, 0, coef(V, i, w)));
      return concatBytes(qs, u32str(otsType), C, ...y, u32str(lmsType), ...path);
    },
  };
}

/** RFC 8554 §6.1 / §6.2: the HSS key over the levels, and signatures u32str(L-1) || signed keys || last signature. */
function testHssKey(levels: TestLevel[], label: string): { pub: Uint8Array; sign(message: Uint8Array): Uint8Array } {
  const keys = levels.map((level, i) => testLmsKey(level, `${label}/${i}`));
  return {
    pub: concatBytes(u32str(levels.length), (keys[0] as TestLmsKey).pub),
    sign(message) {
      const parts: Uint8Array[] = [u32str(levels.length - 1)];
      for (let i = 0; i + 1 < keys.length; i++) {
        const next = (keys[i + 1] as TestLmsKey).pub;
        parts.push((keys[i] as TestLmsKey).sign(next), next);
      }
      parts.push((keys[keys.length - 1] as TestLmsKey).sign(message));
      return concatBytes(...parts);
    },
  };
}
