import { fixedClock, type KeyHandle, nobleProvider, utf8Encode } from "@rotkit/core";
import {
  decodeSuitEnvelopeUnverified,
  encryptSuitPayload,
  MemorySuitPlatform,
  type MemorySuitPlatformOptions,
  type ProcessSuitOptions,
  processSuitEnvelope,
  type SuitCommand,
  type SuitCommandSequence,
  type SuitManifest,
  SuitReportReason,
} from "@rotkit/manifest";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CLASS_ID,
  cond,
  dir,
  ids,
  index,
  manifest,
  override,
  runSequence,
  setParams,
  sha256,
  signed,
  testKey,
  tryEach,
  VENDOR_ID,
} from "./suit-process-fixtures.js";

// The interpreter's command semantics on manifests built for each rule (draft-ietf-suit-manifest §6.4-6.7,
// §8.4.8-8.4.10; trust-domains §5.4; update-management).

const provider = nobleProvider();
let key: KeyHandle;
beforeAll(async () => {
  key = await testKey();
});

const [C0, C1, C2] = ids(3) as [Uint8Array[], Uint8Array[], Uint8Array[]];
const A = utf8Encode("content A");
const B = utf8Encode("content B");

function platformOf(o: MemorySuitPlatformOptions = {}): MemorySuitPlatform {
  return new MemorySuitPlatform({
    identity: { vendorIds: [VENDOR_ID], classIds: [CLASS_ID] },
    clock: fixedClock(1000),
    ...o,
  });
}

async function run(
  m: SuitManifest,
  o: MemorySuitPlatformOptions = {},
  options: Partial<ProcessSuitOptions> = {},
  extra: Parameters<typeof signed>[2] = {},
) {
  const platform = platformOf(o);
  const r = await processSuitEnvelope(await signed(m, key, extra), platform, {
    keys: [key.publicKey],
    provider,
    ...options,
  });
  return { r, platform };
}

function install(components: number, sequence: SuitCommandSequence, members: Partial<SuitManifest> = {}): SuitManifest {
  return manifest(ids(components), { install: { value: sequence }, ...members });
}

describe("set-component-index (§8.4.10.1, §6.5)", () => {
  it("true applies each command to every component, in order, with one record per component", async () => {
    const { r, platform } = await run(install(2, [index(true), override({ content: A }), dir("write", 1)]));
    expect(r.ok).toBe(true);
    expect(platform.component(C0)).toEqual(A);
    expect(platform.component(C1)).toEqual(A);
    expect(r.report.records.map((x) => (x.kind === "record" ? x.componentIndex : -1))).toEqual([0, 1]);
  });

  it("an array selects those components in its order", async () => {
    const { r, platform } = await run(install(3, [index([2, 0]), override({ content: B }), dir("write", 1)]));
    expect(r.ok).toBe(true);
    expect(platform.component(C2)).toEqual(B);
    expect(platform.component(C0)).toEqual(B);
    expect(platform.component(C1)).toBeUndefined();
    expect(r.report.records.map((x) => (x.kind === "record" ? x.componentIndex : -1))).toEqual([2, 0]);
  });

  it("an index the manifest does not declare is SUIT_MALFORMED", async () => {
    const { r } = await run(install(2, [index(5)]));
    expect(r.error?.code).toBe("SUIT_MALFORMED");
    expect(r.error?.message).toContain("component index 5");
  });

  it("with several components a sequence must begin with set-component-index (§6.2)", async () => {
    const { r } = await run(install(2, [override({ content: A }), dir("write")]));
    expect(r.error?.code).toBe("SUIT_MALFORMED");
  });
});

