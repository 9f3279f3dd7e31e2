// `rotkit manifest create | sign | inspect | verify`: round trips through the CLI (in-process `main`), every
// signed upstream SUIT example verified with its key, every single-byte corruption of signed examples refused
// through verifyManifest (the function `verify` calls), MCUboot images, key formats, and a few spawned processes
// for the real exit codes.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesEqual, fromBase64Url, hssLmsPublicKey, type KeyHandle, nobleProvider, utf8Encode } from "@rotkit/core";
import { coseKeyFromJwk, coseKeyFromPublicKey, encodeCoseKey } from "@rotkit/cose";
import { decodeSuitEnvelopeUnverified, signSuitEnvelope } from "@rotkit/manifest";
import { afterAll, describe, expect, it } from "vitest";
import { hssTestKey } from "../../core/test/helpers/hss-sign.js";
import {
  DEFAULT_XOR_MASKS,
  expectOnlyRotkitErrors,
  singleByteMutations,
  truncations,
} from "../../core/test/helpers/mutate.js";
import { verificationKeys } from "../src/manifest/keys.js";
import { render } from "../src/manifest/render.js";
import { suitInspectJson } from "../src/manifest/report.js";
import { verifyManifest } from "../src/manifest/verify.js";
import { runCli } from "./helpers/run-cli.js";

const repo = new URL("../../../", import.meta.url).pathname;
const vectors = join(repo, "test-vectors");
const dir = mkdtempSync(join(tmpdir(), "rotkit-manifest-cli-"));
const f = (n: string) => join(dir, n);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => runCli(["manifest", ...args]);

