import { createPublicKey } from "node:crypto";
import {
  bytesEqual,
  type CryptoProvider,
  fixedClock,
  fromHex,
  isRotkitError,
  type PublicKey,
  publicKeyFromSpki,
  softwareKeyAgreementHandle,
  utf8Encode,
} from "@rotkit/core";
import type { RecipientKey } from "@rotkit/cose";
import {
  decodeSuitEnvelopeUnverified,
  decryptSuitPayload,
  encodeSuitEnvelope,
  MemorySuitPlatform,
  type MemorySuitPlatformOptions,
  manifestSequences,
  processSuitEnvelope,
  type SuitCommandSequence,
  type SuitEnvelope,
  type SuitManifest,
  type SuitParameters,
  type SuitProcedure,
  type SuitProcessResult,
  type SuitVerificationKey,
  type VerifiedSuitEnvelope,
  verifySuitEnvelope,
} from "@rotkit/manifest";
import type { CaseResult, SuiteContext, Verdict } from "../types.js";
import { CaseInputError, errorText } from "./case-outcome.js";
import { providers, readBytes } from "./psa-common.js";

// Shared by the SUIT suites (suit-manifest-spec, suit-libcsuit, suit-trust-domains, suit-firmware-encryption): one
// envelope case is a list of steps run in order on a shared state — decode, verify with the listed keys, re-encode
// byte for byte. A later step (processing the command sequences on a platform) is added by appending to the list.

/** What the steps of one envelope case share. */
export interface SuitCaseState {
  id: string;
  root: string;
  bytes: Uint8Array;
  provider: CryptoProvider;
  /** Keys for the envelope itself. */
  keys: SuitVerificationKey[];
  /** Keys for its integrated dependencies (default: `keys`). */
  dependencyKeys?: SuitVerificationKey[];
  decoded?: SuitEnvelope;
  verified?: VerifiedSuitEnvelope;
  /** Short notes for the case report ("3 commands", "decrypted 30 bytes"). */
  notes: string[];
}

/** One step of an envelope case. A step fails by throwing (a RotkitError, or a {@link CheckFailed}). */
export interface SuitCaseStep {
  name: string;
  run(state: SuitCaseState): Promise<void>;
}

/** A check of the suite itself failed (re-encoding differs, plaintext differs): not a RotkitError. */
export class CheckFailed extends Error {}

/** decodeSuitEnvelopeUnverified: the CDDL-level structure. */
export const decodeStep: SuitCaseStep = {
  name: "decode",
  async run(s) {
    s.decoded = decodeSuitEnvelopeUnverified(s.bytes);
  },
};

/** verifySuitEnvelope: authentication blocks, manifest digest, severable members, integrated dependencies. */
export const verifyStep: SuitCaseStep = {
  name: "verify",
  async run(s) {
    s.verified = await verifySuitEnvelope(s.bytes, {
      keys: s.keys,
      provider: s.provider,
      ...(s.dependencyKeys ? { dependencyKeys: s.dependencyKeys } : {}),
    });
    s.notes.push(s.verified.signers.map((x) => `${x.kind} ${x.alg}`).join(", "));
    const deps = [...s.verified.integratedDependencies.keys()];
    if (deps.length > 0) s.notes.push(`dependencies ${deps.join(", ")} verified`);
  },
};

/** encodeSuitEnvelope, reusing the received members and from the typed model alone: both must give the input. */
export const reencodeStep: SuitCaseStep = {
  name: "re-encode",
  async run(s) {
    const env = s.decoded ?? decodeSuitEnvelopeUnverified(s.bytes);
    if (!bytesEqual(encodeSuitEnvelope(env), s.bytes)) throw new CheckFailed("re-encoding differs from the input");
    if (!bytesEqual(encodeSuitEnvelope(env, { reuseMembers: false }), s.bytes)) {
      throw new CheckFailed("encoding the typed model differs from the input");
    }
  },
};

/** The steps of a signed envelope that upstream expects to pass. */
export const ENVELOPE_STEPS: readonly SuitCaseStep[] = [decodeStep, verifyStep, reencodeStep];

/** An envelope case to run. */
export interface EnvelopeCase {
  id: string;
  file: string;
  expected: Verdict;
  /** For an expected rejection: the RotkitError code that must cause it. */
  expectCode?: string;
  keys: SuitVerificationKey[];
  dependencyKeys?: SuitVerificationKey[];
  steps?: readonly SuitCaseStep[];
  /** Bytes to use instead of reading `file` (derived cases). */
  bytes?: Uint8Array;
}

/**
 * Runs one envelope case with one provider. An expected rejection counts only with the expected code; a
 * rejection for another reason is reported as `got: "valid"` (the negative was not caught by the rule it tests).
 */
