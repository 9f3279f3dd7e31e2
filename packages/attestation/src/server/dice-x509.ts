import { type Clock, type CryptoProvider, type PublicKey, RotkitError, utf8Decode } from "@rotkit/core";
import {
  type Certificate,
  type DiceLayerMeasurements,
  type DiceTcbInfo,
  parseCertificatePem,
  type RiotCompositeDeviceId,
  toCertificate,
  type VerifiedDiceChain,
  verifyDiceChain,
} from "@rotkit/x509";
import { assignOpenDiceInputs, type DiceLayer } from "../dice/types.js";

// X.509 DICE evidence (TCG DICE Layering Architecture §5 / Attestation Architecture; Open-DICE "X.509 CDI
// Certificates"): the chain checks — each certificate signed by the previous layer's key, issuer name = previous
// subject, validity — are @rotkit/x509's verifyDiceChain; this module turns its per-layer measurements into the
// DiceLayer shape the CBOR chain verifier returns, so a caller sees one DICE result type.

/** A certificate as DER bytes, PEM text (bytes or string), or an already parsed Certificate. */
export type DiceCertInput = Uint8Array | string | Certificate;

export interface VerifyDiceX509ChainOptions {
  /** The chain, root first; a PEM string may hold several certificates (in order). */
  certs: readonly DiceCertInput[] | string;
  /** What signed the first certificate: a certificate (signature and name checked) or a bare public key. */
  trustAnchor?: DiceCertInput | PublicKey;
  provider: CryptoProvider;
  /** "Now" for the validity check (a Clock, epoch seconds or a Date); default the system clock. */
  time?: Clock | number | Date;
  /** Default true: an issuer name that is not the previous subject throws `X509_NAME_CHAINING`. */
  requireNameChaining?: boolean;
  /** Passed to the DICE extension decoders. */
  lenient?: boolean;
}

/** One X.509 DICE layer: the common DiceLayer plus what only X.509 certificates carry. */
export interface DiceX509Layer extends DiceLayer {
  format: "x509";
  /** Every DiceTcbInfo of the certificate (TcbInfo, MultiTcbInfo, expanded MultiTcbInfoComp). */
  tcbInfo: DiceTcbInfo[];
  ueid?: Uint8Array;
  /** tcg-dice-kp key purposes by name. */
  keyPurposes: string[];
  /** The legacy RIoT CompositeDeviceID, when present. */
  riot?: RiotCompositeDeviceId;
}

export interface VerifiedDiceX509Chain {
  layers: DiceX509Layer[];
  /** What @rotkit/x509's verifyDiceChain returned (certificates, raw measurements, name mismatches). */
  chain: VerifiedDiceChain;
}

/**
 * Verifies an X.509 DICE chain, root first, through @rotkit/x509's `verifyDiceChain`, and returns every layer's
 * measurements in the same {@link DiceLayer} shape as `verifyDiceCborChain` (Open-DICE input fields mapped to
 * codeHash / configurationHash / authorityHash / mode; TCG DiceTcbInfo kept in `tcbInfo`). Errors are x509's:
 * `X509_BAD_SIGNATURE`, `X509_NAME_CHAINING`, `X509_EXPIRED`, `X509_NOT_YET_VALID`, `X509_UNSUPPORTED_ALG` (ML-DSA),
 * `X509_NO_PATH` (no anchor and the first certificate is not self-signed), `X509_MALFORMED`; `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { verifyDiceX509Chain } from "@rotkit/attestation/server";
 * const { layers } = await verifyDiceX509Chain({ certs: [udsDer, ...cdiDers], provider: webCryptoProvider(), time: new Date() });
 * layers.at(-1)?.modeName; // "normal"
 * ```
 */
export async function verifyDiceX509Chain(options: VerifyDiceX509ChainOptions): Promise<VerifiedDiceX509Chain> {
  if (!options || typeof options !== "object") {
    throw new RotkitError("INVALID_ARGUMENT", "verifyDiceX509Chain: options are required");
  }
  const certs = toCertificates(options.certs);
  const chain = await verifyDiceChain({
    certs,
    provider: options.provider,
    ...(options.trustAnchor !== undefined ? { trustAnchor: toAnchor(options.trustAnchor) } : {}),
    ...(options.time !== undefined ? { time: options.time } : {}),
    ...(options.requireNameChaining !== undefined ? { requireNameChaining: options.requireNameChaining } : {}),
    ...(options.lenient !== undefined ? { lenient: options.lenient } : {}),
  });
  const layers = chain.layers.map((m, i) => diceX509Layer(m, chain.certs[i] as Certificate));
  return { layers, chain };
}

/**
 * The DiceLayer view of one certificate's measurements (from @rotkit/x509's `diceChainMeasurements`).
 *
 * @example
 * ```ts
 * const layers = diceChainMeasurements(certs).map((m, i) => diceX509Layer(m, certs[i]));
 * ```
 */
export function diceX509Layer(m: DiceLayerMeasurements, cert: Certificate): DiceX509Layer {
  if (!cert.publicKey) {
    throw new RotkitError("X509_UNSUPPORTED_ALG", `DICE layer ${m.position}: the subject key type is not supported`, {
      at: m.position,
    });
  }
  const layer: DiceX509Layer = {
    position: m.position,
    format: "x509",
    issuer: m.issuer,
    subject: m.subject,
    publicKey: cert.publicKey,
    tcbInfo: m.tcbInfo,
    keyPurposes: m.keyPurposes,
  };
  const o = m.openDice;
  if (o) {
    assignOpenDiceInputs(layer, o);
  }
  if (m.ueid) layer.ueid = m.ueid;
  if (m.riot) layer.riot = m.riot;
  return layer;
}

function isPem(bytes: Uint8Array): boolean {
  // "-----BEGIN"
  const head = [0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x42, 0x45, 0x47, 0x49, 0x4e];
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return head.every((b, j) => bytes[i + j] === b);
}

function toCertificates(input: readonly DiceCertInput[] | string): Certificate[] {
  if (typeof input === "string") return parseCertificatePem(input);
  if (!Array.isArray(input)) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyDiceX509Chain: certs must be an array or PEM text");
  }
  const out: Certificate[] = [];
  for (const c of input as readonly DiceCertInput[]) {
    if (c instanceof Uint8Array && isPem(c)) out.push(...parseCertificatePem(utf8Decode(c)));
    else if (typeof c === "string") out.push(...parseCertificatePem(c));
    else out.push(toCertificate(c));
  }
  return out;
}

function toAnchor(anchor: DiceCertInput | PublicKey): Certificate | PublicKey {
  if (anchor instanceof Uint8Array || typeof anchor === "string") return toCertificates([anchor])[0] as Certificate;
  if ("der" in anchor) return anchor;
  return anchor;
}
