// COSE_Sign1 ES256 verification: rotkit (decode + header checks + Sig_structure + verify) with webCryptoProvider()
// against raw node:crypto verification of the same signatures (see sign1-verify.ts for how both sides run).
import { generateSoftwareKey, utf8Encode } from "@rotkit/core";
import { signCoseSign1, verifyCoseSign1 } from "@rotkit/cose";
import { sign1VerifyBench } from "./sign1-verify.js";

export default async function run(json: boolean): Promise<Record<string, number>> {
  const key = await generateSoftwareKey("ES256");
  const tokens: Uint8Array[] = [];
  for (let i = 0; i < 64; i++) {
    // An EAT-sized payload (~100 bytes), different for every message.
    const payload = utf8Encode(`{"nonce":"${i}","ueid":"device-${i}","swversion":"1.2.${i}"}`.repeat(2));
    tokens.push(await signCoseSign1({ payload }, key));
  }
  return sign1VerifyBench({
    title: "COSE_Sign1 ES256 verify",
    tokens,
    publicKey: key.publicKey,
    verify: (token, provider) => verifyCoseSign1(token, { key: key.publicKey, provider }),
    json,
  });
}
