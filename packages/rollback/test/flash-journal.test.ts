import { utf8Decode, utf8Encode } from "@rotkit/core";
import { encodeRecord, FlashJournal, MemoryFlash } from "@rotkit/rollback";
import { describe, expect, it } from "vitest";
import { singleByteMutations } from "../../core/test/helpers/mutate.js";

const code = (c: string) => expect.objectContaining({ code: c });
const text = (p: Uint8Array | undefined) => (p === undefined ? undefined : utf8Decode(p));

describe("FlashJournal", () => {
  it("reads nothing from erased flash, then the newest payload, also after reopening", async () => {
    const flash = new MemoryFlash({ size: 4096, eraseSize: 1024, writeSize: 8 });
    const j = await FlashJournal.open(flash);
    expect(await j.load()).toBeUndefined();
    await j.save(utf8Encode("one"));
    await j.save(utf8Encode("two"));
    expect(text(await j.load())).toBe("two");
    expect(text(await (await FlashJournal.open(flash)).load())).toBe("two");
    expect(flash.writes).toBe(2);
  });

  it("appends within a sector and erases one sector per turn of the ring (wear spread)", async () => {
    const flash = new MemoryFlash({ size: 4 * 256, eraseSize: 256, writeSize: 4 });
    const j = await FlashJournal.open(flash);
    const payload = new Uint8Array(30); // 44-byte records: 5 per sector
    for (let i = 0; i < 400; i++) {
      payload[0] = i & 0xff;
      await j.save(payload);
    }
    const erases = flash.eraseCounts();
    expect(Math.max(...erases) - Math.min(...erases)).toBeLessThanOrEqual(1);
    // 400 records, 5 per sector: 80 sector starts, of which the first 4 find their sector erased already.
    expect(erases.reduce((a, b) => a + b, 0)).toBe(76);
    expect((await (await FlashJournal.open(flash)).load())?.[0]).toBe(399 & 0xff);
  });

  it("uses only its region", async () => {
    const flash = new MemoryFlash({ size: 8 * 128, eraseSize: 128 });
    const j = await FlashJournal.open(flash, { offset: 256, sectors: 2 });
    for (let i = 0; i < 50; i++) await j.save(utf8Encode(`value ${i}`));
    const s = flash.snapshot();
    expect(s.subarray(0, 256).every((b) => b === 0xff)).toBe(true);
    expect(s.subarray(512).every((b) => b === 0xff)).toBe(true);
    expect(text(await (await FlashJournal.open(flash, { offset: 256, sectors: 2 })).load())).toBe("value 49");
  });

  it("works on flash that erases to 0x00 and with 16-byte program units", async () => {
    const flash = new MemoryFlash({ size: 2048, eraseSize: 512, writeSize: 16, erasedValue: 0 });
    const j = await FlashJournal.open(flash);
    for (let i = 0; i < 100; i++) await j.save(utf8Encode(`v${i}`));
    expect(text(await (await FlashJournal.open(flash)).load())).toBe("v99");
  });

  it("refuses geometries and regions it cannot use", async () => {
    const flash = new MemoryFlash({ size: 1024, eraseSize: 512 });
    await expect(FlashJournal.open(flash, { sectors: 1 })).rejects.toThrow(code("INVALID_ARGUMENT"));
    await expect(FlashJournal.open(flash, { offset: 100 })).rejects.toThrow(code("INVALID_ARGUMENT"));
    await expect(FlashJournal.open(flash, { offset: 512, sectors: 2 })).rejects.toThrow(code("INVALID_ARGUMENT"));
    const tiny = new MemoryFlash({ size: 32, eraseSize: 8 });
    await expect(FlashJournal.open(tiny)).rejects.toThrow(code("INVALID_ARGUMENT"));
    const j = await FlashJournal.open(flash);
    await expect(j.save(new Uint8Array(j.maxPayload + 1))).rejects.toThrow(code("INVALID_ARGUMENT"));
    await j.save(new Uint8Array(j.maxPayload));
    expect((await j.load())?.length).toBe(498);
  });

  it("reports data without any valid record outside the first sector as COUNTER_CORRUPT; format clears it", async () => {
    const flash = new MemoryFlash({ size: 1024, eraseSize: 256 });
    flash.write(300, Uint8Array.of(0x12, 0x34));
    await expect(FlashJournal.open(flash)).rejects.toThrow(code("COUNTER_CORRUPT"));
    await FlashJournal.format(flash);
    expect(await (await FlashJournal.open(flash)).load()).toBeUndefined();
  });

  it("treats garbage confined to the first sector as never written (a torn first write)", async () => {
    const flash = new MemoryFlash({ size: 1024, eraseSize: 256 });
    flash.write(0, encodeRecord(1, utf8Encode("first")).subarray(0, 9));
    const j = await FlashJournal.open(flash);
    expect(await j.load()).toBeUndefined();
    await j.save(utf8Encode("again"));
    expect(text(await (await FlashJournal.open(flash)).load())).toBe("again");
  });

  it("rejects two different records with one sequence number", async () => {
    const flash = new MemoryFlash({ size: 1024, eraseSize: 256 });
    flash.write(0, encodeRecord(5, utf8Encode("a")));
    flash.write(256, encodeRecord(5, utf8Encode("b")));
    await expect(FlashJournal.open(flash)).rejects.toThrow(code("COUNTER_CORRUPT"));
  });

  it("wraps a flash driver's own exceptions as COUNTER_IO and recovers on the next call", async () => {
    const flash = new MemoryFlash({ size: 1024, eraseSize: 256 });
    let failing = false;
    const driver = {
      size: flash.size,
      eraseSize: flash.eraseSize,
      writeSize: flash.writeSize,
      erasedValue: flash.erasedValue,
      read: (o: number, l: number) => flash.read(o, l),
      erase: (o: number, l: number) => flash.erase(o, l),
      write: (o: number, d: Uint8Array) => {
        if (failing) throw new Error("bus fault");
        flash.write(o, d);
      },
    };
    const j = await FlashJournal.open(driver);
    await j.save(utf8Encode("kept"));
    failing = true;
    await expect(j.save(utf8Encode("lost"))).rejects.toThrow(code("COUNTER_IO"));
    failing = false;
    expect(text(await j.load())).toBe("kept");
    await j.save(utf8Encode("next"));
    expect(text(await (await FlashJournal.open(flash)).load())).toBe("next");
  });

  it("rescans after an error even when the failed write did land (no second record with the same sequence)", async () => {
    const flash = new MemoryFlash({ size: 1024, eraseSize: 256 });
    let lostAck = false;
    const driver = Object.assign(Object.create(flash) as MemoryFlash, {
      read: (o: number, l: number) => flash.read(o, l),
      erase: (o: number, l: number) => flash.erase(o, l),
      write: (o: number, d: Uint8Array) => {
        flash.write(o, d);
        if (lostAck) throw new Error("timeout waiting for the flash controller");
      },
    });
    const j = await FlashJournal.open(driver);
    await j.save(utf8Encode("a"));
    lostAck = true;
    await expect(j.save(utf8Encode("b"))).rejects.toThrow(code("COUNTER_IO"));
    lostAck = false;
    expect(text(await j.load())).toBe("b");
    await j.save(utf8Encode("c"));
    expect(text(await (await FlashJournal.open(flash)).load())).toBe("c");
  });

  it("detects a write that does not read back", async () => {
    const flash = new MemoryFlash({ size: 1024, eraseSize: 256 });
    const driver = Object.assign(Object.create(flash) as MemoryFlash, {
      write: (o: number, d: Uint8Array) =>
        flash.write(
          o,
          d.map((b, i) => (i === 3 ? b ^ 1 : b)),
        ),
      read: (o: number, l: number) => flash.read(o, l),
      erase: (o: number, l: number) => flash.erase(o, l),
    });
    const j = await FlashJournal.open(driver);
    await expect(j.save(utf8Encode("x"))).rejects.toThrow(code("COUNTER_IO"));
  });

  it("falls back to an older payload or reports COUNTER_CORRUPT for every single-byte flip of a journal image", async () => {
    const flash = new MemoryFlash({ size: 4 * 64, eraseSize: 64, writeSize: 4 });
    const j = await FlashJournal.open(flash);
    const written = new Set<string>();
    for (let i = 0; i < 9; i++) {
      await j.save(utf8Encode(`s${i}`));
      written.add(`s${i}`);
    }
    const image = flash.snapshot();
    let fallbacks = 0;
    for (const m of singleByteMutations(image, [0x01, 0x80, 0xff])) {
      const copy = new MemoryFlash({ size: 256, eraseSize: 64, writeSize: 4, contents: m.bytes });
      try {
        const got = text(await (await FlashJournal.open(copy)).load());
        expect(written.has(got as string)).toBe(true);
        if (got !== "s8") fallbacks++;
      } catch (e) {
        expect(e).toEqual(code("COUNTER_CORRUPT"));
      }
    }
    expect(fallbacks).toBeGreaterThan(0);
  });
});
