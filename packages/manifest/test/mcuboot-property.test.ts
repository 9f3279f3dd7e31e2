import { concatBytes, nobleProvider, RotkitError } from "@rotkit/core";
import {
  decodeMcubootImageUnverified,
  MCUBOOT_IMAGE_MAGIC,
  MCUBOOT_TLV_INFO_MAGIC,
  MCUBOOT_TLV_PROT_INFO_MAGIC,
  mcubootTlvName,
  verifyMcubootImage,
} from "@rotkit/manifest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Tlv, tlvArea, u32le } from "./mcuboot-fixtures.js";

// Property tests of the TLV parser and the header reader: any TLV list encodes and decodes back, areas are read
// exactly to their declared size, and arbitrary bytes end in a RotkitError or a decode whose views all lie inside
// the input.

const tlvArb: fc.Arbitrary<Tlv> = fc.record({
  type: fc.integer({ min: 0, max: 0xffff }),
  value: fc.uint8Array({ maxLength: 64 }),
});

function image(body: Uint8Array, prot: Tlv[] | undefined, unprot: Tlv[], trailing: Uint8Array): Uint8Array {
  const protArea = prot === undefined ? new Uint8Array(0) : tlvArea(MCUBOOT_TLV_PROT_INFO_MAGIC, prot);
  const header = new Uint8Array(32);
  header.set(u32le(MCUBOOT_IMAGE_MAGIC), 0);
  header.set([32, 0, protArea.length & 0xff, protArea.length >> 8], 8);
  header.set(u32le(body.length), 12);
  return concatBytes(header, body, protArea, tlvArea(MCUBOOT_TLV_INFO_MAGIC, unprot), trailing);
}

const strip = (tlvs: readonly { type: number; value: Uint8Array }[]) =>
  tlvs.map((t) => ({ type: t.type, value: t.value }));

describe("MCUboot TLV parser properties", () => {
  it("any protected and unprotected TLV lists round-trip with their areas, offsets and names", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.option(fc.array(tlvArb, { maxLength: 8 }), { nil: undefined }),
        fc.array(tlvArb, { maxLength: 8 }),
        fc.uint8Array({ maxLength: 40 }),
        (body, prot, unprot, trailing) => {
          const bytes = image(body, prot, unprot, trailing);
          const d = decodeMcubootImageUnverified(bytes);
          expect(d.body).toEqual(body);
          expect(strip(d.protectedTlvs)).toEqual(prot ?? []);
          expect(strip(d.unprotectedTlvs)).toEqual(unprot);
          expect(d.trailingLength).toBe(trailing.length);
          for (const t of [...d.protectedTlvs, ...d.unprotectedTlvs]) {
            expect(bytes[t.offset]).toBe(t.type & 0xff);
            expect(t.name).toBe(mcubootTlvName(t.type));
            expect(t.area).toBe(d.protectedTlvs.includes(t) ? "protected" : "unprotected");
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("an area whose declared size cuts a TLV is MCUBOOT_MALFORMED", () => {
    fc.assert(
      fc.property(fc.array(tlvArb, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 3 }), (tlvs, cut) => {
        const bytes = image(new Uint8Array(4), undefined, tlvs, new Uint8Array(8));
        const at = 32 + 4 + 2;
        const total = (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
        const shorter = total - cut; // a TLV header is 4 bytes, so this always lands inside the last TLV
        bytes.set([shorter & 0xff, shorter >> 8], at);
        expect(() => decodeMcubootImageUnverified(bytes)).toThrow(
          expect.objectContaining({ code: "MCUBOOT_MALFORMED" }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("arbitrary bytes behind a valid magic: a RotkitError or views inside the input, never a crash", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (tail) => {
        const bytes = concatBytes(u32le(MCUBOOT_IMAGE_MAGIC), tail);
        try {
          const d = decodeMcubootImageUnverified(bytes);
          expect(d.end).toBeLessThanOrEqual(bytes.length);
          expect(d.hashedLength).toBe(d.header.hdrSize + d.header.imgSize + d.header.protectTlvSize);
          for (const t of d.unprotectedTlvs) expect(t.offset + 4 + t.value.length).toBeLessThanOrEqual(d.end);
        } catch (e) {
          expect(e).toBeInstanceOf(RotkitError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("verify on small random images with valid framing: only RotkitErrors", async () => {
    const provider = nobleProvider();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 16 }),
        fc.option(fc.array(tlvArb, { maxLength: 4 }), { nil: undefined }),
        fc.array(tlvArb, { maxLength: 4 }),
        async (body, prot, unprot) => {
          try {
            await verifyMcubootImage(image(body, prot, unprot, new Uint8Array(0)), {
              provider,
              requireSignature: false,
            });
            throw new Error("a random image verified");
          } catch (e) {
            expect(e).toBeInstanceOf(RotkitError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
