import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { isRotkitError, RotkitError, webCryptoProvider } from "@rotkit/core";
import { coseAlgorithm } from "@rotkit/cose";
import {
  buildSuitEnvelope,
  decodeMcubootImageUnverified,
  decodeSuitEnvelopeUnverified,
  signSuitEnvelope,
} from "@rotkit/manifest";
import type { Io } from "../main.js";
import { type ArgSpec, type Args, parseArgs, single } from "./args.js";
import { parseDescription } from "./description.js";
import { readInput, writeOutput } from "./files.js";
import { type Authenticator, SIGN_ALGS, signingAuthenticator, verificationKeys } from "./keys.js";
import { render } from "./render.js";
import { mcubootInspectJson, suitInspectJson } from "./report.js";
import { detectFormat, verifyManifest } from "./verify.js";

// `rotkit manifest create | sign | inspect | verify`. Exit status: 0 done / verified; 1 the envelope or image was
// refused (the RotkitError code and message are printed); 2 usage, unreadable files, unusable keys or description.

export const MANIFEST_USAGE = `usage:
  rotkit manifest create <description.json> <out.suit>
      build an unsigned SUIT envelope from a JSON description (packages/cli/README.md)
  rotkit manifest sign <envelope> (--key <private key> | --secret <file>) [--alg <alg>] [--out <file>]
      add a COSE_Sign1 (or COSE_Mac0) authentication block; writes <envelope> in place unless --out
      --key: PEM / DER (PKCS#8, SEC1) / JWK / COSE_Key;  --alg ${SIGN_ALGS.join("|")}
      (default: ESP256/384/512 by curve, EdDSA for Ed25519, HMAC-256 for a symmetric key or --secret)
  rotkit manifest inspect <envelope|image> [--json] [--format suit|mcuboot]
      decode WITHOUT verifying: prints the manifest structure; nothing shown is authenticated
  rotkit manifest verify <envelope|image> --key <public key> [--key …] [--secret <file> …]
                         [--dependency-key <key> …] [--policy any|all] [--allow-alg <alg> …]
                         [--format suit|mcuboot|auto] [--json]
      exit 0 only for an authentic, well-formed envelope (or MCUboot image); else 1 and the error code
      --key: public key / private key / certificate as PEM or DER, JWK (Set), COSE_Key (Set)`;

const SPECS: Record<string, ArgSpec> = {
  create: { values: {}, positionals: 2 },
  sign: { values: { "--key": false, "--secret": false, "--alg": false, "--out": false }, positionals: 1 },
  inspect: { values: { "--format": false }, switches: ["--json"], positionals: 1 },
  verify: {
    values: {
      "--key": true,
      "--secret": true,
      "--dependency-key": true,
      "--policy": false,
      "--allow-alg": true,
      "--format": false,
    },
    switches: ["--json"],
    positionals: 1,
  },
};

/**
 * Runs `rotkit manifest <args>`; resolves with the exit status.
 *
 * @example
 * ```ts
 * await manifest(["verify", "update.suit", "--key", "author.pem"], { out: process.stdout, err: process.stderr }); // 0
 * ```
 */
export async function manifest(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const spec = sub === undefined ? undefined : SPECS[sub];
  if (sub === undefined || spec === undefined) {
    io.err.write(`${MANIFEST_USAGE}\n`);
    return sub === "--help" || sub === "help" ? 0 : 2;
  }
  const parsed = parseArgs(rest, spec);
  if (typeof parsed === "string") {
    io.err.write(`rotkit manifest ${sub}: ${parsed}\n${MANIFEST_USAGE}\n`);
    return 2;
  }
  try {
    switch (sub) {
      case "create":
        return await create(parsed, io);
      case "sign":
        return await sign(parsed, io);
      case "inspect":
        return inspect(parsed, io);
      default:
        return await verify(parsed, io);
    }
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    io.err.write(`rotkit manifest ${sub}: ${e.code}: ${e.message}\n`);
    return 2;
  }
}

/** The input was refused: exit 1 with the code (and a JSON line on stdout with --json). */
function refused(io: Io, sub: string, e: { code: string; message: string }, json: boolean, format: string): number {
  if (json) io.out.write(`${JSON.stringify({ format, verified: false, code: e.code, message: e.message })}\n`);
  io.err.write(`rotkit manifest ${sub}: refused: ${e.code}: ${e.message}\n`);
  return 1;
}

