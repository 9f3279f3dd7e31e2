import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToBigInt, type CryptoProvider, fixedClock } from "@rotkit/core";
import {
  ATTRIBUTE_STATUSES,
  type AttributeCertificate,
  type Certificate,
  decodeTcgPlatformAttributes,
  EVALUATION_STATUSES,
  MEASUREMENT_ROOT_TYPES,
  type Name,
  nameEquals,
  OID_TCG_AT_TCG_CREDENTIAL_SPECIFICATION,
  oidFromString,
  parseAttributeCertificate,
  parseCertificate,
  STRENGTHS_OF_FUNCTION,
  type TcgPlatformAttributes,
  verifyPlatformCertificate,
} from "@rotkit/x509";
import type { CaseResult } from "../types.js";
import { CaseInputError, caseResult, type Json, type Outcome, outcomeOfError } from "./case-outcome.js";

// go-attestation's attributecert test data: TCG platform certificates (RFC 5755 attribute certificates), each with a
// .cer.json holding go-attestation's parse of it (its TestParseAttributeCerts compares the two). Per certificate:
// - `attributecert/<file>`: parseAttributeCertificate + decodeTcgPlatformAttributes succeed and the facts the JSON
//   lists are equal: version, serial, signature algorithm, holder (EK certificate issuer + serial), issuer, validity,
//   TCGPlatformSpecification version, TBBSecurityAssertions, platform manufacturer/model/version/serial, the UserNotice
//   attribute, components, properties and their URI. Not compared, because go-attestation's JSON cannot hold them:
//   CcInfo ProfileURI / TargetOid / TargetURI (it declares profileUri as a string and targetUri as an OID, so its
//   decoder stops at profileUri), CredentialSpecification and Subject (never filled). Two go-attestation readings
//   are compared as it makes them: ManufacturerID is the componentManufacturerId OID's content octets read as an
//   integer, and the platform serial of early credentials is their subjectAltName attribute 2.23.133.2.23.
// - `#signature` (expected valid; upstream's TestVerifyAttributeCert): when the folder holds the issuer's certificate
//   (subject = AC issuer, SKI = AC authorityKeyIdentifier), verifyPlatformCertificate with it at the AC's notBefore.
//   A TCG platform certificate is legacy data: Intel's 2017 credentials are signed sha1WithRSAEncryption, which
//   go-attestation accepts, so the suite passes `allowSha1: true` (rotkit refuses SHA-1 without it).
// - `#sha1-tampered` (expected invalid, X509_BAD_SIGNATURE): each such SHA-1 certificate with one signature bit
//   flipped, verified the same way — the opt-in accepts SHA-1, not a bad signature.
// - `#foreign-issuer-key` (expected invalid, X509_BAD_SIGNATURE): a non-SHA-1 certificate whose issuer is not in the
//   folder, verified with the key of a certificate that did not issue it.

const GO_SIGNATURE_ALGORITHMS: Record<number, string> = {
  3: "1.2.840.113549.1.1.5",
  4: "1.2.840.113549.1.1.11",
  5: "1.2.840.113549.1.1.12",
  6: "1.2.840.113549.1.1.13",
  10: "1.2.840.10045.4.3.2",
  11: "1.2.840.10045.4.3.3",
  12: "1.2.840.10045.4.3.4",
  13: "1.2.840.113549.1.1.10",
  14: "1.2.840.113549.1.1.10",
  15: "1.2.840.113549.1.1.10",
  16: "1.3.101.112",
};
const SHA1_WITH_RSA = "1.2.840.113549.1.1.5";
const OID_AKI = "2.5.29.35";

/** JSON.parse keeping integers beyond 2^53 (serial numbers) exact, as strings. */
function parseJsonExact(text: string): Json {
  return JSON.parse(text.replace(/(:\s*)(-?\d{16,})(\s*[,}\]])/g, '$1"$2"$3')) as Json;
}

function big(v: unknown): bigint {
  if (typeof v === "string" || typeof v === "number") return BigInt(v);
  throw new CaseInputError(`not an integer: ${String(v)}`);
}

/** A two's-complement INTEGER's content octets as a bigint. */
function intOf(c: Uint8Array): bigint {
  const n = bytesToBigInt(c);
  return c.length > 0 && ((c[0] as number) & 0x80) !== 0 ? n - (1n << BigInt(8 * c.length)) : n;
}