describe("parameters (§8.4.10.3, trust-domains §5.4.1, update-management)", () => {
  it("set-parameters keeps a value already set; override-parameters replaces it", async () => {
    const seq = [override({ content: A }), setParams({ content: B }), dir("write", 0)];
    const { platform } = await run(install(1, seq));
    expect(platform.component(C0)).toEqual(A);
    const { platform: p2 } = await run(
      install(1, [override({ content: A }), override({ content: B }), dir("write", 0)]),
    );
    expect(p2.component(C0)).toEqual(B);
  });

  it("override-multiple sets per component and leaves the index on the last one; copy-params copies by label", async () => {
    const seq: SuitCommandSequence = [
      index(0),
      {
        kind: "directive",
        name: "override-multiple",
        code: 34,
        parameters: new Map([
          [0, { content: A }],
          [1, { content: B, invokeArgs: B }],
        ]),
      },
      dir("write", 0),
      index(2),
      { kind: "directive", name: "copy-params", code: 35, sources: new Map([[1, [18]]]) },
      dir("write", 0),
    ];
    const { r, platform } = await run(install(3, seq));
    expect(r.ok).toBe(true);
    expect(platform.component(C0)).toBeUndefined();
    expect(platform.component(C1)).toEqual(B);
    expect(platform.component(C2)).toEqual(B);
  });

  it("soft-failure set outside try-each / run-sequence aborts (§8.4.8.14)", async () => {
    const { r } = await run(install(1, [override({ softFailure: true }), cond("abort")]));
    expect(r.error?.code).toBe("SUIT_COMMAND_FAILED");
    expect(r.error?.message).toContain("soft-failure");
  });
});

describe("try-each (§8.4.10.2)", () => {
  it("runs the first sequence that completes; a failed sequence leaves no parameter behind", async () => {
    const seq = [override({ content: B }), tryEach([[override({ content: A }), cond("abort", 2)], [dir("write", 0)]])];
    const { r, platform } = await run(install(1, seq));
    expect(r.ok).toBe(true);
    expect(platform.component(C0)).toEqual(B);
    // The abort in the first sequence was recorded (policy 2) at its offset inside the section: array head (1),
    // try-each code (1), argument array head (1), bstr head (1), sequence array head (1), override (code + map).
    const rec = r.report.records.find((x) => x.kind === "record");
    expect(rec).toMatchObject({ section: 20, componentIndex: 0 });
  });

  it("records the offset of a command inside a nested sequence", async () => {
    const { r } = await run(install(1, [tryEach([[cond("abort", 2)], [cond("abort", 2)]], true)]));
    expect(r.ok).toBe(true);
    // [15, [<< [14, 2] >>, << [14, 2] >>, nil]]: 0x82 0x0f 0x83 | 0x43 0x82 0x0e 0x02 | 0x43 0x82 0x0e 0x02 | 0xf6
    expect(r.report.records.map((x) => (x.kind === "record" ? x.offset : -1))).toEqual([5, 9]);
  });

  it("fails with SUIT_CONDITION_FAILED when no sequence completes, unless the argument ends with nil", async () => {
    const { r } = await run(install(1, [tryEach([[cond("abort")], [cond("abort")]])]));
    expect(r.error?.code).toBe("SUIT_CONDITION_FAILED");
    expect(r.error?.message).toContain("try-each");
    const { r: r2 } = await run(install(1, [tryEach([[cond("abort")], [cond("abort")]], true)]));
    expect(r2.ok).toBe(true);
  });

  it("a sequence that sets soft-failure false makes its condition failure fail the try-each", async () => {
    const seq = [
      tryEach([
        [override({ softFailure: false }), cond("abort")],
        [override({ content: A }), dir("write")],
      ]),
    ];
    const { r, platform } = await run(install(1, seq));
    expect(r.error?.code).toBe("SUIT_CONDITION_FAILED");
    expect(platform.component(C0)).toBeUndefined();
  });

  it("a directive failure inside a sequence aborts everything (no next sequence)", async () => {
    const seq = [
      tryEach([
        [override({ uri: "http://nowhere" }), dir("fetch")],
        [override({ content: A }), dir("write")],
      ]),
    ];
    const { r, platform } = await run(install(1, seq));
    expect(r.error?.code).toBe("SUIT_COMMAND_FAILED");
    expect(platform.component(C0)).toBeUndefined();
  });

  it("a missing parameter in a condition is a (soft) condition failure", async () => {
    const { r } = await run(install(1, [tryEach([[cond("image-match")], [override({ content: A }), dir("write")]])]));
    expect(r.ok).toBe(true);
    const { r: r2 } = await run(install(1, [cond("image-match")]));
    expect(r2.error?.code).toBe("SUIT_PARAMETER_MISSING");
    expect(r2.report.result).toMatchObject({ reason: SuitReportReason.conditionFailed });
  });
});

