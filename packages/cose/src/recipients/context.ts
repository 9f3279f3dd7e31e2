import { isBytes } from "@rotkit/core";
import { type CoseHeaders, HeaderLabel, headerParam } from "../headers.js";
import type { KdfContextInput } from "../kdf.js";
import type { KdfExtras } from "./types.js";

/**
 * The COSE_KDF_Context inputs of one recipient layer (RFC 9053 §5.2): PartyU/PartyV identity, nonce and other
 * from the recipient's headers (-21..-26), else from the out-of-band `extras`; SuppPubInfo with the key length
 * in bits and the recipient's serialized protected header; SuppPubInfo.other and SuppPrivInfo from `extras`.
 */
export function recipientKdfInput(
  headers: CoseHeaders,
  algorithmId: number,
  keyBytes: number,
  extras: KdfExtras | undefined,
): KdfContextInput {
  const bytesParam = (label: number, fallback: Uint8Array | undefined): Uint8Array | null => {
    const v = headerParam(headers, label);
    return isBytes(v) ? v : (fallback ?? null);
  };
  const nonceParam = (label: number, fallback: Uint8Array | number | undefined): Uint8Array | number | null => {
    const v = headerParam(headers, label);
    return isBytes(v) || typeof v === "number" ? v : (fallback ?? null);
  };
  const input: KdfContextInput = {
    algorithmId,
    keyDataLength: keyBytes * 8,
    protected: headers.protected.bytes,
    partyU: {
      identity: bytesParam(HeaderLabel.partyUIdentity, extras?.partyUIdentity),
      nonce: nonceParam(HeaderLabel.partyUNonce, extras?.partyUNonce),
      other: bytesParam(HeaderLabel.partyUOther, extras?.partyUOther),
    },
    partyV: {
      identity: bytesParam(HeaderLabel.partyVIdentity, extras?.partyVIdentity),
      nonce: nonceParam(HeaderLabel.partyVNonce, extras?.partyVNonce),
      other: bytesParam(HeaderLabel.partyVOther, extras?.partyVOther),
    },
  };
  if (extras?.suppPubOther !== undefined) input.suppPubOther = extras.suppPubOther;
  if (extras?.suppPrivInfo !== undefined) input.suppPrivInfo = extras.suppPrivInfo;
  return input;
}

/** The key-wrap algorithm whose KEK an ECDH + AES-KW recipient derives (RFC 9053 §6.4.1: AlgorithmID = A*KW). */
export function wrapAlgId(wrapKeyLength: number | undefined): number {
  if (wrapKeyLength === 24) return -4;
  if (wrapKeyLength === 32) return -5;
  return -3;
}