const arcs = (oid: string | undefined) => (oid === undefined ? null : oid.split(".").map(Number));

/** go's pkix.Name "Names": every attribute in RDN order. */
function names(n: Name | undefined) {
  return (n?.rdns ?? []).flat().map((a) => ({ Type: arcs(a.type), Value: a.text ?? null }));
}

function enumIndex(list: readonly string[], v: string | undefined): number {
  return v === undefined ? 0 : list.indexOf(v);
}

/** The facts of the JSON that rotkit's parse must reproduce, in go-attestation's shape. */
function goView(ac: AttributeCertificate, t: TcgPlatformAttributes) {
  const tbb = t.tbbSecurityAssertions;
  const cc = tbb?.ccInfo;
  const config = t.platformConfiguration;
  const holderIssuer = ac.holder.baseCertificateId?.issuer.find((g) => g.type === "dn");
  const legacySerial = t.otherSubjectAltNameAttributes.find((a) => a.type === OID_TCG_AT_TCG_CREDENTIAL_SPECIFICATION);
  const nonEmpty = <T>(xs: T[] | undefined) => (xs === undefined || xs.length === 0 ? null : xs);
  return {
    Version: ac.version,
    SerialNumber: intOf(ac.serialNumber),
    SignatureAlgorithm: ac.signatureAlgorithm.oid,
    Holder: {
      Issuer: names(holderIssuer?.type === "dn" ? holderIssuer.value : undefined),
      Serial: ac.holder.baseCertificateId ? intOf(ac.holder.baseCertificateId.serial) : null,
    },
    Issuer: names(ac.issuer),
    NotBefore: ac.notBefore,
    NotAfter: ac.notAfter,
    TCGPlatformSpecification: {
      MajorVersion: t.platformSpecification?.version.major ?? 0,
      MinorVersion: t.platformSpecification?.version.minor ?? 0,
      Revision: t.platformSpecification?.version.revision ?? 0,
    },
    TBBSecurityAssertions: {
      Version: tbb?.version ?? 0,
      CcInfo: {
        Version: cc?.version ?? "",
        AssuranceLevel: cc?.assuranceLevel ?? 0,
        EvaluationStatus: enumIndex(EVALUATION_STATUSES, cc?.evaluationStatus),
        Plus: cc?.plus ?? false,
        StrengthOfFunction: enumIndex(STRENGTHS_OF_FUNCTION, cc?.strengthOfFunction),
        ProfileOid: arcs(cc?.profileOid),
      },
      FipsLevel: {
        Version: tbb?.fipsLevel?.version ?? "",
        Level: tbb?.fipsLevel?.level ?? 0,
        Plus: tbb?.fipsLevel?.plus ?? false,
      },
      RtmType: enumIndex(MEASUREMENT_ROOT_TYPES, tbb?.rtmType),
      Iso9000Certified: tbb?.iso9000Certified ?? false,
      Iso9000URI: tbb?.iso9000Uri ?? "",
    },
    PlatformManufacturer: t.platformManufacturer ?? "",
    PlatformModel: t.platformModel ?? "",
    PlatformVersion: t.platformVersion ?? "",
    PlatformSerial: t.platformSerial ?? legacySerial?.text ?? "",
    UserNotice: {
      NoticeRef: {
        Organization: t.userNotice?.noticeRef?.organization ?? "",
        NoticeNumbers: t.userNotice?.noticeRef?.noticeNumbers ?? null,
      },
      ExplicitText: t.userNotice?.explicitText ?? "",
    },
    Components: nonEmpty(
      config?.components.map((c) => ({
        Manufacturer: c.manufacturer,
        Model: c.model,
        Serial: c.serial ?? "",
        Revision: c.revision ?? "",
        ManufacturerID: c.manufacturerId === undefined ? 0n : bytesToBigInt(oidFromString(c.manufacturerId)),
        FieldReplaceable: c.fieldReplaceable ?? false,
        Addresses: nonEmpty(
          c.addresses.map((a) => ({ AddressType: arcs(a.addressType), AddressValue: a.addressValue })),
        ),
      })),
    ),
    Properties: nonEmpty(
      config?.properties.map((p) => ({
        PropertyName: p.name,
        PropertyValue: p.value,
        Status: enumIndex(ATTRIBUTE_STATUSES, p.status),
      })),
    ),
    PropertiesURI: config?.propertiesUri?.uri ?? "",
  };
}

