import { fromBase64Url, fromHex, isRotkitError, toHex, utf8Encode } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { decompressEcPoint, isOnCurve } from "../src/ec-point.js";
import {
  type CoseKey,
  coseKeyFromJwk,
  coseKeyFromPublicKey,
  coseKeyToJwk,
  coseKeyToMap,
  decodeCoseKey,
  decodeCoseKeySet,
  encodeCoseKey,
  publicKeyFromCoseKey,
} from "../src/key.js";

// RFC 9052 §C.7.1 style key ("11" from the cose-wg KeySet).
const jwkP256 = {
  kty: "EC",
  kid: "11",
  crv: "P-256",
  x: "usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8",
  y: "IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4",
  d: "V8kgd2ZBRuh2dgyVINBUqpPDr7BOMGcF22CQMIUHtNM",
};

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isRotkitError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe("COSE_Key", () => {
  it("round-trips JWK -> COSE_Key -> CBOR -> COSE_Key -> JWK", () => {
    const k = coseKeyFromJwk(jwkP256);
    expect(k.kty).toBe("EC2");
    const bytes = encodeCoseKey(k);
    const back = decodeCoseKey(bytes);
    expect(back).toEqual(k);
    expect(coseKeyToJwk(back)).toEqual(jwkP256);
  });

  it("decodes a compressed point (y as bool) to the full point", () => {
    const k = coseKeyFromJwk(jwkP256) as Extract<CoseKey, { kty: "EC2" }>;
    const odd = ((k.y[31] as number) & 1) === 1;
    const m = coseKeyToMap(k);
    m.set(-3, odd);
    m.delete(-4);
    const d = decodeCoseKey(m) as Extract<CoseKey, { kty: "EC2" }>;
    expect(toHex(d.y)).toBe(toHex(k.y));
    m.set(-3, !odd);
    const other = decodeCoseKey(m) as Extract<CoseKey, { kty: "EC2" }>;
    expect(toHex(other.y)).not.toBe(toHex(k.y));
    expect(isOnCurve("P-256", other.x, other.y)).toBe(true);
  });

  it("decompresses on P-384 and P-521 and rejects an x off the curve", () => {
    for (const crv of ["P-384", "P-521"] as const) {
      const size = crv === "P-384" ? 48 : 66;
      // find an x on the curve by trying small values
      for (let i = 1; i < 50; i++) {
        const x = new Uint8Array(size);
        x[size - 1] = i;
        try {
          const y = decompressEcPoint(crv, x, true);
          expect(isOnCurve(crv, x, y)).toBe(true);
          expect((y[size - 1] as number) & 1).toBe(1);
          break;
        } catch (e) {
          expect(isRotkitError(e, "COSE_BAD_KEY")).toBe(true);
        }
      }
    }
  });

  it("rejects off-curve points, wrong lengths, unknown kty/crv and wrong member types", () => {
    const k = coseKeyToMap(coseKeyFromJwk(jwkP256));
    const bad1 = new Map(k);
    const y = (k.get(-3) as Uint8Array).slice();
    y[0] = (y[0] as number) ^ 1;
    bad1.set(-3, y);
    expect(code(() => decodeCoseKey(bad1))).toBe("COSE_BAD_KEY");
    const bad2 = new Map(k);
    bad2.set(-2, new Uint8Array(31));
    expect(code(() => decodeCoseKey(bad2))).toBe("COSE_BAD_KEY");
    expect(code(() => decodeCoseKey(new Map([[1, 9]])))).toBe("COSE_BAD_KEY");
    expect(
      code(() =>
        decodeCoseKey(
          new Map<unknown, unknown>([
            [1, 2],
            [-1, 8],
          ]) as never,
        ),
      ),
    ).toBe("COSE_BAD_KEY");
    expect(
      code(() =>
        decodeCoseKey(
          new Map<unknown, unknown>([
            [1, 4],
            [-1, "k"],
          ]) as never,
        ),
      ),
    ).toBe("COSE_BAD_KEY");
    expect(
      code(() =>
        decodeCoseKey(
          new Map<unknown, unknown>([
            [1, 4],
            [-1, new Uint8Array(0)],
          ]) as never,
        ),
      ),
    ).toBe("COSE_BAD_KEY");
    expect(
      code(() =>
        decodeCoseKey(
          new Map<unknown, unknown>([
            [1, 4],
            [-1, new Uint8Array(16)],
            [2, "kid"],
          ]) as never,
        ),
      ),
    ).toBe("COSE_BAD_KEY");
    expect(code(() => decodeCoseKey(fromHex("a2")))).toBe("COSE_BAD_KEY");
    expect(code(() => decodeCoseKey(fromHex("a201010101")))).toBe("COSE_BAD_KEY"); // duplicate key
    expect(code(() => decodeCoseKey(7))).toBe("COSE_BAD_KEY");
    expect(code(() => coseKeyFromJwk({ kty: "EC", crv: "P-256", x: "!!", y: "AA" }))).toBe("COSE_BAD_KEY");
    expect(code(() => coseKeyFromJwk({ kty: "EC", crv: "secp256k1", x: "AA", y: "AA" }))).toBe("COSE_BAD_KEY");
    expect(code(() => coseKeyFromJwk({ kty: "foo" }))).toBe("COSE_BAD_KEY");
  });

  it("converts OKP, RSA and symmetric keys", () => {
    const okp = coseKeyFromJwk({
      kty: "OKP",
      crv: "Ed25519",
      x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
      kid: "11",
    });
    expect(publicKeyFromCoseKey(okp)).toEqual({ kty: "OKP", crv: "Ed25519", x: (okp as { x: Uint8Array }).x });
    expect(decodeCoseKey(encodeCoseKey(okp))).toEqual(okp);
    const sym = coseKeyFromJwk({ kty: "oct", k: "hJtXIZ2uSN5kbQfbtTNWbg", kid: "our-secret", alg: "A128GCM" });
    expect(sym).toEqual({
      kty: "Symmetric",
      k: fromBase64Url("hJtXIZ2uSN5kbQfbtTNWbg"),
      kid: utf8Encode("our-secret"),
      alg: 1,
    });
    expect(code(() => publicKeyFromCoseKey(sym))).toBe("COSE_BAD_KEY");
    const rsa: CoseKey = {
      kty: "RSA",
      n: new Uint8Array([0xc3, 1, 2]),
      e: new Uint8Array([1, 0, 1]),
      d: new Uint8Array([5]),
    };
    expect(decodeCoseKey(encodeCoseKey(rsa))).toEqual(rsa);
    expect(coseKeyToJwk(rsa)).toEqual({ kty: "RSA", n: "wwEC", e: "AQAB", d: "BQ" });
    const pk = publicKeyFromCoseKey(coseKeyFromJwk(jwkP256));
    expect(coseKeyFromPublicKey(pk, { alg: -7 })).toMatchObject({ kty: "EC2", crv: "P-256", alg: -7 });
    expect(decodeCoseKeySet(encodeCoseKeySetBytes([okp, sym]))).toEqual([okp, sym]);
  });
});

function encodeCoseKeySetBytes(keys: CoseKey[]): Uint8Array {
  // [key, key]: array head 0x82 followed by each encoded key
  const parts = keys.map(encodeCoseKey);
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  out[0] = 0x80 + keys.length;
  let o = 1;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
