import { CborTag, type CborValue, type CryptoProvider, RotkitError } from "@rotkit/core";
import type { CoseAlgInfo } from "./algorithms.js";
import { encodeCose } from "./cbor.js";
import { type CoseHeaders, decodeHeaders } from "./headers.js";
import { type CoseContent, type CoseVerifyOptions, externalAadOf, layerPayload, senderHeaders } from "./layer.js";
import { checkMac, computeMac, macAlgorithm, macKeyBytes } from "./mac-alg.js";
import { senderMacAlgorithm } from "./mac0.js";
import { type CoseStructureOptions, CoseTag, coseStructure, decodeCoseMessage } from "./message.js";
import { buildRecipients, type DeriveContext, type RecipientDescription, withContentKey } from "./recipients/index.js";
import { macStructure } from "./structures.js";

// COSE_Mac (RFC 9052 §6.1): [protected, unprotected, payload, tag, recipients: [+ COSE_recipient]], tag 97;
// MAC_structure context "MAC" (§6.3). The MAC key comes from the recipients (RFC 9052 §5.1, same structure as
// for COSE_Encrypt): direct (-6), direct+HKDF, AES key wrap, ECDH-ES/SS, via the shared recipient layer.

const NAME = "COSE_Mac";

export interface CreateMacWithRecipientsOptions {
  provider: CryptoProvider;
  /** The MAC algorithm (COSE integer or name). */
  alg: number | string;
  /**
   * The recipients: e.g. `[{ alg: -6, kid, key }]` for a shared key used directly (RFC 9053 §6.1), or key
   * wrap / ECDH recipients (see buildRecipients).
   */
  recipients: readonly RecipientDescription[];
}

export interface VerifyMacOptions
  extends CoseVerifyOptions,
    Omit<DeriveContext, "provider" | "alg" | "context" | "where"> {}

export interface VerifiedMac {
  payload: Uint8Array;
  headers: CoseHeaders;
  alg: CoseAlgInfo;
}

export interface UnverifiedMac {
  headers: CoseHeaders;
  payload: Uint8Array | null;
  tag: Uint8Array;
  recipients: CborValue[];
}

/**
 * MACs `payload` into a COSE_Mac whose key is delivered by the given recipients (RFC 9052 §6.1).
 *
 * @example
 * ```ts
 * const msg = await createCoseMac({ payload }, {
 *   provider, alg: "HS256", recipients: [{ alg: -6, kid: utf8Encode("our-secret"), key: secret32 }],
 * });
 * ```
 */
export async function createCoseMac(
  content: CoseContent,
  options: CreateMacWithRecipientsOptions,
): Promise<Uint8Array> {
  const info = senderMacAlgorithm(options.alg, new Uint8Array(0), content, NAME);
  if (!Array.isArray(options.recipients) || options.recipients.length === 0) {
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: at least one recipient is required (RFC 9052 §6.1)`);
  }
  const built = await buildRecipients(options.recipients, { provider: options.provider, alg: info });
  const key = macKeyBytes(built.key, info, NAME);
  const h = senderHeaders(info, content.protected, content.unprotected, NAME);
  if (!(content.payload instanceof Uint8Array))
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: payload must be bytes`);
  const toMac = macStructure("MAC", h.protected.bytes, externalAadOf(content.externalAad, NAME), content.payload);
  const tag = await computeMac(options.provider, info, key, toMac);
  const arr: CborValue[] = [
    h.protected.bytes,
    h.unprotected,
    content.detached ? null : content.payload,
    tag,
    built.recipients,
  ];
  return encodeCose(content.tagged === false ? arr : new CborTag(CoseTag.Mac, arr));
}

function parse(items: CborValue[], criticalHeaders: CoseVerifyOptions["criticalHeaders"]): UnverifiedMac {
  const [p, u, payload, tag, recipients] = items as [CborValue, CborValue, CborValue, CborValue, CborValue];
  const headers = decodeHeaders(p, u, { where: NAME, criticalHeaders });
  if (payload !== null && !(payload instanceof Uint8Array)) {
    throw new RotkitError("COSE_MALFORMED", `${NAME}: payload must be a bstr or nil`);
  }
  if (!(tag instanceof Uint8Array)) throw new RotkitError("COSE_MALFORMED", `${NAME}: tag must be a bstr`);
  if (!Array.isArray(recipients) || recipients.length === 0) {
    throw new RotkitError("COSE_MALFORMED", `${NAME}: recipients must be a non-empty array`);
  }
  return { headers, payload, tag, recipients };
}

/**
 * Verifies a COSE_Mac: finds the MAC key through the recipients the caller holds keys for (`recipientKeys`, as
 * for COSE_Encrypt), then checks the tag in constant time. COSE_NO_RECIPIENT when no recipient matches,
 * COSE_BAD_MAC when no derived key produces the tag.
 *
 * @example
 * ```ts
 * const { payload } = await verifyCoseMac(msg, { provider, recipientKeys: [{ kid: utf8Encode("our-secret"), key }] });
 * ```
 */
export async function verifyCoseMac(bytes: Uint8Array, options: VerifyMacOptions): Promise<VerifiedMac> {
  if (!options || typeof options !== "object")
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: options are required`);
  return verifyItems(decodeCoseMessage(bytes, CoseTag.Mac, 5, NAME, options), options);
}

/**
 * Verifies an already decoded COSE_Mac (tag 97 or untagged).
 *
 * @example
 * ```ts
 * await verifyCoseMacValue(decodeCbor(bytes), { provider, recipientKeys });
 * ```
 */
export async function verifyCoseMacValue(value: CborValue, options: VerifyMacOptions): Promise<VerifiedMac> {
  if (!options || typeof options !== "object")
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: options are required`);
  return verifyItems(coseStructure(value, CoseTag.Mac, 5, NAME, options), options);
}

async function verifyItems(items: CborValue[], options: VerifyMacOptions): Promise<VerifiedMac> {
  const { headers, payload: item, tag, recipients } = parse(items, options.criticalHeaders);
  const info = macAlgorithm(headers, NAME, options);
  const payload = layerPayload(item, options.detachedPayload, NAME);
  const toMac = macStructure("MAC", headers.protected.bytes, externalAadOf(options.externalAad, NAME), payload);
  if (!Array.isArray(options.recipientKeys))
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: recipientKeys are required`);
  const ctx: DeriveContext = {
    ...options,
    provider: options.provider,
    alg: info,
    context: "Mac_Recipient",
    where: NAME,
  };
  await withContentKey(recipients, ctx, async (k) => {
    await checkMac(options.provider, info, macKeyBytes(k, info, NAME), toMac, tag, NAME);
  });
  return { payload, headers, alg: info };
}

/**
 * Decodes a COSE_Mac WITHOUT checking the tag (inspection only).
 *
 * @example
 * ```ts
 * const { recipients } = decodeCoseMacUnverified(msg);
 * ```
 */
export function decodeCoseMacUnverified(
  bytes: Uint8Array,
  options: CoseStructureOptions & { criticalHeaders?: CoseVerifyOptions["criticalHeaders"] } = {},
): UnverifiedMac {
  return parse(decodeCoseMessage(bytes, CoseTag.Mac, 5, NAME, options), options.criticalHeaders);
}