/** The same facts read from go-attestation's JSON. */
function expectedView(j: Json) {
  const o = (v: unknown) => (v ?? {}) as Json;
  const goNames = (n: unknown) => ((o(n).Names ?? []) as Json[]).map((a) => ({ Type: a.Type, Value: a.Value ?? null }));
  const tbb = o(j.TBBSecurityAssertions);
  const cc = o(tbb.CcInfo);
  const fips = o(tbb.FipsLevel);
  const spec = o(o(j.TCGPlatformSpecification).Version);
  const notice = o(j.UserNotice);
  const seconds = (s: unknown) => Date.parse(String(s)) / 1000;
  return {
    Version: j.Version,
    SerialNumber: big(j.SerialNumber),
    SignatureAlgorithm: GO_SIGNATURE_ALGORITHMS[Number(j.SignatureAlgorithm)] ?? `go:${String(j.SignatureAlgorithm)}`,
    Holder: {
      Issuer: goNames(o(j.Holder).Issuer),
      Serial: o(j.Holder).Serial == null ? null : big(o(j.Holder).Serial),
    },
    Issuer: goNames(j.Issuer),
    NotBefore: seconds(j.NotBefore),
    NotAfter: seconds(j.NotAfter),
    TCGPlatformSpecification: {
      MajorVersion: spec.MajorVersion,
      MinorVersion: spec.MinorVersion,
      Revision: spec.Revision,
    },
    TBBSecurityAssertions: {
      Version: tbb.Version,
      CcInfo: {
        Version: cc.Version,
        AssuranceLevel: cc.AssuranceLevel,
        EvaluationStatus: cc.EvaluationStatus,
        Plus: cc.Plus,
        StrengthOfFunction: cc.StrengthOfFunction,
        ProfileOid: cc.ProfileOid ?? null,
      },
      FipsLevel: { Version: fips.Version, Level: fips.Level, Plus: fips.Plus },
      RtmType: tbb.RtmType,
      Iso9000Certified: tbb.Iso9000Certified,
      Iso9000URI: tbb.Iso9000URI,
    },
    PlatformManufacturer: j.PlatformManufacturer,
    PlatformModel: j.PlatformModel,
    PlatformVersion: j.PlatformVersion,
    PlatformSerial: j.PlatformSerial,
    UserNotice: {
      NoticeRef: {
        Organization: o(notice.NoticeRef).Organization,
        NoticeNumbers: o(notice.NoticeRef).NoticeNumbers ?? null,
      },
      ExplicitText: notice.ExplicitText,
    },
    Components:
      (j.Components as Json[] | null)?.map((c) => ({
        Manufacturer: c.Manufacturer,
        Model: c.Model,
        Serial: c.Serial,
        Revision: c.Revision,
        ManufacturerID: big(c.ManufacturerID),
        FieldReplaceable: c.FieldReplaceable,
        Addresses: c.Addresses ?? null,
      })) ?? null,
    Properties: j.Properties ?? null,
    PropertiesURI: j.PropertiesURI,
  };
}

