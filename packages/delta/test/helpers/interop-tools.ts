import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ByteSink, type ByteSource, bytesEqual, concatBytes, RotkitError } from "@rotkit/core";

// Shared by the bsdiff-*, vcdiff-* and bzip2-* tests: the real tools (bsdiff, bspatch, xdelta3, bzip2) driven
// through temp files, in-memory readers/sources/sinks, and an async mutation runner.

const here = dirname(fileURLToPath(import.meta.url));
export const VECTORS = resolve(here, "../../../../test-vectors/delta-interop");
export const CORPUS = resolve(here, "../../../../../shared/corpus/delta");

export function vector(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(VECTORS, name)));
}

/** True when `tool` runs; otherwise warns once, naming the Debian package that provides it. */
export function haveTool(tool: string, debianPackage: string): boolean {
  const ok = spawnSync(tool, tool === "xdelta3" ? ["-V"] : ["--help"], { stdio: "ignore" }).error === undefined;
  if (!ok) console.warn(`${tool} is not installed (Debian package ${debianPackage}); skipping the tests that need it`);
  return ok;
}

export interface ImagePair {
  old: Uint8Array;
  new: Uint8Array;
}

/** The named pairs of ../shared/corpus/delta that are present (none in a checkout without the corpus). */
export function corpusPairs(names: string[]): [string, ImagePair][] {
  const pairs: [string, ImagePair][] = [];
  for (const name of names) {
    const dir = join(CORPUS, name);
    if (!existsSync(join(dir, "old.bin"))) continue;
    const read = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
    pairs.push([name, { old: read("old.bin"), new: read("new.bin") }]);
  }
  return pairs;
}

function inTemp<T>(files: Record<string, Uint8Array>, run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "rotkit-delta-interop-"));
  try {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const file = (dir: string, name: string) => new Uint8Array(readFileSync(join(dir, name)));

export function bsdiff(oldImage: Uint8Array, newImage: Uint8Array): Uint8Array {
  return inTemp({ old: oldImage, new: newImage }, (d) => {
    execFileSync("bsdiff", [join(d, "old"), join(d, "new"), join(d, "patch")]);
    return file(d, "patch");
  });
}

export function bspatch(oldImage: Uint8Array, patch: Uint8Array): Uint8Array {
  return inTemp({ old: oldImage, patch }, (d) => {
    execFileSync("bspatch", [join(d, "old"), join(d, "new"), join(d, "patch")]);
    return file(d, "new");
  });
}

/** `xdelta3 -e -S none <flags> [-s old] new patch`; `oldImage` undefined encodes without a source. */
export function xdelta3Encode(
  oldImage: Uint8Array | undefined,
  newImage: Uint8Array,
  flags: readonly string[] = [],
): Uint8Array {
  return inTemp(oldImage ? { old: oldImage, new: newImage } : { new: newImage }, (d) => {
    const source = oldImage ? ["-s", join(d, "old")] : [];
    execFileSync("xdelta3", ["-e", "-f", "-S", "none", ...flags, ...source, join(d, "new"), join(d, "patch")]);
    return file(d, "patch");
  });
}

export function xdelta3Decode(oldImage: Uint8Array | undefined, patch: Uint8Array): Uint8Array {
  return inTemp(oldImage ? { old: oldImage, patch } : { patch }, (d) => {
    const source = oldImage ? ["-s", join(d, "old")] : [];
    execFileSync("xdelta3", ["-d", "-f", ...source, join(d, "patch"), join(d, "new")]);
    return file(d, "new");
  });
}

export function bzip2Compress(data: Uint8Array, level = 9): Uint8Array {
  return new Uint8Array(execFileSync("bzip2", ["-c", `-${level}`], { input: data, maxBuffer: 1 << 28 }));
}

// The package's own in-memory reader (src/memory-io.ts), re-exported for the interop tests.
export { memoryReader } from "@rotkit/delta";

/** A pull source handing out `chunk`-byte pieces (async when `async`), like a download. */
export function pullSource(bytes: Uint8Array, chunk = 4096, async = false): ByteSource {
  let pos = 0;
  return {
    read(max: number) {
      const n = Math.min(max, chunk, bytes.length - pos);
      const out = bytes.slice(pos, pos + n);
      pos += n;
      return async ? Promise.resolve(out) : out;
    },
  };
}

export interface CollectingSink extends ByteSink {
  readonly bytes: () => Uint8Array;
  readonly writes: number;
}

export function collectingSink(): CollectingSink {
  const chunks: Uint8Array[] = [];
  let writes = 0;
  return {
    write(chunk: Uint8Array) {
      chunks.push(chunk.slice());
      writes++;
    },
    get writes() {
      return writes;
    },
    bytes: () => concatBytes(...chunks),
  };
}

/** Deterministic firmware-like image: incompressible "code", repeated strings, low-entropy tables, 0xff padding. */
export function synthImage(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) & 0xff;
  };
  const code = Math.floor(size * 0.4);
  const strings = Math.floor(size * 0.7);
  const tables = Math.floor(size * 0.85);
  for (let i = 0; i < code; i++) out[i] = rnd();
  const text = "rotkit firmware module ready; ";
  for (let i = code; i < strings; i++) out[i] = text.charCodeAt(i % text.length);
  for (let i = strings; i < tables; i++) out[i] = rnd() % 5;
  out.fill(0xff, tables);
  return out;
}

