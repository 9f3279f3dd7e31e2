import { RotkitError } from "@rotkit/core";
import { buildPath } from "./build.js";
import { parseCertificate, parseCertificatePem } from "./cert.js";
import { addNameConstraints, checkNameConstraints, emptyNameConstraints } from "./name-constraints.js";
import { nameEquals } from "./names.js";
import type { CertificateInput, KeyUsageName, ValidatePathOptions, ValidatePathResult } from "./options.js";
import { checkPeerName } from "./peer-name.js";
import { PolicyProcessor } from "./policy.js";
import { checkProfile, type Role } from "./profiles.js";
import { checkRevocation, parseCrlInput, type RevocationContext } from "./revocation.js";
import { verifySigned } from "./signature.js";
import { type Certificate, KeyUsageBit } from "./types.js";
import { ANY_POLICY, EKU, EXT } from "./validate-oids.js";

// RFC 5280 §6.1 certification path validation on top of path building (build.ts): the basic certificate processing
// (§6.1.3), preparation for the next certificate (§6.1.4) and wrap-up (§6.1.5), the profile rules (profiles.ts), the
// leaf requirements of the caller (key usage, EKU, peer name) and CRL checking (§6.3, revocation.ts).

/** Critical extensions this module processes (§6.1.4 (o), §6.1.5 (c)); any other critical extension fails. */
export const PROCESSED_CRITICAL_EXTENSIONS: readonly string[] = [
  EXT.basicConstraints,
  EXT.keyUsage,
  EXT.extKeyUsage,
  EXT.subjectAltName,
  EXT.nameConstraints,
  EXT.certificatePolicies,
  EXT.policyMappings,
  EXT.policyConstraints,
  EXT.inhibitAnyPolicy,
  EXT.crlDistributionPoints,
];

const KU_BITS: Record<KeyUsageName, number> = {
  digitalSignature: KeyUsageBit.digitalSignature,
  nonRepudiation: KeyUsageBit.nonRepudiation,
  contentCommitment: KeyUsageBit.nonRepudiation,
  keyEncipherment: KeyUsageBit.keyEncipherment,
  dataEncipherment: KeyUsageBit.dataEncipherment,
  keyAgreement: KeyUsageBit.keyAgreement,
  keyCertSign: KeyUsageBit.keyCertSign,
  cRLSign: KeyUsageBit.cRLSign,
  encipherOnly: KeyUsageBit.encipherOnly,
  decipherOnly: KeyUsageBit.decipherOnly,
};

const EKU_NAMES: Record<string, string> = {
  serverAuth: EKU.serverAuth,
  clientAuth: EKU.clientAuth,
  codeSigning: EKU.codeSigning,
  emailProtection: EKU.emailProtection,
  timeStamping: EKU.timeStamping,
  OCSPSigning: EKU.ocspSigning,
  ocspSigning: EKU.ocspSigning,
  anyExtendedKeyUsage: EKU.any,
};

const POLICY_NAMES: Record<string, string> = { anyPolicy: ANY_POLICY };

/** An EKU name (`serverAuth`, ...) or dotted OID as a dotted OID; INVALID_ARGUMENT otherwise. */
function ekuOid(name: string): string {
  const oid = Object.hasOwn(EKU_NAMES, name) ? EKU_NAMES[name] : /^\d+(\.\d+)+$/.test(name) ? name : undefined;
  if (!oid) throw new RotkitError("INVALID_ARGUMENT", `unknown extended key usage "${name}"`);
  return oid;
}

/**
 * A certificate input as a Certificate: parsed objects pass through, bytes are DER, text is PEM (exactly one block).
 *
 * @example
 * ```ts
 * const leaf = toCertificate(pemText);
 * ```
 */
export function toCertificate(input: CertificateInput): Certificate {
  if (input instanceof Uint8Array) return parseCertificate(input);
  if (typeof input === "string") {
    const certs = parseCertificatePem(input);
    if (certs.length !== 1) {
      throw new RotkitError("X509_MALFORMED", `expected one PEM CERTIFICATE block, found ${certs.length}`);
    }
    return certs[0] as Certificate;
  }
  if (typeof input === "object" && input !== null && input.der instanceof Uint8Array) return input;
  throw new RotkitError("INVALID_ARGUMENT", "a certificate must be a Certificate, DER bytes or PEM text");
}

