import { RotkitError } from "@rotkit/core";
import { encodeCose } from "./cbor.js";

// The to-be-signed / to-be-MACed structures. Each is a CBOR array of a context string and bstrs, encoded
// deterministically (RFC 9052 §9: "the encoding MUST be ... deterministic"), so every party computes the same bytes.

/** Sig_structure contexts (RFC 9052 §4.4) and the countersignature contexts (RFC 8152 §4.5, RFC 9338 §3.3). */
export type SigContext =
  | "Signature"
  | "Signature1"
  | "CounterSignature"
  | "CounterSignature0"
  | "CounterSignatureV2"
  | "CounterSignature0V2";

function bytesArg(v: Uint8Array | undefined, what: string): Uint8Array {
  if (v === undefined) return new Uint8Array(0);
  if (!(v instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${what} must be a Uint8Array`);
  return v;
}

/**
 * Sig_structure for COSE_Sign1 (RFC 9052 §4.4): `["Signature1", body_protected, external_aad, payload]`.
 *
 * @example
 * ```ts
 * toHex(sigStructure1(fromHex("a10126"), new Uint8Array(0), payload)); // "846a5369676e617475726531 43a10126 40 ..."
 * ```
 */
export function sigStructure1(
  bodyProtected: Uint8Array,
  externalAad: Uint8Array | undefined,
  payload: Uint8Array,
): Uint8Array {
  return encodeCose(["Signature1", bodyProtected, bytesArg(externalAad, "external_aad"), bytesArg(payload, "payload")]);
}

/**
 * Sig_structure for one COSE_Signature of a COSE_Sign (RFC 9052 §4.4):
 * `["Signature", body_protected, sign_protected, external_aad, payload]`.
 *
 * @example
 * ```ts
 * const tbs = sigStructure(bodyProtectedBytes, signerProtectedBytes, new Uint8Array(0), payload);
 * ```
 */
export function sigStructure(
  bodyProtected: Uint8Array,
  signProtected: Uint8Array,
  externalAad: Uint8Array | undefined,
  payload: Uint8Array,
): Uint8Array {
  return encodeCose([
    "Signature",
    bodyProtected,
    signProtected,
    bytesArg(externalAad, "external_aad"),
    bytesArg(payload, "payload"),
  ]);
}

/**
 * Countersign_structure: RFC 8152 §4.5 form `[context, body_protected, sign_protected, external_aad, payload]`
 * ("CounterSignature", or "CounterSignature0" with an empty sign_protected), and RFC 9338 §3.3 V2 form with a
 * trailing `other_fields` array (the signature / tag of the countersigned layer).
 *
 * @example
 * ```ts
 * const tbs = countersignStructure("CounterSignature", bodyProtected, signProtected, new Uint8Array(0), payload);
 * ```
 */
export function countersignStructure(
  context: "CounterSignature" | "CounterSignature0" | "CounterSignatureV2" | "CounterSignature0V2",
  bodyProtected: Uint8Array,
  signProtected: Uint8Array,
  externalAad: Uint8Array | undefined,
  payload: Uint8Array,
  otherFields?: Uint8Array[],
): Uint8Array {
  const items = [
    context,
    bodyProtected,
    signProtected,
    bytesArg(externalAad, "external_aad"),
    bytesArg(payload, "payload"),
  ];
  if (otherFields && otherFields.length > 0) return encodeCose([...items, otherFields]);
  return encodeCose(items);
}

/**
 * MAC_structure (RFC 9052 §6.3): `[context ("MAC" / "MAC0"), protected, external_aad, payload]`.
 *
 * @example
 * ```ts
 * const toMac = macStructure("MAC0", fromHex("a10105"), new Uint8Array(0), payload);
 * ```
 */
export function macStructure(
  context: "MAC" | "MAC0",
  bodyProtected: Uint8Array,
  externalAad: Uint8Array | undefined,
  payload: Uint8Array,
): Uint8Array {
  return encodeCose([context, bodyProtected, bytesArg(externalAad, "external_aad"), bytesArg(payload, "payload")]);
}