/** The paths where two views differ (JSON-equal comparison, bigint-aware). */
function differences(got: unknown, want: unknown, path = ""): string[] {
  if (typeof got === "object" && got !== null && typeof want === "object" && want !== null) {
    const keys = new Set([...Object.keys(got), ...Object.keys(want)]);
    return [...keys].flatMap((k) =>
      differences((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  const show = (v: unknown) => (typeof v === "bigint" ? `${v}n` : JSON.stringify(v));
  return show(got) === show(want) ? [] : [`${path.slice(1)}: got ${show(got)}, upstream ${show(want)}`];
}

/** The folder's certificate that issued `ac`: subject = AC issuer, and SKI = the AC's AKI keyIdentifier if it has one. */
function issuerIn(certs: readonly Certificate[], ac: AttributeCertificate): Certificate | undefined {
  const aki = ac.ext.authorityKeyIdentifier?.keyIdentifier;
  return certs.find((c) => {
    if (!nameEquals(c.subject, ac.issuer)) return false;
    const ski = c.ext.subjectKeyIdentifier;
    return aki === undefined || (ski !== undefined && ski.length === aki.length && ski.every((b, i) => b === aki[i]));
  });
}

/** A negative case refused with another code than `code` counts as accepted: the refusal was for the wrong reason. */
function expectCode(code: string, o: Outcome): Outcome {
  return "got" in o && o.got === "invalid" && o.code !== code
    ? { got: "valid", code: o.code, reason: `expected ${code}, got ${o.code}: ${o.reason}` }
    : o;
}

/**
 * The outcome `fn` reports, or the one its exception stands for.
 *
 * @example
 * ```ts
 * const o = await judgeOutcome(async () => ({ got: "valid" }));
 * ```
 */
export async function judgeOutcome(fn: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await fn();
  } catch (e) {
    return outcomeOfError(e);
  }
}

/**
 * The cases of one platform certificate `file` (with `file`.json) in `dir`; `certs` are the folder's X.509 certificates.
 *
 * @example
 * ```ts
 * results.push(...(await platformCertCases(dir, "plat_cert1.cer", issuers, provider)));
 * ```
 */
export async function platformCertCases(
  dir: string,
  file: string,
  certs: readonly Certificate[],
  provider: CryptoProvider,
): Promise<CaseResult[]> {
  const id = `attributecert/${file}`;
  const der = new Uint8Array(readFileSync(join(dir, file)));
  const out: CaseResult[] = [];
  let ac: AttributeCertificate | undefined;
  out.push(
    caseResult(
      id,
      "valid",
      await judgeOutcome(async () => {
        const want = expectedView(parseJsonExact(readFileSync(join(dir, `${file}.json`), "utf8")));
        ac = parseAttributeCertificate(der);
        const platform = decodeTcgPlatformAttributes(ac);
        const diff = differences(goView(ac, platform), want);
        if (diff.length > 0) return { got: "invalid", code: "FIELD_MISMATCH", reason: diff.join("; ") };
        return { got: "valid", reason: platform.issues.length ? `tolerated: ${platform.issues.join(", ")}` : "" };
      }),
    ),
  );
  if (ac === undefined) return out;
  const parsed: AttributeCertificate = ac;
  const issuer = issuerIn(certs, parsed);
  const clock = fixedClock(parsed.notBefore);
  const sha1 = parsed.signatureAlgorithm.oid === SHA1_WITH_RSA;
  if (issuer !== undefined) {
    out.push(
      caseResult(
        `${id}#signature`,
        "valid",
        await judgeOutcome(async () => {
          await verifyPlatformCertificate(parsed, { issuer, provider, clock, allowSha1: true });
          return { got: "valid", reason: sha1 ? "sha1WithRSAEncryption, verified under allowSha1 (legacy)" : "" };
        }),
      ),
    );
    if (sha1) {
      const signature = parsed.signature.slice();
      signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 1;
      out.push(
        caseResult(
          `${id}#sha1-tampered`,
          "invalid",
          expectCode(
            "X509_BAD_SIGNATURE",
            await judgeOutcome(async () => {
              await verifyPlatformCertificate({ ...parsed, signature }, { issuer, provider, clock, allowSha1: true });
              return { got: "valid", reason: "a SHA-1 signature with a flipped bit verified" };
            }),
          ),
        ),
      );
    }
  } else if (!sha1 && parsed.extensions.some((e) => e.oid === OID_AKI)) {
    const other = certs.find((c) => c.publicKey !== undefined);
    if (other?.publicKey !== undefined) {
      const key = other.publicKey;
      out.push(
        caseResult(
          `${id}#foreign-issuer-key`,
          "invalid",
          expectCode(
            "X509_BAD_SIGNATURE",
            await judgeOutcome(async () => {
              await verifyPlatformCertificate(parsed, { issuer: key, provider, clock });
              return { got: "valid", reason: "verified under a key that did not issue it" };
            }),
          ),
        ),
      );
    }
  }
  return out;
}

/**
 * The folder's X.509 certificates (`.cer` files without a `.cer.json`): candidate issuers of the platform certificates.
 *
 * @example
 * ```ts
 * const issuers = folderCertificates(dir, files);
 * ```
 */
export function folderCertificates(dir: string, files: readonly string[]): Certificate[] {
  const out: Certificate[] = [];
  for (const f of files) {
    if (!f.endsWith(".cer") || existsSync(join(dir, `${f}.json`))) continue;
    try {
      out.push(parseCertificate(new Uint8Array(readFileSync(join(dir, f)))));
    } catch {
      // not an X.509 certificate: not an issuer candidate
    }
  }
  return out;
}
