import { encodeCbor, utf8Encode } from "@rotkit/core";
import {
  encodeSuitCommandSequence,
  encodeSuitManifest,
  type SuitCommand,
  type SuitCommandSequence,
  type SuitManifest,
  type SuitParameters,
  type SuitTextMap,
} from "@rotkit/manifest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { suitContext } from "../src/suit/cbor.js";
import { ownCopy, readEnvelope } from "../src/suit/envelope.js";
import { fastManifest, fastSeverable } from "../src/suit/fast.js";
import { fastEnvelope } from "../src/suit/fast-envelope.js";
import { decodeManifestContent, decodeSeverableContent, type SeverableName } from "../src/suit/manifest.js";
import { signedExamples } from "./suit-fixtures.js";

// The one-pass reader (src/suit/fast.ts) stands in for the general decoder on common manifests. It must never accept
// what the general decoder refuses, and must build exactly the model the general decoder builds. Checked on every
// upstream example, on every single-byte mutation and truncation of their manifests and severable members, and on
// generated manifests inside and around the subset it covers.

/** The general path: a context that decodes copies is never eligible for the fast reader. */
const general = suitContext({}, false);

function generalManifest(bytes: Uint8Array): { value?: SuitManifest; error?: unknown } {
  try {
    return { value: decodeManifestContent(bytes, "envelope/3", general) };
  } catch (e) {
    return { error: e };
  }
}

function generalSeverable(name: SeverableName, bytes: Uint8Array): { value?: unknown; error?: unknown } {
  try {
    return { value: decodeSeverableContent(name, bytes, "envelope/x", general) };
  } catch (e) {
    return { error: e };
  }
}

/** Compares the fast reader with the general path on `bytes`; returns whether the fast reader took it. */
function sameAsGeneral(bytes: Uint8Array): boolean {
  const fast = fastManifest(bytes);
  if (fast === undefined) return false;
  const reference = generalManifest(bytes);
  expect(reference.error).toBeUndefined();
  expect(fast).toEqual(reference.value);
  return true;
}

function sameSeverableAsGeneral(name: SeverableName, bytes: Uint8Array): boolean {
  const fast = fastSeverable(name, bytes);
  if (fast === undefined) return false;
  const reference = generalSeverable(name, bytes);
  expect(reference.error).toBeUndefined();
  expect(fast).toEqual(reference.value);
  return true;
}

