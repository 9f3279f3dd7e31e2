import {
  bytesEqual,
  CborTag,
  type CborValue,
  type CryptoProvider,
  decodeCbor,
  fromBase64Url,
  fromHex,
  isRotkitError,
  type PublicKey,
  softwareKeyAgreementHandle,
  toHex,
  utf8Encode,
} from "@rotkit/core";
import {
  combinePartialIv,
  coseAlgorithm,
  type DecryptResult,
  decryptCoseEncrypt,
  decryptCoseEncrypt0,
  encodeKdfContext,
  encStructure,
  type KdfExtras,
  parseRecipient,
  type RecipientKey,
  type RsaPrivateKey,
  recipientAlgorithm,
  recipientKdfInput,
  type SenderKey,
  withContentKey,
  wrapAlgId,
} from "@rotkit/cose";
import { CaseInputError, type Json, obj } from "./case-outcome.js";
import { plaintextOf, textOrHex } from "./cose-wg-fields.js";

// cose-wg/Examples (RFC 8152 / 9052 / 9053) `encrypted` (COSE_Encrypt0) and `enveloped` (COSE_Encrypt) cases.
// A case is "valid" only when output.cbor decrypts with the keys in the JSON input to exactly input.plaintext,
// and (for cases that are not mutations) the Enc_structure, the content key and each recipient's
// COSE_KDF_Context equal the published intermediates: that is the interoperability check.

export type EncryptedCaseResult = { got: "valid" | "invalid"; code?: string } | { skipped: string };

/** A binary JWK-like member: `name` (base64url) or `name_hex`. */
function bin(o: Json, name: string): Uint8Array | undefined {
  const b64 = o[name];
  if (typeof b64 === "string") return fromBase64Url(b64);
  const hex = o[`${name}_hex`];
  if (typeof hex === "string") return fromHex(hex);
  return undefined;
}

function kidOf(key: Json): Uint8Array | undefined {
  return typeof key.kid === "string" ? utf8Encode(key.kid) : undefined;
}

function ecPublic(key: Json): PublicKey {
  const crv = key.crv;
  const x = bin(key, "x");
  if (!x) throw new CaseInputError("key without x");
  if (key.kty === "EC") {
    const y = bin(key, "y");
    if (!y || (crv !== "P-256" && crv !== "P-384" && crv !== "P-521")) throw new CaseInputError("bad EC key");
    return { kty: "EC", crv, x, y };
  }
  if (key.kty === "OKP" && (crv === "X25519" || crv === "X448")) return { kty: "OKP", crv, x };
  throw new CaseInputError(`unsupported public key ${String(key.kty)} ${String(crv)}`);
}

function secretOf(key: Json): RecipientKey["key"] {
  switch (key.kty) {
    case "oct": {
      const k = bin(key, "k");
      if (!k) throw new CaseInputError("oct key without k");
      return k;
    }
    case "EC":
    case "OKP": {
      const d = bin(key, "d");
      const crv = key.crv;
      if (!d) throw new CaseInputError("key agreement key without d");
      if (crv !== "P-256" && crv !== "P-384" && crv !== "P-521" && crv !== "X25519" && crv !== "X448") {
        throw new CaseInputError(`curve ${String(crv)} is not a key-agreement curve`);
      }
      return softwareKeyAgreementHandle(crv, d);
    }
    case "RSA": {
      const need = (n: string): Uint8Array => {
        const v = bin(key, n);
        if (!v) throw new CaseInputError(`RSA key without ${n}`);
        return v;
      };
      const rsa: RsaPrivateKey = {
        kty: "RSA",
        n: need("n"),
        e: need("e"),
        d: need("d"),
        p: need("p"),
        q: need("q"),
        dp: need("dP"),
        dq: need("dQ"),
        qi: need("qi"),
      };
      return rsa;
    }
    default:
      throw new CaseInputError(`unsupported key type ${String(key.kty)}`);
  }
}

