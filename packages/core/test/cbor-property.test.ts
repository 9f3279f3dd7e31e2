import {
  type CborDecodeOptions,
  CborSimple,
  CborTag,
  type CborValue,
  decodeCbor,
  decodeCborPrefix,
  encodeCbor,
  isRotkitError,
  itemLength,
  toHex,
} from "@rotkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "./helpers/mutate.js";

// Property tests: the codec round-trips its data model, and no input whatsoever makes it throw anything but a
// RotkitError or run away.

const key = (v: CborValue): string => toHex(encodeCbor(v));

function cborMap(entries: [CborValue, CborValue][]): Map<CborValue, CborValue> {
  // Drop entries whose keys share an encoding (two Uint8Arrays with equal content): a Map cannot encode them.
  const seen = new Set<string>();
  const m = new Map<CborValue, CborValue>();
  for (const [k, v] of entries) {
    const id = key(k);
    if (seen.has(id) || m.has(k)) continue;
    seen.add(id);
    m.set(k, v);
  }
  return m;
}

const { value: cborValue } = fc.letrec<{ value: CborValue; leaf: CborValue }>((tie) => ({
  leaf: fc.oneof(
    fc.maxSafeInteger(),
    fc.integer({ min: -30, max: 30 }),
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
    fc.double(),
    fc.float().map((f) => f),
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.string({ maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.constantFrom<CborValue>(true, false, null, undefined),
    fc
      .oneof(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 32, max: 255 }))
      .map((n): CborValue => new CborSimple(n)),
  ),
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("leaf"),
    fc.array(tie("value"), { maxLength: 6 }),
    fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 6 }).map(cborMap),
    fc.tuple(fc.maxSafeNat(), tie("value")).map(([t, v]): CborValue => new CborTag(t, v)),
  ),
}));

/** The value the decoder gives back: integers that fit a safe integer come back as numbers. */
function normalize(v: CborValue): CborValue {
  if (typeof v === "bigint") return v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v;
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [normalize(k), normalize(x)]));
  if (v instanceof CborTag) return new CborTag(v.tag, normalize(v.value));
  return v;
}

const OPTIONS: CborDecodeOptions[] = [
  {},
  { requireDeterministic: true },
  { rejectIndefinite: true, requirePreferred: true },
  { rejectDuplicateKeys: false },
  { limits: { maxDepth: 4, maxItems: 50, maxStringLength: 8 } },
];

function decodeAllWays(bytes: Uint8Array): void {
  for (const options of OPTIONS) {
    try {
      decodeCbor(bytes, options);
    } catch (e) {
      if (!isRotkitError(e)) throw e;
    }
  }
  // The well-formedness scan agrees with the decoder: whatever decodes has exactly that length.
  let end = -1;
  try {
    end = decodeCborPrefix(bytes, 0).end;
  } catch (e) {
    if (!isRotkitError(e)) throw e;
  }
  if (end >= 0) expect(itemLength(bytes, 0)).toBe(end);
  else {
    try {
      itemLength(bytes, 0);
    } catch (e) {
      if (!isRotkitError(e)) throw e;
    }
  }
}

describe("CBOR properties", () => {
  it("decode(encode(v)) gives v back, and the encoding is deterministic", () => {
    fc.assert(
      fc.property(cborValue, (v) => {
        const bytes = encodeCbor(v);
        const back = decodeCbor(bytes, { requireDeterministic: true });
        expect(back).toEqual(normalize(v));
        // Re-encoding a canonical encoding gives identical bytes (-0, NaN and float widths included).
        expect(toHex(encodeCbor(back))).toBe(toHex(bytes));
        expect(itemLength(bytes, 0)).toBe(bytes.length);
      }),
      { numRuns: 1500 },
    );
  });

  it("short ASCII text decodes to itself whatever was decoded before (the intern table never mixes strings up)", () => {
    // Few lengths and a small alphabet force many strings through the same table slots.
    const ascii = fc.string({ unit: fc.constantFrom("a", "b", "c", "~", " ", "0"), minLength: 0, maxLength: 50 });
    fc.assert(
      fc.property(fc.array(ascii, { minLength: 1, maxLength: 40 }), (strings) => {
        for (const s of strings) expect(decodeCbor(encodeCbor(s))).toBe(s);
        expect(decodeCbor(encodeCbor(strings))).toEqual(strings);
      }),
      { numRuns: 2000 },
    );
  });

  it("random bytes: only RotkitErrors, always terminates", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => decodeAllWays(bytes)),
      { numRuns: 5000 },
    );
  });

  it("CBOR-shaped random bytes: only RotkitErrors", () => {
    // Heads and breaks are over-represented so the decoder gets past the first byte more often.
    const byte = fc.oneof(
      fc.constantFrom(0x5f, 0x7f, 0x9f, 0xbf, 0xff, 0x18, 0x19, 0x1a, 0x1b, 0xc1, 0xd8, 0xf8, 0xf9, 0xfa, 0xfb),
      fc.integer({ min: 0x80, max: 0xbf }),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 48 }), (arr) => decodeAllWays(Uint8Array.from(arr))),
      { numRuns: 5000 },
    );
  });

  it("single-byte mutations and truncations of valid encodings end in a value or a RotkitError", () => {
    fc.assert(
      fc.property(cborValue, (v) => {
        const bytes = encodeCbor(v);
        if (bytes.length > 200) return;
        const mutated = expectOnlyRotkitErrors((b) => decodeCbor(b), singleByteMutations(bytes));
        expect(mutated.ok + mutated.rejected).toBe(bytes.length * 5);
        expectOnlyRotkitErrors(decodeAllWays, singleByteMutations(bytes, [0x01, 0xff]));
        const cut = expectOnlyRotkitErrors((b) => decodeCbor(b), truncations(bytes));
        // No proper prefix of one item is itself a complete item.
        expect(cut.ok).toBe(0);
        expect(Object.keys(cut.codes)).toEqual(cut.rejected > 0 ? ["CBOR_TRUNCATED"] : []);
      }),
      { numRuns: 300 },
    );
  });

  it("a declared huge length never allocates: CBOR_TRUNCATED quickly for every head width", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0x40, 0x60, 0x80, 0xa0),
        fc.bigInt({ min: 2n ** 20n, max: 2n ** 64n - 1n }),
        fc.uint8Array({ maxLength: 8 }),
        (mt, n, tail) => {
          const head = new Uint8Array(9);
          head[0] = mt | 27;
          new DataView(head.buffer).setBigUint64(1, n);
          const input = new Uint8Array([...head, ...tail]);
          try {
            decodeCbor(input);
            expect.unreachable();
          } catch (e) {
            expect(isRotkitError(e, "CBOR_TRUNCATED")).toBe(true);
          }
        },
      ),
    );
  });

  it("deep nesting of any container kind ends in CBOR_LIMIT", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0x81, 0x9f, 0xa1, 0xbf, 0xc1, 0xd8), { minLength: 40, maxLength: 400 }),
        (heads) => {
          const bytes: number[] = [];
          for (const h of heads) {
            bytes.push(h);
            if (h === 0xa1 || h === 0xbf) bytes.push(0x00); // a key before the nested value
            if (h === 0xd8) bytes.push(0x20);
          }
          bytes.push(0x00);
          try {
            decodeCbor(Uint8Array.from(bytes));
            expect.unreachable();
          } catch (e) {
            expect(isRotkitError(e, "CBOR_LIMIT")).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
