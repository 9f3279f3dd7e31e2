import { CborTag, type CborValue, decodeCbor, RotkitError } from "@rotkit/core";
import { verifyCcaToken } from "./cca/index.js";
import { verifyDiceCborChain } from "./dice/index.js";
import type { EatClaims } from "./eat/claims.js";
import {
  EatTag,
  type VerifiedEat,
  type VerifyEatOptions,
  verifyEatBundle,
  verifyEatCwt,
  verifyEatUccs,
} from "./eat/verify.js";
import { verifyPsaToken } from "./psa/index.js";
import { verifyTpmQuote } from "./tpm/index.js";
import type { EvidenceFormat } from "./types.js";

// One entry point for every evidence format: the format is taken from an explicit `format`, else the media type
// (RFC 9782 EAT media types, RFC 9783 PSA), else the content (CBOR tags). TPM quotes and DICE chains carry no
// self-describing tag, so they are only recognised by `format` (or a media type the caller maps). The PSA, CCA,
// TPM and DICE verifiers load lazily so a device build that only needs EAT does not carry them.

/** Options of {@link verifyEvidence}: the union of what the format verifiers need. */
export interface VerifyEvidenceOptions extends VerifyEatOptions {
  /** The media type the evidence arrived with (e.g. `application/eat+cwt`, `application/psa-attestation-token`). */
  mediaType?: string;
  /** Skip detection: the caller knows the format. */
  format?: EvidenceFormat;
  /** DICE CBOR chains: the root (UDS) public key. */
  rootKey?: unknown;
  /** TPM quotes (the evidence bytes are the TPMS_ATTEST): the signature, AK public area and optional PCRs / log. */
  tpm?: { signature: Uint8Array; akPublic: unknown; pcrs?: unknown; eventLog?: Uint8Array };
  /** Anything else a format verifier takes (e.g. `profile` for PSA), passed through. */
  extra?: Record<string, unknown>;
}

/** What {@link verifyEvidence} returns: the format, its claims, and the format verifier's own result. */
export type EvidenceResult =
  | { format: "eat-cwt" | "eat-uccs" | "eat-deb" | "eat-jwt"; claims: EatClaims; result: VerifiedEat }
  | { format: "psa" | "cca" | "dice-cbor" | "dice-x509" | "tpm-quote"; claims: unknown; result: unknown };

const MEDIA_TYPES: Record<string, EvidenceFormat> = {
  // RFC 9782 §6 (EAT media types); `application/eat-cwt` is the pre-RFC name, still seen in the wild.
  "application/eat+cwt": "eat-cwt",
  "application/eat-cwt": "eat-cwt",
  "application/cwt": "eat-cwt",
  "application/eat-ucs+cbor": "eat-uccs",
  "application/eat-bun+cbor": "eat-deb",
  "application/eat+jwt": "eat-jwt",
  "application/eat-jwt": "eat-jwt",
  "application/jwt": "eat-jwt",
  "application/eat-bun+json": "eat-jwt",
  // RFC 9783 §9 (PSA), with an optional profile parameter.
  "application/psa-attestation-token": "psa",
};

const PSA_PROFILE_PREFIXES = ["tag:psacertified.org,", "http://arm.com/psa/", "PSA_IOT_PROFILE_1"];

function isPsaProfile(p: unknown): boolean {
  return typeof p === "string" && PSA_PROFILE_PREFIXES.some((x) => p.startsWith(x));
}

/** `type/subtype; a="b"; c=d` → lower-cased type and the parameters. */
export function parseMediaType(mediaType: string): { type: string; params: Record<string, string> } {
  const [head, ...rest] = mediaType.split(";");
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf("=");
    if (i < 0) continue;
    const k = p.slice(0, i).trim().toLowerCase();
    let v = p.slice(i + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    params[k] = v;
  }
  return { type: (head ?? "").trim().toLowerCase(), params };
}

