import { type Clock, type CryptoProvider, isRotkitError, type PublicKey, RotkitError, systemClock } from "@rotkit/core";
import { nameEquals, nameToString } from "../names.js";
import type { ValidatePathOptions, ValidatePathResult } from "../options.js";
import { keyFitsAlgorithm, resolveSignatureAlgorithm, verifySigned } from "../signature.js";
import type { Certificate, Name } from "../types.js";
import { validatePath } from "../validate.js";
import { type DecodeDiceExtensionsOptions, decodeDiceExtensions } from "./extensions.js";
import { DICE_EXTENSION_OIDS } from "./oids.js";
import type { OpenDiceInput } from "./open-dice.js";
import type { RiotCompositeDeviceId } from "./riot.js";
import { type DiceTcbInfo, expandMultiTcbInfoComp } from "./tcb-info.js";

// A DICE chain is one certificate per layer: each layer's key (the CDI-derived alias/"embedded CA" key) certifies
// the next layer (TCG DICE Layering Architecture §5; Open-DICE "Layering Details" → "Generating Layered
// Certificates"). This module reads the measurements each layer reports and checks that every certificate is signed
// by the previous layer's key and names it as issuer. RFC 5280 path validation proper (policies, name constraints,
// revocation) is the x509 validator's job, not this one's.
//
// Order: every function here takes and returns certificates ROOT FIRST — the layer closest to the hardware first
// (UDS / DeviceID / LDevID …), the leaf (the last layer's alias certificate) last, i.e. the order the layers run in.

/** What one layer's certificate says about the TCB it measured. */
export interface DiceLayerMeasurements {
  /** Position in the chain, 0 = root-most. */
  position: number;
  subject: string;
  issuer: string;
  /** Every DiceTcbInfo the certificate carries: TcbInfo, then MultiTcbInfo entries, then MultiTcbInfoComp (expanded). */
  tcbInfo: DiceTcbInfo[];
  /** The Open-DICE input (code/config/authority hashes, mode). */
  openDice?: OpenDiceInput;
  /** The legacy RIoT CompositeDeviceID. */
  riot?: RiotCompositeDeviceId;
  ueid?: Uint8Array;
  /** tcg-dice-kp key purposes by name. */
  keyPurposes: string[];
}

/**
 * The measurements of each layer of a DICE chain, root first (see the module comment), without checking
 * signatures. Throws `X509_MALFORMED` for a malformed DICE extension unless `lenient`.
 *
 * @example
 * ```ts
 * const layers = diceChainMeasurements([ldevid, fmcAlias]);
 * layers[1].tcbInfo.map((t) => t.fwids?.[0]?.digest);
 * ```
 */
export function diceChainMeasurements(
  certs: readonly Certificate[],
  options: DecodeDiceExtensionsOptions = {},
): DiceLayerMeasurements[] {
  return certs.map((cert, position) => {
    const d = decodeDiceExtensions(cert, options);
    const tcbInfo: DiceTcbInfo[] = [];
    if (d.tcbInfo) tcbInfo.push(d.tcbInfo);
    if (d.multiTcbInfo) tcbInfo.push(...d.multiTcbInfo);
    if (d.multiTcbInfoComp) tcbInfo.push(...expandMultiTcbInfoComp(d.multiTcbInfoComp));
    const layer: DiceLayerMeasurements = {
      position,
      subject: nameToString(cert.subject),
      issuer: nameToString(cert.issuer),
      tcbInfo,
      keyPurposes: d.diceKeyPurposes,
    };
    if (d.openDice) layer.openDice = d.openDice;
    if (d.riot) layer.riot = d.riot;
    if (d.ueid) layer.ueid = d.ueid.ueid;
    return layer;
  });
}

