import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type CryptoProvider, concatBytes, fromHex, type PublicKey, RotkitError } from "@rotkit/core";
import {
  decodeMcubootImageUnverified,
  McubootTlvType,
  mcubootKeyHash,
  mcubootPublicKeyBytes,
  type UnverifiedMcubootImage,
  verifyMcubootImage,
} from "@rotkit/manifest";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import { CaseInputError, caseResult, type Outcome, outcomeOfError } from "./case-outcome.js";
import { requireFolder } from "./files.js";
import { hasFile, providers, readBytes, readIndex } from "./psa-common.js";
import { pemPrivateToPublic } from "./suit-common.js";

// MCUboot imgtool's test images (test-vectors/mcuboot-imgtool/README.md) in the upstream layout:
// - trusted keys: every signing key in keys/ (PEM private keys and keys/public/*.pub; not the password-protected
//   ones, not the X25519 encryption key);
// - cases: index.json when present (its `negative` flag is the expected verdict), else every image under
//   images/signed/ (a name with `_inv` is expected invalid); Intel-HEX images are converted to binary first;
// - verdict: verifyMcubootImage with the trusted keys, on both providers. As `imgtool verify` does without --key, an
//   image with no signature TLV is checked by its hash alone; an image with signatures needs one by a trusted key.
//   A signed image whose KEYHASH names no published key (imgtool's test signed it with a key it generated and threw
//   away) cannot be judged and is skipped. Encrypted images are read as `imgtool --clear` leaves them (plaintext
//   body, allowEncryptedFlag); a real ciphertext body fails its plaintext hash.
// - derived negatives for every image that verifies: the trusted keys minus its signer (`#wrong-key`), a flipped
//   body byte (`#flipped-body-byte`), and a SEC_CNT appended to the unprotected TLV area, which leaves hash and
//   signature intact (`#unprotected-sec-cnt`, CVE-2024-32883).

const SUITE = "mcuboot-imgtool";
const IMAGE_EXTENSIONS = /\.(bin|enc|hex|signed)$/;
const SIGNATURE_TLVS = new Set<number>([0x20, 0x21, 0x22, 0x23, 0x24]);
const MAX_HEX_SPAN = 16 * 1024 * 1024;

interface ImageCase {
  id: string;
  file: string;
  expected: Verdict;
}

interface TrustedKey {
  file: string;
  key: PublicKey;
}

/** The signing keys of keys/ and keys/public/, each once. */
function trustedKeys(root: string): TrustedKey[] {
  const out: TrustedKey[] = [];
  const seen = new Set<string>();
  const files = [...list(root, "keys", /\.key$/), ...list(root, "keys/public", /\.pub$/)].filter(
    (f) => !f.includes("_passwd"),
  );
  for (const file of files) {
    let key: PublicKey;
    try {
      key = pemPrivateToPublic(root, file);
    } catch {
      continue; // not a key node:crypto can read without a password
    }
    if (!(key.kty === "EC" || key.kty === "RSA" || (key.kty === "OKP" && key.crv === "Ed25519"))) continue;
    const id = Array.from(mcubootPublicKeyBytes(key)).join(",");
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ file, key });
  }
  return out;
}

function list(root: string, dir: string, pattern: RegExp): string[] {
  try {
    return readdirSync(join(root, dir))
      .filter((f) => pattern.test(f))
      .sort()
      .map((f) => `${dir}/${f}`);
  } catch {
    return [];
  }
}

function walk(root: string, dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir)).sort();
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const rel = `${dir}/${n}`;
    if (statSync(join(root, rel)).isDirectory()) return walk(root, rel);
    return IMAGE_EXTENSIONS.test(n) ? [rel] : [];
  });
}

function cases(root: string): ImageCase[] {
  if (hasFile(root, "index.json")) {
    return (readIndex(SUITE, root) as { id: string; primary: string; negative?: boolean }[]).map((c) => ({
      id: c.id,
      file: c.primary,
      expected: c.negative === true ? "invalid" : "valid",
    }));
  }
  return walk(root, "images/signed").map((file) => ({
    id: file,
    file,
    expected: /_inv/i.test(file) ? "invalid" : "valid",
  }));
}

/**
 * Intel HEX (data, EOF, extended segment / linear address records; checksums checked) to the bytes between the
 * lowest and highest address, gaps as 0xff. ENCODING_INVALID for a bad record or a span over 16 MiB.
 */
export function intelHexToBinary(text: string): Uint8Array {
  const chunks: { addr: number; data: Uint8Array }[] = [];
  let base = 0;
  let eof = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    const bad = (why: string) => new RotkitError("ENCODING_INVALID", `Intel HEX line ${i + 1}: ${why}`);
    if (eof) throw bad("record after the end-of-file record");
    if (!/^:(?:[0-9A-Fa-f]{2}){5,}$/.test(line)) throw bad("not a record");
    const rec = fromHex(line.slice(1));
    const n = rec[0] as number;
    if (rec.length !== n + 5) throw bad("length byte disagrees with the record");
    if (rec.reduce((s, b) => (s + b) & 0xff, 0) !== 0) throw bad("checksum");
    const type = rec[3] as number;
    const data = rec.subarray(4, 4 + n);
    const word = n === 2 ? ((data[0] as number) << 8) | (data[1] as number) : -1;
    if (type === 0) chunks.push({ addr: base + (((rec[1] as number) << 8) | (rec[2] as number)), data });
    else if (type === 1) eof = true;
    else if (type === 2 && word >= 0) base = word * 16;
    else if (type === 4 && word >= 0) base = word * 0x10000;
    else if (type !== 3 && type !== 5) throw bad(`record type ${type}`);
  }
  if (chunks.length === 0) throw new RotkitError("ENCODING_INVALID", "Intel HEX: no data records");
  const min = Math.min(...chunks.map((c) => c.addr));
  const max = Math.max(...chunks.map((c) => c.addr + c.data.length));
  if (max - min > MAX_HEX_SPAN) throw new RotkitError("ENCODING_INVALID", "Intel HEX: data spans more than 16 MiB");
  const out = new Uint8Array(max - min).fill(0xff);
  for (const c of chunks) out.set(c.data, c.addr - min);
  return out;
}

