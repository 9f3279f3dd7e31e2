import { isRotkitError, toHex } from "@rotkit/core";
import {
  type CoseHeaders,
  coseAlgorithm,
  decodeCoseMac0Unverified,
  decodeCoseMacUnverified,
  decodeCoseSign1Unverified,
  decodeCoseSignUnverified,
  HeaderLabel,
} from "@rotkit/cose";
import {
  mcubootFlagNames,
  type SuitAuthenticationBlock,
  type SuitEnvelope,
  type SuitSignerResult,
  type UnverifiedMcubootImage,
  type VerifiedMcubootImage,
  type VerifiedSuitEnvelope,
} from "@rotkit/manifest";
import { digestJson, type Json, manifestJson, severableDigests } from "./manifest-json.js";

// What `inspect` and `verify` print about an envelope or image, as JSON (--json) and, rendered by render.ts, as
// text. `inspect` reports are marked `verified: false` with a warning: nothing in them is authenticated.

/** Said first by every inspect report: the content was decoded, not verified. */
export const NOT_VERIFIED_WARNING =
  "NOT VERIFIED: decoded without checking the digest or any signature; nothing here is authenticated. " +
  "Use `rotkit manifest verify` before acting on it.";

function algJson(id: number): Json {
  try {
    return { alg: coseAlgorithm(id).name, algId: id };
  } catch {
    return { alg: String(id), algId: id };
  }
}

function headerInfo(h: CoseHeaders): Record<string, Json> {
  const alg = h.protected.map.get(HeaderLabel.alg) ?? h.unprotected.get(HeaderLabel.alg);
  const kid = h.protected.map.get(HeaderLabel.kid) ?? h.unprotected.get(HeaderLabel.kid);
  const out: Record<string, Json> = typeof alg === "number" ? (algJson(alg) as Record<string, Json>) : {};
  if (typeof alg === "string") out.alg = alg;
  if (kid instanceof Uint8Array) out.kid = toHex(kid);
  return out;
}

/** An authentication block decoded WITHOUT verification: kind, algorithm(s), kid(s). */
function blockJson(b: SuitAuthenticationBlock, index: number): Json {
  const base: Record<string, Json> = { index, kind: b.kind };
  try {
    switch (b.kind) {
      case "COSE_Sign1":
        return { ...base, ...headerInfo(decodeCoseSign1Unverified(b.bytes).headers) };
      case "COSE_Mac0":
        return { ...base, ...headerInfo(decodeCoseMac0Unverified(b.bytes).headers) };
      case "COSE_Sign":
        return { ...base, signatures: decodeCoseSignUnverified(b.bytes).signatures.map((s) => headerInfo(s.headers)) };
      case "COSE_Mac": {
        const m = decodeCoseMacUnverified(b.bytes);
        return { ...base, ...headerInfo(m.headers), recipients: m.recipients.length };
      }
    }
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    return { ...base, error: `${e.code}: ${e.message}` };
  }
}

function signerJson(s: SuitSignerResult): Json {
  return {
    index: s.index,
    kind: s.kind,
    ...(algJson(s.alg) as Record<string, Json>),
    ...(s.kid ? { kid: toHex(s.kid) } : {}),
  };
}

function envelopeJson(e: SuitEnvelope | VerifiedSuitEnvelope, verified: boolean): Record<string, Json> {
  const manifest = manifestJson(e.manifest) as Record<string, Json>;
  const out: Record<string, Json> = { format: "suit", verified };
  if (!verified) out.warning = NOT_VERIFIED_WARNING;
  out.tagged = e.tagged;
  out.manifestDigest = digestJson(e.authentication.digest);
  out.authentication = e.authentication.blocks.map(blockJson);
  if ("signers" in e) out.signers = e.signers.map(signerJson);
  out.sequenceNumber = manifest.sequenceNumber as Json;
  const severed = severableDigests(e.manifest);
  if (Object.keys(severed).length > 0) out.severed = severed;
  if (e.integratedPayloads.size > 0) {
    out.integratedPayloads = Object.fromEntries([...e.integratedPayloads].map(([k, v]) => [k, { length: v.length }]));
  }
  if (e.integratedDependencies.size > 0) {
    out.integratedDependencies = Object.fromEntries(
      [...e.integratedDependencies].map(([k, d]) => [k, envelopeJson(d, verified)]),
    );
  }
  if (e.delegation) out.delegationChains = e.delegation.length;
  out.manifest = manifest;
  return out;
}

/**
 * The inspect report of an envelope decoded by decodeSuitEnvelopeUnverified.
 *
 * @example
 * ```ts
 * suitInspectJson(decodeSuitEnvelopeUnverified(bytes)); // { format: "suit", verified: false, warning, ... }
 * ```
 */
export function suitInspectJson(e: SuitEnvelope): Record<string, Json> {
  return envelopeJson(e, false);
}

/**
 * The verify report of an envelope verifySuitEnvelope returned.
 *
 * @example
 * ```ts
 * suitVerifiedJson(await verifySuitEnvelope(bytes, { keys, provider })); // { format: "suit", verified: true, ... }
 * ```
 */
export function suitVerifiedJson(e: VerifiedSuitEnvelope): Record<string, Json> {
  return envelopeJson(e, true);
}

function versionText(v: { major: number; minor: number; revision: number; build: number }): string {
  return `${v.major}.${v.minor}.${v.revision}+${v.build}`;
}

function tlvJson(t: { type: number; name: string; value: Uint8Array }): Json {
  return { type: `0x${t.type.toString(16).padStart(2, "0")}`, name: t.name, length: t.value.length };
}

/**
 * The inspect report of an MCUboot image (decodeMcubootImageUnverified).
 *
 * @example
 * ```ts
 * mcubootInspectJson(decodeMcubootImageUnverified(bytes));
 * ```
 */
export function mcubootInspectJson(img: UnverifiedMcubootImage): Record<string, Json> {
  return {
    format: "mcuboot",
    verified: false,
    warning: NOT_VERIFIED_WARNING,
    version: versionText(img.header.version),
    header: {
      loadAddr: img.header.loadAddr,
      hdrSize: img.header.hdrSize,
      imgSize: img.header.imgSize,
      protectTlvSize: img.header.protectTlvSize,
      flags: mcubootFlagNames(img.header.flags),
    },
    protectedTlvs: img.protectedTlvs.map(tlvJson),
    unprotectedTlvs: img.unprotectedTlvs.map(tlvJson),
    trailingLength: img.trailingLength,
  };
}

/**
 * The verify report of an MCUboot image (verifyMcubootImage).
 *
 * @example
 * ```ts
 * mcubootVerifiedJson(await verifyMcubootImage(bytes, { keys, provider }));
 * ```
 */
export function mcubootVerifiedJson(img: VerifiedMcubootImage): Record<string, Json> {
  const out: Record<string, Json> = {
    format: "mcuboot",
    verified: true,
    version: versionText(img.header.version),
    flags: img.flags,
    imgSize: img.header.imgSize,
    signatures: img.signatures.map((s) => ({ type: `0x${s.type.toString(16)}`, name: s.name, keyIndex: s.keyIndex })),
    pure: img.pure,
    dependencies: img.dependencies.map((d) => ({ imageId: d.imageId, minVersion: versionText(d.minVersion) })),
    protectedTlvs: img.protectedTlvs.map(tlvJson),
    trailingLength: img.trailingLength,
  };
  if (img.digest) out.digest = { alg: img.digest.alg, value: toHex(img.digest.value) };
  if (img.securityCounter !== undefined) out.securityCounter = img.securityCounter;
  return out;
}
