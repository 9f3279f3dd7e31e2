import { bytesEqual, RotkitError } from "@rotkit/core";
import type { Profile } from "./options.js";
import { formatIpAddress, parseIpAddress, subjectAttributes } from "./peer-name.js";
import { rsaModulusBits } from "./signature.js";
import { type Certificate, KeyUsageBit } from "./types.js";
import { ATTR, EKU, EXT } from "./validate-oids.js";

// Certificate profile rules checked on every certificate of a candidate path. Both profiles enforce the RFC 5280 §4
// MUSTs on conforming certificates that a validator can see (extension criticality, identifiers, subject and
// serial rules); `webpki` adds the CA/Browser Forum Baseline Requirements (§6.1.5 keys, §7.1 profiles).

/** Where a certificate sits in the path. */
export type Role = "leaf" | "intermediate" | "anchor";

function fail(code: "X509_PROFILE" | "X509_MALFORMED" | "X509_UNSUPPORTED_ALG", message: string, at: string): never {
  throw new RotkitError(code, message, { at });
}

function extension(cert: Certificate, oid: string) {
  return cert.extensions.find((e) => e.oid === oid);
}

function hasKu(cert: Certificate, bit: number): boolean {
  const ku = cert.ext.keyUsage;
  return ku !== undefined && (ku & (1 << bit)) !== 0;
}

/**
 * RFC 5280 §4 rules for any profile.
 *
 * @example
 * ```ts
 * checkRfc5280Profile(cert, "intermediate", true, "path[1]");
 * ```
 */
export function checkRfc5280Profile(cert: Certificate, role: Role, selfIssued: boolean, at: string): void {
  const a = cert.signatureAlgorithm;
  const b = cert.tbsSignatureAlgorithm;
  // §4.1.1.2: signatureAlgorithm MUST be the same as the TBSCertificate's signature field.
  const sameParams =
    (a.parameters === undefined) === (b.parameters === undefined) &&
    (a.parameters === undefined || bytesEqual(a.parameters, b.parameters as Uint8Array));
  if (a.oid !== b.oid || !sameParams) fail("X509_MALFORMED", "signatureAlgorithm differs from the TBS signature", at);
  // §4.2: at most one instance of an extension.
  const seen = new Set<string>();
  for (const e of cert.extensions) {
    if (seen.has(e.oid)) fail("X509_MALFORMED", `extension ${e.oid} appears twice`, at);
    seen.add(e.oid);
  }
  if (cert.extensions.length > 0 && cert.version !== 3) fail("X509_MALFORMED", "extensions in a v1/v2 certificate", at);
  // §4.1.2.2: positive, at most 20 octets.
  const s = cert.serialNumber;
  const negative = s.length > 0 && ((s[0] as number) & 0x80) !== 0;
  const zero = s.every((x) => x === 0);
  const magnitude = s.length > 1 && s[0] === 0 ? s.length - 1 : s.length;
  if (negative || zero) fail("X509_PROFILE", "serialNumber is not positive", at);
  if (magnitude > 20) fail("X509_PROFILE", "serialNumber is longer than 20 octets", at);
  const isCa = cert.ext.basicConstraints?.ca === true;
  // §4.2.1.1 / §4.2.1.2: both identifiers non-critical; AKI keyIdentifier in all but self-signed certificates; SKI in CAs.
  if (extension(cert, EXT.authorityKeyIdentifier)?.critical)
    fail("X509_PROFILE", "authorityKeyIdentifier is critical", at);
  if (extension(cert, EXT.subjectKeyIdentifier)?.critical) fail("X509_PROFILE", "subjectKeyIdentifier is critical", at);
  if (cert.version === 3 && !selfIssued && !cert.ext.authorityKeyIdentifier?.keyIdentifier) {
    fail("X509_PROFILE", "authorityKeyIdentifier keyIdentifier missing in a certificate that is not self-signed", at);
  }
  if (isCa && !cert.ext.subjectKeyIdentifier) fail("X509_PROFILE", "CA certificate without subjectKeyIdentifier", at);
  // §4.1.2.6 / §4.2.1.6: a CA has a non-empty subject; an empty subject needs a critical subjectAltName.
  const emptySubject = cert.subject.rdns.length === 0;
  if (emptySubject && (isCa || hasKu(cert, KeyUsageBit.keyCertSign)))
    fail("X509_PROFILE", "CA certificate with an empty subject", at);
  if (emptySubject) {
    const san = extension(cert, EXT.subjectAltName);
    if (!san?.critical) fail("X509_PROFILE", "empty subject without a critical subjectAltName", at);
  }
  // §4.2.1.9 / §4.2.1.3: keyCertSign only with cA.
  // (an issuing certificate breaking it is reported as X509_NOT_CA by §6.1.4 (k) instead)
  if (role === "leaf" && hasKu(cert, KeyUsageBit.keyCertSign) && !isCa)
    fail("X509_PROFILE", "keyCertSign asserted without basicConstraints cA", at);
  if (cert.ext.keyUsage === 0) fail("X509_PROFILE", "keyUsage with no bit set", at);
  // §4.2.1.10: nameConstraints only in CA certificates; §4.2.1.11: policyConstraints MUST be critical.
  if (extension(cert, EXT.nameConstraints) && !isCa)
    fail("X509_PROFILE", "nameConstraints in a non-CA certificate", at);
  if (role !== "leaf" && extension(cert, EXT.policyMappings) && !isCa)
    fail("X509_PROFILE", "policyMappings in a non-CA", at);
}