describe("run-sequence (§8.4.10.7)", () => {
  it("soft-failure false by default: a condition failure fails the run-sequence", async () => {
    const { r } = await run(install(1, [runSequence([cond("abort")])]));
    expect(r.error?.code).toBe("SUIT_CONDITION_FAILED");
  });

  it("with soft-failure set, it halts without side effects and processing continues", async () => {
    const seq = [
      override({ content: A }),
      runSequence([override({ softFailure: true, content: B }), cond("abort")]),
      dir("write", 0),
    ];
    const { r, platform } = await run(install(1, seq));
    expect(r.ok).toBe(true);
    expect(platform.component(C0)).toEqual(A);
  });

  it("with index true it runs once per component", async () => {
    const seq = [index(true), override({ content: A }), runSequence([dir("write", 1)])];
    const { r, platform } = await run(install(3, seq));
    expect(r.ok).toBe(true);
    expect([platform.component(C0), platform.component(C1), platform.component(C2)]).toEqual([A, A, A]);
  });

  it("strict-order false: a further set-component-index inside the sequence aborts (§6.7)", async () => {
    const seq = [index(0), override({ strictOrder: false }), runSequence([index(0), index(1)])];
    const { r } = await run(install(2, seq));
    expect(r.error?.code).toBe("SUIT_COMMAND_FAILED");
  });
});

describe("conditions (§8.4.9, update-management)", () => {
  const slotted = install(1, [override({ componentSlot: 1 }), cond("component-slot")]);

  it("component-slot, check-content, device-identifier, is-dependency, abort", async () => {
    expect((await run(slotted, { slots: [{ id: C0, slot: 1 }] })).r.ok).toBe(true);
    expect((await run(slotted, { slots: [{ id: C0, slot: 0 }] })).r.error?.code).toBe("SUIT_CONDITION_FAILED");
    const check = install(1, [override({ content: A }), cond("check-content")]);
    expect((await run(check, { components: [{ id: C0, data: A }] })).r.ok).toBe(true);
    expect((await run(check, { components: [{ id: C0, data: B }] })).r.error?.code).toBe("SUIT_CONDITION_FAILED");
    const device = install(1, [override({ deviceIdentifier: VENDOR_ID }), cond("device-identifier")]);
    expect((await run(device, { identity: { deviceIds: [VENDOR_ID] } })).r.ok).toBe(true);
    expect((await run(device)).r.error?.code).toBe("SUIT_CONDITION_FAILED");
    expect((await run(install(1, [cond("is-dependency")]))).r.error?.code).toBe("SUIT_CONDITION_FAILED");
    expect((await run(install(1, [cond("abort")]))).r.error?.code).toBe("SUIT_CONDITION_FAILED");
  });

  it("image-match and image-not-match against the component's content", async () => {
    const digest = await sha256(A);
    const m = install(1, [override({ imageDigest: digest, imageSize: A.length }), cond("image-match")]);
    expect((await run(m, { components: [{ id: C0, data: A }] })).r.ok).toBe(true);
    expect((await run(m, { components: [{ id: C0, data: B }] })).r.error?.code).toBe("SUIT_IMAGE_MISMATCH");
    expect((await run(m)).r.error?.code).toBe("SUIT_IMAGE_MISMATCH");
    const not = install(1, [override({ imageDigest: digest }), cond("image-not-match")]);
    expect((await run(not, { components: [{ id: C0, data: B }] })).r.ok).toBe(true);
    expect((await run(not, { components: [{ id: C0, data: A }] })).r.error?.code).toBe("SUIT_CONDITION_FAILED");
  });

  it("version, minimum-battery, update-authorized, use-before", async () => {
    const version = (comparison: number, v: number[]) =>
      install(1, [override({ version: { comparison, version: v } }), cond("version")]);
    const versions = [{ id: C0, version: [1, 2, 3] }];
    expect((await run(version(2, [1, 2]), { versions })).r.ok).toBe(true);
    expect((await run(version(5, [1]), { versions })).r.error?.code).toBe("SUIT_CONDITION_FAILED");
    expect((await run(version(3, [1, 2]))).r.error?.code).toBe("SUIT_CONDITION_FAILED");
    const battery = install(1, [override({ minimumBattery: 10 }), cond("minimum-battery")]);
    expect((await run(battery, { battery: 50 })).r.ok).toBe(true);
    expect((await run(battery, { battery: 5 })).r.error?.code).toBe("SUIT_CONDITION_FAILED");
    expect((await run(battery)).r.error?.code).toBe("SUIT_UNSUPPORTED");
    const authorized = install(1, [override({ updatePriority: -1 }), cond("update-authorized")]);
    expect((await run(authorized)).r.ok).toBe(true);
    expect((await run(authorized, { authorize: (p) => p > 0 })).r.error?.code).toBe("SUIT_CONDITION_FAILED");
    const useBefore = install(1, [override({ useBefore: 1000 }), cond("use-before")]);
    expect((await run(useBefore, { clock: fixedClock(999) })).r.ok).toBe(true);
    expect((await run(useBefore, { clock: fixedClock(1000) })).r.error?.code).toBe("ROLLBACK_EXPIRED");
  });
});

