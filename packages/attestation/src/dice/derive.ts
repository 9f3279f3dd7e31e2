import { type CryptoProvider, RotkitError, utf8Encode } from "@rotkit/core";
import { DICE_MODE_NAMES, type DiceModeName } from "./types.js";

// Open Profile for DICE, "Computing CDI Values" (device side):
//   CDI_Attest = KDF(32, UDS_or_CDI_Attest, H(code + config + authority + mode + hidden), "CDI_Attest")
//   CDI_Seal   = KDF(32, UDS_or_CDI_Seal,   H(authority + mode + hidden),                 "CDI_Seal")
// with H = SHA-512 and KDF = HKDF-SHA512 ("Cryptography"). Input values ("Input Values"): code, configuration and
// authority are 64 bytes, mode 1 byte, hidden 64 bytes (all zero when unused). When the configuration is given as a
// descriptor, the configuration input value is H(descriptor) ("Configuration Input Value Details").

/** The inputs of one DICE layer transition. */
export interface OpenDiceInputs {
  /** The current Attestation CDI (or the UDS at the first transition), 32 bytes. */
  currentCdiAttest: Uint8Array;
  /** The current Sealing CDI (or the UDS), 32 bytes. */
  currentCdiSeal: Uint8Array;
  /** Code input value (64 bytes). */
  codeHash: Uint8Array;
  /** Configuration: the 64-byte inline value, or a descriptor (hashed with SHA-512 to make the input value). */
  configuration: { inline: Uint8Array } | { descriptor: Uint8Array };
  /** Authority input value (64 bytes; all zero when code authorization is not used). */
  authorityHash: Uint8Array;
  /** Mode decision: 0..3 or its name. */
  mode: number | DiceModeName;
  /** Hidden input (64 bytes); default all zero. */
  hidden?: Uint8Array;
}

/** The next layer's CDIs. */
export interface OpenDiceCdis {
  cdiAttest: Uint8Array;
  cdiSeal: Uint8Array;
}

function need(v: Uint8Array, length: number, name: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length !== length) {
    throw new RotkitError("INVALID_ARGUMENT", `deriveOpenDiceCdis: ${name} must be ${length} bytes`);
  }
  return v;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Computes the next layer's Attestation and Sealing CDIs from the current ones and the layer inputs (Open-DICE
 * "Computing CDI Values"). Device-side and portable: all hashing and HKDF go through `provider`.
 *
 * @example
 * ```ts
 * const { cdiAttest, cdiSeal } = await deriveOpenDiceCdis(
 *   { currentCdiAttest: uds, currentCdiSeal: uds, codeHash, configuration: { inline: config }, authorityHash, mode: "normal" },
 *   nobleProvider(),
 * );
 * ```
 */
export async function deriveOpenDiceCdis(inputs: OpenDiceInputs, provider: CryptoProvider): Promise<OpenDiceCdis> {
  if (!inputs || typeof inputs !== "object") {
    throw new RotkitError("INVALID_ARGUMENT", "deriveOpenDiceCdis: inputs are required");
  }
  const attest = need(inputs.currentCdiAttest, 32, "currentCdiAttest");
  const seal = need(inputs.currentCdiSeal, 32, "currentCdiSeal");
  const code = need(inputs.codeHash, 64, "codeHash");
  const authority = need(inputs.authorityHash, 64, "authorityHash");
  const hidden = inputs.hidden === undefined ? new Uint8Array(64) : need(inputs.hidden, 64, "hidden");
  const modeValue = typeof inputs.mode === "string" ? DICE_MODE_NAMES.indexOf(inputs.mode) : inputs.mode;
  if (!Number.isInteger(modeValue) || modeValue < 0 || modeValue > 3) {
    throw new RotkitError("INVALID_ARGUMENT", "deriveOpenDiceCdis: mode must be 0..3 or a mode name");
  }
  const cfg = inputs.configuration;
  let config: Uint8Array;
  if (cfg && "inline" in cfg) config = need(cfg.inline, 64, "configuration.inline");
  else if (cfg && "descriptor" in cfg && cfg.descriptor instanceof Uint8Array) {
    config = await provider.digest("SHA-512", cfg.descriptor);
  } else {
    throw new RotkitError("INVALID_ARGUMENT", "deriveOpenDiceCdis: configuration must be { inline } or { descriptor }");
  }
  const mode = Uint8Array.of(modeValue);
  const attestSalt = await provider.digest("SHA-512", concat([code, config, authority, mode, hidden]));
  const sealSalt = await provider.digest("SHA-512", concat([authority, mode, hidden]));
  return {
    cdiAttest: await provider.hkdf("SHA-512", attest, attestSalt, utf8Encode("CDI_Attest"), 32),
    cdiSeal: await provider.hkdf("SHA-512", seal, sealSalt, utf8Encode("CDI_Seal"), 32),
  };
}