/** A fresh key pair as PEM files: `<name>.pem` (PKCS#8 private) and `<name>.pub.pem` (SPKI). */
function keyPair(name: string, type: "ec" | "ed25519", namedCurve = "P-256") {
  const { privateKey, publicKey } =
    type === "ec" ? generateKeyPairSync("ec", { namedCurve }) : generateKeyPairSync("ed25519");
  writeFileSync(f(`${name}.pem`), privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(f(`${name}.pub.pem`), publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(f(`${name}.pub.der`), publicKey.export({ type: "spki", format: "der" }));
  writeFileSync(f(`${name}.jwk`), JSON.stringify(privateKey.export({ format: "jwk" })));
  return { privateKey, publicKey };
}

const HMAC_SECRET = utf8Encode("a".repeat(32)); // the HMAC key of the SUIT drafts' MAC examples
writeFileSync(f("hmac.secret"), HMAC_SECRET);
const author = keyPair("author", "ec");
keyPair("other", "ec");
keyPair("ed", "ed25519");
keyPair("p384", "ec", "P-384");
// The same author key as COSE_Keys: private (for sign) and public (for verify).
const authorJwk = author.privateKey.export({ format: "jwk" }) as Record<string, string>;
writeFileSync(f("author.cose"), encodeCoseKey(coseKeyFromJwk({ ...authorJwk, kid: "author-1" } as never)));
const { d: _d, ...authorPubJwk } = authorJwk;
writeFileSync(f("author.pub.cose"), encodeCoseKey(coseKeyFromJwk({ ...authorPubJwk, kid: "author-1" } as never)));

const description = join(repo, "examples/suit/description.json");

describe("rotkit manifest create → sign → verify", () => {
  it("round trip with an ESP256 PEM key; inspect says NOT VERIFIED; the unsigned envelope is refused", async () => {
    const c = await run("create", description, f("rt.suit"));
    expect(c).toMatchObject({ status: 0, err: "" });
    expect(c.out).toMatch(/unsigned SUIT envelope, \d+ bytes, sequence number 2/);
    const unsigned = new Uint8Array(readFileSync(f("rt.suit")));
    expect(decodeSuitEnvelopeUnverified(unsigned).authentication.blocks).toEqual([]);

    const refused = await run("verify", f("rt.suit"), "--key", f("author.pub.pem"), "--json");
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ verified: false, code: "SUIT_AUTH_FAILED" });
    expect(refused.err).toMatch(/refused: SUIT_AUTH_FAILED/);

    const s = await run("sign", f("rt.suit"), "--key", f("author.pem"), "--out", f("rt.signed.suit"));
    expect(s).toMatchObject({ status: 0, err: "" });
    expect(s.out).toMatch(/COSE_Sign1 ESP256 block \(1 in total\)/);
    const signed = new Uint8Array(readFileSync(f("rt.signed.suit")));
    expect(bytesEqual(new Uint8Array(readFileSync(f("rt.suit"))), unsigned)).toBe(true); // --out: input untouched

    const v = await run("verify", f("rt.signed.suit"), "--key", f("author.pub.pem"), "--json");
    expect(v).toMatchObject({ status: 0, err: "" });
    const report = JSON.parse(v.out);
    expect(report).toMatchObject({
      format: "suit",
      verified: true,
      sequenceNumber: 2,
      signers: [{ index: 0, kind: "COSE_Sign1", alg: "ESP256", algId: -9 }],
      severed: { text: { present: true } },
    });
    const firmware = readFileSync(join(repo, "examples/suit/firmware.bin"));
    const params = report.manifest.common.sharedSequence[0]["override-parameters"];
    expect(params.imageSize).toBe(firmware.length);
    expect(params.vendorIdentifier).toBe("fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe");

    const text = await run("verify", f("rt.signed.suit"), "--key", f("author.pub.pem"));
    expect(text.status).toBe(0);
    expect(text.out).toMatch(/^VERIFIED SUIT envelope\n/);
    expect(text.out).toMatch(/verified by +\[0\] COSE_Sign1 ESP256 \(-9\)/);

    const i = await run("inspect", f("rt.signed.suit"));
    expect(i.status).toBe(0);
    expect(i.out.split("\n")[1]).toMatch(/^!!! NOT VERIFIED: decoded without checking/);
    expect(i.out).toMatch(/sequence number +2\n/);
    expect(i.out).toMatch(/\n {2}fetch 2\n/);
    const ij = JSON.parse((await run("inspect", f("rt.signed.suit"), "--json")).out);
    expect(ij).toMatchObject({ verified: false, authentication: [{ kind: "COSE_Sign1", alg: "ESP256" }] });
    expect(ij.warning).toMatch(/^NOT VERIFIED/);
    expect(ij.signers).toBeUndefined();
    expect(signed.length).toBeGreaterThan(unsigned.length);
  });

  it("inspect --json's manifest is a description: create from it gives the same envelope", async () => {
    expect((await run("create", description, f("a.suit"))).status).toBe(0);
    const ij = JSON.parse((await run("inspect", f("a.suit"), "--json")).out);
    writeFileSync(f("again.json"), JSON.stringify({ manifest: ij.manifest, sever: Object.keys(ij.severed ?? {}) }));
    expect((await run("create", f("again.json"), f("b.suit"))).status).toBe(0);
    expect(bytesEqual(new Uint8Array(readFileSync(f("a.suit"))), new Uint8Array(readFileSync(f("b.suit"))))).toBe(true);
  });

  it("every upstream example manifest survives inspect --json → create byte for byte (unsigned)", async () => {
    for (const n of [0, 1, 3, 4, 5]) {
      const src = join(vectors, `suit-manifest-spec/example${n}.unsigned.cbor`);
      const ij = JSON.parse((await run("inspect", src, "--json")).out);
      writeFileSync(f(`ex${n}.json`), JSON.stringify({ manifest: ij.manifest }));
      const c = await run("create", f(`ex${n}.json`), f(`ex${n}.suit`));
      expect(c.err).toBe("");
      expect(bytesEqual(new Uint8Array(readFileSync(f(`ex${n}.suit`))), new Uint8Array(readFileSync(src)))).toBe(true);
    }
  });

  it("signs with EdDSA, P-384 (ESP384), a COSE_Key and an HMAC secret; two authorities under --policy all", async () => {
    await run("create", description, f("m.suit"));
    expect((await run("sign", f("m.suit"), "--key", f("ed.pem"))).out).toMatch(/COSE_Sign1 EdDSA/);
    expect((await run("sign", f("m.suit"), "--key", f("p384.jwk"))).out).toMatch(/COSE_Sign1 ESP384/);
    expect(await run("sign", f("m.suit"), "--key", f("author.cose"), "--alg", "ES256")).toMatchObject({ status: 0 });
    expect((await run("sign", f("m.suit"), "--secret", f("hmac.secret"))).out).toMatch(
      /COSE_Mac0 HMAC 256\/256 block \(4 in total\)/,
    );
    const all = ["--key", f("ed.pub.pem"), "--key", f("p384.pub.der"), "--key", f("author.pub.cose")];
    const v = await run("verify", f("m.suit"), ...all, "--secret", f("hmac.secret"), "--policy", "all", "--json");
    expect(v.status).toBe(0);
    const signers = JSON.parse(v.out).signers.map((s: { alg: string; kid?: string }) => [s.alg, s.kid ?? null]);
    expect(signers).toEqual([
      ["EdDSA", null],
      ["ESP384", null],
      ["ES256", "617574686f722d31"],
      ["HMAC 256/256", null],
    ]);
    // Under "all", a missing key for one block refuses the envelope; under "any" one good block suffices.
    const some = await run("verify", f("m.suit"), "--key", f("ed.pub.pem"), "--policy", "all");
    expect(some.status).toBe(1);
    expect(some.err).toMatch(/SUIT_AUTH_FAILED/);
    expect((await run("verify", f("m.suit"), "--key", f("ed.pub.pem"))).status).toBe(0);
    // --allow-alg restricts the algorithms: only EdDSA allowed, the EdDSA block verifies; only ESP256 allowed, none.
    expect((await run("verify", f("m.suit"), "--key", f("ed.pub.pem"), "--allow-alg", "EdDSA")).status).toBe(0);
    expect((await run("verify", f("m.suit"), "--key", f("ed.pub.pem"), "--allow-alg", "-9")).status).toBe(1);
  });

  it("wrong key → exit 1 with SUIT_AUTH_FAILED; a wrong-curve --alg or a public key for sign → exit 2", async () => {
    await run("create", description, f("w.suit"));
    await run("sign", f("w.suit"), "--key", f("author.pem"));
    const r = await run("verify", f("w.suit"), "--key", f("other.pub.pem"), "--json");
    expect(r.status).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ format: "suit", verified: false, code: "SUIT_AUTH_FAILED" });
    expect(r.err).toMatch(/^rotkit manifest verify: refused: SUIT_AUTH_FAILED: /);
    const bad = await run("sign", f("w.suit"), "--key", f("author.pem"), "--alg", "ESP384");
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/CRYPTO_INVALID_KEY/);
    const pub = await run("sign", f("w.suit"), "--key", f("author.pub.pem"));
    expect(pub.status).toBe(2);
    expect(pub.err).toMatch(/not a private EC or Ed25519 key/);
  });
});

