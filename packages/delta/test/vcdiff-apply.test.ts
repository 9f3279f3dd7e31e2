import { type ApplyVcdiffOptions, applyVcdiff } from "@rotkit/delta";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  codeOf,
  collectingSink,
  corpusPairs,
  editImage,
  equalBytes,
  haveTool,
  memoryReader,
  patchMutations,
  pullSource,
  runMutations,
  synthImage,
  vector,
  xdelta3Decode,
  xdelta3Encode,
} from "./helpers/interop-tools.js";

const hasXdelta3 = haveTool("xdelta3", "xdelta3");

async function apply(old: Uint8Array, patch: Uint8Array, options: ApplyVcdiffOptions = {}, chunk = 777) {
  const sink = collectingSink();
  const result = await applyVcdiff(memoryReader(old), pullSource(patch, chunk, true), sink, options);
  return { result, bytes: sink.bytes(), writes: sink.writes };
}

/** RFC 3284 integer encoding (base 128, big-endian, continuation bit on all but the last byte). */
function vi(n: number): number[] {
  const out = [n & 0x7f];
  for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) out.unshift((v & 0x7f) | 0x80);
  return out;
}

interface CraftWindow {
  indicator?: number;
  segment?: [length: number, position: number];
  targetLength: number;
  data: number[];
  inst: number[];
  addr: number[];
  checksum?: number;
}

/** A VCDIFF patch from hand-written windows (default code table opcodes). */
function craft(windows: CraftWindow[], headerIndicator = 0, extraHeader: number[] = []): Uint8Array {
  const out = [0xd6, 0xc3, 0xc4, 0x00, headerIndicator, ...extraHeader];
  for (const w of windows) {
    out.push(w.indicator ?? 0);
    if (w.segment) out.push(...vi(w.segment[0]), ...vi(w.segment[1]));
    const body = [...vi(w.targetLength), 0, ...vi(w.data.length), ...vi(w.inst.length), ...vi(w.addr.length)];
    if (w.checksum !== undefined)
      body.push((w.checksum >>> 24) & 0xff, (w.checksum >>> 16) & 0xff, (w.checksum >>> 8) & 0xff, w.checksum & 0xff);
    body.push(...w.data, ...w.inst, ...w.addr);
    out.push(...vi(body.length), ...body);
  }
  return new Uint8Array(out);
}

const ascii = (s: string) => Array.from(new TextEncoder().encode(s));
// Default code table (RFC 3284 §5.6): ADD size s = 1 + s (s <= 17), COPY mode 0 size s = 16 + s (4..18), RUN = 0.
const ADD = (s: number) => 1 + s;
const COPY0 = (s: number) => 16 + s;
const RUN = 0;

