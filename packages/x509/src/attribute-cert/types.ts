import type { ProfileIssue } from "../der/issues.js";
import type { AlgorithmIdentifier, Extension, GeneralName, KnownExtensions, Name } from "../types.js";
import type { RawAttribute } from "./attribute.js";

// The attribute-certificate model (RFC 5755 §4.1). Like Certificate, it keeps the exact DER the signature covers.

/** IssuerSerial (RFC 5755 §4.1): a public-key certificate named by its issuer and serial number. */
export interface IssuerSerial {
  issuer: GeneralName[];
  /** The serial INTEGER's content octets, as encoded. */
  serial: Uint8Array;
  issuerUid?: Uint8Array;
}

/** ObjectDigestInfo (RFC 5755 §4.1, §7.3): a digest of a public key, a certificate or another object. */
export interface ObjectDigestInfo {
  digestedObjectType: "publicKey" | "publicKeyCert" | "otherObjectTypes";
  otherObjectTypeId?: string;
  digestAlgorithm: AlgorithmIdentifier;
  objectDigest: Uint8Array;
}

/** Holder (RFC 5755 §4.2.2): who the attributes belong to. At least one of the three is normally present. */
export interface AttributeCertificateHolder {
  /** The holder's public-key certificate (for a TCG platform certificate: the TPM's EK certificate). */
  baseCertificateId?: IssuerSerial;
  entityName?: GeneralName[];
  objectDigestInfo?: ObjectDigestInfo;
}

/** A parsed attribute certificate (RFC 5755 §4.1, version v2). */
export interface AttributeCertificate {
  der: Uint8Array;
  /** DER of AttributeCertificateInfo: what the signature covers. */
  tbs: Uint8Array;
  /** AttCertVersion v2 (encoded 1), the only version RFC 5755 §4.2.1 allows. */
  version: 2;
  holder: AttributeCertificateHolder;
  /** The issuer's distinguished name: the single directoryName of the v2Form issuerName (RFC 5755 §4.2.3). */
  issuer: Name;
  /** The outer signatureAlgorithm. */
  signatureAlgorithm: AlgorithmIdentifier;
  /** AttributeCertificateInfo.signature; must equal `signatureAlgorithm`. */
  tbsSignatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  /** The serialNumber INTEGER's content octets, as encoded. */
  serialNumber: Uint8Array;
  /** attrCertValidityPeriod, seconds since the epoch. */
  notBefore: number;
  notAfter: number;
  /** Every attribute in order, each value kept as DER. */
  attributes: RawAttribute[];
  issuerUniqueId?: Uint8Array;
  /** Every extension in order, decoded or not. */
  extensions: Extension[];
  /**
   * The extensions x509 decodes (certificatePolicies, authorityKeyIdentifier, ...), except subjectAltName: RFC 5755
   * §4.3 defines none for ACs, so its content is the profile's (see decodeTcgPlatformAttributes).
   */
  ext: KnownExtensions;
  /** Tolerated deviations found while parsing (DER canonical form, RFC 5755 §4.2 profile rules). */
  encodingIssues: ProfileIssue[];
}