describe("rotkit manifest: usage and input errors exit 2", () => {
  it("refuses unknown options, missing files, keys, descriptions with a JSON path", async () => {
    expect((await run()).status).toBe(2);
    expect((await run("help")).status).toBe(0);
    expect((await run("verify", f("nope.suit"), "--key", f("author.pub.pem"))).status).toBe(2);
    expect((await run("verify", description)).err).toMatch(/at least one --key or --secret/);
    expect((await run("verify", description, "--key", f("author.pub.pem"), "--bogus", "1")).status).toBe(2);
    expect((await run("verify", description, "--key", f("hmac.secret"))).err).toMatch(/key file .*hmac\.secret/);
    expect((await run("verify", description, "--key", f("author.pub.pem"), "--policy", "most")).status).toBe(2);
    expect((await run("sign", description, "--key", f("author.pem"), "--secret", f("hmac.secret"))).status).toBe(2);
    expect((await run("sign", description, "--key", f("author.pem"), "--alg", "RS256")).status).toBe(2);
    const cases: Array<[unknown, RegExp]> = [
      [{ manifest: { sequenceNumber: 1 }, extra: 1 }, /\$\.extra: unknown member/],
      [{ manifest: {} }, /\$\.manifest\.sequenceNumber: is required/],
      [{ manifest: { sequenceNumber: -1 } }, /sequenceNumber: must not be negative/],
      [
        { manifest: { sequenceNumber: 1, validate: [{ "image-match": 15, fetch: 2 }] } },
        /validate\[0\]: a command is one member/,
      ],
      [{ manifest: { sequenceNumber: 1, validate: [{ "image-matches": 15 }] } }, /unknown command "image-matches"/],
      [{ manifest: { sequenceNumber: 1, common: { components: [["0g"]] } } }, /components\[0\]\[0\]: "0g" is not hex/],
      [{ manifest: { sequenceNumber: 1, validate: [{ "override-parameters": { uri: 1 } }] } }, /uri: must be a string/],
      [{ manifest: { sequenceNumber: 1 }, sever: ["validate"] }, /validate is not severable/],
      [{ manifest: { sequenceNumber: 1 }, sever: ["install"] }, /INVALID_ARGUMENT: SUIT: severable member install/],
    ];
    for (const [json, re] of cases) {
      writeFileSync(f("bad.json"), JSON.stringify(json));
      const r = await run("create", f("bad.json"), f("bad.suit"));
      expect(r.status).toBe(2);
      expect(r.err).toMatch(re);
    }
    writeFileSync(f("bad.json"), "{ not json");
    expect((await run("create", f("bad.json"), f("bad.suit"))).err).toMatch(/cannot read the JSON description/);
  });
});

