import {
  asArray,
  asBigInt,
  asBool,
  asBytes,
  asInt,
  asMap,
  asTag,
  asText,
  CborSimple,
  CborTag,
  type CborValue,
  cborTypeName,
  decodeCbor,
  decodeCborPrefix,
  encodeCbor,
  fromHex,
  isRotkitError,
  itemLength,
  mapGet,
  mapRequire,
  RawCbor,
  rotkitCborCodec,
  toHex,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isRotkitError(e)) return e.code;
    throw e;
  }
  return "none";
}

describe("data model", () => {
  it("byte strings are plain Uint8Arrays, also from a Node Buffer input", () => {
    const v = decodeCbor(Buffer.from("4401020304", "hex"));
    expect(v).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect((v as Uint8Array).constructor).toBe(Uint8Array);
  });

  it("copies byte strings by default, views them with zeroCopy", () => {
    const input = fromHex("4401020304");
    const copy = decodeCbor(input) as Uint8Array;
    const view = decodeCbor(input, { zeroCopy: true }) as Uint8Array;
    input[1] = 9;
    expect(copy[0]).toBe(1);
    expect(view[0]).toBe(9);
  });

  it("integers: number when safe, bigint otherwise (both signs)", () => {
    expect(decodeCbor(fromHex("1b001fffffffffffff"))).toBe(2 ** 53 - 1);
    expect(decodeCbor(fromHex("1b0020000000000000"))).toBe(2n ** 53n);
    expect(decodeCbor(fromHex("3b001ffffffffffffe"))).toBe(-(2 ** 53) + 1);
    expect(decodeCbor(fromHex("3b001fffffffffffff"))).toBe(-(2n ** 53n));
    expect(decodeCbor(fromHex("3bffffffffffffffff"))).toBe(-(2n ** 64n));
  });

  it("tags are never interpreted", () => {
    for (const hex of ["c11a514b67b0", "c24101", "d8404401020304", "d81c00", "d9010200", "d9e00000"]) {
      expect(decodeCbor(fromHex(hex))).toBeInstanceOf(CborTag);
    }
  });

  it("numbers encode as ints when safe, else as the shortest exact float", () => {
    expect(toHex(encodeCbor(-0))).toBe("f98000");
    expect(toHex(encodeCbor(2 ** 53))).toBe("fa5a000000");
    expect(toHex(encodeCbor(0.1))).toBe("fb3fb999999999999a");
    expect(toHex(encodeCbor(Math.fround(0.1)))).toBe("fa3dcccccd");
    expect(toHex(encodeCbor(2 ** -24))).toBe("f90001");
    expect(toHex(encodeCbor(2 ** -25))).toBe("fa33000000");
  });
});

describe("deterministic encoding (RFC 8949 §4.2.1)", () => {
  it("sorts map keys bytewise by their encodings, whatever the insertion order", () => {
    const keys: CborValue[] = [
      "aa",
      "b",
      -1,
      100,
      10,
      [100],
      false,
      Uint8Array.of(1),
      new CborTag(1, 0),
      new Map<CborValue, CborValue>(),
    ];
    const expected = ["0a", "1864", "20", "4101", "6162", "626161", "811864", "a0", "c100", "f4"];
    for (let rot = 0; rot < keys.length; rot++) {
      const rotated = [...keys.slice(rot), ...keys.slice(0, rot)];
      const map = new Map<CborValue, CborValue>(rotated.map((k) => [k, null]));
      const bytes = encodeCbor(map);
      const again = decodeCbor(bytes, { requireDeterministic: true }) as Map<CborValue, CborValue>;
      expect([...again.keys()].map((k) => toHex(encodeCbor(k)))).toEqual(expected);
      expect(toHex(encodeCbor(again))).toBe(toHex(bytes));
    }
  });

  it("re-encoding canonical input gives identical bytes", () => {
    for (const hex of ["a3010203260481f97e00", "d28443a10126a10442313154546869732069732074686520636f6e74656e742e40"]) {
      expect(toHex(encodeCbor(decodeCbor(fromHex(hex), { requireDeterministic: true })))).toBe(hex);
    }
  });

  it("embeds RawCbor verbatim, also as a map key", () => {
    const raw = new RawCbor(fromHex("43a10126"));
    expect(toHex(encodeCbor([raw, raw]))).toBe("8243a1012643a10126");
    expect(
      toHex(
        encodeCbor(
          new Map<CborValue, CborValue>([
            [raw as unknown as CborValue, 1],
            [0, 2],
          ]),
        ),
      ),
    ).toBe("a2000243a1012601");
  });

  it("the codec seam exposes the same functions", () => {
    expect(rotkitCborCodec.decodePrefix(rotkitCborCodec.encode([1, "a"]), 0)).toEqual({ value: [1, "a"], end: 4 });
  });
});

