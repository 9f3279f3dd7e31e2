import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CBOR_CURSOR_MAX_BYTES,
  CborCursor,
  type CborValue,
  canonicalKeyAfter,
  decodeCbor,
  encodeCbor,
  fromHex,
  readWithCursor,
} from "../src/index.js";
import { singleByteMutations, truncations } from "./helpers/mutate.js";

// CborCursor is the base of the fast paths: whatever it reads must be exactly what decodeCbor reads, and it must
// give up (never throw, never accept) on everything outside its subset. A generic reader built on it here is
// compared with decodeCbor on generated values and on every mutant of them.

/** Any item the cursor covers: ints, byte and ASCII text strings, booleans, arrays, maps with int or text keys. */
function anyItem(c: CborCursor, depth: number): CborValue {
  if (depth > 8) CborCursor.giveUp();
  switch (c.major()) {
    case 0:
    case 1:
      return c.int();
    case 2:
      return c.bytes();
    case 3:
      return c.text();
    case 4: {
      const n = c.arg(4);
      const out: CborValue[] = [];
      for (let i = 0; i < n; i++) out.push(anyItem(c, depth + 1));
      return out;
    }
    case 5: {
      const n = c.arg(5);
      const out = new Map<CborValue, CborValue>();
      let ps = -1;
      let pe = -1;
      for (let i = 0; i < n; i++) {
        const ks = c.pos;
        const k = c.major() === 3 ? c.text() : c.int();
        // Canonical order also excludes duplicates, so the Map cannot silently lose an entry.
        if (!canonicalKeyAfter(c.b, ps, pe, ks, c.pos)) CborCursor.giveUp();
        ps = ks;
        pe = c.pos;
        out.set(k, anyItem(c, depth + 1));
      }
      return out;
    }
    default:
      return c.bool();
  }
}

const readAny = (bytes: Uint8Array) => readWithCursor(bytes, (c) => anyItem(c, 0));

function sameAsDecoder(bytes: Uint8Array): boolean {
  const fast = readAny(bytes);
  if (fast === undefined) return false;
  expect(decodeCbor(bytes, { requireDeterministic: true })).toEqual(fast);
  return true;
}

describe("CborCursor", () => {
  it("reads the documented example and gives up on any other shape", () => {
    const read = (c: CborCursor) => {
      if (c.arg(4) !== 2) CborCursor.giveUp();
      return { n: c.uint(), bytes: c.bytes() };
    };
    expect(readWithCursor(fromHex("820a43010203"), read)).toEqual({ n: 10, bytes: Uint8Array.of(1, 2, 3) });
    expect(readWithCursor(fromHex("830a4301020300"), read)).toBeUndefined(); // three items
    expect(readWithCursor(fromHex("820a4301020300"), read)).toBeUndefined(); // a trailing byte
    expect(readWithCursor(fromHex("820a430102"), read)).toBeUndefined(); // truncated
  });

  it("gives up outside its subset: long heads, indefinite lengths, big integers, non-ASCII, large inputs", () => {
    expect(readAny(fromHex("1817"))).toBeUndefined(); // 23 in a two-byte head (not preferred)
    expect(readAny(fromHex("190017"))).toBeUndefined();
    expect(readAny(fromHex("1a0000ffff"))).toBeUndefined();
    expect(readAny(fromHex("1b00000000ffffffff"))).toBeUndefined();
    expect(readAny(fromHex("1b0020000000000000"))).toBeUndefined(); // 2^53: not a safe integer
    expect(readAny(fromHex("3b001fffffffffffff"))).toBeUndefined(); // -2^53: not a safe integer
    expect(readAny(fromHex("9f01ff"))).toBeUndefined(); // indefinite array
    expect(readAny(fromHex("5f4101ff"))).toBeUndefined(); // indefinite bstr
    expect(readAny(fromHex("62c3a9"))).toBeUndefined(); // "é": valid UTF-8, not ASCII
    expect(readAny(fromHex("1c"))).toBeUndefined(); // reserved additional information
    expect(readAny(fromHex("a20a000a01"))).toBeUndefined(); // duplicate key (rejected by the order check)
    expect(readAny(fromHex("a20b000a01"))).toBeUndefined(); // keys out of order
    const big = new Uint8Array(CBOR_CURSOR_MAX_BYTES + 1);
    big.set(fromHex("5a00010000"));
    expect(readAny(big)).toBeUndefined();
    // Still inside: the largest safe integers, preferred heads of each width.
    expect(readAny(fromHex("1b001fffffffffffff"))).toBe(2 ** 53 - 1);
    expect(readAny(fromHex("3b001ffffffffffffe"))).toBe(-(2 ** 53) + 1);
    expect(readAny(fromHex("1a00010000"))).toBe(65536);
  });

  it("orders keys as RFC 8949 §4.2.1 does", () => {
    const b = fromHex("0a18ff61616162");
    expect(canonicalKeyAfter(b, -1, -1, 0, 1)).toBe(true);
    expect(canonicalKeyAfter(b, 0, 1, 1, 3)).toBe(true);
    expect(canonicalKeyAfter(b, 1, 3, 0, 1)).toBe(false);
    expect(canonicalKeyAfter(b, 0, 1, 0, 1)).toBe(false); // equal: a duplicate
    expect(canonicalKeyAfter(b, 3, 5, 5, 7)).toBe(true); // "a" < "b"
  });

  it("reads what decodeCbor reads on generated values, and accepts nothing decodeCbor refuses among mutants", () => {
    const ascii = fc.string({
      unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      maxLength: 70,
    });
    const leaf = fc.oneof(
      fc.maxSafeInteger(),
      fc.integer({ min: -30, max: 300 }),
      fc.uint8Array({ maxLength: 40 }),
      ascii,
      fc.string({ maxLength: 4 }),
      fc.boolean(),
    );
    const value = fc.letrec((tie) => ({
      item: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("map")),
      array: fc.array(tie("item"), { maxLength: 4 }),
      map: fc
        .array(fc.tuple(fc.oneof(fc.integer({ min: -300, max: 300 }), ascii), tie("item")), { maxLength: 4 })
        .map((es) => new Map(es)),
    })).item;
    let taken = 0;
    let mutantsTaken = 0;
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeCbor(v as CborValue);
        if (sameAsDecoder(bytes)) taken++;
        for (const m of singleByteMutations(bytes)) {
          // A mutant the cursor reads must decode, strictly, to the same value.
          if (readAny(m.bytes) !== undefined) {
            mutantsTaken++;
            sameAsDecoder(m.bytes);
          }
        }
        for (const t of truncations(bytes)) expect(readAny(t)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    expect(taken).toBeGreaterThan(200);
    expect(mutantsTaken).toBeGreaterThan(1000);
  });
});
