import { fixedClock, type KeyHandle, nobleProvider, RotkitError, utf8Encode } from "@rotkit/core";
import {
  type MemorySuitPlatform,
  processSuitEnvelope,
  type SuitCommitInfo,
  type SuitManifestInfo,
  SuitReportReason,
  SuitReportResultCode,
} from "@rotkit/manifest";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CLASS_ID,
  cond,
  DRAFT_KEY,
  dir,
  IMAGE_A,
  IMAGE_B,
  manifest,
  override,
  read,
  sampleDigestProvider,
  sha256,
  signed,
  specPlatform,
  testKey,
  VENDOR_ID,
} from "./suit-process-fixtures.js";

// Each refusal of the "done when" gets its own code, and leaves the device as it was: no component, no
// sequence number, nothing committed (the platform's staged writes are discarded).

const provider = sampleDigestProvider();
const C0 = [new Uint8Array([0])];
const OLD = utf8Encode("the image installed before");

function example1(): Uint8Array {
  return read("suit-manifest-spec", "example1.signed.cbor");
}

async function refused(bytes: Uint8Array, platform: MemorySuitPlatform, expected: string) {
  const before = platform.snapshot();
  const r = await processSuitEnvelope(bytes, platform, { keys: [DRAFT_KEY, key.publicKey], provider });
  expect(r.ok).toBe(false);
  expect(r.error).toBeInstanceOf(RotkitError);
  expect(r.error?.code).toBe(expected);
  expect(r.completed).toEqual([]);
  expect(platform.snapshot()).toEqual(before);
  expect(platform.commits).toEqual([]);
  expect(r.report.result).toMatchObject({ code: (SuitReportResultCode as Record<string, number>)[expected] });
  return r;
}

let key: KeyHandle;
beforeAll(async () => {
  key = await testKey();
});

describe("refusals leave the state unchanged", () => {
  it("a sequence number not above the stored one: the platform's ROLLBACK_REFUSED, before any command", async () => {
    for (const stored of [1n, 2n]) {
      const platform = specPlatform({
        sequenceNumbers: [{ sequenceNumber: stored }],
        components: [{ id: C0, data: OLD }],
      });
      const r = await refused(example1(), platform, "ROLLBACK_REFUSED");
      expect(platform.fetches).toEqual([]);
      expect(r.report.records).toEqual([]);
      expect(r.report.result).toMatchObject({ reason: SuitReportReason.conditionFailed, record: { section: 2 } });
    }
    // One above is accepted.
    const ok = specPlatform({ sequenceNumbers: [{ sequenceNumber: 0n }] });
    expect((await processSuitEnvelope(example1(), ok, { keys: [DRAFT_KEY], provider })).ok).toBe(true);
    expect(ok.sequenceNumber()).toBe(1n);
  });

  it("an expired manifest (condition use-before): ROLLBACK_EXPIRED, nothing fetched", async () => {
    const fw = utf8Encode("firmware of the expiry test");
    const digest = await sha256(fw);
    const m = manifest([C0], {
      common: {
        components: [C0],
        sharedSequence: [
          override({
            vendorIdentifier: VENDOR_ID,
            classIdentifier: CLASS_ID,
            useBefore: 1_700_000_000,
            imageDigest: digest,
          }),
          cond("vendor-identifier"),
          cond("class-identifier"),
          cond("use-before"),
        ],
      },
      install: { value: [override({ uri: "http://example.com/fw.bin" }), dir("fetch"), cond("image-match")] },
    });
    const bytes = await signed(m, key);
    const resources = { "http://example.com/fw.bin": fw };
    const late = specPlatform({ clock: fixedClock(1_700_000_000), resources });
    const r = await refused(bytes, late, "ROLLBACK_EXPIRED");
    expect(late.fetches).toEqual([]);
    expect(r.report.result).toMatchObject({ reason: SuitReportReason.conditionFailed, record: { section: 3 } });
    const early = specPlatform({ clock: fixedClock(1_699_999_999), resources });
    const ok = await processSuitEnvelope(bytes, early, { keys: [key.publicKey], provider });
    expect(ok.error).toBeUndefined();
    expect(early.component(C0)).toEqual(fw);
  });

  it("a wrong class identifier: SUIT_CONDITION_FAILED naming the condition, nothing fetched", async () => {
    const platform = specPlatform({
      identity: { vendorIds: [VENDOR_ID], classIds: [new Uint8Array(16)] },
      components: [{ id: C0, data: OLD }],
    });
    const r = await refused(example1(), platform, "SUIT_CONDITION_FAILED");
    expect(r.error?.message).toContain("class-identifier");
    expect(r.error?.message).toContain("component 0");
    expect(r.error?.at).toBe("shared[2]");
    expect(platform.fetches).toEqual([]);
    // The measured class id is in the failure record (policy 15 also records it).
    expect(r.report.result).toMatchObject({ record: { properties: { classIdentifier: new Uint8Array(16) } } });
  });

  it("a wrong vendor identifier: SUIT_CONDITION_FAILED", async () => {
    const platform = specPlatform({ identity: { vendorIds: [{ pen: new Uint8Array([1, 2]) }], classIds: [CLASS_ID] } });
    const r = await refused(example1(), platform, "SUIT_CONDITION_FAILED");
    expect(r.error?.message).toContain("vendor-identifier");
  });

  it("a payload whose digest differs: SUIT_IMAGE_MISMATCH; the fetched bytes are discarded, the old image stays", async () => {
    const wrong = IMAGE_A.slice();
    wrong[100] = (wrong[100] as number) ^ 1;
    const platform = specPlatform({
      resources: { "http://example.com/file.bin": wrong },
      components: [{ id: C0, data: OLD }],
    });
    const r = await refused(example1(), platform, "SUIT_IMAGE_MISMATCH");
    expect(platform.fetches).toHaveLength(1);
    expect(platform.component(C0)).toEqual(OLD);
    expect(r.report.result).toMatchObject({ record: { section: 20, componentIndex: 0 } });
  });

  it("a payload larger than image-size: the fetch is cut off (SUIT_COMMAND_FAILED)", async () => {
    const platform = specPlatform({ resources: { "http://example.com/file.bin": IMAGE_B } });
    await refused(example1(), platform, "SUIT_COMMAND_FAILED");
  });

  it("a second image that fails after the first was written: neither is committed", async () => {
    const platform = specPlatform({
      resources: { "http://example.com/file1.bin": IMAGE_A, "http://example.com/file2.bin": IMAGE_A },
    });
    await refused(read("suit-manifest-spec", "example5.signed.cbor"), platform, "SUIT_IMAGE_MISMATCH");
  });

  it("a flipped signature byte: SUIT_AUTH_FAILED before anything runs; the report names the claimed digest", async () => {
    const bytes = example1();
    bytes[bytes.length - 200] = (bytes[bytes.length - 200] as number) ^ 1;
    const platform = specPlatform();
    const before = platform.snapshot();
    const r = await processSuitEnvelope(bytes, platform, { keys: [DRAFT_KEY], provider });
    expect(["SUIT_AUTH_FAILED", "SUIT_DIGEST_MISMATCH"]).toContain(r.error?.code);
    expect(r.envelope).toBeUndefined();
    expect(platform.snapshot()).toEqual(before);
    expect(platform.fetches).toEqual([]);
    expect(r.report.result).toMatchObject({ reason: SuitReportReason.unauthorised });
    expect(r.report.reference.digest.algorithm).toBe(-16);
  });

  it("bytes that are no envelope: SUIT_MALFORMED / CBOR error, reported with the digest of the input", async () => {
    const platform = specPlatform();
    const r = await processSuitEnvelope(new Uint8Array([0xff, 0x00]), platform, { keys: [DRAFT_KEY], provider });
    expect(r.ok).toBe(false);
    expect(r.report.result).toMatchObject({ reason: SuitReportReason.cborParse });
    expect(r.report.reference.digest.bytes).toEqual(
      await nobleProvider().digest("SHA-256", new Uint8Array([0xff, 0x00])),
    );
  });
});

