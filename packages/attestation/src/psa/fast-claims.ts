import { CborCursor, CborTag, readWithCursor } from "@rotkit/core";
import type { PsaSecurityLifecycle, PsaSoftwareComponent } from "./claim-rules.js";
import type { PsaClaims } from "./claims.js";
import { PSA_PROFILE_2_0_0, PSA_PROFILE_TFM, type PsaProfile, psaLifecycleState } from "./profiles.js";

// A one-pass reader for the common shape of a PSA claims-set (RFC 9783 §4): the claims of the TF-M or 2.0.0 profile
// and nothing else, read straight into PsaClaims where the general path decodes a generic CBOR map and then
// validates it (decodePsaClaims).
//
// It never decides that a token is wrong: an unknown claim, a duplicate, a non-preferred or indefinite encoding,
// non-ASCII text, the legacy profile, and every value decodePsaClaims would refuse make it give up, and the general
// path decodes the same bytes and gives the verdict and the error. So it only has to accept a subset of what the
// general path accepts and build the same claims (the tests compare both on every vector and on mutants).

const G = CborCursor.giveUp;

// One bit per claim, for duplicates (RFC 8949 §5.6: the general decoder refuses a repeated key).
const NONCE = 1;
const INSTANCE = 2;
const PROFILE = 4;
const CLIENT = 8;
const LIFECYCLE = 16;
const IMPLEMENTATION = 32;
const SEED = 64;
const CERT = 128;
const SW = 256;
const VSI = 512;
const MANDATORY = NONCE | INSTANCE | PROFILE | CLIENT | LIFECYCLE | IMPLEMENTATION | SW;

const INT31 = 2 ** 31;

/** A hash-sized byte string (RFC 9783 psa-hash-type: 32, 48 or 64 bytes). */
function hash(c: CborCursor): Uint8Array {
  const b = c.bytes();
  if (b.length !== 32 && b.length !== 48 && b.length !== 64) G();
  return b;
}

/** ASCII bytes of a string constant (the profile names are ASCII). */
function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

let tfmBytes: Uint8Array | undefined;
let v200Bytes: Uint8Array | undefined;

function textIs(c: CborCursor, from: number, want: Uint8Array): boolean {
  if (c.pos - from !== want.length) return false;
  const b = c.b;
  for (let i = 0; i < want.length; i++) if (b[from + i] !== want[i]) return false;
  return true;
}

/** The profile string under key 265, which must be one this reader covers: compared as bytes, no string made. */
function profileClaim(c: CborCursor): PsaProfile {
  const from = c.textRange();
  tfmBytes ??= ascii(PSA_PROFILE_TFM);
  v200Bytes ??= ascii(PSA_PROFILE_2_0_0);
  if (textIs(c, from, tfmBytes)) return PSA_PROFILE_TFM;
  if (textIs(c, from, v200Bytes)) return PSA_PROFILE_2_0_0;
  return G();
}

/** RFC 9783 §4.2.4: EAN-13+5 (`^[0-9]{13}-[0-9]{5}$`); a bare EAN-13 only where the profile allows it. */
function isCertificationReference(s: string, bareAllowed: boolean): boolean {
  const n = s.length;
  if (n !== 19 && !(bareAllowed && n === 13)) return false;
  for (let i = 0; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (i === 13 ? ch !== 0x2d : ch < 0x30 || ch > 0x39) return false;
  }
  return true;
}

/** One software component (RFC 9783 §4.4.1): keys 1, 2, 4, 5, 6 only, 2 and 5 mandatory. */
function softwareComponent(c: CborCursor): PsaSoftwareComponent {
  const n = c.arg(5);
  let seen = 0;
  let type: string | undefined;
  let value: Uint8Array | undefined;
  let version: string | undefined;
  let signer: Uint8Array | undefined;
  let desc: string | undefined;
  for (let i = 0; i < n; i++) {
    const key = c.int();
    if (key < 1 || key > 6 || key === 3 || seen & (1 << key)) G();
    seen |= 1 << key;
    if (key === 1) type = c.text();
    else if (key === 2) value = hash(c);
    else if (key === 4) version = c.text();
    else if (key === 5) signer = hash(c);
    else desc = c.text();
  }
  if (value === undefined || signer === undefined) return G();
  // Same construction order as the general path (claim-rules.ts softwareComponent).
  const out: PsaSoftwareComponent = { measurementValue: value, signerId: signer };
  if (type !== undefined) out.measurementType = type;
  if (version !== undefined) out.version = version;
  if (desc !== undefined) out.measurementDesc = desc;
  return out;
}

function softwareComponents(c: CborCursor): PsaSoftwareComponent[] {
  const n = c.arg(4);
  if (n === 0) G();
  // Each component takes at least 5 bytes: a count the bytes cannot hold gives up before anything is allocated.
  if (n > c.end - c.pos) G();
  const out: PsaSoftwareComponent[] = [];
  for (let i = 0; i < n; i++) out.push(softwareComponent(c));
  return out;
}