/** Signed upstream SUIT examples and the key files that verify them (test-vectors/suit-*\/README.md). */
function signedExamples(): { file: string; keys: string[]; dependencyKeys?: string[] }[] {
  const out: { file: string; keys: string[]; dependencyKeys?: string[] }[] = [];
  const std = join(vectors, "suit-manifest-spec/keys/public_key.pem");
  const add = (d: string, re: RegExp, keys: string[]) => {
    for (const n of readdirSync(join(vectors, d)).sort()) {
      if (!re.test(n)) continue;
      const file = join(vectors, d, n);
      if (n.includes("es-ecdh-dependency")) {
        const dep = join(vectors, "suit-firmware-encryption/keys/dependent_private_key.pem");
        out.push({ file, keys: ["--key", dep], dependencyKeys: ["--dependency-key", std] });
      } else out.push({ file, keys });
    }
  };
  add("suit-manifest-spec", /\.signed(-severed)?\.cbor$/, ["--key", std]);
  add("suit-libcsuit", /\.suit$/, [
    "--key",
    join(vectors, "suit-libcsuit/key/trust_anchor_secp256r1_pub.pem"),
    "--secret",
    f("hmac.secret"),
  ]);
  add("suit-trust-domains", /\.cbor$/, ["--key", join(vectors, "suit-trust-domains/keys/public_key.pem")]);
  add("suit-firmware-encryption", /^suit-manifest-.*\.cbor$/, ["--key", std, "--secret", f("hmac.secret")]);
  return out;
}

describe("rotkit manifest verify on the upstream SUIT examples", () => {
  it("every signed example verifies with its key (exit 0); the wrong key refuses it (exit 1)", async () => {
    const examples = signedExamples();
    expect(examples.length).toBeGreaterThanOrEqual(30);
    for (const ex of examples) {
      const r = await run("verify", ex.file, ...ex.keys, ...(ex.dependencyKeys ?? []), "--json");
      expect([ex.file, r.status, r.err]).toEqual([ex.file, 0, ""]);
      expect(JSON.parse(r.out).signers.length).toBeGreaterThan(0);
      const wrong = await run("verify", ex.file, "--key", f("other.pub.pem"));
      expect([ex.file, wrong.status]).toEqual([ex.file, 1]);
      expect(wrong.err).toMatch(/refused: SUIT_AUTH_FAILED/);
    }
  });

  it("inspect decodes every signed example and names its signers without verifying", async () => {
    for (const ex of signedExamples()) {
      const r = await run("inspect", ex.file, "--json");
      expect([ex.file, r.status]).toEqual([ex.file, 0]);
      const j = JSON.parse(r.out);
      expect(j.verified).toBe(false);
      expect(j.authentication.length).toBeGreaterThan(0);
      for (const b of j.authentication) expect(b.error).toBeUndefined();
    }
  });
});

