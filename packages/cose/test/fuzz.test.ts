import { readFileSync } from "node:fs";
import { bytesEqual, fromHex, isRotkitError, nobleProvider, RotkitError } from "@rotkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { decodeCoseKey } from "../src/key.js";
import { verifyCoseMac } from "../src/mac.js";
import { verifyCoseMac0 } from "../src/mac0.js";
import { verifyCoseSign } from "../src/sign.js";
import { verifyCoseSign1 } from "../src/sign1.js";
import { exampleKey } from "./helpers/keys.js";

// DESIGN.md "Tests": every mutation of a valid message ends in a RotkitError, or in a successful verify only when
// the mutation hit something the signature / MAC does not cover (an unprotected header) — never a crash.

const wg = new URL("../../../test-vectors/cose-wg-examples/", import.meta.url).pathname;
const load = (f: string) => JSON.parse(readFileSync(wg + f, "utf8"));
const provider = nobleProvider();

type Verify = (b: Uint8Array) => Promise<Uint8Array>;

function vectors(): { name: string; bytes: Uint8Array; payload: Uint8Array; verify: Verify }[] {
  const out: { name: string; bytes: Uint8Array; payload: Uint8Array; verify: Verify }[] = [];
  const text = new TextEncoder().encode("This is the content.");
  for (const f of [
    "sign1-tests/sign-pass-02.json",
    "eddsa-examples/eddsa-sig-02.json",
    "ecdsa-examples/ecdsa-sig-04.json",
  ]) {
    const c = load(f);
    const key = exampleKey(c.input.sign0.key);
    const externalAad = c.input.sign0.external ? fromHex(c.input.sign0.external) : new Uint8Array(0);
    out.push({
      name: f,
      bytes: fromHex(c.output.cbor),
      payload: c.input.plaintext ? text : fromHex(c.input.plaintext_hex),
      verify: async (b) => (await verifyCoseSign1(b, { key, provider, externalAad })).payload,
    });
  }
  {
    const c = load("sign-tests/sign-pass-01.json");
    const keys = c.input.sign.signers.map((s: { key: unknown }) => exampleKey(s.key));
    out.push({
      name: "sign-tests/sign-pass-01.json",
      bytes: fromHex(c.output.cbor),
      payload: text,
      verify: async (b) => (await verifyCoseSign(b, { keys, provider })).payload,
    });
  }
  for (const f of ["mac0-tests/mac-pass-02.json", "cbc-mac-examples/cbc-mac-01.json"]) {
    const c = load(f);
    const layer = c.input.mac0 ?? c.input.mac;
    const k = exampleKey(layer.recipients[0].key);
    if (k.kty !== "Symmetric") throw new Error("test setup");
    const externalAad = layer.external ? fromHex(layer.external) : new Uint8Array(0);
    out.push({
      name: f,
      bytes: fromHex(c.output.cbor),
      payload: text,
      verify: c.input.mac0
        ? async (b) => (await verifyCoseMac0(b, { key: k.k, provider, externalAad })).payload
        : async (b) =>
            (
              await verifyCoseMac(b, {
                provider,
                externalAad,
                recipientKeys: [{ key: k.k, ...(k.kid ? { kid: k.kid } : {}) }],
              })
            ).payload,
    });
  }
  return out;
}

async function outcome(verify: Verify, b: Uint8Array, payload: Uint8Array): Promise<string> {
  try {
    const p = await verify(b);
    // A mutation that still verifies must not have changed what was signed.
    expect(bytesEqual(p, payload)).toBe(true);
    return "ok";
  } catch (e) {
    if (!(e instanceof RotkitError)) {
      throw new Error(
        `non-RotkitError ${String(e)} for ${Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")}`,
      );
    }
    return e.code;
  }
}

describe("mutation fuzzing of valid vectors", () => {
  for (const v of vectors()) {
    it(`${v.name}: every single-byte mutation and truncation ends in a RotkitError or an unchanged payload`, async () => {
      expect(await outcome(v.verify, v.bytes, v.payload)).toBe("ok");
      const codes: Record<string, number> = {};
      let ok = 0;
      for (const m of singleByteMutations(v.bytes)) {
        const r = await outcome(v.verify, m.bytes, v.payload);
        if (r === "ok") ok++;
        else codes[r] = (codes[r] ?? 0) + 1;
      }
      for (const t of truncations(v.bytes)) {
        const r = await outcome(v.verify, t, v.payload);
        expect(r).not.toBe("ok");
      }
      // Only bytes outside the protected bucket, payload, signature and structure can be changed harmlessly.
      expect(ok).toBeLessThan(v.bytes.length);
      expect(Object.keys(codes).every((c) => /^(COSE|CWT|CBOR|CRYPTO|INVALID)_/.test(c))).toBe(true);
    }, 120_000);
  }
});

describe("random bytes (fast-check)", () => {
  const c = load("sign1-tests/sign-pass-01.json");
  const key = exampleKey(c.input.sign0.key);

  it("verifyCoseSign1 / verifyCoseMac0 / decodeCoseKey only ever throw RotkitErrors on random input", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        for (const f of [
          () => verifyCoseSign1(bytes, { key, provider }),
          () => verifyCoseMac0(bytes, { key: new Uint8Array(32), provider }),
          async () => decodeCoseKey(bytes),
        ]) {
          try {
            await f();
          } catch (e) {
            if (!isRotkitError(e)) throw e;
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("random CBOR-shaped COSE_Sign1 arrays are rejected with COSE codes", async () => {
    const { encodeCbor, CborTag } = await import("@rotkit/core");
    const item = fc.oneof(
      fc.uint8Array({ maxLength: 70 }),
      fc.integer(),
      fc.string(),
      fc.constant(null),
      fc.constant(new Map<number, unknown>([[1, -7]])),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 5 }), fc.boolean(), async (arr, tagged) => {
        const bytes = encodeCbor((tagged ? new CborTag(18, arr as never) : arr) as never);
        try {
          await verifyCoseSign1(bytes, { key, provider });
          throw new Error("a random message verified");
        } catch (e) {
          if (!isRotkitError(e)) throw e;
          expect(e.code.startsWith("COSE_")).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