describe("the rollback decision belongs to the platform", () => {
  /** A platform whose rollback policy is an injected callback (how @rotkit/rollback's guard is wired in). */
  function withPolicy(check: (m: SuitManifestInfo) => void): MemorySuitPlatform {
    const p = specPlatform();
    p.checkManifest = (m) => check(m);
    return p;
  }

  it("the callback sees the authenticated sequence number and digest; its RotkitError code is reported", async () => {
    const seen: SuitManifestInfo[] = [];
    const p = withPolicy((m) => {
      seen.push(m);
      throw new RotkitError("ROLLBACK_STALE", "too old");
    });
    const r = await processSuitEnvelope(example1(), p, { keys: [DRAFT_KEY], provider });
    expect(r.error?.code).toBe("ROLLBACK_STALE");
    expect(seen[0]?.sequenceNumber).toBe(1n);
    expect(seen[0]?.digest.bytes.length).toBe(32);
    expect(p.fetches).toEqual([]);
  });

  it("a callback that crashes is SUIT_COMMAND_FAILED, not an accepted manifest", async () => {
    const p = withPolicy(() => {
      throw new TypeError("bug");
    });
    const r = await processSuitEnvelope(example1(), p, { keys: [DRAFT_KEY], provider });
    expect(r.error?.code).toBe("SUIT_COMMAND_FAILED");
  });

  it("commit and abort: commit once after a success, abort (never commit) after a failure", async () => {
    const events: string[] = [];
    const p = specPlatform();
    const commit = p.commit.bind(p);
    const abort = p.abort.bind(p);
    p.commit = (info: SuitCommitInfo) => {
      events.push(`commit ${info.procedure}`);
      commit(info);
    };
    p.abort = () => {
      events.push("abort");
      abort();
    };
    await processSuitEnvelope(example1(), p, { keys: [DRAFT_KEY], provider });
    await processSuitEnvelope(example1(), p, { keys: [DRAFT_KEY], provider });
    // The second run is refused by the rollback check before its transaction begins.
    expect(events).toEqual(["commit update"]);
    const q = specPlatform({ resources: {} });
    q.abort = () => {
      events.push("abort");
    };
    await processSuitEnvelope(example1(), q, { keys: [DRAFT_KEY], provider });
    expect(events).toEqual(["commit update", "abort"]);
  });

  it("a commit that fails makes the run fail", async () => {
    const p = specPlatform();
    p.commit = () => {
      throw new Error("flash write failed");
    };
    const r = await processSuitEnvelope(example1(), p, { keys: [DRAFT_KEY], provider });
    expect(r.error?.code).toBe("SUIT_COMMAND_FAILED");
    expect(p.component(C0)).toBeUndefined();
  });
});
