import type { PublicKey, RotkitErrorCode } from "@rotkit/core";
import type { ProfileIssue } from "./der/issues.js";

// The certificate model every part of @rotkit/x509 works on. Parsing (cert.ts, extensions/) produces it; path
// building, RFC 5280 §6.1 validation, CRL checking and the DICE decoders read it. Everything the signature covers
// is kept as the exact DER received (`der`, `tbs`, name `der`), because comparisons and signatures are over bytes.

/** An AlgorithmIdentifier (RFC 5280 §4.1.1.2): the OID in dotted form and the DER of the parameters, if any. */
export interface AlgorithmIdentifier {
  oid: string;
  /** DER of the parameters element (absent, or e.g. NULL `0500`, or RSASSA-PSS-params). */
  parameters?: Uint8Array;
}

/** One AttributeTypeAndValue of a distinguished name. */
export interface NameAttribute {
  /** Attribute type OID, dotted (2.5.4.3 = commonName, ...). */
  type: string;
  /** The DER tag of the value (0x0c UTF8String, 0x13 PrintableString, 0x16 IA5String, 0x1e BMPString, ...). */
  valueTag: number;
  /** The value decoded to text where the string type allows it; undefined for non-string values. */
  text?: string;
  /** The value element's DER. */
  valueDer: Uint8Array;
}

/** A distinguished name (RFC 5280 §4.1.2.4): the exact DER plus its RDNs in order. */
export interface Name {
  der: Uint8Array;
  rdns: NameAttribute[][];
}

/** GeneralName (RFC 5280 §4.2.1.6). */
export type GeneralName =
  | { type: "dns"; value: string }
  | { type: "email"; value: string }
  | { type: "uri"; value: string }
  | { type: "ip"; value: Uint8Array }
  | { type: "dn"; value: Name }
  | { type: "rid"; value: string }
  | { type: "other"; tag: number; der: Uint8Array };

/** GeneralSubtree of a name constraint (RFC 5280 §4.2.1.10). For `ip`, `value` is address ‖ mask. */
export interface GeneralSubtree {
  base: GeneralName;
  minimum: number;
  maximum?: number;
}

export interface PolicyInformation {
  policy: string;
  /** DER of each PolicyQualifierInfo, if any. */
  qualifiers: Uint8Array[];
}

export interface DistributionPoint {
  fullName?: GeneralName[];
  nameRelativeToCrlIssuer?: NameAttribute[];
  /** ReasonFlags bits (RFC 5280 §4.2.1.13), bit 0 = unused. */
  reasons?: number;
  crlIssuer?: GeneralName[];
}

/** KeyUsage bits, RFC 5280 §4.2.1.3 (bit 0 = digitalSignature … bit 8 = decipherOnly). */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING's contents (the DER of the extension's own value). */
  value: Uint8Array;
}

/** Decoded forms of the extensions RFC 5280 validation uses. Absent when the certificate has no such extension. */
export interface KnownExtensions {
  basicConstraints?: { ca: boolean; pathLenConstraint?: number };
  /** Bitset by KeyUsageBit. */
  keyUsage?: number;
  extKeyUsage?: string[];
  subjectAltName?: GeneralName[];
  issuerAltName?: GeneralName[];
  nameConstraints?: { permitted?: GeneralSubtree[]; excluded?: GeneralSubtree[] };
  certificatePolicies?: PolicyInformation[];
  policyMappings?: { issuerDomainPolicy: string; subjectDomainPolicy: string }[];
  policyConstraints?: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number };
  inhibitAnyPolicy?: number;
  authorityKeyIdentifier?: {
    keyIdentifier?: Uint8Array;
    authorityCertIssuer?: GeneralName[];
    authorityCertSerialNumber?: Uint8Array;
  };
  subjectKeyIdentifier?: Uint8Array;
  crlDistributionPoints?: DistributionPoint[];
  freshestCrl?: DistributionPoint[];
}

/** A parsed X.509 v1/v2/v3 certificate (RFC 5280 §4.1). */
export interface Certificate {
  der: Uint8Array;
  /** DER of TBSCertificate: what the signature covers. */
  tbs: Uint8Array;
  version: 1 | 2 | 3;
  /** The serialNumber INTEGER's content octets, as encoded (two's complement). */
  serialNumber: Uint8Array;
  /** signatureAlgorithm (outer) — must equal `tbsSignatureAlgorithm` (RFC 5280 §4.1.1.2). */
  signatureAlgorithm: AlgorithmIdentifier;
  tbsSignatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  issuer: Name;
  subject: Name;
  /** Seconds since the epoch. */
  notBefore: number;
  notAfter: number;
  /** DER of SubjectPublicKeyInfo. */
  spki: Uint8Array;
  publicKeyAlgorithm: AlgorithmIdentifier;
  /** The public key when rotkit supports its algorithm (EC P-256/384/521, Ed25519/Ed448, RSA), else undefined. */
  publicKey?: PublicKey;
  issuerUniqueId?: Uint8Array;
  subjectUniqueId?: Uint8Array;
  /** Every extension in order, decoded or not. */
  extensions: Extension[];
  /** The extensions validation understands, decoded. */
  ext: KnownExtensions;
  /** Tolerated deviations found while parsing (DER canonical form, RFC 5280 encoding rules); see profileIssues(). */
  encodingIssues?: ProfileIssue[];
  /** Why `publicKey` is undefined when the SPKI gave no key (`CRYPTO_UNSUPPORTED_ALG`, `CRYPTO_INVALID_KEY`, ...). */
  publicKeyError?: RotkitErrorCode;
}

/** A parsed CRL (RFC 5280 §5). */
export interface Crl {
  der: Uint8Array;
  tbs: Uint8Array;
  version: 1 | 2;
  signatureAlgorithm: AlgorithmIdentifier;
  tbsSignatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  issuer: Name;
  thisUpdate: number;
  nextUpdate?: number;
  revoked: {
    serialNumber: Uint8Array;
    revocationDate: number;
    reason?: number;
    invalidityDate?: number;
    certificateIssuer?: GeneralName[];
    extensions: Extension[];
  }[];
  extensions: Extension[];
  crlNumber?: Uint8Array;
  deltaCrlIndicator?: Uint8Array;
  issuingDistributionPoint?: {
    distributionPoint?: { fullName?: GeneralName[]; nameRelativeToCrlIssuer?: NameAttribute[] };
    onlyContainsUserCerts: boolean;
    onlyContainsCACerts: boolean;
    onlySomeReasons?: number;
    indirectCrl: boolean;
    onlyContainsAttributeCerts: boolean;
  };
  authorityKeyIdentifier?: KnownExtensions["authorityKeyIdentifier"];
  /** freshestCRL (RFC 5280 §5.2.6): where delta CRLs for this complete CRL are found. */
  freshestCrl?: DistributionPoint[];
  /** Tolerated deviations found while parsing (DER canonical form, RFC 5280 §5 profile). */
  encodingIssues?: ProfileIssue[];
}
