import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CborTag,
  type CborValue,
  type CryptoProvider,
  decodeCbor,
  encodeCbor,
  fromHex,
  generateKeyAgreementKey,
  type KeyAgreementHandle,
  nobleProvider,
  RotkitError,
  softwareKeyAgreementHandle,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import {
  buildRecipients,
  decryptCoseEncrypt,
  deriveContentKey,
  encryptCoseEncrypt,
  type RecipientDescription,
  type RecipientKey,
  type RsaPrivateKey,
} from "../src/index.js";
import { settledCode as code } from "./helpers/errors.js";

// Recipients (RFC 9052 §5.1, RFC 9053 §5-6, RFC 8230 §3): a round trip for every key-management algorithm on
// both providers, nested and multiple recipients, the SUIT firmware-encryption examples, the failure modes
// with their codes, and mutation fuzzing (every single-byte change or truncation ends in a RotkitError).

const VECTORS = join(__dirname, "../../../test-vectors");
const providers: [string, () => CryptoProvider][] = [
  ["noble", nobleProvider],
  ["webcrypto", () => webCryptoProvider()],
];
const plaintext = utf8Encode("This is the content.");
const bytesOf = (n: number, seed = 3) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);
const kid = (s: string) => utf8Encode(s);

function rsaKeyFromExample(): RsaPrivateKey {
  const j = JSON.parse(readFileSync(join(VECTORS, "cose-wg-examples/rsa-oaep-examples/ps256-128gcm-01.json"), "utf8"));
  const k = j.input.enveloped.recipients[0].key;
  return {
    kty: "RSA",
    n: fromHex(k.n_hex),
    e: fromHex(k.e_hex),
    d: fromHex(k.d_hex),
    p: fromHex(k.p_hex),
    q: fromHex(k.q_hex),
    dp: fromHex(k.dP_hex),
    dq: fromHex(k.dQ_hex),
    qi: fromHex(k.qi_hex),
  };
}

type Case = {
  name: string;
  alg: number;
  content: number;
  send: (peer: Record<string, KeyAgreementHandle>) => RecipientDescription;
  keys: (peer: Record<string, KeyAgreementHandle>) => RecipientKey[];
};

