import { CborTag, type CborValue, RotkitError } from "@rotkit/core";
import { decodeCose } from "./cbor.js";

/** CBOR tags of the COSE messages (RFC 9052 §2, Table 1) and of a CWT (RFC 8392 §6). */
export const CoseTag = {
  Sign: 98,
  Sign1: 18,
  Encrypt: 96,
  Encrypt0: 16,
  Mac: 97,
  Mac0: 17,
  CWT: 61,
} as const;

export interface CoseStructureOptions {
  /**
   * RFC 9052 §2: a COSE message may be tagged or untagged (the application knows the type). By default both are
   * accepted; a *wrong* tag is always refused. With `requireTag: true` an untagged message is refused too.
   */
  requireTag?: boolean;
}

/**
 * Checks the outer shape of a decoded COSE message: the expected tag (or none), then an array of `length`.
 * Wrong or missing (when required) tag → COSE_WRONG_TAG; anything else → COSE_MALFORMED.
 *
 * @example
 * ```ts
 * const [p, u, payload, signature] = coseStructure(decodeCbor(bytes), CoseTag.Sign1, 4, "COSE_Sign1");
 * ```
 */
export function coseStructure(
  value: CborValue,
  tag: number,
  length: number,
  name: string,
  options: CoseStructureOptions = {},
): CborValue[] {
  let inner = value;
  if (value instanceof CborTag) {
    if (value.tag !== tag) {
      throw new RotkitError("COSE_WRONG_TAG", `${name}: expected tag ${tag}, got tag ${value.tag}`);
    }
    inner = value.value;
  } else if (options.requireTag) {
    throw new RotkitError("COSE_WRONG_TAG", `${name}: the message must carry tag ${tag}`);
  }
  if (!Array.isArray(inner)) throw new RotkitError("COSE_MALFORMED", `${name}: must be an array`);
  if (inner.length !== length) {
    throw new RotkitError("COSE_MALFORMED", `${name}: must be an array of ${length} items, got ${inner.length}`);
  }
  return inner;
}

/**
 * Decodes the bytes of a COSE message (strict CBOR: duplicate keys refused, no trailing bytes) and checks its
 * outer shape with {@link coseStructure}.
 *
 * @example
 * ```ts
 * const items = decodeCoseMessage(bytes, CoseTag.Mac0, 4, "COSE_Mac0", { requireTag: true });
 * ```
 */
export function decodeCoseMessage(
  bytes: Uint8Array,
  tag: number,
  length: number,
  name: string,
  options: CoseStructureOptions = {},
): CborValue[] {
  if (!(bytes instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${name}: input must be a Uint8Array`);
  return coseStructure(decodeCose(bytes, name), tag, length, name, options);
}
