// Extension and related OIDs, dotted (RFC 5280 §4.2, §5.2, §5.3).

export const OID_SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
export const OID_KEY_USAGE = "2.5.29.15";
export const OID_SUBJECT_ALT_NAME = "2.5.29.17";
export const OID_ISSUER_ALT_NAME = "2.5.29.18";
export const OID_BASIC_CONSTRAINTS = "2.5.29.19";
export const OID_CRL_NUMBER = "2.5.29.20";
export const OID_CRL_REASON = "2.5.29.21";
export const OID_INVALIDITY_DATE = "2.5.29.24";
export const OID_DELTA_CRL_INDICATOR = "2.5.29.27";
export const OID_ISSUING_DISTRIBUTION_POINT = "2.5.29.28";
export const OID_CERTIFICATE_ISSUER = "2.5.29.29";
export const OID_NAME_CONSTRAINTS = "2.5.29.30";
export const OID_CRL_DISTRIBUTION_POINTS = "2.5.29.31";
export const OID_CERTIFICATE_POLICIES = "2.5.29.32";
export const OID_POLICY_MAPPINGS = "2.5.29.33";
export const OID_AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";
export const OID_POLICY_CONSTRAINTS = "2.5.29.36";
export const OID_EXT_KEY_USAGE = "2.5.29.37";
export const OID_FRESHEST_CRL = "2.5.29.46";
export const OID_INHIBIT_ANY_POLICY = "2.5.29.54";
/** anyPolicy (§4.2.1.4). */
export const OID_ANY_POLICY = "2.5.29.32.0";
/** anyExtendedKeyUsage (§4.2.1.12). */
export const OID_ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