describe("applyVcdiff: committed xdelta3 vectors (no tool needed)", () => {
  const old = vector("old.bin");
  const expected = vector("new.bin");

  it.each([
    ["new.xdelta3", 1, 1, true],
    ["new-n.xdelta3", 1, 0, true],
    ["new-A.xdelta3", 1, 1, false],
    ["new-nA.xdelta3", 1, 0, false],
    ["new-W16k.xdelta3", 2, 2, true],
  ] as const)("%s: byte-exact (%i windows, %i checksummed)", async (name, windows, checksummed, appHeader) => {
    const { result, bytes } = await apply(old, vector(name));
    expect(equalBytes(bytes, expected)).toBe(true);
    expect(result).toMatchObject({ newSize: expected.length, windows, checksummedWindows: checksummed });
    // Working memory: the largest window plus its encoding (one 24 KB window, or 16 KB windows with -W 16384).
    const window = windows === 1 ? expected.length : 16384;
    expect(result.windowBytes).toBeGreaterThanOrEqual(window);
    expect(result.windowBytes).toBeLessThan(window + vector(name).length);
    expect(result.appHeader ? new TextDecoder().decode(result.appHeader) : undefined).toBe(
      appHeader ? "new.bin//old.bin/" : undefined,
    );
  });

  it("ath9k-htc firmware pair (Xtensa, 51 KB): byte-exact", async () => {
    const d = "ath9k-htc-fw/";
    const { bytes } = await apply(vector(`${d}old.bin`), vector(`${d}new.xdelta3`), {}, 4096);
    expect(equalBytes(bytes, vector(`${d}new.bin`))).toBe(true);
  });

  it("rejects xdelta3's secondary compression (-S lzma) with DELTA_UNSUPPORTED", async () => {
    expect(await codeOf(() => apply(old, vector("new-lzma.xdelta3")))).toBe("DELTA_UNSUPPORTED");
  });

  it("applies the limits before allocating", async () => {
    const patch = vector("new.xdelta3");
    expect(await codeOf(() => apply(old, patch, { maxWindowSize: expected.length - 1 }))).toBe("DELTA_LIMIT");
    expect(await codeOf(() => apply(old, patch, { maxEncodingSize: 10 }))).toBe("DELTA_LIMIT");
    expect(await codeOf(() => apply(old, patch, { maxNewSize: 100 }))).toBe("DELTA_LIMIT");
    expect(await codeOf(() => apply(old, patch, { maxAppHeaderSize: 3 }))).toBe("DELTA_LIMIT");
    expect(await codeOf(() => apply(old, patch, { expectedNewSize: expected.length - 1 }))).toBe(
      "DELTA_OUTPUT_MISMATCH",
    );
  });

  it("a cut between two windows is only detectable with expectedNewSize (VCDIFF has no total length)", async () => {
    const patch = vector("new-W16k.xdelta3");
    // Find the end of the first window: the shortest prefix that applies.
    let cut = 0;
    for (let n = 6; n < patch.length && cut === 0; n++) {
      if ((await codeOf(() => apply(old, patch.subarray(0, n)))) === "ok") cut = n;
    }
    expect(cut).toBeGreaterThan(0);
    const { bytes } = await apply(old, patch.subarray(0, cut));
    expect(bytes.length).toBe(16384);
    const sink = collectingSink();
    const code = await codeOf(() =>
      applyVcdiff(memoryReader(old), pullSource(patch.subarray(0, cut)), sink, { expectedNewSize: expected.length }),
    );
    expect(code).toBe("DELTA_OUTPUT_MISMATCH");
    expect(sink.writes).toBe(0);
  });

  // Multi-window: a cut between windows needs expectedNewSize (see above); single windows need nothing.
  it.each([
    ["new.xdelta3", false],
    ["new-A.xdelta3", false],
    ["new-W16k.xdelta3", true],
  ] as const)(
    "%s: every single-byte mutation and truncation is rejected (DELTA_*) or gives the same image",
    async (name, withSize) => {
      const patch = vector(name);
      const options = withSize ? { expectedNewSize: expected.length } : {};
      const outcome = await runMutations(
        patchMutations(patch),
        async (p) => (await apply(old, p, options)).bytes,
        expected,
      );
      // Adler-32 covers every target byte; what is accepted is the app header or an equivalent encoding.
      expect(outcome.acceptedDifferent).toEqual([]);
      expect(outcome.rejected).toBeGreaterThan(5 * patch.length);
    },
  );

  it.each(["new-n.xdelta3", "new-nA.xdelta3"])(
    "%s (no checksum): mutations never crash, every truncation is rejected",
    async (name) => {
      const patch = vector(name);
      const outcome = await runMutations(patchMutations(patch), async (p) => (await apply(old, p)).bytes, expected);
      // Without -n's checksum a flipped data byte is simply another image: VCDIFF itself has no integrity check.
      expect(outcome.acceptedDifferent.some((n) => n.startsWith("truncated"))).toBe(false);
      expect(outcome.rejected).toBeGreaterThan(2 * patch.length);
    },
  );
});

