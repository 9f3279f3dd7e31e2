import { readdirSync, readFileSync } from "node:fs";
import { CborTag, type CborValue, decodeCbor, isRotkitError, RotkitError } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { decodeEatClaims, decodeEatClaimsJson } from "../src/index.js";

// RFC 9711 §4 claims: one valid and at least one invalid case per claim, with the error code and the claim path.

const b = (n: number, first = 0x01) => {
  const x = new Uint8Array(n).fill(0xab);
  x[0] = first;
  return x;
};
const cbor = (label: number, v: CborValue) => decodeEatClaims(new Map<CborValue, CborValue>([[label, v]]));
const json = (name: string, v: unknown) => decodeEatClaimsJson({ [name]: v });

function rejects(fn: () => unknown, claim: string): void {
  try {
    fn();
  } catch (e) {
    expect(isRotkitError(e, "ATTEST_CLAIM_INVALID")).toBe(true);
    const err = e as RotkitError;
    expect(err.message).toContain(claim);
    expect(String(err.at)).toContain(claim);
    return;
  }
  throw new Error(`claim ${claim}: expected ATTEST_CLAIM_INVALID`);
}

const CASES: { name: string; label: number; valid: CborValue[]; invalid: CborValue[] }[] = [
  { name: "iss", label: 1, valid: ["joe"], invalid: [1, b(3)] },
  { name: "sub", label: 2, valid: ["dev"], invalid: [true] },
  { name: "aud", label: 3, valid: ["v"], invalid: [[]] },
  { name: "exp", label: 4, valid: [1700000000, 1.5], invalid: ["x", new CborTag(1, 5), 2n ** 64n] },
  { name: "nbf", label: 5, valid: [0], invalid: [null] },
  { name: "iat", label: 6, valid: [1526542894], invalid: [new CborTag(1, 1526542894)] },
  { name: "cti", label: 7, valid: [b(4)], invalid: ["x"] },
  {
    name: "nonce",
    label: 10,
    valid: [b(8), b(64), [b(8), b(32)]],
    invalid: [b(7), b(65), "abcdefgh", [b(8)], [b(8), 1]],
  },
  {
    name: "ueid",
    label: 256,
    valid: [b(33, 1), b(16, 1), b(7, 2), b(9, 2), b(7, 3)],
    invalid: [b(6), b(34), b(8, 2), b(9, 3), "x"],
  },
  {
    name: "sueids",
    label: 257,
    valid: [new Map([["a", b(17)]])],
    invalid: [new Map(), new Map([["a", b(2)]]), [b(17)]],
  },
  { name: "oemid", label: 258, valid: [64242, b(3), b(16)], invalid: [b(4), "acme", -1.5] },
  { name: "hwmodel", label: 259, valid: [b(1), b(32)], invalid: [new Uint8Array(0), b(33), "m"] },
  { name: "hwversion", label: 260, valid: [["3.1", 1], ["3.1"]], invalid: [[], [1, 1], ["1", "x"], ["1", 1, 2]] },
  { name: "uptime", label: 261, valid: [0, 3600], invalid: [-1, 1.5, "1"] },
  { name: "oemboot", label: 262, valid: [true, false], invalid: [1, "true"] },
  { name: "dbgstat", label: 263, valid: [0, 4], invalid: [5, -1, "enabled"] },
  {
    name: "location",
    label: 264,
    valid: [
      new Map<CborValue, CborValue>([
        [1, 52.1],
        [2, 4.3],
        [3, 10],
        [8, 1700000000],
        [9, 5],
      ]),
    ],
    invalid: [
      new Map([[1, 52.1]]),
      new Map<CborValue, CborValue>([
        [1, "n"],
        [2, 1],
      ]),
      new Map([
        [1, 1],
        [2, 1],
        [9, -1],
      ]),
      [1, 2],
    ],
  },
  {
    name: "eat_profile",
    label: 265,
    valid: ["urn:ietf:rfc:rfc9711", b(5), new CborTag(111, b(3))],
    invalid: ["not a uri", 3, new Uint8Array(0), new CborTag(24, b(1))],
  },
  {
    name: "submods",
    label: 266,
    valid: [
      new Map<CborValue, CborValue>([
        ["a", new Map([[262, true]])],
        ["b", b(40)],
        ["c", [-16, b(32)]],
        ["d", '["JWT","a.b.c"]'],
      ]),
    ],
    invalid: [
      new Map(),
      new Map([[1, new Map()]]),
      new Map([["a", 5]]),
      new Map([["a", [-16]]]),
      new Map([["a", "nope"]]),
      new Map([["a", new Map([[262, 1]])]]),
    ],
  },
  { name: "bootcount", label: 267, valid: [7], invalid: [-7] },
  { name: "bootseed", label: 268, valid: [b(32)], invalid: [new Uint8Array(0), "s"] },
  {
    name: "dloas",
    label: 269,
    valid: [[["https://dloa.example", "plat"]], [["https://r", "p", "app"]]],
    invalid: [[], [["r"]], "x"],
  },
  { name: "swname", label: 270, valid: ["Acme OS"], invalid: [b(2)] },
  { name: "swversion", label: 271, valid: [["3.5.5", 1], "Foo.app"], invalid: [[3], 5] },
  { name: "manifests", label: 272, valid: [[[258, b(10)]]], invalid: [[], [[70000, b(1)]], [[258]]] },
  { name: "measurements", label: 273, valid: [[[258, b(10)]]], invalid: [[["x", b(1)]]] },
  {
    name: "measres",
    label: 274,
    valid: [
      [
        [
          "sys",
          [
            ["all", 1],
            [b(2), 4],
          ],
        ],
      ],
    ],
    invalid: [[["sys", [["all", 5]]]], [["sys", []]], [[1, [["a", 1]]]]],
  },
  { name: "intuse", label: 275, valid: [1, 5], invalid: ["generic", 1.5] },
];