export interface VerifyDiceChainOptions {
  /** The chain, root first. */
  certs: readonly Certificate[];
  /**
   * What signed `certs[0]`: its issuer's certificate (signature and name are checked against it) or a bare public
   * key (signature only). Absent: `certs[0]` must be self-signed (an Open-DICE UDS certificate, say).
   */
  trustAnchor?: Certificate | PublicKey;
  provider: CryptoProvider;
  /** "Now" for the validity check (a Clock, epoch seconds, or a Date); default the system clock. */
  time?: Clock | number | Date;
  /**
   * Default true: an issuer name that does not match the previous subject throws `X509_NAME_CHAINING`. With false
   * the mismatch is reported in `nameMismatches` and verification continues on the key alone.
   */
  requireNameChaining?: boolean;
  /** Passed to the extension decoders. */
  lenient?: boolean;
  /**
   * Also run the full RFC 5280 path validation ({@link validatePath}: policies, name constraints, CA rules, critical
   * extensions, CRLs) after the DICE checks, with these options on top of: the last certificate as leaf, the others
   * as intermediates, `trustAnchor` (or the self-signed `certs[0]`) as anchor, `provider`, `time`, profile `rfc5280`,
   * and the DICE extensions as processed critical extensions. The anchor must be a certificate (INVALID_ARGUMENT for a
   * bare key).
   */
  pathValidation?: DicePathValidationOptions;
}

/** The validatePath options verifyDiceChain lets a caller set; the chain, anchor, provider and time come from it. */
export type DicePathValidationOptions = Partial<
  Omit<ValidatePathOptions, "leaf" | "intermediates" | "trustAnchors" | "provider" | "time">
>;

export interface DiceNameMismatch {
  position: number;
  expectedIssuer: string;
  foundIssuer: string;
}

export interface VerifiedDiceChain {
  certs: readonly Certificate[];
  layers: DiceLayerMeasurements[];
  /** Only with `requireNameChaining: false`: the links that chain by key but not by name. */
  nameMismatches: DiceNameMismatch[];
  /** With `pathValidation`: what validatePath returned. */
  path?: ValidatePathResult;
}

/**
 * Verifies a DICE chain, root first: each certificate's signature under the previous layer's key (the trust
 * anchor's for the first), the issuer name against the previous subject, and validity at `time`; then returns the
 * layers' measurements. Errors: `X509_BAD_SIGNATURE`, `X509_NAME_CHAINING` (the signature does verify, the names
 * do not match: the message says which certificate, the issuer expected and the name found), `X509_EXPIRED`,
 * `X509_NOT_YET_VALID`, `X509_UNSUPPORTED_ALG` (e.g. ML-DSA), `X509_NO_PATH` (no anchor and the first certificate
 * is not self-signed), `X509_MALFORMED`.
 *
 * @example
 * ```ts
 * const { layers } = await verifyDiceChain({ certs: [uds, ...cdis], provider: nobleProvider() });
 * layers.at(-1)?.openDice?.modeName; // "normal"
 * ```
 */
export async function verifyDiceChain(options: VerifyDiceChainOptions): Promise<VerifiedDiceChain> {
  const { certs, trustAnchor, provider } = options;
  if (!Array.isArray(certs) || certs.length === 0) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyDiceChain: certs must be a non-empty array (root first)");
  }
  if (options.pathValidation && trustAnchor !== undefined && !isCertificate(trustAnchor)) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyDiceChain: pathValidation needs a certificate as trustAnchor");
  }
  const now = toSeconds(options.time);
  const requireNames = options.requireNameChaining !== false;
  const nameMismatches: DiceNameMismatch[] = [];

  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i] as Certificate;
    const where = `certificate ${i} (subject "${nameToString(cert.subject)}")`;
    // The signer: previous layer, else the anchor, else the certificate itself (must then be self-signed).
    let issuerKey: PublicKey | undefined;
    let issuerName: Name | undefined;
    let signerText: string;
    if (i > 0) {
      const prev = certs[i - 1] as Certificate;
      issuerKey = prev.publicKey;
      issuerName = prev.subject;
      signerText = `certificate ${i - 1}'s key`;
    } else if (trustAnchor !== undefined && isCertificate(trustAnchor)) {
      issuerKey = trustAnchor.publicKey;
      issuerName = trustAnchor.subject;
      signerText = "the trust anchor's key";
    } else if (trustAnchor !== undefined) {
      issuerKey = trustAnchor;
      signerText = "the trust anchor key";
    } else {
      if (!nameEquals(cert.issuer, cert.subject)) {
        throw new RotkitError(
          "X509_NO_PATH",
          `${where} is not self-issued (issuer "${nameToString(cert.issuer)}") and no trustAnchor was given`,
          { at: 0 },
        );
      }
      issuerKey = cert.publicKey;
      issuerName = cert.subject;
      signerText = "its own key (self-signed)";
    }

    const sigOk = await signatureVerifies(cert, issuerKey, provider, where);
    const namesOk = issuerName === undefined || nameEquals(cert.issuer, issuerName);
    if (!sigOk) {
      const nameNote = namesOk
        ? ""
        : `; its issuer "${nameToString(cert.issuer)}" does not match the expected "${nameToString(issuerName as Name)}" either`;
      throw new RotkitError("X509_BAD_SIGNATURE", `${where}: signature does not verify with ${signerText}${nameNote}`, {
        at: i,
      });
    }
    if (!namesOk) {
      const mismatch = {
        position: i,
        expectedIssuer: nameToString(issuerName as Name),
        foundIssuer: nameToString(cert.issuer),
      };
      if (requireNames) {
        throw new RotkitError(
          "X509_NAME_CHAINING",
          `${where}: issuer name "${mismatch.foundIssuer}" does not match the subject name ` +
            `"${mismatch.expectedIssuer}" of ${i > 0 ? `certificate ${i - 1}` : "the trust anchor"}; ` +
            `the signature does verify with ${signerText}, so the chain links by key but not by name`,
          { at: i },
        );
      }
      nameMismatches.push(mismatch);
    }
    // RFC 5280 §6.1.3 (a)(2): validity at the time of interest.
    if (now < cert.notBefore) {
      throw new RotkitError("X509_NOT_YET_VALID", `${where} is not valid before ${iso(cert.notBefore)}`, { at: i });
    }
    if (now > cert.notAfter) {
      throw new RotkitError("X509_EXPIRED", `${where} expired at ${iso(cert.notAfter)}`, { at: i });
    }
  }
  const layers = diceChainMeasurements(certs, options.lenient ? { lenient: true } : {});
  const out: VerifiedDiceChain = { certs, layers, nameMismatches };
  if (options.pathValidation) out.path = await validateDicePath(options, now);
  return out;
}

