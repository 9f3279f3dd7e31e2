import { RotkitError } from "@rotkit/core";
import { parseCrl } from "./crl.js";
import { rdnEquals } from "./name-constraints-dn.js";
import { nameEquals } from "./names.js";
import type { CrlInput, Profile } from "./options.js";
import { pemBlocks } from "./pem.js";
import { verifySigned } from "./signature.js";
import {
  type Certificate,
  type Crl,
  type DistributionPoint,
  type GeneralName,
  KeyUsageBit,
  type Name,
  type NameAttribute,
} from "./types.js";
import { CRL_EXT } from "./validate-oids.js";

// Certificate revocation with caller-supplied CRLs, RFC 5280 §6.3: for each certificate of a validated path, the
// complete CRLs (and delta CRLs) in scope of one of its distribution points are checked — issuer, signature by an
// authorised CRL signer, validity window, issuingDistributionPoint scope, reason coverage — until all reasons are
// covered or the certificate is found revoked.

/** ReasonFlags bits 1..8 (keyCompromise … aACompromise), §4.2.1.13. */
const ALL_REASONS = 0x1fe;
/** CRLReason removeFromCRL (§5.3.1): only meaningful in delta CRLs. */
const REMOVE_FROM_CRL = 8;
/** CRLReason certificateHold (§5.3.1): the one revocation that may be lifted. */
const CERTIFICATE_HOLD = 6;

const KNOWN_CRL_EXTENSIONS = new Set<string>([
  CRL_EXT.authorityKeyIdentifier,
  CRL_EXT.issuerAltName,
  CRL_EXT.crlNumber,
  CRL_EXT.deltaCrlIndicator,
  CRL_EXT.issuingDistributionPoint,
  CRL_EXT.freshestCrl,
]);
const KNOWN_ENTRY_EXTENSIONS = new Set<string>([
  CRL_EXT.reasonCode,
  CRL_EXT.invalidityDate,
  CRL_EXT.certificateIssuer,
  "2.5.29.23", // holdInstructionCode
]);

/**
 * A CRL input as a Crl: parsed objects pass through, bytes are DER, text is PEM (`X509 CRL`, exactly one block).
 *
 * @example
 * ```ts
 * const crl = parseCrlInput(readFileSync("ca.crl"));
 * ```
 */
export function parseCrlInput(input: CrlInput): Crl {
  if (input instanceof Uint8Array) return parseCrl(input);
  if (typeof input === "string") {
    const blocks = pemBlocks(input, "X509 CRL");
    if (blocks.length !== 1)
      throw new RotkitError("X509_MALFORMED", `expected one PEM X509 CRL block, found ${blocks.length}`);
    return parseCrl(blocks[0] as Uint8Array);
  }
  if (typeof input === "object" && input !== null && input.der instanceof Uint8Array) return input;
  throw new RotkitError("INVALID_ARGUMENT", "a CRL must be a Crl, DER bytes or PEM text");
}

/** What revocation checking needs from validatePath. */
export interface RevocationContext {
  crls: Crl[];
  mode: "off" | "soft" | "hard";
  now: number;
  provider: import("@rotkit/core").CryptoProvider;
  profile: Profile;
  /** Certificates that may sign CRLs for the path (the path itself, the pool, the anchors). */
  signers?: Certificate[];
  /** CRL signers accepted without a nested validation: a CRL signer being validated may vouch for its own status. */
  provisionalSigners?: Certificate[];
  /** Validates the path of a CRL signer that is not the certificate's issuer (§6.3.3 (f)); throws when invalid. */
  validateSigner?: (signer: Certificate, anchor: Certificate) => Promise<void>;
}

function isCa(c: Certificate): boolean {
  return c.ext.basicConstraints?.ca === true;
}

function dnEquals(a: { rdns: NameAttribute[][] }, b: { rdns: NameAttribute[][] }): boolean {
  if (a.rdns.length !== b.rdns.length) return false;
  return a.rdns.every((r, i) => rdnEquals(r, b.rdns[i] as NameAttribute[]));
}