/** True when issuer and subject names are equal (§6.1: "self-issued"). */
export function isSelfIssued(cert: Certificate): boolean {
  return nameEquals(cert.issuer, cert.subject);
}

function timeOf(t: Date | number): number {
  const s = t instanceof Date ? t.getTime() / 1000 : t;
  if (typeof s !== "number" || !Number.isFinite(s))
    throw new RotkitError("INVALID_ARGUMENT", "time must be a Date or seconds");
  // Certificate times have whole seconds; compare at that granularity (limbo rfc5280::validity::*-fractional).
  return Math.floor(s);
}

function checkValidity(cert: Certificate, now: number, at: string): void {
  // §6.1.3 (a)(2); §4.1.2.5: notBefore through notAfter, inclusive.
  if (now < cert.notBefore) throw new RotkitError("X509_NOT_YET_VALID", "certificate is not yet valid", { at });
  if (now > cert.notAfter) throw new RotkitError("X509_EXPIRED", "certificate has expired", { at });
}

function checkCriticalExtensions(cert: Certificate, processed: Set<string>, at: string): void {
  for (const e of cert.extensions) {
    if (e.critical && !processed.has(e.oid)) {
      throw new RotkitError("X509_UNKNOWN_CRITICAL", `unrecognized critical extension ${e.oid}`, { at });
    }
  }
}

/** §6.1.4 (k), (n): a certificate that issues the next one must be a CA allowed to sign certificates. */
function checkIssuer(cert: Certificate, at: string): void {
  if (cert.ext.basicConstraints?.ca !== true) {
    throw new RotkitError("X509_NOT_CA", "issuer is not a CA (basicConstraints cA is not asserted)", { at });
  }
  const ku = cert.ext.keyUsage;
  if (ku !== undefined && (ku & (1 << KeyUsageBit.keyCertSign)) === 0) {
    throw new RotkitError("X509_NOT_CA", "issuer's keyUsage does not assert keyCertSign", { at });
  }
}

interface Prepared {
  opts: ValidatePathOptions;
  now: number;
  processed: Set<string>;
  requiredEkus: string[];
  userPolicies: string[];
  maxDepth: number;
}

/**
 * Validates one complete candidate path (leaf first, ending just below `anchor`) per RFC 5280 §6.1 and the profile.
 * Signatures are already verified by path building. Throws RotkitError with `at: "path[i]"`.
 */
