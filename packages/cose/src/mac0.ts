import { CborTag, type CborValue, type CryptoProvider, RotkitError } from "@rotkit/core";
import { type CoseAlgInfo, coseAlgorithmOfKind } from "./algorithms.js";
import { encodeCose } from "./cbor.js";
import { type CoseHeaders, decodeHeaders, HeaderLabel } from "./headers.js";
import { type CoseContent, type CoseVerifyOptions, externalAadOf, layerPayload, senderHeaders } from "./layer.js";
import { checkMac, computeMac, type MacKey, macAlgorithm, macKeyBytes } from "./mac-alg.js";
import { type CoseStructureOptions, CoseTag, coseStructure, decodeCoseMessage } from "./message.js";
import { macStructure } from "./structures.js";

// COSE_Mac0 (RFC 9052 §6.2): [protected, unprotected, payload, tag], tag 17; MAC_structure context "MAC0" (§6.3).

const NAME = "COSE_Mac0";

export interface CreateMacOptions {
  key: MacKey;
  provider: CryptoProvider;
  /** The MAC algorithm (COSE integer or name); default: the COSE_Key's `alg` or the content's protected alg. */
  alg?: number | string;
}

export interface VerifyMac0Options extends CoseVerifyOptions {
  /** The shared key, or a function of the headers (e.g. by kid). */
  key: MacKey | ((headers: CoseHeaders) => MacKey | undefined | Promise<MacKey | undefined>);
}

export interface VerifiedMac0 {
  payload: Uint8Array;
  headers: CoseHeaders;
  alg: CoseAlgInfo;
  kid?: Uint8Array;
}

export interface UnverifiedMac0 {
  headers: CoseHeaders;
  payload: Uint8Array | null;
  tag: Uint8Array;
}

/**
 * The MAC algorithm a sender uses: explicit option, then the key's alg, then an alg the caller put in the headers.
 *
 * @example
 * ```ts
 * senderMacAlgorithm("HS256", key, { payload }, "COSE_Mac0").id; // 5
 * ```
 */
export function senderMacAlgorithm(
  alg: number | string | undefined,
  key: MacKey,
  content: CoseContent,
  where: string,
): CoseAlgInfo {
  let a: unknown = alg;
  if (a === undefined && !(key instanceof Uint8Array) && key && typeof key === "object") a = key.alg;
  if (a === undefined) a = content.protected?.get(HeaderLabel.alg) ?? content.unprotected?.get(HeaderLabel.alg);
  if (a === undefined) throw new RotkitError("INVALID_ARGUMENT", `${where}: no MAC algorithm given`);
  const resolved = typeof a === "string" ? byName(a) : a;
  return coseAlgorithmOfKind(resolved, ["mac"], `${where}: alg`);
}

const NAMES: Record<string, number> = {
  HS256: 5,
  "HS256/64": 4,
  HS384: 6,
  HS512: 7,
  "AES-MAC-128/64": 14,
  "AES-MAC-256/64": 15,
  "AES-MAC-128/128": 25,
  "AES-MAC-256/128": 26,
};

function byName(name: string): number | string {
  return NAMES[name] ?? name;
}

/**
 * MACs `payload` into a COSE_Mac0 (RFC 9052 §6.2).
 *
 * @example
 * ```ts
 * const msg = await createCoseMac0({ payload }, { key: secret32, alg: "HS256", provider: nobleProvider() });
 * ```
 */
