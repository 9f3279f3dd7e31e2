import type { CryptoProvider } from "@rotkit/core";
import type { Certificate, Crl } from "./types.js";

// The inputs and outputs of validatePath (RFC 5280 §6.1.1 inputs plus what path building and the profiles need).

/** Which rule set validation applies on top of RFC 5280 §6.1. */
export type Profile = "rfc5280" | "webpki";

/** A certificate as a parsed object, DER bytes or PEM text. */
export type CertificateInput = Certificate | Uint8Array | string;

/** A CRL as a parsed object, DER bytes or PEM text. */
export type CrlInput = Crl | Uint8Array | string;

/** The name the leaf must be valid for (RFC 6125 reference identifier). */
export interface PeerName {
  kind: "DNS" | "IP" | "RFC822";
  value: string;
}

/** Named key usages, as limbo and RFC 5280 §4.2.1.3 spell them. */
export type KeyUsageName =
  | "digitalSignature"
  | "nonRepudiation"
  | "contentCommitment"
  | "keyEncipherment"
  | "dataEncipherment"
  | "keyAgreement"
  | "keyCertSign"
  | "cRLSign"
  | "encipherOnly"
  | "decipherOnly";

export interface ValidatePathOptions {
  leaf: CertificateInput;
  /** Untrusted pool for path building (unordered, may hold decoys). */
  intermediates?: CertificateInput[];
  /** Trust anchors: each certificate's subject name and key are an anchor (RFC 5280 §6.1.1 (d)). */
  trustAnchors: CertificateInput[];
  /** Validation time: a Date, or seconds since the epoch (fractions are floored). */
  time: Date | number;
  provider: CryptoProvider;
  profile: Profile;
  /** KeyUsage bits the leaf must assert when it has a keyUsage extension (webpki: always). */
  keyUsage?: KeyUsageName[];
  /** EKUs the leaf (and under webpki every CA) must allow: names (`serverAuth`, ...) or dotted OIDs. */
  extendedKeyUsage?: string[];
  peerName?: PeerName;
  /** Further names the leaf must all be valid for (client certificates). */
  peerNames?: PeerName[];
  /** Match a DNS peer name against the subject CN when the leaf has no subjectAltName (rfc5280 profile only). */
  commonNameFallback?: boolean;
  /** Most intermediate CA certificates a path may hold; self-issued ones do not count. Default 8. */
  maxDepth?: number;
  /** §6.1.1 (c): default {anyPolicy}. Names or OIDs. */
  initialPolicySet?: string[];
  /** §6.1.1 (g). */
  initialExplicitPolicy?: boolean;
  /** §6.1.1 (e). */
  initialPolicyMappingInhibit?: boolean;
  /** §6.1.1 (f). */
  initialAnyPolicyInhibit?: boolean;
  crls?: CrlInput[];
  /** `off` (default): no CRL checking; `soft`: CRLs that cover a certificate are applied; `hard`: every certificate must be covered. */
  revocation?: "off" | "soft" | "hard";
  /** Work budget for path building: signature verifications + candidate examinations. Default 2000. */
  budget?: number;
  /** Also enforce RFC 5280 rules addressed to CAs that relying parties usually tolerate (policyConstraints critical). */
  pedantic?: boolean;
  /** Critical extension OIDs the caller processes itself (e.g. DICE), so they are not "unknown critical". */
  processedCriticalExtensions?: string[];
  /** A public-suffix test (e.g. backed by the Public Suffix List): wildcard DNS names on a public suffix are refused. */
  isPublicSuffix?: (domain: string) => boolean;
}

export interface ValidatePathResult {
  /** The validated path: leaf first … trust anchor last. */
  path: Certificate[];
  anchor: Certificate;
  /** §6.1.5 (g): the authorities-constrained policy set (valid policies at the leaf's depth); empty when none. */
  validPolicySet: string[];
  /** §6.1.5 (g): the user-constrained policy set. */
  userConstrainedPolicySet: string[];
}
