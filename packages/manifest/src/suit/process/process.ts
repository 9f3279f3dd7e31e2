import { isBytes, isRotkitError, type KeyHandle, RotkitError } from "@rotkit/core";
import type { RecipientKey } from "@rotkit/cose";
import { suitContext } from "../cbor.js";
import { suitDigest } from "../digest.js";
import { readEnvelope } from "../envelope.js";
import { SuitDigestAlg } from "../labels.js";
import { encodeSuitReport } from "../report/encode.js";
import { signSuitReport } from "../report/sign.js";
import { type SuitRecord, type SuitReport, SuitReportReason, SuitReportResultCode } from "../report/types.js";
import type { SuitCommandSequence, SuitDigest, VerifiedSuitEnvelope } from "../types.js";
import { type VerifySuitOptions, verifySuitEnvelope } from "../verify.js";
import { buildContext, type ManifestContext } from "./context.js";
import { SequenceAbort } from "./failure.js";
import { Interpreter } from "./interpreter.js";
import type { SuitManifestInfo, SuitPlatform, SuitProcedure } from "./platform.js";
import { Recorder } from "./recorder.js";
import { procedureSections, type Section, sectionOf } from "./sections.js";
import { DEFAULT_SUIT_PROCESS_LIMITS, type Services, type SuitProcessLimits } from "./services.js";

// processSuitEnvelope: draft-ietf-suit-manifest §6 end to end. Authenticate first (§6.2), then the rollback check
// (§6.1), then clear the parameters and run each procedure's sections, the shared sequence before each (§8.4.6),
// inside a platform transaction committed only when the procedure succeeded; a SUIT report
// (draft-ietf-suit-report) says what ran and why it stopped.

/** Options of {@link processSuitEnvelope}. */
export interface ProcessSuitOptions extends VerifySuitOptions {
  /**
   * The procedures to run, in order (§8.4.6): "update" (dependency-resolution, payload-fetch,
   * candidate-verification, install, validate), "invoke" (validate, load, invoke), "uninstall". Each is a
   * transaction of its own. Default "update".
   */
  procedure?: SuitProcedure | readonly SuitProcedure[];
  /** Keys for encrypted payloads (firmware-encryption SUIT_Encryption_Info): AES-KW KEKs, ECDH key handles. */
  decryptionKeys?: readonly RecipientKey[];
  /** Accept AES-CTR / AES-CBC payloads (their plaintext is then bound by image-match). Default true. */
  allowNonAead?: boolean;
  /** Bounds on the work one run may do. */
  processLimits?: Partial<SuitProcessLimits>;
  /** Prepend dependency prefixes to a dependency's component identifiers (trust-domains §5.2.2). Default false. */
  prefixDependencies?: boolean;
  /** Refuse a manifest whose shared sequence lacks vendor- and class-identifier checks (§6.2 SHOULD). Default false. */
  requireIdentityChecks?: boolean;
  /** suit-report-nonce: freshness for the report (e.g. the server's challenge). */
  nonce?: Uint8Array;
  /** Sign the report (COSE_Sign1) with this key; `reportBytes` is then the signed report. */
  reportKey?: KeyHandle;
}

/** What {@link processSuitEnvelope} did. */
export interface SuitProcessResult {
  /** True when every requested procedure succeeded and was committed. */
  ok: boolean;
  /** Why processing stopped (the code callers branch on), when `ok` is false. */
  error?: RotkitError;
  /** The procedures that completed and were committed. */
  completed: SuitProcedure[];
  /** The authenticated envelope (absent when authentication failed). */
  envelope?: VerifiedSuitEnvelope;
  /** The dependency manifests processed. */
  dependencies: SuitManifestInfo[];
  report: SuitReport;
  /** The report in deterministic CBOR, or the COSE_Sign1 over it when `reportKey` was given. */
  reportBytes: Uint8Array;
  /** Set when the platform's report sink threw (the outcome above stands). */
  reportError?: unknown;
}

function limitsOf(o: Partial<SuitProcessLimits> | undefined): SuitProcessLimits {
  const out = { ...DEFAULT_SUIT_PROCESS_LIMITS };
  for (const [k, v] of Object.entries(o ?? {})) {
    if (v === undefined) continue;
    const min = k === "chunkSize" ? 1 : 0;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
      throw new RotkitError("INVALID_ARGUMENT", `SUIT processing: limit ${k} must be an integer >= ${min}`);
    }
    (out as Record<string, number>)[k] = v;
  }
  return out;
}