function imageBytes(root: string, file: string): Uint8Array {
  const raw = readBytes(root, file);
  return file.endsWith(".hex") ? intelHexToBinary(new TextDecoder().decode(raw)) : raw;
}

/** Which trusted keys the image's KEYHASH / PUBKEY TLVs name. */
async function namedKeys(
  img: UnverifiedMcubootImage,
  keys: TrustedKey[],
  provider: CryptoProvider,
): Promise<Set<number>> {
  const named = new Set<number>();
  for (const t of img.unprotectedTlvs) {
    for (let i = 0; i < keys.length; i++) {
      const k = (keys[i] as TrustedKey).key;
      if (t.type === McubootTlvType.PUBKEY && equal(mcubootPublicKeyBytes(k), t.value)) named.add(i);
      if (t.type === McubootTlvType.KEYHASH) {
        const alg = t.value.length === 48 ? "SHA-384" : t.value.length === 64 ? "SHA-512" : "SHA-256";
        if (equal(await mcubootKeyHash(k, alg, provider), t.value)) named.add(i);
      }
    }
  }
  return named;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The image with a SEC_CNT TLV appended to its unprotected area: nothing hashed changes. */
function withUnprotectedSecCnt(bytes: Uint8Array, img: UnverifiedMcubootImage): Uint8Array {
  const area = bytes.slice(img.hashedLength, img.end);
  const total = area.length + 8;
  area.set([total & 0xff, total >> 8], 2);
  const secCnt = Uint8Array.of(McubootTlvType.SEC_CNT, 0, 4, 0, 0xff, 0xff, 0xff, 0xff);
  return concatBytes(bytes.subarray(0, img.hashedLength), area, secCnt, bytes.subarray(img.end));
}

async function outcome(fn: () => Promise<string>): Promise<Outcome> {
  try {
    return { got: "valid", reason: await fn() };
  } catch (e) {
    return outcomeOfError(e);
  }
}

async function runCase(root: string, c: ImageCase, keys: TrustedKey[]): Promise<CaseResult[]> {
  let bytes: Uint8Array;
  let img: UnverifiedMcubootImage;
  try {
    bytes = imageBytes(root, c.file);
    img = decodeMcubootImageUnverified(bytes);
  } catch (e) {
    if (e instanceof CaseInputError) return [caseResult(c.id, c.expected, { skipped: e.message })];
    return [caseResult(c.id, c.expected, outcomeOfError(e))];
  }
  const signed = img.unprotectedTlvs.some((t) => SIGNATURE_TLVS.has(t.type));
  const all = providers();
  const signers = await namedKeys(img, keys, all[0] as CryptoProvider);
  if (signed && signers.size === 0) {
    return [
      caseResult(c.id, c.expected, { skipped: "signed by a key that is not published (generated by imgtool's test)" }),
    ];
  }
  const out: CaseResult[] = [];
  for (const provider of all) {
    const at = `@${provider.name}`;
    const verify = (b: Uint8Array, ks: TrustedKey[]) =>
      verifyMcubootImage(b, {
        keys: ks.map((k) => k.key),
        provider,
        requireSignature: signed,
        allowEncryptedFlag: true,
      });
    const main = await outcome(async () => {
      const r = await verify(bytes, keys);
      const by = r.signatures.map((s) => `${s.name} by ${(keys[s.keyIndex] as TrustedKey).file}`);
      return [r.digest?.alg ?? "no hash", ...by, ...r.flags].join("; ");
    });
    out.push(caseResult(`${c.id}${at}`, c.expected, main));
    if (c.expected !== "valid" || !("got" in main) || main.got !== "valid") continue;
    const derived: [string, () => Promise<unknown>][] = [
      ["flipped-body-byte", () => verify(flipped(bytes, img.header.hdrSize), keys)],
      ["unprotected-sec-cnt", () => verify(withUnprotectedSecCnt(bytes, img), keys)],
    ];
    if (signed)
      derived.push([
        "wrong-key",
        () =>
          verify(
            bytes,
            keys.filter((_, i) => !signers.has(i)),
          ),
      ]);
    for (const [name, fn] of derived) {
      const r = await outcome(async () => {
        await fn();
        return "accepted";
      });
      out.push(caseResult(`${c.id}#${name}${at}`, "invalid", r));
    }
  }
  return out;
}

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const b = bytes.slice();
  b[at] = (b[at] as number) ^ 0x01;
  return b;
}

/** The MCUboot imgtool suite. */
export const mcubootImgtoolSuite: Suite = {
  name: SUITE,
  description:
    "MCUboot imgtool signed images (ECDSA P-256/P-384, Ed25519, RSA-PSS; protected TLVs, --clear, padded, HEX)",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    requireFolder(SUITE, path);
    const keys = trustedKeys(path);
    if (keys.length === 0)
      throw new RotkitError("CONFORMANCE_BAD_INPUT", `${SUITE}: no signing keys under ${path}/keys`);
    const list = cases(path);
    const results: CaseResult[] = [];
    for (let i = 0; i < list.length; i++) {
      results.push(...(await runCase(path, list[i] as ImageCase, keys)));
      ctx.progress(i + 1, list.length);
    }
    return results;
  },
};