describe("itemLength", () => {
  it("slices exactly one item, without decoding validity", () => {
    const bytes = fromHex("8243a10126a1016161ff");
    expect(itemLength(bytes, 0)).toBe(9);
    expect(itemLength(bytes, 1)).toBe(4);
    expect(code(() => itemLength(bytes, 9))).toBe("CBOR_MALFORMED");
    // Invalid UTF-8 and duplicate keys are well-formed: itemLength accepts, the decoder refuses.
    expect(itemLength(fromHex("a2616101616101"), 0)).toBe(7);
    expect(itemLength(fromHex("61ff"), 0)).toBe(2);
    expect(decodeCborPrefix(fromHex("bf0102ff00"), 0).end).toBe(itemLength(fromHex("bf0102ff00"), 0));
    expect(code(() => itemLength(fromHex("bf01ff"), 0))).toBe("CBOR_MALFORMED");
  });
});

describe("typed accessors", () => {
  const v = decodeCbor(fromHex("d28443a10126a1044131f65840" + "00".repeat(64)));
  it("walk a COSE_Sign1", () => {
    const [prot, unprot, payload, sig] = asArray(asTag(v, 18, "COSE_Sign1"), "COSE_Sign1", 4);
    expect(toHex(asBytes(prot as CborValue, "protected"))).toBe("a10126");
    expect(asInt(mapGet(asMap(decodeCbor(asBytes(prot as CborValue, "p")), "p"), 1), "alg")).toBe(-7);
    expect(asBytes(mapRequire(asMap(unprot as CborValue, "unprotected"), 4, "unprotected"), "kid")).toEqual(
      Uint8Array.of(0x31),
    );
    expect(payload).toBeNull();
    expect(asBytes(sig as CborValue, "signature").length).toBe(64);
  });

  it("throw CBOR_WRONG_TYPE with the path, or the caller's code", () => {
    try {
      asMap(v, "COSE_Sign1");
      expect.unreachable();
    } catch (e) {
      expect(isRotkitError(e, "CBOR_WRONG_TYPE")).toBe(true);
      expect((e as { at: unknown }).at).toBe("COSE_Sign1");
      expect(String(e)).toContain("expected map at COSE_Sign1, got tag(18)");
    }
    expect(code(() => asArray(v, "x", undefined, "COSE_MALFORMED"))).toBe("COSE_MALFORMED");
    expect(code(() => asArray([1], "x", 2))).toBe("CBOR_WRONG_TYPE");
    expect(code(() => asBytes("a", "x"))).toBe("CBOR_WRONG_TYPE");
    expect(code(() => asText(Uint8Array.of(), "x"))).toBe("CBOR_WRONG_TYPE");
    expect(code(() => asBool(0, "x"))).toBe("CBOR_WRONG_TYPE");
    expect(code(() => asTag(v, 17, "x"))).toBe("CBOR_WRONG_TYPE");
    expect(code(() => mapRequire(new Map(), 1, "x"))).toBe("CBOR_WRONG_TYPE");
  });

  it("asInt: safe integers only, with optional bounds; asBigInt: any int", () => {
    expect(asInt(5n, "x")).toBe(5);
    expect(asInt(-7, "x", { min: -65536, max: 65535 })).toBe(-7);
    expect(code(() => asInt(1.5, "x"))).toBe("CBOR_WRONG_TYPE");
    expect(code(() => asInt(2n ** 60n, "x"))).toBe("CBOR_WRONG_TYPE");
    expect(code(() => asInt(3, "x", { max: 2 }))).toBe("CBOR_WRONG_TYPE");
    expect(code(() => asInt("3", "x"))).toBe("CBOR_WRONG_TYPE");
    expect(asBigInt(2n ** 60n, "x")).toBe(2n ** 60n);
    expect(asBigInt(3, "x")).toBe(3n);
    expect(code(() => asBigInt(3.5, "x"))).toBe("CBOR_WRONG_TYPE");
  });

  it("mapGet accepts number, bigint and text keys; mapRequire keeps explicit undefined", () => {
    const m = decodeCbor(fromHex("a301f7206161616102")) as Map<CborValue, CborValue>;
    expect(mapGet(m, 1n)).toBeUndefined();
    expect(mapRequire(m, 1, "m")).toBeUndefined();
    expect(mapGet(m, -1)).toBe("a");
    expect(mapGet(m, "a")).toBe(2);
  });

  it("cborTypeName", () => {
    expect(
      [1, 1.5, 1n, "", true, null, undefined, Uint8Array.of(), [], new Map(), new CborSimple(1)].map((x) =>
        cborTypeName(x as CborValue),
      ),
    ).toEqual(["int", "float", "int", "tstr", "bool", "null", "undefined", "bstr", "array", "map", "simple(1)"]);
  });
});