async function validateCandidate(
  p: Prepared,
  path: Certificate[],
  anchor: Certificate,
  crlCtx: RevocationContext,
): Promise<ValidatePathResult> {
  const { opts, now } = p;
  const n = path.length;
  const full = [...path, anchor];
  const anchorAt = `path[${n}]`;

  // The trust anchor: RFC 5280 §6.1.1 (d) takes its name and key; rotkit also holds the anchor certificate to the
  // profile, its validity, its critical extensions and CA-ness, and applies its constraints (RFC 5937 §3).
  checkProfile(anchor, "anchor", opts.profile, isSelfIssued(anchor), anchorAt, opts.pedantic);
  checkValidity(anchor, now, anchorAt);
  checkCriticalExtensions(anchor, p.processed, anchorAt);
  checkIssuer(anchor, anchorAt);

  // §6.1.2 initialization
  let nc = emptyNameConstraints();
  if (anchor.ext.nameConstraints) nc = addNameConstraints(nc, anchor.ext.nameConstraints, anchorAt);
  let maxPathLength = n;
  const anchorPathLen = anchor.ext.basicConstraints?.pathLenConstraint;
  if (anchorPathLen !== undefined && anchorPathLen < maxPathLength) maxPathLength = anchorPathLen;
  const policy = new PolicyProcessor(n, {
    explicitPolicy: opts.initialExplicitPolicy,
    policyMappingInhibit: opts.initialPolicyMappingInhibit,
    anyPolicyInhibit: opts.initialAnyPolicyInhibit,
  });

  // Logical depth: intermediates that are not self-issued (limbo max-chain-depth semantics).
  const logicalDepth = path.slice(1).filter((c) => !isSelfIssued(c)).length;
  if (logicalDepth > p.maxDepth) {
    throw new RotkitError("X509_MAX_DEPTH", `the path has ${logicalDepth} intermediates, more than ${p.maxDepth}`, {
      at: `path[${n - 1}]`,
    });
  }

  let sets = { authorities: [] as string[], user: [] as string[] };
  for (let i = 1; i <= n; i++) {
    const idx = n - i;
    const cert = path[idx] as Certificate;
    const at = `path[${idx}]`;
    const selfIssued = isSelfIssued(cert);
    const role: Role = i === n ? "leaf" : "intermediate";
    checkProfile(cert, role, opts.profile, selfIssued, at, opts.pedantic);
    // §6.1.3 (a)(2)
    checkValidity(cert, now, at);
    // §6.1.3 (b)-(c): name constraints; self-issued certificates are exempt unless they are the leaf.
    if (!selfIssued || i === n) checkNameConstraints(nc, cert, i === n, at);
    // §6.1.3 (d)-(f)
    policy.processCertificate(cert, i, selfIssued, at);
    if (i < n) {
      // §6.1.4 (a)-(b), (h)-(j)
      policy.prepareNext(cert, i, selfIssued, at);
      // §6.1.4 (g)
      if (cert.ext.nameConstraints) nc = addNameConstraints(nc, cert.ext.nameConstraints, at);
      // §6.1.4 (k), (n)
      checkIssuer(cert, at);
      // §6.1.4 (l)-(m): self-issued certificates do not count toward the path length.
      if (!selfIssued) {
        if (maxPathLength <= 0) {
          throw new RotkitError("X509_PATH_LEN", "a pathLenConstraint is exceeded", { at });
        }
        maxPathLength--;
      }
      const pl = cert.ext.basicConstraints?.pathLenConstraint;
      if (pl !== undefined && pl < maxPathLength) maxPathLength = pl;
      // §6.1.4 (o)
      checkCriticalExtensions(cert, p.processed, at);
    } else {
      // §6.1.5 (c)-(g)
      checkCriticalExtensions(cert, p.processed, at);
      sets = policy.wrapUp(cert, p.userPolicies, at);
    }
  }

  const leaf = path[0] as Certificate;
  checkLeafUsage(p, leaf, path);
  if (opts.peerName) checkPeerName(leaf, opts.peerName, opts);
  for (const peer of opts.peerNames ?? []) checkPeerName(leaf, peer, opts);

  // §6.3: CRLs, after the path itself is known to be valid.
  await checkRevocation(full, crlCtx);

  return { path: full, anchor, validPolicySet: sets.authorities, userConstrainedPolicySet: sets.user };
}

/** The caller's key usage and extended key usage requirements (§4.2.1.3, §4.2.1.12). */
function checkLeafUsage(p: Prepared, leaf: Certificate, path: Certificate[]): void {
  const { opts } = p;
  const ku = leaf.ext.keyUsage;
  for (const name of opts.keyUsage ?? []) {
    const bit = Object.hasOwn(KU_BITS, name) ? KU_BITS[name] : undefined;
    if (bit === undefined) throw new RotkitError("INVALID_ARGUMENT", `unknown key usage "${name}"`);
    if (ku !== undefined && (ku & (1 << bit)) === 0) {
      throw new RotkitError("X509_KEY_USAGE", `the leaf's keyUsage lacks ${name}`, { at: "path[0]" });
    }
  }
  const webpki = opts.profile === "webpki";
  for (const want of p.requiredEkus) {
    const leafEku = leaf.ext.extKeyUsage;
    // rfc5280: an absent EKU allows every purpose; anyExtendedKeyUsage allows every purpose except under webpki.
    const ok = leafEku === undefined ? !webpki : leafEku.includes(want) || (!webpki && leafEku.includes(EKU.any));
    if (!ok) throw new RotkitError("X509_EKU", `the leaf does not allow extended key usage ${want}`, { at: "path[0]" });
    if (webpki) {
      // webpki: a CA's EKU constrains what it may issue for.
      for (let i = 1; i < path.length; i++) {
        const e = (path[i] as Certificate).ext.extKeyUsage;
        if (e && !e.includes(want) && !e.includes(EKU.any)) {
          throw new RotkitError("X509_EKU", `an issuing CA does not allow extended key usage ${want}`, {
            at: `path[${i}]`,
          });
        }
      }
    }
  }
}