function claimsSet(c: CborCursor, wanted: PsaProfile | undefined): PsaClaims {
  const n = c.arg(5);
  let seen = 0;
  let profile: PsaProfile | undefined;
  let nonce: Uint8Array | undefined;
  let instanceId: Uint8Array | undefined;
  let implementationId: Uint8Array | undefined;
  let clientId = 0;
  let lifecycle: PsaSecurityLifecycle | undefined;
  let seed: Uint8Array | undefined;
  let seedKey = 0;
  let cert: string | undefined;
  let sw: PsaSoftwareComponent[] | undefined;
  let vsi: string | undefined;
  for (let i = 0; i < n; i++) {
    const key = c.int();
    let bit: number;
    switch (key) {
      case 10: // nonce (RFC 9783 §4.1.1): one bstr, never the EAT multi-nonce array
        bit = NONCE;
        nonce = hash(c);
        break;
      case 256: {
        // Instance ID (§4.2.2): a 33-byte UEID of type RAND
        bit = INSTANCE;
        const b = c.bytes();
        if (b.length !== 33 || b[0] !== 0x01) G();
        instanceId = b;
        break;
      }
      case 265:
        bit = PROFILE;
        profile = profileClaim(c);
        break;
      case 2394: {
        // Client ID (§4.2.5): ±2^31, not 0
        bit = CLIENT;
        const v = c.int();
        if (v === 0 || v < -INT31 || v >= INT31) G();
        clientId = v;
        break;
      }
      case 2395: {
        // Security lifecycle (§4.2.1)
        bit = LIFECYCLE;
        const v = c.uint();
        const state = psaLifecycleState(v);
        if (state === undefined) return G();
        lifecycle = { value: v, state };
        break;
      }
      case 2396:
        // Implementation ID (§4.2.3): 32 bytes
        bit = IMPLEMENTATION;
        implementationId = c.bytes();
        if (implementationId.length !== 32) G();
        break;
      case 268:
      case 2397:
        // Boot seed (§4.3.1): 8..32 bytes; 268 in the TF-M profile, 2397 in 2.0.0 (checked below)
        bit = SEED;
        seedKey = key;
        seed = c.bytes();
        if (seed.length < 8 || seed.length > 32) G();
        break;
      case 2398:
        // Certification reference (§4.2.4): checked once the profile is known
        bit = CERT;
        cert = c.text();
        break;
      case 2399:
        bit = SW;
        sw = softwareComponents(c);
        break;
      case 2400: {
        // Verification service indicator (§4.5.1): non-empty text
        bit = VSI;
        vsi = c.text();
        if (vsi.length === 0) G();
        break;
      }
      default:
        // Unknown claims are allowed (RFC 9711 §4), and so are the legacy keys: the general path reads them.
        return G();
    }
    if (seen & bit) G();
    seen |= bit;
  }
  if ((seen & MANDATORY) !== MANDATORY || profile === undefined) return G();
  if (wanted !== undefined && wanted !== profile) G();
  if (seed !== undefined && seedKey !== (profile === PSA_PROFILE_TFM ? 268 : 2397)) G();
  const out: PsaClaims = {
    profile,
    profileClaimPresent: true,
    nonce: nonce as Uint8Array,
    instanceId: instanceId as Uint8Array,
    implementationId: implementationId as Uint8Array,
    clientId,
    securityLifecycle: lifecycle as PsaSecurityLifecycle,
  };
  if (seed !== undefined) out.bootSeed = seed;
  // The 2.0.0 profile also accepts a bare EAN-13 (claims.ts).
  if (cert !== undefined) {
    if (!isCertificationReference(cert, profile !== PSA_PROFILE_TFM)) G();
    out.certificationReference = cert;
  }
  out.softwareComponents = sw;
  if (vsi !== undefined) out.verificationServiceIndicator = vsi;
  return out;
}

/**
 * The claims of a TF-M or 2.0.0 profile PSA claims-set read in one pass, or undefined when the general path
 * (`decodePsaClaims(decodeCbor(payload, { zeroCopy: true }), profile)`) must decide. Byte strings are views of
 * `payload`, which must be a private copy.
 */
export function fastPsaClaims(payload: Uint8Array, profile: PsaProfile | undefined): PsaClaims | undefined {
  return readWithCursor(payload, (c) => claimsSet(c, profile));
}

/**
 * The outer COSE_Sign1 / COSE_Mac0 of a token in its common shape (tag 18 or 17, four items, an empty unprotected
 * bucket) as `decodeCbor(token, { zeroCopy: true })` builds it, or undefined when the general decoder must read it.
 */
export function fastCoseOuter(token: Uint8Array): CborTag | undefined {
  return readWithCursor(token, (c) => {
    const ib = c.b[c.pos];
    if (ib !== 0xd2 && ib !== 0xd1) G();
    c.pos++;
    if (c.arg(4) !== 4) G();
    const protectedBytes = c.bytes();
    if (!c.take(0xa0)) G();
    const payload = c.bytes();
    const signatureOrTag = c.bytes();
    return new CborTag(ib === 0xd2 ? 18 : 17, [protectedBytes, new Map(), payload, signatureOrTag]);
  });
}