export async function runEnvelopeCase(root: string, c: EnvelopeCase, provider: CryptoProvider): Promise<CaseResult> {
  const id = `${c.id}@${provider.name}`;
  const state: SuitCaseState = {
    id,
    root,
    bytes: new Uint8Array(0),
    provider,
    keys: c.keys,
    notes: [],
    ...(c.dependencyKeys ? { dependencyKeys: c.dependencyKeys } : {}),
  };
  let step = "read";
  try {
    state.bytes = c.bytes ?? readBytes(root, c.file);
    for (const s of c.steps ?? ENVELOPE_STEPS) {
      step = s.name;
      await s.run(state);
    }
  } catch (e) {
    if (e instanceof CaseInputError) return { id, expected: c.expected, got: "skipped", reason: e.message };
    const code = isRotkitError(e) ? e.code : e instanceof CheckFailed ? "CHECK_FAILED" : "CRASH";
    const reason = `${step}: ${errorText(e)}`;
    if (c.expected === "invalid" && c.expectCode !== undefined && code !== c.expectCode) {
      return { id, expected: c.expected, got: "valid", code, reason: `rejected for the wrong reason: ${reason}` };
    }
    if (c.expected === "invalid" && code === "CRASH") {
      return { id, expected: c.expected, got: "valid", code, reason: `crashed: ${reason}` };
    }
    return { id, expected: c.expected, got: "invalid", code, reason };
  }
  const r: CaseResult = { id, expected: c.expected, got: "valid" };
  if (state.notes.length > 0) r.reason = state.notes.filter((n) => n).join("; ");
  return r;
}

/** A PEM private key's public half (node:crypto; the CLI is server-side). */
export function pemPrivateToPublic(root: string, file: string): PublicKey {
  const pem = readBytes(root, file);
  try {
    const spki = createPublicKey(new TextDecoder().decode(pem)).export({ type: "spki", format: "der" });
    return publicKeyFromSpki(new Uint8Array(spki));
  } catch (e) {
    throw new CaseInputError(`${file}: not a usable PEM private key (${errorText(e)})`);
  }
}

/** Derived negatives every signed envelope must refuse: a flipped signature byte and a flipped manifest byte. */
export function tamperedCases(base: EnvelopeCase, bytes: Uint8Array): EnvelopeCase[] {
  let env: SuitEnvelope;
  try {
    env = decodeSuitEnvelopeUnverified(bytes);
  } catch {
    return []; // the case itself reports why it does not decode
  }
  const members = env.members ?? [];
  const out: EnvelopeCase[] = [];
  const manifest = members.find((m) => m.key === 3);
  const auth = members.find((m) => m.key === 2);
  const locate = (part: Uint8Array): number => part.byteOffset - bytes.byteOffset;
  if (manifest) {
    // The last byte of the manifest: inside its last command sequence, well-formed either way.
    const at = locate(manifest.wrapped) + manifest.wrapped.length - 1;
    out.push({
      ...base,
      id: `${base.id}#derived-manifest-byte`,
      expected: "invalid",
      expectCode: "SUIT_DIGEST_MISMATCH",
      steps: [verifyStep],
      bytes: flip(bytes, at),
    });
  }
  if (auth && env.authentication.blocks.length > 0) {
    // The last byte of the wrapper: inside the last block's signature or tag.
    const at = locate(auth.wrapped) + auth.wrapped.length - 1;
    out.push({
      ...base,
      id: `${base.id}#derived-signature-byte`,
      expected: "invalid",
      expectCode: "SUIT_AUTH_FAILED",
      steps: [verifyStep],
      bytes: flip(bytes, at),
    });
  }
  return out;
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const b = bytes.slice();
  b[at] = (b[at] as number) ^ 0x01;
  return b;
}

/**
 * Runs the cases of an index.json: `expand` turns one index case into envelope cases (and other results, e.g.
 * decryption checks); a case whose files are missing is skipped with the reason. Each envelope case runs with
 * both providers.
 *
 * @example
 * ```ts
 * return runIndex("suit-trust-domains", path, ctx, (c) => ({ envelopes: [...], extra: [] }));
 * ```
 */
export async function runIndex<C extends { id: string }>(
  cases: readonly C[],
  root: string,
  ctx: SuiteContext,
  expand: (c: C) => { envelopes: EnvelopeCase[]; extra?: (provider: CryptoProvider) => Promise<CaseResult[]> },
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  let done = 0;
  for (const c of cases) {
    let plan: ReturnType<typeof expand>;
    try {
      plan = expand(c);
    } catch (e) {
      if (!(e instanceof CaseInputError)) throw e;
      results.push({ id: c.id, expected: "valid", got: "skipped", reason: e.message });
      ctx.progress(++done, cases.length);
      continue;
    }
    for (const provider of providers()) {
      for (const ec of plan.envelopes) results.push(await runEnvelopeCase(root, ec, provider));
      if (plan.extra) results.push(...(await plan.extra(provider)));
    }
    ctx.progress(++done, cases.length);
  }
  return results;
}

/** A valid P-256 public key that signs nothing (the base point G: private key 1), for wrong-key negatives. */
export const P256_GENERATOR: PublicKey = {
  kty: "EC",
  crv: "P-256",
  x: fromHex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
  y: fromHex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
};

