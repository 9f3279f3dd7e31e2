import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  CborTag,
  type CborValue,
  type CryptoProvider,
  constantTimeEqual,
  decodeCbor,
  encodeCbor,
  fromBase64Url,
  fromHex,
  nobleProvider,
  softwareKeyAgreementHandle,
  toHex,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import { describe, expect, it } from "vitest";
import { coseAlgorithm } from "../src/algorithms.js";
import { decodeHeaders, HeaderLabel, headerParam } from "../src/headers.js";
import { withContentKey } from "../src/recipients/derive.js";
import { parseRecipient, recipientAlgorithm } from "../src/recipients/parse.js";
import type { RecipientKey, SenderKey } from "../src/recipients/types.js";

// deriveContentKey / withContentKey on the COSE_Mac cases of cose-wg/Examples: the same recipient structures
// (direct, HKDF-SHA / HKDF-AES, AES-KW, ECDH-ES/SS + HKDF or + AES-KW) with "Mac_Recipient". The derived key
// must equal intermediates.CEK_hex and verify the published tag over MAC_structure (RFC 9052 §6.3).

const ROOT = join(__dirname, "../../../test-vectors/cose-wg-examples");

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (name.endsWith(".json")) out.push(p);
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: upstream JSON test data, shape checked by the assertions
type Json = Record<string, any>;
const b = (o: Json, n: string): Uint8Array | undefined =>
  typeof o[n] === "string"
    ? fromBase64Url(o[n])
    : typeof o[`${n}_hex`] === "string"
      ? fromHex(o[`${n}_hex`])
      : undefined;

function keysOf(recipients: Json[] | undefined, keys: RecipientKey[], senders: SenderKey[]): void {
  for (const r of recipients ?? []) {
    if (r.key) {
      const k = r.key as Json;
      const kid = typeof k.kid === "string" ? utf8Encode(k.kid) : undefined;
      const key =
        k.kty === "oct" ? (b(k, "k") as Uint8Array) : softwareKeyAgreementHandle(k.crv, b(k, "d") as Uint8Array);
      const rk: RecipientKey = { key, ...(kid ? { kid } : {}) };
      const u = r.unsent as Json | undefined;
      if (u) {
        rk.kdf = {
          ...(u.apu_id ? { partyUIdentity: utf8Encode(u.apu_id) } : {}),
          ...(u.apv_id ? { partyVIdentity: utf8Encode(u.apv_id) } : {}),
          ...(u.pub_other ? { suppPubOther: utf8Encode(u.pub_other) } : {}),
          ...(u.priv_other ? { suppPrivInfo: utf8Encode(u.priv_other) } : {}),
        };
      }
      keys.push(rk);
    }
    if (r.sender_key) {
      const s = r.sender_key as Json;
      senders.push({
        ...(typeof s.kid === "string" ? { kid: utf8Encode(s.kid) } : {}),
        key: { kty: "EC", crv: s.crv, x: b(s, "x") as Uint8Array, y: b(s, "y") as Uint8Array },
      });
    }
    keysOf(r.recipients, keys, senders);
  }
}

const macCases = jsonFiles(ROOT)
  .map((p) => ({ id: p.slice(ROOT.length + 1), json: JSON.parse(readFileSync(p, "utf8")) as Json }))
  .filter((c) => c.json.input?.mac !== undefined);

async function macTag(provider: CryptoProvider, alg: number, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const info = coseAlgorithm(alg);
  if (info.primitive === "hmac") return (await provider.hmac(info.hash!, key, data)).slice(0, info.tagLength);
  return provider.aesCbcMac(key, data, info.tagLength!);
}

describe.each([
  ["noble", nobleProvider],
  ["webcrypto", () => webCryptoProvider()],
] as const)("recipients of the cose-wg COSE_Mac cases (%s)", (_n, make) => {
  it("covers the non-direct recipient algorithms", () => {
    const kinds = new Set<string>();
    for (const c of macCases) {
      let v = decodeCbor(fromHex(c.json.output.cbor));
      if (v instanceof CborTag) v = v.value;
      const items = v as CborValue[];
      for (const r of items[4] as CborValue[]) kinds.add(recipientAlgorithm(parseRecipient(r, "r"), false).kind);
    }
    expect([...kinds].sort()).toEqual(["direct", "direct-hkdf", "ecdh-direct", "ecdh-key-wrap", "key-wrap"]);
  });

  it.each(macCases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const provider = make();
    const j = c.json;
    const bytes = fromHex(j.output.cbor);
    let v = decodeCbor(bytes);
    if (v instanceof CborTag) {
      // The message layer's tag check (COSE_Mac is 97); the rest of this test is about the recipients.
      if (v.tag !== 97) {
        expect(j.fail).toBe(true);
        return;
      }
      v = v.value;
    }
    const [p, u, payload, tag, recipients] = v as CborValue[];
    const headers = decodeHeaders(p as CborValue, u as CborValue, { where: "COSE_Mac" });
    const alg = headerParam(headers, HeaderLabel.alg) as number;
    const keys: RecipientKey[] = [];
    const senders: SenderKey[] = [];
    keysOf(j.input.mac.recipients, keys, senders);
    const external = typeof j.input.mac.external === "string" ? fromHex(j.input.mac.external) : new Uint8Array(0);
    const protectedBytes = headers.protected.map.size === 0 ? new Uint8Array(0) : headers.protected.bytes;
    const toMac = encodeCbor(["MAC", protectedBytes, external, payload as Uint8Array]);
    let derived: Uint8Array | undefined;
    const run = withContentKey(
      recipients as CborValue,
      { provider, alg, context: "Mac_Recipient", recipientKeys: keys, senderKeys: senders },
      async (k) => {
        if (!constantTimeEqual(await macTag(provider, alg, k, toMac), tag as Uint8Array)) {
          const { RotkitError } = await import("@rotkit/core");
          throw new RotkitError("COSE_BAD_MAC", "tag mismatch");
        }
        derived = k;
        return true;
      },
    );
    if (j.fail === true) {
      await expect(run).rejects.toMatchObject({ name: "RotkitError" });
      return;
    }
    await expect(run).resolves.toBe(true);
    if (typeof j.intermediates?.CEK_hex === "string" && !j.input.failures) {
      expect(toHex(derived as Uint8Array)).toBe(j.intermediates.CEK_hex.toLowerCase());
    }
  });
});
