import { encodeCbor, fixedClock, type KeyHandle, nobleProvider, RotkitError, toHex, utf8Encode } from "@rotkit/core";
import {
  decodeSuitReport,
  MemorySuitPlatform,
  processSuitEnvelope,
  type SuitCommand,
  type SuitCommandSequence,
  type SuitComponentId,
  type SuitParameters,
} from "@rotkit/manifest";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CLASS_ID,
  cond,
  DRAFT_KEY,
  dir,
  IMAGE_A,
  ids,
  index,
  manifest,
  override,
  read,
  runSequence,
  sampleDigestProvider,
  setParams,
  sha256,
  signed,
  specPlatform,
  testKey,
  tryEach,
  VENDOR_ID,
} from "./suit-process-fixtures.js";

// Properties of the interpreter: random command sequences (built with the builder, signed, processed) never crash it
// — every outcome is success or a RotkitError, with a report that decodes — and never write outside the components
// the manifest declares. Mutated example envelopes end in a RotkitError result, never a throw.

const provider = nobleProvider();
let key: KeyHandle;
const A = utf8Encode("payload A");
const B = utf8Encode("payload B");
let digestA: Awaited<ReturnType<typeof sha256>>;

beforeAll(async () => {
  key = await testKey();
  digestA = await sha256(A);
});

const CONDITIONS = [
  "vendor-identifier",
  "class-identifier",
  "image-match",
  "use-before",
  "component-slot",
  "check-content",
  "dependency-integrity",
  "is-dependency",
  "abort",
  "device-identifier",
  "image-not-match",
  "minimum-battery",
  "update-authorized",
  "version",
] as const;
const DIRECTIVES = ["write", "fetch", "copy", "swap", "invoke", "unlink", "wait", "process-dependency"] as const;

/** Parameter values a random override may set (1-3 of them at a time). */
function palette(): Record<string, fc.Arbitrary<unknown>> {
  return {
    content: fc.constantFrom(A, B),
    uri: fc.constantFrom("#p0", "http://x/r0", "http://x/none"),
    imageDigest: fc.constant(digestA),
    imageSize: fc.constantFrom(A.length, 4),
    sourceComponent: fc.integer({ min: 0, max: 2 }),
    componentSlot: fc.integer({ min: 0, max: 1 }),
    strictOrder: fc.boolean(),
    invokeArgs: fc.constant(B),
    useBefore: fc.constantFrom(500, 2000),
    minimumBattery: fc.constantFrom(10, 90),
    updatePriority: fc.integer({ min: -2, max: 2 }),
    vendorIdentifier: fc.constant(VENDOR_ID),
    classIdentifier: fc.constantFrom(CLASS_ID, new Uint8Array(16)),
    version: fc.record({
      comparison: fc.integer({ min: 1, max: 5 }),
      version: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 3 }),
    }),
    waitInfo: fc.constant({ time: 1 }),
  };
}

function parameters(): fc.Arbitrary<SuitParameters> {
  const all = palette();
  return fc
    .subarray(Object.keys(all), { minLength: 1, maxLength: 3 })
    .chain((keys) => fc.record(Object.fromEntries(keys.map((k) => [k, all[k] as fc.Arbitrary<unknown>]))))
    .map((p) => p as SuitParameters);
}

/** Every parameter a command may need, for every component: random commands then get past their checks. */
function prelude(): SuitCommandSequence {
  return [
    index(true),
    override({
      vendorIdentifier: VENDOR_ID,
      classIdentifier: CLASS_ID,
      uri: "http://x/r0",
      content: A,
      imageDigest: digestA,
      imageSize: A.length,
      sourceComponent: 0,
      componentSlot: 1,
      useBefore: 2000,
      minimumBattery: 10,
      updatePriority: 1,
      version: { comparison: 2, version: [1] },
      waitInfo: { time: 1 },
      invokeArgs: B,
    }),
    index(0),
  ];
}

