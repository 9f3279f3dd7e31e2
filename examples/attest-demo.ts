// rotkit demo: remote attestation, the first half of RFC 9334's background-check flow, end to end.
// A device's secure-element key (a KeyHandle: sign() only) signs an EAT (RFC 9711) as a CWT (RFC 8392) over a
// fresh nonce from the verifier; the verifier checks signature, times and nonce with native WebCrypto and prints
// the claims. Then it shows that a tampered token and a replayed one are refused, each with its own code.
//
//   npm run demo
import {
  type CborMap,
  type CborValue,
  concatBytes,
  constantTimeEqual,
  generateSoftwareKey,
  isRotkitError,
  type KeyHandle,
  nobleProvider,
  systemClock,
  toHex,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import { createCwt, verifyCwt } from "@rotkit/cose";

// EAT claim keys (RFC 9711 §4) used here.
const EAT = {
  nonce: 10,
  ueid: 256,
  oemboot: 262,
  dbgstat: 263,
  profile: 265,
  swname: 270,
  swversion: 271,
  measurements: 273,
};
const NAMES = new Map<CborValue, string>([
  [1, "iss"],
  [6, "iat"],
  [4, "exp"],
  ...Object.entries(EAT).map(([k, v]) => [v, k] as [number, string]),
]);

// ---- device side -------------------------------------------------------------------------------------------
async function deviceAnswer(se: KeyHandle, ueid: Uint8Array, nonce: Uint8Array, now: number): Promise<Uint8Array> {
  const firmware = utf8Encode("firmware image 1.4.2 as measured by the boot ROM");
  const digest = await nobleProvider().digest("SHA-256", firmware); // device side: the portable provider
  const claims: CborMap = new Map<CborValue, CborValue>([
    [EAT.nonce, nonce],
    [EAT.ueid, ueid],
    [EAT.oemboot, true],
    [EAT.dbgstat, 3], // disabled-permanently
    [EAT.profile, "urn:ietf:rfc:rfc9711"],
    [EAT.swname, "acme-modem-fw"],
    [EAT.swversion, ["1.4.2"]],
    // measurements: [[CoAP content-format, body]]; here a bare SHA-256 of the firmware (format 0, for the demo)
    [EAT.measurements, [[0, digest]]],
  ]);
  return createCwt({ iss: "device", iat: Math.floor(now), exp: Math.floor(now) + 300, extra: claims }, se);
}

// ---- verifier side -----------------------------------------------------------------------------------------
function show(v: CborValue): string {
  if (v instanceof Uint8Array) return `h'${toHex(v)}'`;
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  return JSON.stringify(v);
}

async function main() {
  const provider = webCryptoProvider();
  const clock = systemClock();

  // Provisioning: the device's key is born in its secure element; the verifier registers the public half.
  const se = await generateSoftwareKey("ES256");
  const ueid = concatBytes(Uint8Array.of(0x01), provider.randomBytes(32)); // RAND-type UEID (RFC 9711 §4.2.1)
  console.log(`device ${toHex(ueid).slice(0, 18)}… provisioned with an ES256 key (P-256)`);

  const nonce = provider.randomBytes(32);
  console.log(`verifier → device   nonce ${toHex(nonce)}`);
  const token = await deviceAnswer(se, ueid, nonce, clock.now());
  console.log(`device → verifier   EAT as CWT/COSE_Sign1, ${token.length} bytes`);

  const verified = await verifyCwt(token, {
    key: se.publicKey,
    provider,
    clock,
    leewaySeconds: 30,
    requireExpiration: true,
  });
  const gotNonce = verified.claims.all.get(EAT.nonce);
  if (!(gotNonce instanceof Uint8Array) || !constantTimeEqual(gotNonce, nonce)) throw new Error("nonce mismatch");
  console.log("verified: signature, alg, exp/iat and nonce. Claims:");
  for (const [k, v] of verified.claims.all) console.log(`  ${(NAMES.get(k) ?? String(k)).padEnd(13)} ${show(v)}`);

  const tampered = token.slice();
  tampered[tampered.length - 40] = (tampered[tampered.length - 40] as number) ^ 0x01;
  try {
    await verifyCwt(tampered, { key: se.publicKey, provider, clock });
    throw new Error("tampered token accepted");
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    console.log(`tampered token      refused: ${e.code}`);
  }

  const replay = await deviceAnswer(se, ueid, provider.randomBytes(32), clock.now());
  const r = await verifyCwt(replay, { key: se.publicKey, provider, clock });
  const replayNonce = r.claims.all.get(EAT.nonce);
  const fresh = replayNonce instanceof Uint8Array && constantTimeEqual(replayNonce, nonce);
  console.log(`token for another nonce: signature fine, ${fresh ? "ACCEPTED (bug)" : "refused as not fresh"}`);
  if (fresh) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
