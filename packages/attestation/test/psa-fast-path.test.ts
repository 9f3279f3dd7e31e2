import { readdirSync, readFileSync } from "node:fs";
import { CborTag, decodeCbor, encodeCbor, utf8Encode } from "@rotkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { decodePsaClaims, type PsaClaims } from "../src/psa/claims.js";
import { encodePsaClaimsMap, type PsaClaimsInput } from "../src/psa/create.js";
import { fastCoseOuter, fastPsaClaims } from "../src/psa/fast-claims.js";
import { PSA_PROFILE_2_0_0, PSA_PROFILE_LEGACY, PSA_PROFILE_TFM, type PsaProfile } from "../src/psa/profiles.js";

// The one-pass claims reader (src/psa/fast-claims.ts) stands in for decodeCbor + decodePsaClaims on common tokens.
// It must never accept what the general path refuses, and must build exactly the claims the general path builds.
// Checked on every PSA claims-set among the vectors, on every single-byte mutation and truncation of them, under
// every profile a caller may require, and on generated claims-sets inside and around the subset it covers.

const V = new URL("../../../test-vectors/", import.meta.url).pathname;
const read = (p: string) => new Uint8Array(readFileSync(V + p));

/** The profiles a caller may require (undefined: the token's own), including one rotkit does not know. */
const REQUIRED: (PsaProfile | undefined)[] = [
  undefined,
  PSA_PROFILE_TFM,
  PSA_PROFILE_2_0_0,
  PSA_PROFILE_LEGACY,
  "tag:example.com,2024:other" as PsaProfile,
];

function general(bytes: Uint8Array, profile: PsaProfile | undefined): { value?: PsaClaims; error?: unknown } {
  try {
    return { value: decodePsaClaims(decodeCbor(bytes, { zeroCopy: true }), profile) };
  } catch (e) {
    return { error: e };
  }
}

/** Compares the fast reader with the general path; returns whether the fast reader took the bytes. */
function sameAsGeneral(bytes: Uint8Array, profile: PsaProfile | undefined): boolean {
  const fast = fastPsaClaims(bytes, profile);
  if (fast === undefined) return false;
  const reference = general(bytes, profile);
  expect(reference.error).toBeUndefined();
  expect(fast).toEqual(reference.value);
  return true;
}

/** The payload of a COSE_Sign1 / COSE_Mac0, tagged or not. */
function payloadOf(token: Uint8Array): Uint8Array {
  const top = decodeCbor(token);
  if (top instanceof Map) return token; // psa-token-draft/psa-token.cbor is the bare claims-set
  const items = (top instanceof CborTag ? top.value : top) as Uint8Array[];
  return items[2] as Uint8Array;
}

/** Claims-sets among the vectors: bare ones and the payloads of signed and MACed tokens. */
function vectorClaimsSets(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const dirs = ["psatoken-veraison/cbor", "psa-token-draft/test"];
  for (const d of dirs) {
    for (const f of readdirSync(V + d).filter((x) => x.endsWith(".cbor")))
      out.push({ name: `${d}/${f}`, bytes: read(`${d}/${f}`) });
  }
  const tokens = [
    "psatoken-veraison/tf-m/psa-2_0_0_sign1.bin",
    "psatoken-veraison/tf-m/psa-2_0_0_mac0.bin",
    "psatoken-veraison/tf-m/psa-iot-1_sign1.bin",
    "psatoken-veraison/tf-m/psa-iot-1_mac0.bin",
    "psa-token-draft/psa-token.cbor",
    "psa-token-draft/psa-mac0.cbor",
  ];
  for (const t of tokens) {
    out.push({ name: `${t} payload`, bytes: payloadOf(read(t)) });
  }
  return out;
}

const b = (n: number, fill = 0x11) => new Uint8Array(n).fill(fill);
const instanceId = Uint8Array.of(0x01, ...b(32, 0x22));