/**
 * Extra rules of the `rfc5280` profile: nameConstraints MUST be critical (§4.2.1.10).
 *
 * @example
 * ```ts
 * checkStrictRfc5280(cert, "path[1]");
 * ```
 */
export function checkStrictRfc5280(cert: Certificate, at: string): void {
  const nc = extension(cert, EXT.nameConstraints);
  if (nc && !nc.critical) fail("X509_PROFILE", "nameConstraints is not critical", at);
}

/**
 * `pedantic`: RFC 5280 rules addressed to CAs that relying parties usually tolerate (NIST PKITS expects them
 * tolerated): policyConstraints MUST be critical (§4.2.1.11).
 *
 * @example
 * ```ts
 * checkPedantic(cert, "path[1]");
 * ```
 */
export function checkPedantic(cert: Certificate, at: string): void {
  const pc = extension(cert, EXT.policyConstraints);
  if (pc && !pc.critical) fail("X509_PROFILE", "policyConstraints is not critical", at);
}

/**
 * CA/B Forum BR §6.1.5-6.1.6 key rules: RSA moduli of at least 2048 bits and a multiple of 8, EC keys on P-256, P-384
 * or P-521; nothing else (DSA, P-192, EdDSA, ML-DSA) is allowed.
 */
function checkWebPkiKey(cert: Certificate, at: string): void {
  const k = cert.publicKey;
  if (!k) fail("X509_UNSUPPORTED_ALG", "unsupported public key algorithm", at);
  if (k.kty === "RSA") {
    const bits = rsaModulusBits(k.n);
    if (bits < 2048 || bits % 8 !== 0) fail("X509_PROFILE", `webpki: RSA key of ${bits} bits`, at);
  } else if (k.kty === "EC") {
    if (k.crv !== "P-256" && k.crv !== "P-384" && k.crv !== "P-521") fail("X509_PROFILE", `webpki: curve ${k.crv}`, at);
  } else {
    const kind = k.kty === "AKP" ? `AKP ${k.alg}` : k.kty === "OKP" ? `OKP ${k.crv}` : k.kty;
    fail("X509_PROFILE", `webpki: ${kind} keys are not allowed`, at);
  }
}

/**
 * The `webpki` profile: CA/B Forum Baseline Requirements rules a relying party can check.
 *
 * @example
 * ```ts
 * checkWebPkiProfile(leaf, "leaf", "path[0]");
 * ```
 */
