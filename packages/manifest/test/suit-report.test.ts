import { encodeCbor, generateSoftwareKey, nobleProvider, RotkitError, toHex, utf8Encode } from "@rotkit/core";
import {
  decodeSuitReport,
  encodeSuitReport,
  processSuitEnvelope,
  type SuitRecord,
  type SuitReport,
  SuitReportReason,
  signSuitReport,
  verifySuitReport,
} from "@rotkit/manifest";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectOnlyRotkitErrors, singleByteMutations, truncations } from "../../core/test/helpers/mutate.js";
import { DRAFT_KEY, IMAGE_A, read, sampleDigestProvider, specPlatform } from "./suit-process-fixtures.js";

// SUIT reports (draft-ietf-suit-report): the CDDL shape in deterministic CBOR, strict bounded decoding, COSE_Sign1
// signing, and the decoder under random and mutated input.

const provider = nobleProvider();
const DIGEST = { algorithm: -16, bytes: new Uint8Array(32).fill(7) };

function record(overrides: Partial<SuitRecord> = {}): SuitRecord {
  return {
    kind: "record",
    manifestId: [],
    section: 20,
    offset: 4,
    componentIndex: 1,
    properties: { imageDigest: DIGEST, imageSize: 10 },
    ...overrides,
  };
}

const FULL: SuitReport = {
  reference: { uri: "https://example.com/m.suit", digest: DIGEST },
  nonce: utf8Encode("nonce"),
  records: [
    record(),
    { kind: "system", componentId: [new Uint8Array([0])], properties: { vendorIdentifier: new Uint8Array(16) } },
    record({ manifestId: [1, 0], properties: {} }),
  ],
  result: { code: 6, record: record({ section: 7 }), reason: SuitReportReason.conditionFailed },
};

async function processedReport(): Promise<Uint8Array> {
  const platform = specPlatform({ components: [{ id: [new Uint8Array([0])], data: IMAGE_A }] });
  const r = await processSuitEnvelope(read("suit-manifest-spec", "example0.signed.cbor"), platform, {
    keys: [DRAFT_KEY],
    provider: sampleDigestProvider(),
    procedure: "invoke",
    nonce: new Uint8Array([1, 2, 3]),
  });
  return r.reportBytes;
}

describe("encoding (draft-ietf-suit-report App. A)", () => {
  it("round-trips every member, byte for byte", () => {
    const bytes = encodeSuitReport(FULL);
    expect(decodeSuitReport(bytes)).toEqual(FULL);
    expect(encodeSuitReport(decodeSuitReport(bytes))).toEqual(bytes);
  });

  it("has the CDDL's shape: {99: [uri, digest], 2: nonce, 3: [records], 4: result}; records are arrays, claims maps", () => {
    const minimal: SuitReport = { reference: { digest: DIGEST }, records: [], result: true };
    const expected = encodeCbor(
      new Map<number, unknown>([
        [99, [[-16, DIGEST.bytes]]],
        [3, []],
        [4, true],
      ]) as never,
    );
    expect(toHex(encodeSuitReport(minimal))).toBe(toHex(expected));
    const withRecord = encodeSuitReport({ ...minimal, records: [record({ properties: {} })] });
    expect(toHex(withRecord)).toContain(toHex(encodeCbor([[], 20, 4, 1, new Map()] as never)));
  });

  it("a processed report decodes to what the processor returned", async () => {
    const bytes = await processedReport();
    const report = decodeSuitReport(bytes);
    expect(report.result).toBe(true);
    expect(report.nonce).toEqual(new Uint8Array([1, 2, 3]));
    expect(report.records.length).toBe(10);
  });
});

