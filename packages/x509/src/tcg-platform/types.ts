import type { RawAttribute } from "../attribute-cert/attribute.js";
import type { IssuerSerial } from "../attribute-cert/types.js";
import type { AlgorithmIdentifier, NameAttribute } from "../types.js";

// The decoded TCG platform-certificate attributes (TCG Platform Certificate Profile v1.1 ASN.1 module, with the
// Platform Attribute Credential Profile v1.0 and TCG Credential Profiles v1.1 forms earlier certificates use).

/** TCGSpecificationVersion ::= SEQUENCE { majorVersion, minorVersion, revision INTEGER }. */
export interface TcgSpecificationVersion {
  major: number;
  minor: number;
  revision: number;
}

/** TCGPlatformSpecification ::= SEQUENCE { version TCGSpecificationVersion, platformClass OCTET STRING SIZE(4) }. */
export interface TcgPlatformSpecification {
  version: TcgSpecificationVersion;
  /** The platformClass octets (pre-1.0 certificates carry it as a UTF8String: its UTF-8 bytes). */
  platformClass: Uint8Array;
}

/** URIReference ::= SEQUENCE { uniformResourceIdentifier IA5String, hashAlgorithm OPTIONAL, hashValue BIT STRING OPTIONAL }. */
export interface UriReference {
  uri: string;
  hashAlgorithm?: AlgorithmIdentifier;
  hashValue?: Uint8Array;
}

/** EvaluationStatus names, by ENUMERATED value. */
export const EVALUATION_STATUSES = ["designedToMeet", "evaluationInProgress", "evaluationCompleted"] as const;
/** StrengthOfFunction names, by ENUMERATED value. */
export const STRENGTHS_OF_FUNCTION = ["basic", "medium", "high"] as const;
/** MeasurementRootType names, by ENUMERATED value. */
export const MEASUREMENT_ROOT_TYPES = ["static", "dynamic", "nonHost", "hybrid", "physical", "virtual"] as const;
/** AttributeStatus names (platform configuration v2 components and properties), by ENUMERATED value. */
export const ATTRIBUTE_STATUSES = ["added", "modified", "removed"] as const;

/** CommonCriteriaMeasures: the Common Criteria evaluation of the platform's trusted building block. */
export interface CommonCriteriaMeasures {
  /** "2.2" or "3.1". */
  version: string;
  /** EvaluationAssuranceLevel 1..7. */
  assuranceLevel: number;
  evaluationStatus: (typeof EVALUATION_STATUSES)[number];
  plus: boolean;
  strengthOfFunction?: (typeof STRENGTHS_OF_FUNCTION)[number];
  profileOid?: string;
  profileUri?: UriReference;
  targetOid?: string;
  targetUri?: UriReference;
}

/** FIPSLevel ::= SEQUENCE { version IA5String, level SecurityLevel (1..4), plus BOOLEAN DEFAULT FALSE }. */
export interface FipsLevel {
  /** "140-1", "140-2" or "140-3". */
  version: string;
  level: number;
  plus: boolean;
}

/** TBBSecurityAssertions: the evaluations of the platform's trusted building block. */
export interface TbbSecurityAssertions {
  /** Version DEFAULT v1, as encoded (0 = v1). */
  version: number;
  ccInfo?: CommonCriteriaMeasures;
  fipsLevel?: FipsLevel;
  rtmType?: (typeof MEASUREMENT_ROOT_TYPES)[number];
  iso9000Certified: boolean;
  iso9000Uri?: string;
}

/** ComponentClass ::= SEQUENCE { componentClassRegistry OBJECT IDENTIFIER, componentClassValue OCTET STRING SIZE(4) }. */
export interface ComponentClass {
  registry: string;
  value: Uint8Array;
}

/** ComponentAddress ::= SEQUENCE { addressType OBJECT IDENTIFIER, addressValue UTF8String }. */
export interface ComponentAddress {
  addressType: string;
  addressValue: string;
}

/** CertificateIdentifier: the platform certificate of a component. */
export interface CertificateIdentifier {
  attributeCertIdentifier?: { hashAlgorithm: AlgorithmIdentifier; hashOverSignatureValue: Uint8Array };
  genericCertIdentifier?: IssuerSerial;
}

