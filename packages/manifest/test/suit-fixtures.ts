import { createPublicKey } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  fromBase64,
  fromHex,
  type PublicKey,
  publicKeyFromSpki,
  softwareKeyAgreementHandle,
  utf8Encode,
} from "@rotkit/core";
import type { RecipientKey } from "@rotkit/cose";
import type { SuitVerificationKey } from "@rotkit/manifest";

// The SUIT example envelopes of test-vectors/suit-*/ (see their README.md) and the keys that verify them.

export const VECTORS = new URL("../../../test-vectors/", import.meta.url).pathname;

export function read(dir: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(VECTORS, dir, file)));
}

function pemPublic(dir: string, file: string): PublicKey {
  const text = readFileSync(join(VECTORS, dir, file), "utf8");
  return publicKeyFromSpki(fromBase64(text.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "")));
}

/** The P-256 key of the IETF SUIT drafts (same in every folder). */
export const STANDARD_KEY = pemPublic("suit-manifest-spec", "keys/public_key.pem");
/** Signs the outer envelope of suit-firmware-encryption's es-ecdh-dependency. */
export const DEPENDENT_KEY: PublicKey = publicKeyFromSpki(
  new Uint8Array(
    createPublicKey(
      readFileSync(join(VECTORS, "suit-firmware-encryption/keys/dependent_private_key.pem"), "utf8"),
    ).export({ type: "spki", format: "der" }) as Uint8Array,
  ),
);
/** HMAC-256 key of the AES-KW examples: 32 x 'a'. */
export const MAC_KEY = utf8Encode("a".repeat(32));

export interface SignedExample {
  name: string;
  bytes: Uint8Array;
  keys: SuitVerificationKey[];
  dependencyKeys?: SuitVerificationKey[];
}

/** Every signed example envelope with the keys upstream says verify it. */
export function signedExamples(): SignedExample[] {
  const out: SignedExample[] = [];
  const add = (dir: string, re: RegExp): void => {
    for (const f of readdirSync(join(VECTORS, dir)).sort()) {
      if (!re.test(f)) continue;
      const e: SignedExample = { name: `${dir}/${f}`, bytes: read(dir, f), keys: [STANDARD_KEY, MAC_KEY] };
      if (f.includes("es-ecdh-dependency")) {
        e.keys = [DEPENDENT_KEY];
        e.dependencyKeys = [STANDARD_KEY];
      }
      out.push(e);
    }
  };
  add("suit-manifest-spec", /\.signed(-severed)?\.cbor$/);
  add("suit-libcsuit", /\.suit$/);
  add("suit-trust-domains", /\.cbor$/);
  add("suit-firmware-encryption", /^suit-manifest-.*\.cbor$/);
  return out;
}

/** The example keys of draft-ietf-suit-firmware-encryption (keys/keys.json). */
export function encryptionKeys(): { keys: RecipientKey[]; plaintext: Uint8Array } {
  const k = JSON.parse(readFileSync(join(VECTORS, "suit-firmware-encryption/keys/keys.json"), "utf8"));
  const ecdh = k.ecdh_es_a128kw_recipient_private_key;
  return {
    keys: [
      { kid: utf8Encode(k.a128kw_kek.kid_text), key: utf8Encode(k.a128kw_kek.k_text) },
      { kid: utf8Encode(ecdh.kid_text), key: softwareKeyAgreementHandle("P-256", fromHex(ecdh.d)) },
    ],
    plaintext: fromHex(k.plaintext_hex),
  };
}
