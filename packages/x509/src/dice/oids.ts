// Object identifiers of the DICE certificate extensions and key purposes.
// TCG arc: tcg-dice = 2.23.133.5.4 (TCG DICE Attestation Architecture, §6 "Certificate extensions"; the key purposes
// are from TCG DICE Certificate Profiles, "tcg-dice-kp"). Open-DICE: google/open-dice docs/specification.md,
// "CDI Custom Extension Fields".

/** tcg-dice-TcbInfo (DiceTcbInfo); the legacy RIoT CompositeDeviceID extension reused the same OID. */
export const OID_TCG_DICE_TCB_INFO = "2.23.133.5.4.1";
/** tcg-dice-endorsement-manifest-uri. */
export const OID_TCG_DICE_ENDORSEMENT_MANIFEST_URI = "2.23.133.5.4.3";
/** tcg-dice-Ueid. */
export const OID_TCG_DICE_UEID = "2.23.133.5.4.4";
/** tcg-dice-MultiTcbInfo. */
export const OID_TCG_DICE_MULTI_TCB_INFO = "2.23.133.5.4.5";
/** tcg-dice-MultiTcbInfoComp. */
export const OID_TCG_DICE_MULTI_TCB_INFO_COMP = "2.23.133.5.4.8";
/** Open Profile for DICE X.509 extension (google.googleSecurity.certificateExtensions.diceAttestationData). */
export const OID_OPEN_DICE_INPUT = "1.3.6.1.4.1.11129.2.1.24";

/**
 * The tcg-dice-kp key purposes (EKU OIDs, 2.23.133.5.4.100.x) by name. .6–.12 are the ones the DICE certificate
 * profiles define; others under the arc (e.g. Caliptra's .9 use) are reported by OID only.
 */
/** The DICE extensions decodeDiceExtensions decodes (and verifyDiceChain's path validation treats as processed). */
export const DICE_EXTENSION_OIDS: readonly string[] = [
  OID_TCG_DICE_TCB_INFO,
  OID_TCG_DICE_MULTI_TCB_INFO,
  OID_TCG_DICE_MULTI_TCB_INFO_COMP,
  OID_TCG_DICE_UEID,
  OID_OPEN_DICE_INPUT,
];

export const TCG_DICE_KEY_PURPOSES: Readonly<Record<string, string>> = {
  "2.23.133.5.4.100.6": "identityInit",
  "2.23.133.5.4.100.7": "identityLoc",
  "2.23.133.5.4.100.8": "attestInit",
  "2.23.133.5.4.100.9": "attestLoc",
  "2.23.133.5.4.100.10": "assertInit",
  "2.23.133.5.4.100.11": "assertLoc",
  "2.23.133.5.4.100.12": "ECA",
};

/** OID of extKeyUsage (RFC 5280 §4.2.1.12). */
export const OID_EXT_KEY_USAGE = "2.5.29.37";

/** Hash algorithm OIDs that appear in FWIDs (NIST CSOR hashAlgs arc, RFC 5754/8702), by name. */
export const HASH_ALG_NAMES: Readonly<Record<string, string>> = {
  "1.3.14.3.2.26": "SHA-1",
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
  "2.16.840.1.101.3.4.2.4": "SHA-224",
  "2.16.840.1.101.3.4.2.6": "SHA-512/256",
  "2.16.840.1.101.3.4.2.8": "SHA3-256",
  "2.16.840.1.101.3.4.2.9": "SHA3-384",
  "2.16.840.1.101.3.4.2.10": "SHA3-512",
  "2.16.840.1.101.3.4.2.11": "SHAKE128",
  "2.16.840.1.101.3.4.2.12": "SHAKE256",
  "1.2.156.10197.1.401": "SM3",
};
