import {
  type CborDecodeOptions,
  CborSimple,
  type CborValue,
  decodeCbor,
  decodeCborPrefix,
  decodeCborSequence,
  encodeCbor,
  fromHex,
  isRotkitError,
  itemLength,
  RawCbor,
  type RotkitErrorCode,
  toHex,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";

function codeOf(fn: () => unknown): { code: RotkitErrorCode; at: unknown } {
  try {
    fn();
  } catch (e) {
    if (isRotkitError(e)) return { code: e.code, at: e.at };
    throw e;
  }
  throw new Error("expected a RotkitError, nothing was thrown");
}

const decodeErr = (hex: string, options?: CborDecodeOptions) => codeOf(() => decodeCbor(fromHex(hex), options));

// [hex, expected code, options?, expected `at`?]
type Case = [string, RotkitErrorCode, CborDecodeOptions?, number?];

const malformed: Case[] = [
  // reserved additional information 28..30 in every major type (RFC 8949 §3)
  ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((mt) =>
    [28, 29, 30].map((ai): Case => [((mt << 5) | ai).toString(16).padStart(2, "0"), "CBOR_MALFORMED", undefined, 0]),
  ),
  ["ff", "CBOR_MALFORMED", undefined, 0], // break at top level
  ["81ff", "CBOR_MALFORMED", undefined, 1], // break inside a definite array
  ["a1ff00", "CBOR_MALFORMED", undefined, 1], // break instead of a key in a definite map
  ["bf01ff", "CBOR_MALFORMED", undefined, 2], // break between key and value
  ["c6ff", "CBOR_MALFORMED"], // break as tag content
  ["1f", "CBOR_MALFORMED"], // indefinite unsigned int
  ["3f", "CBOR_MALFORMED"],
  ["df00", "CBOR_MALFORMED"], // indefinite tag
  ["5f6161ff", "CBOR_MALFORMED", undefined, 1], // text chunk in a byte string
  ["5f5f4100ffff", "CBOR_MALFORMED"], // nested indefinite chunk
  ["7f4161ff", "CBOR_MALFORMED"], // byte chunk in a text string
  ["7f01ff", "CBOR_MALFORMED"], // int chunk
  ["61ff", "CBOR_MALFORMED", undefined, 1], // invalid UTF-8
  ["62c080", "CBOR_MALFORMED"], // overlong UTF-8
  ["63eda080", "CBOR_MALFORMED"], // surrogate in UTF-8
  ["7f61c361bcff", "CBOR_MALFORMED"], // a code point split across chunks (§3.2.3)
  ["f800", "CBOR_MALFORMED", undefined, 0], // simple value < 32 in two-byte form (§3.3)
  ["f818", "CBOR_MALFORMED"],
  ["f81f", "CBOR_MALFORMED"],
];

const truncated: Case[] = [
  ["", "CBOR_TRUNCATED", undefined, 0],
  ["18", "CBOR_TRUNCATED"],
  ["1901", "CBOR_TRUNCATED"],
  ["1a010203", "CBOR_TRUNCATED"],
  ["1b01020304050607", "CBOR_TRUNCATED"],
  ["5bffffffffffffffff00", "CBOR_TRUNCATED", undefined, 0], // declares 2^64-1 bytes in 10 bytes of input
  ["7a7fffffff", "CBOR_TRUNCATED"],
  ["9bffffffffffffffff", "CBOR_TRUNCATED"],
  ["bb0fffffffffffffff01", "CBOR_TRUNCATED"],
  ["9a7fffffff01", "CBOR_TRUNCATED"],
  ["6261", "CBOR_TRUNCATED"],
  ["8201", "CBOR_TRUNCATED"],
  ["a101", "CBOR_TRUNCATED"],
  ["9f01", "CBOR_TRUNCATED"],
  ["bf0101", "CBOR_TRUNCATED"],
  ["5f41", "CBOR_TRUNCATED"],
  ["5f4100", "CBOR_TRUNCATED"],
  ["c6", "CBOR_TRUNCATED"],
  ["f9", "CBOR_TRUNCATED"],
  ["fa000000", "CBOR_TRUNCATED"],
  ["fb00000000000000", "CBOR_TRUNCATED"],
  ["f8", "CBOR_TRUNCATED"],
];

const duplicates: Case[] = [
  ["a201000100", "CBOR_DUPLICATE_KEY", undefined, 3],
  ["a2616101616102", "CBOR_DUPLICATE_KEY"],
  ["a2410100410100", "CBOR_DUPLICATE_KEY"], // byte-string keys: compared by content
  ["a2820102008201020a", "CBOR_DUPLICATE_KEY"], // array keys
  ["a3810100810200810100", "CBOR_DUPLICATE_KEY"], // the third array key repeats the first
  ["a2a1010200a1010200", "CBOR_DUPLICATE_KEY"], // map keys
  ["a2c10100c10100", "CBOR_DUPLICATE_KEY"], // tag keys
  ["a2f000f000", "CBOR_DUPLICATE_KEY"], // simple-value keys
  ["a20100180100", "CBOR_DUPLICATE_KEY"], // same key, non-preferred second encoding: canonical identity
  ["a281410000815f4100ff00", "CBOR_DUPLICATE_KEY"], // [h'00'] twice, once with an indefinite chunked bstr
  ["a20100f93c0000", "CBOR_DUPLICATE_KEY"], // 1 and 1.0: one JS Map key
  ["a200f9800000", "CBOR_DUPLICATE_KEY"], // 0 and -0.0: one JS Map key (SameValueZero)
  ["bf01000100ff", "CBOR_DUPLICATE_KEY"], // indefinite map
  ["a1a201000100", "CBOR_DUPLICATE_KEY"], // nested, as a key
];

const P = { requirePreferred: true };
const D = { requireDeterministic: true };
const notPreferred: Case[] = [
  ["1817", "CBOR_NOT_PREFERRED", P, 0],
  ["190017", "CBOR_NOT_PREFERRED", P],
  ["1900ff", "CBOR_NOT_PREFERRED", P],
  ["1a0000ffff", "CBOR_NOT_PREFERRED", P],
  ["1b00000000ffffffff", "CBOR_NOT_PREFERRED", P],
  ["3817", "CBOR_NOT_PREFERRED", P],
  ["580100", "CBOR_NOT_PREFERRED", P], // length head
  ["980100", "CBOR_NOT_PREFERRED", P],
  ["d80100", "CBOR_NOT_PREFERRED", P], // tag number head
  ["fa3fc00000", "CBOR_NOT_PREFERRED", P], // 1.5 as float32
  ["fb3ff8000000000000", "CBOR_NOT_PREFERRED", P], // 1.5 as float64
  ["fb3fb99999a0000000", "CBOR_NOT_PREFERRED", P], // a float32 value as float64
  ["fa7f800000", "CBOR_NOT_PREFERRED", P], // Infinity as float32
  ["fa7fc00000", "CBOR_NOT_PREFERRED", P], // NaN not as f97e00
  ["f97e01", "CBOR_NOT_PREFERRED", P],
  ["f9fe00", "CBOR_NOT_PREFERRED", P],
  ["a202000100", "CBOR_NOT_PREFERRED", D, 3], // keys out of order (§4.2.1)
  ["a2616100613100", "CBOR_NOT_PREFERRED", D], // "a" (6161) before "1" (6131)
  ["a22000181800", "CBOR_NOT_PREFERRED", D], // -1 (20) before 24 (1818): bytewise order puts 24 first
  ["1817", "CBOR_NOT_PREFERRED", D],
];

const indefinite: Case[] = [
  ["9fff", "CBOR_INDEFINITE", { rejectIndefinite: true }, 0],
  ["bfff", "CBOR_INDEFINITE", { rejectIndefinite: true }],
  ["5fff", "CBOR_INDEFINITE", { rejectIndefinite: true }],
  ["7fff", "CBOR_INDEFINITE", { rejectIndefinite: true }],
  ["819fff", "CBOR_INDEFINITE", D, 1],
];

const limits: Case[] = [
  [`${"81".repeat(33)}00`, "CBOR_LIMIT"], // default maxDepth 32
  [`${"c1".repeat(33)}00`, "CBOR_LIMIT"], // tags count as depth
  [`${"81".repeat(32)}80`, "CBOR_LIMIT"], // an empty container still nests
  ["8400000000", "CBOR_LIMIT", { limits: { maxItems: 4 } }],
  ["9f00000000ff", "CBOR_LIMIT", { limits: { maxItems: 4 } }],
  ["4400000000", "CBOR_LIMIT", { limits: { maxStringLength: 3 } }],
  ["5f42000042000000ff", "CBOR_LIMIT", { limits: { maxStringLength: 3 } }],
  ["820000", "CBOR_LIMIT", { limits: { maxBytes: 2 } }],
  ["8181818100", "CBOR_LIMIT", { limits: { maxDepth: 3 } }],
];

describe("decode errors carry the right code and offset", () => {
  const all: [string, Case[]][] = [
    ["malformed", malformed],
    ["truncated", truncated],
    ["duplicate", duplicates],
    ["not preferred", notPreferred],
    ["indefinite", indefinite],
    ["limit", limits],
  ];
  for (const [name, cases] of all) {
    it.each(cases)(`${name}: %s -> %s`, (hex, code, options, at) => {
      const err = decodeErr(hex, options);
      expect(err.code).toBe(code);
      expect(typeof err.at).toBe("number");
      if (at !== undefined) expect(err.at).toBe(at);
    });
  }

  it("same inputs are accepted when the option is off", () => {
    expect(decodeCbor(fromHex("1817"))).toBe(23);
    expect(decodeCbor(fromHex("fa3fc00000"))).toBe(1.5);
    expect(decodeCbor(fromHex("a202000100"))).toEqual(
      new Map([
        [2, 0],
        [1, 0],
      ]),
    );
    expect(decodeCbor(fromHex("9fff"))).toEqual([]);
    let nested: unknown = 0;
    for (let i = 0; i < 32; i++) nested = [nested];
    expect(decodeCbor(fromHex(`${"81".repeat(32)}00`))).toEqual(nested);
  });

  it("duplicate keys can be allowed explicitly (last value wins for equal JS keys)", () => {
    const v = decodeCbor(fromHex("a201000101"), { rejectDuplicateKeys: false }) as Map<CborValue, CborValue>;
    expect(v.get(1)).toBe(1);
    expect(v.size).toBe(1);
  });

  it("trailing bytes", () => {
    expect(decodeErr("0000")).toEqual({ code: "CBOR_TRAILING_BYTES", at: 1 });
    expect(decodeCborPrefix(fromHex("0000"), 0)).toEqual({ value: 0, end: 1 });
  });

  it("tag numbers beyond 2^53-1 are unsupported, not silently rounded", () => {
    expect(decodeErr("db002000000000000000").code).toBe("CBOR_UNSUPPORTED");
    expect(decodeCbor(fromHex("db001fffffffffffff00"))).toMatchObject({ tag: 2 ** 53 - 1, value: 0 });
  });

  it("a huge declared length fails fast, allocating nothing", () => {
    const input = fromHex("5bffffffffffffffff");
    const t = performance.now();
    for (let i = 0; i < 1000; i++) expect(codeOf(() => decodeCbor(input)).code).toBe("CBOR_TRUNCATED");
    expect(performance.now() - t).toBeLessThan(500);
    expect(codeOf(() => decodeCbor(fromHex("9b7fffffffffffffff00"))).code).toBe("CBOR_TRUNCATED");
    expect(codeOf(() => itemLength(input, 0)).code).toBe("CBOR_TRUNCATED");
  });

  it("100,000 nested arrays end in CBOR_LIMIT, not a stack overflow, even with maxDepth raised", () => {
    const deep = new Uint8Array(100_001).fill(0x81);
    deep[100_000] = 0;
    expect(codeOf(() => decodeCbor(deep)).code).toBe("CBOR_LIMIT");
    expect(codeOf(() => itemLength(deep, 0)).code).toBe("CBOR_LIMIT");
    // The decoder keeps its own stack: raising maxDepth decodes it instead of overflowing the JS stack.
    const v = decodeCbor(deep, { limits: { maxDepth: 200_000, maxItems: 200_000 } });
    expect(Array.isArray(v)).toBe(true);
    const indef = new Uint8Array(200_000);
    indef.fill(0x9f, 0, 100_000);
    indef.fill(0xff, 100_000);
    expect(codeOf(() => decodeCbor(indef)).code).toBe("CBOR_LIMIT");
  });

  it("prefix decoding: maxBytes bounds the item, not the rest of the buffer", () => {
    const bytes = fromHex("8301020300000000");
    expect(decodeCborPrefix(bytes, 0, { limits: { maxBytes: 4 } })).toEqual({ value: [1, 2, 3], end: 4 });
    expect(codeOf(() => decodeCborPrefix(bytes, 0, { limits: { maxBytes: 3 } })).code).toBe("CBOR_LIMIT");
    expect(decodeCborPrefix(bytes, 4)).toEqual({ value: 0, end: 5 });
    expect(codeOf(() => decodeCborPrefix(bytes, 9)).code).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => decodeCborPrefix(bytes, 8)).code).toBe("CBOR_TRUNCATED");
  });

  it("sequences (RFC 8742)", () => {
    expect(decodeCborSequence(new Uint8Array(0))).toEqual([]);
    expect(decodeCborSequence(fromHex("0161618100"))).toEqual([1, "a", [0]]);
    expect(codeOf(() => decodeCborSequence(fromHex("0182"))).code).toBe("CBOR_TRUNCATED");
    expect(codeOf(() => decodeCborSequence(fromHex("000000"), { limits: { maxItems: 2 } })).code).toBe("CBOR_LIMIT");
  });

  it("rejects bad arguments and bad limits", () => {
    expect(codeOf(() => decodeCbor("00" as unknown as Uint8Array)).code).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => decodeCbor(fromHex("00"), { limits: { maxDepth: Number.NaN } })).code).toBe("INVALID_ARGUMENT");
  });
});

