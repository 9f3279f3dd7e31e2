import type { ByteSource } from "@rotkit/core";
import { decryptSuitPayload } from "../encryption.js";
import { commandFailed, platformCall } from "./failure.js";
import type { SuitComponentRef, SuitWriteOptions } from "./platform.js";
import type { CommandCall, Services } from "./services.js";

// Moving bytes between the platform and the interpreter, always bounded: a declared size is checked before
// anything is allocated, a source that yields more than allowed is cut off.

/** The component's content (its first `size` bytes when given), or undefined when it holds nothing / less. */
export async function readComponent(
  svc: Services,
  at: string,
  ref: SuitComponentRef,
  size?: number,
): Promise<Uint8Array | undefined> {
  const reader = await platformCall(at, "open", () => svc.platform.open(ref));
  if (!reader) return undefined;
  const total = size ?? reader.size;
  if (!Number.isSafeInteger(reader.size) || reader.size < 0)
    commandFailed("SUIT_COMMAND_FAILED", at, "bad component size");
  if (total > reader.size) return undefined;
  if (total > svc.limits.maxImageSize) {
    commandFailed("SUIT_COMMAND_FAILED", at, `component is ${total} bytes, above the ${svc.limits.maxImageSize} limit`);
  }
  const out = new Uint8Array(total);
  for (let off = 0; off < total; ) {
    const n = Math.min(svc.limits.chunkSize, total - off);
    const chunk = await platformCall(at, "read", () => reader.read(off, n));
    if (!(chunk instanceof Uint8Array) || chunk.length !== n) {
      commandFailed("SUIT_COMMAND_FAILED", at, "the platform returned a short read");
    }
    out.set(chunk, off);
    off += n;
  }
  return out;
}

/** Collects a fetched source into memory, refusing more than `limit` bytes. */
export async function collect(
  svc: Services,
  at: string,
  source: ByteSource | Uint8Array,
  limit: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  await drain(svc, at, source, limit, (c) => {
    chunks.push(c.slice());
    total += c.length;
  });
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** Pulls every chunk of `source` (at most `limit` bytes in total) into `sink`. */
export async function drain(
  svc: Services,
  at: string,
  source: ByteSource | Uint8Array,
  limit: number,
  sink: (chunk: Uint8Array) => Promise<void> | void,
): Promise<number> {
  const tooLarge = (): never => commandFailed("SUIT_COMMAND_FAILED", at, `the payload is larger than ${limit} bytes`);
  if (source instanceof Uint8Array) {
    if (source.length > limit) tooLarge();
    if (source.length > 0) await sink(source);
    return source.length;
  }
  if (!source || typeof source.read !== "function") commandFailed("SUIT_COMMAND_FAILED", at, "fetch returned no bytes");
  let total = 0;
  for (;;) {
    // One byte beyond the limit is asked for, so an oversized payload is detected without reading it all.
    const max = Math.min(svc.limits.chunkSize, limit - total + 1);
    const chunk = await platformCall(at, "fetch read", () => source.read(max));
    if (!(chunk instanceof Uint8Array) || chunk.length > max) {
      commandFailed("SUIT_COMMAND_FAILED", at, "the byte source returned more than it was asked for");
    }
    if (chunk.length === 0) return total;
    total += chunk.length;
    if (total > limit) tooLarge();
    await sink(chunk);
  }
}

/** Replaces a component's content with `data` (from memory or a source), through the platform's staged writer. */
export async function writeComponent(
  svc: Services,
  at: string,
  ref: SuitComponentRef,
  options: SuitWriteOptions,
  source: ByteSource | Uint8Array,
  limit: number,
): Promise<number> {
  const writer = await platformCall(at, "create", () => svc.platform.create(ref, options));
  let n: number;
  try {
    n = await drain(svc, at, source, limit, (chunk) => platformCall(at, "write", () => writer.write(chunk)));
  } catch (e) {
    await platformCall(at, "abort write", () => writer.abort?.()).catch(() => undefined);
    throw e;
  }
  await platformCall(at, "close", () => writer.close());
  return n;
}

/** firmware-encryption: decrypts a payload with the component's SUIT_Encryption_Info. */
export async function decryptPayload(svc: Services, call: CommandCall, ciphertext: Uint8Array): Promise<Uint8Array> {
  const info = call.params.encryptionInfo as Uint8Array;
  if (!svc.decryption)
    commandFailed("SUIT_UNSUPPORTED", call.at, "the payload is encrypted and no decryption keys were given");
  try {
    return await decryptSuitPayload(info, ciphertext, {
      provider: svc.provider,
      keys: svc.decryption.keys,
      ...(svc.decryption.allowNonAead === undefined ? {} : { allowNonAead: svc.decryption.allowNonAead }),
    });
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return commandFailed("SUIT_COMMAND_FAILED", call.at, `decrypting the payload failed: ${detail}`, e);
  }
}

/** The write options a component's parameters give (image size, component metadata). */
export function writeOptions(call: CommandCall, size?: number): SuitWriteOptions {
  const p = call.params;
  const s = size ?? p.imageSize;
  return { ...(s === undefined ? {} : { size: s }), ...(p.componentMetadata ? { metadata: p.componentMetadata } : {}) };
}