/** One ComponentIdentifier of a platform configuration (v1 fields, plus the v2 ones when present). */
export interface ComponentIdentifier {
  /** v2: the registry and class value; v1 drafts carried a bare class octet string (`componentClassOctets`). */
  componentClass?: ComponentClass;
  componentClassOctets?: Uint8Array;
  manufacturer: string;
  model: string;
  serial?: string;
  revision?: string;
  /** componentManufacturerId: a private enterprise number OID. */
  manufacturerId?: string;
  fieldReplaceable?: boolean;
  addresses: ComponentAddress[];
  platformCert?: CertificateIdentifier;
  platformCertUri?: UriReference;
  status?: (typeof ATTRIBUTE_STATUSES)[number];
}

/** Properties ::= SEQUENCE { propertyName UTF8String, propertyValue UTF8String, status [0] AttributeStatus OPTIONAL }. */
export interface PlatformProperty {
  name: string;
  value: string;
  status?: (typeof ATTRIBUTE_STATUSES)[number];
}

/** PlatformConfiguration, v1 (tcg-at-platformConfiguration-v1) or v2 (tcg-at-platformConfiguration-v2). */
export interface PlatformConfiguration {
  version: 1 | 2;
  components: ComponentIdentifier[];
  componentsUri?: UriReference;
  properties: PlatformProperty[];
  propertiesUri?: UriReference;
}

/** UserNotice (RFC 5280 §4.2.1.4): a notice reference and/or an explicit text. */
export interface UserNotice {
  noticeRef?: { organization: string; noticeNumbers: number[] };
  explicitText?: string;
}

/** One certificatePolicies entry with its qualifiers decoded (RFC 5280 §4.2.1.4; TCG puts its notices here). */
export interface TcgPolicy {
  policy: string;
  cpsUris: string[];
  userNotices: UserNotice[];
}

/** Tolerated deviations from the profile ASN.1 that real platform certificates carry; the values are unambiguous. */
export type TcgPlatformIssue =
  | "der-default-encoded" // a DEFAULT value (version v1, BOOLEAN FALSE) encoded (X.690 §11.5)
  | "platform-class-utf8" // TCGPlatformSpecification.platformClass as UTF8String, not OCTET STRING (pre-1.0)
  | "credential-specification-wrapped" // TCGSpecificationVersion inside an extra SEQUENCE
  | "untagged-security-assertions" // TBBSecurityAssertions with untagged optional fields (early credentials)
  | "credential-profile-v1-attribute" // platform manufacturer/model/version under TCG Credential Profiles v1.1 OIDs
  | "component-class-octets" // v1 ComponentIdentifier with a leading bare componentClass OCTET STRING
  | "subject-alt-name-rdn-sequence"; // subjectAltName holding a bare Name instead of GeneralNames (early credentials)

/** The TCG attributes of a platform certificate, decoded. Everything is as the certificate states it: unverified. */
export interface TcgPlatformAttributes {
  /** tcg-at-tcgCredentialType certificateType (2.23.133.8.2 platform, 2.23.133.8.5 delta platform). */
  credentialType?: string;
  credentialSpecification?: TcgSpecificationVersion;
  platformSpecification?: TcgPlatformSpecification;
  tbbSecurityAssertions?: TbbSecurityAssertions;
  platformConfiguration?: PlatformConfiguration;
  platformConfigUri?: UriReference;
  /** From the subjectAltName directoryName (TCG Platform Certificate Profile §3.1). */
  platformManufacturer?: string;
  platformModel?: string;
  platformVersion?: string;
  platformSerial?: string;
  /** platformManufacturerId: a private enterprise number OID. */
  platformManufacturerId?: string;
  /** A UserNotice carried as an attribute (id-qt-unotice), as early platform credentials do. */
  userNotice?: UserNotice;
  /** certificatePolicies with CPS URIs and user notices decoded. */
  policies: TcgPolicy[];
  /** Attributes that are not TCG platform attributes, kept as DER with their type. */
  otherAttributes: RawAttribute[];
  /** subjectAltName directoryName attributes that are not platform fields. */
  otherSubjectAltNameAttributes: NameAttribute[];
  issues: TcgPlatformIssue[];
}
