import type { Clock, CryptoProvider } from "@rotkit/core";

// The shapes every evidence format shares, so `verifyEvidence` can dispatch and callers get one result type.

/** The evidence formats rotkit recognises. */
export type EvidenceFormat =
  | "eat-cwt"
  | "eat-jwt"
  | "eat-uccs"
  | "eat-deb"
  | "psa"
  | "cca"
  | "dice-x509"
  | "dice-cbor"
  | "tpm-quote";

/** Options every verifier takes. */
export interface EvidenceVerifyOptions {
  provider: CryptoProvider;
  clock: Clock;
  /** The nonce the verifier sent (RATS freshness): the evidence must carry exactly this one. */
  nonce?: Uint8Array;
}
