import { CborTag, type CborValue, type KeyHandle, RotkitError } from "@rotkit/core";
import type { CoseAlgInfo } from "./algorithms.js";
import { encodeCose } from "./cbor.js";
import { type CoseHeaders, decodeHeaders, HeaderLabel } from "./headers.js";
import { type CoseContent, type CoseVerifyOptions, externalAadOf, layerPayload, senderHeaders } from "./layer.js";
import { type CoseStructureOptions, CoseTag, coseStructure, decodeCoseMessage } from "./message.js";
import {
  checkSignatureInputs,
  handleAlgorithm,
  type KeyResolver,
  providerVerify,
  resolveKey,
  signatureAlgorithm,
  signWithHandle,
  type VerifyKey,
} from "./signature.js";
import { sigStructure1 } from "./structures.js";

// COSE_Sign1 (RFC 9052 §4.2): [protected: bstr, unprotected: map, payload: bstr / nil, signature: bstr], tag 18.

const NAME = "COSE_Sign1";

export interface VerifySign1Options extends CoseVerifyOptions {
  /** The signer's key, or a function of the headers (e.g. by kid). */
  key: VerifyKey | KeyResolver;
}

/** A verified COSE_Sign1. */
export interface VerifiedSign1 {
  payload: Uint8Array;
  headers: CoseHeaders;
  alg: CoseAlgInfo;
  /** kid (4) from either bucket, if present (unprotected kid is not covered by the signature). */
  kid?: Uint8Array;
}

/** A decoded, NOT verified COSE_Sign1. */
export interface UnverifiedSign1 {
  headers: CoseHeaders;
  /** null when detached. */
  payload: Uint8Array | null;
  signature: Uint8Array;
}

/**
 * Signs `payload` into a COSE_Sign1 (RFC 9052 §4.2, Sig_structure "Signature1" §4.4). The key's algorithm is
 * added to the protected bucket unless the caller set it (then it must match).
 *
 * @example
 * ```ts
 * const key = await generateSoftwareKey("ES256");
 * const msg = await signCoseSign1({ payload: utf8Encode("hello") }, key);
 * ```
 */
export async function signCoseSign1(content: CoseContent, key: KeyHandle): Promise<Uint8Array> {
  const info = handleAlgorithm(key, NAME);
  const h = senderHeaders(info, content.protected, content.unprotected, NAME);
  const payload = content.payload;
  if (!(payload instanceof Uint8Array)) throw new RotkitError("INVALID_ARGUMENT", `${NAME}: payload must be bytes`);
  const tbs = sigStructure1(h.protected.bytes, externalAadOf(content.externalAad, NAME), payload);
  const signature = await signWithHandle(key, tbs, NAME);
  const arr: CborValue[] = [h.protected.bytes, h.unprotected, content.detached ? null : payload, signature];
  return encodeCose(content.tagged === false ? arr : new CborTag(CoseTag.Sign1, arr));
}

/**
 * The messages the decode functions hand out: verifyDecodedCoseSign1 takes only these, not look-alikes built
 * elsewhere (a spread copy or a literal is no instance). A class, not a WeakSet of messages: registering every
 * message was a measurable part of a server's verification.
 */
class DecodedSign1 implements UnverifiedSign1 {
  constructor(
    public headers: CoseHeaders,
    public payload: Uint8Array | null,
    public signature: Uint8Array,
  ) {}
}

/** The refusal of a message the decode functions did not hand out. */
function notDecodedHere(): RotkitError {
  return new RotkitError(
    "INVALID_ARGUMENT",
    `${NAME}: pass a message decodeCoseSign1Unverified/decodeCoseSign1Value returned`,
  );
}

function parse(
  items: CborValue[],
  criticalHeaders: CoseVerifyOptions["criticalHeaders"],
  handedOut = false,
): UnverifiedSign1 {
  const [p, u, payload, signature] = items as [CborValue, CborValue, CborValue, CborValue];
  const headers = decodeHeaders(p, u, { where: NAME, criticalHeaders });
  if (payload !== null && !(payload instanceof Uint8Array)) {
    throw new RotkitError("COSE_MALFORMED", `${NAME}: payload must be a bstr or nil`);
  }
  if (!(signature instanceof Uint8Array)) throw new RotkitError("COSE_MALFORMED", `${NAME}: signature must be a bstr`);
  return handedOut ? new DecodedSign1(headers, payload, signature) : { headers, payload, signature };
}