describe("directives (§8.4.10.4-9, trust-domains unlink, update-management wait)", () => {
  it("fetch of an integrated payload, copy, swap, invoke with arguments", async () => {
    const digest = await sha256(A);
    const m = manifest(ids(3), {
      install: {
        value: [
          index(0),
          override({ uri: "#payload", imageDigest: digest }),
          dir("fetch"),
          cond("image-match"),
          index(1),
          override({ sourceComponent: 0 }),
          dir("copy"),
          index(2),
          override({ content: B, sourceComponent: 1 }),
          dir("write"),
          dir("swap"),
        ],
      },
      invoke: [index(1), override({ invokeArgs: utf8Encode("boot") }), dir("invoke")],
    });
    const { r, platform } = await run(
      m,
      {},
      { procedure: ["update", "invoke"] },
      {
        integratedPayloads: new Map([["#payload", A]]),
      },
    );
    expect(r.error).toBeUndefined();
    expect(platform.component(C0)).toEqual(A);
    expect(platform.component(C1)).toEqual(B);
    expect(platform.component(C2)).toEqual(A);
    expect(platform.fetches).toEqual([]);
    expect(platform.invocations).toEqual([{ id: C1, args: utf8Encode("boot") }]);
  });

  it("copy from itself, from an empty component, or without a source are refused", async () => {
    const self = install(1, [override({ sourceComponent: 0 }), dir("copy")]);
    expect((await run(self, { components: [{ id: C0, data: A }] })).r.error?.code).toBe("SUIT_COMMAND_FAILED");
    const empty = install(2, [index(0), override({ sourceComponent: 1 }), dir("copy")]);
    expect((await run(empty)).r.error?.code).toBe("SUIT_COMMAND_FAILED");
    const none = install(1, [dir("copy")]);
    expect((await run(none)).r.error?.code).toBe("SUIT_PARAMETER_MISSING");
    const undeclared = install(1, [override({ sourceComponent: 4 }), dir("copy")]);
    expect((await run(undeclared)).r.error?.code).toBe("SUIT_MALFORMED");
  });

  it("wait, unlink and the uninstall procedure", async () => {
    const m = manifest(ids(1), {
      install: { value: [override({ waitInfo: { time: 5 } }), dir("wait")] },
      uninstall: [dir("unlink")],
    });
    const { r, platform } = await run(m, {}, { procedure: ["update", "uninstall"] });
    expect(r.error).toBeUndefined();
    expect(platform.waits).toEqual([{ time: 5 }]);
    expect(platform.snapshot().unlinked).toHaveLength(1);
  });

  it("copy decrypts with the destination's encryption info (firmware-encryption)", async () => {
    const kek = { kid: utf8Encode("kek"), key: utf8Encode("0123456789abcdef") };
    const firmware = utf8Encode("secret firmware");
    const { encryptionInfo, ciphertext } = await encryptSuitPayload(firmware, {
      provider,
      recipients: [{ alg: -3, kid: kek.kid, key: kek.key }],
    });
    const m = manifest(ids(2), {
      install: {
        value: [
          index(1),
          override({ uri: "http://example.com/enc" }),
          dir("fetch"),
          index(0),
          override({ encryptionInfo, sourceComponent: 1, imageDigest: await sha256(firmware) }),
          dir("copy"),
          cond("image-match"),
        ],
      },
    });
    const { r, platform } = await run(
      m,
      { resources: { "http://example.com/enc": ciphertext } },
      { decryptionKeys: [kek] },
    );
    expect(r.error).toBeUndefined();
    expect(platform.component(C0)).toEqual(firmware);
    expect(platform.component(C1)).toEqual(ciphertext);
  });

  it("custom commands run only where the platform knows them", async () => {
    const custom: SuitCommand = { kind: "custom", name: "custom", code: -300, argument: 7 };
    const m = install(1, [custom]);
    expect((await run(m)).r.error?.code).toBe("SUIT_UNSUPPORTED");
    const seen: number[] = [];
    const handlers = new Map([[-300, (c: { code: number }) => void seen.push(c.code)]]);
    expect((await run(m, { customCommands: handlers })).r.ok).toBe(true);
    expect(seen).toEqual([-300]);
  });
});