function fromMediaType(mediaType: string): EvidenceFormat {
  const { type, params } = parseMediaType(mediaType);
  const profile = params.eat_profile ?? params.profile;
  if (type === "application/eat+cwt" && isPsaProfile(profile)) return "psa";
  if (profile && /cca/i.test(profile) && (type === "application/eat-collection" || type.startsWith("application/cmw")))
    return "cca";
  const f = Object.hasOwn(MEDIA_TYPES, type) ? MEDIA_TYPES[type] : undefined;
  if (!f)
    throw new RotkitError("ATTEST_UNKNOWN_FORMAT", `media type ${type} is not an evidence format rotkit verifies`);
  return f;
}

/** Peeks at a Sign1 / Mac0 payload for a PSA profile claim (265 or the legacy -75000). */
function looksLikePsa(msg: CborValue): boolean {
  const arr = msg instanceof CborTag ? msg.value : msg;
  if (!Array.isArray(arr) || arr.length !== 4 || !(arr[2] instanceof Uint8Array)) return false;
  let payload: CborValue;
  try {
    payload = decodeCbor(arr[2]);
  } catch {
    return false;
  }
  if (!(payload instanceof Map)) return false;
  return isPsaProfile(payload.get(265)) || payload.has(-75000);
}

function looksLikeJson(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith("{") || t.startsWith("[") || /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(t.trim());
}

/**
 * The evidence format of `input`: by `format`, else `mediaType`, else content (CBOR tags 61 / 18 / 17 / 601 / 602 /
 * 399; a PSA profile claim in a Sign1 / Mac0 payload means PSA; JSON or JWT text means eat-jwt).
 * ATTEST_UNKNOWN_FORMAT when nothing identifies it.
 *
 * @example
 * ```ts
 * detectEvidenceFormat(bytes);                                   // "eat-cwt"
 * detectEvidenceFormat(bytes, { mediaType: "application/psa-attestation-token" }); // "psa"
 * ```
 */
