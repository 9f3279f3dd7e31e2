import { fromBase64Url, fromHex, isRotkitError, toBase64Url, toHex, utf8Decode, utf8Encode } from "@rotkit/core";
import { describe, expect, it } from "vitest";

describe("bytes", () => {
  it("round-trips hex", () => {
    expect(toHex(fromHex("00ff10AB"))).toBe("00ff10ab");
  });
  it("rejects bad utf-8 with a RotkitError", () => {
    try {
      utf8Decode(Uint8Array.of(0xc0, 0x80));
      expect.unreachable();
    } catch (e) {
      expect(isRotkitError(e, "ENCODING_INVALID")).toBe(true);
    }
    expect(utf8Decode(utf8Encode("héllo €𝄞"))).toBe("héllo €𝄞");
  });
  it("base64url", () => {
    expect(toBase64Url(fromBase64Url("AQID"))).toBe("AQID");
  });
});