describe("applyVcdiff: hand-made windows", () => {
  const none = new Uint8Array(0);

  it("ADD, RUN and a self-overlapping COPY inside the target window", async () => {
    const patch = craft([
      { targetLength: 12, data: [...ascii("ab"), 0x7a], inst: [ADD(2), COPY0(6), RUN, 4], addr: [0] },
    ]);
    const { bytes } = await apply(none, patch);
    expect(new TextDecoder().decode(bytes)).toBe("abababab" + "zzzz");
  });

  it("a COPY that starts in the source segment and runs on into the target (U = S + T)", async () => {
    const old = new Uint8Array(ascii("....WXYZ...."));
    const patch = craft([{ indicator: 1, segment: [4, 4], targetLength: 8, data: [], inst: [COPY0(8)], addr: [0] }]);
    expect(new TextDecoder().decode((await apply(old, patch)).bytes)).toBe("WXYZWXYZ");
  });

  it("VCD_TARGET windows read earlier output through options.writtenReader", async () => {
    const patch = craft([
      { targetLength: 8, data: ascii("abcdefgh"), inst: [ADD(8)], addr: [] },
      { indicator: 2, segment: [4, 2], targetLength: 4, data: [], inst: [COPY0(4)], addr: [0] },
    ]);
    expect(await codeOf(() => apply(none, patch))).toBe("DELTA_UNSUPPORTED");
    const sink = collectingSink();
    const writtenReader = {
      get size() {
        return sink.bytes().length;
      },
      read: (o: number, n: number) => sink.bytes().subarray(o, o + n),
    };
    await applyVcdiff(memoryReader(none), pullSource(patch), sink, { writtenReader });
    expect(new TextDecoder().decode(sink.bytes())).toBe("abcdefghcdef");
  });

  it("checks the Adler-32 of each window", async () => {
    const good = craft([
      { indicator: 4, targetLength: 3, data: ascii("abc"), inst: [ADD(3)], addr: [], checksum: 0x024d0127 },
    ]);
    expect(new TextDecoder().decode((await apply(none, good)).bytes)).toBe("abc");
    const bad = craft([
      { indicator: 4, targetLength: 3, data: ascii("abc"), inst: [ADD(3)], addr: [], checksum: 0x024d0128 },
    ]);
    expect(await codeOf(() => apply(none, bad))).toBe("DELTA_CORRUPT");
  });

  it("rejects custom code tables, secondary compression, unknown bits and other versions", async () => {
    const w = { targetLength: 1, data: [1], inst: [ADD(1)], addr: [] };
    expect(await codeOf(() => apply(none, craft([w], 0x02)))).toBe("DELTA_UNSUPPORTED");
    expect(await codeOf(() => apply(none, craft([w], 0x01, [0x02])))).toBe("DELTA_UNSUPPORTED");
    expect(await codeOf(() => apply(none, craft([w], 0x08)))).toBe("DELTA_CORRUPT");
    expect(await codeOf(() => apply(none, craft([{ ...w, indicator: 0x08 }])))).toBe("DELTA_CORRUPT");
    expect(await codeOf(() => apply(none, craft([{ ...w, indicator: 0x03, segment: [0, 0] }])))).toBe("DELTA_CORRUPT");
    const v1 = craft([w]);
    v1[3] = 1;
    expect(await codeOf(() => apply(none, v1))).toBe("DELTA_UNSUPPORTED");
  });

  it("rejects malformed windows with DELTA_CORRUPT", async () => {
    const old = new Uint8Array(16);
    const bad: CraftWindow[] = [
      { targetLength: 4, data: [1, 2, 3], inst: [ADD(4)], addr: [] }, // ADD past the data section
      { targetLength: 2, data: [1, 2, 3], inst: [ADD(2)], addr: [] }, // data left over
      { targetLength: 5, data: [1, 2, 3, 4], inst: [ADD(4)], addr: [] }, // target not filled
      { targetLength: 4, data: [1, 2, 3, 4, 5], inst: [ADD(5)], addr: [] }, // target overrun
      { targetLength: 4, data: [], inst: [COPY0(4)], addr: [0] }, // COPY from the current position
      { indicator: 1, segment: [8, 0], targetLength: 4, data: [], inst: [COPY0(4)], addr: [8] }, // address == here
      { indicator: 1, segment: [8, 9], targetLength: 4, data: [], inst: [COPY0(4)], addr: [0] }, // segment past old
      { indicator: 1, segment: [8, 0], targetLength: 4, data: [], inst: [COPY0(4)], addr: [0, 0] }, // addr left
      { targetLength: 4, data: [7], inst: [RUN], addr: [] }, // RUN size missing
      { targetLength: 4, data: [7], inst: [RUN, 0x84, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], addr: [] },
    ];
    for (const w of bad) expect(await codeOf(() => apply(old, craft([w])))).toBe("DELTA_CORRUPT");
    // An endless run of empty windows is cut off.
    const empties = craft(Array.from({ length: 65 }, () => ({ targetLength: 0, data: [], inst: [], addr: [] })));
    expect(await codeOf(() => apply(old, empties))).toBe("DELTA_LIMIT");
    expect(await codeOf(() => apply(old, empties.subarray(0, empties.length - 7)))).toBe("ok");
    // Zero windows (a header alone) is not a patch: xdelta3 writes a window even for an empty target.
    expect(await codeOf(() => apply(old, craft([])))).toBe("DELTA_CORRUPT");
    // The delta encoding length must match the sections.
    const p = craft([{ targetLength: 1, data: [9], inst: [ADD(1)], addr: [] }]);
    p[6] = (p[6] as number) + 1;
    expect(await codeOf(() => apply(old, p))).toBe("DELTA_CORRUPT");
  });

  it("fuzz: random bytes after the magic only ever end in DELTA_* errors or a clean result", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (body) => {
        const patch = new Uint8Array([0xd6, 0xc3, 0xc4, 0x00, ...body]);
        const code = await codeOf(() => apply(new Uint8Array(64), patch, { maxWindowSize: 1 << 16 }));
        expect(code).toMatch(/^(ok|DELTA_)/);
      }),
      { numRuns: 500 },
    );
  });
});