describe("required checks and bounds", () => {
  it("more components than allowed, an unknown component, a missing identity check", async () => {
    expect((await run(install(4, [index(0)]), {}, { processLimits: { maxComponents: 3 } })).r.error?.code).toBe(
      "SUIT_UNSUPPORTED",
    );
    const unknown = await run(install(2, [index(0)]), { knownComponents: [C0] });
    expect(unknown.r.error?.code).toBe("SUIT_UNSUPPORTED");
    expect(unknown.r.report.result).toMatchObject({ reason: SuitReportReason.componentUnsupported });
    expect((await run(install(1, [index(0)]), {}, { requireIdentityChecks: true })).r.error?.code).toBe(
      "SUIT_MALFORMED",
    );
    const checked = manifest(ids(1), {
      common: {
        components: ids(1),
        sharedSequence: [
          override({ vendorIdentifier: VENDOR_ID, classIdentifier: CLASS_ID }),
          cond("vendor-identifier"),
          cond("class-identifier"),
        ],
      },
    });
    expect((await run(checked, {}, { requireIdentityChecks: true })).r.ok).toBe(true);
  });

  it("the total number of executed commands is bounded", async () => {
    const nested = [index(true), runSequence([runSequence([cond("is-dependency", 0), cond("abort", 0)])])];
    const soft: SuitCommandSequence = [
      index(true),
      override({ content: A }),
      runSequence([override({ softFailure: true }), ...nested.slice(1)]),
    ];
    const { r } = await run(install(3, soft), {}, { processLimits: { maxCommands: 8 } });
    expect(r.error?.code).toBe("SUIT_UNSUPPORTED");
    expect(r.error?.message).toContain("more than 8 commands");
  });

  it("records beyond maxRecords are dropped; the failure record is kept", async () => {
    const seq = [index(true), override({ content: A }), dir("write", 1), cond("abort")];
    const { r } = await run(install(3, seq), {}, { processLimits: { maxRecords: 2 } });
    expect(r.report.records).toHaveLength(2);
    expect(r.report.result).toMatchObject({ record: { componentIndex: 0 } });
  });
});