export function detectEvidenceFormat(
  input: Uint8Array | string,
  options: { mediaType?: string; format?: EvidenceFormat; untaggedType?: "sign1" | "mac0" } = {},
): EvidenceFormat {
  if (options.format) return options.format;
  if (options.mediaType) return fromMediaType(options.mediaType);
  if (typeof input === "string") {
    if (looksLikeJson(input)) return "eat-jwt";
    throw new RotkitError("ATTEST_UNKNOWN_FORMAT", "text evidence that is neither JSON nor a JWT");
  }
  if (!(input instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", "evidence must be bytes or text");
  let v: CborValue;
  try {
    v = decodeCbor(input);
  } catch (e) {
    throw new RotkitError("ATTEST_UNKNOWN_FORMAT", "evidence is not one CBOR item and has no media type", { cause: e });
  }
  if (v instanceof CborTag) {
    switch (v.tag) {
      case EatTag.CWT:
        return "eat-cwt";
      case EatTag.Sign1:
      case EatTag.Mac0:
        return looksLikePsa(v) ? "psa" : "eat-cwt";
      case EatTag.UCCS:
        return "eat-uccs";
      case EatTag.DEB:
        return "eat-deb";
      case 399: // CMW collection (CCA: platform + realm tokens)
        return "cca";
    }
    throw new RotkitError("ATTEST_UNKNOWN_FORMAT", `CBOR tag ${v.tag} is not an evidence format rotkit recognises`);
  }
  if (Array.isArray(v) && v.length === 4 && options.untaggedType) return looksLikePsa(v) ? "psa" : "eat-cwt";
  throw new RotkitError("ATTEST_UNKNOWN_FORMAT", "untagged evidence: pass mediaType or format");
}

function bytesOf(input: Uint8Array | string, format: string): Uint8Array {
  if (!(input instanceof Uint8Array)) throw new RotkitError("ATTEST_MALFORMED", `${format} evidence must be bytes`);
  return input;
}

type AnyVerifier = (...args: unknown[]) => Promise<unknown>;

/**
 * Verifies evidence of any format rotkit knows and returns `{ format, claims, result }`. EAT CWT / UCCS / DEB are
 * verified here; PSA, CCA, TPM and DICE go to their own verifiers. JWT / JSON EATs and X.509 DICE chains need the
 * server entry (`@rotkit/attestation/server`), whose `verifyEvidence` adds them.
 *
 * @example
 * ```ts
 * const { format, claims } = await verifyEvidence(bytes, {
 *   mediaType: "application/eat+cwt", key: deviceKey, nonce, clock: systemClock(), provider: nobleProvider(),
 * });
 * ```
 */
export async function verifyEvidence(
  input: Uint8Array | string,
  options: VerifyEvidenceOptions,
): Promise<EvidenceResult> {
  if (!options || typeof options !== "object" || !options.provider || !options.clock) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyEvidence: options with provider and clock are required");
  }
  const format = detectEvidenceFormat(input, options);
  switch (format) {
    case "eat-cwt": {
      const r = await verifyEatCwt(bytesOf(input, format), options);
      return { format, claims: r.claims, result: r };
    }
    case "eat-uccs": {
      const r = await verifyEatUccs(bytesOf(input, format), options);
      return { format, claims: r.claims, result: r };
    }
    case "eat-deb": {
      const r = await verifyEatBundle(bytesOf(input, format), options);
      return { format, claims: r.claims, result: r };
    }
    case "psa": {
      const m = { verifyPsaToken };
      const psaOpts: Record<string, unknown> = { ...options.extra, key: options.key, provider: options.provider };
      if (options.nonce !== undefined) psaOpts.nonce = options.nonce;
      const r = await (m.verifyPsaToken as unknown as AnyVerifier)(bytesOf(input, format), psaOpts);
      return { format, claims: (r as { claims: unknown }).claims, result: r };
    }
    case "cca": {
      const m = { verifyCcaToken };
      const ccaOpts: Record<string, unknown> = { ...options.extra, provider: options.provider };
      if (options.key !== undefined) ccaOpts.platformKey = options.key;
      if (options.nonce !== undefined) ccaOpts.nonce = options.nonce;
      const r = await (m.verifyCcaToken as unknown as AnyVerifier)(bytesOf(input, format), ccaOpts);
      const v = r as { platform?: unknown; realm?: unknown };
      return { format, claims: { platform: v.platform, realm: v.realm }, result: r };
    }
    case "tpm-quote": {
      if (!options.tpm || options.nonce === undefined) {
        throw new RotkitError("INVALID_ARGUMENT", "verifyEvidence: a TPM quote needs options.tpm and options.nonce");
      }
      const m = { verifyTpmQuote };
      const r = await (m.verifyTpmQuote as unknown as AnyVerifier)({
        ...options.extra,
        ...options.tpm,
        quote: bytesOf(input, format),
        nonce: options.nonce,
        provider: options.provider,
      });
      return { format, claims: r, result: r };
    }
    case "dice-cbor": {
      const m = { verifyDiceCborChain };
      const diceOpts: Record<string, unknown> = {
        ...options.extra,
        chain: bytesOf(input, format),
        provider: options.provider,
      };
      if (options.rootKey !== undefined) diceOpts.rootKey = options.rootKey;
      const r = await (m.verifyDiceCborChain as unknown as AnyVerifier)(diceOpts);
      return { format, claims: (r as { layers?: unknown }).layers, result: r };
    }
    case "eat-jwt":
    case "dice-x509":
      throw new RotkitError(
        "ATTEST_UNKNOWN_FORMAT",
        `${format} evidence is verified by the server entry (@rotkit/attestation/server), not available in this build`,
      );
  }
  throw new RotkitError("ATTEST_UNKNOWN_FORMAT", `unknown evidence format ${String(format)}`);
}
