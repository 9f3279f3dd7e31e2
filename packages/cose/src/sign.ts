import { type CborMap, CborTag, type CborValue, type KeyHandle, RotkitError } from "@rotkit/core";
import type { CoseAlgInfo } from "./algorithms.js";
import { encodeCose } from "./cbor.js";
import { type CoseHeaders, decodeHeaders } from "./headers.js";
import { candidateKeys, keyFitsAlg, type SignerKeys } from "./key-select.js";
import { type CoseContent, type CoseVerifyOptions, externalAadOf, layerPayload, senderHeaders } from "./layer.js";
import { type CoseStructureOptions, CoseTag, coseStructure, decodeCoseMessage } from "./message.js";
import { handleAlgorithm, signatureAlgorithm, signWithHandle, verifySignatureBytes } from "./signature.js";
import { sigStructure } from "./structures.js";

// COSE_Sign (RFC 9052 §4.1): [protected, unprotected, payload, signatures: [+ COSE_Signature]], tag 98, where
// COSE_Signature = [protected, unprotected, signature] and each signer signs the "Signature" Sig_structure (§4.4).

const NAME = "COSE_Sign";

/** One signer of a COSE_Sign: its key and the headers of its COSE_Signature (alg is added from the key). */
export interface CoseSigner {
  key: KeyHandle;
  protected?: CborMap;
  unprotected?: CborMap;
}

export type { SignerKeys };

export interface VerifySignOptions extends CoseVerifyOptions {
  keys: SignerKeys;
  /**
   * - `"all"` (default): every COSE_Signature must have a key and verify.
   * - `"any"`: signatures without a key are skipped; at least one must have a key; every signature that has a key
   *   must verify (a bad signature is never outvoted by a good one: fail closed).
   */
  policy?: "all" | "any";
}

/** One COSE_Signature of a verified COSE_Sign. */
export interface SignatureResult {
  index: number;
  headers: CoseHeaders;
  alg: CoseAlgInfo;
  /** True when the signature was verified; false only under policy "any" for a signer without a key. */
  verified: boolean;
}

export interface VerifiedSign {
  payload: Uint8Array;
  headers: CoseHeaders;
  signatures: SignatureResult[];
}

export interface UnverifiedSign {
  headers: CoseHeaders;
  payload: Uint8Array | null;
  signatures: { headers: CoseHeaders; signature: Uint8Array }[];
}

/**
 * Signs `payload` with one or more keys into a COSE_Sign (RFC 9052 §4.1). `content.protected/unprotected` are
 * the body's buckets; each signer's `alg` goes into its own protected bucket.
 *
 * @example
 * ```ts
 * const msg = await signCoseSign({ payload }, [deviceKey, { key: vendorKey, unprotected: new Map([[4, kid]]) }]);
 * ```
 */
export async function signCoseSign(
  content: CoseContent,
  signers: readonly (KeyHandle | CoseSigner)[],
): Promise<Uint8Array> {
  if (!Array.isArray(signers) || signers.length === 0) {
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: at least one signer is required (RFC 9052 §4.1)`);
  }
  const body = senderHeaders(undefined, content.protected, content.unprotected, NAME);
  const payload = content.payload;
  if (!(payload instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${NAME}: payload must be bytes`);
  const aad = externalAadOf(content.externalAad, NAME);
  const signatures: CborValue[] = [];
  for (let i = 0; i < signers.length; i++) {
    const s = signers[i] as KeyHandle | CoseSigner;
    const spec: CoseSigner = "sign" in s ? { key: s } : s;
    const where = `${NAME}.signatures[${i}]`;
    const info = handleAlgorithm(spec.key, where);
    const h = senderHeaders(info, spec.protected, spec.unprotected, where);
    const tbs = sigStructure(body.protected.bytes, h.protected.bytes, aad, payload);
    signatures.push([h.protected.bytes, h.unprotected, await signWithHandle(spec.key, tbs, where)]);
  }
  const arr: CborValue[] = [body.protected.bytes, body.unprotected, content.detached ? null : payload, signatures];
  return encodeCose(content.tagged === false ? arr : new CborTag(CoseTag.Sign, arr));
}