/** Every parameter set in a manifest's command sequences (nested try-each / run-sequence included). */
export function parameterSets(m: SuitManifest): SuitParameters[] {
  const out: SuitParameters[] = [];
  const walk = (seq: SuitCommandSequence): void => {
    for (const c of seq) {
      if (c.name === "override-parameters" || c.name === "set-parameters") out.push(c.parameters);
      else if (c.name === "override-multiple") out.push(...c.parameters.values());
      else if (c.name === "try-each") c.sequences.forEach(walk);
      else if (c.name === "run-sequence") walk(c.sequence);
    }
  };
  for (const [, seq] of manifestSequences(m)) walk(seq);
  return out;
}

/**
 * Decrypts every payload a verified envelope (and its dependencies) carries inline — a parameter set with both
 * encryption-info (19) and content (18) — and requires the plaintext to be one of `plaintexts`.
 */
export function decryptStep(keys: RecipientKey[], plaintexts: Uint8Array[]): SuitCaseStep {
  return {
    name: "decrypt",
    async run(s) {
      const envelopes: SuitEnvelope[] = [];
      const collect = (e: SuitEnvelope): void => {
        envelopes.push(e);
        for (const d of e.integratedDependencies.values()) collect(d);
      };
      collect(s.verified ?? decodeSuitEnvelopeUnverified(s.bytes));
      let n = 0;
      for (const e of envelopes) {
        for (const p of parameterSets(e.manifest)) {
          if (!p.encryptionInfo || !p.content) continue;
          const plain = await decryptSuitPayload(p.encryptionInfo, p.content, { provider: s.provider, keys });
          if (!plaintexts.some((x) => bytesEqual(x, plain))) {
            throw new CheckFailed("the decrypted payload is not the expected plaintext");
          }
          n++;
        }
      }
      if (n > 0) s.notes.push(`decrypted ${n} inline payload${n > 1 ? "s" : ""}`);
    },
  };
}

/** The keys of draft-ietf-suit-firmware-encryption's examples, from the vectors' keys/keys.json. */
export interface EncryptionKeysJson {
  plaintext_hex: string;
  a128kw_kek: { k_text: string; kid_text: string };
  ecdh_es_a128kw_recipient_private_key: { d: string; crv: string; kid_text: string };
}

/** The recipient keys a keys.json describes (A128KW KEK and the ECDH-ES recipient's private key). */
export function encryptionKeys(k: EncryptionKeysJson): RecipientKey[] {
  const ecdh = k.ecdh_es_a128kw_recipient_private_key;
  return [
    { kid: utf8Encode(k.a128kw_kek.kid_text), key: utf8Encode(k.a128kw_kek.k_text) },
    { kid: utf8Encode(ecdh.kid_text), key: softwareKeyAgreementHandle("P-256", fromHex(ecdh.d)) },
  ];
}

/** How a case is processed on the simulated device (MemorySuitPlatform). */
export interface ProcessPlan {
  /** The procedures to run, in order. */
  procedure: SuitProcedure[];
  /** The device: identity, resources behind the manifest's URIs, preloaded components, slots, loaders. */
  device?: (s: SuitCaseState) => MemorySuitPlatformOptions;
  /** Keys for encrypted payloads. */
  decryptionKeys?: RecipientKey[];
  /** The provider processing uses (default the case's). */
  provider?: (p: CryptoProvider) => CryptoProvider;
  /** What the device must hold afterwards; returns a problem, or undefined. */
  check?: (platform: MemorySuitPlatform, result: SuitProcessResult) => string | undefined;
}

/**
 * processSuitEnvelope on a MemorySuitPlatform (draft-ietf-suit-manifest §6: authenticate, rollback check, the
 * procedures' command sequences, commit): a refusal fails the case with its code, `check` tests the device's state.
 */
export function processStep(plan: ProcessPlan): SuitCaseStep {
  return {
    name: "process",
    async run(s) {
      const platform = new MemorySuitPlatform({ clock: fixedClock(1_700_000_000), ...(plan.device?.(s) ?? {}) });
      const r = await processSuitEnvelope(s.bytes, platform, {
        keys: s.keys,
        provider: plan.provider ? plan.provider(s.provider) : s.provider,
        procedure: plan.procedure,
        ...(s.dependencyKeys ? { dependencyKeys: s.dependencyKeys } : {}),
        ...(plan.decryptionKeys ? { decryptionKeys: plan.decryptionKeys } : {}),
      });
      if (!r.ok) throw r.error;
      const problem = plan.check?.(platform, r);
      if (problem) throw new CheckFailed(problem);
      const written = platform.snapshot().components.size;
      s.notes.push(
        `processed ${r.completed.join("+")}: ${written} component(s), ${platform.invocations.length} invoked`,
      );
    },
  };
}

/** The committed components of a simulated device that hold `data`. */
export function holding(platform: MemorySuitPlatform, data: Uint8Array): number {
  return [...platform.snapshot().components.values()].filter((v) => bytesEqual(v, data)).length;
}
