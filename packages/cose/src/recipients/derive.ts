import { bytesEqual, type CborValue, isBytes, isRotkitError, type KeyAgreementHandle, RotkitError } from "@rotkit/core";
import { type CoseAlgInfo, coseAlgorithm } from "../algorithms.js";
import { isRsaPrivateKey, rsaOaepDecrypt } from "../ciphers-rsa.js";
import { HeaderLabel, headerParam } from "../headers.js";
import { type CoseKdfPrf, coseHkdf, encodeKdfContext } from "../kdf.js";
import { recipientKdfInput, wrapAlgId } from "./context.js";
import { agree, isKeyAgreementHandle, peerPublicKey } from "./ecdh.js";
import { type ParsedRecipient, parseRecipient, type RecipientAlg, recipientAlgorithm } from "./parse.js";
import type { DeriveContext, RecipientKey, SenderKey } from "./types.js";

// Recovering the content (or MAC) key from COSE_recipient structures, RFC 9052 §5.1 / RFC 9053 §6 / RFC 8230 §3.
// Direct and key-agreement-direct modes have no integrity of their own: a wrong key only shows when the content
// AEAD or the MAC fails. So candidates are produced lazily and the caller's `use` decides; the first key it
// accepts wins. Fail closed: no candidate accepted means an error, never a guess.

interface State {
  attempts: number;
  readonly maxAttempts: number;
  readonly maxDepth: number;
  readonly errors: RotkitError[];
  readonly ctx: DeriveContext;
}