function generalNameEquals(a: GeneralName, b: GeneralName): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case "dn":
      return dnEquals(a.value, (b as typeof a).value);
    case "dns":
    case "email":
      return a.value.toLowerCase() === (b as typeof a).value.toLowerCase();
    case "uri":
    case "rid":
      return a.value === (b as typeof a).value;
    case "ip": {
      const v = (b as typeof a).value;
      return a.value.length === v.length && a.value.every((x, i) => x === v[i]);
    }
    default:
      return false;
  }
}

/** A DistributionPointName as GeneralNames (nameRelativeToCRLIssuer appended to `base`, §4.2.1.13). */
function dpNames(
  dp: { fullName?: GeneralName[]; nameRelativeToCrlIssuer?: NameAttribute[] },
  base: Name,
): GeneralName[] {
  if (dp.fullName) return dp.fullName;
  if (dp.nameRelativeToCrlIssuer) {
    return [{ type: "dn", value: { der: new Uint8Array(0), rdns: [...base.rdns, dp.nameRelativeToCrlIssuer] } }];
  }
  return [];
}

function dnNamesOf(names: GeneralName[] | undefined): Name[] {
  return (names ?? []).flatMap((g) => (g.type === "dn" ? [g.value] : []));
}

/**
 * Is the CRL usable (§5.2, §5.3: no unknown critical CRL or entry extension; §6.3.3 (a): within its validity window;
 * §5.1.2.5: nextUpdate present)? `stale` when only the time window fails: such a CRL still proves a revocation.
 */
function crlUsability(crl: Crl, now: number): "ok" | "stale" | "bad" {
  for (const e of crl.extensions) if (e.critical && !KNOWN_CRL_EXTENSIONS.has(e.oid)) return "bad";
  for (const r of crl.revoked)
    for (const e of r.extensions) if (e.critical && !KNOWN_ENTRY_EXTENSIONS.has(e.oid)) return "bad";
  if (crl.issuingDistributionPoint?.onlyContainsAttributeCerts) return "bad";
  if (crl.nextUpdate === undefined) return "bad";
  if (crl.thisUpdate > now || now > crl.nextUpdate) return "stale";
  return "ok";
}

function crlUsable(crl: Crl, now: number): boolean {
  return crlUsability(crl, now) === "ok";
}