describe.skipIf(!hasXdelta3)("applyVcdiff vs xdelta3 3.0 (-S none)", () => {
  const base = synthImage(11, 40000);
  const edited = editImage(base, 5);
  const variants: [string, string[], boolean][] = [
    ["default", [], true],
    ["-n", ["-n"], true],
    ["-A", ["-A"], true],
    ["-n -A", ["-n", "-A"], true],
    ["-W 16384 (3 windows)", ["-W", "16384"], true],
    ["-9", ["-9"], true],
    ["-0", ["-0"], true],
    ["no source (compression only)", [], false],
  ];

  it.each(variants)("%s: same bytes as xdelta3 -d", async (_name, flags, withSource) => {
    const patch = xdelta3Encode(withSource ? base : undefined, edited, flags);
    const reference = xdelta3Decode(withSource ? base : undefined, patch);
    expect(equalBytes(reference, edited)).toBe(true);
    expect(equalBytes((await apply(withSource ? base : new Uint8Array(0), patch)).bytes, reference)).toBe(true);
  });

  it("empty target, empty source, identical images", async () => {
    const empty = new Uint8Array(0);
    for (const [o, n] of [
      [base, empty],
      [empty, edited],
      [base, base],
    ] as const) {
      const patch = xdelta3Encode(o.length ? o : undefined, n);
      const { bytes, result } = await apply(o, patch);
      expect(equalBytes(bytes, n)).toBe(true);
      expect(result.windows).toBeGreaterThanOrEqual(1);
    }
  });

  it("property: random edits of synthetic images apply byte-exact", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1 << 30 }),
        fc.integer({ min: 16, max: 60000 }),
        fc.constantFrom([], ["-n"], ["-A"], ["-W", "16384"], ["-9"]),
        async (seed, size, flags) => {
          const oldImage = synthImage(seed, size);
          const newImage = editImage(oldImage, seed);
          const { bytes } = await apply(oldImage, xdelta3Encode(oldImage, newImage, flags), {}, 1 + (seed % 5000));
          expect(equalBytes(bytes, newImage)).toBe(true);
        },
      ),
      { numRuns: 20 },
    );
  });

  const corpus = corpusPairs(["seabios-minor", "microbit-v2-codal"]);
  it.skipIf(corpus.length === 0).each(corpus)("corpus pair %s: same bytes as xdelta3 -d", async (_name, pair) => {
    for (const flags of [[], ["-W", "65536"]]) {
      const patch = xdelta3Encode(pair.old, pair.new, flags);
      const { bytes } = await apply(pair.old, patch, {}, 16384);
      expect(equalBytes(bytes, xdelta3Decode(pair.old, patch))).toBe(true);
      expect(equalBytes(bytes, pair.new)).toBe(true);
    }
  });
});