function parse(items: CborValue[], criticalHeaders: CoseVerifyOptions["criticalHeaders"]): UnverifiedSign {
  const [p, u, payload, sigs] = items as [CborValue, CborValue, CborValue, CborValue];
  const headers = decodeHeaders(p, u, { where: NAME, criticalHeaders });
  if (payload !== null && !(payload instanceof Uint8Array)) {
    throw new RotkitError("COSE_MALFORMED", `${NAME}: payload must be a bstr or nil`);
  }
  // §4.1: signatures = [+ COSE_Signature]
  if (!Array.isArray(sigs) || sigs.length === 0) {
    throw new RotkitError("COSE_MALFORMED", `${NAME}: signatures must be a non-empty array`);
  }
  const signatures = sigs.map((s, i) => {
    const where = `${NAME}.signatures[${i}]`;
    if (!Array.isArray(s) || s.length !== 3) {
      throw new RotkitError("COSE_MALFORMED", `${where}: COSE_Signature must be an array of 3`);
    }
    const h = decodeHeaders(s[0] as CborValue, s[1] as CborValue, { where, criticalHeaders });
    const sig = s[2];
    if (!(sig instanceof Uint8Array)) throw new RotkitError("COSE_MALFORMED", `${where}: signature must be a bstr`);
    return { headers: h, signature: sig };
  });
  return { headers, payload, signatures };
}

/**
 * Verifies a COSE_Sign: the body headers, then each COSE_Signature per `policy` (see {@link VerifySignOptions}).
 * Throws COSE_NO_KEY when a required signer has no key, COSE_BAD_SIGNATURE when a signature fails, plus the
 * structural and header codes of {@link verifyCoseSign1}.
 *
 * @example
 * ```ts
 * const { payload, signatures } = await verifyCoseSign(msg, { keys: [deviceKey, vendorKey], provider });
 * ```
 */
export async function verifyCoseSign(bytes: Uint8Array, options: VerifySignOptions): Promise<VerifiedSign> {
  if (!options || typeof options !== "object")
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: options are required`);
  return verifyItems(decodeCoseMessage(bytes, CoseTag.Sign, 4, NAME, options), options);
}

/**
 * Verifies an already decoded COSE_Sign value (tag 98 or untagged array).
 *
 * @example
 * ```ts
 * await verifyCoseSignValue(decodeCbor(bytes), { keys, provider });
 * ```
 */
export async function verifyCoseSignValue(value: CborValue, options: VerifySignOptions): Promise<VerifiedSign> {
  if (!options || typeof options !== "object")
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: options are required`);
  return verifyItems(coseStructure(value, CoseTag.Sign, 4, NAME, options), options);
}

async function verifyItems(items: CborValue[], options: VerifySignOptions): Promise<VerifiedSign> {
  const policy = options.policy ?? "all";
  if (policy !== "all" && policy !== "any")
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: unknown policy ${String(policy)}`);
  const parsed = parse(items, options.criticalHeaders);
  const payload = layerPayload(parsed.payload, options.detachedPayload, NAME);
  const aad = externalAadOf(options.externalAad, NAME);
  const results: SignatureResult[] = [];
  let verifiedCount = 0;
  for (let i = 0; i < parsed.signatures.length; i++) {
    const { headers, signature } = parsed.signatures[i] as { headers: CoseHeaders; signature: Uint8Array };
    const where = `${NAME}.signatures[${i}]`;
    const info = signatureAlgorithm(headers, where, options);
    let keys = await candidateKeys(options.keys, headers, i, where);
    if (Array.isArray(options.keys)) keys = keys.filter((k) => keyFitsAlg(k, info, where));
    if (keys.length === 0) {
      if (policy === "all") throw new RotkitError("COSE_NO_KEY", `${where}: no key for this signer`);
      results.push({ index: i, headers, alg: info, verified: false });
      continue;
    }
    const tbs = sigStructure(parsed.headers.protected.bytes, headers.protected.bytes, aad, payload);
    let lastError: unknown;
    let ok = false;
    for (const k of keys) {
      try {
        await verifySignatureBytes(options.provider, info, k, tbs, signature, where);
        ok = true;
        break;
      } catch (e) {
        lastError = e;
      }
    }
    if (!ok) throw lastError;
    verifiedCount++;
    results.push({ index: i, headers, alg: info, verified: true });
  }
  if (verifiedCount === 0)
    throw new RotkitError("COSE_NO_KEY", `${NAME}: no signature could be checked with the given keys`);
  return { payload, headers: parsed.headers, signatures: results };
}

/**
 * Decodes a COSE_Sign WITHOUT verifying any signature (inspection only). Structure and header rules still apply.
 *
 * @example
 * ```ts
 * const { signatures } = decodeCoseSignUnverified(msg);
 * ```
 */
export function decodeCoseSignUnverified(
  bytes: Uint8Array,
  options: CoseStructureOptions & { criticalHeaders?: CoseVerifyOptions["criticalHeaders"] } = {},
): UnverifiedSign {
  return parse(decodeCoseMessage(bytes, CoseTag.Sign, 4, NAME, options), options.criticalHeaders);
}
