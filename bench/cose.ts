// COSE_Sign1 ES256 verification: rotkit (decode + header checks + Sig_structure + verify) with webCryptoProvider()
// against raw node:crypto verification of the same signatures over the same to-be-signed bytes. Both sides run
// the same way — the async API with the same number of operations in flight, as a server verifying many device
// tokens at once does — and, for the record, one at a time (rotkit awaiting WebCrypto vs node's sync verify).
import { createPublicKey, type KeyObject, verify as nodeVerify } from "node:crypto";
import { generateSoftwareKey, nobleProvider, publicKeyToJwk, utf8Encode, webCryptoProvider } from "@rotkit/core";
import { decodeCoseSign1Unverified, signCoseSign1, sigStructure1, verifyCoseSign1 } from "@rotkit/cose";
import { compare, concurrently, fmtRate } from "./harness.js";

const MESSAGES = 64;
const IN_FLIGHT = 32;

export default async function run(json: boolean): Promise<Record<string, number>> {
  const key = await generateSoftwareKey("ES256");
  const messages: Uint8Array[] = [];
  const native: { tbs: Uint8Array; sig: Uint8Array }[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    // An EAT-sized payload (~100 bytes), different for every message.
    const msg = await signCoseSign1(
      { payload: utf8Encode(`{"nonce":"${i}","ueid":"device-${i}","swversion":"1.2.${i}"}`.repeat(2)) },
      key,
    );
    messages.push(msg);
    const u = decodeCoseSign1Unverified(msg);
    native.push({
      tbs: sigStructure1(u.headers.protected.bytes, new Uint8Array(0), u.payload as Uint8Array),
      sig: u.signature,
    });
  }
  const nodeKey: KeyObject = createPublicKey({
    key: publicKeyToJwk(key.publicKey) as object as import("node:crypto").JsonWebKey,
    format: "jwk",
  });
  const web = webCryptoProvider();
  const noble = nobleProvider();
  const publicKey = key.publicKey;

  const nativeAsync = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const m = native[i % MESSAGES] as { tbs: Uint8Array; sig: Uint8Array };
      nodeVerify("sha256", m.tbs, { key: nodeKey, dsaEncoding: "ieee-p1363" }, m.sig, (err, ok) =>
        err || !ok ? reject(err ?? new Error("native verify failed")) : resolve(),
      );
    });
  const rotkit = (provider: typeof web) => (i: number) =>
    verifyCoseSign1(messages[i % MESSAGES] as Uint8Array, { key: publicKey, provider }).then(() => undefined);

  // Sanity: both sides accept every message before anything is timed.
  for (let i = 0; i < MESSAGES; i++) {
    await nativeAsync(i);
    await rotkit(web)(i);
    await rotkit(noble)(i);
  }

  const concurrent = await compare(
    [
      { name: "rotkit-webcrypto", run: (n) => concurrently(n, IN_FLIGHT, rotkit(web)) },
      { name: "native", run: (n) => concurrently(n, IN_FLIGHT, nativeAsync) },
    ],
    { rounds: 15 },
  );
  const sequential = await compare(
    [
      { name: "rotkit-webcrypto", run: (n) => concurrently(n, 1, rotkit(web)) },
      {
        name: "native-sync",
        run: async (n) => {
          for (let i = 0; i < n; i++) {
            const m = native[i % MESSAGES] as { tbs: Uint8Array; sig: Uint8Array };
            if (!nodeVerify("sha256", m.tbs, { key: nodeKey, dsaEncoding: "ieee-p1363" }, m.sig))
              throw new Error("native verify failed");
          }
        },
      },
      { name: "rotkit-noble", run: (n) => concurrently(n, 1, rotkit(noble)) },
    ],
    { rounds: 5 },
  );

  const r = (name: string, table: Record<string, { opsPerSec: number }>) =>
    (table[name] as { opsPerSec: number }).opsPerSec;
  const metrics = {
    ratio_vs_native: r("rotkit-webcrypto", concurrent) / r("native", concurrent),
    ratio_vs_native_sequential: r("rotkit-webcrypto", sequential) / r("native-sync", sequential),
    rotkit_webcrypto_ops_per_sec: r("rotkit-webcrypto", concurrent),
    native_ops_per_sec: r("native", concurrent),
    rotkit_noble_ops_per_sec: r("rotkit-noble", sequential),
  };
  const out = json ? process.stderr : process.stdout;
  out.write(`COSE_Sign1 ES256 verify, ${MESSAGES} distinct messages, node ${process.version}\n`);
  out.write(
    `  ${IN_FLIGHT} in flight:  rotkit+webCrypto ${fmtRate(metrics.rotkit_webcrypto_ops_per_sec)}   node:crypto ${fmtRate(metrics.native_ops_per_sec)}   ratio_vs_native ${metrics.ratio_vs_native.toFixed(3)}\n`,
  );
  out.write(
    `  one at a time: rotkit+webCrypto ${fmtRate(r("rotkit-webcrypto", sequential))}   node:crypto sync ${fmtRate(r("native-sync", sequential))}   ratio ${metrics.ratio_vs_native_sequential.toFixed(3)}\n`,
  );
  out.write(`  rotkit+noble (pure JS, one at a time): ${fmtRate(metrics.rotkit_noble_ops_per_sec)}\n`);
  return metrics;
}