/**
 * `cert`'s signature under `issuerKey`, with the package's signature rules (signature.ts, RFC 5280 profile). A key of
 * the wrong type, or one the provider refuses, means the signature does not verify (X509_BAD_SIGNATURE for the
 * chain); an algorithm rotkit cannot verify (ML-DSA, SHA-1, ...) or one with parameters it must not have is
 * X509_UNSUPPORTED_ALG.
 */
async function signatureVerifies(
  cert: Certificate,
  issuerKey: PublicKey | undefined,
  provider: CryptoProvider,
  where: string,
): Promise<boolean> {
  try {
    const r = resolveSignatureAlgorithm(cert.signatureAlgorithm);
    if (issuerKey !== undefined && !keyFitsAlgorithm(r, issuerKey)) return false;
    return await verifySigned(cert.signatureAlgorithm, issuerKey, cert.tbs, cert.signature, provider, "rfc5280");
  } catch (e) {
    if (isRotkitError(e, "X509_UNSUPPORTED_ALG") && isRotkitError(e.cause, "CRYPTO_INVALID_KEY")) return false;
    if (isRotkitError(e, "X509_UNSUPPORTED_ALG", "X509_MALFORMED")) {
      throw new RotkitError("X509_UNSUPPORTED_ALG", `${where}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** RFC 5280 path validation of the chain (see `VerifyDiceChainOptions.pathValidation`). */
function validateDicePath(options: VerifyDiceChainOptions, now: number): Promise<ValidatePathResult> {
  const { certs, trustAnchor } = options;
  const extra = options.pathValidation ?? {};
  const chain = trustAnchor === undefined ? certs.slice(1) : certs;
  return validatePath({
    profile: "rfc5280",
    ...extra,
    leaf: certs[certs.length - 1] as Certificate,
    intermediates: chain.slice(0, -1),
    trustAnchors: [(trustAnchor ?? certs[0]) as Certificate],
    provider: options.provider,
    time: now,
    processedCriticalExtensions: [...DICE_EXTENSION_OIDS, ...(extra.processedCriticalExtensions ?? [])],
  });
}

function isCertificate(x: Certificate | PublicKey): x is Certificate {
  return (x as Certificate).tbs instanceof Uint8Array && (x as Certificate).subject !== undefined;
}

function toSeconds(t: VerifyDiceChainOptions["time"]): number {
  if (t === undefined) return systemClock().now();
  if (typeof t === "number") return t;
  if (t instanceof Date) return t.getTime() / 1000;
  return t.now();
}

function iso(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? String(seconds) : d.toISOString();
}
