// Object identifiers of TCG platform certificates: TCG Platform Attribute Credential Profile v1.0 / Platform
// Certificate Profile v1.1 (ASN.1 module, "TCG specific OIDs"), and the older TCG Credential Profiles v1.1 (2007)
// attribute types that early platform credentials still use. tcg = 2.23.133.

/** tcg-at-platformManufacturer (Credential Profiles v1.1, subjectAltName directoryName). */
export const OID_TCG_AT_PLATFORM_MANUFACTURER_V1 = "2.23.133.2.4";
/** tcg-at-platformModel (Credential Profiles v1.1). */
export const OID_TCG_AT_PLATFORM_MODEL_V1 = "2.23.133.2.5";
/** tcg-at-platformVersion (Credential Profiles v1.1). */
export const OID_TCG_AT_PLATFORM_VERSION_V1 = "2.23.133.2.6";
/** tcg-at-tcgPlatformSpecification. */
export const OID_TCG_AT_TCG_PLATFORM_SPECIFICATION = "2.23.133.2.17";
/** tcg-at-tbbSecurityAssertions. */
export const OID_TCG_AT_TBB_SECURITY_ASSERTIONS = "2.23.133.2.19";
/** tcg-at-tcgCredentialSpecification. */
export const OID_TCG_AT_TCG_CREDENTIAL_SPECIFICATION = "2.23.133.2.23";
/** tcg-at-tcgCredentialType. */
export const OID_TCG_AT_TCG_CREDENTIAL_TYPE = "2.23.133.2.25";
/** tcg-at-platformManufacturerStr (tcg-common 1). */
export const OID_TCG_AT_PLATFORM_MANUFACTURER_STR = "2.23.133.5.1.1";
/** tcg-at-platformManufacturerId (tcg-common 2). */
export const OID_TCG_AT_PLATFORM_MANUFACTURER_ID = "2.23.133.5.1.2";
/** tcg-at-platformConfigUri (tcg-common 3). */
export const OID_TCG_AT_PLATFORM_CONFIG_URI = "2.23.133.5.1.3";
/** tcg-at-platformModel (tcg-common 4). */
export const OID_TCG_AT_PLATFORM_MODEL = "2.23.133.5.1.4";
/** tcg-at-platformVersion (tcg-common 5). */
export const OID_TCG_AT_PLATFORM_VERSION = "2.23.133.5.1.5";
/** tcg-at-platformSerial (tcg-common 6). */
export const OID_TCG_AT_PLATFORM_SERIAL = "2.23.133.5.1.6";
/** tcg-at-platformConfiguration-v1 (Platform Attribute Credential Profile v1.0). */
export const OID_TCG_AT_PLATFORM_CONFIGURATION_V1 = "2.23.133.5.1.7.1";
/** tcg-at-platformConfiguration-v2 (Platform Certificate Profile v1.1). */
export const OID_TCG_AT_PLATFORM_CONFIGURATION_V2 = "2.23.133.5.1.7.2";
/** tcg-kp-PlatformAttributeCertificate: the credential type of a platform certificate. */
export const OID_TCG_KP_PLATFORM_ATTRIBUTE_CERTIFICATE = "2.23.133.8.2";
/** tcg-kp-DeltaPlatformAttributeCertificate. */
export const OID_TCG_KP_DELTA_PLATFORM_ATTRIBUTE_CERTIFICATE = "2.23.133.8.5";
/** subjectDirectoryAttributes (RFC 5280 §4.2.1.8): where early platform credentials put TCG attributes. */
export const OID_SUBJECT_DIRECTORY_ATTRIBUTES = "2.5.29.9";
/** id-qt-unotice (RFC 5280 §4.2.1.4): a UserNotice, as a policy qualifier or (early credentials) an AC attribute. */
export const OID_QT_UNOTICE = "1.3.6.1.5.5.7.2.2";
/** id-qt-cps (RFC 5280 §4.2.1.4): a CPS pointer policy qualifier. */
export const OID_QT_CPS = "1.3.6.1.5.5.7.2.1";