function commands(depth: number): fc.Arbitrary<SuitCommand> {
  const leaf: Array<{ arbitrary: fc.Arbitrary<SuitCommand>; weight: number }> = [
    {
      arbitrary: fc.tuple(fc.constantFrom(...CONDITIONS), fc.integer({ min: 0, max: 15 })).map(([n, p]) => cond(n, p)),
      weight: 6,
    },
    {
      arbitrary: fc.tuple(fc.constantFrom(...DIRECTIVES), fc.integer({ min: 0, max: 15 })).map(([n, p]) => dir(n, p)),
      weight: 6,
    },
    {
      arbitrary: fc
        .oneof(
          fc.integer({ min: 0, max: 2 }),
          fc.constant(true as const),
          fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
        )
        .map(index),
      weight: 3,
    },
    { arbitrary: parameters().map(override), weight: 3 },
    { arbitrary: parameters().map(setParams), weight: 2 },
    { arbitrary: fc.boolean().map((softFailure) => override({ softFailure })), weight: 1 },
    { arbitrary: fc.constant<SuitCommand>({ kind: "custom", name: "custom", code: -300, argument: null }), weight: 1 },
    {
      arbitrary: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), parameters()), { minLength: 1, maxLength: 2 }).map(
        (entries): SuitCommand => ({
          kind: "directive",
          name: "override-multiple",
          code: 34,
          parameters: new Map(entries),
        }),
      ),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(
          fc.integer({ min: 0, max: 2 }),
          fc.array(fc.constantFrom(18, 21, 3, 14, 22), { minLength: 1, maxLength: 3 }),
        )
        .map(
          ([i, labels]): SuitCommand => ({
            kind: "directive",
            name: "copy-params",
            code: 35,
            sources: new Map([[i, labels]]),
          }),
        ),
      weight: 1,
    },
  ];
  if (depth <= 0) return fc.oneof(...leaf);
  const seq = sequence(depth - 1);
  return fc.oneof(
    ...leaf,
    {
      arbitrary: fc
        .tuple(fc.array(seq, { minLength: 2, maxLength: 3 }), fc.boolean())
        .map(([s, none]) => tryEach(s, none)),
      weight: 2,
    },
    { arbitrary: seq.map(runSequence), weight: 2 },
  );
}

function sequence(depth: number): fc.Arbitrary<SuitCommandSequence> {
  return fc.array(commands(depth), { minLength: 1, maxLength: 6 });
}

function isDeclared(key: string, declared: SuitComponentId[]): boolean {
  const base = key.split("#")[0];
  return declared.some((id) => toHex(encodeCbor(id)) === base);
}

describe("the interpreter on random command sequences", () => {
  it("never crashes, always reports, and writes only declared components", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        sequence(2),
        sequence(1),
        fc.boolean(),
        fc.boolean(),
        async (n, install, invoke, preload, withPrelude) => {
          const components = ids(n);
          // §6.2: with several components each sequence starts with set-component-index.
          const start = withPrelude ? prelude() : [index(0)];
          const m = manifest(components, { install: { value: [...start, ...install] }, invoke: [...start, ...invoke] });
          const bytes = await signed(m, key);
          const platform = new MemorySuitPlatform({
            identity: { vendorIds: [VENDOR_ID], classIds: [CLASS_ID] },
            resources: { "http://x/r0": A, "#p0": A },
            components: preload ? [{ id: components[0] as SuitComponentId, data: B }] : [],
            slots: [{ id: components[0] as SuitComponentId, slot: 1 }],
            versions: [{ id: components[0] as SuitComponentId, version: [1, 0] }],
            battery: 50,
            clock: fixedClock(1000),
          });
          const r = await processSuitEnvelope(bytes, platform, {
            keys: [key.publicKey],
            provider,
            procedure: ["update", "invoke"],
            processLimits: { maxCommands: 2000 },
          });
          if (!r.ok) expect(r.error).toBeInstanceOf(RotkitError);
          for (const k of platform.snapshot().components.keys()) expect(isDeclared(k, components)).toBe(true);
          expect(decodeSuitReport(r.reportBytes)).toEqual(r.report);
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe("hostile envelopes", () => {
  it("every single-byte mutation of example 1 ends in a result with a RotkitError or success, never a throw", async () => {
    const bytes = read("suit-manifest-spec", "example1.signed.cbor");
    const sample = sampleDigestProvider();
    const codes = new Map<string, number>();
    for (let at = 0; at < bytes.length; at++) {
      for (const mask of [0x01, 0x80]) {
        const b = bytes.slice();
        b[at] = (b[at] as number) ^ mask;
        const platform = specPlatform({ resources: { "http://example.com/file.bin": IMAGE_A } });
        const before = platform.snapshot();
        const r = await processSuitEnvelope(b, platform, { keys: [DRAFT_KEY], provider: sample });
        if (r.ok) continue;
        expect(r.error).toBeInstanceOf(RotkitError);
        expect(platform.snapshot()).toEqual(before);
        codes.set(r.error?.code as string, (codes.get(r.error?.code as string) ?? 0) + 1);
      }
    }
    // Authentication catches every change to the signed parts; the unsigned ones do not alter the manifest.
    expect([...codes.keys()].every((c) => /^(SUIT_|CBOR_|COSE_)/.test(c))).toBe(true);
    expect(codes.get("SUIT_AUTH_FAILED") ?? 0).toBeGreaterThan(0);
  });
});
