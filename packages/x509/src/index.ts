// Path building, RFC 5280 §6.1 validation, profiles and CRL checking.
export type { RawAttribute } from "./attribute-cert/attribute.js";
export {
  parseAttributeCertificate,
  parseAttributeCertificatePem,
  parseIssuerSerialContents,
} from "./attribute-cert/parse.js";
export type {
  AttributeCertificate,
  AttributeCertificateHolder,
  IssuerSerial,
  ObjectDigestInfo,
} from "./attribute-cert/types.js";
export {
  attributeCertificateHolderMatches,
  checkAttributeCertificateValidity,
  type VerifyAttributeCertificateOptions,
  verifyAttributeCertificate,
} from "./attribute-cert/verify.js";
export { type BuildContext, buildPath } from "./build.js";
export * from "./cert.js";
export * from "./crl.js";
export {
  type CertificationRequest,
  OID_EXTENSION_REQUEST,
  parseCertificationRequest,
  parseCertificationRequestPem,
} from "./csr.js";
export {
  decodeCertificationRequestDiceExtensions,
  type VerifyCertificationRequestOptions,
  verifyCertificationRequest,
} from "./csr-verify.js";
export * from "./der/algorithm.js";
export { asMalformed, malformed } from "./der/errors.js";
export * from "./der/issues.js";
export * from "./der/oid.js";
export * from "./der/primitives.js";
export * from "./der/read.js";
export * from "./der/strings.js";
export * from "./der/time.js";
export {
  type DiceLayerMeasurements,
  type DiceNameMismatch,
  type DicePathValidationOptions,
  diceChainMeasurements,
  type VerifiedDiceChain,
  type VerifyDiceChainOptions,
  verifyDiceChain,
} from "./dice/chain.js";
export {
  type DecodeDiceExtensionsOptions,
  type DiceExtensions,
  decodeDiceExtensions,
  diceKeyPurposeNames,
} from "./dice/extensions.js";
export * from "./dice/oids.js";
export { decodeOpenDiceInput, OPEN_DICE_MODES, type OpenDiceInput, type OpenDiceModeName } from "./dice/open-dice.js";
export {
  decodeRiotCompositeDeviceId,
  decodeTcbInfoOrRiot,
  type RiotCompositeDeviceId,
  type TcbInfoOrRiot,
} from "./dice/riot.js";
export {
  type DiceMultiTcbInfoComp,
  type DiceTcbInfo,
  decodeDiceTcbInfo,
  decodeMultiTcbInfo,
  decodeMultiTcbInfoComp,
  decodeOperationalFlags,
  expandMultiTcbInfoComp,
  type Fwid,
  OPERATIONAL_FLAG_NAMES,
  type OperationalFlagName,
  type OperationalFlags,
  type UnknownField,
} from "./dice/tcb-info.js";
export { type DiceUeid, decodeDiceUeid } from "./dice/ueid.js";
export * from "./extensions/constraints.js";
export * from "./extensions/decode.js";
export * from "./extensions/distribution-points.js";
export * from "./extensions/general-names.js";
export * from "./extensions/identifiers.js";
export * from "./extensions/key-usage.js";
// OID_EXT_KEY_USAGE (2.5.29.37) comes from ./dice/oids.js, same value.
export {
  OID_ANY_EXTENDED_KEY_USAGE,
  OID_ANY_POLICY,
  OID_AUTHORITY_KEY_IDENTIFIER,
  OID_BASIC_CONSTRAINTS,
  OID_CERTIFICATE_ISSUER,
  OID_CERTIFICATE_POLICIES,
  OID_CRL_DISTRIBUTION_POINTS,
  OID_CRL_NUMBER,
  OID_CRL_REASON,
  OID_DELTA_CRL_INDICATOR,
  OID_FRESHEST_CRL,
  OID_INHIBIT_ANY_POLICY,
  OID_INVALIDITY_DATE,
  OID_ISSUER_ALT_NAME,
  OID_ISSUING_DISTRIBUTION_POINT,
  OID_KEY_USAGE,
  OID_NAME_CONSTRAINTS,
  OID_POLICY_CONSTRAINTS,
  OID_POLICY_MAPPINGS,
  OID_SUBJECT_ALT_NAME,
  OID_SUBJECT_KEY_IDENTIFIER,
} from "./extensions/oids.js";
export * from "./extensions/policies.js";
export {
  checkNameConstraints,
  checkSubtreeSyntax,
  constrainedNames,
  type NameConstraintsState,
  subtreeContains,
} from "./name-constraints.js";
export { dnWithin } from "./name-constraints-dn.js";
export * from "./names.js";
export type {
  CertificateInput,
  CrlInput,
  KeyUsageName,
  PeerName,
  Profile,
  ValidatePathOptions,
  ValidatePathResult,
} from "./options.js";
export {
  checkPeerName,
  dnsNameMatches,
  emailMatches,
  formatIpAddress,
  isValidDnsName,
  parseIpAddress,
} from "./peer-name.js";
export * from "./pem.js";
export { PolicyProcessor } from "./policy.js";
export { checkProfile, type Role } from "./profiles.js";
export { checkRevocation, parseCrlInput, type RevocationContext } from "./revocation.js";
export { type ResolvedSignatureAlg, resolveSignatureAlgorithm, verifySigned } from "./signature.js";
export { decodePlatformConfiguration } from "./tcg-platform/configuration.js";
export { decodePolicyQualifiers, decodeUserNotice } from "./tcg-platform/notices.js";
export * from "./tcg-platform/oids.js";
export { decodeTcgPlatformAttributes } from "./tcg-platform/platform.js";
export { decodeTbbSecurityAssertions } from "./tcg-platform/security-assertions.js";
export * from "./tcg-platform/types.js";
export { type VerifiedPlatformCertificate, verifyPlatformCertificate } from "./tcg-platform/verify.js";
export * from "./types.js";
export { isSelfIssued, PROCESSED_CRITICAL_EXTENSIONS, toCertificate, validatePath } from "./validate.js";
