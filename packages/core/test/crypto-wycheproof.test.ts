// Every case of the pinned Wycheproof files (test-vectors/wycheproof/, see its README) against both providers:
// each `valid` case accepted, each `invalid` one rejected with `false` or a RotkitError (never another error), and
// the way `acceptable` cases go is pinned so a change in behaviour shows up in review.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CryptoProvider,
  constantTimeEqual,
  decodeEcPoint,
  fromHex,
  isRotkitError,
  nobleProvider,
  type PublicKey,
  type SignatureAlg,
  webCryptoProvider,
} from "../src/index.js";

const DIR = join(import.meta.dirname, "../../../test-vectors/wycheproof");

interface WTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: "valid" | "invalid" | "acceptable";
  [k: string]: unknown;
}
interface WGroup {
  tests: WTest[];
  [k: string]: unknown;
}
interface WFile {
  algorithm: string;
  schema: string;
  testGroups: WGroup[];
}

type Outcome = { verdict: "valid" | "invalid"; error?: unknown };

const HASH_TO_ES: Record<string, SignatureAlg> = { "SHA-256": "ES256", "SHA-384": "ES384", "SHA-512": "ES512" };
const CURVES: Record<string, "P-256" | "P-384" | "P-521"> = {
  secp256r1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
};

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function hex(v: unknown): Uint8Array {
  return fromHex(String(v));
}

async function guard(f: () => Promise<boolean>): Promise<Outcome> {
  try {
    return { verdict: (await f()) ? "valid" : "invalid" };
  } catch (e) {
    return { verdict: "invalid", error: e };
  }
}

async function runCase(p: CryptoProvider, file: WFile, g: WGroup, t: WTest): Promise<Outcome> {
  switch (file.schema) {
    case "ecdsa_verify_schema_v1.json":
    case "ecdsa_p1363_verify_schema_v1.json": {
      const pk = g.publicKey as { curve: string; uncompressed: string };
      const alg = HASH_TO_ES[g.sha as string] as SignatureAlg;
      const format = file.schema.includes("p1363") ? "raw" : "der";
      return guard(async () => {
        const key = decodeEcPoint(CURVES[pk.curve] as "P-256", hex(pk.uncompressed));
        return p.verify(alg, key, hex(t.msg), hex(t.sig), { format });
      });
    }
    case "eddsa_verify_schema_v1.json": {
      const pk = g.publicKey as { curve: string; pk: string };
      const key: PublicKey = { kty: "OKP", crv: pk.curve === "edwards448" ? "Ed448" : "Ed25519", x: hex(pk.pk) };
      return guard(() => p.verify("EdDSA", key, hex(t.msg), hex(t.sig)));
    }
    case "rsassa_pkcs1_verify_schema_v1.json":
    case "rsassa_pss_verify_schema_v1.json": {
      const pk = g.publicKey as { modulus: string; publicExponent: string };
      const key: PublicKey = { kty: "RSA", n: stripZeros(hex(pk.modulus)), e: stripZeros(hex(pk.publicExponent)) };
      const pss = file.schema.startsWith("rsassa_pss");
      const alg = `${pss ? "PS" : "RS"}${String(g.sha).slice(4)}` as SignatureAlg;
      return guard(() => p.verify(alg, key, hex(t.msg), hex(t.sig), pss ? { pssSaltLength: g.sLen as number } : {}));
    }
    case "mac_test_schema_v1.json": {
      const tagLen = (g.tagSize as number) / 8;
      return guard(async () => {
        const tag = hex(t.tag);
        const full = await p.hmac("SHA-256", hex(t.key), hex(t.msg));
        return constantTimeEqual(full.subarray(0, tagLen), tag);
      });
    }
    case "hkdf_test_schema_v1.json":
      return guard(async () => {
        const okm = await p.hkdf("SHA-256", hex(t.ikm), hex(t.salt), hex(t.info), t.size as number);
        return constantTimeEqual(okm, hex(t.okm));
      });
    case "aead_test_schema_v1.json":
      return guard(async () => {
        const params = { key: hex(t.key), iv: hex(t.iv), aad: hex(t.aad), tagLength: (g.tagSize as number) / 8 };
        const ctTag = new Uint8Array([...hex(t.ct), ...hex(t.tag)]);
        const pt = await p.aeadDecrypt("AES-GCM", params, ctTag);
        if (!constantTimeEqual(pt, hex(t.msg))) return false;
        // A valid case must also encrypt to the same bytes.
        return constantTimeEqual(await p.aeadEncrypt("AES-GCM", params, hex(t.msg)), ctTag);
      });
    default:
      throw new Error(`no runner for ${file.schema}`);
  }
}

const providers: CryptoProvider[] = [nobleProvider(), webCryptoProvider()];
const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));

// How the `acceptable` cases go, per file and provider (pinned; see test-vectors/wycheproof/README.md).
const ACCEPTABLE: Record<string, Record<number, "valid" | "invalid">> = {
  // tcId 8: DigestInfo without the NULL parameter. We build the encoding with NULL and compare (RFC 8017 §9.2), so
  // the NULL-less form is rejected by both providers.
  "rsa_signature_2048_sha256_test.json": { 8: "invalid" },
};

describe.each(providers.map((p) => [p.name, p] as const))("wycheproof @%s", (_name, provider) => {
  it.each(files)("%s", async (f) => {
    const file = JSON.parse(readFileSync(join(DIR, f), "utf8")) as WFile;
    const failures: string[] = [];
    let n = 0;
    for (const g of file.testGroups) {
      for (const t of g.tests) {
        n++;
        const out = await runCase(provider, file, g, t);
        const where = `${f}#${t.tcId} (${t.comment}; ${t.flags.join(",")})`;
        if (out.error !== undefined && !isRotkitError(out.error)) {
          failures.push(`${where}: threw non-RotkitError ${String(out.error)}`);
          continue;
        }
        const expected = t.result === "acceptable" ? ACCEPTABLE[f]?.[t.tcId] : t.result;
        if (expected === undefined) failures.push(`${where}: acceptable case went ${out.verdict}, not pinned`);
        else if (out.verdict !== expected) {
          failures.push(`${where}: expected ${expected}, got ${out.verdict} ${out.error ? String(out.error) : ""}`);
        }
      }
    }
    expect(n).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });
});