describe("every single-byte corruption is refused by verify", () => {
  const cases = [
    ["suit-manifest-spec/example1.signed.cbor", "suit-manifest-spec/keys/public_key.pem"],
    ["suit-manifest-spec/example2.signed.cbor", "suit-manifest-spec/keys/public_key.pem"],
  ] as const;
  for (const [file, key] of cases) {
    it(`${file}: ${DEFAULT_XOR_MASKS.length} XOR masks at every byte, and every truncation`, async () => {
      const bytes = new Uint8Array(readFileSync(join(vectors, file)));
      const keys = verificationKeys([join(vectors, key)], []);
      expect(await verifyManifest(bytes, { keys })).toMatchObject({ verified: true, format: "suit" });
      const codes: Record<string, number> = {};
      let n = 0;
      const inputs = [...[...singleByteMutations(bytes)].map((m) => m.bytes), ...truncations(bytes)];
      for (const input of inputs) {
        const r = await verifyManifest(input, { keys });
        if (r.verified) throw new Error(`accepted a corrupted envelope (input ${n})`);
        expect(r.code).toMatch(/^(SUIT|COSE|CBOR|MCUBOOT)_/);
        codes[r.code] = (codes[r.code] ?? 0) + 1;
        n++;
      }
      expect(n).toBe(bytes.length * (DEFAULT_XOR_MASKS.length + 1));
      expect(codes.SUIT_DIGEST_MISMATCH).toBeGreaterThan(0);
      expect(codes.SUIT_AUTH_FAILED).toBeGreaterThan(0);
      expect(codes.SUIT_MALFORMED).toBeGreaterThan(0);
    });
  }

  it("an envelope built and signed here: every single-byte corruption refused", async () => {
    await run("create", description, f("fz.suit"));
    await run("sign", f("fz.suit"), "--key", f("author.pem"));
    const bytes = new Uint8Array(readFileSync(f("fz.suit")));
    const keys = verificationKeys([f("author.pub.pem")], []);
    expect((await verifyManifest(bytes, { keys })).verified).toBe(true);
    let n = 0;
    for (const m of singleByteMutations(bytes)) {
      const r = await verifyManifest(m.bytes, { keys });
      if (r.verified) throw new Error(`accepted a corrupted envelope (byte ${m.at} ^ ${m.mask})`);
      n++;
    }
    expect(n).toBe(bytes.length * DEFAULT_XOR_MASKS.length);
  });
});

describe("inspect takes hostile bytes", () => {
  it("every single-byte mutation and truncation of signed examples: a report or a RotkitError, never a crash", () => {
    for (const file of ["suit-manifest-spec/example2.signed.cbor", "suit-trust-domains/example2_integrated.cbor"]) {
      const bytes = new Uint8Array(readFileSync(join(vectors, file)));
      const inputs = [...[...singleByteMutations(bytes)].map((m) => m.bytes), ...truncations(bytes)];
      const outcome = expectOnlyRotkitErrors((input) => {
        const report = suitInspectJson(decodeSuitEnvelopeUnverified(input));
        expect(render(report, false)).toMatch(/NOT VERIFIED/);
        JSON.parse(render(report, true));
      }, inputs);
      expect(outcome.ok + outcome.rejected).toBe(inputs.length);
      expect(outcome.rejected).toBeGreaterThan(0);
      expect(outcome.ok).toBeGreaterThan(0); // flips inside signatures and digests still decode
    }
  });
});

describe("rotkit manifest verify --format mcuboot", () => {
  const image = join(vectors, "mcuboot-imgtool/images/signed/basic/ecdsa-p256.bin");
  it("verifies an imgtool image by its magic with the PEM key; refuses a flipped body byte and the wrong key", async () => {
    const key = join(vectors, "mcuboot-imgtool/keys/public/ecdsa-p256-pem.pub");
    const r = await run("verify", image, "--key", key, "--json");
    expect(r).toMatchObject({ status: 0, err: "" });
    expect(JSON.parse(r.out)).toMatchObject({ format: "mcuboot", verified: true, signatures: [{ name: "ECDSA_SIG" }] });
    expect((await run("verify", image, "--key", join(vectors, "mcuboot-imgtool/keys/ecdsa-p256.key"))).status).toBe(0);
    const bytes = new Uint8Array(readFileSync(image));
    bytes[100] = (bytes[100] as number) ^ 1;
    writeFileSync(f("flipped.bin"), bytes);
    const flipped = await run("verify", f("flipped.bin"), "--key", key, "--format", "mcuboot");
    expect(flipped.status).toBe(1);
    expect(flipped.err).toMatch(/refused: MCUBOOT_DIGEST_MISMATCH/);
    const wrong = await run("verify", image, "--key", f("other.pub.pem"));
    expect(wrong.status).toBe(1);
    expect((await run("verify", image, "--secret", f("hmac.secret"))).status).toBe(2);
    const i = await run("inspect", image);
    expect(i.out).toMatch(/NOT VERIFIED/);
    expect(i.out).toMatch(/image version/);
  });
});

