// The shared shape of the COSE_Sign1-based benchmarks (cose, psa, suit): rotkit's full verification of a set of
// signed tokens with webCryptoProvider() against raw node:crypto verification of the same signatures over the same
// to-be-signed bytes (ratio_vs_native), and against raw WebCrypto (crypto.subtle.verify, the primitive the provider
// calls) over the same bytes (ratio_vs_webcrypto: rotkit's own overhead, without the cost of WebCrypto's dispatch).
// All sides run the async API with the same number of operations in flight (a server verifying many devices at once); the one-at-a-time figures (rotkit awaiting WebCrypto vs node's synchronous
// verify) and the noble provider's rate are printed too.
import { createPublicKey, type KeyObject, verify as nodeVerify } from "node:crypto";
import { type CryptoProvider, nobleProvider, type PublicKey, publicKeyToJwk, webCryptoProvider } from "@rotkit/core";
import { decodeCoseSign1Unverified, sigStructure1 } from "@rotkit/cose";
import { compare, concurrently, fmtRate, pairedRatio, type Rate } from "./harness.js";

const IN_FLIGHT = 32;

export interface Sign1BenchInput {
  title: string;
  /** ES256-signed COSE_Sign1 tokens (tagged or in a tag rotkit's verifier understands). */
  tokens: Uint8Array[];
  publicKey: PublicKey;
  /** rotkit's verification of one token: everything a caller gets for its money (decode, checks, signature). */
  verify: (token: Uint8Array, provider: CryptoProvider) => Promise<unknown>;
  json: boolean;
}

export async function sign1VerifyBench(b: Sign1BenchInput): Promise<Record<string, number>> {
  const n = b.tokens.length;
  const native = b.tokens.map((t) => {
    const u = decodeCoseSign1Unverified(t);
    return {
      tbs: sigStructure1(u.headers.protected.bytes, new Uint8Array(0), u.payload as Uint8Array),
      sig: u.signature,
    };
  });
  const nodeKey: KeyObject = createPublicKey({
    key: publicKeyToJwk(b.publicKey) as object as import("node:crypto").JsonWebKey,
    format: "jwk",
  });
  const web = webCryptoProvider();
  const subtle = globalThis.crypto.subtle;
  const subtleKey = await subtle.importKey(
    "jwk",
    publicKeyToJwk(b.publicKey) as JsonWebKey,
    { name: "ECDSA", namedCurve: (b.publicKey as { crv: string }).crv },
    false,
    ["verify"],
  );
  const ecdsa = { name: "ECDSA", hash: "SHA-256" };
  const webCryptoRaw = (i: number) => {
    const m = native[i % n] as { tbs: Uint8Array; sig: Uint8Array };
    return subtle.verify(ecdsa, subtleKey, m.sig as BufferSource, m.tbs as BufferSource).then((ok) => {
      if (!ok) throw new Error("raw WebCrypto verify failed");
    });
  };
  const noble = nobleProvider();
  const nativeAsync = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const m = native[i % n] as { tbs: Uint8Array; sig: Uint8Array };
      nodeVerify("sha256", m.tbs, { key: nodeKey, dsaEncoding: "ieee-p1363" }, m.sig, (err, ok) =>
        err || !ok ? reject(err ?? new Error("native verify failed")) : resolve(),
      );
    });
  const rotkit = (provider: CryptoProvider) => (i: number) =>
    b.verify(b.tokens[i % n] as Uint8Array, provider).then(() => undefined);

  // Sanity: both sides accept every token before anything is timed.
  for (let i = 0; i < n; i++) {
    await nativeAsync(i);
    await webCryptoRaw(i);
    await rotkit(web)(i);
    await rotkit(noble)(i);
  }

  const concurrent = await compare(
    [
      { name: "rotkit-webcrypto", run: (k) => concurrently(k, IN_FLIGHT, rotkit(web)) },
      { name: "native", run: (k) => concurrently(k, IN_FLIGHT, nativeAsync) },
      { name: "webcrypto-raw", run: (k) => concurrently(k, IN_FLIGHT, webCryptoRaw) },
    ],
    { rounds: 15 },
  );
  const sequential = await compare(
    [
      { name: "rotkit-webcrypto", run: (k) => concurrently(k, 1, rotkit(web)) },
      {
        name: "native-sync",
        run: async (k) => {
          for (let i = 0; i < k; i++) {
            const m = native[i % n] as { tbs: Uint8Array; sig: Uint8Array };
            if (!nodeVerify("sha256", m.tbs, { key: nodeKey, dsaEncoding: "ieee-p1363" }, m.sig)) {
              throw new Error("native verify failed");
            }
          }
        },
      },
      { name: "rotkit-noble", run: (k) => concurrently(k, 1, rotkit(noble)) },
    ],
    { rounds: 5 },
  );

  const r = (name: string, table: Record<string, Rate>) => (table[name] as Rate).opsPerSec;
  const metrics = {
    ratio_vs_native: pairedRatio(concurrent["rotkit-webcrypto"] as Rate, concurrent.native as Rate),
    ratio_vs_webcrypto: pairedRatio(concurrent["rotkit-webcrypto"] as Rate, concurrent["webcrypto-raw"] as Rate),
    ratio_vs_native_sequential: pairedRatio(sequential["rotkit-webcrypto"] as Rate, sequential["native-sync"] as Rate),
    rotkit_webcrypto_ops_per_sec: r("rotkit-webcrypto", concurrent),
    native_ops_per_sec: r("native", concurrent),
    webcrypto_raw_ops_per_sec: r("webcrypto-raw", concurrent),
    rotkit_noble_ops_per_sec: r("rotkit-noble", sequential),
  };
  const out = b.json ? process.stderr : process.stdout;
  out.write(`${b.title}, ${n} distinct tokens, node ${process.version}\n`);
  out.write(
    `  ${IN_FLIGHT} in flight:  rotkit+webCrypto ${fmtRate(metrics.rotkit_webcrypto_ops_per_sec)}   node:crypto ${fmtRate(metrics.native_ops_per_sec)}   ratio_vs_native ${metrics.ratio_vs_native.toFixed(3)}\n`,
  );
  out.write(
    `  ${IN_FLIGHT} in flight:  raw crypto.subtle.verify ${fmtRate(metrics.webcrypto_raw_ops_per_sec)}   ratio_vs_webcrypto ${metrics.ratio_vs_webcrypto.toFixed(3)}\n`,
  );
  out.write(
    `  one at a time: rotkit+webCrypto ${fmtRate(r("rotkit-webcrypto", sequential))}   node:crypto sync ${fmtRate(r("native-sync", sequential))}   ratio ${metrics.ratio_vs_native_sequential.toFixed(3)}\n`,
  );
  out.write(`  rotkit+noble (pure JS, one at a time): ${fmtRate(metrics.rotkit_noble_ops_per_sec)}\n`);
  return metrics;
}
