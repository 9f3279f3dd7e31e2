import * as zlib from "node:zlib";
import { fromHex, RotkitError, utf8Encode } from "@rotkit/core";
import {
  crc32,
  decodeRecord,
  encodeRecord,
  MAX_RECORD_SEQUENCE,
  parseRecord,
  RECORD_MAGIC,
  RECORD_OVERHEAD,
  recordHeaderPayloadLength,
} from "@rotkit/rollback";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";

const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

describe("crc32", () => {
  it("matches the IEEE check value and known vectors", () => {
    expect(crc32(utf8Encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(utf8Encode("The quick brown fox jumps over the lazy dog"))).toBe(0x414fa339);
    expect(crc32(fromHex("00"))).toBe(0xd202ef8d);
  });

  it("covers a sub-range only", () => {
    const b = utf8Encode("xx123456789yy");
    expect(crc32(b, 2, 11)).toBe(0xcbf43926);
  });

  it.skipIf(zlibCrc32 === undefined)("agrees with zlib on random input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc32(bytes)).toBe((zlibCrc32 as (d: Uint8Array) => number)(bytes));
      }),
    );
  });
});

describe("journal record codec", () => {
  it("lays out magic, sequence, length, payload and CRC big-endian", () => {
    const rec = encodeRecord(0x01020304, fromHex("aabb"));
    expect(rec.length).toBe(RECORD_OVERHEAD + 2);
    const dv = new DataView(rec.buffer);
    expect(dv.getUint32(0)).toBe(RECORD_MAGIC);
    expect(Array.from(rec.subarray(0, 12))).toEqual([0x52, 0x4b, 0x4a, 0x31, 1, 2, 3, 4, 0, 2, 0xaa, 0xbb]);
    expect(dv.getUint32(12)).toBe(crc32(rec, 0, 12));
  });

  it("pads to the program unit with the erased value", () => {
    const rec = encodeRecord(1, fromHex("01"), 16, 0x00);
    expect(rec.length).toBe(16);
    expect(Array.from(rec.subarray(15))).toEqual([0]);
    expect(parseRecord(rec)).toEqual({ sequence: 1, payload: fromHex("01") });
  });

  it("refuses sequence numbers outside 1..2^32-2 and oversized payloads", () => {
    for (const s of [0, MAX_RECORD_SEQUENCE + 1, 1.5]) {
      expect(() => encodeRecord(s, new Uint8Array(0))).toThrow(expect.objectContaining({ code: "COUNTER_IO" }));
    }
    expect(() => encodeRecord(1, new Uint8Array(0x10000))).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });

  it("round-trips any payload and sequence", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_RECORD_SEQUENCE }),
        fc.uint8Array({ maxLength: 200 }),
        (seq, payload) => {
          expect(decodeRecord(encodeRecord(seq, payload))).toEqual({ sequence: seq, payload });
        },
      ),
    );
  });

  it("rejects a header whose length exceeds the caller's bound", () => {
    const rec = encodeRecord(7, new Uint8Array(40));
    expect(recordHeaderPayloadLength(rec)).toBe(40);
    expect(recordHeaderPayloadLength(rec, 39)).toBeUndefined();
    expect(() => decodeRecord(rec, 39)).toThrow(expect.objectContaining({ code: "COUNTER_CORRUPT" }));
  });

  it("turns every single-byte mutation and every truncation into COUNTER_CORRUPT", () => {
    const rec = encodeRecord(42, utf8Encode("state: counters and more"));
    const flipped = expectOnlyRotkitErrors((b) => decodeRecord(b), singleByteMutations(rec));
    expect(flipped.ok).toBe(0);
    expect(Object.keys(flipped.codes)).toEqual(["COUNTER_CORRUPT"]);
    const cut = expectOnlyRotkitErrors((b) => decodeRecord(b), truncations(rec));
    expect(cut.ok).toBe(0);
    expect(Object.keys(cut.codes)).toEqual(["COUNTER_CORRUPT"]);
    expect(() => decodeRecord(new Uint8Array([...rec, 0]))).toThrow(RotkitError);
  });

  it("never crashes on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expectOnlyRotkitErrors((b) => decodeRecord(b), [bytes]);
      }),
    );
  });
});