describe("rotkit manifest verify with an HSS-LMS COSE_Key (RFC 8778)", () => {
  it("0 for an envelope an HSS-LMS KeyHandle signed, 1 with another HSS-LMS key", async () => {
    const hssKey = (fill: number) =>
      hssTestKey({
        levels: [{ lmsType: 5, otsType: 4 }],
        seed: new Uint8Array(32).fill(fill),
        identifier: new Uint8Array(16).fill(fill + 1),
      });
    const signer = hssKey(1);
    const handle: KeyHandle = {
      alg: "HSS-LMS",
      publicKey: hssLmsPublicKey(signer.publicKey),
      sign: async (data) => signer.sign(data),
    };
    await run("create", description, f("hss.suit"));
    const signed = await signSuitEnvelope(readFileSync(f("hss.suit")), {
      signers: [handle],
      provider: nobleProvider(),
    });
    writeFileSync(f("hss-signed.suit"), signed);
    writeFileSync(f("hss.pub.cose"), encodeCoseKey(coseKeyFromPublicKey(handle.publicKey)));
    writeFileSync(f("hss-other.pub.cose"), encodeCoseKey(coseKeyFromPublicKey(hssLmsPublicKey(hssKey(2).publicKey))));
    expect((await run("verify", f("hss-signed.suit"), "--key", f("hss.pub.cose"))).status).toBe(0);
    const wrong = await run("verify", f("hss-signed.suit"), "--key", f("hss-other.pub.cose"));
    expect(wrong.status).toBe(1);
    expect(wrong.err).toMatch(/SUIT_AUTH_FAILED/);
  });
});

const opensslOk = spawnSync("openssl", ["version"]).status === 0;
describe.skipIf(!opensslOk)("rotkit manifest verify with a certificate", () => {
  it("takes the key from a self-signed PEM certificate", async () => {
    const cert = spawnSync("openssl", [
      "req",
      "-x509",
      "-new",
      "-key",
      f("author.pem"),
      "-subj",
      "/CN=author",
      "-days",
      "1",
      "-out",
      f("author.crt"),
    ]);
    expect(cert.status).toBe(0);
    await run("create", description, f("c.suit"));
    await run("sign", f("c.suit"), "--key", f("author.pem"));
    expect((await run("verify", f("c.suit"), "--key", f("author.crt"))).status).toBe(0);
  });

  it("signs with an `openssl ecparam -genkey` key (EC PARAMETERS block first, SEC1 key)", async () => {
    const gen = spawnSync("openssl", ["ecparam", "-genkey", "-name", "prime256v1", "-out", f("sec1.pem")]);
    expect(gen.status).toBe(0);
    expect(readFileSync(f("sec1.pem"), "utf8")).toMatch(/BEGIN EC PARAMETERS[\s\S]*BEGIN EC PRIVATE KEY/);
    await run("create", description, f("e.suit"));
    expect((await run("sign", f("e.suit"), "--key", f("sec1.pem"))).out).toMatch(/COSE_Sign1 ESP256/);
    expect((await run("verify", f("e.suit"), "--key", f("sec1.pem"))).status).toBe(0);
  });
});

describe("spawned `rotkit manifest verify`: real exit codes", () => {
  const tsx = join(repo, "node_modules/tsx/dist/cli.mjs");
  const bin = join(repo, "packages/cli/src/bin.ts");
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [tsx, "--conditions=rotkit-source", bin, "manifest", ...args], { encoding: "utf8" });
  const example = join(vectors, "suit-manifest-spec/example1.signed.cbor");
  const key = join(vectors, "suit-manifest-spec/keys/public_key.pem");

  it("0 for the authentic example, 1 with the code for a corrupted copy and for the wrong key", () => {
    expect(cli("verify", example, "--key", key).status).toBe(0);
    const bytes = new Uint8Array(readFileSync(example));
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
    writeFileSync(f("corrupt.suit"), bytes);
    const corrupt = cli("verify", f("corrupt.suit"), "--key", key);
    expect(corrupt.status).toBe(1);
    expect(corrupt.stderr).toMatch(/refused: SUIT_(DIGEST_MISMATCH|AUTH_FAILED|MALFORMED): /);
    copyFileSync(example, f("ex1.suit"));
    const wrong = cli("verify", f("ex1.suit"), "--key", f("other.pub.pem"));
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/refused: SUIT_AUTH_FAILED/);
  }, 60_000);
});

// Keep the key helpers honest: a COSE_Key written here decodes to the same public key the PEM holds.
it("COSE_Key and PEM forms of the author key are the same key", () => {
  const [fromPem] = verificationKeys([f("author.pub.pem")], []);
  const [fromCose] = verificationKeys([f("author.pub.cose")], []);
  expect((fromPem as { x: Uint8Array }).x).toEqual((fromCose as { x: Uint8Array }).x);
  expect((fromCose as { x: Uint8Array }).x).toEqual(fromBase64Url(authorJwk.x as string));
});
