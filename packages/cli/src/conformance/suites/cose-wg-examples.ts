import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  bytesEqual,
  CborTag,
  type CborValue,
  type CryptoProvider,
  decodeCbor,
  fromHex,
  type PublicKey,
  RotkitError,
  softwareKeyAgreementHandle,
  toBase64Url,
  toHex,
  utf8Encode,
} from "@rotkit/core";
import {
  type CoseHeaders,
  type CoseKey,
  type CountersignedLayer,
  coseKeyFromJwk,
  decodeCoseKey,
  decodeHeaders,
  type Jwk,
  macStructure,
  type RecipientKey,
  type SenderKey,
  sigStructure,
  sigStructure1,
  type VerifyCountersignOptions,
  verifyCoseMac,
  verifyCoseMac0,
  verifyCoseSign,
  verifyCoseSign1,
  verifyCountersignatures,
  withContentKey,
} from "@rotkit/cose";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import { CaseInputError, caseResult, type Json, type Outcome, obj, outcomeOfError } from "./case-outcome.js";
import { plaintextOf, textOrHex } from "./cose-wg-fields.js";
import { requireFolder, runCaseFiles } from "./files.js";

// cose-wg/Examples (RFC 8152 / RFC 9052 / RFC 9053) in their upstream layout: one JSON per case with the keys in
// `input`, the message in `output.cbor`, and `intermediates` (ToBeSign / ToMac) for the interop check.
// A case is "valid" when the message verifies with the keys from the JSON, its payload equals the input
// plaintext, every countersignature verifies and (for unmutated cases) our Sig_structure / MAC_structure bytes
// equal the published ones. `fail: true` cases are expected "invalid". Each case runs with both providers.
// Encrypted / enveloped bodies are decided by the COSE-encryption suite module (runEncryptedCase).

/**
 * A JWK-like key of the examples (`x` base64url or `x_hex`, kty EC / EC2 / OKP / RSA / oct; HSS-LMS with its `public`
 * hex) as a COSE_Key.
 */
export function exampleKey(key: unknown): CoseKey {
  const k = obj(key, "key");
  if (k.kty === "HSS-LMS") {
    // RFC 8778 §5 has no JWK form: the example gives the HSS public key (RFC 8554 §6.1) as hex.
    if (typeof k.public !== "string") throw new CaseInputError("HSS-LMS key without public");
    const map = new Map<CborValue, CborValue>([
      [1, 5],
      [-1, fromHex(k.public)],
    ]);
    if (typeof k.kid === "string") map.set(2, utf8Encode(k.kid));
    return decodeCoseKey(map);
  }
  const jwk: Jwk = { kty: k.kty === "EC2" ? "EC" : String(k.kty) };
  if (typeof k.crv === "string") jwk.crv = k.crv;
  if (typeof k.kid === "string") jwk.kid = k.kid;
  const names: [string, string][] = [
    ["x", "x"],
    ["y", "y"],
    ["d", "d"],
    ["k", "k"],
    ["n", "n"],
    ["e", "e"],
    ["p", "p"],
    ["q", "q"],
    ["dP", "dp"],
    ["dQ", "dq"],
    ["qi", "qi"],
  ];
  for (const [src, dst] of names) {
    const b64 = k[src];
    const hex = k[`${src}_hex`];
    if (typeof b64 === "string") jwk[dst] = b64;
    else if (typeof hex === "string") jwk[dst] = toBase64Url(fromHex(hex));
  }
  return coseKeyFromJwk(jwk);
}

function hexOr(v: unknown): Uint8Array {
  return typeof v === "string" ? fromHex(v) : new Uint8Array(0);
}

function messageItems(bytes: Uint8Array): CborValue[] {
  let v = decodeCbor(bytes);
  if (v instanceof CborTag) v = v.value;
  if (!Array.isArray(v)) throw new RotkitError("COSE_MALFORMED", "not an array");
  return v;
}

/** Labels a case declares critical (`crit` in its JSON input): the example's application understands them. */
function declaredCritical(layer: Json): (string | number)[] {
  const p = layer.protected as Json | undefined;
  const crit = p?.crit;
  return Array.isArray(crit)
    ? (crit.filter((c) => typeof c === "string" || typeof c === "number") as (string | number)[])
    : [];
}