/** The report reason for a failure (draft-ietf-suit-report §4.2). */
function reasonOf(error: RotkitError, conditionClass: boolean): number {
  const R = SuitReportReason;
  if (conditionClass) return R.conditionFailed;
  const cause = (error as { cause?: unknown }).cause;
  const causeCode = isRotkitError(cause) ? cause.code : "";
  switch (error.code) {
    case "SUIT_AUTH_FAILED":
      return causeCode === "COSE_UNSUPPORTED_ALG" || causeCode === "COSE_ALG_MISMATCH"
        ? R.algUnsupported
        : R.unauthorised;
    case "SUIT_DIGEST_MISMATCH":
      return R.unauthorised;
    case "COSE_UNSUPPORTED_ALG":
    case "COSE_ALG_MISMATCH":
      return R.algUnsupported;
    case "SUIT_UNSUPPORTED":
      return R.commandUnsupported;
    case "SUIT_CONDITION_FAILED":
    case "SUIT_IMAGE_MISMATCH":
    case "ROLLBACK_REFUSED":
    case "ROLLBACK_EXPIRED":
      return R.conditionFailed;
    default:
      return error.code.startsWith("CBOR_") || error.code === "SUIT_MALFORMED" ? R.cborParse : R.operationFailed;
  }
}

function resultCode(error: RotkitError): number {
  return (SuitReportResultCode as Record<string, number>)[error.code] ?? -1;
}

/** A record for a failure outside the command sequences (authentication, rollback, required checks). */
function setupRecord(section: number): SuitRecord {
  return { kind: "record", manifestId: [], section, offset: 0, componentIndex: 0, properties: {} };
}

/** §6.2 SHOULD: the shared sequence checks vendor and class identifiers (searched through nested sequences). */
function hasIdentityChecks(seq: SuitCommandSequence | undefined): boolean {
  const found = new Set<string>();
  const walk = (s: SuitCommandSequence): void => {
    for (const c of s) {
      if (c.name === "vendor-identifier" || c.name === "class-identifier") found.add(c.name);
      else if (c.name === "try-each") c.sequences.forEach(walk);
      else if (c.name === "run-sequence") walk(c.sequence);
    }
  };
  if (seq) walk(seq);
  return found.size === 2;
}

/** The reference digest when authentication failed: the wrapper's claimed digest, else SHA-256 of the input. */
async function claimedDigest(bytes: Uint8Array, options: ProcessSuitOptions): Promise<SuitDigest> {
  try {
    return readEnvelope(bytes, suitContext(options)).authentication.digest;
  } catch {
    return suitDigest(options.provider, SuitDigestAlg.sha256, isBytes(bytes) ? bytes : new Uint8Array(0));
  }
}

class Failure {
  constructor(
    readonly error: RotkitError,
    readonly record: SuitRecord,
    readonly reason: number,
  ) {}
}

function failureOf(e: unknown, section: number, reason?: number): Failure {
  if (e instanceof Failure) return e;
  if (e instanceof SequenceAbort) return new Failure(e.error, e.record, reasonOf(e.error, e.soft));
  if (isRotkitError(e)) return new Failure(e, setupRecord(section), reason ?? reasonOf(e, false));
  throw e;
}

async function setup(
  env: VerifiedSuitEnvelope,
  info: SuitManifestInfo,
  platform: SuitPlatform,
  options: ProcessSuitOptions,
  limits: SuitProcessLimits,
): Promise<ManifestContext> {
  const m = env.manifest;
  if (options.requireIdentityChecks && !hasIdentityChecks(m.common.sharedSequence)) {
    throw new Failure(
      new RotkitError("SUIT_MALFORMED", "the shared sequence does not check the vendor and class identifiers", {
        at: "manifest/3/4",
      }),
      setupRecord(3),
      SuitReportReason.commandUnsupported,
    );
  }
  try {
    const ctx = buildContext(env, info, 0, [], limits.maxComponents);
    for (const id of m.common.components ?? []) {
      // §6.2: every component must exist on the device (and may be refused to this manifest).
      if (platform.supportsComponent && !(await platform.supportsComponent(id, info))) {
        throw new RotkitError("SUIT_UNSUPPORTED", "the device has no such component", { at: "manifest/3/2" });
      }
    }
    return ctx;
  } catch (e) {
    throw failureOf(e, 3, SuitReportReason.componentUnsupported);
  }
}