describe("PSA fast claims reader", () => {
  it("builds the general path's claims for the vectors, and accepts nothing alone among their mutants", () => {
    let taken = 0;
    let mutantsTaken = 0;
    for (const { bytes } of vectorClaimsSets()) {
      for (const profile of REQUIRED) {
        if (sameAsGeneral(bytes, profile)) taken++;
      }
      for (const m of singleByteMutations(bytes)) if (sameAsGeneral(m.bytes, undefined)) mutantsTaken++;
      for (const m of truncations(bytes)) if (sameAsGeneral(m, undefined)) mutantsTaken++;
    }
    // The TF-M / 2.0.0 claims-sets that validate are in the subset (legacy and invalid ones are not).
    expect(taken).toBeGreaterThanOrEqual(6);
    expect(mutantsTaken).toBeGreaterThan(300);
  });

  it("reads the outer COSE structure of the tokens as the general decoder does, and nothing else", () => {
    let taken = 0;
    let mutantsTaken = 0;
    const same = (bytes: Uint8Array): boolean => {
      const fast = fastCoseOuter(bytes);
      if (fast === undefined) return false;
      expect(fast).toEqual(decodeCbor(bytes, { zeroCopy: true }));
      return true;
    };
    for (const t of [
      "psatoken-veraison/tf-m/psa-2_0_0_sign1.bin",
      "psatoken-veraison/tf-m/psa-2_0_0_mac0.bin",
      "psatoken-veraison/tf-m/psa-iot-1_sign1.bin",
      "psa-token-draft/psa-mac0.cbor",
    ]) {
      if (same(read(t))) taken++;
      for (const m of singleByteMutations(read(t))) if (same(m.bytes)) mutantsTaken++;
      for (const m of truncations(read(t))) expect(fastCoseOuter(m)).toBeUndefined();
    }
    expect(taken).toBe(4);
    expect(mutantsTaken).toBeGreaterThan(1000);
    // A kid in the unprotected bucket, or no tag: the general decoder's to read.
    expect(
      fastCoseOuter(encodeCbor(new CborTag(18, [Uint8Array.of(0xa1, 1, 0x26), new Map([[4, b(4)]]), b(8), b(64)]))),
    ).toBe(undefined);
    expect(fastCoseOuter(encodeCbor([Uint8Array.of(0xa1, 1, 0x26), new Map(), b(8), b(64)]))).toBeUndefined();
  });

  it("takes the real TF-M token and the RFC 9783 example", () => {
    for (const t of ["psatoken-veraison/tf-m/psa-2_0_0_sign1.bin", "psa-token-draft/psa-token.cbor"]) {
      expect(sameAsGeneral(payloadOf(read(t)), undefined), t).toBe(true);
    }
  });

  it("leaves the legacy profile, unknown claims, duplicates and non-preferred encodings to the general path", () => {
    const legacy = encodeCbor(
      encodePsaClaimsMap({
        profile: PSA_PROFILE_LEGACY,
        nonce: b(32),
        instanceId,
        implementationId: b(32),
        clientId: 1,
        securityLifecycle: 0x3000,
        bootSeed: b(32),
        softwareComponents: [{ measurementValue: b(32), signerId: b(32) }],
      }),
    );
    expect(fastPsaClaims(legacy, undefined)).toBeUndefined();
    expect(general(legacy, undefined).value?.profile).toBe(PSA_PROFILE_LEGACY);

    const base = encodePsaClaimsMap({
      nonce: b(32),
      instanceId,
      implementationId: b(32),
      clientId: 1,
      securityLifecycle: 0x3000,
      softwareComponents: [{ measurementValue: b(32), signerId: b(32) }],
    });
    expect(sameAsGeneral(encodeCbor(base), undefined)).toBe(true);
    // An unknown claim is valid (RFC 9711 §4) but outside the subset.
    const unknown = encodeCbor(new Map([...base, [-70000, "x"]]));
    expect(fastPsaClaims(unknown, undefined)).toBeUndefined();
    expect(general(unknown, undefined).value).toBeDefined();
    // A duplicate claim (hand-built: a Map cannot hold one) is the general decoder's CBOR_DUPLICATE_KEY.
    const enc = encodeCbor(base);
    const dup = Uint8Array.of((enc[0] as number) + 1, ...enc.subarray(1), 0x0a, 0x58, 0x20, ...b(32));
    expect(fastPsaClaims(dup, undefined)).toBeUndefined();
    expect(general(dup, undefined).error).toMatchObject({ code: "CBOR_DUPLICATE_KEY" });
    // clientId (key 2394 = 19095a) 1 as a two-byte head 1801: well-formed, valid, not preferred.
    const at = enc.findIndex((_, j) => enc[j] === 0x19 && enc[j + 1] === 0x09 && enc[j + 2] === 0x5a);
    expect(enc[at + 3]).toBe(0x01);
    const longHead = Uint8Array.of(...enc.subarray(0, at + 3), 0x18, 0x01, ...enc.subarray(at + 4));
    expect(general(longHead, undefined).value?.clientId).toBe(1);
    expect(fastPsaClaims(longHead, undefined)).toBeUndefined();
  });

  it("matches the general path on generated claims-sets, inside and around its subset", () => {
    const mostly = <T>(inside: fc.Arbitrary<T>, outside: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: inside, weight: 12 }, { arbitrary: outside, weight: 1 });
    const hashLen = mostly(fc.constantFrom(32, 48, 64), fc.integer({ min: 0, max: 70 }));
    const hash = hashLen.chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
    const ascii = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 60,
    });
    const text = mostly(ascii, fc.string({ unit: "grapheme", maxLength: 8 }));
    const digits = (n: number) =>
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(""));
    const cert = mostly(
      fc.oneof(
        fc.tuple(digits(13), digits(5)).map(([a, c]) => `${a}-${c}`),
        digits(13),
      ),
      fc.oneof(
        ascii,
        digits(12),
        fc.tuple(digits(13), digits(5)).map(([a, c]) => `${a}_${c}`),
      ),
    );
    const fields = {
      measurementType: text,
      measurementValue: hash,
      version: text,
      signerId: hash,
      measurementDesc: text,
    };
    const component = mostly(
      fc.record(fields, { requiredKeys: ["measurementValue", "signerId"] }),
      fc.record(fields, { requiredKeys: [] }),
    );
    const profile = mostly(fc.constantFrom(PSA_PROFILE_TFM, PSA_PROFILE_2_0_0), fc.constant(PSA_PROFILE_LEGACY));
    const input = fc.record({
      profile,
      nonce: hash,
      instanceId: mostly(fc.constant(instanceId), fc.uint8Array({ minLength: 32, maxLength: 34 })),
      implementationId: mostly(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 33 })),
      clientId: mostly(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.oneof(fc.constant(0), fc.constant(2 ** 31), fc.constant(-(2 ** 31) - 1), fc.maxSafeInteger()),
      ),
      securityLifecycle: mostly(
        fc.integer({ min: 0, max: 6 }).chain((m) => fc.integer({ min: m << 12, max: (m << 12) | 0xff })),
        fc.integer({ min: -5, max: 0x10000 }),
      ),
      bootSeed: fc.option(mostly(fc.uint8Array({ minLength: 8, maxLength: 32 }), fc.uint8Array({ maxLength: 40 })), {
        nil: undefined,
      }),
      certificationReference: fc.option(cert, { nil: undefined }),
      softwareComponents: mostly(
        fc.array(component, { minLength: 1, maxLength: 4 }),
        fc.array(component, { maxLength: 0 }),
      ),
      verificationServiceIndicator: fc.option(text, { nil: undefined }),
    });
    const extra = mostly(
      fc.constant(undefined),
      fc.tuple(fc.constantFrom(268, 2397, 1, -75008, 999999), fc.oneof(fc.uint8Array({ maxLength: 40 }), ascii)),
    );
    const required = mostly(fc.constant(undefined), fc.constantFrom(...REQUIRED));
    let taken = 0;
    fc.assert(
      fc.property(input, extra, required, (claims, more, required) => {
        const map = encodePsaClaimsMap(claims as PsaClaimsInput);
        if (more !== undefined && !map.has(more[0])) map.set(more[0], more[1]);
        const bytes = encodeCbor(map);
        if (sameAsGeneral(bytes, required)) taken++;
        // Text, not bytes, where a byte string belongs (and the reverse) must be refused alike.
        const swapped = encodeCbor(new Map([...map].map(([k, v]) => [k, typeof v === "string" ? utf8Encode(v) : v])));
        sameAsGeneral(swapped, required);
      }),
      { numRuns: 3000 },
    );
    // Most generated claims-sets are inside the subset: the comparison is not vacuous.
    expect(taken).toBeGreaterThan(300);
  });
});