describe("encode errors", () => {
  it.each<[string, unknown, RotkitErrorCode]>([
    ["plain object", { a: 1 }, "INVALID_ARGUMENT"],
    ["function", () => 1, "INVALID_ARGUMENT"],
    ["symbol", Symbol("x"), "INVALID_ARGUMENT"],
    ["Date", new Date(0), "INVALID_ARGUMENT"],
    ["Uint16Array", new Uint16Array(1), "INVALID_ARGUMENT"],
    ["simple 24", new CborSimple(24), "INVALID_ARGUMENT"],
    ["simple 256", new CborSimple(256), "INVALID_ARGUMENT"],
    ["bigint 2^64", 2n ** 64n, "CBOR_UNSUPPORTED"],
    ["bigint -2^64-1", -(2n ** 64n) - 1n, "CBOR_UNSUPPORTED"],
    [
      "equal byte-string keys",
      new Map([
        [Uint8Array.of(1), 1],
        [Uint8Array.of(1), 2],
      ]),
      "CBOR_DUPLICATE_KEY",
    ],
  ])("%s", (_name, value, code) => {
    expect(codeOf(() => encodeCbor(value as CborValue)).code).toBe(code);
  });

  it("a cyclic value is an error, not a stack overflow", () => {
    const a: CborValue[] = [];
    a.push(a);
    expect(codeOf(() => encodeCbor(a)).code).toBe("INVALID_ARGUMENT");
  });

  it("bigint boundaries", () => {
    expect(toHex(encodeCbor(2n ** 64n - 1n))).toBe("1bffffffffffffffff");
    expect(toHex(encodeCbor(-(2n ** 64n)))).toBe("3bffffffffffffffff");
    expect(toHex(encodeCbor(5n))).toBe("05");
  });

  it("RawCbor must hold exactly one item", () => {
    expect(codeOf(() => new RawCbor(fromHex("0000"))).code).toBe("CBOR_TRAILING_BYTES");
    expect(codeOf(() => new RawCbor(fromHex("82"))).code).toBe("CBOR_TRUNCATED");
    expect(toHex(encodeCbor([new RawCbor(fromHex("a10126")), 1] as CborValue[]))).toBe("82a1012601");
  });
});
