import { type CborMap, type CborValue, decodeCbor, isRotkitError } from "@rotkit/core";
import { describe, expect, it } from "vitest";
import {
  decodePsaClaims,
  detectPsaProfile,
  PSA_PROFILE_2_0_0,
  PSA_PROFILE_LEGACY,
  PSA_PROFILE_TFM,
  type PsaProfile,
  psaClaimKeys,
  psaLifecycleState,
} from "../src/index.js";

// Every PSA claim rule (RFC 9783 §4; legacy keys §6), positive and negative, with the code and the claim named.

const b = (n: number, fill = 0x11) => new Uint8Array(n).fill(fill);
const ueid = () => {
  const u = b(33, 0x22);
  u[0] = 0x01;
  return u;
};

function base(profile: PsaProfile): CborMap {
  const k = psaClaimKeys(profile);
  const m: CborMap = new Map<CborValue, CborValue>([
    [k.profile, profile],
    [k.nonce, b(32)],
    [k.instanceId, ueid()],
    [k.implementationId, b(32)],
    [k.clientId, 1],
    [k.securityLifecycle, 0x3000],
    [
      k.softwareComponents,
      [
        new Map<CborValue, CborValue>([
          [2, b(32)],
          [5, b(32)],
        ]),
      ],
    ],
  ]);
  if (profile === PSA_PROFILE_LEGACY) m.set(k.bootSeed, b(32));
  return m;
}

function reject(m: CborMap, profile: PsaProfile | undefined, code: string, at: string | RegExp) {
  try {
    decodePsaClaims(m, profile);
  } catch (e) {
    expect(isRotkitError(e)).toBe(true);
    if (!isRotkitError(e)) return;
    expect(e.code).toBe(code);
    if (typeof at === "string") expect(e.at).toBe(at);
    else expect(String(e.at)).toMatch(at);
    return;
  }
  throw new Error("accepted");
}

const ALL = [PSA_PROFILE_TFM, PSA_PROFILE_2_0_0, PSA_PROFILE_LEGACY] as const;

