import {
  type CborMap,
  type CborValue,
  type CryptoProvider,
  type EcCurve,
  generateKeyAgreementKey,
  isBytes,
  type KeyAgreementHandle,
  type PublicKey,
  RotkitError,
} from "@rotkit/core";
import { type CoseAlgInfo, coseAlgorithm, coseAlgorithmOfKind } from "../algorithms.js";
import { rsaOaepEncrypt } from "../ciphers-rsa.js";
import { type CoseHeaders, checkHeaders, HeaderLabel, protectedHeader } from "../headers.js";
import { type CoseKdfPrf, coseHkdf, encodeKdfContext } from "../kdf.js";
import { coseKeyFromPublicKey, coseKeyToMap } from "../key.js";
import { recipientKdfInput, wrapAlgId } from "./context.js";
import { agree } from "./ecdh.js";
import { KEY_MANAGEMENT_LABELS } from "./parse.js";
import type { KdfExtras } from "./types.js";

// The sending side of COSE_recipient (RFC 9052 §5.1, RFC 9053 §6, RFC 8230 §3).

/** One recipient to build. Which fields apply depends on `alg`. */
export interface RecipientDescription {
  /** Key-management algorithm: -6 direct, -10..-13 direct+HKDF, -3..-5 AES-KW, -25..-34 ECDH, -41/-42 RSA-OAEP. */
  alg: number;
  /** Sent as the recipient's kid (4). */
  kid?: Uint8Array;
  /** Extra header parameters (e.g. PartyU nonce -22) for the recipient's buckets. */
  protected?: CborMap;
  unprotected?: CborMap;
  /** direct: the content key; direct+HKDF: the shared secret; AES-KW: the KEK. */
  key?: Uint8Array;
  /** ECDH / RSA-OAEP: the recipient's public key. */
  publicKey?: PublicKey;
  /**
   * ECDH-SS: the sender's static key (required). ECDH-ES: the ephemeral key to use instead of a fresh one
   * (only to reproduce published examples; never reuse an ephemeral key).
   */
  senderKey?: KeyAgreementHandle;
  /** ECDH-SS: send this static key id (-3) instead of the whole static public key (-2). */
  senderKid?: Uint8Array;
  /** HKDF salt (-20), sent in the unprotected bucket. */
  salt?: Uint8Array;
  /** Out-of-band KDF context inputs (RFC 9053 §5.2); not sent. */
  kdf?: KdfExtras;
  /** AES-KW only: nested recipients that carry this recipient's (fresh random) KEK. */
  recipients?: RecipientDescription[];
  /** RSA-OAEP: the seed source (inject only to reproduce examples). Default: provider.randomBytes. */
  random?: (length: number) => Uint8Array;
}

export interface BuildRecipientsContext {
  provider: CryptoProvider;
  /** The algorithm of the layer whose key the recipients carry (content or MAC algorithm, or an AES-KW). */
  alg: number | CoseAlgInfo;
  /** The key to deliver, when not determined by a direct-mode recipient. Default: fresh random. */
  key?: Uint8Array;
  /** Ephemeral key generation for ECDH-ES. Default: core's generateKeyAgreementKey. */
  generateEphemeralKey?: (crv: AgreementCurve) => KeyAgreementHandle | Promise<KeyAgreementHandle>;
}

/** The built recipients and the key they deliver (the content / MAC key). */
export interface BuiltRecipients {
  key: Uint8Array;
  recipients: CborValue[];
}

/** Curves ECDH recipients use (RFC 9053 §6.3): the NIST curves and X25519 / X448. */
export type AgreementCurve = EcCurve | "X25519" | "X448";

function agreementCurve(pk: PublicKey, where: string): AgreementCurve {
  if (pk.kty === "EC") return pk.crv;
  if (pk.kty === "OKP" && (pk.crv === "X25519" || pk.crv === "X448")) return pk.crv;
  throw new RotkitError("INVALID_ARGUMENT", `${where}: the recipient key is not a key-agreement key`);
}

const DIRECT_KINDS = new Set(["direct", "direct-hkdf", "ecdh-direct"]);

function headersFor(
  d: RecipientDescription,
  info: CoseAlgInfo,
  algProtected: boolean,
): { prot: CborMap; unprot: CborMap } {
  const prot: CborMap = new Map(d.protected ?? []);
  const unprot: CborMap = new Map(d.unprotected ?? []);
  if (!prot.has(HeaderLabel.alg) && !unprot.has(HeaderLabel.alg))
    (algProtected ? prot : unprot).set(HeaderLabel.alg, info.id);
  if (d.kid && !prot.has(HeaderLabel.kid)) unprot.set(HeaderLabel.kid, d.kid);
  if (d.salt) unprot.set(HeaderLabel.salt, d.salt);
  return { prot, unprot };
}

