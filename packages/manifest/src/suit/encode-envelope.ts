import { CborTag, type CborValue, encodeCbor, RawCbor } from "@rotkit/core";
import { digestToCbor } from "./digest.js";
import { encodeSuitManifest, severableContent } from "./encode-manifest.js";
import { SUIT_ENVELOPE_TAG, SuitEnvelopeKey } from "./labels.js";
import { SEVERABLE } from "./manifest.js";
import type { SuitAuthentication, SuitEnvelope, SuitSeverable } from "./types.js";

// SUIT_Envelope (draft-ietf-suit-manifest §8.2) → bytes. Members are bstr-wrapped; the map is canonical (§8.1).

/** Options of {@link encodeSuitEnvelope}. */
export interface EncodeSuitEnvelopeOptions {
  /**
   * Re-emit the members exactly as they were received (`envelope.members`, present on a decoded envelope).
   * Default true. With false, every member is encoded from the typed model. Do not modify a decoded envelope's
   * typed content and keep `reuseMembers`: the received bytes would win.
   */
  reuseMembers?: boolean;
}

/**
 * SUIT_Authentication (§8.3) → the content of the envelope's key-2 bstr.
 *
 * @example
 * ```ts
 * const wrapper = encodeSuitAuthentication({ digest: { algorithm: -16, bytes: sha256 }, blocks: [] });
 * ```
 */
export function encodeSuitAuthentication(a: SuitAuthentication): Uint8Array {
  return encodeCbor([encodeCbor(digestToCbor(a.digest)), ...a.blocks.map((b) => b.bytes)]);
}

/** The typed envelope's members as `key → bstr content`, in no particular order (the encoder sorts). */
function typedMembers(env: SuitEnvelope, options: EncodeSuitEnvelopeOptions): Map<CborValue, CborValue> {
  const m = new Map<CborValue, CborValue>();
  if (env.delegation) m.set(SuitEnvelopeKey.delegation, encodeCbor(env.delegation.map((chain) => [...chain])));
  m.set(SuitEnvelopeKey.authenticationWrapper, encodeSuitAuthentication(env.authentication));
  m.set(SuitEnvelopeKey.manifest, encodeSuitManifest(env.manifest));
  for (const [name, key] of SEVERABLE) {
    const s = env.manifest[name] as SuitSeverable<unknown> | undefined;
    // A severed member travels in the envelope when its value is known (§8.5).
    if (s?.digest && s.value !== undefined) m.set(key, severableContent(name, s.value));
  }
  for (const [k, v] of env.integratedPayloads) m.set(k, v);
  for (const [k, dep] of env.integratedDependencies) m.set(k, encodeSuitEnvelope(dep, options));
  return m;
}

/**
 * Encodes a SUIT envelope. A decoded envelope re-encodes to the bytes it was decoded from (its members are
 * reused byte for byte, and the typed model itself also encodes to the same canonical bytes); a built one is
 * encoded from the typed model in deterministic CBOR.
 *
 * @example
 * ```ts
 * const again = encodeSuitEnvelope(decodeSuitEnvelopeUnverified(bytes)); // equal to bytes
 * ```
 */
export function encodeSuitEnvelope(env: SuitEnvelope, options: EncodeSuitEnvelopeOptions = {}): Uint8Array {
  let m: Map<CborValue, CborValue>;
  if (options.reuseMembers !== false && env.members) {
    m = new Map();
    for (const member of env.members) m.set(member.key, new RawCbor(member.wrapped) as unknown as CborValue);
  } else m = typedMembers(env, options);
  return encodeCbor(env.tagged ? new CborTag(SUIT_ENVELOPE_TAG, m) : m);
}