async function runProcedure(
  interp: Interpreter,
  ctx: ManifestContext,
  procedure: SuitProcedure,
  platform: SuitPlatform,
): Promise<void> {
  const info = ctx.info;
  try {
    // §6.1: "the manifest processor ... MUST ... perform a rollback check using this sequence number".
    await platform.checkManifest(info, procedure);
  } catch (e) {
    throw failureOf(wrapPlatform(e, "rollback check"), 2);
  }
  const sections: Section[] = [];
  for (const name of procedureSections(procedure)) {
    let s: Section | undefined;
    try {
      s = sectionOf(ctx.manifest, name);
    } catch (e) {
      throw failureOf(e, 0, SuitReportReason.severingUnsupported);
    }
    if (s) sections.push(s);
  }
  try {
    await platform.begin?.(procedure, info);
  } catch (e) {
    throw failureOf(wrapPlatform(e, "begin"), 0);
  }
  const commit = { procedure, manifest: info, dependencies: interp.dependencies };
  try {
    interp.reset();
    for (const s of sections) await interp.runSection(ctx, s);
    try {
      await platform.commit(commit);
    } catch (e) {
      throw wrapPlatform(e, "commit");
    }
  } catch (e) {
    const f = failureOf(e, 0);
    try {
      await platform.abort?.(commit, f.error);
    } catch {
      // The failure being reported is the first one; an abort that fails too changes nothing durable.
    }
    throw f;
  }
}

function wrapPlatform(e: unknown, what: string): unknown {
  if (isRotkitError(e) || e instanceof Failure) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new RotkitError("SUIT_COMMAND_FAILED", `${what} failed on the platform: ${detail}`, { cause: e });
}

/**
 * Processes a SUIT envelope on a device (draft-ietf-suit-manifest §6): authenticates it (or takes an envelope
 * `verifySuitEnvelope` returned), asks the platform's rollback policy about its sequence number, then runs the
 * requested procedures' command sequences — shared sequence first — with every standard condition and directive
 * and those of trust-domains (dependencies), update-management and firmware-encryption (decryption on copy, write
 * and fetch). Each procedure is a platform transaction: `commit` only when it completed, `abort` otherwise.
 *
 * Never throws for a refused manifest: the result says `ok: false` with the RotkitError (SUIT_AUTH_FAILED,
 * ROLLBACK_REFUSED (the platform's code), SUIT_CONDITION_FAILED, SUIT_IMAGE_MISMATCH, ROLLBACK_EXPIRED (use-before),
 * SUIT_PARAMETER_MISSING, SUIT_COMMAND_FAILED, SUIT_DEPENDENCY_FAILED, SUIT_UNSUPPORTED, SUIT_MALFORMED), and the
 * SUIT report of the run either way. Throws only INVALID_ARGUMENT for unusable options (and what `reportKey.sign`
 * throws, if signing the report fails).
 *
 * @example
 * ```ts
 * const platform = new MemorySuitPlatform({ identity: { vendorIds: [vendor], classIds: [cls] }, resources });
 * const r = await processSuitEnvelope(envelopeBytes, platform, { keys: [authorKey], provider: nobleProvider() });
 * if (!r.ok) console.log(r.error?.code, r.report.result);
 * ```
 */