function bigNum(b: Uint8Array | undefined): bigint | undefined {
  if (!b) return undefined;
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function serialEquals(a: Uint8Array, b: Uint8Array): boolean {
  const strip = (x: Uint8Array) => (x.length > 1 && x[0] === 0 ? x.subarray(1) : x);
  const p = strip(a);
  const q = strip(b);
  return p.length === q.length && p.every((x, i) => x === q[i]);
}

interface Scope {
  dp: DistributionPoint | undefined;
  interim: number;
}

/**
 * §6.3.3 (b): does `crl` cover `cert` through distribution point `dp` (undefined: the certificate has no CRLDP)?
 * Returns the reasons it covers there, or undefined.
 */
function scopeOf(crl: Crl, cert: Certificate, dp: DistributionPoint | undefined): Scope | undefined {
  const idp = crl.issuingDistributionPoint;
  // (b)(1) issuer
  const dpIssuers = dnNamesOf(dp?.crlIssuer);
  if (dp?.crlIssuer) {
    if (!dpIssuers.some((n) => nameEquals(n, crl.issuer))) return undefined;
    if (!idp?.indirectCrl) return undefined;
  } else if (!nameEquals(crl.issuer, cert.issuer)) {
    // an indirect CRL may still list the certificate with a certificateIssuer entry
    if (!idp?.indirectCrl) return undefined;
  }
  // (b)(2)(i) distribution point names
  if (idp?.distributionPoint) {
    const idpNames = dpNames(idp.distributionPoint, crl.issuer);
    let certNames: GeneralName[] = [];
    if (dp?.fullName || dp?.nameRelativeToCrlIssuer) {
      const base = dpIssuers[0] ?? cert.issuer;
      certNames = dpNames(dp, base);
    } else if (dp?.crlIssuer) certNames = dp.crlIssuer;
    if (!idpNames.some((a) => certNames.some((b) => generalNameEquals(a, b)))) return undefined;
  }
  // (b)(2)(ii)-(iv)
  if (idp?.onlyContainsUserCerts && isCa(cert)) return undefined;
  if (idp?.onlyContainsCACerts && !isCa(cert)) return undefined;
  // (d)
  const dpReasons = dp?.reasons ?? ALL_REASONS;
  const idpReasons = idp?.onlySomeReasons ?? ALL_REASONS;
  return { dp, interim: dpReasons & idpReasons & ALL_REASONS };
}

function sameScope(a: Crl, b: Crl): boolean {
  const x = a.issuingDistributionPoint;
  const y = b.issuingDistributionPoint;
  if (!x || !y) return !x && !y;
  const nx = x.distributionPoint ? dpNames(x.distributionPoint, a.issuer) : [];
  const ny = y.distributionPoint ? dpNames(y.distributionPoint, b.issuer) : [];
  return (
    nx.length === ny.length &&
    nx.every((g) => ny.some((h) => generalNameEquals(g, h))) &&
    x.onlyContainsUserCerts === y.onlyContainsUserCerts &&
    x.onlyContainsCACerts === y.onlyContainsCACerts &&
    x.indirectCrl === y.indirectCrl &&
    x.onlySomeReasons === y.onlySomeReasons
  );
}

/** The entry of `crl` for `cert`, honouring certificateIssuer in indirect CRLs (§5.3.3). */
function findEntry(crl: Crl, cert: Certificate): Crl["revoked"][number] | undefined {
  const indirect = crl.issuingDistributionPoint?.indirectCrl === true;
  let entryIssuer: Name = crl.issuer;
  for (const r of crl.revoked) {
    if (indirect && r.certificateIssuer) {
      const dn = dnNamesOf(r.certificateIssuer)[0];
      if (dn) entryIssuer = dn;
    }
    if (serialEquals(r.serialNumber, cert.serialNumber) && nameEquals(entryIssuer, cert.issuer)) return r;
  }
  return undefined;
}

/**
 * Finds the certificate that signed `crl` (§6.3.3 (f)-(g)): its subject is the CRL issuer, its keyUsage (if any)
 * asserts cRLSign, and its key verifies the CRL. The certificate's own issuer is preferred; another signer must
 * itself validate to the same trust anchor.
 */
async function crlSigner(crl: Crl, issuer: Certificate, anchor: Certificate, ctx: RevocationContext): Promise<boolean> {
  const candidates = [issuer, ...(ctx.signers ?? []).filter((c) => c !== issuer)];
  for (const c of candidates) {
    if (!nameEquals(c.subject, crl.issuer)) continue;
    const ku = c.ext.keyUsage;
    if (ku !== undefined && (ku & (1 << KeyUsageBit.cRLSign)) === 0) continue;
    let ok = false;
    try {
      ok = await verifySigned(crl.signatureAlgorithm, c.publicKey, crl.tbs, crl.signature, ctx.provider, ctx.profile);
    } catch {
      ok = false;
    }
    if (!ok) continue;
    if (c === issuer || ctx.provisionalSigners?.includes(c)) return true;
    if (!ctx.validateSigner) continue;
    try {
      await ctx.validateSigner(c, anchor);
      return true;
    } catch {
      // this signer does not validate; try the next
    }
  }
  return false;
}

function sameAlgorithm(crl: Crl): boolean {
  const a = crl.signatureAlgorithm;
  const b = crl.tbsSignatureAlgorithm;
  if (a.oid !== b.oid) return false;
  if (!a.parameters || !b.parameters) return !a.parameters && !b.parameters;
  return a.parameters.length === b.parameters.length && a.parameters.every((x, i) => x === b.parameters?.[i]);
}

/**
 * Checks every certificate of `path` (leaf first; the last element is the trust anchor, which is not checked)
 * against the CRLs. Throws X509_REVOKED when a CRL in scope lists a certificate, X509_REVOCATION_UNKNOWN in `hard`
 * mode when the CRLs do not cover all reasons for a certificate.
 *
 * @example
 * ```ts
 * await checkRevocation([leaf, ica, root], { crls, mode: "hard", now, provider, profile: "rfc5280" });
 * ```
 */
export async function checkRevocation(path: Certificate[], ctx: RevocationContext): Promise<void> {
  if (ctx.mode === "off") return;
  const anchor = path[path.length - 1] as Certificate;
  for (let k = path.length - 2; k >= 0; k--) {
    const cert = path[k] as Certificate;
    const issuer = path[k + 1] as Certificate;
    await checkOne(cert, issuer, anchor, `path[${k}]`, ctx);
  }
}

async function checkOne(
  cert: Certificate,
  issuer: Certificate,
  anchor: Certificate,
  at: string,
  ctx: RevocationContext,
): Promise<void> {
  const dps: (DistributionPoint | undefined)[] = cert.ext.crlDistributionPoints ?? [undefined];
  let reasonsMask = 0;
  let undetermined = false;
  const complete = ctx.crls.filter((c) => c.deltaCrlIndicator === undefined);
  const deltas = ctx.crls.filter((c) => c.deltaCrlIndicator !== undefined);
  for (const crl of complete) {
    if (reasonsMask === ALL_REASONS) break;
    for (const dp of dps) {
      if (reasonsMask === ALL_REASONS) break;
      const scope = scopeOf(crl, cert, dp);
      if (!scope) continue;
      if ((scope.interim & ~reasonsMask) === 0) continue; // (e)
      const usability = crlUsability(crl, ctx.now);
      if (!sameAlgorithm(crl) || usability === "bad") continue;
      if (!(await crlSigner(crl, issuer, anchor, ctx))) continue; // (f)-(g)
      if (usability === "stale") {
        // Outside its validity window the CRL cannot show the certificate is good, but a revocation it lists stands
        // (only certificateHold can be undone).
        const e = findEntry(crl, cert);
        if (e && e.reason !== REMOVE_FROM_CRL && e.reason !== CERTIFICATE_HOLD) {
          throw new RotkitError("X509_REVOKED", "the certificate is revoked (by a CRL outside its validity window)", {
            at,
          });
        }
        continue;
      }
      // (c) delta CRLs of the same issuer and scope, based on this complete CRL or an earlier one (§5.2.4)
      let delta: Crl | undefined;
      const base = bigNum(crl.crlNumber);
      for (const d of deltas) {
        if (!nameEquals(d.issuer, crl.issuer) || !sameScope(d, crl)) continue;
        const dBase = bigNum(d.deltaCrlIndicator);
        const dNum = bigNum(d.crlNumber);
        if (base === undefined || dBase === undefined || dBase > base) continue;
        if (dNum !== undefined && dNum <= base) continue;
        if (!sameAlgorithm(d) || !crlUsable(d, ctx.now) || !(await crlSigner(d, issuer, anchor, ctx))) {
          undetermined = true;
          continue;
        }
        delta = d;
      }
      // (i)-(j) status
      const dEntry = delta ? findEntry(delta, cert) : undefined;
      if (dEntry && dEntry.reason !== REMOVE_FROM_CRL) {
        throw new RotkitError("X509_REVOKED", "the certificate is revoked (delta CRL)", { at });
      }
      const entry = dEntry ? undefined : findEntry(crl, cert);
      if (entry && entry.reason !== REMOVE_FROM_CRL) {
        throw new RotkitError("X509_REVOKED", "the certificate is revoked", { at });
      }
      // (k)
      reasonsMask |= scope.interim;
    }
  }
  if (reasonsMask !== ALL_REASONS || undetermined) {
    if (ctx.mode === "hard") {
      throw new RotkitError("X509_REVOCATION_UNKNOWN", "no valid CRL covers the certificate for all reasons", { at });
    }
  }
}
