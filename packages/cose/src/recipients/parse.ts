import { type CborValue, isBytes, RotkitError } from "@rotkit/core";
import { type CoseAlgInfo, coseAlgorithmOfKind } from "../algorithms.js";
import type { OaepHash } from "../ciphers-rsa.js";
import { type CoseHeaders, decodeHeaders, HeaderLabel, headerParam } from "../headers.js";

// Decoding of one COSE_recipient (RFC 9052 §5.1):
//   COSE_recipient = [ Headers, ciphertext : bstr / nil, ? recipients : [+COSE_recipient] ]

/** The key-management header labels of RFC 9053 §6 that this package processes (so `crit` may name them). */
export const KEY_MANAGEMENT_LABELS: readonly number[] = [
  HeaderLabel.ephemeralKey,
  HeaderLabel.staticKey,
  HeaderLabel.staticKeyId,
  HeaderLabel.salt,
  HeaderLabel.partyUIdentity,
  HeaderLabel.partyUNonce,
  HeaderLabel.partyUOther,
  HeaderLabel.partyVIdentity,
  HeaderLabel.partyVNonce,
  HeaderLabel.partyVOther,
];

/** A decoded COSE_recipient; nested recipients are kept undecoded until needed. */
export interface ParsedRecipient {
  readonly headers: CoseHeaders;
  /** null for nil (direct / direct key agreement carry no ciphertext). */
  readonly ciphertext: Uint8Array | null;
  readonly recipients: readonly CborValue[] | undefined;
  readonly where: string;
}

/** The recipient algorithms: key-management kinds only (RFC 9053 §6, RFC 8230 §3). */
export interface RecipientAlg extends CoseAlgInfo {
  /** rsa-oaep: the OAEP / MGF1 hash. */
  readonly oaepHash?: OaepHash;
}

const RSA_OAEP_SHA1: RecipientAlg = {
  id: -40,
  name: "RSAES-OAEP w/ SHA-1",
  kind: "rsa-oaep",
  oaepHash: "SHA-1",
};

function checkKeyManagementParams(h: CoseHeaders, where: string): void {
  const bad = (m: string): never => {
    throw new RotkitError("COSE_BAD_HEADER", `${where}: ${m}`);
  };
  for (const bucket of [h.protected.map, h.unprotected]) {
    for (const [k, v] of bucket) {
      switch (k) {
        case HeaderLabel.ephemeralKey:
        case HeaderLabel.staticKey:
          if (!(v instanceof Map)) bad(`header ${k} must be a COSE_Key map`);
          break;
        case HeaderLabel.staticKeyId:
        case HeaderLabel.salt:
        case HeaderLabel.partyUIdentity:
        case HeaderLabel.partyUOther:
        case HeaderLabel.partyVIdentity:
        case HeaderLabel.partyVOther:
          if (!isBytes(v)) bad(`header ${k} must be a bstr`);
          break;
        case HeaderLabel.partyUNonce:
        case HeaderLabel.partyVNonce:
          if (!isBytes(v) && !(typeof v === "number" && Number.isSafeInteger(v)))
            bad(`header ${k} must be a bstr or int`);
          break;
        default:
          break;
      }
    }
  }
}

/**
 * Decodes a COSE_recipient array and checks its headers (RFC 9052 §3, §5.1).
 *
 * @example
 * ```ts
 * const r = parseRecipient(recipientsArray[0], "COSE_Encrypt recipient 0");
 * ```
 */
export function parseRecipient(v: CborValue, where: string): ParsedRecipient {
  if (!Array.isArray(v) || (v.length !== 3 && v.length !== 4)) {
    throw new RotkitError("COSE_MALFORMED", `${where}: a COSE_recipient is an array of 3 or 4 items`);
  }
  const headers = decodeHeaders(v[0] as CborValue, v[1] as CborValue, {
    where,
    criticalHeaders: KEY_MANAGEMENT_LABELS,
  });
  checkKeyManagementParams(headers, where);
  const ct = v[2];
  if (ct !== null && !isBytes(ct))
    throw new RotkitError("COSE_MALFORMED", `${where}: ciphertext must be a bstr or nil`);
  let recipients: CborValue[] | undefined;
  if (v.length === 4) {
    const r = v[3];
    if (!Array.isArray(r) || r.length === 0) {
      throw new RotkitError("COSE_MALFORMED", `${where}: nested recipients must be a non-empty array`);
    }
    recipients = r;
  }
  return { headers, ciphertext: ct === null ? null : (ct as Uint8Array), recipients, where };
}

/**
 * The recipient's algorithm: one of the key-management kinds. -40 (RSA-OAEP with SHA-1) is only recognised when
 * `allowSha1` is set (the shared registry refuses it).
 */
export function recipientAlgorithm(r: ParsedRecipient, allowSha1: boolean): RecipientAlg {
  const alg = headerParam(r.headers, HeaderLabel.alg);
  if (alg === undefined) throw new RotkitError("COSE_BAD_HEADER", `${r.where}: no alg (1) header`);
  if (alg === -40) {
    if (allowSha1) return RSA_OAEP_SHA1;
    throw new RotkitError("COSE_UNSUPPORTED_ALG", `${r.where}: RSAES-OAEP with SHA-1 (-40) is not enabled`);
  }
  const info = coseAlgorithmOfKind(
    alg,
    ["direct", "direct-hkdf", "key-wrap", "ecdh-direct", "ecdh-key-wrap", "rsa-oaep"],
    `${r.where}: alg`,
  );
  if (info.kind === "rsa-oaep") return { ...info, oaepHash: info.hash === "SHA-512" ? "SHA-512" : "SHA-256" };
  return info;
}
