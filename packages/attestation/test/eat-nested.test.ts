import {
  createEat,
  type EatClaimsInput,
  type NestedTokenKey,
  type Submodule,
  type SubmoduleKeyResolver,
  verifyEatBundle,
  verifyEatCborToken,
  verifyEatCwt,
  verifyEatUccs,
  verifyEvidence,
} from "@rotkit/attestation";
import {
  CborTag,
  type CborValue,
  decodeCbor,
  encodeCbor,
  fixedClock,
  generateSoftwareKey,
  type KeyHandle,
  nobleProvider,
  RotkitError,
  webCryptoProvider,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { refusal } from "./helpers/refusal.js";

// Nested tokens in EAT submods (RFC 9711 §4.2.18), verified recursively, each with the key the caller gives for its
// submodule path: the tree of verified claims, refusals naming the submodule in `at`, the nonce rule (no
// inheritance: a nested nonce, when present, must be the verifier's), the depth bound, and mutation fuzzing.

const clock = fixedClock(1_700_000_000);
const nonce = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const otherNonce = nonce.map((x) => x ^ 0xff);
const ueid = Uint8Array.from({ length: 17 }, (_, i) => (i === 0 ? 1 : i));

/** The submodule at `path`, descending through claims-sets and verified nested tokens. */
function at(claims: { submods?: Record<string, Submodule> }, ...path: string[]): Submodule {
  let sub: Submodule | undefined;
  let c = claims;
  for (const name of path) {
    sub = c.submods?.[name];
    if (sub === undefined) throw new Error(`no submodule ${name}`);
    if (sub.kind === "claims") c = sub.claims;
    else if ((sub.kind === "nested-cbor" || sub.kind === "nested-json") && sub.verified) c = sub.claims;
  }
  return sub as Submodule;
}

/** A resolver from a table of "a/b" paths. */
function keysByPath(table: Record<string, NestedTokenKey>): SubmoduleKeyResolver {
  return (path) => {
    const k = path.join("/");
    return Object.hasOwn(table, k) ? table[k] : undefined;
  };
}

/** Flips the last byte of a COSE_Sign1's signature inside a (tag 61) CWT. */
function tamperSignature(cwt: Uint8Array): Uint8Array {
  const v = decodeCbor(cwt) as CborTag;
  const sign1 = (v.tag === 61 ? v.value : v) as CborTag;
  const arr = sign1.value as CborValue[];
  const sig = (arr[3] as Uint8Array).slice();
  sig[sig.length - 1] = (sig[sig.length - 1] as number) ^ 1;
  const out = new CborTag(18, [arr[0] as CborValue, arr[1] as CborValue, arr[2] as CborValue, sig]);
  return encodeCbor(v.tag === 61 ? new CborTag(61, out) : out);
}

interface Keys {
  top: KeyHandle;
  radio: KeyHandle;
  baseband: KeyHandle;
  sec: KeyHandle;
}

async function makeKeys(): Promise<Keys> {
  return {
    top: await generateSoftwareKey("ES256"),
    radio: await generateSoftwareKey("EdDSA"),
    baseband: await generateSoftwareKey("ES384"),
    sec: await generateSoftwareKey("ES256"),
  };
}

/** top → { radio: CWT → { baseband: CWT }, app: claims, tee: claims → { sec: CWT } }. */
async function tree(k: Keys, over: { radio?: Uint8Array; baseband?: Uint8Array; radioNonce?: Uint8Array } = {}) {
  const baseband =
    over.baseband ?? (await createEat({ nonce, swname: "bb-fw", swversion: { version: "7.1" } }, k.baseband));
  const radio =
    over.radio ??
    (await createEat(
      { nonce: over.radioNonce ?? nonce, swname: "radio-fw", submods: { baseband: { token: baseband } } },
      k.radio,
    ));
  const sec = await createEat({ swname: "secure-element", dbgstat: "disabled-permanently" }, k.sec);
  return createEat(
    {
      nonce,
      ueid,
      submods: {
        radio: { token: radio },
        app: { claims: { swname: "app" } },
        tee: { claims: { swname: "tee-os", submods: { sec: { token: sec } } } },
      },
    },
    k.top,
  );
}

const allKeys = (k: Keys) =>
  keysByPath({
    radio: { key: k.radio.publicKey },
    "radio/baseband": { key: k.baseband.publicKey },
    "tee/sec": { key: k.sec.publicKey },
  });

describe.each([
  ["noble", nobleProvider()],
  ["webcrypto", webCryptoProvider()],
])("nested EAT tokens (%s)", (_name, provider) => {
  it("verifies every nested token with its own key and returns the tree of verified claims", async () => {
    const k = await makeKeys();
    const token = await tree(k);
    const seen: string[] = [];
    const r = await verifyEatCwt(token, {
      key: k.top.publicKey,
      provider,
      clock,
      nonce,
      submoduleKeys: (path, sub) => {
        seen.push(`${path.join("/")}:${sub.kind}`);
        return allKeys(k)(path, sub);
      },
      requireNestedVerified: true,
    });
    expect(seen.sort()).toEqual(["radio/baseband:nested-cbor", "radio:nested-cbor", "tee/sec:nested-cbor"]);
    const radio = at(r.claims, "radio");
    expect(radio).toMatchObject({ kind: "nested-cbor", verified: true, format: "eat-cwt", alg: -8 });
    const bb = at(r.claims, "radio", "baseband");
    expect(bb).toMatchObject({ kind: "nested-cbor", verified: true, format: "eat-cwt", alg: -35 });
    if (bb.kind === "nested-cbor" && bb.verified) expect(bb.claims.swversion).toEqual({ version: "7.1" });
    expect(at(r.claims, "app")).toMatchObject({ kind: "claims", claims: { swname: "app" } });
    const sec = at(r.claims, "tee", "sec");
    expect(sec.kind === "nested-cbor" && sec.verified ? sec.claims.dbgstat : undefined).toBe("disabled-permanently");
    // the same through verifyEvidence and verifyEatCborToken
    const e = await verifyEvidence(token, { key: k.top.publicKey, provider, clock, submoduleKeys: allKeys(k) });
    expect(at(e.claims as never, "radio", "baseband")).toMatchObject({ verified: true });
    const t = await verifyEatCborToken(token, { key: k.top.publicKey, provider, clock, submoduleKeys: allKeys(k) });
    expect(at(t.claims, "tee", "sec")).toMatchObject({ verified: true });
  });

  it("a nested token without a key stays verified: false, or is refused under requireNestedVerified", async () => {
    const k = await makeKeys();
    const token = await tree(k);
    const base = { key: k.top.publicKey, provider, clock };
    const plain = await verifyEatCwt(token, base);
    expect(at(plain.claims, "radio")).toEqual({ kind: "nested-cbor", token: expect.any(Uint8Array), verified: false });
    expect(at(plain.claims, "tee", "sec")).toMatchObject({ verified: false });
    expect("claims" in at(plain.claims, "radio")).toBe(false);
    // a key for radio but not for its baseband: radio verified, baseband left as it is
    const partial = await verifyEatCwt(token, {
      ...base,
      submoduleKeys: keysByPath({ radio: { key: k.radio.publicKey } }),
    });
    expect(at(partial.claims, "radio")).toMatchObject({ verified: true });
    expect(at(partial.claims, "radio", "baseband")).toMatchObject({ verified: false });
    expect(
      await refusal(
        verifyEatCwt(token, {
          ...base,
          submoduleKeys: keysByPath({ radio: { key: k.radio.publicKey }, "tee/sec": { key: k.sec.publicKey } }),
          requireNestedVerified: true,
        }),
      ),
    ).toEqual({ code: "ATTEST_NESTED_UNVERIFIED", at: "claims/submods/radio/submods/baseband" });
    expect(await refusal(verifyEatCwt(token, { ...base, requireNestedVerified: true }))).toMatchObject({
      code: "ATTEST_NESTED_UNVERIFIED",
    });
  });

  it("a tampered nested signature or a wrong nested key is ATTEST_BAD_SIGNATURE naming the submodule", async () => {
    const k = await makeKeys();
    const opts = { key: k.top.publicKey, provider, clock, nonce, submoduleKeys: allKeys(k) };
    const bb = await createEat({ nonce, swname: "bb-fw" }, k.baseband);
    const radio = await createEat({ nonce, submods: { baseband: { token: bb } } }, k.radio);
    expect(await refusal(verifyEatCwt(await tree(k, { radio: tamperSignature(radio) }), opts))).toEqual({
      code: "ATTEST_BAD_SIGNATURE",
      at: "claims/submods/radio",
    });
    expect(await refusal(verifyEatCwt(await tree(k, { baseband: tamperSignature(bb) }), opts))).toEqual({
      code: "ATTEST_BAD_SIGNATURE",
      at: "claims/submods/radio/submods/baseband",
    });
    // another key of the right type does not verify a nested token; the enclosing token's (ES256) does not fit it
    const good = await tree(k);
    const otherEd = await generateSoftwareKey("EdDSA");
    expect(
      await refusal(verifyEatCwt(good, { ...opts, submoduleKeys: keysByPath({ radio: { key: otherEd.publicKey } }) })),
    ).toEqual({ code: "ATTEST_BAD_SIGNATURE", at: "claims/submods/radio" });
    expect(
      await refusal(verifyEatCwt(good, { ...opts, submoduleKeys: keysByPath({ radio: { key: k.top.publicKey } }) })),
    ).toEqual({ code: "COSE_ALG_MISMATCH", at: "claims/submods/radio" });
    const otherP384 = await generateSoftwareKey("ES384");
    const swapped = keysByPath({ radio: { key: k.radio.publicKey }, "radio/baseband": { key: otherP384.publicKey } });
    expect(await refusal(verifyEatCwt(good, { ...opts, submoduleKeys: swapped }))).toEqual({
      code: "ATTEST_BAD_SIGNATURE",
      at: "claims/submods/radio/submods/baseband",
    });
    // a resolver that returns no key for a token it claims
    expect(await refusal(verifyEatCwt(good, { ...opts, submoduleKeys: keysByPath({ radio: {} }) }))).toMatchObject({
      code: "INVALID_ARGUMENT",
      at: "claims/submods/radio",
    });
  });

  it("nonce: a nested nonce must be the verifier's; a nested token without one inherits nothing and passes", async () => {
    const k = await makeKeys();
    const opts = { key: k.top.publicKey, provider, clock, nonce, submoduleKeys: allKeys(k) };
    expect(await refusal(verifyEatCwt(await tree(k, { radioNonce: otherNonce }), opts))).toEqual({
      code: "ATTEST_NONCE_MISMATCH",
      at: "claims/submods/radio/nonce",
    });
    // without a verifier nonce, nested nonces are not compared
    const { nonce: _n, ...noNonce } = opts;
    expect((await verifyEatCwt(await tree(k, { radioNonce: otherNonce }), noNonce)).format).toBe("eat-cwt");
    // "tee/sec" carries no nonce (tree()): verified, its nonce absent
    const r = await verifyEatCwt(await tree(k), opts);
    const sec = at(r.claims, "tee", "sec");
    expect(sec.kind === "nested-cbor" && sec.verified ? sec.claims.nonce : "x").toBeUndefined();
    // a nested token's own time claims are checked against the clock
    const expired = await createEat({ nonce, exp: 1_699_999_999 }, k.radio);
    expect(await refusal(verifyEatCwt(await tree(k, { radio: expired }), opts))).toEqual({
      code: "CWT_EXPIRED",
      at: "claims/submods/radio",
    });
  });

  it("MAC'ed, UCCS and bundle nested tokens", async () => {
    const k = await makeKeys();
    const macKey = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i);
    const mac = await createEat({ nonce, swname: "mac'ed" }, macKey, { mac: { provider } });
    const uccs = encodeCbor(new CborTag(601, new Map<CborValue, CborValue>([[270, "unsigned"]])));
    const deb = await createEat({ nonce, swname: "deb-main" }, k.sec, {
      detached: { TEE: { swname: "detached-tee" } },
      provider,
    });
    const token = await createEat(
      { nonce, submods: { m: { token: mac }, u: { token: uccs }, d: { token: deb } } },
      k.top,
    );
    const table = { m: { key: macKey }, u: { trustedChannel: true }, d: { key: k.sec.publicKey } };
    const r = await verifyEatCwt(token, {
      key: k.top.publicKey,
      provider,
      clock,
      nonce,
      submoduleKeys: keysByPath(table),
    });
    expect(at(r.claims, "m")).toMatchObject({ verified: true, format: "eat-cwt", alg: 5 });
    expect(at(r.claims, "u")).toMatchObject({ verified: true, format: "eat-uccs", claims: { swname: "unsigned" } });
    const d = at(r.claims, "d");
    expect(d).toMatchObject({ verified: true, format: "eat-deb", claims: { swname: "deb-main" } });
    expect(d.kind === "nested-cbor" && d.verified ? d.detached?.TEE?.swname : undefined).toBe("detached-tee");
    // an unsigned nested UCCS is accepted only when the caller vouches for it (RFC 9781 §3)
    const noChannel = keysByPath({ ...table, u: {} });
    expect(
      await refusal(verifyEatCwt(token, { key: k.top.publicKey, provider, clock, submoduleKeys: noChannel })),
    ).toEqual({ code: "ATTEST_UNTRUSTED_CHANNEL", at: "claims/submods/u" });
    // a nested bundle whose detached claims-set changed: the digest check names it below the submodule
    const debParts = decodeCbor(deb) as CborTag;
    const [main, sets] = debParts.value as [Uint8Array, Map<string, Uint8Array>];
    const evil = encodeCbor(
      new CborTag(602, [main, new Map([["TEE", encodeCbor(new Map<CborValue, CborValue>([[270, "evil"]]))]])]),
    );
    expect(sets.size).toBe(1);
    const withEvil = await createEat({ nonce, submods: { d: { token: evil } } }, k.top);
    expect(
      await refusal(
        verifyEatCwt(withEvil, { key: k.top.publicKey, provider, clock, submoduleKeys: keysByPath(table) }),
      ),
    ).toEqual({ code: "ATTEST_DIGEST_MISMATCH", at: "claims/submods/d/detached/TEE" });
  });
});

