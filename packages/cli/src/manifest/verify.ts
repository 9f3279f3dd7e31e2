import { type CryptoProvider, isRotkitError, RotkitError, webCryptoProvider } from "@rotkit/core";
import type { AlgPolicy } from "@rotkit/cose";
import {
  MCUBOOT_IMAGE_MAGIC,
  MCUBOOT_IMAGE_MAGIC_V1,
  type SuitVerificationKey,
  verifyMcubootImage,
  verifySuitEnvelope,
} from "@rotkit/manifest";
import { mcubootKeys } from "./keys.js";
import type { Json } from "./manifest-json.js";
import { mcubootVerifiedJson, suitVerifiedJson } from "./report.js";

// The decision `rotkit manifest verify` makes, as a function of bytes and keys (the command only reads files and
// prints): authentic and well-formed, or refused with the RotkitError's code. Tests run every mutant through it.

/** What `verify` (and `inspect`) read: a SUIT envelope or an MCUboot image. */
export type ManifestFormat = "suit" | "mcuboot";

/**
 * The format of `bytes`: `forced` when given ("suit" / "mcuboot"), else MCUboot when the image header magic
 * (`0x96f3b83d`, little endian; the legacy v1 magic too, so it is refused as unsupported) opens the file, SUIT
 * otherwise.
 *
 * @example
 * ```ts
 * detectFormat(bytes, undefined); // "suit"
 * ```
 */
export function detectFormat(bytes: Uint8Array, forced: string | undefined): ManifestFormat {
  if (forced === "suit" || forced === "mcuboot") return forced;
  if (forced !== undefined && forced !== "auto") {
    throw new RotkitError("INVALID_ARGUMENT", `--format ${forced}: one of suit, mcuboot, auto`);
  }
  if (bytes.length >= 4) {
    const magic =
      ((bytes[0] as number) | ((bytes[1] as number) << 8) | ((bytes[2] as number) << 16)) +
      (bytes[3] as number) * 0x1000000;
    if (magic === MCUBOOT_IMAGE_MAGIC || magic === MCUBOOT_IMAGE_MAGIC_V1) return "mcuboot";
  }
  return "suit";
}

/** Options of {@link verifyManifest}. */
export interface ManifestVerifyOptions {
  keys: readonly SuitVerificationKey[];
  /** SUIT integrated dependencies signed by another authority (default: `keys`). */
  dependencyKeys?: readonly SuitVerificationKey[];
  /** "suit", "mcuboot" or "auto" (default). */
  format?: string;
  /** SUIT: "any" (default) or "all" authentication blocks must verify. */
  policy?: "any" | "all";
  /** SUIT: only these COSE algorithms are acceptable. */
  allowedAlgs?: AlgPolicy;
  /** Default webCryptoProvider(). */
  provider?: CryptoProvider;
}

/** The outcome: verified with a report, or refused with the RotkitError's code and message. */
export type ManifestVerifyResult =
  | { verified: true; format: ManifestFormat; report: Record<string, Json> }
  | { verified: false; format: ManifestFormat; code: string; message: string; at?: string | number };

/**
 * Verifies a SUIT envelope (verifySuitEnvelope: structure, digest, every authentication block policy, severable
 * members, integrated payloads and dependencies) or an MCUboot image (verifyMcubootImage). Resolves
 * `{ verified: true }` only for an authentic, well-formed input; any RotkitError becomes `{ verified: false, code }`.
 * Throws (INVALID_ARGUMENT) only for options that cannot work: no keys, a MAC key for an MCUboot image.
 *
 * @example
 * ```ts
 * const r = await verifyManifest(bytes, { keys: verificationKeys(["author.pem"], []) });
 * if (!r.verified) console.error(r.code); // e.g. SUIT_AUTH_FAILED
 * ```
 */
export async function verifyManifest(bytes: Uint8Array, options: ManifestVerifyOptions): Promise<ManifestVerifyResult> {
  if (options.keys.length === 0)
    throw new RotkitError("INVALID_ARGUMENT", "at least one --key or --secret is required");
  const format = detectFormat(bytes, options.format);
  const provider = options.provider ?? webCryptoProvider();
  const imageKeys = format === "mcuboot" ? mcubootKeys(options.keys) : [];
  try {
    if (format === "mcuboot") {
      return {
        verified: true,
        format,
        report: mcubootVerifiedJson(await verifyMcubootImage(bytes, { keys: imageKeys, provider })),
      };
    }
    const env = await verifySuitEnvelope(bytes, {
      keys: options.keys,
      provider,
      ...(options.dependencyKeys?.length ? { dependencyKeys: options.dependencyKeys } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.allowedAlgs ? { allowedAlgs: options.allowedAlgs } : {}),
    });
    return { verified: true, format, report: suitVerifiedJson(env) };
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    return { verified: false, format, code: e.code, message: e.message, ...(e.at !== undefined ? { at: e.at } : {}) };
  }
}