describe("EAT claims (CBOR): valid and invalid per claim", () => {
  for (const c of CASES) {
    it(`${c.name} (${c.label})`, () => {
      for (const v of c.valid) expect(() => cbor(c.label, v)).not.toThrow();
      for (const v of c.invalid) rejects(() => cbor(c.label, v), c.name);
    });
  }

  it("typed values", () => {
    const x = decodeEatClaims(
      new Map<CborValue, CborValue>([
        [10, b(8)],
        [256, b(7, 2)],
        [258, b(3)],
        [263, 3],
        [260, ["3.1", 1]],
        [265, "urn:ietf:rfc:rfc9711"],
        [-80000, "kept"],
      ]),
    );
    expect(x.nonce).toHaveLength(1);
    expect(x.ueid?.type).toBe("eui");
    expect(x.oemid).toEqual({ kind: "ieee", bytes: b(3) });
    expect(x.dbgstat).toBe("disabled-permanently");
    expect(x.hwversion).toEqual({ version: "3.1", scheme: 1 });
    expect(x.profile).toEqual({ uri: "urn:ietf:rfc:rfc9711" });
    expect((x.unknown as Map<CborValue, CborValue>).get(-80000)).toBe("kept");
  });

  it("a non-map claims-set is ATTEST_MALFORMED", () => {
    expect(() => decodeEatClaims([1])).toThrow(expect.objectContaining({ code: "ATTEST_MALFORMED" }));
    expect(() => decodeEatClaimsJson([1])).toThrow(expect.objectContaining({ code: "ATTEST_MALFORMED" }));
  });

  it("submodule nesting is bounded", () => {
    let m: CborValue = new Map([[262, true]]);
    for (let i = 0; i < 10; i++) m = new Map<CborValue, CborValue>([[266, new Map([["s", m]])]]);
    expect(() => decodeEatClaims(m, { maxSubmodDepth: 9 })).toThrow(
      expect.objectContaining({ code: "ATTEST_CLAIM_INVALID" }),
    );
    expect(() => decodeEatClaims(m, { maxSubmodDepth: 10 })).not.toThrow();
    // the default (8) refuses 10 levels, and names the path
    try {
      decodeEatClaims(m);
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(RotkitError);
      expect(String((e as RotkitError).at)).toMatch(/submods\/s/);
    }
  });
});

describe("EAT claims (JSON names)", () => {
  it("valid JSON forms", () => {
    const x = decodeEatClaimsJson({
      eat_nonce: "MIDBNH28iioisjPy",
      ueid: "AgAEizrK3Q",
      oemid: "iUWt",
      dbgstat: "disabled-since-boot",
      hwversion: ["1.0", 1],
      measres: [["sys", [["all", "success"]]]],
      submods: { a: { swname: "x" }, d: ["DIGEST", ["SHA-256", "ez_Tryy-bUSNtPuLBozj5kE4A7TVV2f5scPMsQMv_xo"]] },
      intuse: "generic",
      jti: "id",
      aud: ["a", "b"],
      private_claim: 1,
    });
    expect(x.ueid?.type).toBe("eui");
    expect(x.oemid?.kind).toBe("ieee");
    expect(x.dbgstat).toBe("disabled-since-boot");
    expect(x.submods?.d?.kind).toBe("digest");
    expect((x.unknown as Record<string, unknown>).private_claim).toBe(1);
  });
  it("invalid JSON forms name the claim", () => {
    rejects(() => json("eat_nonce", "short"), "nonce");
    rejects(() => json("ueid", "!!notb64"), "ueid");
    rejects(() => json("dbgstat", 3), "dbgstat");
    rejects(() => json("oemid", "AAAAAA"), "oemid");
    rejects(() => json("submods", { a: ["DIGEST", ["SHA-256"]] }), "submods");
    rejects(() => json("measres", [["s", [["a", 1]]]]), "measres");
  });
});

describe("RFC 9711 Appendix A claims-sets decode", () => {
  const root = new URL("../../../test-vectors/eat-rfc9711-examples/Example-Payloads/", import.meta.url).pathname;
  for (const f of readdirSync(root).filter((x) => /\.(cbor|json)$/.test(x))) {
    it(f, () => {
      const c = f.endsWith(".cbor")
        ? decodeEatClaims(decodeCbor(readFileSync(root + f)))
        : decodeEatClaimsJson(JSON.parse(readFileSync(root + f, "utf8")));
      expect(c.nonce?.length ?? 0).toBeGreaterThan(0);
    });
  }
  it("the pre-RFC ctoken claims-set is rejected (tagged iat)", () => {
    const bytes = readFileSync(new URL("../../../test-vectors/ctoken/token.cbor", import.meta.url).pathname);
    expect(() => decodeEatClaims(decodeCbor(bytes))).toThrow(expect.objectContaining({ code: "ATTEST_CLAIM_INVALID" }));
  });
});