function finish(prot: CborMap, unprot: CborMap, where: string): CoseHeaders {
  const headers: CoseHeaders = { protected: protectedHeader(prot), unprotected: unprot };
  checkHeaders(headers, { where, criticalHeaders: KEY_MANAGEMENT_LABELS });
  return headers;
}

function needBytes(v: Uint8Array | undefined, what: string): Uint8Array {
  if (!isBytes(v)) throw new RotkitError("INVALID_ARGUMENT", `${what} is required`);
  return v;
}

async function buildOne(
  d: RecipientDescription,
  parent: CoseAlgInfo,
  deliver: Uint8Array | undefined,
  ctx: BuildRecipientsContext,
  depth: number,
): Promise<{ key: Uint8Array; recipient: CborValue[] }> {
  const where = `recipient (alg ${d.alg})`;
  if (depth > 3) throw new RotkitError("INVALID_ARGUMENT", `${where}: recipients nested too deep`);
  const info = coseAlgorithmOfKind(
    d.alg,
    ["direct", "direct-hkdf", "key-wrap", "ecdh-direct", "ecdh-key-wrap", "rsa-oaep"],
    `${where}: alg`,
  );
  const want = parent.keyLength;
  if (!want) throw new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: ${parent.name} takes no key`);
  if (d.recipients && info.kind !== "key-wrap") {
    throw new RotkitError("INVALID_ARGUMENT", `${where}: only AES-KW recipients can have nested recipients`);
  }
  const { provider } = ctx;
  const empty = new Uint8Array(0);
  switch (info.kind) {
    case "direct": {
      const key = needBytes(d.key, `${where}: key`);
      if (key.length !== want)
        throw new RotkitError("COSE_BAD_KEY", `${where}: ${parent.name} needs a ${want}-byte key`);
      const { prot, unprot } = headersFor(d, info, false);
      const h = finish(prot, unprot, where);
      return { key, recipient: [h.protected.bytes, h.unprotected, empty] };
    }
    case "direct-hkdf": {
      const secret = needBytes(d.key, `${where}: key`);
      const { prot, unprot } = headersFor(d, info, true);
      const h = finish(prot, unprot, where);
      const prf: CoseKdfPrf =
        info.prf === "aes"
          ? { kind: "aes", keyLength: info.wrapKeyLength === 32 ? 32 : 16 }
          : { kind: "hmac", hash: info.hash ?? "SHA-256" };
      const context = encodeKdfContext(recipientKdfInput(h, parent.id, want, d.kdf));
      const key = await coseHkdf(provider, prf, secret, d.salt ?? empty, context, want);
      return { key, recipient: [h.protected.bytes, h.unprotected, empty] };
    }
    case "key-wrap": {
      const key = deliver ?? provider.randomBytes(want);
      let kek: Uint8Array;
      let nested: CborValue[] | undefined;
      if (d.recipients) {
        const built = await buildRecipientsAt(d.recipients, { ...ctx, alg: info, key: undefined }, depth + 1);
        kek = built.key;
        nested = built.recipients;
      } else {
        kek = needBytes(d.key, `${where}: key`);
      }
      if (kek.length !== info.keyLength)
        throw new RotkitError("COSE_BAD_KEY", `${where}: ${info.name} needs a ${info.keyLength}-byte KEK`);
      // RFC 9053 §6.2.1: AES-KW has no AAD, so the protected bucket stays empty.
      const { prot, unprot } = headersFor(d, info, false);
      if (prot.size !== 0)
        throw new RotkitError("COSE_BAD_HEADER", `${where}: ${info.name} must have an empty protected header`);
      const h = finish(prot, unprot, where);
      const wrapped = await provider.aesKeyWrap(kek, key);
      const recipient: CborValue[] = [h.protected.bytes, h.unprotected, wrapped];
      if (nested) recipient.push(nested);
      return { key, recipient };
    }
    case "ecdh-direct":
    case "ecdh-key-wrap": {
      const peer = d.publicKey;
      if (!peer || peer.kty === "RSA")
        throw new RotkitError("INVALID_ARGUMENT", `${where}: publicKey (EC or OKP) is required`);
      const { prot, unprot } = headersFor(d, info, true);
      let own: KeyAgreementHandle;
      if (info.ecdh === "ES") {
        // RFC 9053 §6.3.1: a fresh ephemeral key per message, sent as -1.
        own = d.senderKey ?? (await (ctx.generateEphemeralKey ?? generateKeyAgreementKey)(agreementCurve(peer, where)));
        unprot.set(HeaderLabel.ephemeralKey, coseKeyToMap(coseKeyFromPublicKey(own.publicKey)));
      } else {
        if (!d.senderKey)
          throw new RotkitError("INVALID_ARGUMENT", `${where}: ECDH-SS needs senderKey (the static key)`);
        own = d.senderKey;
        if (d.senderKid) unprot.set(HeaderLabel.staticKeyId, d.senderKid);
        else unprot.set(HeaderLabel.staticKey, coseKeyToMap(coseKeyFromPublicKey(own.publicKey)));
      }
      const h = finish(prot, unprot, where);
      const z = await agree(own, peer, where);
      const prf: CoseKdfPrf = { kind: "hmac", hash: info.hash ?? "SHA-256" };
      const salt = d.salt ?? empty;
      try {
        if (info.kind === "ecdh-direct") {
          const key = await coseHkdf(
            provider,
            prf,
            z,
            salt,
            encodeKdfContext(recipientKdfInput(h, parent.id, want, d.kdf)),
            want,
          );
          return { key, recipient: [h.protected.bytes, h.unprotected, empty] };
        }
        const kwLen = info.wrapKeyLength as number;
        const kek = await coseHkdf(
          provider,
          prf,
          z,
          salt,
          encodeKdfContext(recipientKdfInput(h, wrapAlgId(kwLen), kwLen, d.kdf)),
          kwLen,
        );
        const key = deliver ?? provider.randomBytes(want);
        const wrapped = await provider.aesKeyWrap(kek, key);
        kek.fill(0);
        return { key, recipient: [h.protected.bytes, h.unprotected, wrapped] };
      } finally {
        z.fill(0);
      }
    }
    case "rsa-oaep": {
      const pub = d.publicKey;
      if (pub?.kty !== "RSA") throw new RotkitError("INVALID_ARGUMENT", `${where}: an RSA publicKey is required`);
      const key = deliver ?? provider.randomBytes(want);
      const { prot, unprot } = headersFor(d, info, false);
      const h = finish(prot, unprot, where);
      const ct = rsaOaepEncrypt(
        pub,
        info.hash === "SHA-512" ? "SHA-512" : "SHA-256",
        key,
        d.random ?? ((n) => provider.randomBytes(n)),
      );
      return { key, recipient: [h.protected.bytes, h.unprotected, ct] };
    }
    default:
      throw new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: not a key-management algorithm`);
  }
}