describe("strict decoding", () => {
  const base = new Map<number, unknown>([
    [99, [[-16, DIGEST.bytes]]],
    [3, []],
    [4, true],
  ]);
  const enc = (m: Map<number, unknown>) => encodeCbor(m as never);
  const codeOf = (bytes: Uint8Array): string => {
    try {
      decodeSuitReport(bytes);
      return "accepted";
    } catch (e) {
      if (e instanceof RotkitError) return e.code;
      throw e;
    }
  };

  it("refuses missing members, unknown members, record extensions and empty claims", () => {
    for (const k of [99, 3, 4]) {
      const m = new Map(base);
      m.delete(k);
      expect(codeOf(enc(m))).toBe("SUIT_MALFORMED");
    }
    expect(codeOf(enc(new Map([...base, [42, 1]])))).toBe("SUIT_UNSUPPORTED");
    expect(codeOf(enc(new Map([...base, [3, [[[], 1, 2, 3, new Map(), 9]]]])))).toBe("SUIT_UNSUPPORTED");
    expect(codeOf(enc(new Map([...base, [3, [new Map([[0, [new Uint8Array([0])]]])]]])))).toBe("SUIT_MALFORMED");
    expect(codeOf(enc(new Map([...base, [4, new Map([[5, 1]])]])))).toBe("SUIT_MALFORMED");
    expect(codeOf(enc(new Map([...base, [99, [[-16, new Uint8Array(31)]]]])))).toBe("SUIT_MALFORMED");
    expect(codeOf(new Uint8Array([0xa0]))).toBe("SUIT_MALFORMED");
  });

  it("every single-byte mutation and truncation of a processed report ends in a RotkitError or a report", async () => {
    const bytes = await processedReport();
    const outcome = expectOnlyRotkitErrors((b) => decodeSuitReport(b), singleByteMutations(bytes));
    expect(outcome.rejected).toBeGreaterThan(0);
    const t = expectOnlyRotkitErrors((b) => decodeSuitReport(b), truncations(bytes));
    expect(t.ok).toBe(0);
  });

  it("random bytes never crash the decoder", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expectOnlyRotkitErrors((x) => decodeSuitReport(x), [b]);
      }),
      { numRuns: 500 },
    );
  });
});

describe("property: encode then decode is the identity", () => {
  const bytes16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
  const params = fc.record(
    {
      imageDigest: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => ({ algorithm: -16, bytes: b })),
      imageSize: fc.nat({ max: 1_000_000 }),
      vendorIdentifier: bytes16,
      classIdentifier: bytes16,
      componentSlot: fc.nat({ max: 4 }),
      uri: fc.string({ maxLength: 20 }),
    },
    { requiredKeys: [] },
  );
  const rec = fc.record({
    kind: fc.constant("record" as const),
    manifestId: fc.array(fc.nat({ max: 5 }), { maxLength: 3 }),
    section: fc.integer({ min: -5, max: 30 }),
    offset: fc.nat({ max: 100_000 }),
    componentIndex: fc.nat({ max: 10 }),
    properties: params,
  });
  const sys = fc.record({
    kind: fc.constant("system" as const),
    componentId: fc.array(fc.uint8Array({ maxLength: 4 }), { maxLength: 3 }),
    properties: params.filter((p) => Object.keys(p).length > 0),
  });
  const report = fc.record(
    {
      reference: fc.record(
        { uri: fc.string({ maxLength: 20 }), digest: fc.constant(DIGEST) },
        { requiredKeys: ["digest"] },
      ),
      nonce: fc.uint8Array({ maxLength: 16 }),
      records: fc.array(fc.oneof(rec, sys), { maxLength: 5 }),
      result: fc.oneof(
        fc.constant(true as const),
        fc.record({ code: fc.integer({ min: -1, max: 20 }), record: rec, reason: fc.nat({ max: 12 }) }),
      ),
    },
    { requiredKeys: ["reference", "records", "result"] },
  );

  it("holds for random reports", () => {
    fc.assert(
      fc.property(report, (r) => {
        const bytes = encodeSuitReport(r as SuitReport);
        expect(decodeSuitReport(bytes)).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });
});

describe("signed reports (COSE_Sign1)", () => {
  it("verify with the signer's key; a flipped byte or another key is refused", async () => {
    const key = await generateSoftwareKey("ES256");
    const other = await generateSoftwareKey("ES256");
    const signed = await signSuitReport(FULL, key);
    expect((await verifySuitReport(signed, { key: key.publicKey, provider })).report).toEqual(FULL);
    const flipped = signed.slice();
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    await expect(verifySuitReport(flipped, { key: key.publicKey, provider })).rejects.toMatchObject({
      code: "COSE_BAD_SIGNATURE",
    });
    await expect(verifySuitReport(signed, { key: other.publicKey, provider })).rejects.toMatchObject({
      code: "COSE_BAD_SIGNATURE",
    });
  });
});
