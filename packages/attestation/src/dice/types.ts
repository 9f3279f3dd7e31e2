import type { PublicKey } from "@rotkit/core";

// The one per-layer result shape of DICE evidence, whatever the certificate format (Open-DICE CBOR CDI certificates
// or X.509 DICE certificates), so a verifier reads measurements the same way for both.

/** Open-DICE mode names by value (Open Profile for DICE, "Mode Value Details"). */
export const DICE_MODE_NAMES = ["notConfigured", "normal", "debug", "recovery"] as const;
/** An Open-DICE mode name. */
export type DiceModeName = (typeof DICE_MODE_NAMES)[number];

/** What one DICE layer's certificate reports, root first (position 0 = the UDS / root-most layer). */
export interface DiceLayer {
  /** 0 = root-most. */
  position: number;
  /** The certificate format the layer came from. */
  format: "cbor" | "x509";
  /** Issuer: the hex ID (CBOR `iss`) or the issuer DN as a string (X.509). */
  issuer: string;
  /** Subject: the hex ID (CBOR `sub`) or the subject DN as a string (X.509). */
  subject: string;
  codeHash?: Uint8Array;
  codeDescriptor?: Uint8Array;
  configurationHash?: Uint8Array;
  configurationDescriptor?: Uint8Array;
  authorityHash?: Uint8Array;
  authorityDescriptor?: Uint8Array;
  /** The mode value as encoded (0..3 for a well-formed certificate). */
  mode?: number;
  /** The mode's name ("Mode Value Details"; a value outside 0..3 is treated as notConfigured). */
  modeName?: DiceModeName;
  profileName?: string;
  /** The layer's (subject's) public key: the key that signs the next layer. */
  publicKey: PublicKey;
}

/**
 * The mode name of an Open-DICE mode value; values outside 0..3 are named "notConfigured" because the spec says
 * invalid modes "should be treated like" Not Configured.
 *
 * @example
 * ```ts
 * diceModeName(1); // "normal"
 * ```
 */
export function diceModeName(mode: number): DiceModeName {
  return DICE_MODE_NAMES[mode] ?? "notConfigured";
}

/** The Open-DICE input fields a layer carries, whichever certificate format they were read from. */
export type OpenDiceInputFields = Pick<
  DiceLayer,
  | "codeHash"
  | "codeDescriptor"
  | "configurationHash"
  | "configurationDescriptor"
  | "authorityHash"
  | "authorityDescriptor"
  | "mode"
  | "modeName"
  | "profileName"
>;

const INPUT_FIELDS = [
  "codeHash",
  "codeDescriptor",
  "configurationHash",
  "configurationDescriptor",
  "authorityHash",
  "authorityDescriptor",
] as const;

/**
 * Copies the Open-DICE inputs present in `src` (a CBOR CDI certificate or an X.509 OpenDiceInput extension) onto
 * `layer`, leaving absent ones absent, so both chain formats give one layer shape.
 *
 * @example
 * ```ts
 * assignOpenDiceInputs(layer, decodedCert);
 * ```
 */
export function assignOpenDiceInputs(layer: DiceLayer, src: OpenDiceInputFields): void {
  for (const k of INPUT_FIELDS) {
    const v = src[k];
    if (v) layer[k] = v;
  }
  if (src.mode !== undefined) layer.mode = src.mode;
  if (src.modeName !== undefined) layer.modeName = src.modeName;
  if (src.profileName !== undefined) layer.profileName = src.profileName;
}
