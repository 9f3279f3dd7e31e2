import { encodeCbor, fromHex } from "@rotkit/core";
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