describe("SUIT fast reader", () => {
  it("builds the general decoder's model for every example, and refuses nothing alone on its mutations", () => {
    let taken = 0;
    let mutantsTaken = 0;
    let severableTaken = 0;
    for (const ex of signedExamples()) {
      const raw = readEnvelope(ownCopy(ex.bytes), suitContext({}, true));
      const content = raw.manifestContent;
      if (sameAsGeneral(content)) taken++;
      for (const m of singleByteMutations(content)) if (sameAsGeneral(m.bytes)) mutantsTaken++;
      for (const m of truncations(content)) if (sameAsGeneral(m)) mutantsTaken++;
      for (const [name, { content: member }] of raw.severable) {
        if (sameSeverableAsGeneral(name, member)) severableTaken++;
        for (const m of singleByteMutations(member)) sameSeverableAsGeneral(name, m.bytes);
      }
    }
    // The draft's plain examples are in its subset (try-each, dependencies, encryption and the like are not).
    expect(taken).toBeGreaterThanOrEqual(5);
    expect(mutantsTaken).toBeGreaterThan(100);
    expect(severableTaken).toBeGreaterThanOrEqual(2);
  });

  it("reads the envelope structure as the general reader does, on every example and its mutations", () => {
    let taken = 0;
    let mutantsTaken = 0;
    const same = (bytes: Uint8Array): boolean => {
      const fast = fastEnvelope(bytes);
      if (fast === undefined) return false;
      let reference: unknown;
      expect(() => {
        reference = readEnvelope(bytes, general);
      }).not.toThrow();
      // A flat rendering compares thousands of mutants quickly; toEqual checks the examples themselves.
      if (snapshot(fast) !== snapshot(reference)) expect(fast).toEqual(reference);
      return true;
    };
    for (const ex of signedExamples()) {
      if (!same(ex.bytes)) continue;
      taken++;
      expect(fastEnvelope(ex.bytes)).toEqual(readEnvelope(ex.bytes, general));
      for (const m of singleByteMutations(ex.bytes)) if (same(m.bytes)) mutantsTaken++;
      for (const m of truncations(ex.bytes)) if (same(m)) mutantsTaken++;
    }
    expect(taken).toBeGreaterThanOrEqual(5);
    expect(mutantsTaken).toBeGreaterThan(1000);
  });

  it("matches the general decoder on generated manifests, inside and around its subset", () => {
    // Mostly inside the subset, sometimes just outside it (wrong lengths, unknown algorithms, non-ASCII, 64-bit).
    const mostly = <T>(inside: fc.Arbitrary<T>, outside: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: inside, weight: 30 }, { arbitrary: outside, weight: 1 });
    const uuid = mostly(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ minLength: 15, maxLength: 17 }),
    );
    const digest = mostly(
      fc.record({ algorithm: fc.constant(-16), bytes: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
      fc.record({
        algorithm: fc.constantFrom(-16, -43, -44, -18, -1),
        bytes: fc.uint8Array({ minLength: 31, maxLength: 64 }),
      }),
    );
    const parameters: fc.Arbitrary<SuitParameters> = fc
      .record(
        {
          vendorIdentifier: uuid,
          classIdentifier: uuid,
          imageDigest: digest,
          imageSize: mostly(fc.nat(), fc.constant(2 ** 60)),
          uri: mostly(fc.string({ maxLength: 60 }), fc.constant("https://x/é")),
          componentSlot: fc.nat({ max: 3 }),
          strictOrder: fc.boolean(),
          content: fc.uint8Array({ maxLength: 4 }),
          updatePriority: fc.integer({ min: -300, max: 300 }),
          custom: mostly(fc.constant(undefined), fc.constant(new Map([[-5, 1]]))),
        },
        { requiredKeys: [] },
      )
      .map((p) => {
        if (p.custom === undefined) delete p.custom;
        return p as SuitParameters;
      })
      .filter((p) => Object.keys(p).length > 0);
    const CONDITIONS: Array<[string, number]> = [
      ["vendor-identifier", 1],
      ["class-identifier", 2],
      ["image-match", 3],
      ["abort", 14],
    ];
    const condition = fc
      .tuple(fc.constantFrom(...CONDITIONS), mostly(fc.nat({ max: 15 }), fc.constant(16)))
      .map(([[name, code], policy]) => ({ kind: "condition", name, code, policy }) as SuitCommand);
    const policyDirective = fc
      .tuple(fc.constantFrom(["fetch", 21], ["invoke", 23], ["write", 18], ["copy", 22]), fc.nat({ max: 15 }))
      .map(([[name, code], policy]) => ({ kind: "directive", name, code, policy }) as SuitCommand);
    const setIndex = fc
      .oneof(fc.nat({ max: 3 }), fc.constant(true as const), fc.array(fc.nat({ max: 3 }), { maxLength: 3 }))
      .map((index) => ({ kind: "directive", name: "set-component-index", code: 12, index }) as SuitCommand);
    const override = parameters.map(
      (p) => ({ kind: "directive", name: "override-parameters", code: 20, parameters: p }) as SuitCommand,
    );
    const set = parameters.map(
      (p) => ({ kind: "directive", name: "set-parameters", code: 19, parameters: p }) as SuitCommand,
    );
    const custom = fc.constant<SuitCommand>({ kind: "custom", name: "custom", code: -3, argument: null });
    // The shared sequence takes conditions and a few directives only (§8.4.5); now and then something else.
    const sharedCommand = mostly(fc.oneof(condition, setIndex, override, set), fc.oneof(policyDirective, custom));
    const command = mostly(fc.oneof(condition, policyDirective, setIndex, override, set), custom);
    const sequence = fc.array(command, { minLength: 1, maxLength: 5 });
    const sharedSequence = fc.array(sharedCommand, { minLength: 1, maxLength: 5 });
    const text: fc.Arbitrary<SuitTextMap> = fc
      .array(
        fc.tuple(
          mostly(fc.constantFrom("en", "en-US", "de", "zh-Hant-TW"), fc.constantFrom("x_y", "fr-abcdefghi", "1a")),
          fc.record({
            manifest: fc
              .array(fc.tuple(fc.integer({ min: -2, max: 5 }), fc.string({ maxLength: 12 })), { maxLength: 3 })
              .map((e) => new Map(e)),
            components: fc.array(
              fc.record({
                component: fc.array(fc.uint8Array({ maxLength: 2 }), { maxLength: 2 }),
                text: fc
                  .array(fc.tuple(fc.integer({ min: -1, max: 9 }), fc.string({ maxLength: 8 })), { maxLength: 3 })
                  .map((e) => new Map(e)),
              }),
              { maxLength: 2 },
            ),
          }),
        ),
        { minLength: 1, maxLength: 2 },
      )
      .map((e) => new Map(e));
    const severedOr = <T>(value: fc.Arbitrary<T>) =>
      fc.oneof(
        value.map((v) => ({ value: v })),
        digest.map((d) => ({ digest: d })),
      );
    const manifest: fc.Arbitrary<SuitManifest> = fc
      .record(
        {
          sequenceNumber: mostly(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.constant(2n ** 60n)),
          components: fc.array(fc.array(fc.uint8Array({ maxLength: 3 }), { maxLength: 2 }), {
            minLength: 1,
            maxLength: 2,
          }),
          sharedSequence,
          referenceUri: fc.string({ maxLength: 20 }),
          validate: sequence,
          invoke: sequence,
          install: severedOr(sequence),
          text: severedOr(text),
        },
        { requiredKeys: ["sequenceNumber"] },
      )
      .map((r) => {
        const m: SuitManifest = {
          version: 1,
          sequenceNumber: r.sequenceNumber,
          common: {
            ...(r.components ? { components: r.components } : {}),
            ...(r.sharedSequence ? { sharedSequence: r.sharedSequence } : {}),
          },
        };
        if (r.referenceUri !== undefined) m.referenceUri = r.referenceUri;
        if (r.validate) m.validate = r.validate;
        if (r.invoke) m.invoke = r.invoke;
        if (r.install) m.install = r.install as SuitManifest["install"];
        if (r.text) m.text = r.text as SuitManifest["text"];
        return m;
      });
    let taken = 0;
    fc.assert(
      fc.property(manifest, (m) => {
        let bytes: Uint8Array;
        try {
          bytes = encodeSuitManifest(m);
        } catch {
          return; // the encoder refuses some generated shapes (two equal text keys): nothing to decode
        }
        if (sameAsGeneral(bytes)) taken++;
        for (const s of [m.validate, m.install?.value]) {
          if (s && s.length > 0) sameSeverableAsGeneral("install", encodeSuitCommandSequence(s as SuitCommandSequence));
        }
        if (m.text?.value) sameSeverableAsGeneral("text", encodeCbor(textCbor(m.text.value) as never));
      }),
      { numRuns: 1500 },
    );
    expect(taken).toBeGreaterThan(100);
  });

  it("reads only canonical encodings: a longer head than needed or unsorted keys go to the general path", () => {
    // {1: 1, 2: 0, 3: << {} >>, 9: << [14, 0] >>}: version, sequence number, empty common, invoke [abort].
    const head = [0x01, 0x01, 0x02, 0x00, 0x03, 0x41, 0xa0];
    const invoke = [0x09, 0x43, 0x82, 0x0e, 0x00];
    const validate = [0x07, 0x43, 0x82, 0x0e, 0x00];
    expect(sameAsGeneral(Uint8Array.of(0xa4, ...head, ...invoke))).toBe(true);
    // The sequence number's head one byte longer than needed.
    const longHead = Uint8Array.of(0xa4, 0x01, 0x01, 0x02, 0x18, 0x00, 0x03, 0x41, 0xa0, ...invoke);
    // Keys 9 then 7: not in canonical order.
    const unsorted = Uint8Array.of(0xa5, ...head, ...invoke, ...validate);
    // A trailing byte after the manifest, and one inside the invoke bstr.
    const trailing = Uint8Array.of(0xa4, ...head, ...invoke, 0x00);
    const inner = Uint8Array.of(0xa4, ...head, 0x09, 0x44, 0x82, 0x0e, 0x00, 0x00);
    for (const bytes of [longHead, unsorted, trailing, inner, utf8Encode("not cbor")]) {
      expect(fastManifest(bytes)).toBeUndefined();
      expect((generalManifest(bytes).error as { code?: string }).code).toMatch(/^(SUIT|CBOR)_/);
    }
  });
});

/** A flat rendering of decoded values: byte strings in hex, maps as entry lists, class names kept. */
function snapshot(v: unknown): string {
  if (v instanceof Uint8Array) return `h'${Buffer.from(v).toString("hex")}'`;
  if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${snapshot(k)}:${snapshot(x)}`).join(",")}}`;
  if (Array.isArray(v)) return `[${v.map(snapshot).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).map(([k, x]) => `${k}:${snapshot(x)}`);
    return `${v.constructor?.name ?? ""}{${entries.join(",")}}`;
  }
  return typeof v === "bigint" ? `${v}n` : (JSON.stringify(v) ?? String(v));
}

/** SUIT_Text_Map as CBOR (the encoder's own shape). */
function textCbor(t: SuitTextMap): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>();
  for (const [tag, lang] of t) {
    const m = new Map<unknown, unknown>(lang.manifest);
    for (const c of lang.components) m.set(c.component, c.text);
    out.set(tag, m);
  }
  return out;
}
