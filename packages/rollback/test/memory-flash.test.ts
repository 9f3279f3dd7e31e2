import { MemoryFlash } from "@rotkit/rollback";
import { describe, expect, it } from "vitest";

const code = (c: string) => expect.objectContaining({ code: c });

describe("MemoryFlash", () => {
  it("starts erased and reads back what was written", () => {
    const f = new MemoryFlash({ size: 64, eraseSize: 32, writeSize: 4 });
    expect(Array.from(f.read(0, 8))).toEqual(new Array(8).fill(0xff));
    f.write(4, Uint8Array.of(1, 2, 3, 4));
    expect(Array.from(f.read(0, 8))).toEqual([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]);
    expect(f.writes).toBe(1);
  });

  it("refuses writes to bytes that are not erased, like NOR flash", () => {
    const f = new MemoryFlash({ size: 64, eraseSize: 32 });
    f.write(0, Uint8Array.of(0xf0));
    expect(() => f.write(0, Uint8Array.of(0x00))).toThrow(code("COUNTER_IO"));
    expect(() => f.write(0, Uint8Array.of(0xff))).toThrow(code("COUNTER_IO"));
    expect(f.read(0, 1)[0]).toBe(0xf0);
    f.erase(0, 32);
    f.write(0, Uint8Array.of(0x00));
    expect(f.read(0, 1)[0]).toBe(0x00);
    expect(f.eraseCounts()).toEqual([1, 0]);
  });

  it("refuses unaligned and out-of-range operations", () => {
    const f = new MemoryFlash({ size: 64, eraseSize: 32, writeSize: 8 });
    expect(() => f.write(4, new Uint8Array(8))).toThrow(code("INVALID_ARGUMENT"));
    expect(() => f.write(0, new Uint8Array(4))).toThrow(code("INVALID_ARGUMENT"));
    expect(() => f.write(64, new Uint8Array(8))).toThrow(code("INVALID_ARGUMENT"));
    expect(() => f.erase(16, 32)).toThrow(code("INVALID_ARGUMENT"));
    expect(() => f.read(60, 8)).toThrow(code("INVALID_ARGUMENT"));
    expect(() => new MemoryFlash({ size: 60, eraseSize: 32 })).toThrow(code("INVALID_ARGUMENT"));
    expect(() => new MemoryFlash({ size: 64, eraseSize: 32, writeSize: 3 })).toThrow(code("INVALID_ARGUMENT"));
  });

  it("cuts power inside a write: a prefix of whole units lands, then the part is off until powerOn", () => {
    const f = new MemoryFlash({ size: 64, eraseSize: 32, writeSize: 4 });
    f.schedulePowerCut({ completedUnits: 1 });
    expect(() => f.write(0, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))).toThrow(code("COUNTER_IO"));
    expect(f.powered).toBe(false);
    expect(() => f.read(0, 4)).toThrow(code("COUNTER_IO"));
    f.powerOn();
    expect(Array.from(f.read(0, 8))).toEqual([1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff]);
  });

  it("can leave one unit of garbage after the completed prefix", () => {
    const f = new MemoryFlash({ size: 64, eraseSize: 32, writeSize: 4, seed: 7 });
    f.schedulePowerCut({ completedUnits: 1, garbage: true });
    expect(() => f.write(0, new Uint8Array(12).fill(0x11))).toThrow(code("COUNTER_IO"));
    f.powerOn();
    const after = f.read(0, 12);
    expect(Array.from(after.subarray(0, 4))).toEqual([0x11, 0x11, 0x11, 0x11]);
    expect(Array.from(after.subarray(8))).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(Array.from(after.subarray(4, 8))).not.toEqual([0x11, 0x11, 0x11, 0x11]);
  });

  it("counts operations before the cut and cuts erases too", () => {
    const f = new MemoryFlash({ size: 64, eraseSize: 32 });
    f.write(0, new Uint8Array(32).fill(0));
    f.schedulePowerCut({ afterOperations: 1, completedUnits: 10 });
    f.write(32, Uint8Array.of(0));
    expect(() => f.erase(0, 32)).toThrow(code("COUNTER_IO"));
    f.powerOn();
    const s = f.snapshot();
    expect(Array.from(s.subarray(0, 10))).toEqual(new Array(10).fill(0xff));
    expect(Array.from(s.subarray(10, 32))).toEqual(new Array(22).fill(0));
    expect(f.cancelPowerCut()).toBe(false);
  });

  it("completes the operation but still loses power when the cut is past its end", () => {
    const f = new MemoryFlash({ size: 64, eraseSize: 32 });
    f.schedulePowerCut({ completedUnits: 100, garbage: true });
    expect(() => f.write(0, Uint8Array.of(1, 2))).toThrow(code("COUNTER_IO"));
    f.powerOn();
    expect(Array.from(f.read(0, 3))).toEqual([1, 2, 0xff]);
  });
});