export function checkWebPkiProfile(cert: Certificate, role: Role, at: string): void {
  checkWebPkiKey(cert, at);
  const bc = extension(cert, EXT.basicConstraints);
  const eku = extension(cert, EXT.extKeyUsage);
  if (role !== "anchor" && cert.version !== 3) fail("X509_PROFILE", "webpki: certificates must be X.509 v3", at); // BR §7.1.1
  if (role === "leaf") {
    // BR §7.1.2.7.6, §7.1.2.7.8, §7.1.2.7.10, §7.1.2.7.12
    const san = extension(cert, EXT.subjectAltName);
    const names = cert.ext.subjectAltName ?? [];
    if (!san || names.length === 0) fail("X509_PROFILE", "webpki: the leaf has no subjectAltName", at);
    if (san.critical !== (cert.subject.rdns.length === 0)) {
      fail("X509_PROFILE", "webpki: subjectAltName must be critical exactly when the subject is empty", at);
    }
    if (cert.ext.basicConstraints?.ca) fail("X509_PROFILE", "webpki: the leaf is a CA", at);
    if (!eku) fail("X509_PROFILE", "webpki: the leaf has no extKeyUsage", at);
    if (eku.critical) fail("X509_PROFILE", "webpki: the leaf's extKeyUsage is critical", at);
    if (cert.ext.extKeyUsage?.includes(EKU.any))
      fail("X509_PROFILE", "webpki: the leaf allows anyExtendedKeyUsage", at);
    checkCommonNames(cert, at);
    return;
  }
  // CA certificates: BR §7.1.2.1 (roots), §7.1.2.2-7.1.2.6 (subordinate CAs)
  if (!bc?.critical || !cert.ext.basicConstraints?.ca)
    fail("X509_PROFILE", "webpki: CA without critical basicConstraints cA", at);
  if (!hasKu(cert, KeyUsageBit.keyCertSign)) fail("X509_PROFILE", "webpki: CA without keyUsage keyCertSign", at);
  if (role === "anchor") {
    if (eku) fail("X509_PROFILE", "webpki: a root carries extKeyUsage", at);
    const aki = cert.ext.authorityKeyIdentifier;
    if (aki && (!aki.keyIdentifier || aki.authorityCertIssuer || aki.authorityCertSerialNumber)) {
      fail("X509_PROFILE", "webpki: a root's authorityKeyIdentifier must be a keyIdentifier only", at);
    }
  }
}

/** An IPv4 address as inet_aton(3) reads it (1-4 parts, each decimal, 0-octal or 0x-hex), else undefined. */
function lenientIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0x[0-9a-f]+$/i.test(p)) v = Number.parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) v = Number.parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) v = Number(p);
    else return undefined;
    nums.push(v);
  }
  const last = nums.pop() as number;
  if (nums.some((x) => x > 255) || last >= 2 ** (8 * (4 - nums.length))) return undefined;
  const out = new Uint8Array(4);
  nums.forEach((x, i) => {
    out[i] = x;
  });
  for (let i = 3, v = last; i >= nums.length; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

/**
 * BR §7.1.4.3: a leaf's subject commonName, when present, MUST be a character-for-character copy of a SAN dNSName,
 * or the RFC 3986 / RFC 5952 text of a SAN iPAddress. rotkit never matches peer names against the CN under webpki,
 * so it refuses the CNs that are another encoding of a SAN identity (a non-canonical spelling of a SAN address, a
 * case variant of a SAN dNSName) and internationalized names (U-labels, `xn--` A-labels) that are not a SAN dNSName.
 */
function checkCommonNames(cert: Certificate, at: string): void {
  const san = cert.ext.subjectAltName ?? [];
  const dns = san.flatMap((g) => (g.type === "dns" ? [g.value] : []));
  const ips = san.flatMap((g) => (g.type === "ip" ? [g.value] : []));
  for (const cn of subjectAttributes(cert, ATTR.commonName)) {
    if (dns.includes(cn) || ips.some((ip) => formatIpAddress(ip) === cn)) continue;
    const asIp = cn.includes(":") ? parseIpAddress(cn) : lenientIpv4(cn);
    const bad =
      (asIp !== undefined && ips.some((ip) => bytesEqual(ip, asIp))) ||
      [...cn].some((ch) => (ch.codePointAt(0) as number) > 0x7f) ||
      cn.split(".").some((l) => l.toLowerCase().startsWith("xn--")) ||
      dns.some((d) => d.toLowerCase() === cn.toLowerCase());
    if (bad) fail("X509_PROFILE", `webpki: subject CN "${cn}" is not a copy of a subjectAltName value`, at);
  }
}

/**
 * Every profile rule for one certificate of the path.
 *
 * @example
 * ```ts
 * checkProfile(cert, "intermediate", "webpki", false, "path[1]");
 * ```
 */
export function checkProfile(
  cert: Certificate,
  role: Role,
  profile: Profile,
  selfIssued: boolean,
  at: string,
  pedantic = false,
): void {
  checkRfc5280Profile(cert, role, selfIssued, at);
  if (pedantic) checkPedantic(cert, at);
  if (profile === "rfc5280") checkStrictRfc5280(cert, at);
  else checkWebPkiProfile(cert, role, at);
}
