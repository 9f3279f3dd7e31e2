import { decodeCbor, encodeCbor, fromHex } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import {
  checkHeaders,
  decodeHeaders,
  decodeProtectedHeader,
  encodeProtectedHeader,
  protectedHeader,
} from "../src/headers.js";
import { code } from "./helpers/errors.js";

describe("headers (RFC 9052 §3)", () => {
  it("treats a zero-length protected bstr as an empty map and keeps received bytes", () => {
    expect(decodeProtectedHeader(new Uint8Array(0)).map.size).toBe(0);
    const bytes = fromHex("a10126");
    const p = decodeProtectedHeader(bytes);
    expect(p.bytes).toBe(bytes);
    expect(p.map.get(1)).toBe(-7);
    expect(decodeProtectedHeader(fromHex("a0")).map.size).toBe(0);
  });

  it("reads every 3- and 4-byte {1: alg} bucket as the general decoder does (the short path)", () => {
    const general = (b: Uint8Array): unknown => {
      try {
        return decodeCbor(b);
      } catch {
        return "refused";
      }
    };
    const mine = (b: Uint8Array): unknown => {
      try {
        return decodeProtectedHeader(b).map;
      } catch {
        return "refused";
      }
    };
    let taken = 0;
    for (let h = 0; h < 256; h++) {
      const three = Uint8Array.of(0xa1, 0x01, h);
      const g = general(three);
      // Every bucket the general decoder reads to a map with an int or text alg is read the same.
      if (g instanceof Map && (typeof g.get(1) === "number" || typeof g.get(1) === "string")) {
        expect(mine(three)).toEqual(g);
        taken++;
      } else expect(mine(three)).toBe("refused");
      for (let n = 0; n < 256; n++) {
        const four = Uint8Array.of(0xa1, 0x01, h, n);
        const g4 = general(four);
        if (g4 instanceof Map && (typeof g4.get(1) === "number" || typeof g4.get(1) === "string")) {
          expect(mine(four)).toEqual(g4);
        } else expect(mine(four)).toBe("refused");
      }
    }
    expect(taken).toBe(49); // 0..23, -1..-24 and the empty text string
    expect(decodeProtectedHeader(fromHex("a1013822")).map.get(1)).toBe(-35);
    expect(decodeProtectedHeader(fromHex("a1013806")).map.get(1)).toBe(-7); // not preferred: the general path
  });

  it("encodes an empty protected map as a zero-length bstr", () => {
    expect(encodeProtectedHeader(new Map()).length).toBe(0);
    expect(protectedHeader(new Map([[1, -7]])).bytes).toEqual(fromHex("a10126"));
  });

  it("rejects malformed protected buckets", async () => {
    expect(await code(() => decodeProtectedHeader(new Map([[1, -7]])))).toBe("COSE_BAD_HEADER");
    expect(await code(() => decodeProtectedHeader(fromHex("820126")))).toBe("COSE_BAD_HEADER");
    expect(await code(() => decodeProtectedHeader(fromHex("a101")))).toBe("COSE_BAD_HEADER");
    expect(await code(() => decodeProtectedHeader(fromHex("a1012600")))).toBe("COSE_BAD_HEADER");
    expect(await code(() => decodeProtectedHeader(fromHex("a201260126")))).toBe("COSE_DUPLICATE_HEADER");
    expect(await code(() => decodeProtectedHeader(fromHex("a10443313131")))).toBeUndefined();
    expect(await code(() => decodeProtectedHeader(fromHex("a10401")))).toBe("COSE_BAD_HEADER"); // kid not bstr
    expect(await code(() => decodeProtectedHeader(fromHex("a101f5")))).toBe("COSE_BAD_HEADER"); // alg bool
    expect(await code(() => decodeProtectedHeader(fromHex("a10320")))).toBe("COSE_BAD_HEADER"); // ctyp negative
    expect(await code(() => decodeProtectedHeader(fromHex("a1f401")))).toBe("COSE_BAD_HEADER"); // label bool
  });

  it("rejects a label in both buckets, unprotected crit, bad crit and IV with Partial IV", async () => {
    const p = encodeCbor(new Map([[1, -7]]));
    expect(await code(() => decodeHeaders(p, new Map([[1, -7]])))).toBe("COSE_DUPLICATE_HEADER");
    expect(await code(() => decodeHeaders(p, new Map([[2, [1]]])))).toBe("COSE_CRIT_UNSUPPORTED");
    const crit = (c: unknown, extra: [number | string, unknown][] = []) =>
      encodeCbor(new Map<never, never>([[1, -7], [2, c], ...extra] as never));
    expect(await code(() => decodeHeaders(crit([]), new Map()))).toBe("COSE_CRIT_UNSUPPORTED");
    expect(await code(() => decodeHeaders(crit([4]), new Map()))).toBe("COSE_CRIT_UNSUPPORTED"); // 4 absent
    expect(await code(() => decodeHeaders(crit([1]), new Map()))).toBeUndefined();
    expect(await code(() => decodeHeaders(crit(["reserved"], [["reserved", false]]), new Map()))).toBe(
      "COSE_CRIT_UNSUPPORTED",
    );
    expect(
      await code(() =>
        decodeHeaders(crit(["reserved"], [["reserved", false]]), new Map(), { criticalHeaders: ["reserved"] }),
      ),
    ).toBeUndefined();
    expect(await code(() => decodeHeaders(crit([-70000], [[-70000, 1]]), new Map()))).toBe("COSE_CRIT_UNSUPPORTED");
    expect(await code(() => decodeHeaders(crit(1), new Map()))).toBe("COSE_BAD_HEADER");
    expect(
      await code(() =>
        checkHeaders({
          protected: protectedHeader(new Map([[5, new Uint8Array(12)]])),
          unprotected: new Map([[6, new Uint8Array(1)]]),
        }),
      ),
    ).toBe("COSE_BAD_HEADER");
    expect(await code(() => decodeHeaders(p, 5))).toBe("COSE_BAD_HEADER");
  });
});
