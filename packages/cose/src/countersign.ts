import { type CborValue, type CryptoProvider, type KeyHandle, RotkitError } from "@rotkit/core";
import { type AlgPolicy, checkAllowed } from "./alg-policy.js";
import { type CoseAlgInfo, coseAlgIdOf, coseAlgorithmOfKind } from "./algorithms.js";
import { type CoseHeaders, decodeHeaders, type HeaderLabelValue } from "./headers.js";
import { candidateKeys, keyFitsAlg, type SignerKeys } from "./key-select.js";
import { externalAadOf, senderHeaders } from "./layer.js";
import {
  handleAlgorithm,
  signatureAlgorithm,
  signWithHandle,
  type VerifyKey,
  verifySignatureBytes,
} from "./signature.js";
import { countersignStructure } from "./structures.js";

// Countersignatures: RFC 8152 §4.5 (labels 7 "counter signature" / 9 "CounterSignature0", the form the cose-wg
// examples carry) and RFC 9338 (labels 11 / 12, contexts "CounterSignatureV2" / "CounterSignature0V2" with the
// countersigned layer's signature or tag as `other_fields`). A countersignature signs a layer:
//  - a message body (Sign1, Sign, Mac0, Mac, Encrypt0, Encrypt): body_protected = the message's protected bucket,
//    payload = the content (signed / MACed) or the ciphertext (encrypted);
//  - a COSE_Signature: body_protected = the signer's protected bucket, payload = its signature;
//  - a COSE_recipient: body_protected = the recipient's protected bucket, payload = its ciphertext.
// The caller (or colleague code for Encrypt / Encrypt0) describes the layer; this module does the rest.

/** The layer a countersignature covers. */
export interface CountersignedLayer {
  /** The protected bucket bytes of the layer, exactly as sent. */
  bodyProtected: Uint8Array;
  /** The layer's unprotected bucket, where the countersignatures live. */
  unprotected: Map<CborValue, CborValue>;
  /** Content / ciphertext / signature, per the list above. */
  payload: Uint8Array;
  /** RFC 9338 V2 only: the signature or tag of the countersigned layer (Sign1, Mac0, Mac). */
  otherFields?: Uint8Array[];
}

export interface VerifyCountersignOptions {
  provider: CryptoProvider;
  /** Keys for the full countersignatures (labels 7 / 11), chosen like COSE_Sign signer keys. */
  keys?: SignerKeys;
  /** Countersignature0 (labels 9 / 12) carries no headers: the algorithm and key are agreed out of band. */
  countersign0?: { alg: number | string; key: VerifyKey };
  externalAad?: Uint8Array;
  allowedAlgs?: AlgPolicy;
  criticalHeaders?: readonly HeaderLabelValue[];
  /** Require at least one countersignature (default: none present → empty result). */
  required?: boolean;
}

export interface CountersignatureResult {
  label: 7 | 9 | 11 | 12;
  /** Position within a multi-countersignature array. */
  index: number;
  alg: CoseAlgInfo;
  headers?: CoseHeaders;
}

/** RFC 8152 §4.5 / RFC 9338 §3.1: one COSE_Countersignature, or an array of them. */
function splitCountersignatures(v: CborValue, where: string): CborValue[][] {
  if (!Array.isArray(v) || v.length === 0)
    throw new RotkitError("COSE_MALFORMED", `${where}: countersignature must be an array`);
  if (Array.isArray(v[0])) {
    return v.map((c, i) => {
      if (!Array.isArray(c) || c.length !== 3) {
        throw new RotkitError("COSE_MALFORMED", `${where}[${i}]: COSE_Countersignature must be an array of 3`);
      }
      return c;
    });
  }
  if (v.length !== 3) throw new RotkitError("COSE_MALFORMED", `${where}: COSE_Countersignature must be an array of 3`);
  return [v];
}

/**
 * Verifies every countersignature on a layer (labels 7, 9, 11, 12 in its unprotected bucket) or throws:
 * COSE_NO_KEY when a countersignature has no key, COSE_BAD_SIGNATURE when one fails. Fails closed: all present
 * countersignatures must verify. Usable for any COSE structure (Encrypt / Encrypt0 bodies and recipients too).
 *
 * @example
 * ```ts
 * const r = await verifyCoseSign1(msg, { key, provider });
 * await verifyCountersignatures(
 *   { bodyProtected: r.headers.protected.bytes, unprotected: r.headers.unprotected, payload: r.payload },
 *   { provider, keys: [notaryKey] },
 * );
 * ```
 */
