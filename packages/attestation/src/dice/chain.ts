import {
  type CborValue,
  type CryptoProvider,
  decodeCbor,
  encodeCbor,
  isRotkitError,
  type PublicKey,
  RotkitError,
} from "@rotkit/core";
import { type CoseKey, decodeCoseKey, publicKeyFromCoseKey, verifyCoseSign1 } from "@rotkit/cose";
import { type DiceCborCert, decodeDiceCborCertUnverified } from "./cbor-cert.js";
import { deriveOpenDiceId } from "./id.js";
import { assignOpenDiceInputs, type DiceLayer } from "./types.js";

// Open Profile for DICE, "Layering Details" → "Generating Layered Certificates": each layer's CDI-derived key (the
// certificate's subjectPublicKey) signs the next layer's certificate, and the next certificate's `iss` is the
// previous `sub` (TCG DICE Layering Architecture §5: one certificate per layer). The UDS certificate is either
// issued by an external authority (pass its key as `rootKey`) or self-signed (a test / "fake" UDS certificate).
//
// Order: ROOT FIRST, the layer closest to the hardware first.

/** A root key as a core PublicKey, a decoded COSE_Key, or COSE_Key bytes. */
export type DiceRootKey = PublicKey | CoseKey | Uint8Array;

export interface VerifyDiceCborChainOptions {
  /** The CBOR CDI certificates, root (UDS) first. Give this or `chain`. */
  certs?: readonly Uint8Array[];
  /**
   * An encoded DICE chain array (the Android "DiceCertChain" / BCC form): `[root COSE_Key, cert1, cert2, …]` where
   * each cert is a COSE_Sign1 array (or a bstr holding one). The leading COSE_Key is the root key unless `rootKey`
   * is given too (then both must be the same key's certificates' signer — `rootKey` wins).
   */
  chain?: Uint8Array;
  /** The key that signed the first certificate. Absent: the first certificate must be self-signed (iss = sub). */
  rootKey?: DiceRootKey;
  provider: CryptoProvider;
  /**
   * Default true: check that every `sub` is the Open-DICE ID of the certificate's subject key, and every `iss` the
   * ID of the signing key ("Deriving Identifiers"). Profiles that use other identifiers set false.
   */
  checkIds?: boolean;
}

/** A verified CBOR DICE chain: the decoded certificates and the per-layer measurements, root first. */
export interface VerifiedDiceCborChain {
  certs: DiceCborCert[];
  layers: DiceLayer[];
}

/**
 * Verifies an Open-DICE CBOR certificate chain, root first: each certificate's COSE_Sign1 signature under the
 * previous layer's subjectPublicKey (the first under `rootKey`, or its own key when self-signed), `iss` = the previous
 * `sub`, the issuer's keyUsage includes keyCertSign, and (default) the iss/sub IDs are the Open-DICE IDs of the keys.
 * Returns every layer's measurements. Errors (each with `at` = the certificate's position):
 * `ATTEST_BAD_SIGNATURE` (signature does not verify, or the key does not fit the algorithm), `ATTEST_CLAIM_INVALID`
 * (iss does not match the previous sub; issuer keyUsage without keyCertSign; the decode errors of
 * {@link decodeDiceCborCertUnverified}), `ATTEST_KEY_BINDING` (an ID is not derived from its key),
 * `CRYPTO_UNSUPPORTED_ALG`, `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * const { layers } = await verifyDiceCborChain({ certs: [udsCert, ...cdiCerts], provider: nobleProvider() });
 * layers.at(-1)?.modeName;         // "normal"
 * toHex(layers.at(-1)!.codeHash!); // the leaf layer's code measurement
 * ```
 */