async function buildRecipientsAt(
  descriptions: readonly RecipientDescription[],
  ctx: BuildRecipientsContext,
  depth: number,
): Promise<BuiltRecipients> {
  if (descriptions.length === 0) throw new RotkitError("INVALID_ARGUMENT", "at least one recipient is required");
  const parent = typeof ctx.alg === "number" ? coseAlgorithm(ctx.alg) : ctx.alg;
  const directs = descriptions.filter((d) => {
    const info = coseAlgorithm(d.alg, "recipient alg");
    return DIRECT_KINDS.has(info.kind);
  });
  // RFC 9053 §6.1 / §6.3: a direct mode determines the key itself, so it must be the only recipient.
  if (directs.length > 0 && descriptions.length > 1) {
    throw new RotkitError("INVALID_ARGUMENT", "a direct or direct key-agreement recipient must be the only recipient");
  }
  if (directs.length > 0 && ctx.key) {
    throw new RotkitError("INVALID_ARGUMENT", "a direct-mode recipient determines the key; do not pass one");
  }
  const want = parent.keyLength as number;
  const key = directs.length > 0 ? undefined : (ctx.key ?? ctx.provider.randomBytes(want));
  if (key && key.length !== want) throw new RotkitError("COSE_BAD_KEY", `${parent.name} needs a ${want}-byte key`);
  const recipients: CborValue[] = [];
  let delivered = key;
  for (const d of descriptions) {
    const built = await buildOne(d, parent, key, ctx, depth);
    delivered = built.key;
    recipients.push(built.recipient);
  }
  return { key: delivered as Uint8Array, recipients };
}

/**
 * Builds COSE_recipient structures that deliver the key of the layer above (RFC 9052 §5.1): the content key
 * of a COSE_Encrypt, or the MAC key of a COSE_Mac. Direct modes (-6, -10..-13, -25..-28) determine the key
 * and must be alone; the other modes deliver `ctx.key` (or a fresh random key) to every recipient.
 *
 * @example
 * ```ts
 * const { key: cek, recipients } = await buildRecipients(
 *   [{ alg: -29, kid: utf8Encode("device-7"), publicKey: devicePublicKey }], // ECDH-ES + A128KW
 *   { provider, alg: 1 },
 * );
 * ```
 */
export function buildRecipients(
  descriptions: readonly RecipientDescription[],
  ctx: BuildRecipientsContext,
): Promise<BuiltRecipients> {
  return buildRecipientsAt(descriptions, ctx, 1);
}
