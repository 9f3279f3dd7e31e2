import { toHex } from "@rotkit/core";
import { DELTA_HEADER_SIZE, decodeDeltaHeader } from "@rotkit/delta";
import type { Io } from "../main.js";
import { parseDeltaArgs, usageError } from "./command.js";
import { fileReader } from "./file-io.js";

// `rotkit delta info <patch>`: the header of a rotkit delta and its block table (docs/delta-format.md), read
// without applying anything. A damaged header is DELTA_CORRUPT like in apply.

const BLOCK_HEADER = 12;
const PREDICTOR_NAMES = ["pointers", "a32", "thumb"];

function u32(b: Uint8Array, i: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(i, true);
}

/**
 * `rotkit delta info`.
 *
 * @example
 * ```ts
 * await deltaInfo(["update.rkd", "--json"], io);
 * ```
 */
export async function deltaInfo(args: string[], io: Io): Promise<number> {
  const parsed = parseDeltaArgs(args, [], ["--json"]);
  if (typeof parsed === "string") return usageError(io, parsed);
  if (parsed.positional.length !== 1) return usageError(io, "info takes <patch>");
  const path = parsed.positional[0] as string;
  const file = fileReader(path, "patch");
  try {
    const h = decodeDeltaHeader(await file.read(0, Math.min(DELTA_HEADER_SIZE, file.size)));
    const blocks: { payload: number; output: number }[] = [];
    let at = DELTA_HEADER_SIZE;
    for (let i = 0; i < h.blockCount && at + BLOCK_HEADER <= file.size; i++) {
      const bh = await file.read(at, BLOCK_HEADER);
      blocks.push({ payload: u32(bh, 0), output: u32(bh, 4) });
      at += BLOCK_HEADER + u32(bh, 0);
    }
    const info = {
      format: "rotkit-delta",
      version: h.version,
      codec: h.codec === 1 ? "range-coder" : h.codec,
      predictors: PREDICTOR_NAMES.filter((_, i) => h.predictors & (1 << i)),
      inPlace: h.inPlaceGranule > 0,
      inPlaceGranule: h.inPlaceGranule,
      oldSize: h.oldSize,
      newSize: h.newSize,
      oldSha256: toHex(h.oldDigest),
      newSha256: toHex(h.newDigest),
      blockOutputMax: h.blockOutputMax,
      blockCount: h.blockCount,
      blocksPresent: blocks.length,
      patchSize: file.size,
      complete: blocks.length === h.blockCount && at === file.size,
      largestBlockPayload: blocks.reduce((m, b) => Math.max(m, b.payload), 0),
    };
    if (parsed.switches.has("--json")) io.out.write(`${JSON.stringify(info)}\n`);
    else
      for (const [k, v] of Object.entries(info))
        io.out.write(`${k.padEnd(20)} ${Array.isArray(v) ? v.join(", ") : v}\n`);
    return info.complete ? 0 : 1;
  } finally {
    file.close();
  }
}