export async function verifyDiceCborChain(options: VerifyDiceCborChainOptions): Promise<VerifiedDiceCborChain> {
  if (!options || typeof options !== "object") {
    throw new RotkitError("INVALID_ARGUMENT", "verifyDiceCborChain: options are required");
  }
  const { provider } = options;
  const checkIds = options.checkIds !== false;
  let certBytes: readonly Uint8Array[];
  let rootKey: PublicKey | undefined = options.rootKey === undefined ? undefined : toPublicKey(options.rootKey);
  if (options.chain !== undefined) {
    if (options.certs !== undefined) {
      throw new RotkitError("INVALID_ARGUMENT", "verifyDiceCborChain: give certs or chain, not both");
    }
    const parsed = splitChain(options.chain);
    certBytes = parsed.certs;
    rootKey ??= parsed.rootKey;
  } else {
    certBytes = options.certs ?? [];
  }
  if (!Array.isArray(certBytes) || certBytes.length === 0) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyDiceCborChain: at least one certificate is needed (root first)");
  }

  const certs: DiceCborCert[] = [];
  const layers: DiceLayer[] = [];
  let prev: DiceCborCert | undefined;
  for (let i = 0; i < certBytes.length; i++) {
    const bytes = certBytes[i];
    if (!(bytes instanceof Uint8Array)) {
      throw new RotkitError("INVALID_ARGUMENT", `verifyDiceCborChain: certificate ${i} is not a Uint8Array`);
    }
    const cert = atPosition(i, () => decodeDiceCborCertUnverified(bytes));
    const where = `Open-DICE CBOR certificate ${i} (sub ${cert.subject})`;

    let signer: PublicKey;
    let signerText: string;
    let expectedIssuer: string | undefined;
    if (prev) {
      signer = prev.publicKey;
      signerText = `certificate ${i - 1}'s subjectPublicKey`;
      expectedIssuer = prev.subject;
      if (!prev.keyCertSign) {
        throw new RotkitError(
          "ATTEST_CLAIM_INVALID",
          `${where}: its issuer, certificate ${i - 1}, has a keyUsage without keyCertSign`,
          { at: i - 1 },
        );
      }
    } else if (rootKey) {
      signer = rootKey;
      signerText = "the root key";
    } else {
      // No root key: the first certificate must be self-signed (iss = sub, signed by its own subject key).
      if (cert.issuer.toLowerCase() !== cert.subject.toLowerCase()) {
        throw new RotkitError(
          "ATTEST_CLAIM_INVALID",
          `${where}: not self-issued (iss ${cert.issuer} ≠ sub ${cert.subject}) and no rootKey was given`,
          { at: i },
        );
      }
      if (!cert.keyCertSign) {
        throw new RotkitError("ATTEST_CLAIM_INVALID", `${where}: self-signed but keyUsage lacks keyCertSign`, {
          at: i,
        });
      }
      signer = cert.publicKey;
      signerText = "its own subjectPublicKey (self-signed)";
    }

    const namesOk = expectedIssuer === undefined || cert.issuer.toLowerCase() === expectedIssuer.toLowerCase();
    try {
      await verifyCoseSign1(bytes, { key: signer, provider });
    } catch (e) {
      if (!isRotkitError(e) || !e.code.startsWith("COSE_")) throw e;
      const note = namesOk ? "" : `; its iss ${cert.issuer} does not match the previous sub ${expectedIssuer} either`;
      throw new RotkitError("ATTEST_BAD_SIGNATURE", `${where}: signature does not verify with ${signerText}${note}`, {
        at: i,
        cause: e,
      });
    }
    if (!namesOk) {
      throw new RotkitError(
        "ATTEST_CLAIM_INVALID",
        `${where}: iss ${cert.issuer} does not match the sub ${expectedIssuer} of certificate ${i - 1}; ` +
          `the signature does verify with ${signerText}, so the chain links by key but not by name`,
        { at: i },
      );
    }

    if (checkIds) {
      // "Deriving Identifiers": sub = ID(subject key), iss = ID(authority key).
      const subId = await deriveOpenDiceId(cert.publicKey, provider);
      if (subId !== cert.subject.toLowerCase()) {
        throw new RotkitError(
          "ATTEST_KEY_BINDING",
          `${where}: sub is not the Open-DICE ID of its subjectPublicKey (derived ${subId})`,
          { at: i },
        );
      }
      const issId = prev ? prev.subject.toLowerCase() : await deriveOpenDiceId(signer, provider);
      if (issId !== cert.issuer.toLowerCase()) {
        throw new RotkitError(
          "ATTEST_KEY_BINDING",
          `${where}: iss ${cert.issuer} is not the Open-DICE ID of ${signerText} (derived ${issId})`,
          { at: i },
        );
      }
    }
    certs.push(cert);
    layers.push(layerOf(cert, i));
    prev = cert;
  }
  return { certs, layers };
}

/**
 * The per-layer view of a decoded CBOR certificate.
 *
 * @example
 * ```ts
 * const layer = diceCborLayer(decodeDiceCborCertUnverified(bytes), 0);
 * ```
 */
export function diceCborLayer(cert: DiceCborCert, position: number): DiceLayer {
  return layerOf(cert, position);
}

function layerOf(cert: DiceCborCert, position: number): DiceLayer {
  const layer: DiceLayer = {
    position,
    format: "cbor",
    issuer: cert.issuer,
    subject: cert.subject,
    publicKey: cert.publicKey,
  };
  assignOpenDiceInputs(layer, cert);
  return layer;
}

function atPosition<T>(i: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isRotkitError(e) && e.at === undefined) (e as { at?: unknown }).at = i;
    if (isRotkitError(e)) e.message = `certificate ${i}: ${e.message}`;
    throw e;
  }
}

function toPublicKey(key: DiceRootKey): PublicKey {
  try {
    if (key instanceof Uint8Array) return publicKeyFromCoseKey(decodeCoseKey(key));
    if (key.kty === "EC2" || key.kty === "Symmetric" || key.kty === "AKP") return publicKeyFromCoseKey(key);
    if (key.kty === "OKP") return { kty: "OKP", crv: key.crv, x: key.x };
    return key as PublicKey;
  } catch (e) {
    throw new RotkitError("INVALID_ARGUMENT", "verifyDiceCborChain: rootKey is not a usable public key", { cause: e });
  }
}

function splitChain(chain: Uint8Array): { rootKey?: PublicKey; certs: Uint8Array[] } {
  let value: CborValue;
  try {
    value = decodeCbor(chain);
  } catch (e) {
    throw new RotkitError("ATTEST_MALFORMED", "DICE chain: not one CBOR item", { cause: e });
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new RotkitError("ATTEST_MALFORMED", "DICE chain: not a non-empty CBOR array");
  }
  let rootKey: PublicKey | undefined;
  let start = 0;
  if (value[0] instanceof Map) {
    try {
      rootKey = publicKeyFromCoseKey(decodeCoseKey(value[0]));
    } catch (e) {
      throw new RotkitError("ATTEST_MALFORMED", "DICE chain: the leading root COSE_Key is not usable", {
        at: 0,
        cause: e,
      });
    }
    start = 1;
  }
  // Entries are COSE_Sign1 arrays inline (the Android form) or bstr-wrapped; re-encoding an inline array keeps the
  // protected header and payload byte strings, which are all the signature covers.
  const certs = value.slice(start).map((entry) => (entry instanceof Uint8Array ? entry : encodeCbor(entry)));
  return rootKey ? { rootKey, certs } : { certs };
}