/**
 * Builds a certification path from `leaf` through `intermediates` to one of `trustAnchors` and validates it per
 * RFC 5280 §6.1 and the selected profile. Every candidate path is tried (backtracking) until one validates; when
 * none does, the most specific error is thrown (RotkitError with `at: "path[i]"`, 0 = the leaf).
 *
 * @example
 * ```ts
 * const { path, userConstrainedPolicySet } = await validatePath({
 *   leaf: leafPem, intermediates: [icaPem], trustAnchors: [rootPem],
 *   time: new Date("2026-01-01T00:00:00Z"), provider: webCryptoProvider(), profile: "webpki",
 *   peerName: { kind: "DNS", value: "device.example.com" }, extendedKeyUsage: ["serverAuth"],
 * });
 * ```
 */
export function validatePath(opts: ValidatePathOptions): Promise<ValidatePathResult> {
  return validatePathAt(opts, 0);
}

/** CRL signers are validated by a nested validation; this bounds the nesting. */
const MAX_SIGNER_NESTING = 3;

async function validatePathAt(
  opts: ValidatePathOptions,
  nesting: number,
  provisionalSigners: Certificate[] = [],
): Promise<ValidatePathResult> {
  if (opts.profile !== "rfc5280" && opts.profile !== "webpki") {
    throw new RotkitError("INVALID_ARGUMENT", `unknown profile ${String(opts.profile)}`);
  }
  const now = timeOf(opts.time);
  const leaf = toCertificate(opts.leaf);
  const anchors = opts.trustAnchors.map(toCertificate);
  // A pool certificate that does not parse can never be part of a valid path: it is left out, not fatal.
  const pool: Certificate[] = [];
  for (const c of opts.intermediates ?? []) {
    try {
      pool.push(toCertificate(c));
    } catch (e) {
      if (!(e instanceof RotkitError)) throw e;
    }
  }
  const processed = new Set<string>([...PROCESSED_CRITICAL_EXTENSIONS, ...(opts.processedCriticalExtensions ?? [])]);
  const requiredEkus = (opts.extendedKeyUsage ?? []).map(ekuOid);
  const userPolicies = (opts.initialPolicySet ?? [ANY_POLICY]).map((x) =>
    Object.hasOwn(POLICY_NAMES, x) ? (POLICY_NAMES[x] as string) : x,
  );
  const maxDepth = opts.maxDepth ?? 8;
  const prepared: Prepared = { opts, now, processed, requiredEkus, userPolicies, maxDepth };
  const mode = opts.revocation ?? "off";
  const crls = mode === "off" ? [] : (opts.crls ?? []).map(parseCrlInput);
  const crlCtx: RevocationContext = {
    crls,
    mode,
    now,
    provider: opts.provider,
    profile: opts.profile,
    signers: [...pool, ...anchors],
    provisionalSigners,
    // §6.3.3 (f): a CRL signer other than the certificate's issuer must have a valid path to the same anchor.
    validateSigner: async (signer, anchor) => {
      if (nesting >= MAX_SIGNER_NESTING) throw new RotkitError("X509_CRL_INVALID", "CRL signer nesting too deep");
      await validatePathAt(
        {
          leaf: signer,
          intermediates: pool,
          trustAnchors: [anchor],
          time: opts.time,
          provider: opts.provider,
          profile: opts.profile,
          crls,
          revocation: mode,
          ...(opts.processedCriticalExtensions
            ? { processedCriticalExtensions: opts.processedCriticalExtensions }
            : {}),
        },
        nesting + 1,
        [...provisionalSigners, signer],
      );
    },
  };

  const sigCache = new Map<Certificate, Map<Certificate, Promise<boolean>>>();
  const verify = (issuer: Certificate, subject: Certificate): Promise<boolean> => {
    let m = sigCache.get(subject);
    if (!m) {
      m = new Map();
      sigCache.set(subject, m);
    }
    let r = m.get(issuer);
    if (!r) {
      // §6.1.3 (a)(1)
      r = verifySigned(
        subject.signatureAlgorithm,
        issuer.publicKey,
        subject.tbs,
        subject.signature,
        opts.provider,
        opts.profile,
      );
      m.set(issuer, r);
    }
    return r;
  };

  return buildPath(leaf, {
    pool,
    anchors,
    // Self-issued certificates do not count toward maxDepth; the structural cap leaves room for them.
    maxIntermediates: 2 * maxDepth + 2,
    budget: { left: opts.budget ?? 2000 },
    verify,
    accept: (path, anchor) => validateCandidate(prepared, path, anchor, crlCtx),
  });
}