export async function createCoseMac0(content: CoseContent, options: CreateMacOptions): Promise<Uint8Array> {
  const info = senderMacAlgorithm(options.alg, options.key, content, NAME);
  const key = macKeyBytes(options.key, info, NAME);
  const h = senderHeaders(info, content.protected, content.unprotected, NAME);
  if (!(content.payload instanceof Uint8Array))
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: payload must be bytes`);
  const toMac = macStructure("MAC0", h.protected.bytes, externalAadOf(content.externalAad, NAME), content.payload);
  const tag = await computeMac(options.provider, info, key, toMac);
  const arr: CborValue[] = [h.protected.bytes, h.unprotected, content.detached ? null : content.payload, tag];
  return encodeCose(content.tagged === false ? arr : new CborTag(CoseTag.Mac0, arr));
}

function parse(items: CborValue[], criticalHeaders: CoseVerifyOptions["criticalHeaders"]): UnverifiedMac0 {
  const [p, u, payload, tag] = items as [CborValue, CborValue, CborValue, CborValue];
  const headers = decodeHeaders(p, u, { where: NAME, criticalHeaders });
  if (payload !== null && !(payload instanceof Uint8Array)) {
    throw new RotkitError("COSE_MALFORMED", `${NAME}: payload must be a bstr or nil`);
  }
  if (!(tag instanceof Uint8Array)) throw new RotkitError("COSE_MALFORMED", `${NAME}: tag must be a bstr`);
  return { headers, payload, tag };
}

/**
 * Verifies a COSE_Mac0; throws COSE_BAD_MAC when the tag does not match (compared in constant time), plus the
 * structural, header, algorithm and key codes of {@link verifyCoseSign1}.
 *
 * @example
 * ```ts
 * const { payload } = await verifyCoseMac0(msg, { key: secret32, provider: nobleProvider() });
 * ```
 */
export async function verifyCoseMac0(bytes: Uint8Array, options: VerifyMac0Options): Promise<VerifiedMac0> {
  if (!options || typeof options !== "object")
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: options are required`);
  return verifyItems(decodeCoseMessage(bytes, CoseTag.Mac0, 4, NAME, options), options);
}

/**
 * Verifies an already decoded COSE_Mac0 (tag 17 or untagged), e.g. inside a CWT.
 *
 * @example
 * ```ts
 * await verifyCoseMac0Value(decodeCbor(bytes), { key, provider });
 * ```
 */
export async function verifyCoseMac0Value(value: CborValue, options: VerifyMac0Options): Promise<VerifiedMac0> {
  if (!options || typeof options !== "object")
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: options are required`);
  return verifyItems(coseStructure(value, CoseTag.Mac0, 4, NAME, options), options);
}

async function verifyItems(items: CborValue[], options: VerifyMac0Options): Promise<VerifiedMac0> {
  const { headers, payload: item, tag } = parse(items, options.criticalHeaders);
  const info = macAlgorithm(headers, NAME, options);
  const payload = layerPayload(item, options.detachedPayload, NAME);
  let k: MacKey | undefined;
  if (typeof options.key === "function") {
    try {
      k = await options.key(headers);
    } catch (e) {
      if (e instanceof RotkitError) throw e;
      throw new RotkitError("COSE_NO_KEY", `${NAME}: the key resolver failed`, { cause: e });
    }
  } else k = options.key;
  if (k === undefined || k === null) throw new RotkitError("COSE_NO_KEY", `${NAME}: no key`);
  const key = macKeyBytes(k, info, NAME);
  const toMac = macStructure("MAC0", headers.protected.bytes, externalAadOf(options.externalAad, NAME), payload);
  await checkMac(options.provider, info, key, toMac, tag, NAME);
  const out: VerifiedMac0 = { payload, headers, alg: info };
  const kid = headers.protected.map.get(HeaderLabel.kid) ?? headers.unprotected.get(HeaderLabel.kid);
  if (kid instanceof Uint8Array) out.kid = kid;
  return out;
}

/**
 * Decodes a COSE_Mac0 WITHOUT checking the tag (inspection only).
 *
 * @example
 * ```ts
 * const { headers } = decodeCoseMac0Unverified(msg);
 * ```
 */
export function decodeCoseMac0Unverified(
  bytes: Uint8Array,
  options: CoseStructureOptions & { criticalHeaders?: CoseVerifyOptions["criticalHeaders"] } = {},
): UnverifiedMac0 {
  return parse(decodeCoseMessage(bytes, CoseTag.Mac0, 4, NAME, options), options.criticalHeaders);
}