const kek = (n: number) => bytesOf(n, 11);
const secret = bytesOf(24, 5);
const RECIPIENT_CASES: Case[] = [
  {
    name: "direct",
    alg: -6,
    content: 1,
    send: () => ({ alg: -6, kid: kid("k"), key: bytesOf(16) }),
    keys: () => [{ kid: kid("k"), key: bytesOf(16) }],
  },
  ...[-10, -11].map((alg) => ({
    name: `direct+HKDF-SHA (${alg})`,
    alg,
    content: 3,
    send: () => ({ alg, key: secret, salt: utf8Encode("salt"), unprotected: new Map([[-22, bytesOf(8)]]) }),
    keys: () => [{ key: secret }],
  })),
  ...[
    [-12, 16],
    [-13, 32],
  ].map(([alg, n]) => ({
    name: `direct+HKDF-AES (${alg})`,
    alg: alg as number,
    content: 10,
    send: () => ({ alg: alg as number, key: bytesOf(n as number), kdf: { suppPrivInfo: utf8Encode("priv") } }),
    keys: () => [{ key: bytesOf(n as number), kdf: { suppPrivInfo: utf8Encode("priv") } }],
  })),
  ...[
    [-3, 16],
    [-4, 24],
    [-5, 32],
  ].map(([alg, n]) => ({
    name: `A${(n as number) * 8}KW`,
    alg: alg as number,
    content: 31,
    send: () => ({ alg: alg as number, kid: kid("kw"), key: kek(n as number) }),
    keys: () => [{ kid: kid("kw"), key: kek(n as number), alg: alg as number }],
  })),
  ...(["P-256", "P-384", "P-521", "X25519"] as const).flatMap((crv) =>
    [-25, -26, -29, -30, -31].map((alg) => ({
      name: `ECDH-ES ${alg} ${crv}`,
      alg,
      content: 2,
      send: (p: Record<string, KeyAgreementHandle>) => ({
        alg,
        kid: kid(crv),
        publicKey: (p[crv] as KeyAgreementHandle).publicKey,
      }),
      keys: (p: Record<string, KeyAgreementHandle>) => [{ kid: kid(crv), key: p[crv] as KeyAgreementHandle }],
    })),
  ),
  ...(["P-256", "P-521", "X25519"] as const).flatMap((crv) =>
    [-27, -28, -32, -33, -34].map((alg) => ({
      name: `ECDH-SS ${alg} ${crv}`,
      alg,
      content: 1,
      send: (p: Record<string, KeyAgreementHandle>) => ({
        alg,
        publicKey: (p[crv] as KeyAgreementHandle).publicKey,
        senderKey: p[`${crv}-sender`],
        senderKid: kid("sender"),
        unprotected: new Map([[-22, bytesOf(8)]]),
      }),
      keys: (p: Record<string, KeyAgreementHandle>) => [
        {
          key: p[crv] as KeyAgreementHandle,
          senderKeys: [{ kid: kid("sender"), key: (p[`${crv}-sender`] as KeyAgreementHandle).publicKey }],
        },
      ],
    })),
  ),
  ...[-41, -42].map((alg) => ({
    name: `RSAES-OAEP ${alg}`,
    alg,
    content: 3,
    send: () => {
      const k = rsaKeyFromExample();
      return { alg, kid: kid("rsa"), publicKey: { kty: "RSA" as const, n: k.n, e: k.e } };
    },
    keys: () => [{ kid: kid("rsa"), key: rsaKeyFromExample() }],
  })),
];

function peers(): Record<string, KeyAgreementHandle> {
  const out: Record<string, KeyAgreementHandle> = {};
  for (const crv of ["P-256", "P-384", "P-521", "X25519"] as const) {
    out[crv] = generateKeyAgreementKey(crv);
    out[`${crv}-sender`] = generateKeyAgreementKey(crv);
  }
  return out;
}