function toRotkit(e: unknown, where: string): RotkitError {
  if (isRotkitError(e)) return e;
  return new RotkitError("COSE_BAD_KEY", `${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

function countAttempt(state: State, where: string): void {
  state.attempts++;
  if (state.attempts > state.maxAttempts) {
    throw new RotkitError("COSE_NO_RECIPIENT", `${where}: more than ${state.maxAttempts} recipient key attempts`);
  }
}

function saltOf(r: ParsedRecipient): Uint8Array {
  const s = headerParam(r.headers, HeaderLabel.salt);
  return isBytes(s) ? s : new Uint8Array(0);
}

function keyLengthOf(parent: CoseAlgInfo, where: string): number {
  if (!parent.keyLength)
    throw new RotkitError("COSE_UNSUPPORTED_ALG", `${where}: ${parent.name} takes no key from recipients`);
  return parent.keyLength;
}

function compatible(info: RecipientAlg, k: RecipientKey): boolean {
  if (k.alg !== undefined && k.alg !== info.id) return false;
  switch (info.kind) {
    case "direct":
    case "direct-hkdf":
    case "key-wrap":
      return isBytes(k.key);
    case "ecdh-direct":
    case "ecdh-key-wrap":
      return isKeyAgreementHandle(k.key);
    case "rsa-oaep":
      return isRsaPrivateKey(k.key);
    default:
      return false;
  }
}

async function unwrap(
  state: State,
  kek: Uint8Array,
  r: ParsedRecipient,
  info: RecipientAlg,
  want: number,
): Promise<Uint8Array> {
  if (!r.ciphertext)
    throw new RotkitError("COSE_MALFORMED", `${r.where}: ${info.name} needs the wrapped key as ciphertext`);
  let cek: Uint8Array;
  try {
    cek = await state.ctx.provider.aesKeyUnwrap(kek, r.ciphertext);
  } catch (e) {
    // RFC 3394 §2.2.3: a failed integrity check, or a ciphertext of an impossible length.
    throw new RotkitError("COSE_DECRYPT_FAILED", `${r.where}: ${info.name} unwrap failed (integrity check)`, {
      cause: e,
    });
  }
  if (cek.length !== want) {
    cek.fill(0);
    throw new RotkitError(
      "COSE_BAD_KEY",
      `${r.where}: unwrapped key is ${cek.length} bytes, the layer above needs ${want}`,
    );
  }
  return cek;
}

function requireEmptyCiphertext(r: ParsedRecipient, info: RecipientAlg): void {
  // RFC 9053 §6.1.1 / §6.3.1: direct modes carry no encrypted key: the ciphertext is the empty bstr (or nil).
  if (r.ciphertext !== null && r.ciphertext.length !== 0) {
    throw new RotkitError("COSE_MALFORMED", `${r.where}: ${info.name} must have an empty ciphertext`);
  }
}

/** The key one (recipient, key) pair yields for the layer above (`parent`). */
async function deriveOne(
  state: State,
  r: ParsedRecipient,
  info: RecipientAlg,
  k: RecipientKey,
  parent: CoseAlgInfo,
): Promise<Uint8Array> {
  const want = keyLengthOf(parent, r.where);
  const { provider } = state.ctx;
  countAttempt(state, r.where);
  switch (info.kind) {
    case "direct": {
      // RFC 9053 §6.1.1: the shared key is the content key.
      requireEmptyCiphertext(r, info);
      const key = k.key as Uint8Array;
      if (key.length !== want) {
        throw new RotkitError(
          "COSE_BAD_KEY",
          `${r.where}: direct key is ${key.length} bytes, ${parent.name} needs ${want}`,
        );
      }
      return key;
    }
    case "direct-hkdf": {
      // RFC 9053 §6.1.2: HKDF over the shared secret; AlgorithmID / keyDataLength are those of the layer above.
      requireEmptyCiphertext(r, info);
      const prf: CoseKdfPrf =
        info.prf === "aes"
          ? { kind: "aes", keyLength: info.wrapKeyLength === 32 ? 32 : 16 }
          : { kind: "hmac", hash: info.hash ?? "SHA-256" };
      const context = encodeKdfContext(recipientKdfInput(r.headers, parent.id, want, k.kdf));
      return coseHkdf(provider, prf, k.key as Uint8Array, saltOf(r), context, want);
    }
    case "key-wrap": {
      // RFC 9053 §6.2.1: AES Key Wrap; no AAD, so the protected bucket must be empty.
      if (r.headers.protected.bytes.length !== 0) {
        throw new RotkitError("COSE_BAD_HEADER", `${r.where}: ${info.name} must have an empty protected header`);
      }
      const kek = k.key as Uint8Array;
      if (kek.length !== info.keyLength) {
        throw new RotkitError(
          "COSE_BAD_KEY",
          `${r.where}: ${info.name} needs a ${info.keyLength}-byte KEK, got ${kek.length}`,
        );
      }
      return unwrap(state, kek, r, info, want);
    }
    case "ecdh-direct":
    case "ecdh-key-wrap": {
      const senders: SenderKey[] = [...(k.senderKeys ?? []), ...(state.ctx.senderKeys ?? [])];
      const peer = peerPublicKey(r, info, senders);
      const z = await agree(k.key as KeyAgreementHandle, peer, r.where);
      const prf: CoseKdfPrf = { kind: "hmac", hash: info.hash ?? "SHA-256" };
      try {
        if (info.kind === "ecdh-direct") {
          // RFC 9053 §6.3.1: the derived key is the key of the layer above.
          requireEmptyCiphertext(r, info);
          return await coseHkdf(
            provider,
            prf,
            z,
            saltOf(r),
            encodeKdfContext(recipientKdfInput(r.headers, parent.id, want, k.kdf)),
            want,
          );
        }
        // RFC 9053 §6.4.1: the derived key is the KEK of the recipient's own AES-KW; AlgorithmID is that KW alg.
        const kwLen = info.wrapKeyLength as number;
        const context = encodeKdfContext(recipientKdfInput(r.headers, wrapAlgId(kwLen), kwLen, k.kdf));
        const kek = await coseHkdf(provider, prf, z, saltOf(r), context, kwLen);
        try {
          return await unwrap(state, kek, r, info, want);
        } finally {
          kek.fill(0);
        }
      } finally {
        z.fill(0);
      }
    }
    case "rsa-oaep": {
      // RFC 8230 §3: the ciphertext is the RSAES-OAEP encryption of the content key.
      if (!r.ciphertext) throw new RotkitError("COSE_MALFORMED", `${r.where}: ${info.name} needs a ciphertext`);
      let cek: Uint8Array;
      try {
        cek = rsaOaepDecrypt(
          k.key as Parameters<typeof rsaOaepDecrypt>[0],
          info.oaepHash ?? "SHA-256",
          r.ciphertext,
          (n) => provider.randomBytes(n),
        );
      } catch (e) {
        if (isRotkitError(e, "CRYPTO_NO_RANDOM")) throw e;
        throw new RotkitError("COSE_DECRYPT_FAILED", `${r.where}: ${info.name} decryption failed`, { cause: e });
      }
      if (cek.length !== want) {
        throw new RotkitError(
          "COSE_BAD_KEY",
          `${r.where}: decrypted key is ${cek.length} bytes, ${parent.name} needs ${want}`,
        );
      }
      return cek;
    }
    default:
      throw new RotkitError("COSE_UNSUPPORTED_ALG", `${r.where}: ${info.name} is not a key-management algorithm`);
  }
}

function recipientKid(r: ParsedRecipient): Uint8Array | undefined {
  const kid = headerParam(r.headers, HeaderLabel.kid);
  return isBytes(kid) ? kid : undefined;
}

interface Attempt {
  r: ParsedRecipient;
  info: RecipientAlg;
  key?: RecipientKey;
  /** 0: kid matches, 1: no kid to compare, 2: kid differs. */
  rank: number;
}

/** Candidate keys for `parent` from a recipients array, best matches (by kid) first. */
async function* candidates(
  state: State,
  list: CborValue,
  parent: CoseAlgInfo,
  depth: number,
  where: string,
): AsyncGenerator<Uint8Array> {
  if (depth > state.maxDepth)
    throw new RotkitError("COSE_MALFORMED", `${where}: recipients nested deeper than ${state.maxDepth}`);
  if (!Array.isArray(list) || list.length === 0) {
    throw new RotkitError("COSE_MALFORMED", `${where}: recipients must be a non-empty array`);
  }
  // Structure first: a malformed recipient rejects the message (no partial reading of a broken structure).
  const parsed = list.map((v, i) => parseRecipient(v, `${where} recipient ${i}`));
  const attempts: Attempt[] = [];
  for (const r of parsed) {
    let info: RecipientAlg;
    try {
      info = recipientAlgorithm(r, state.ctx.allowRsaOaepSha1 === true);
    } catch (e) {
      // A recipient for someone else may use an algorithm we lack; remember why, try the others.
      state.errors.push(toRotkit(e, r.where));
      continue;
    }
    if (r.recipients && info.kind !== "key-wrap") {
      throw new RotkitError("COSE_MALFORMED", `${r.where}: only key-wrap recipients may have nested recipients`);
    }
    const rKid = recipientKid(r);
    for (const k of state.ctx.recipientKeys) {
      if (!compatible(info, k)) continue;
      const differs = k.kid !== undefined && rKid !== undefined && !bytesEqual(k.kid, rKid);
      if (differs && state.ctx.strictKid) continue;
      // kid is a hint, not an authenticated claim (RFC 9052 §3.1): exact matches first, then the rest.
      attempts.push({ r, info, key: k, rank: differs ? 2 : k.kid !== undefined && rKid !== undefined ? 0 : 1 });
    }
    if (r.recipients) attempts.push({ r, info, rank: 1 });
  }
  attempts.sort((a, b) => a.rank - b.rank);
  for (const a of attempts) {
    if (a.key) {
      let cek: Uint8Array;
      try {
        cek = await deriveOne(state, a.r, a.info, a.key, parent);
      } catch (e) {
        if (isRotkitError(e, "COSE_NO_RECIPIENT", "CRYPTO_NO_RANDOM")) throw e;
        state.errors.push(toRotkit(e, a.r.where));
        continue;
      }
      yield cek;
    } else {
      // A key-wrap recipient whose KEK is itself carried by nested recipients (RFC 9052 §5.1, "Rec_Recipient").
      const r = a.r;
      if (r.headers.protected.bytes.length !== 0) {
        state.errors.push(
          new RotkitError("COSE_BAD_HEADER", `${r.where}: ${a.info.name} must have an empty protected header`),
        );
        continue;
      }
      for await (const kek of candidates(state, r.recipients as CborValue, a.info, depth + 1, r.where)) {
        let cek: Uint8Array;
        try {
          countAttempt(state, r.where);
          cek = await unwrap(state, kek, r, a.info, keyLengthOf(parent, r.where));
        } catch (e) {
          if (isRotkitError(e, "COSE_NO_RECIPIENT")) throw e;
          state.errors.push(toRotkit(e, r.where));
          continue;
        }
        yield cek;
      }
    }
  }
}

function parentAlg(alg: number | CoseAlgInfo, where: string): CoseAlgInfo {
  const info = typeof alg === "number" ? coseAlgorithm(alg, where) : alg;
  if (info.kind !== "aead" && info.kind !== "cipher" && info.kind !== "mac") {
    throw new RotkitError("COSE_ALG_MISMATCH", `${where}: ${info.name} does not take a key from recipients`);
  }
  return info;
}

/**
 * Tries the keys the recipients yield, best kid match first, until `use` accepts one (returns without throwing
 * COSE_DECRYPT_FAILED / COSE_BAD_MAC), and returns what `use` returned. This is how COSE_Encrypt and COSE_Mac
 * find their key: direct modes have no integrity of their own, so only the content AEAD / the MAC can tell a
 * right key from a wrong one. Other errors from `use` propagate at once.
 *
 * Throws COSE_NO_RECIPIENT when no recipient matches any of `ctx.recipientKeys`, otherwise the first failure
 * (COSE_DECRYPT_FAILED for a failed unwrap or AEAD, COSE_BAD_KEY, COSE_UNSUPPORTED_ALG, ...).
 *
 * @example
 * ```ts
 * const plaintext = await withContentKey(msg[3], { provider, alg: 1, recipientKeys: [{ kid, key: kek }] },
 *   (cek) => provider.aeadDecrypt("AES-GCM", { key: cek, iv, aad }, ciphertext));
 * ```
 */
export async function withContentKey<T>(
  recipients: CborValue,
  ctx: DeriveContext,
  use: (key: Uint8Array) => Promise<T>,
): Promise<T> {
  const where = ctx.where ?? (ctx.context === "Mac_Recipient" ? "COSE_Mac" : "COSE_Encrypt");
  const parent = parentAlg(ctx.alg, where);
  const state: State = {
    attempts: 0,
    maxAttempts: ctx.maxAttempts ?? 16,
    maxDepth: ctx.maxDepth ?? 3,
    errors: [],
    ctx,
  };
  for await (const key of candidates(state, recipients, parent, 1, where)) {
    try {
      return await use(key);
    } catch (e) {
      if (isRotkitError(e, "COSE_DECRYPT_FAILED", "COSE_BAD_MAC")) {
        state.errors.push(e);
        continue;
      }
      throw e;
    }
  }
  const first = state.errors[0];
  if (first) throw first;
  throw new RotkitError("COSE_NO_RECIPIENT", `${where}: no recipient matches the supplied keys`);
}

/**
 * Derives the content key (COSE_Encrypt) or MAC key (COSE_Mac, `context: "Mac_Recipient"`) from a recipients
 * array: the first key a matching recipient yields (RFC 9052 §5.1, RFC 9053 §6). A wrong direct key is only
 * detected by the caller's AEAD / MAC check; prefer {@link withContentKey}, which tries every candidate.
 *
 * @example
 * ```ts
 * const macKey = await deriveContentKey(coseMac[4], {
 *   provider, alg: 5, context: "Mac_Recipient", recipientKeys: [{ kid: utf8Encode("our-secret"), key: k }],
 * });
 * ```
 */
export async function deriveContentKey(recipients: CborValue, ctx: DeriveContext): Promise<Uint8Array> {
  return withContentKey(recipients, ctx, async (key) => key);
}