function kdfExtras(unsent: Json | undefined): KdfExtras | undefined {
  if (!unsent) return undefined;
  const x: KdfExtras = {};
  const apuId = textOrHex(unsent, "apu_id");
  const apvId = textOrHex(unsent, "apv_id");
  const pub = textOrHex(unsent, "pub_other");
  const priv = textOrHex(unsent, "priv_other");
  if (apuId) x.partyUIdentity = apuId;
  if (apvId) x.partyVIdentity = apvId;
  if (pub) x.suppPubOther = pub;
  if (priv) x.suppPrivInfo = priv;
  return x;
}

interface CollectedKeys {
  keys: RecipientKey[];
  senders: SenderKey[];
}

/** Every recipient key in the JSON input, nested recipients included. */
function collectKeys(recipients: unknown, out: CollectedKeys): void {
  if (!Array.isArray(recipients)) return;
  for (const rv of recipients) {
    const r = obj(rv, "recipient");
    if (r.key !== undefined) {
      const key = obj(r.key, "recipient key");
      const rk: RecipientKey = { key: secretOf(key) };
      const kid = kidOf(key);
      if (kid) rk.kid = kid;
      const extras = kdfExtras(r.unsent as Json | undefined);
      if (extras) rk.kdf = extras;
      out.keys.push(rk);
    }
    if (r.sender_key !== undefined) {
      const sk = obj(r.sender_key, "sender key");
      const s: SenderKey = { key: ecPublic(sk) };
      const kid = kidOf(sk);
      if (kid) s.kid = kid;
      out.senders.push(s);
    }
    collectKeys(r.recipients, out);
  }
}

/** RFC 9052 §3.1: the examples publish the full IV; the context IV is IV XOR the padded Partial IV. */
function baseIvOf(layer: Json): Uint8Array | undefined {
  const unsent = layer.unsent as Json | undefined;
  const iv = unsent && typeof unsent.IV_hex === "string" ? fromHex(unsent.IV_hex) : undefined;
  let piv: Uint8Array | undefined;
  for (const bucket of [layer.protected, layer.unprotected] as (Json | undefined)[]) {
    if (bucket && typeof bucket.partialIV_hex === "string") piv = fromHex(bucket.partialIV_hex);
  }
  if (!iv || !piv) return undefined;
  return combinePartialIv(iv, piv);
}

function messageItems(bytes: Uint8Array): CborValue[] | undefined {
  let v = decodeCbor(bytes);
  if (v instanceof CborTag) v = v.value;
  return Array.isArray(v) ? v : undefined;
}

/** Checks each recipient's COSE_KDF_Context against `Context_hex` (recursively); returns a mismatch note. */
function checkContexts(
  recipients: CborValue,
  intermediates: unknown,
  parentAlg: { id: number; keyLength: number },
  keys: RecipientKey[],
  where: string,
): string | undefined {
  if (!Array.isArray(recipients) || !Array.isArray(intermediates)) return undefined;
  for (let i = 0; i < recipients.length && i < intermediates.length; i++) {
    const inter = intermediates[i] as Json;
    const r = parseRecipient(recipients[i] as CborValue, `${where}[${i}]`);
    const info = recipientAlgorithm(r, true);
    if (typeof inter.Context_hex === "string") {
      const extras = keys.find((k) => k.kdf)?.kdf;
      const ctx =
        info.kind === "ecdh-key-wrap"
          ? recipientKdfInput(r.headers, wrapAlgId(info.wrapKeyLength), info.wrapKeyLength as number, extras)
          : recipientKdfInput(r.headers, parentAlg.id, parentAlg.keyLength, extras);
      if (toHex(encodeKdfContext(ctx)) !== inter.Context_hex.toLowerCase()) return `KDF context of ${where}[${i}]`;
    }
    if (r.recipients && info.keyLength) {
      const nested = checkContexts(
        r.recipients as CborValue,
        inter.recipients,
        { id: info.id, keyLength: info.keyLength },
        keys,
        `${where}[${i}]`,
      );
      if (nested) return nested;
    }
  }
  return undefined;
}

/**
 * Runs one cose-wg example whose structure is `encrypted` or `enveloped` and says whether rotkit accepts it.
 *
 * @example
 * ```ts
 * const r = await runEncryptedCase(JSON.parse(text), nobleProvider()); // { got: "valid" }
 * ```
 */