function tbsMismatch(note: string): Outcome {
  return { got: "invalid", code: "INTERMEDIATE_MISMATCH", reason: note };
}

/**
 * Verifies the countersignatures the JSON declares for one layer. External AAD is empty: no countersigner in the
 * examples declares one (a layer's `external` is that layer's own).
 */
async function checkCountersigs(jsonLayer: Json, layer: CountersignedLayer, provider: CryptoProvider): Promise<void> {
  const cs = jsonLayer.countersign as Json | undefined;
  const cs0 = jsonLayer.countersign0 as Json | undefined;
  if (!cs && !cs0) return;
  const options: VerifyCountersignOptions = { provider, externalAad: new Uint8Array(0), required: true };
  // Some examples give a countersigner key a kid that differs from the kid in the message (countersign/Encrypt-02:
  // key "12", header "11"), so countersigner keys are tried by type, without kid matching.
  if (cs) options.keys = (cs.signers as Json[]).map((s) => withoutKid(exampleKey(s.key)));
  if (cs0) {
    const s = (cs0.signers as Json[])[0] as Json;
    const alg = ((s.unsent as Json | undefined)?.alg ?? (s.protected as Json | undefined)?.alg) as string;
    options.countersign0 = { alg: ALG_NAMES[alg] ?? alg, key: exampleKey(s.key) };
  }
  const results = await verifyCountersignatures(layer, options);
  const want = (cs ? (cs.signers as unknown[]).length : 0) + (cs0 ? 1 : 0);
  if (results.length !== want) {
    throw new RotkitError("COSE_NO_KEY", `expected ${want} countersignatures, found ${results.length}`);
  }
}

/** What a countersignature on a layer with these headers and payload signs over. */
function countersigned(headers: CoseHeaders, payload: Uint8Array): CountersignedLayer {
  return { bodyProtected: headers.protected.bytes, unprotected: headers.unprotected, payload };
}

function withoutKid(k: CoseKey): CoseKey {
  const { kid: _kid, ...rest } = k;
  return rest as CoseKey;
}

/**
 * Upstream examples that contradict RFC 9052 and that rotkit therefore rejects on purpose. They are reported as
 * skipped (with the reason) when rotkit rejects them with the stated code, and normally otherwise.
 */
const ERRATA: Record<string, { code: string; reason: string }> = {
  "x509-examples/signed-01.json": {
    code: "COSE_BAD_HEADER",
    reason: "upstream erratum: kid (4) is a tstr in output.cbor (RFC 9052 §3.1 requires a bstr); rotkit rejects it",
  },
};

const ALG_NAMES: Record<string, number> = { ES256: -7, ES384: -35, ES512: -36, EdDSA: -8 };

function unprotectedOf(v: CborValue): Map<CborValue, CborValue> {
  return v instanceof Map ? v : new Map();
}

async function runSign1(
  c: Json,
  input: Json,
  bytes: Uint8Array,
  provider: CryptoProvider,
  mutated: boolean,
): Promise<Outcome> {
  const layer = obj(input.sign0, "sign0");
  const key = exampleKey(layer.key);
  const aad = hexOr(layer.external);
  const r = await verifyCoseSign1(bytes, {
    key,
    provider,
    externalAad: aad,
    criticalHeaders: declaredCritical(layer),
  });
  if (!bytesEqual(r.payload, plaintextOf(input))) return { got: "invalid", code: "PAYLOAD_MISMATCH" };
  const inter = (c.intermediates ?? {}) as Json;
  if (!mutated && typeof inter.ToBeSign_hex === "string") {
    const tbs = sigStructure1(r.headers.protected.bytes, aad, r.payload);
    if (toHex(tbs) !== inter.ToBeSign_hex.toLowerCase()) return tbsMismatch("ToBeSign_hex");
  }
  await checkCountersigs(layer, countersigned(r.headers, r.payload), provider);
  return { got: "valid" };
}

