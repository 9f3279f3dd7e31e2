import type { CryptoProvider } from "@rotkit/core";
import type { RecipientKey } from "@rotkit/cose";
import type { SuitVerificationKey } from "../authenticate.js";
import type { SuitParameters } from "../types.js";
import type { VerifySuitOptions } from "../verify.js";
import type { ComponentEntry, ManifestContext } from "./context.js";
import type { SuitComponentRef, SuitPlatform, SuitProcedure } from "./platform.js";

// What command handlers share: the platform, the crypto provider, the bounds, and the call they execute.

/** Bounds on what one processing run may do (hostile manifests cannot loop, but they can multiply work). */
export interface SuitProcessLimits {
  /** Largest component the interpreter reads into memory (image-match, check-content, copy, decryption). Default 16 MiB. */
  maxImageSize: number;
  /** Largest dependency envelope fetched. Default 64 KiB. */
  maxManifestSize: number;
  /** Commands executed in total, nested sequences and per-component repetitions included. Default 100000. */
  maxCommands: number;
  /** Components (plus dependencies) a manifest may declare (§6.2). Default 64. */
  maxComponents: number;
  /** Dependency manifests nested below the root. Default 3. */
  maxDependencyDepth: number;
  /** Records kept in the report (the failure record is always kept). Default 256. */
  maxRecords: number;
  /** Chunk size for reading and fetching. Default 4096. */
  chunkSize: number;
}

/** Default {@link SuitProcessLimits}. */
export const DEFAULT_SUIT_PROCESS_LIMITS: Readonly<SuitProcessLimits> = {
  maxImageSize: 16 * 1024 * 1024,
  maxManifestSize: 64 * 1024,
  maxCommands: 100_000,
  maxComponents: 64,
  maxDependencyDepth: 3,
  maxRecords: 256,
  chunkSize: 4096,
};

/** Keys for dependency envelopes: a list, or a function of the URI they were fetched from and their depth. */
export type SuitDependencyKeys =
  | readonly SuitVerificationKey[]
  | ((uri: string, depth: number) => readonly SuitVerificationKey[] | undefined);

/** The interpreter's fixed inputs. */
export interface Services {
  platform: SuitPlatform;
  provider: CryptoProvider;
  limits: SuitProcessLimits;
  procedure: SuitProcedure;
  /** Keys for verifying fetched dependency envelopes. */
  dependencyKeys: SuitDependencyKeys;
  /** Options for verifying dependency envelopes (limits, policy, allowed algorithms). */
  verifyOptions: Omit<VerifySuitOptions, "keys" | "provider" | "dependencyKeys">;
  /** Prepend each dependency's suit-dependency-prefix to its component identifiers (trust-domains §5.2.2). */
  prefixDependencies: boolean;
  /** Keys for SUIT_Encryption_Info (firmware-encryption), when payloads are encrypted. */
  decryption?: { keys: readonly RecipientKey[]; allowNonAead?: boolean };
}

/** One command applied to one component. */
export interface CommandCall {
  /** Location for errors, e.g. `install[3]`. */
  at: string;
  index: number;
  entry: ComponentEntry;
  ref: SuitComponentRef;
  /** The component's parameters when the command runs. */
  params: SuitParameters;
  ctx: ManifestContext;
}
