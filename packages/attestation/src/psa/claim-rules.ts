import { type CborMap, CborTag, type CborValue, RotkitError } from "@rotkit/core";
import { type PsaLifecycleState, psaLifecycleState } from "./profiles.js";

// Per-claim rules shared by the PSA token (RFC 9783 §4) and the Arm CCA platform token (Arm DEN0137 §A7.2), which
// reuses the PSA claims. Every failure names the claim: `at: "claims.<name>"`.

/** One entry of the Software Components claim (RFC 9783 §4.4.1). */
export interface PsaSoftwareComponent {
  /** 1: measurement type, e.g. "BL", "PRoT". */
  measurementType?: string;
  /** 2: the measurement (a hash: 32, 48 or 64 bytes). */
  measurementValue: Uint8Array;
  /** 4: version. */
  version?: string;
  /** 5: signer ID (hash of the signing authority's public key: 32, 48 or 64 bytes). */
  signerId: Uint8Array;
  /** 6: measurement description (the hash algorithm, e.g. "SHA256"). */
  measurementDesc?: string;
}

/** The security lifecycle claim: raw value and its state name. */
export interface PsaSecurityLifecycle {
  value: number;
  state: PsaLifecycleState;
}

/** ATTEST_CLAIM_INVALID naming `claims.<name>`. */
export function invalid(name: string, message: string, cause?: unknown): RotkitError {
  return new RotkitError(
    "ATTEST_CLAIM_INVALID",
    `${name}: ${message}`,
    cause === undefined ? { at: `claims.${name}` } : { at: `claims.${name}`, cause },
  );
}

/** ATTEST_CLAIM_MISSING naming `claims.<name>`. */
export function missing(name: string, message = "missing mandatory claim"): RotkitError {
  return new RotkitError("ATTEST_CLAIM_MISSING", `${name}: ${message}`, { at: `claims.${name}` });
}

/** The value under `key`, or undefined. Integer keys only (PSA and CCA use no text keys). */
export function claim(map: CborMap, key: number): CborValue | undefined {
  return map.get(key);
}

/** `v` as bytes (ATTEST_CLAIM_INVALID otherwise). */
export function bytesClaim(name: string, v: CborValue): Uint8Array {
  if (!(v instanceof Uint8Array)) throw invalid(name, `must be a byte string, got ${typeName(v)}`);
  return v;
}

/** `v` as text (ATTEST_CLAIM_INVALID otherwise). */
export function textClaim(name: string, v: CborValue): string {
  if (typeof v !== "string") throw invalid(name, `must be a text string, got ${typeName(v)}`);
  return v;
}

/** `v` as a non-empty text string. */
export function nonEmptyText(name: string, v: CborValue): string {
  const s = textClaim(name, v);
  if (s.length === 0) throw invalid(name, "empty string");
  return s;
}

/** A value a short name can describe in a message. */
export function typeName(v: CborValue): string {
  if (v instanceof Uint8Array) return "bytes";
  if (Array.isArray(v)) return "array";
  if (v instanceof Map) return "map";
  if (v instanceof CborTag) return `tag ${v.tag}`;
  if (v === null) return "null";
  return typeof v;
}

/** A hash-sized byte string: 32, 48 or 64 bytes (RFC 9783 `psa-hash-type`). */
export function hashBytes(name: string, v: CborValue): Uint8Array {
  const b = bytesClaim(name, v);
  if (b.length !== 32 && b.length !== 48 && b.length !== 64) {
    throw invalid(name, `length ${b.length} (hash MUST be 32, 48 or 64 bytes)`);
  }
  return b;
}

/** The nonce (RFC 9783 §4.1.1): one bstr of 32, 48 or 64 bytes; the EAT multi-nonce array is not PSA. */
export function nonceClaim(v: CborValue | undefined): Uint8Array {
  if (v === undefined) throw missing("nonce");
  if (Array.isArray(v)) throw invalid("nonce", "a multi-nonce array is not allowed in a PSA token");
  return hashBytes("nonce", v);
}

/** Instance ID (RFC 9783 §4.2.2): a 33-byte UEID of type RAND (first byte 0x01). */
export function instanceIdClaim(v: CborValue | undefined): Uint8Array {
  if (v === undefined) throw missing("instanceId");
  const b = bytesClaim("instanceId", v);
  if (b.length !== 33) throw invalid("instanceId", `invalid length ${b.length} (MUST be 33 bytes)`);
  if (b[0] !== 0x01) throw invalid("instanceId", "invalid EUID type (MUST be RAND=0x01)");
  return b;
}

/** Implementation ID (RFC 9783 §4.2.3): 32 bytes. */
export function implementationIdClaim(v: CborValue | undefined): Uint8Array {
  if (v === undefined) throw missing("implementationId");
  const b = bytesClaim("implementationId", v);
  if (b.length !== 32) throw invalid("implementationId", `invalid length ${b.length} (MUST be 32 bytes)`);
  return b;
}

/** Security Lifecycle (RFC 9783 §4.2.1): an integer in one of the defined ranges, decoded to its state name. */
export function lifecycleClaim(v: CborValue | undefined): PsaSecurityLifecycle {
  if (v === undefined) throw missing("securityLifecycle");
  if (typeof v !== "number" || !Number.isInteger(v)) throw invalid("securityLifecycle", "must be an unsigned integer");
  const state = psaLifecycleState(v);
  if (state === undefined) throw invalid("securityLifecycle", `value ${v} is invalid`);
  return { value: v, state };
}

/** Verification Service Indicator (RFC 9783 §4.5.1): optional, a non-empty text string. */
export function vsiClaim(v: CborValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  return nonEmptyText("verificationServiceIndicator", v);
}

/** Software Components (RFC 9783 §4.4.1): a non-empty array of component maps. */
export function softwareComponentsClaim(v: CborValue, name = "softwareComponents"): PsaSoftwareComponent[] {
  if (!Array.isArray(v)) throw invalid(name, `must be an array, got ${typeName(v)}`);
  if (v.length === 0) throw missing(name, "MUST have at least one sw component");
  return v.map((item, i) => softwareComponent(item, `${name}[${i}]`));
}

function softwareComponent(v: CborValue, where: string): PsaSoftwareComponent {
  if (!(v instanceof Map)) throw invalid(where, `must be a map, got ${typeName(v)}`);
  const value = v.get(2);
  if (value === undefined) throw missing(`${where}.measurementValue`, "missing mandatory field");
  const signer = v.get(5);
  if (signer === undefined) throw missing(`${where}.signerId`, "missing mandatory field");
  const out: PsaSoftwareComponent = {
    measurementValue: hashBytes(`${where}.measurementValue`, value),
    signerId: hashBytes(`${where}.signerId`, signer),
  };
  const type = v.get(1);
  if (type !== undefined) out.measurementType = textClaim(`${where}.measurementType`, type);
  const version = v.get(4);
  if (version !== undefined) out.version = textClaim(`${where}.version`, version);
  const desc = v.get(6);
  if (desc !== undefined) out.measurementDesc = textClaim(`${where}.measurementDesc`, desc);
  return out;
}

/** The claims map of a token payload (ATTEST_MALFORMED when it is not a map). */
export function claimsMap(v: CborValue, what: string): CborMap {
  if (!(v instanceof Map)) throw new RotkitError("ATTEST_MALFORMED", `${what}: the claims-set must be a CBOR map`);
  return v;
}
