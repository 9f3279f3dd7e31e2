// The mandatory-to-implement algorithm profiles of draft-ietf-suit-mti: each is a descriptor array
// `[digest, authentication, key-exchange, content-encryption]` of COSE algorithm ids.

/** One SUIT MTI profile. */
export interface SuitMtiProfile {
  name: string;
  digest: number;
  authentication: number;
  keyExchange: number;
  encryption: number;
}

/** The six profiles of draft-ietf-suit-mti (all MANDATORY for authors in the IANA registry). */
export const SUIT_MTI_PROFILES: readonly SuitMtiProfile[] = [
  { name: "suit-sha256-hmac-a128kw-a128ctr", digest: -16, authentication: 5, keyExchange: -3, encryption: -65534 },
  { name: "suit-sha256-esp256-ecdh-a128ctr", digest: -16, authentication: -9, keyExchange: -29, encryption: -65534 },
  {
    name: "suit-sha256-ed25519-ecdh-a128ctr",
    digest: -16,
    authentication: -19,
    keyExchange: -29,
    encryption: -65534,
  },
  { name: "suit-sha256-esp256-ecdh-a128gcm", digest: -16, authentication: -9, keyExchange: -29, encryption: 1 },
  { name: "suit-sha256-ed25519-ecdh-chacha-poly", digest: -16, authentication: -19, keyExchange: -29, encryption: 24 },
  // Recommended for recipients that need hash-based signatures.
  { name: "suit-sha256-hsslms-a256kw-a256ctr", digest: -16, authentication: -46, keyExchange: -5, encryption: -65532 },
];

/**
 * The profile with this name, or undefined. Its `authentication` id can restrict verification:
 * `verifySuitEnvelope(bytes, { ..., allowedAlgs: [profile.authentication] })`.
 *
 * @example
 * ```ts
 * suitMtiProfile("suit-sha256-esp256-ecdh-a128gcm")?.authentication; // -9
 * ```
 */
export function suitMtiProfile(name: string): SuitMtiProfile | undefined {
  return SUIT_MTI_PROFILES.find((p) => p.name === name);
}

/**
 * The descriptor array of a profile, as the draft writes it.
 *
 * @example
 * ```ts
 * suitMtiDescriptor(SUIT_MTI_PROFILES[0]!); // [-16, 5, -3, -65534]
 * ```
 */
export function suitMtiDescriptor(p: SuitMtiProfile): [number, number, number, number] {
  return [p.digest, p.authentication, p.keyExchange, p.encryption];
}
