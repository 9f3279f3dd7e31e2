import { isAbsolute, join } from "node:path";
import { fromHex, RotkitError, toHex, utf8Encode } from "@rotkit/core";
import { type SeverableName, SuitDigestAlg } from "@rotkit/manifest";
import { readInput } from "./files.js";

// The value conventions of the JSON manifest description (packages/cli/README.md "manifest description"), both
// ways: reading a description (strict: unknown members, non-integers and odd hex are refused with the JSON path)
// and writing the typed model back out (inspect / verify --json), so that what inspect prints can be fed to create.

/** The severable manifest members (§8.5), by their names in the typed model. */
export const SEVERABLE_NAMES: readonly SeverableName[] = [
  "payloadFetch",
  "install",
  "text",
  "dependencyResolution",
  "candidateVerification",
  "coswid",
];

/** Where relative `{"file": …}` references resolve. */
export interface JsonContext {
  baseDir: string;
}

/** INVALID_ARGUMENT naming the JSON path of the offending value. */
export function invalid(at: string, message: string): never {
  throw new RotkitError("INVALID_ARGUMENT", `description ${at}: ${message}`, { at });
}

/** A plain JSON object whose members are all in `allowed` (typos are errors, not ignored members). */
export function object(v: unknown, at: string, allowed?: readonly string[]): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) invalid(at, "must be an object");
  if (allowed) {
    for (const k of Object.keys(v)) if (!allowed.includes(k)) invalid(`${at}.${k}`, "unknown member");
  }
  return v as Record<string, unknown>;
}

export function list(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) invalid(at, "must be an array");
  return v;
}

export function int(v: unknown, at: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) invalid(at, "must be an integer");
  return v;
}

export function uint(v: unknown, at: string): number {
  const n = int(v, at);
  if (n < 0) invalid(at, "must not be negative");
  return n;
}

export function bool(v: unknown, at: string): boolean {
  if (typeof v !== "boolean") invalid(at, "must be true or false");
  return v;
}

export function text(v: unknown, at: string): string {
  if (typeof v !== "string") invalid(at, "must be a string");
  return v;
}

/** An integer member key of a JSON object ("0", "-1"). */
export function intKey(k: string, at: string): number {
  if (!/^-?(0|[1-9][0-9]*)$/.test(k)) invalid(`${at}.${k}`, "key must be an integer");
  return int(Number(k), `${at}.${k}`);
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEX = /^([0-9a-fA-F]{2})*$/;

function hexBytes(s: string, at: string): Uint8Array {
  if (UUID.test(s)) return fromHex(s.replaceAll("-", ""));
  if (!HEX.test(s)) invalid(at, `"${s.length > 40 ? `${s.slice(0, 40)}…` : s}" is not hex (or a UUID)`);
  return fromHex(s);
}

/** A file named relative to the description. */
export function resolvePath(ctx: JsonContext, file: string): string {
  return isAbsolute(file) ? file : join(ctx.baseDir, file);
}

/**
 * A byte string: `"00ff…"` (hex), `"fa6b4a53-d5ad-…"` (a UUID, 16 bytes), `{"hex": …}`, `{"utf8": "text"}`
 * or `{"file": "path"}` (the file's bytes, relative to the description).
 */
export function bytes(v: unknown, at: string, ctx: JsonContext): Uint8Array {
  if (typeof v === "string") return hexBytes(v, at);
  const o = object(v, at, ["hex", "utf8", "file"]);
  const keys = Object.keys(o);
  if (keys.length !== 1) invalid(at, 'must be a hex string or one of {"hex"}, {"utf8"}, {"file"}');
  if (o.hex !== undefined) return hexBytes(text(o.hex, `${at}.hex`), `${at}.hex`);
  if (o.utf8 !== undefined) return utf8Encode(text(o.utf8, `${at}.utf8`));
  return readInput(resolvePath(ctx, text(o.file, `${at}.file`)), "file");
}

/** A SUIT_Component_Identifier: a list of byte strings. */
export function componentId(v: unknown, at: string, ctx: JsonContext): Uint8Array[] {
  return list(v, at).map((x, i) => bytes(x, `${at}[${i}]`, ctx));
}

/** suit-cose-hash-algs by name (§8.4.2.3, App. A). */
export const DIGEST_ALG_NAMES: Readonly<Record<string, number>> = {
  "sha-256": SuitDigestAlg.sha256,
  shake128: SuitDigestAlg.shake128,
  "sha-384": SuitDigestAlg.sha384,
  "sha-512": SuitDigestAlg.sha512,
  shake256: SuitDigestAlg.shake256,
};

/** A digest algorithm: a name of {@link DIGEST_ALG_NAMES} or the COSE integer. */
export function digestAlg(v: unknown, at: string): number {
  if (typeof v === "number") return int(v, at);
  const id = DIGEST_ALG_NAMES[text(v, at).toLowerCase()];
  if (id === undefined)
    invalid(at, `unknown digest algorithm ${String(v)} (${Object.keys(DIGEST_ALG_NAMES).join(", ")})`);
  return id;
}

// ---- output side ------------------------------------------------------------------------------------------------

export function hexOut(b: Uint8Array): string {
  return toHex(b);
}

/** A 16-byte identifier in the UUID form people compare with (RFC 9562 §4), other lengths as hex. */
export function idOut(b: Uint8Array): string {
  if (b.length !== 16) return toHex(b);
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function digestAlgOut(id: number): string | number {
  for (const [name, v] of Object.entries(DIGEST_ALG_NAMES)) if (v === id) return name;
  return id;
}