async function runSign(
  c: Json,
  input: Json,
  bytes: Uint8Array,
  provider: CryptoProvider,
  mutated: boolean,
): Promise<Outcome> {
  const layer = obj(input.sign, "sign");
  const signers = (layer.signers as Json[]) ?? [];
  const keys = signers.map((s) => exampleKey(s.key));
  const aad = hexOr(layer.external ?? signers.find((s) => typeof s.external === "string")?.external);
  const r = await verifyCoseSign(bytes, {
    keys,
    provider,
    externalAad: aad,
    criticalHeaders: [...declaredCritical(layer), ...signers.flatMap(declaredCritical)],
  });
  if (!bytesEqual(r.payload, plaintextOf(input))) return { got: "invalid", code: "PAYLOAD_MISMATCH" };
  const items = messageItems(bytes);
  const sigs = items[3] as CborValue[][];
  const inter = (c.intermediates ?? {}) as Json;
  const interSigners = (inter.signers as Json[] | undefined) ?? [];
  if (!mutated) {
    for (let i = 0; i < interSigners.length && i < r.signatures.length; i++) {
      const want = interSigners[i]?.ToBeSign_hex;
      const sig = r.signatures[i];
      if (typeof want !== "string" || !sig) continue;
      const tbs = sigStructure(r.headers.protected.bytes, sig.headers.protected.bytes, aad, r.payload);
      if (toHex(tbs) !== want.toLowerCase()) return tbsMismatch(`signers[${i}].ToBeSign_hex`);
    }
  }
  await checkCountersigs(layer, countersigned(r.headers, r.payload), provider);
  for (let i = 0; i < signers.length; i++) {
    const s = r.signatures[i];
    const raw = sigs[i];
    if (!s || !raw) continue;
    await checkCountersigs(signers[i] as Json, countersigned(s.headers, raw[2] as Uint8Array), provider);
  }
  return { got: "valid" };
}

function symmetricKeyOf(layer: Json): Uint8Array {
  for (const rv of (layer.recipients as Json[] | undefined) ?? []) {
    const k = exampleKey(obj(rv, "recipient").key);
    if (k.kty === "Symmetric") return k.k;
  }
  throw new CaseInputError("no symmetric key");
}

async function runMac0(
  c: Json,
  input: Json,
  bytes: Uint8Array,
  provider: CryptoProvider,
  mutated: boolean,
): Promise<Outcome> {
  const layer = obj(input.mac0, "mac0");
  const key = symmetricKeyOf(layer);
  const aad = hexOr(layer.external);
  const r = await verifyCoseMac0(bytes, { key, provider, externalAad: aad, criticalHeaders: declaredCritical(layer) });
  if (!bytesEqual(r.payload, plaintextOf(input))) return { got: "invalid", code: "PAYLOAD_MISMATCH" };
  const inter = (c.intermediates ?? {}) as Json;
  if (!mutated && typeof inter.ToMac_hex === "string") {
    const tbm = macStructure("MAC0", r.headers.protected.bytes, aad, r.payload);
    if (toHex(tbm) !== inter.ToMac_hex.toLowerCase()) return tbsMismatch("ToMac_hex");
  }
  await checkCountersigs(layer, countersigned(r.headers, r.payload), provider);
  return { got: "valid" };
}

function publicOf(k: CoseKey): PublicKey {
  if (k.kty === "EC2") return { kty: "EC", crv: k.crv, x: k.x, y: k.y };
  if (k.kty === "OKP") return { kty: "OKP", crv: k.crv, x: k.x };
  throw new CaseInputError("sender key is not EC / OKP");
}

