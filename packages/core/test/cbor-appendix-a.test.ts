import { CborSimple, CborTag, type CborValue, decodeCbor, encodeCbor, fromHex, itemLength, toHex } from "@rotkit/core";
import { describe, expect, it } from "vitest";

// RFC 8949 Appendix A, every row. `det` marks rows whose hex is also what encodeCbor must produce: rows with an
// integral float (1.0, 0.0, -4.0, 65504.0, 100000.0) decode to a JS number that rotkit re-encodes as an int, and
// non-shortest floats and indefinite lengths are not deterministic (§4.2.1), so those rows are decode-only.
const m = (...kv: CborValue[]): Map<CborValue, CborValue> => {
  const out = new Map<CborValue, CborValue>();
  for (let i = 0; i < kv.length; i += 2) out.set(kv[i] as CborValue, kv[i + 1] as CborValue);
  return out;
};
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

const rows: { hex: string; value: CborValue; det: boolean }[] = [
  { hex: "00", value: 0, det: true },
  { hex: "01", value: 1, det: true },
  { hex: "0a", value: 10, det: true },
  { hex: "17", value: 23, det: true },
  { hex: "1818", value: 24, det: true },
  { hex: "1819", value: 25, det: true },
  { hex: "1864", value: 100, det: true },
  { hex: "1903e8", value: 1000, det: true },
  { hex: "1a000f4240", value: 1000000, det: true },
  { hex: "1b000000e8d4a51000", value: 1000000000000, det: true },
  { hex: "1bffffffffffffffff", value: 18446744073709551615n, det: true },
  { hex: "c249010000000000000000", value: new CborTag(2, fromHex("010000000000000000")), det: true },
  { hex: "3bffffffffffffffff", value: -18446744073709551616n, det: true },
  { hex: "c349010000000000000000", value: new CborTag(3, fromHex("010000000000000000")), det: true },
  { hex: "20", value: -1, det: true },
  { hex: "29", value: -10, det: true },
  { hex: "3863", value: -100, det: true },
  { hex: "3903e7", value: -1000, det: true },
  { hex: "f90000", value: 0, det: false },
  { hex: "f98000", value: -0, det: true },
  { hex: "f93c00", value: 1, det: false },
  { hex: "fb3ff199999999999a", value: 1.1, det: true },
  { hex: "f93e00", value: 1.5, det: true },
  { hex: "f97bff", value: 65504, det: false },
  { hex: "fa47c35000", value: 100000, det: false },
  { hex: "fa7f7fffff", value: 3.4028234663852886e38, det: true },
  { hex: "fb7e37e43c8800759c", value: 1.0e300, det: true },
  { hex: "f90001", value: 2 ** -24, det: true },
  { hex: "f90400", value: 0.00006103515625, det: true },
  { hex: "f9c400", value: -4, det: false },
  { hex: "fbc010666666666666", value: -4.1, det: true },
  { hex: "f97c00", value: Number.POSITIVE_INFINITY, det: true },
  { hex: "f97e00", value: Number.NaN, det: true },
  { hex: "f9fc00", value: Number.NEGATIVE_INFINITY, det: true },
  { hex: "fa7f800000", value: Number.POSITIVE_INFINITY, det: false },
  { hex: "fa7fc00000", value: Number.NaN, det: false },
  { hex: "faff800000", value: Number.NEGATIVE_INFINITY, det: false },
  { hex: "fb7ff0000000000000", value: Number.POSITIVE_INFINITY, det: false },
  { hex: "fb7ff8000000000000", value: Number.NaN, det: false },
  { hex: "fbfff0000000000000", value: Number.NEGATIVE_INFINITY, det: false },
  { hex: "f4", value: false, det: true },
  { hex: "f5", value: true, det: true },
  { hex: "f6", value: null, det: true },
  { hex: "f7", value: undefined, det: true },
  { hex: "f0", value: new CborSimple(16), det: true },
  { hex: "f8ff", value: new CborSimple(255), det: true },
  { hex: "c074323031332d30332d32315432303a30343a30305a", value: new CborTag(0, "2013-03-21T20:04:00Z"), det: true },
  { hex: "c11a514b67b0", value: new CborTag(1, 1363896240), det: true },
  { hex: "c1fb41d452d9ec200000", value: new CborTag(1, 1363896240.5), det: true },
  { hex: "d74401020304", value: new CborTag(23, fromHex("01020304")), det: true },
  { hex: "d818456449455446", value: new CborTag(24, fromHex("6449455446")), det: true },
  {
    hex: "d82076687474703a2f2f7777772e6578616d706c652e636f6d",
    value: new CborTag(32, "http://www.example.com"),
    det: true,
  },
  { hex: "40", value: new Uint8Array(0), det: true },
  { hex: "4401020304", value: fromHex("01020304"), det: true },
  { hex: "60", value: "", det: true },
  { hex: "6161", value: "a", det: true },
  { hex: "6449455446", value: "IETF", det: true },
  { hex: "62225c", value: '"\\', det: true },
  { hex: "62c3bc", value: "\u00fc", det: true },
  { hex: "63e6b0b4", value: "\u6c34", det: true },
  { hex: "64f0908591", value: "\ud800\udd51", det: true },
  { hex: "80", value: [], det: true },
  { hex: "83010203", value: [1, 2, 3], det: true },
  { hex: "8301820203820405", value: [1, [2, 3], [4, 5]], det: true },
  { hex: "98190102030405060708090a0b0c0d0e0f101112131415161718181819", value: range(1, 25), det: true },
  { hex: "a0", value: new Map(), det: true },
  { hex: "a201020304", value: m(1, 2, 3, 4), det: true },
  { hex: "a26161016162820203", value: m("a", 1, "b", [2, 3]), det: true },
  { hex: "826161a161626163", value: ["a", m("b", "c")], det: true },
  {
    hex: "a56161614161626142616361436164614461656145",
    value: m("a", "A", "b", "B", "c", "C", "d", "D", "e", "E"),
    det: true,
  },
  { hex: "5f42010243030405ff", value: fromHex("0102030405"), det: false },
  { hex: "7f657374726561646d696e67ff", value: "streaming", det: false },
  { hex: "9fff", value: [], det: false },
  { hex: "9f018202039f0405ffff", value: [1, [2, 3], [4, 5]], det: false },
  { hex: "9f01820203820405ff", value: [1, [2, 3], [4, 5]], det: false },
  { hex: "83018202039f0405ff", value: [1, [2, 3], [4, 5]], det: false },
  { hex: "83019f0203ff820405", value: [1, [2, 3], [4, 5]], det: false },
  { hex: "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff", value: range(1, 25), det: false },
  { hex: "bf61610161629f0203ffff", value: m("a", 1, "b", [2, 3]), det: false },
  { hex: "826161bf61626163ff", value: ["a", m("b", "c")], det: false },
  { hex: "bf6346756ef563416d7421ff", value: m("Fun", true, "Amt", -2), det: false },
];

describe("RFC 8949 Appendix A", () => {
  it.each(rows)("decodes $hex", ({ hex, value }) => {
    const got = decodeCbor(fromHex(hex));
    if (typeof value === "number" && Number.isNaN(value)) expect(got).toBeNaN();
    else expect(got).toEqual(value);
    // toEqual treats 0 and -0 alike: check the sign explicitly.
    if (value === 0) expect(Object.is(got, value)).toBe(true);
    expect(itemLength(fromHex(hex), 0)).toBe(hex.length / 2);
  });

  it.each(rows.filter((r) => r.det))("encodes deterministically $hex", ({ hex, value }) => {
    expect(toHex(encodeCbor(value))).toBe(hex);
    expect(toHex(encodeCbor(decodeCbor(fromHex(hex), { requireDeterministic: true })))).toBe(hex);
  });

  it.each(rows.filter((r) => !r.det))("re-encodes $hex to its deterministic form", ({ hex }) => {
    const again = encodeCbor(decodeCbor(fromHex(hex)));
    expect(decodeCbor(again, { requireDeterministic: true })).toEqual(decodeCbor(fromHex(hex)));
  });
});