describe("dependencies (trust-domains §5)", () => {
  const DEP = utf8Encode("dep");

  async function dependency(sequence: SuitCommandSequence, sequenceNumber = 3n): Promise<Uint8Array> {
    const m = manifest(ids(1), { sequenceNumber, manifestComponentId: [utf8Encode("dependency.suit")] });
    return signed({ ...m, install: { value: sequence } }, key);
  }

  async function dependent(dep: Uint8Array, install: SuitCommandSequence, prefix = true): Promise<SuitManifest> {
    const digest = decodeSuitEnvelopeUnverified(dep).authentication.digest;
    return manifest(ids(1), {
      common: { components: ids(1), dependencies: new Map([[1, prefix ? { prefix: [DEP] } : {}]]) },
      dependencyResolution: { value: [index(1), override({ uri: "#dep", imageDigest: digest }), dir("fetch")] },
      install: { value: [index(1), override({ imageDigest: digest }), ...install] },
    });
  }

  const checked = [cond("dependency-integrity"), dir("process-dependency")];

  async function runDep(
    depSeq: SuitCommandSequence,
    install: SuitCommandSequence,
    o: Parameters<typeof run>[1] = {},
    p: Parameters<typeof run>[2] = {},
  ) {
    const dep = await dependency(depSeq);
    return run(await dependent(dep, install), o, p, { integratedDependencies: new Map([["#dep", dep]]) });
  }

  it("processes the dependency's install with the dependent's install; prefixes only when asked", async () => {
    const write = [override({ content: A }), dir("write", 1)];
    const plain = await runDep(write, checked);
    expect(plain.r.error).toBeUndefined();
    expect(plain.platform.component(C0)).toEqual(A);
    expect(plain.r.dependencies).toMatchObject([{ manifestId: [0], sequenceNumber: 3n }]);
    const fromDependency = plain.r.report.records.filter((x) => x.kind === "record" && x.manifestId.length > 0);
    expect(fromDependency).toMatchObject([{ kind: "record", manifestId: [0], section: 20 }]);
    const prefixed = await runDep(write, checked, {}, { prefixDependencies: true });
    expect(prefixed.r.error).toBeUndefined();
    expect(prefixed.platform.component(C0)).toBeUndefined();
    expect(prefixed.platform.component([DEP, new Uint8Array([0])])).toEqual(A);
  });

  it("refuses to process a dependency that passed no integrity check, or a component that is none", async () => {
    const write = [override({ content: A }), dir("write")];
    expect((await runDep(write, [dir("process-dependency")])).r.error?.code).toBe("SUIT_DEPENDENCY_FAILED");
    const notDep = await runDep(write, [index(0), dir("process-dependency")]);
    expect(notDep.r.error?.code).toBe("SUIT_DEPENDENCY_FAILED");
    expect(notDep.platform.component(C0)).toBeUndefined();
  });

  it("process-dependency with index true processes the dependencies only", async () => {
    const { r, platform } = await runDep(
      [override({ content: A }), dir("write")],
      [cond("dependency-integrity"), index(true), dir("process-dependency")],
    );
    expect(r.error).toBeUndefined();
    expect(platform.component(C0)).toEqual(A);
  });

  it("a dependency digest other than the dependency's is refused by dependency-integrity", async () => {
    const dep = await dependency([override({ content: A }), dir("write")]);
    const m = await dependent(dep, checked);
    const wrong = { ...m, install: { value: [index(1), override({ imageDigest: await sha256(A) }), ...checked] } };
    const { r } = await run(wrong, {}, {}, { integratedDependencies: new Map([["#dep", dep]]) });
    expect(r.error?.code).toBe("SUIT_DEPENDENCY_FAILED");
  });

  it("the dependency's own sequence number goes through the rollback check", async () => {
    const { r, platform } = await runDep([override({ content: A }), dir("write")], checked, {
      sequenceNumbers: [{ componentId: [utf8Encode("dependency.suit")], sequenceNumber: 3n }],
    });
    expect(r.error?.code).toBe("ROLLBACK_REFUSED");
    expect(platform.component(C0)).toBeUndefined();
  });

  it("a failure inside the dependency keeps its code and is recorded under the dependency's manifest id", async () => {
    const { r } = await runDep([cond("abort")], checked);
    expect(r.error?.code).toBe("SUIT_CONDITION_FAILED");
    expect(r.report.result).toMatchObject({ record: { manifestId: [0], section: 20, offset: 1 } });
  });

  it("dependencies nested deeper than the limit are refused", async () => {
    const { r } = await runDep(
      [override({ content: A }), dir("write")],
      checked,
      {},
      { processLimits: { maxDependencyDepth: 0 } },
    );
    expect(r.error?.code).toBe("SUIT_DEPENDENCY_FAILED");
  });
});