describe("nested EAT tokens: bounds and the portable entry's limits", () => {
  const provider = nobleProvider();

  /** A chain t0 ⊃ t1 ⊃ … ⊃ t{n}, each nested as submodule "n", each signed by `key`. */
  async function chain(n: number, key: KeyHandle): Promise<Uint8Array> {
    let t = await createEat({ swname: `t${n}` }, key);
    for (let i = n - 1; i >= 0; i--) t = await createEat({ swname: `t${i}`, submods: { n: { token: t } } }, key);
    return t;
  }

  it("nested tokens deeper than maxNestedDepth (default 4) are ATTEST_CLAIM_INVALID, unless left unverified", async () => {
    const key = await generateSoftwareKey("ES256");
    const every = () => ({ key: key.publicKey });
    const t5 = await chain(5, key);
    expect(await refusal(verifyEatCwt(t5, { key: key.publicKey, provider, clock, submoduleKeys: every }))).toEqual({
      code: "ATTEST_CLAIM_INVALID",
      at: "claims/submods/n/submods/n/submods/n/submods/n/submods/n",
    });
    const deeper = await verifyEatCwt(t5, {
      key: key.publicKey,
      provider,
      clock,
      submoduleKeys: every,
      maxNestedDepth: 5,
    });
    expect(at(deeper.claims, "n", "n", "n", "n", "n")).toMatchObject({ verified: true, claims: { swname: "t5" } });
    const t4 = await chain(4, key);
    const four = await verifyEatCwt(t4, { key: key.publicKey, provider, clock, submoduleKeys: every });
    expect(at(four.claims, "n", "n", "n", "n")).toMatchObject({ verified: true, claims: { swname: "t4" } });
    // keys for the first three levels only: the rest stays unverified, no bound is hit
    const three = (path: readonly string[]) => (path.length <= 3 ? { key: key.publicKey } : undefined);
    const r = await verifyEatCwt(t5, { key: key.publicKey, provider, clock, submoduleKeys: three });
    expect(at(r.claims, "n", "n", "n", "n")).toMatchObject({ verified: false });
  });

  it("at most 64 nested tokens are verified under one token", async () => {
    const key = await generateSoftwareKey("ES256");
    const leaf = await createEat({ swname: "leaf" }, key);
    const submods: EatClaimsInput["submods"] = {};
    for (let i = 0; i < 65; i++) submods[`s${i}`] = { token: leaf };
    const token = await createEat({ submods }, key);
    const r = await refusal(
      verifyEatCwt(token, { key: key.publicKey, provider, clock, submoduleKeys: () => ({ key: key.publicKey }) }),
    );
    expect(r).toEqual({ code: "ATTEST_CLAIM_INVALID", at: "claims/submods/s64" });
  });

  it('a nested token named "__proto__" is a submodule like any other (never a prototype change)', async () => {
    const key = await generateSoftwareKey("ES256");
    const inner = await createEat({ swname: "inner" }, key);
    const token = await createEat({ submods: { ["__proto__"]: { token: inner } } }, key);
    const r = await verifyEatCwt(token, { key: key.publicKey, provider, clock });
    expect(Object.keys(r.claims.submods ?? {})).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(r.claims.submods)).toBe(Object.prototype);
    expect(
      await refusal(verifyEatCwt(token, { key: key.publicKey, provider, clock, requireNestedVerified: true })),
    ).toEqual({
      code: "ATTEST_NESTED_UNVERIFIED",
      at: "claims/submods/__proto__",
    });
    const v = await verifyEatCwt(token, {
      key: key.publicKey,
      provider,
      clock,
      submoduleKeys: () => ({ key: key.publicKey }),
    });
    expect(Object.getOwnPropertyDescriptor(v.claims.submods, "__proto__")?.value).toMatchObject({ verified: true });
  });

  it("a nested JWT: left unverified by the portable entry, ATTEST_NESTED_UNVERIFIED when a key was given", async () => {
    const key = await generateSoftwareKey("ES256");
    const token = await createEat({ submods: { j: { jwt: "eyJhbGciOiJIUzI1NiJ9.e30.c2ln" } } }, key);
    const r = await verifyEatCwt(token, { key: key.publicKey, provider, clock });
    expect(at(r.claims, "j")).toEqual({
      kind: "nested-json",
      type: "JWT",
      token: "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
      verified: false,
    });
    expect(
      await refusal(
        verifyEatCwt(token, {
          key: key.publicKey,
          provider,
          clock,
          submoduleKeys: () => ({ key: new Uint8Array(32) }),
        }),
      ),
    ).toEqual({ code: "ATTEST_NESTED_UNVERIFIED", at: "claims/submods/j" });
  });

  it("a nested UCCS carrying nested tokens is walked too (verifyEatUccs), and a bundle's detached claims-sets", async () => {
    const key = await generateSoftwareKey("ES256");
    const inner = await createEat({ swname: "inner" }, key);
    const uccs = encodeCbor(
      new CborTag(601, new Map<CborValue, CborValue>([[266, new Map<CborValue, CborValue>([["i", inner]])]])),
    );
    const r = await verifyEatUccs(uccs, {
      provider,
      clock,
      trustedChannel: true,
      submoduleKeys: () => ({ key: key.publicKey }),
    });
    expect(at(r.claims, "i")).toMatchObject({ verified: true, claims: { swname: "inner" } });
    const deb = await createEat({ swname: "main" }, key, {
      detached: { TEE: { swname: "tee", submods: { i: { token: inner } } } },
      provider,
    });
    const seen: string[] = [];
    const b = await verifyEatBundle(deb, {
      key: key.publicKey,
      provider,
      clock,
      submoduleKeys: (path) => {
        seen.push(path.join("/"));
        return { key: key.publicKey };
      },
    });
    expect(seen).toEqual(["TEE/i"]);
    const i = b.detached?.TEE?.submods?.i;
    expect(i).toMatchObject({ verified: true, claims: { swname: "inner" } });
    const other = await generateSoftwareKey("ES256");
    expect(
      await refusal(
        verifyEatBundle(deb, { key: key.publicKey, provider, clock, submoduleKeys: () => ({ key: other.publicKey }) }),
      ),
    ).toEqual({ code: "ATTEST_BAD_SIGNATURE", at: "detached/TEE/submods/i" });
  });
});