export async function verifyCountersignatures(
  layer: CountersignedLayer,
  options: VerifyCountersignOptions,
): Promise<CountersignatureResult[]> {
  if (!options?.provider) throw new RotkitError("INVALID_ARGUMENT", "countersignature: a provider is required");
  const aad = externalAadOf(options.externalAad, "countersignature");
  const results: CountersignatureResult[] = [];
  for (const label of [7, 11] as const) {
    const v = layer.unprotected.get(label);
    if (v === undefined) continue;
    const context = label === 7 ? "CounterSignature" : "CounterSignatureV2";
    const list = splitCountersignatures(v, `countersignature (${label})`);
    for (let i = 0; i < list.length; i++) {
      const where = `countersignature (${label})[${i}]`;
      const [p, u, sig] = list[i] as [CborValue, CborValue, CborValue];
      const headers = decodeHeaders(p, u, { where, criticalHeaders: options.criticalHeaders });
      if (!(sig instanceof Uint8Array)) throw new RotkitError("COSE_MALFORMED", `${where}: signature must be a bstr`);
      const info = signatureAlgorithm(headers, where, options);
      if (options.keys === undefined) throw new RotkitError("COSE_NO_KEY", `${where}: no countersignature keys given`);
      let keys = await candidateKeys(options.keys, headers, i, where);
      if (Array.isArray(options.keys)) keys = keys.filter((k) => keyFitsAlg(k, info, where));
      if (keys.length === 0) throw new RotkitError("COSE_NO_KEY", `${where}: no key for this countersigner`);
      const tbs = countersignStructure(
        context,
        layer.bodyProtected,
        headers.protected.bytes,
        aad,
        layer.payload,
        label === 11 ? layer.otherFields : undefined,
      );
      let err: unknown;
      let ok = false;
      for (const k of keys) {
        try {
          await verifySignatureBytes(options.provider, info, k, tbs, sig, where);
          ok = true;
          break;
        } catch (e) {
          err = e;
        }
      }
      if (!ok) throw err;
      results.push({ label, index: i, alg: info, headers });
    }
  }
  for (const label of [9, 12] as const) {
    const sig = layer.unprotected.get(label);
    if (sig === undefined) continue;
    const where = `countersignature0 (${label})`;
    if (!(sig instanceof Uint8Array)) throw new RotkitError("COSE_MALFORMED", `${where}: must be a bstr`);
    if (!options.countersign0)
      throw new RotkitError("COSE_NO_KEY", `${where}: algorithm and key must be given out of band`);
    const a = options.countersign0.alg;
    const info = coseAlgorithmOfKind(typeof a === "string" ? coseAlgIdOf(a) : a, ["signature"], where);
    checkAllowed(info, options.allowedAlgs, where);
    const context = label === 9 ? "CounterSignature0" : "CounterSignature0V2";
    // RFC 8152 §4.5 / RFC 9338 §3.2: the abbreviated form has no headers, so sign_protected is the empty bstr.
    const tbs = countersignStructure(
      context,
      layer.bodyProtected,
      new Uint8Array(0),
      aad,
      layer.payload,
      label === 12 ? layer.otherFields : undefined,
    );
    await verifySignatureBytes(options.provider, info, options.countersign0.key, tbs, sig, where);
    results.push({ label, index: 0, alg: info });
  }
  if (options.required && results.length === 0) {
    throw new RotkitError("COSE_NO_KEY", "countersignature: none present but one is required");
  }
  return results;
}

export interface CountersignOptions {
  /** "v1" (RFC 8152, label 7, default: what deployed peers and the cose-wg examples use) or "v2" (RFC 9338, label 11). */
  version?: "v1" | "v2";
  protected?: Map<CborValue, CborValue>;
  unprotected?: Map<CborValue, CborValue>;
  externalAad?: Uint8Array;
}

/**
 * Produces one COSE_Countersignature `[protected, unprotected, signature]` over a layer; put it (or an array of
 * them) under label 7 (v1) or 11 (v2) of the layer's unprotected bucket.
 *
 * @example
 * ```ts
 * const cs = await createCountersignature({ bodyProtected, unprotected: new Map(), payload }, notaryKey);
 * unprotected.set(HeaderLabel.counterSignature, cs);
 * ```
 */
export async function createCountersignature(
  layer: Omit<CountersignedLayer, "unprotected">,
  key: KeyHandle,
  options: CountersignOptions = {},
): Promise<CborValue[]> {
  const where = "countersignature";
  const info = handleAlgorithm(key, where);
  const h = senderHeaders(info, options.protected, options.unprotected, where);
  const v2 = options.version === "v2";
  const tbs = countersignStructure(
    v2 ? "CounterSignatureV2" : "CounterSignature",
    layer.bodyProtected,
    h.protected.bytes,
    externalAadOf(options.externalAad, where),
    layer.payload,
    v2 ? layer.otherFields : undefined,
  );
  return [h.protected.bytes, h.unprotected, await signWithHandle(key, tbs, where)];
}

/**
 * Produces a Countersignature0 (label 9 v1 / 12 v2): the bare signature, algorithm agreed out of band.
 *
 * @example
 * ```ts
 * unprotected.set(HeaderLabel.counterSignature0, await createCountersignature0(layer, notaryKey));
 * ```
 */
export async function createCountersignature0(
  layer: Omit<CountersignedLayer, "unprotected">,
  key: KeyHandle,
  options: Pick<CountersignOptions, "version" | "externalAad"> = {},
): Promise<Uint8Array> {
  const where = "countersignature0";
  handleAlgorithm(key, where);
  const v2 = options.version === "v2";
  const tbs = countersignStructure(
    v2 ? "CounterSignature0V2" : "CounterSignature0",
    layer.bodyProtected,
    new Uint8Array(0),
    externalAadOf(options.externalAad, where),
    layer.payload,
    v2 ? layer.otherFields : undefined,
  );
  return signWithHandle(key, tbs, where);
}
