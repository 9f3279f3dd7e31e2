import { CborTag, type CborValue } from "@rotkit/core";
import type { CarriedSeverable, RawEnvelope } from "./envelope.js";
import { digest } from "./fast.js";
import { after, giveUp, type Reader, whole } from "./fast-reader.js";
import { SuitEnvelopeKey } from "./labels.js";
import type { SeverableName } from "./manifest.js";
import type { SuitAuthentication, SuitEnvelopeMember } from "./types.js";

// The fast reader of the envelope's outer structure (draft-ietf-suit-manifest §8.2, §8.3): the common shape only, a
// tag-107 or untagged map of the authentication wrapper, the manifest and severable members, authenticated by
// COSE_Sign1 blocks with a detached payload. Like fast.ts it never refuses anything: the general readEnvelope takes
// whatever it does not cover (delegation, integrated members, other COSE structures, non-canonical COSE, unknown
// members) or finds not exactly right, and gives the verdict.

const SEVERABLE_BY_KEY: { readonly [key: number]: SeverableName | undefined } = {
  [SuitEnvelopeKey.coswid]: "coswid",
  [SuitEnvelopeKey.dependencyResolution]: "dependencyResolution",
  [SuitEnvelopeKey.payloadFetch]: "payloadFetch",
  [SuitEnvelopeKey.candidateVerification]: "candidateVerification",
  [SuitEnvelopeKey.install]: "install",
  [SuitEnvelopeKey.text]: "text",
};

/** A COSE header bucket with integer labels and bstr or integer values, e.g. `{4: kid}`. */
function bucket(r: Reader): Map<CborValue, CborValue> {
  const n = r.arg(5);
  const out = new Map<CborValue, CborValue>();
  let ps = -1;
  let pe = -1;
  for (let i = 0; i < n; i++) {
    const ks = r.pos;
    const label = r.int();
    if (!after(r.b, ps, pe, ks, r.pos)) giveUp();
    ps = ks;
    pe = r.pos;
    const mt = r.major();
    out.set(label, mt === 2 ? r.bytes() : r.int());
  }
  return out;
}

/** A tag-18 COSE_Sign1 with a nil payload, as the general decoder would give it (RFC 9052 §4.2). */
function sign1(r: Reader): CborValue {
  const b = r.b;
  if (r.pos >= r.end || b[r.pos] !== 0xd2) giveUp();
  r.pos++;
  if (r.arg(4) !== 4) giveUp();
  const protectedBytes = r.bytes();
  const unprotected = bucket(r);
  if (r.pos >= r.end || b[r.pos] !== 0xf6) giveUp();
  r.pos++;
  return new CborTag(18, [protectedBytes, unprotected, null, r.bytes()]);
}

interface Authentication {
  auth: SuitAuthentication;
  digestBytes: Uint8Array;
  values: CborValue[];
}

function authentication(r: Reader): Authentication {
  const n = r.arg(4);
  if (n < 2) giveUp();
  const digestEnd = r.enter();
  const digestBytes = r.view(r.pos, r.end);
  const d = digest(r);
  r.leave(digestEnd);
  const blocks: SuitAuthentication["blocks"] = [];
  const values: CborValue[] = [];
  for (let i = 1; i < n; i++) {
    const outer = r.enter();
    const start = r.pos;
    values.push(sign1(r));
    blocks.push({ kind: "COSE_Sign1", bytes: r.view(start, r.end) });
    r.leave(outer);
  }
  return { auth: { digest: d, blocks }, digestBytes, values };
}

function envelope(r: Reader): RawEnvelope {
  const b = r.b;
  // SUIT_Envelope_Tagged: #6.107, whose preferred head is d8 6b.
  const tagged = r.pos + 1 < r.end && b[r.pos] === 0xd8 && b[r.pos + 1] === 0x6b;
  if (tagged) r.pos += 2;
  const n = r.arg(5);
  const members: SuitEnvelopeMember[] = [];
  const severable = new Map<SeverableName, CarriedSeverable>();
  let auth: Authentication | undefined;
  let manifestWrapped: Uint8Array | undefined;
  let manifestContent: Uint8Array | undefined;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const key = r.uint();
    if (key <= prev) giveUp();
    prev = key;
    const start = r.pos;
    const outer = r.enter();
    const member: SuitEnvelopeMember = { key, wrapped: r.view(start, r.end) };
    const content = r.view(r.pos, r.end);
    if (key === SuitEnvelopeKey.authenticationWrapper) auth = authentication(r);
    else {
      if (key === SuitEnvelopeKey.manifest) {
        manifestWrapped = member.wrapped;
        manifestContent = content;
      } else {
        const name = SEVERABLE_BY_KEY[key];
        if (name === undefined) giveUp();
        severable.set(name, { member, content });
      }
      r.pos = r.end;
    }
    r.leave(outer);
    members.push(member);
  }
  if (!auth || !manifestWrapped || !manifestContent) giveUp();
  return {
    tagged,
    members,
    authentication: auth.auth,
    blockValues: auth.values,
    digestBytes: auth.digestBytes,
    manifestWrapped,
    manifestContent,
    severable,
    integrated: new Map(),
  };
}

/** The envelope's outer structure, or undefined when the general readEnvelope must read it. */
export function fastEnvelope(bytes: Uint8Array): RawEnvelope | undefined {
  return whole(bytes, envelope);
}