/** The recipient keys and ECDH-SS sender keys a COSE_Mac case provides (nested recipients included). */
function collectRecipientKeys(recipients: unknown, keys: RecipientKey[], senders: SenderKey[]): void {
  if (!Array.isArray(recipients)) return;
  for (const rv of recipients) {
    const r = obj(rv, "recipient");
    if (r.key !== undefined) {
      const k = exampleKey(r.key);
      let secret: RecipientKey["key"];
      if (k.kty === "Symmetric") secret = k.k;
      else if ((k.kty === "EC2" || k.kty === "OKP") && k.d) {
        secret = softwareKeyAgreementHandle(k.crv as "P-256", k.d);
      } else throw new CaseInputError(`unsupported recipient key ${k.kty}`);
      const rk: RecipientKey = { key: secret };
      if (k.kid) rk.kid = k.kid;
      const unsent = r.unsent as Json | undefined;
      if (unsent) {
        const kdf: NonNullable<RecipientKey["kdf"]> = {};
        const u = textOrHex(unsent, "apu_id");
        const v = textOrHex(unsent, "apv_id");
        const pub = textOrHex(unsent, "pub_other");
        const priv = textOrHex(unsent, "priv_other");
        if (u) kdf.partyUIdentity = u;
        if (v) kdf.partyVIdentity = v;
        if (pub) kdf.suppPubOther = pub;
        if (priv) kdf.suppPrivInfo = priv;
        rk.kdf = kdf;
      }
      keys.push(rk);
    }
    if (r.sender_key !== undefined) {
      const sk = exampleKey(r.sender_key);
      const s: SenderKey = { key: publicOf(sk) };
      if (sk.kid) s.kid = sk.kid;
      senders.push(s);
    }
    collectRecipientKeys(r.recipients, keys, senders);
  }
}

async function runMac(
  c: Json,
  input: Json,
  bytes: Uint8Array,
  provider: CryptoProvider,
  mutated: boolean,
): Promise<Outcome> {
  const layer = obj(input.mac, "mac");
  const keys: RecipientKey[] = [];
  const senders: SenderKey[] = [];
  collectRecipientKeys(layer.recipients, keys, senders);
  const aad = hexOr(layer.external);
  const r = await verifyCoseMac(bytes, {
    provider,
    recipientKeys: keys,
    senderKeys: senders,
    externalAad: aad,
    criticalHeaders: declaredCritical(layer),
  });
  if (!bytesEqual(r.payload, plaintextOf(input))) return { got: "invalid", code: "PAYLOAD_MISMATCH" };
  const inter = (c.intermediates ?? {}) as Json;
  if (!mutated) {
    if (typeof inter.ToMac_hex === "string") {
      const tbm = macStructure("MAC", r.headers.protected.bytes, aad, r.payload);
      if (toHex(tbm) !== inter.ToMac_hex.toLowerCase()) return tbsMismatch("ToMac_hex");
    }
    if (typeof inter.CEK_hex === "string") {
      const items = messageItems(bytes);
      const cek = await withContentKey(
        items[4] as CborValue,
        { provider, alg: r.alg, context: "Mac_Recipient", recipientKeys: keys, senderKeys: senders },
        async (k) => k.slice(),
      );
      if (toHex(cek) !== inter.CEK_hex.toLowerCase()) return tbsMismatch("CEK_hex");
    }
  }
  await checkCountersigs(layer, countersigned(r.headers, r.payload), provider);
  return { got: "valid" };
}

type EncryptedRunner = (
  json: unknown,
  provider: CryptoProvider,
) => Promise<{ got: "valid" | "invalid"; code?: string } | { skipped: string }>;

let encryptedRunner: EncryptedRunner | null | undefined;

async function loadEncryptedRunner(): Promise<EncryptedRunner | null> {
  if (encryptedRunner === undefined) {
    try {
      const m = (await import("./cose-wg-encrypt.js")) as { runEncryptedCase?: EncryptedRunner };
      encryptedRunner = typeof m.runEncryptedCase === "function" ? m.runEncryptedCase : null;
    } catch {
      encryptedRunner = null;
    }
  }
  return encryptedRunner;
}

/** Countersignatures on an encrypted / enveloped body and on its recipients (RFC 8152 §4.5). */
async function encryptedCountersigs(input: Json, bytes: Uint8Array, provider: CryptoProvider): Promise<void> {
  const layer = (input.enveloped ?? input.encrypted) as Json;
  const items = messageItems(bytes);
  const body = decodeHeaders(items[0] as CborValue, items[1] as CborValue, { where: "body" });
  await checkCountersigs(layer, countersigned(body, items[2] as Uint8Array), provider);
  const jr = (layer.recipients as Json[] | undefined) ?? [];
  const recipients = (items[3] as CborValue[][] | undefined) ?? [];
  for (let i = 0; i < jr.length && i < recipients.length; i++) {
    const rec = recipients[i] as CborValue[];
    const h = decodeHeaders(rec[0] as CborValue, rec[1] as CborValue, { where: `recipients[${i}]` });
    await checkCountersigs(
      jr[i] as Json,
      {
        bodyProtected: h.protected.bytes,
        unprotected: unprotectedOf(rec[1] as CborValue),
        payload: rec[2] as Uint8Array,
      },
      provider,
    );
  }
}