async function create(a: Args, io: Io): Promise<number> {
  const [descPath, outPath] = a.positional as [string, string];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(descPath, "utf8"));
  } catch (e) {
    throw new RotkitError("INVALID_ARGUMENT", `cannot read the JSON description ${descPath}`, { cause: e });
  }
  const description = parseDescription(json, { baseDir: dirname(descPath) });
  const envelope = await buildSuitEnvelope(description, { provider: webCryptoProvider() });
  // What create writes must decode: a description the builder takes but the CDDL refuses is the user's error.
  try {
    decodeSuitEnvelopeUnverified(envelope);
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    throw new RotkitError("INVALID_ARGUMENT", `the description builds an envelope that does not decode: ${e.message}`, {
      cause: e,
    });
  }
  writeOutput(outPath, envelope);
  io.out.write(
    `created ${outPath}: unsigned SUIT envelope, ${envelope.length} bytes, sequence number ${description.manifest.sequenceNumber}\n`,
  );
  return 0;
}

async function sign(a: Args, io: Io): Promise<number> {
  const [inPath] = a.positional as [string];
  const auth: Authenticator = signingAuthenticator(single(a, "--key"), single(a, "--secret"), single(a, "--alg"));
  const envelope = readInput(inPath, "envelope");
  const provider = webCryptoProvider();
  let signed: Uint8Array;
  try {
    signed = await signSuitEnvelope(envelope, {
      provider,
      ...(auth.kind === "signature"
        ? { signers: [auth.handle] }
        : { macs: [{ key: auth.key, alg: auth.alg, ...(auth.kid ? { kid: auth.kid } : {}) }] }),
    });
  } catch (e) {
    if (!isRotkitError(e) || e.code === "INVALID_ARGUMENT" || e.code.startsWith("CRYPTO_")) throw e;
    return refused(io, "sign", e, false, "suit");
  }
  const outPath = single(a, "--out") ?? inPath;
  writeOutput(outPath, signed);
  const blocks = decodeSuitEnvelopeUnverified(signed).authentication.blocks.length;
  const what =
    auth.kind === "signature" ? `COSE_Sign1 ${auth.handle.alg}` : `COSE_Mac0 ${coseAlgorithm(auth.alg).name}`;
  io.out.write(`signed ${outPath}: added a ${what} block (${blocks} in total), ${signed.length} bytes\n`);
  return 0;
}

function inspect(a: Args, io: Io): number {
  const [inPath] = a.positional as [string];
  const bytes = readInput(inPath, "envelope");
  const json = a.switches.has("--json");
  const format = detectFormat(bytes, single(a, "--format"));
  let report: ReturnType<typeof suitInspectJson>;
  try {
    report =
      format === "mcuboot"
        ? mcubootInspectJson(decodeMcubootImageUnverified(bytes))
        : suitInspectJson(decodeSuitEnvelopeUnverified(bytes));
  } catch (e) {
    if (!isRotkitError(e)) throw e;
    return refused(io, "inspect", e, json, format);
  }
  io.out.write(render(report, json));
  return 0;
}

async function verify(a: Args, io: Io): Promise<number> {
  const [inPath] = a.positional as [string];
  const json = a.switches.has("--json");
  const policy = single(a, "--policy");
  if (policy !== undefined && policy !== "any" && policy !== "all") {
    throw new RotkitError("INVALID_ARGUMENT", `--policy ${policy}: any or all`);
  }
  const keys = verificationKeys(a.values.get("--key") ?? [], a.values.get("--secret") ?? []);
  const dependencyKeys = verificationKeys(a.values.get("--dependency-key") ?? [], []);
  const bytes = readInput(inPath, "envelope");
  const allowed = a.values.get("--allow-alg")?.map((x) => (/^-?\d+$/.test(x) ? Number(x) : x));
  const result = await verifyManifest(bytes, {
    keys,
    dependencyKeys,
    ...(single(a, "--format") !== undefined ? { format: single(a, "--format") } : {}),
    ...(policy ? { policy: policy as "any" | "all" } : {}),
    ...(allowed ? { allowedAlgs: allowed } : {}),
  });
  if (!result.verified) return refused(io, "verify", result, json, result.format);
  io.out.write(render(result.report, json));
  return 0;
}