export async function processSuitEnvelope(
  envelope: Uint8Array | VerifiedSuitEnvelope,
  platform: SuitPlatform,
  options: ProcessSuitOptions,
): Promise<SuitProcessResult> {
  if (!options || typeof options !== "object" || !options.provider) {
    throw new RotkitError("INVALID_ARGUMENT", "SUIT processing: options with a provider are required");
  }
  if (!platform || typeof platform !== "object" || typeof platform.checkManifest !== "function") {
    throw new RotkitError("INVALID_ARGUMENT", "SUIT processing: a SuitPlatform is required");
  }
  const limits = limitsOf(options.processLimits);
  const procedures: SuitProcedure[] = (
    options.procedure === undefined
      ? ["update"]
      : typeof options.procedure === "string"
        ? [options.procedure]
        : [...options.procedure]
  ) as SuitProcedure[];
  for (const p of procedures) {
    if (p !== "update" && p !== "invoke" && p !== "uninstall") {
      throw new RotkitError("INVALID_ARGUMENT", `SUIT processing: unknown procedure ${String(p)}`);
    }
  }
  const recorder = new Recorder(limits.maxRecords);
  const completed: SuitProcedure[] = [];
  let env: VerifiedSuitEnvelope | undefined;
  let reference: SuitReport["reference"];
  let failure: Failure | undefined;
  const dependencies: SuitManifestInfo[] = [];

  if (isBytes(envelope)) {
    try {
      // §6.2: authenticated before anything in it is parsed or executed.
      env = await verifySuitEnvelope(envelope, options);
    } catch (e) {
      if (!isRotkitError(e)) throw e;
      failure = failureOf(e, 2);
    }
  } else if (
    envelope &&
    typeof envelope === "object" &&
    Array.isArray(envelope.signers) &&
    envelope.signers.length > 0
  ) {
    env = envelope;
  } else {
    throw new RotkitError("INVALID_ARGUMENT", "SUIT processing: bytes or a VerifiedSuitEnvelope are required");
  }

  if (env) {
    const m = env.manifest;
    reference = { ...(m.referenceUri !== undefined ? { uri: m.referenceUri } : {}), digest: env.authentication.digest };
    const info: SuitManifestInfo = {
      manifestId: [],
      sequenceNumber: m.sequenceNumber,
      digest: env.authentication.digest,
      ...(m.manifestComponentId ? { componentId: m.manifestComponentId } : {}),
      ...(m.referenceUri !== undefined ? { referenceUri: m.referenceUri } : {}),
      ...(m.setVersion ? { setVersion: m.setVersion } : {}),
    };
    const services: Services = {
      platform,
      provider: options.provider,
      limits,
      procedure: procedures[0] ?? "update",
      dependencyKeys: options.dependencyKeys ?? options.keys ?? [],
      verifyOptions: verifyOptionsOf(options),
      prefixDependencies: options.prefixDependencies === true,
      ...(options.decryptionKeys
        ? {
            decryption: {
              keys: options.decryptionKeys,
              ...(options.allowNonAead === undefined ? {} : { allowNonAead: options.allowNonAead }),
            },
          }
        : {}),
    };
    try {
      const ctx = await setup(env, info, platform, options, limits);
      for (const procedure of procedures) {
        const interp = new Interpreter({ ...services, procedure }, recorder);
        try {
          await runProcedure(interp, ctx, procedure, platform);
        } finally {
          dependencies.push(...interp.dependencies);
        }
        completed.push(procedure);
      }
    } catch (e) {
      failure = failureOf(e, 0);
    }
  } else {
    reference = { digest: await claimedDigest(envelope as Uint8Array, options) };
  }

  const report: SuitReport = {
    reference,
    ...(options.nonce ? { nonce: options.nonce } : {}),
    records: recorder.records,
    result: failure ? { code: resultCode(failure.error), record: failure.record, reason: failure.reason } : true,
  };
  const encoded = encodeSuitReport(report);
  const reportBytes = options.reportKey ? await signSuitReport(encoded, options.reportKey) : encoded;
  const result: SuitProcessResult = {
    ok: failure === undefined,
    completed,
    dependencies,
    report,
    reportBytes,
    ...(failure ? { error: failure.error } : {}),
    ...(env ? { envelope: env } : {}),
  };
  if (platform.report) {
    try {
      await platform.report(report, reportBytes);
    } catch (e) {
      result.reportError = e;
    }
  }
  return result;
}

function verifyOptionsOf(o: ProcessSuitOptions): Services["verifyOptions"] {
  const out: Services["verifyOptions"] = {};
  if (o.limits) out.limits = o.limits;
  if (o.canonical !== undefined) out.canonical = o.canonical;
  if (o.maxNesting !== undefined) out.maxNesting = o.maxNesting;
  if (o.maxDependencyDepth !== undefined) out.maxDependencyDepth = o.maxDependencyDepth;
  if (o.policy) out.policy = o.policy;
  if (o.allowedAlgs) out.allowedAlgs = o.allowedAlgs;
  if (o.maxKeyAttempts !== undefined) out.maxKeyAttempts = o.maxKeyAttempts;
  return out;
}