describe.each(providers)("recipients (%s)", (_n, make) => {
  const provider = make();
  const p = peers();

  it.each(RECIPIENT_CASES.map((c) => [c.name, c] as const))("round-trips %s", async (_name, c) => {
    const { bytes } = await encryptCoseEncrypt({ plaintext }, { provider, alg: c.content, recipients: [c.send(p)] });
    const r = await decryptCoseEncrypt(bytes, { provider, recipientKeys: c.keys(p) });
    expect(r.plaintext).toEqual(plaintext);
  });

  it("nested recipients: an A128KW recipient whose KEK comes from an ECDH-ES recipient (RFC 9052 §5.1)", async () => {
    const { bytes } = await encryptCoseEncrypt(
      { plaintext },
      {
        provider,
        alg: 1,
        recipients: [{ alg: -3, recipients: [{ alg: -25, kid: kid("bob"), publicKey: p["P-256"]?.publicKey }] }],
      },
    );
    const items = (decodeCbor(bytes) as CborTag).value as CborValue[];
    expect(((items[3] as CborValue[])[0] as CborValue[]).length).toBe(4);
    const r = await decryptCoseEncrypt(bytes, {
      provider,
      recipientKeys: [{ kid: kid("bob"), key: p["P-256"] as KeyAgreementHandle }],
    });
    expect(r.plaintext).toEqual(plaintext);
  });

  it("multiple recipients: the key matching by kid is used, otherwise each in turn; fail closed", async () => {
    const { bytes } = await encryptCoseEncrypt(
      { plaintext },
      {
        provider,
        alg: 1,
        recipients: [
          { alg: -3, kid: kid("a"), key: kek(16) },
          { alg: -5, kid: kid("b"), key: kek(32) },
          { alg: -29, kid: kid("c"), publicKey: p.X25519?.publicKey },
        ],
      },
    );
    for (const keys of [
      [{ kid: kid("b"), key: kek(32) }],
      [{ key: kek(32) }],
      [{ kid: kid("zz"), key: kek(16) }],
      [{ key: p.X25519 as KeyAgreementHandle }],
      [{ key: bytesOf(32, 99) }, { kid: kid("c"), key: p.X25519 as KeyAgreementHandle }],
    ]) {
      expect((await decryptCoseEncrypt(bytes, { provider, recipientKeys: keys })).plaintext).toEqual(plaintext);
    }
    expect(
      await code(
        decryptCoseEncrypt(bytes, { provider, recipientKeys: [{ kid: kid("zz"), key: kek(16) }], strictKid: true }),
      ),
    ).toBe("COSE_NO_RECIPIENT");
    expect(await code(decryptCoseEncrypt(bytes, { provider, recipientKeys: [{ key: bytesOf(16, 77) }] }))).toBe(
      "COSE_DECRYPT_FAILED",
    );
    expect(
      await code(decryptCoseEncrypt(bytes, { provider, recipientKeys: [{ key: p["P-256"] as KeyAgreementHandle }] })),
    ).toBe("COSE_BAD_KEY");
    expect(await code(decryptCoseEncrypt(bytes, { provider, recipientKeys: [{ key: rsaKeyFromExample() }] }))).toBe(
      "COSE_NO_RECIPIENT",
    );
    expect(await code(decryptCoseEncrypt(bytes, { provider, recipientKeys: [] }))).toBe("COSE_NO_KEY");
  });

  it("a key restricted to one algorithm is never used with another (RFC 9052 §7.1)", async () => {
    const { bytes } = await encryptCoseEncrypt(
      { plaintext },
      { provider, alg: 1, recipients: [{ alg: -6, key: kek(16) }] },
    );
    expect(await code(decryptCoseEncrypt(bytes, { provider, recipientKeys: [{ key: kek(16), alg: -3 }] }))).toBe(
      "COSE_NO_RECIPIENT",
    );
    expect(
      (await decryptCoseEncrypt(bytes, { provider, recipientKeys: [{ key: kek(16), alg: -6 }] })).plaintext,
    ).toEqual(plaintext);
    expect(await code(decryptCoseEncrypt(bytes, { provider, recipientKeys: [{ key: kek(32) }] }))).toBe("COSE_BAD_KEY");
  });

  it("rejects invalid and wrong-curve ephemeral keys, and ECDH-SS without the sender's static key", async () => {
    const { bytes } = await encryptCoseEncrypt(
      { plaintext },
      { provider, alg: 1, recipients: [{ alg: -25, publicKey: p["P-256"]?.publicKey }] },
    );
    const v = decodeCbor(bytes) as CborTag;
    const withEpk = (f: (epk: Map<CborValue, CborValue>) => void) => {
      const items = structuredClone(v.value) as CborValue[];
      const r = (items[3] as CborValue[])[0] as CborValue[];
      f((r[1] as Map<CborValue, CborValue>).get(-1) as Map<CborValue, CborValue>);
      return encodeCbor(new CborTag(96, items));
    };
    const keys = [{ key: p["P-256"] as KeyAgreementHandle }];
    const offCurve = withEpk((epk) => {
      const y = (epk.get(-3) as Uint8Array).slice();
      y[31] = (y[31] as number) ^ 1;
      epk.set(-3, y);
    });
    expect(await code(decryptCoseEncrypt(offCurve, { provider, recipientKeys: keys }))).toBe("COSE_BAD_KEY");
    const otherCurve = withEpk((epk) => {
      const q = p["P-384"]?.publicKey as { x: Uint8Array; y: Uint8Array };
      epk.set(-1, 2);
      epk.set(-2, q.x);
      epk.set(-3, q.y);
    });
    expect(await code(decryptCoseEncrypt(otherCurve, { provider, recipientKeys: keys }))).toBe("COSE_BAD_KEY");
    const withD = withEpk((epk) => epk.set(-4, bytesOf(32)));
    expect(await code(decryptCoseEncrypt(withD, { provider, recipientKeys: keys }))).toBe("COSE_BAD_KEY");
    const noEpk = withEpk((epk) => epk.clear());
    expect(await code(decryptCoseEncrypt(noEpk, { provider, recipientKeys: keys }))).toBe("COSE_BAD_KEY");
    const items = structuredClone(v.value) as CborValue[];
    ((items[3] as CborValue[])[0] as CborValue[])[1] = new Map();
    expect(await code(decryptCoseEncrypt(encodeCbor(new CborTag(96, items)), { provider, recipientKeys: keys }))).toBe(
      "COSE_BAD_HEADER",
    );

    // X25519 low-order point (RFC 7748 §6.1): all-zero u-coordinate.
    const { bytes: xb } = await encryptCoseEncrypt(
      { plaintext },
      { provider, alg: 1, recipients: [{ alg: -25, publicKey: p.X25519?.publicKey }] },
    );
    const xv = decodeCbor(xb) as CborTag;
    const xi = structuredClone(xv.value) as CborValue[];
    (((xi[3] as CborValue[])[0] as CborValue[])[1] as Map<CborValue, CborValue>).set(
      -1,
      new Map<CborValue, CborValue>([
        [1, 1],
        [-1, 4],
        [-2, new Uint8Array(32)],
      ]),
    );
    expect(
      await code(
        decryptCoseEncrypt(encodeCbor(new CborTag(96, xi)), {
          provider,
          recipientKeys: [{ key: p.X25519 as KeyAgreementHandle }],
        }),
      ),
    ).toBe("COSE_BAD_KEY");

    const { bytes: ss } = await encryptCoseEncrypt(
      { plaintext },
      {
        provider,
        alg: 1,
        recipients: [{ alg: -27, publicKey: p["P-256"]?.publicKey, senderKey: p["P-256-sender"], senderKid: kid("s") }],
      },
    );
    expect(await code(decryptCoseEncrypt(ss, { provider, recipientKeys: keys }))).toBe("COSE_NO_KEY");
    const { bytes: ss2 } = await encryptCoseEncrypt(
      { plaintext },
      { provider, alg: 1, recipients: [{ alg: -27, publicKey: p["P-256"]?.publicKey, senderKey: p["P-256-sender"] }] },
    );
    expect((await decryptCoseEncrypt(ss2, { provider, recipientKeys: keys })).plaintext).toEqual(plaintext);
  });

  it("refuses RSAES-OAEP with SHA-1 unless enabled, and direct recipients that are not alone", async () => {
    const bytes = fromHex(
      JSON.parse(readFileSync(join(VECTORS, "cose-wg-examples/rsa-oaep-examples/ps-128gcm-01.json"), "utf8")).output
        .cbor,
    );
    const keys = [{ key: rsaKeyFromExample() }];
    expect(await code(decryptCoseEncrypt(bytes, { provider, recipientKeys: keys }))).toBe("COSE_UNSUPPORTED_ALG");
    expect(await code(decryptCoseEncrypt(bytes, { provider, recipientKeys: keys, allowRsaOaepSha1: true }))).toBe("OK");
    expect(
      await code(
        encryptCoseEncrypt(
          { plaintext },
          {
            provider,
            alg: 1,
            recipients: [
              { alg: -6, key: kek(16) },
              { alg: -3, key: kek(16) },
            ],
          },
        ),
      ),
    ).toBe("INVALID_ARGUMENT");
  });

  it("deriveContentKey gives COSE_Mac the MAC key (Mac_Recipient)", async () => {
    const built = await buildRecipients([{ alg: -31, publicKey: p["P-521"]?.publicKey }], { provider, alg: 7 });
    expect(built.key.length).toBe(64);
    const k = await deriveContentKey(built.recipients, {
      provider,
      alg: 7,
      context: "Mac_Recipient",
      recipientKeys: [{ key: p["P-521"] as KeyAgreementHandle }],
    });
    expect(k).toEqual(built.key);
  });

  it("decrypts the SUIT firmware-encryption examples (AES-KW / ECDH-ES+A128KW, AES-GCM / A128CTR)", async () => {
    const dir = join(VECTORS, "suit-firmware-encryption");
    const read = (f: string) => fromHex(readFileSync(join(dir, f), "utf8").replace(/\s+/g, ""));
    const keysJson = JSON.parse(readFileSync(join(dir, "keys.json"), "utf8"));
    const firmware = utf8Encode(keysJson.plaintext_text);
    const ecdh = keysJson.ecdh_es_a128kw_recipient_private_key;
    const recipientKeys: RecipientKey[] = [
      { kid: utf8Encode(keysJson.a128kw_kek.kid_text), key: utf8Encode(keysJson.a128kw_kek.k_text) },
      {
        kid: utf8Encode(ecdh.kid_text),
        key: softwareKeyAgreementHandle("P-256", fromHex(ecdh.d)),
        kdf: { suppPubOther: utf8Encode(keysJson.kdf_context.other) },
      },
    ];
    for (const name of ["aes-kw-aes-gcm", "aes-kw-aes-ctr", "es-ecdh-aes-gcm", "es-ecdh-aes-ctr"]) {
      const info = read(`suit-encryption-info-${name}.hex`);
      const detachedCiphertext = read(`encrypted-payload-${name}.hex`);
      const ctr = name.endsWith("ctr");
      if (ctr) {
        expect(await code(decryptCoseEncrypt(info, { provider, recipientKeys, detachedCiphertext }))).toBe(
          "COSE_UNSUPPORTED_ALG",
        );
      }
      const r = await decryptCoseEncrypt(info, { provider, recipientKeys, detachedCiphertext, allowNonAead: ctr });
      expect(r.plaintext).toEqual(firmware);
      expect(await code(decryptCoseEncrypt(info, { provider, recipientKeys, allowNonAead: ctr }))).toBe(
        "COSE_DETACHED_PAYLOAD_REQUIRED",
      );
    }
  });

  it("every single-byte mutation or truncation of a message ends in a RotkitError or the same plaintext", async () => {
    const messages: [Uint8Array, RecipientKey[]][] = [];
    const es = await encryptCoseEncrypt(
      { plaintext },
      { provider, alg: 1, recipients: [{ alg: -29, kid: kid("dev"), publicKey: p["P-256"]?.publicKey }] },
    );
    messages.push([es.bytes, [{ kid: kid("dev"), key: p["P-256"] as KeyAgreementHandle }]]);
    const hk = await encryptCoseEncrypt(
      { plaintext },
      { provider, alg: 10, recipients: [{ alg: -10, kid: kid("s"), key: secret, salt: bytesOf(4) }] },
    );
    messages.push([hk.bytes, [{ kid: kid("s"), key: secret }]]);
    const nested = await encryptCoseEncrypt(
      { plaintext },
      { provider, alg: 1, recipients: [{ alg: -3, recipients: [{ alg: -6, key: kek(16) }] }] },
    );
    messages.push([nested.bytes, [{ key: kek(16) }]]);
    for (const [bytes, recipientKeys] of messages) {
      const inputs = [...[...singleByteMutations(bytes)].map((m) => m.bytes), ...truncations(bytes)];
      let rejected = 0;
      for (const input of inputs) {
        try {
          const r = await decryptCoseEncrypt(input, { provider, recipientKeys });
          expect(r.plaintext).toEqual(plaintext);
        } catch (e) {
          if (!(e instanceof RotkitError))
            throw new Error(`non-RotkitError for a mutation: ${String(e)}`, { cause: e });
          rejected++;
        }
      }
      expect(rejected).toBeGreaterThan(inputs.length / 2);
    }
  });
});