describe("decodePsaClaims: every rule on every profile", () => {
  for (const p of ALL) {
    const k = psaClaimKeys(p);
    describe(p, () => {
      it("accepts the minimal claims-set and decodes lifecycle to its name", () => {
        const c = decodePsaClaims(base(p), p);
        expect(c.profile).toBe(p);
        expect(c.securityLifecycle).toEqual({ value: 0x3000, state: "secured" });
        expect(c.softwareComponents?.length).toBe(1);
        expect(decodePsaClaims(base(p)).profile).toBe(p); // detected
      });
      it("nonce: 32/48/64 ok; 4/65 bytes, missing, multi-nonce array rejected", () => {
        for (const n of [32, 48, 64])
          expect(decodePsaClaims(new Map([...base(p), [k.nonce, b(n)]]), p).nonce.length).toBe(n);
        reject(new Map([...base(p), [k.nonce, b(4)]]), p, "ATTEST_CLAIM_INVALID", "claims.nonce");
        reject(new Map([...base(p), [k.nonce, b(65)]]), p, "ATTEST_CLAIM_INVALID", "claims.nonce");
        reject(new Map([...base(p), [k.nonce, [b(32), b(32)]]]), p, "ATTEST_CLAIM_INVALID", "claims.nonce");
        const m = base(p);
        m.delete(k.nonce);
        reject(m, p, "ATTEST_CLAIM_MISSING", "claims.nonce");
      });
      it("instance ID: 33 bytes, type RAND", () => {
        reject(new Map([...base(p), [k.instanceId, b(32)]]), p, "ATTEST_CLAIM_INVALID", "claims.instanceId");
        reject(new Map([...base(p), [k.instanceId, b(34)]]), p, "ATTEST_CLAIM_INVALID", "claims.instanceId");
        const bad = ueid();
        bad[0] = 0x02;
        reject(new Map([...base(p), [k.instanceId, bad]]), p, "ATTEST_CLAIM_INVALID", "claims.instanceId");
        reject(new Map([...base(p), [k.instanceId, "x"]]), p, "ATTEST_CLAIM_INVALID", "claims.instanceId");
        const m = base(p);
        m.delete(k.instanceId);
        reject(m, p, "ATTEST_CLAIM_MISSING", "claims.instanceId");
      });
      it("implementation ID: 32 bytes", () => {
        reject(
          new Map([...base(p), [k.implementationId, b(31)]]),
          p,
          "ATTEST_CLAIM_INVALID",
          "claims.implementationId",
        );
        const m = base(p);
        m.delete(k.implementationId);
        reject(m, p, "ATTEST_CLAIM_MISSING", "claims.implementationId");
      });
      it("client ID: int ≠ 0 within ±2^31", () => {
        for (const v of [1, -1, 2 ** 31 - 1, -(2 ** 31)]) {
          expect(decodePsaClaims(new Map([...base(p), [k.clientId, v]]), p).clientId).toBe(v);
        }
        for (const v of [0, 2 ** 31, -(2 ** 31) - 1, "1", 1.5]) {
          reject(new Map([...base(p), [k.clientId, v]]), p, "ATTEST_CLAIM_INVALID", "claims.clientId");
        }
        const m = base(p);
        m.delete(k.clientId);
        reject(m, p, "ATTEST_CLAIM_MISSING", "claims.clientId");
      });
      it("security lifecycle: the seven ranges; 65535 and gaps invalid", () => {
        for (const v of [0, 0xff, 0x1000, 0x20ff, 0x3003, 0x4000, 0x5000, 0x60ff]) {
          expect(decodePsaClaims(new Map([...base(p), [k.securityLifecycle, v]]), p).securityLifecycle.value).toBe(v);
        }
        for (const v of [65535, 0x0100, 0x3100, 0x7000, -1]) {
          reject(
            new Map([...base(p), [k.securityLifecycle, v]]),
            p,
            "ATTEST_CLAIM_INVALID",
            "claims.securityLifecycle",
          );
        }
        const m = base(p);
        m.delete(k.securityLifecycle);
        reject(m, p, "ATTEST_CLAIM_MISSING", "claims.securityLifecycle");
      });
      it("boot seed: 8..32 (legacy: mandatory, 32)", () => {
        if (p === PSA_PROFILE_LEGACY) {
          reject(new Map([...base(p), [k.bootSeed, b(8)]]), p, "ATTEST_CLAIM_INVALID", "claims.bootSeed");
          const m = base(p);
          m.delete(k.bootSeed);
          reject(m, p, "ATTEST_CLAIM_MISSING", "claims.bootSeed");
        } else {
          for (const n of [8, 32])
            expect(decodePsaClaims(new Map([...base(p), [k.bootSeed, b(n)]]), p).bootSeed?.length).toBe(n);
          expect(decodePsaClaims(base(p), p).bootSeed).toBeUndefined();
        }
        for (const n of [7, 33])
          reject(new Map([...base(p), [k.bootSeed, b(n)]]), p, "ATTEST_CLAIM_INVALID", "claims.bootSeed");
      });
      it("certification reference: EAN-13+5 (older profiles also EAN-13)", () => {
        expect(
          decodePsaClaims(new Map([...base(p), [k.certificationReference, "1234567890123-12345"]]), p)
            .certificationReference,
        ).toBe("1234567890123-12345");
        const ean13 = new Map([...base(p), [k.certificationReference, "1234567890123"]]);
        if (p === PSA_PROFILE_TFM) reject(ean13, p, "ATTEST_CLAIM_INVALID", "claims.certificationReference");
        else expect(decodePsaClaims(ean13, p).certificationReference).toBe("1234567890123");
        for (const s of ["a234567890-12345", "123456789012-12345", ""]) {
          reject(
            new Map([...base(p), [k.certificationReference, s]]),
            p,
            "ATTEST_CLAIM_INVALID",
            "claims.certificationReference",
          );
        }
      });
      it("software components: non-empty array of maps with hash-sized value and signer ID", () => {
        const full = new Map<CborValue, CborValue>([
          [1, "BL"],
          [2, b(48)],
          [4, "1.0"],
          [5, b(64)],
          [6, "SHA384"],
        ]);
        const c = decodePsaClaims(new Map([...base(p), [k.softwareComponents, [full]]]), p);
        expect(c.softwareComponents?.[0]).toMatchObject({
          measurementType: "BL",
          version: "1.0",
          measurementDesc: "SHA384",
        });
        reject(
          new Map([...base(p), [k.softwareComponents, []]]),
          p,
          "ATTEST_CLAIM_MISSING",
          "claims.softwareComponents",
        );
        reject(
          new Map([...base(p), [k.softwareComponents, "x"]]),
          p,
          "ATTEST_CLAIM_INVALID",
          "claims.softwareComponents",
        );
        const noValue = new Map<CborValue, CborValue>([[5, b(32)]]);
        reject(
          new Map([...base(p), [k.softwareComponents, [noValue]]]),
          p,
          "ATTEST_CLAIM_MISSING",
          "claims.softwareComponents[0].measurementValue",
        );
        const noSigner = new Map<CborValue, CborValue>([[2, b(32)]]);
        reject(
          new Map([...base(p), [k.softwareComponents, [full, noSigner]]]),
          p,
          "ATTEST_CLAIM_MISSING",
          "claims.softwareComponents[1].signerId",
        );
        const shortSigner = new Map<CborValue, CborValue>([
          [2, b(32)],
          [5, b(4)],
        ]);
        reject(
          new Map([...base(p), [k.softwareComponents, [shortSigner]]]),
          p,
          "ATTEST_CLAIM_INVALID",
          "claims.softwareComponents[0].signerId",
        );
        const badType = new Map<CborValue, CborValue>([
          [1, 7],
          [2, b(32)],
          [5, b(32)],
        ]);
        reject(
          new Map([...base(p), [k.softwareComponents, [badType]]]),
          p,
          "ATTEST_CLAIM_INVALID",
          "claims.softwareComponents[0].measurementType",
        );
        const m = base(p);
        m.delete(k.softwareComponents);
        reject(m, p, "ATTEST_CLAIM_MISSING", "claims.softwareComponents");
      });
      it("verification service indicator: non-empty text", () => {
        expect(
          decodePsaClaims(new Map([...base(p), [k.verificationServiceIndicator, "https://v"]]), p)
            .verificationServiceIndicator,
        ).toBe("https://v");
        reject(
          new Map([...base(p), [k.verificationServiceIndicator, ""]]),
          p,
          "ATTEST_CLAIM_INVALID",
          "claims.verificationServiceIndicator",
        );
        reject(
          new Map([...base(p), [k.verificationServiceIndicator, 1]]),
          p,
          "ATTEST_CLAIM_INVALID",
          "claims.verificationServiceIndicator",
        );
      });
      it("profile: a different profile string is ATTEST_PROFILE", () => {
        reject(new Map([...base(p), [k.profile, "http://UNKNOWN"]]), p, "ATTEST_PROFILE", "claims.profile");
        reject(new Map([...base(p), [k.profile, "http://UNKNOWN"]]), undefined, "ATTEST_PROFILE", "claims.profile");
      });
    });
  }

  it("legacy: profile claim may be absent; no-sw-measurements is exclusive with software components", () => {
    const k = psaClaimKeys(PSA_PROFILE_LEGACY);
    const m = base(PSA_PROFILE_LEGACY);
    m.delete(k.profile);
    expect(detectPsaProfile(m)).toBe(PSA_PROFILE_LEGACY);
    expect(decodePsaClaims(m).profileClaimPresent).toBe(false);
    const noSw = new Map(m);
    noSw.delete(k.softwareComponents);
    noSw.set(-75007, 1);
    expect(decodePsaClaims(noSw).noSoftwareMeasurements).toBe(true);
    reject(new Map([...noSw, [-75007, 2]]), undefined, "ATTEST_CLAIM_INVALID", "claims.noSoftwareMeasurements");
    reject(new Map([...m, [-75007, 1]]), undefined, "ATTEST_CLAIM_INVALID", "claims.softwareComponents");
  });

  it("RFC 9783 / 2.0.0: a missing profile claim is ATTEST_CLAIM_MISSING; nothing to detect is ATTEST_PROFILE", () => {
    const m = base(PSA_PROFILE_TFM);
    m.delete(265);
    reject(m, PSA_PROFILE_TFM, "ATTEST_CLAIM_MISSING", "claims.profile");
    reject(m, undefined, "ATTEST_PROFILE", "claims.profile");
    reject(new Map([...m, [265, PSA_PROFILE_LEGACY]]), undefined, "ATTEST_PROFILE", "claims.profile");
  });

  it("not a map: ATTEST_MALFORMED", () => {
    expect(() => decodePsaClaims([1, 2] as CborValue)).toThrow(expect.objectContaining({ code: "ATTEST_MALFORMED" }));
    expect(() => decodePsaClaims(decodeCbor(Uint8Array.of(0x01)))).toThrow(
      expect.objectContaining({ code: "ATTEST_MALFORMED" }),
    );
  });

  it("psaLifecycleState names", () => {
    expect(psaLifecycleState(0x1001)).toBe("assembly-and-test");
    expect(psaLifecycleState(0x6000)).toBe("decommissioned");
    expect(psaLifecycleState(65535)).toBeUndefined();
  });
});