/**
 * Verifies a COSE_Sign1 and returns its payload and headers, or throws a RotkitError: COSE_MALFORMED,
 * COSE_WRONG_TAG, COSE_BAD_HEADER / COSE_DUPLICATE_HEADER / COSE_CRIT_UNSUPPORTED, COSE_UNSUPPORTED_ALG,
 * COSE_ALG_MISMATCH, COSE_NO_KEY, COSE_DETACHED_PAYLOAD_REQUIRED, COSE_BAD_SIGNATURE.
 *
 * @example
 * ```ts
 * const { payload } = await verifyCoseSign1(msg, { key: key.publicKey, provider: nobleProvider() });
 * ```
 */
export function verifyCoseSign1(bytes: Uint8Array, options: VerifySign1Options): Promise<VerifiedSign1> {
  try {
    checkOptions(options);
    const decoded = parse(decodeCoseMessage(bytes, CoseTag.Sign1, 4, NAME, options), options.criticalHeaders);
    return verifyParsed(decoded, options);
  } catch (e) {
    // Not async (one promise layer less per verification), so a synchronous refusal becomes the rejection.
    return Promise.reject(e);
  }
}

/**
 * Verifies an already decoded COSE_Sign1 (tag 18 or an untagged array), e.g. the content of a CWT tag 61.
 *
 * @example
 * ```ts
 * const v = await verifyCoseSign1Value(decodeCbor(bytes), { key, provider });
 * ```
 */
