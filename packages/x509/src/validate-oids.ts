// Object identifiers that path validation (RFC 5280 §6.1), the profiles and CRL checking (§6.3) branch on.

/** Certificate extensions (RFC 5280 §4.2). */
export const EXT = {
  authorityKeyIdentifier: "2.5.29.35",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  subjectAltName: "2.5.29.17",
  issuerAltName: "2.5.29.18",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  policyConstraints: "2.5.29.36",
  extKeyUsage: "2.5.29.37",
  crlDistributionPoints: "2.5.29.31",
  inhibitAnyPolicy: "2.5.29.54",
  freshestCrl: "2.5.29.46",
} as const;

/** CRL and CRL entry extensions (RFC 5280 §5.2, §5.3). */
export const CRL_EXT = {
  authorityKeyIdentifier: "2.5.29.35",
  issuerAltName: "2.5.29.18",
  crlNumber: "2.5.29.20",
  deltaCrlIndicator: "2.5.29.27",
  issuingDistributionPoint: "2.5.29.28",
  freshestCrl: "2.5.29.46",
  reasonCode: "2.5.29.21",
  invalidityDate: "2.5.29.24",
  certificateIssuer: "2.5.29.29",
} as const;

/** anyPolicy (RFC 5280 §4.2.1.4). */
export const ANY_POLICY = "2.5.29.32.0";

/** Extended key usages (RFC 5280 §4.2.1.12). */
export const EKU = {
  any: "2.5.29.37.0",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  ocspSigning: "1.3.6.1.5.5.7.3.9",
} as const;

/** Name attributes validation reads (X.520, PKCS #9). */
export const ATTR = {
  commonName: "2.5.4.3",
  emailAddress: "1.2.840.113549.1.9.1",
} as const;

/** Signature algorithms (RFC 3279, RFC 4055, RFC 5758, RFC 8410). */
export const SIG = {
  ecdsaSha256: "1.2.840.10045.4.3.2",
  ecdsaSha384: "1.2.840.10045.4.3.3",
  ecdsaSha512: "1.2.840.10045.4.3.4",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
  rsaSha256: "1.2.840.113549.1.1.11",
  rsaSha384: "1.2.840.113549.1.1.12",
  rsaSha512: "1.2.840.113549.1.1.13",
  rsaPss: "1.2.840.113549.1.1.10",
  mgf1: "1.2.840.113549.1.1.8",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
} as const;