export async function runEncryptedCase(json: unknown, provider: CryptoProvider): Promise<EncryptedCaseResult> {
  let input: Json;
  let layer: Json;
  let kind: "encrypted" | "enveloped";
  let bytes: Uint8Array;
  let plaintext: Uint8Array;
  let intermediates: Json;
  const collected: CollectedKeys = { keys: [], senders: [] };
  let externalAad: Uint8Array;
  let baseIv: Uint8Array | undefined;
  let mutated: boolean;
  try {
    const c = obj(json, "case");
    input = obj(c.input, "input");
    if (input.encrypted !== undefined) {
      kind = "encrypted";
      layer = obj(input.encrypted, "input.encrypted");
    } else if (input.enveloped !== undefined) {
      kind = "enveloped";
      layer = obj(input.enveloped, "input.enveloped");
    } else {
      return { skipped: "not an encrypted / enveloped case" };
    }
    const output = obj(c.output, "output");
    if (typeof output.cbor !== "string") throw new CaseInputError("no output.cbor");
    bytes = fromHex(output.cbor);
    plaintext = plaintextOf(input);
    intermediates = (c.intermediates as Json | undefined) ?? {};
    collectKeys(layer.recipients, collected);
    externalAad = typeof layer.external === "string" ? fromHex(layer.external) : new Uint8Array(0);
    baseIv = baseIvOf(layer);
    mutated = input.failures !== undefined || c.fail === true;
  } catch (e) {
    if (e instanceof CaseInputError) return { skipped: `case input not usable: ${e.message}` };
    throw e;
  }

  let result: DecryptResult;
  try {
    if (kind === "encrypted") {
      const key = collected.keys.find((k) => k.key instanceof Uint8Array)?.key;
      if (!(key instanceof Uint8Array)) return { skipped: "Encrypt0 case without a symmetric key" };
      result = await decryptCoseEncrypt0(bytes, {
        key,
        provider,
        externalAad,
        ...(baseIv ? { baseIv } : {}),
      });
    } else {
      result = await decryptCoseEncrypt(bytes, {
        provider,
        recipientKeys: collected.keys,
        senderKeys: collected.senders,
        externalAad,
        allowRsaOaepSha1: true, // rsa-oaep-examples/ps-128gcm-01 uses -40 (SHA-1), decryption only
        ...(baseIv ? { baseIv } : {}),
      });
    }
  } catch (e) {
    if (isRotkitError(e)) return { got: "invalid", code: e.code };
    throw e;
  }
  if (!bytesEqual(result.plaintext, plaintext)) return { got: "invalid", code: "PLAINTEXT_MISMATCH" };

  // Intermediates describe the message before any mutation; compare them only for unmutated cases.
  if (!mutated) {
    const items = messageItems(bytes);
    if (!items) return { got: "invalid", code: "INTERMEDIATE_MISMATCH" };
    if (typeof intermediates.AAD_hex === "string") {
      const aad = encStructure(
        kind === "encrypted" ? "Encrypt0" : "Encrypt",
        result.headers.protected.bytes,
        externalAad,
      );
      if (toHex(aad) !== intermediates.AAD_hex.toLowerCase()) return { got: "invalid", code: "INTERMEDIATE_MISMATCH" };
    }
    if (kind === "enveloped" && typeof intermediates.CEK_hex === "string") {
      const cek = await withContentKey(
        items[3] as CborValue,
        {
          provider,
          alg: result.alg,
          recipientKeys: collected.keys,
          senderKeys: collected.senders,
          allowRsaOaepSha1: true,
        },
        async (k) => k.slice(),
      );
      if (toHex(cek) !== intermediates.CEK_hex.toLowerCase()) return { got: "invalid", code: "INTERMEDIATE_MISMATCH" };
      const content = coseAlgorithm(result.alg.id);
      const note = checkContexts(
        items[3] as CborValue,
        intermediates.recipients,
        { id: content.id, keyLength: content.keyLength as number },
        collected.keys,
        "recipients",
      );
      if (note) return { got: "invalid", code: "INTERMEDIATE_MISMATCH" };
    }
  }
  return { got: "valid" };
}