/** A "new version": a few changed bytes, an insertion and a deletion (positions scale with the size). */
export function editImage(image: Uint8Array, seed: number): Uint8Array {
  const n = image.length;
  const out: number[] = Array.from(image);
  const at = (f: number) => Math.floor(n * f);
  for (let i = 0; i < 16 && at(0.1) + i * 7 < out.length; i++) out[at(0.1) + i * 7] = (seed + i) & 0xff;
  out.splice(at(0.5), 0, ...Array.from({ length: 40 + (seed % 50) }, (_, i) => (i * seed) & 0xff));
  out.splice(at(0.8), Math.min(30, Math.floor(n / 10)));
  return new Uint8Array(out);
}

export const equalBytes = bytesEqual;

export interface AsyncMutationOutcome {
  /** Inputs rejected, counted by RotkitError code. */
  codes: Record<string, number>;
  rejected: number;
  /** Inputs accepted with exactly the expected output (a mutation that does not matter: an unused table...). */
  acceptedSame: number;
  /** Inputs accepted with a different output (what a checksum must prevent), as "at^mask" / "truncated to n". */
  acceptedDifferent: string[];
}

/** Every single-byte XOR mutation (masks as core's mutate helpers) and every truncation of `patch`. */
export function* patchMutations(patch: Uint8Array): Generator<{ name: string; bytes: Uint8Array }> {
  for (let at = 0; at < patch.length; at++) {
    for (const mask of [0x01, 0x80, 0x20, 0x1f, 0xff]) {
      const bytes = patch.slice();
      bytes[at] = (bytes[at] as number) ^ mask;
      yield { name: `${at}^${mask}`, bytes };
    }
  }
  for (let n = 0; n < patch.length; n++) yield { name: `truncated to ${n}`, bytes: patch.slice(0, n) };
}

/**
 * Runs `apply` on each input; anything thrown must be a RotkitError with a DELTA_* code (else the test fails with
 * the input named). Returns what was rejected and what was accepted (same or different output).
 */
export async function runMutations(
  inputs: Iterable<{ name: string; bytes: Uint8Array }>,
  apply: (patch: Uint8Array) => Promise<Uint8Array>,
  expected: Uint8Array,
): Promise<AsyncMutationOutcome> {
  const outcome: AsyncMutationOutcome = { codes: {}, rejected: 0, acceptedSame: 0, acceptedDifferent: [] };
  for (const { name, bytes } of inputs) {
    let out: Uint8Array;
    try {
      out = await apply(bytes);
    } catch (e) {
      if (!(e instanceof RotkitError) || !e.code.startsWith("DELTA_")) {
        throw new Error(`mutation ${name}: expected a DELTA_* RotkitError, got ${String(e)}`, { cause: e });
      }
      outcome.rejected++;
      outcome.codes[e.code] = (outcome.codes[e.code] ?? 0) + 1;
      continue;
    }
    if (equalBytes(out, expected)) outcome.acceptedSame++;
    else outcome.acceptedDifferent.push(name);
  }
  return outcome;
}

/** The RotkitError code `fn` rejects with, or "ok". */
export async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return "ok";
  } catch (e) {
    if (e instanceof RotkitError) return e.code;
    throw e;
  }
}
