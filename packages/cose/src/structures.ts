import { pooledBytes, RotkitError } from "@rotkit/core";
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

const EMPTY = new Uint8Array(0);

function bytesArg(v: Uint8Array | undefined, what: string): Uint8Array {
  if (v === undefined) return EMPTY;
  if (!(v instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${what} must be a Uint8Array`);
  return v;
}

function headLength(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
}

// Preferred-length head (RFC 8949 §4.2.1) for a length that fits a JS number.
function writeHead(out: Uint8Array, o: number, major: number, n: number): number {
  const m = major << 5;
  if (n < 24) {
    out[o] = m | n;
    return o + 1;
  }
  if (n < 0x100) {
    out[o] = m | 24;
    out[o + 1] = n;
    return o + 2;
  }
  if (n < 0x10000) {
    out[o] = m | 25;
    out[o + 1] = n >>> 8;
    out[o + 2] = n & 0xff;
    return o + 3;
  }
  if (n < 0x100000000) {
    out[o] = m | 26;
    out[o + 1] = n >>> 24;
    out[o + 2] = (n >>> 16) & 0xff;
    out[o + 3] = (n >>> 8) & 0xff;
    out[o + 4] = n & 0xff;
    return o + 5;
  }
  out[o] = m | 27;
  const hi = Math.floor(n / 0x100000000);
  const lo = n >>> 0;
  for (let i = 0; i < 4; i++) out[o + 1 + i] = (hi >>> (24 - 8 * i)) & 0xff;
  for (let i = 0; i < 4; i++) out[o + 5 + i] = (lo >>> (24 - 8 * i)) & 0xff;
  return o + 9;
}

/**
 * `[context, *bstr]` encoded straight into one buffer: the shape of every Sig_structure and MAC_structure. This is
 * on every verify's hot path, so it skips the general encoder; the bytes are the same deterministic encoding
 * (RFC 9052 §9). `context` is one of the ASCII context strings above.
 */
function byteStructure(context: string, parts: Uint8Array[]): Uint8Array {
  let size = headLength(parts.length + 1) + headLength(context.length) + context.length;
  for (const p of parts) size += headLength(p.length) + p.length;
  // Pooled: a fresh ArrayBuffer per structure was the largest JS cost of a server-side verify.
  const out = pooledBytes(size);
  let o = writeHead(out, 0, 4, parts.length + 1);
  o = writeHead(out, o, 3, context.length);
  for (let i = 0; i < context.length; i++) out[o++] = context.charCodeAt(i);
  for (const p of parts) {
    o = writeHead(out, o, 2, p.length);
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Sig_structure for COSE_Sign1 (RFC 9052 §4.4): `["Signature1", body_protected, external_aad, payload]`.
 * A small result may share its ArrayBuffer with other to-be-signed structures: use the view, or `.slice()` it.
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
  return byteStructure("Signature1", [
    bytesArg(bodyProtected, "body_protected"),
    bytesArg(externalAad, "external_aad"),
    bytesArg(payload, "payload"),
  ]);
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
  return byteStructure("Signature", [
    bytesArg(bodyProtected, "body_protected"),
    bytesArg(signProtected, "sign_protected"),
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
  const parts = [
    bytesArg(bodyProtected, "body_protected"),
    bytesArg(signProtected, "sign_protected"),
    bytesArg(externalAad, "external_aad"),
    bytesArg(payload, "payload"),
  ];
  if (otherFields && otherFields.length > 0) return encodeCose([context, ...parts, otherFields]);
  return byteStructure(context, parts);
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
  return byteStructure(context, [
    bytesArg(bodyProtected, "body_protected"),
    bytesArg(externalAad, "external_aad"),
    bytesArg(payload, "payload"),
  ]);
}