export function verifyCoseSign1Value(value: CborValue, options: VerifySign1Options): Promise<VerifiedSign1> {
  try {
    checkOptions(options);
    return verifyParsed(parse(coseStructure(value, CoseTag.Sign1, 4, NAME, options), options.criticalHeaders), options);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Verifies a COSE_Sign1 that {@link decodeCoseSign1Unverified} or {@link decodeCoseSign1Value} returned, without
 * decoding it again: for trying several candidate keys on one message (the headers name the kid and algorithm
 * that pick them). Same checks and errors as {@link verifyCoseSign1}; `crit` was checked when the message was
 * decoded, against the `criticalHeaders` given then. The decoded message must be passed as it was returned
 * (INVALID_ARGUMENT for anything else).
 *
 * @example
 * ```ts
 * const msg = decodeCoseSign1Unverified(bytes);
 * const v = await verifyDecodedCoseSign1(msg, { key: keysByKid.get(toHex(kidOf(msg))), provider });
 * ```
 */
export function verifyDecodedCoseSign1(decoded: UnverifiedSign1, options: VerifySign1Options): Promise<VerifiedSign1> {
  if (!(decoded instanceof DecodedSign1)) return Promise.reject(notDecodedHere());
  if (!options || typeof options !== "object") {
    return Promise.reject(new RotkitError("INVALID_ARGUMENT", `${NAME}: options are required`));
  }
  return verifyParsed(decoded, options);
}

function checkOptions(options: VerifySign1Options): void {
  if (!options || typeof options !== "object")
    throw new RotkitError("INVALID_ARGUMENT", `${NAME}: options are required`);
}

/** What {@link prepareCoseSign1} takes: the options of a verification that do not depend on the key. */
export type PrepareSign1Options = Pick<
  CoseVerifyOptions,
  "detachedPayload" | "externalAad" | "allowedAlgs" | "requireProtectedAlg"
>;

/** What {@link prepareCoseSign1} returns: the checked algorithm and payload, and the bytes the signature covers. */
export interface PreparedSign1 {
  alg: CoseAlgInfo;
  payload: Uint8Array;
  /** The Sig_structure (RFC 9052 §4.4) to verify the signature over. */
  toBeSigned: Uint8Array;
  signature: Uint8Array;
  /** kid (4) from either bucket, if present (unprotected kid is not covered by the signature). */
  kid?: Uint8Array;
}

/**
 * The key-independent half of {@link verifyDecodedCoseSign1}, synchronous: the algorithm (against `allowedAlgs`),
 * the payload (attached or detached) and the Sig_structure. For a verifier that tries several keys on one message:
 * per key, `checkSignatureInputs` then `providerVerify` finish the job, awaiting nothing else. Nothing is verified
 * until then.
 *
 * @example
 * ```ts
 * const p = prepareCoseSign1(decodeCoseSign1Unverified(msg), { detachedPayload });
 * const pk = checkSignatureInputs(provider, p.alg, key, p.signature, "COSE_Sign1");
 * await providerVerify(provider, p.alg, pk, p.toBeSigned, p.signature, "COSE_Sign1");
 * ```
 */
export function prepareCoseSign1(decoded: UnverifiedSign1, options: PrepareSign1Options): PreparedSign1 {
  if (!(decoded instanceof DecodedSign1)) throw notDecodedHere();
  return prepare(decoded, options);
}

function prepare(decoded: UnverifiedSign1, options: PrepareSign1Options): PreparedSign1 {
  const { headers, payload: item, signature } = decoded;
  const alg = signatureAlgorithm(headers, NAME, options);
  const payload = layerPayload(item, options.detachedPayload, NAME);
  const toBeSigned = sigStructure1(headers.protected.bytes, externalAadOf(options.externalAad, NAME), payload);
  const kid = headers.protected.map.get(HeaderLabel.kid) ?? headers.unprotected.get(HeaderLabel.kid);
  return kid instanceof Uint8Array
    ? { alg, payload, toBeSigned, signature, kid }
    : { alg, payload, toBeSigned, signature };
}

async function verifyParsed(decoded: UnverifiedSign1, options: VerifySign1Options): Promise<VerifiedSign1> {
  const p = prepare(decoded, options);
  const headers = decoded.headers;
  // A plain key needs no resolver round trip (one promise less on every server-side verification).
  const key = typeof options.key === "function" ? await resolveKey(options.key, headers, NAME) : options.key;
  if (key === undefined || key === null) throw new RotkitError("COSE_NO_KEY", `${NAME}: no key for this signer`);
  const publicKey = checkSignatureInputs(options.provider, p.alg, key, p.signature, NAME);
  await providerVerify(options.provider, p.alg, publicKey, p.toBeSigned, p.signature, NAME);
  const out: VerifiedSign1 = { payload: p.payload, headers, alg: p.alg };
  if (p.kid) out.kid = p.kid;
  return out;
}

/**
 * Decodes a COSE_Sign1 WITHOUT verifying the signature: for inspection, logging, or choosing a key. Structure
 * and header rules are still enforced. Never trust what it returns.
 *
 * @example
 * ```ts
 * const { headers } = decodeCoseSign1Unverified(msg); // look at the kid, then verifyCoseSign1
 * ```
 */
export function decodeCoseSign1Unverified(
  bytes: Uint8Array,
  options: CoseStructureOptions & { criticalHeaders?: CoseVerifyOptions["criticalHeaders"] } = {},
): UnverifiedSign1 {
  return parse(decodeCoseMessage(bytes, CoseTag.Sign1, 4, NAME, options), options.criticalHeaders, true);
}

/**
 * Like {@link decodeCoseSign1Unverified}, for an already decoded COSE_Sign1 (tag 18 or an untagged array): NOT
 * verified. Pass the result to {@link verifyDecodedCoseSign1} to verify it without decoding it again.
 *
 * @example
 * ```ts
 * const msg = decodeCoseSign1Value(decodeCbor(bytes), { requireTag: true });
 * ```
 */
export function decodeCoseSign1Value(
  value: CborValue,
  options: CoseStructureOptions & { criticalHeaders?: CoseVerifyOptions["criticalHeaders"] } = {},
): UnverifiedSign1 {
  return parse(coseStructure(value, CoseTag.Sign1, 4, NAME, options), options.criticalHeaders, true);
}