describe("nested EAT tokens: mutation fuzzing", () => {
  const provider = nobleProvider();

  it("every single-byte mutation and truncation of an unsigned (UCCS) token holding a nested CWT ends in a RotkitError or a value", async () => {
    const key = await generateSoftwareKey("ES256");
    const inner = await createEat({ nonce, swname: "inner", submods: { x: { claims: { swname: "x" } } } }, key);
    const uccs = encodeCbor(
      new CborTag(
        601,
        new Map<CborValue, CborValue>([
          [10, nonce],
          [266, new Map<CborValue, CborValue>([["radio", inner]])],
        ]),
      ),
    );
    const opts = {
      provider,
      clock,
      nonce,
      trustedChannel: true,
      submoduleKeys: () => ({ key: key.publicKey }),
      requireNestedVerified: true,
    };
    await verifyEatUccs(uccs, opts);
    const outcome = { ok: 0, rejected: 0 };
    for (const b of [...[...singleByteMutations(uccs, [0x01, 0x80, 0xff])].map((m) => m.bytes), ...truncations(uccs)]) {
      try {
        await verifyEatUccs(b, opts);
        outcome.ok++;
      } catch (e) {
        if (!(e instanceof RotkitError)) throw new Error(`non-RotkitError: ${String(e)}`, { cause: e });
        outcome.rejected++;
      }
    }
    expect(outcome.ok).toBeGreaterThan(0);
    expect(outcome.rejected).toBeGreaterThan(outcome.ok);
  });

  it("mutations of the nested token, re-signed into a valid outer token, are refused at its path or verify", async () => {
    const key = await generateSoftwareKey("ES256");
    const inner = await createEat({ nonce, swname: "inner" }, key);
    const opts = { key: key.publicKey, provider, clock, nonce, submoduleKeys: () => ({ key: key.publicKey }) };
    const codes = new Map<string, number>();
    // one mask per position plus the truncations: each needs a fresh outer signature
    const inputs = [...[...singleByteMutations(inner, [0x01])].map((m) => m.bytes), ...truncations(inner)];
    for (const bad of inputs) {
      const outer = await createEat({ nonce, submods: { radio: { token: bad } } }, key);
      const r = await refusal(verifyEatCwt(outer, opts));
      if (r.code !== "ok") {
        expect(String(r.at)).toMatch(/^claims\/submods\/radio/);
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
      }
    }
    expect(codes.get("ATTEST_BAD_SIGNATURE") ?? 0).toBeGreaterThan(0);
    expect(codes.get("ATTEST_MALFORMED") ?? 0).toBeGreaterThan(0);
  });
});