/**
 * Runs one cose-wg example with one provider.
 *
 * @example
 * ```ts
 * const r = await runCoseWgCase(JSON.parse(text), nobleProvider()); // { got: "valid" }
 * ```
 */
export async function runCoseWgCase(json: unknown, provider: CryptoProvider): Promise<Outcome> {
  let c: Json;
  let input: Json;
  let bytes: Uint8Array;
  let mutated: boolean;
  try {
    c = obj(json, "case");
    input = obj(c.input, "input");
    const output = obj(c.output, "output");
    if (typeof output.cbor !== "string") throw new CaseInputError("no output.cbor");
    bytes = fromHex(output.cbor);
    mutated = c.fail === true || JSON.stringify(input).includes('"failures"');
  } catch (e) {
    if (e instanceof CaseInputError) return { skipped: `case input not usable: ${e.message}` };
    throw e;
  }
  try {
    if (input.sign0 !== undefined) return await runSign1(c, input, bytes, provider, mutated);
    if (input.sign !== undefined) return await runSign(c, input, bytes, provider, mutated);
    if (input.mac0 !== undefined) return await runMac0(c, input, bytes, provider, mutated);
    if (input.mac !== undefined) return await runMac(c, input, bytes, provider, mutated);
    if (input.encrypted !== undefined || input.enveloped !== undefined) {
      const run = await loadEncryptedRunner();
      if (!run) return { skipped: "encryption not wired yet" };
      const r = await run(json, provider);
      if ("skipped" in r || r.got === "invalid") return r;
      await encryptedCountersigs(input, bytes, provider);
      return r;
    }
    return { skipped: "unknown structure" };
  } catch (e) {
    return outcomeOfError(e);
  }
}

interface CaseEntry {
  id: string;
  expected: Verdict;
}

function listCases(root: string): CaseEntry[] {
  const indexPath = join(root, "index.json");
  if (existsSync(indexPath)) {
    const index = JSON.parse(readFileSync(indexPath, "utf8")) as { cases?: { id: string; expect: string }[] };
    if (Array.isArray(index.cases)) {
      return index.cases.map((e) => ({ id: e.id, expected: e.expect === "fail" ? "invalid" : "valid" }));
    }
  }
  // Upstream layout without an index: every <dir>/<case>.json; `fail: true` marks negatives.
  const out: CaseEntry[] = [];
  for (const dir of readdirSync(root).sort()) {
    const d = join(root, dir);
    if (!statSync(d).isDirectory()) continue;
    for (const f of readdirSync(d).sort()) {
      if (!f.endsWith(".json")) continue;
      const json = JSON.parse(readFileSync(join(d, f), "utf8")) as Json;
      if (typeof json.input !== "object" || typeof json.output !== "object") continue;
      out.push({ id: `${dir}/${f}`, expected: json.fail === true ? "invalid" : "valid" });
    }
  }
  return out;
}

/** The cose-wg/Examples suite: `rotkit conformance cose-wg-examples <Examples checkout>`. */
export const coseWgExamplesSuite: Suite = {
  name: "cose-wg-examples",
  description:
    "COSE WG examples (RFC 8152/9052/9053): Sign, Sign1, Mac, Mac0, Encrypt, Encrypt0, countersignatures, CWT",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    requireFolder("cose-wg-examples", path);
    return runCaseFiles("cose-wg-examples", path, listCases(path), ctx, async (json, e, provider) => {
      let r = await runCoseWgCase(json, provider);
      const erratum = ERRATA[e.id];
      if (erratum && !("skipped" in r) && r.got === "invalid" && r.code === erratum.code)
        r = { skipped: erratum.reason };
      const res = caseResult(`${e.id}@${provider.name}`, e.expected, r);
      // A crash is never a correct rejection: report it against the expectation so it counts as a failure.
      if (res.code === "CRASH" && e.expected === "invalid") res.got = "valid";
      return res;
    });
  },
};
