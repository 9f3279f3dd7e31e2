import {
  derEncode,
  ecdsaRawToDer,
  generateSoftwareKey,
  type KeyHandle,
  nobleProvider,
  publicKeyToSpki,
  RotkitError,
  utf8Encode,
  webCryptoProvider,
} from "@rotkit/core";
import { oidFromString } from "../src/index.js";

// DER builders for the attribute-certificate and CSR tests: an ES256 issuer certificate, attribute certificates with
// TCG platform attributes (Platform Certificate Profile v1.1 forms), and PKCS #10 requests, all signed for real.

/** Both providers: every verification test runs with each. */
export const PROVIDERS = [nobleProvider(), webCryptoProvider()];

/** The RotkitError code `f` throws (or resolves to), "ok" when it does not throw; anything else is rethrown. */
export async function errorCode(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof RotkitError) return e.code;
    throw e;
  }
  return "ok";
}

export const seq = (...c: Uint8Array[]) => derEncode(0x30, ...c);
export const set = (...c: Uint8Array[]) => derEncode(0x31, ...c);
export const ctx = (n: number, ...c: Uint8Array[]) => derEncode(0xa0 | n, ...c);
export const prim = (n: number, c: Uint8Array) => derEncode(0x80 | n, c);
export const oid = (s: string) => derEncode(0x06, oidFromString(s));
export const int = (n: number) => derEncode(0x02, n < 0x80 ? Uint8Array.of(n) : Uint8Array.of(0, n));
export const enm = (n: number) => derEncode(0x0a, Uint8Array.of(n));
export const utf8 = (s: string) => derEncode(0x0c, utf8Encode(s));
export const ia5 = (s: string) => derEncode(0x16, utf8Encode(s));
export const octets = (b: Uint8Array) => derEncode(0x04, b);
export const bool = (b: boolean) => derEncode(0x01, Uint8Array.of(b ? 0xff : 0));
export const bits = (b: Uint8Array) => derEncode(0x03, Uint8Array.of(0), b);
export const gtime = (s: string) => derEncode(0x18, utf8Encode(s));
export const utctime = (s: string) => derEncode(0x17, utf8Encode(s));
export const ecdsaSha256 = seq(oid("1.2.840.10045.4.3.2"));

/** A Name of CN (and optional O) in UTF8String. */
export function dn(cn: string, o?: string): Uint8Array {
  const rdns = [set(seq(oid("2.5.4.3"), utf8(cn)))];
  if (o !== undefined) rdns.unshift(set(seq(oid("2.5.4.10"), utf8(o))));
  return seq(...rdns);
}

export function ext(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

async function signed(key: KeyHandle, tbs: Uint8Array, alg = ecdsaSha256): Promise<Uint8Array> {
  return seq(tbs, alg, bits(ecdsaRawToDer(await key.sign(tbs))));
}

export interface Issuer {
  key: KeyHandle;
  name: Uint8Array;
  cert: Uint8Array;
}

/** A self-signed ES256 issuer certificate; `keyUsage` is the KeyUsage BIT STRING contents (omitted when undefined). */
export async function makeIssuer(cn = "Platform CA", keyUsage?: Uint8Array): Promise<Issuer> {
  const key = await generateSoftwareKey("ES256");
  const name = dn(cn, "rotkit test");
  const exts = [ext("2.5.29.19", true, seq(bool(true)))];
  if (keyUsage !== undefined) exts.push(ext("2.5.29.15", true, derEncode(0x03, keyUsage)));
  const tbs = seq(
    ctx(0, int(2)),
    int(7),
    ecdsaSha256,
    name,
    seq(utctime("200101000000Z"), utctime("400101000000Z")),
    name,
    publicKeyToSpki(key.publicKey),
    ctx(3, seq(...exts)),
  );
  return { key, name, cert: await signed(key, tbs) };
}

/** TCG platform attributes in Platform Certificate Profile v1.1 form, one of each kind. */
export function platformAttributes(): Uint8Array[] {
  const attr = (id: string, value: Uint8Array) => seq(oid(id), set(value));
  const uri = (u: string) => seq(ia5(u));
  const component = seq(
    seq(oid("2.23.133.18.3.1"), octets(Uint8Array.of(0, 0, 0, 4))), // componentClass: TCG registry, 4 octets
    utf8("Acme"),
    utf8("NIC 9000"),
    prim(0, utf8Encode("SN-1")),
    prim(1, utf8Encode("rev B")),
    prim(2, oidFromString("1.3.6.1.4.1.99999")),
    prim(3, Uint8Array.of(0xff)),
    ctx(4, seq(oid("2.23.133.17.1"), utf8("00:11:22:33:44:55"))),
    ctx(5, ctx(0, seq(oid("2.16.840.1.101.3.4.2.1")), octets(new Uint8Array(32).fill(7)))),
    ctx(6, ia5("https://example.com/nic.cer")),
    prim(7, Uint8Array.of(1)),
  );
  const config = seq(
    ctx(0, component),
    ctx(1, ia5("https://example.com/components.xml")),
    ctx(2, seq(utf8("vPro"), utf8("true"), prim(0, Uint8Array.of(0)))),
    ctx(3, ia5("https://example.com/properties.xml")),
  );
  return [
    attr("2.23.133.2.25", seq(oid("2.23.133.8.2"))),
    attr("2.23.133.2.23", seq(int(1), int(1), int(11))),
    attr("2.23.133.2.17", seq(seq(int(1), int(1), int(11)), octets(Uint8Array.of(0, 0, 0, 1)))),
    attr(
      "2.23.133.2.19",
      seq(
        ctx(0, ia5("3.1"), enm(4), enm(2), bool(true), prim(0, Uint8Array.of(2)), prim(1, oidFromString("1.2.3"))),
        ctx(1, ia5("140-2"), enm(2)),
        prim(2, Uint8Array.of(4)),
        bool(true),
        ia5("https://example.com/iso9000.pdf"),
      ),
    ),
    attr("2.23.133.5.1.7.2", config),
    attr("2.23.133.5.1.3", uri("https://example.com/config")),
    attr("1.2.3.4.5", utf8("not a TCG attribute")),
  ];
}

/** The platform identity subjectAltName (TCG Platform Certificate Profile §3.1). */
export function platformSan(): Uint8Array {
  const a = (id: string, v: Uint8Array) => set(seq(oid(id), v));
  return seq(
    ctx(
      4,
      seq(
        a("2.23.133.5.1.1", utf8("Acme Corp")),
        a("2.23.133.5.1.4", utf8("Server 1")),
        a("2.23.133.5.1.5", utf8("1.0")),
        a("2.23.133.5.1.6", utf8("PLAT-42")),
        a("2.23.133.5.1.2", seq(oid("1.3.6.1.4.1.99999"))),
      ),
    ),
  );
}

export interface AcParts {
  version?: Uint8Array;
  holder?: Uint8Array;
  issuer?: Uint8Array;
  signature?: Uint8Array;
  serial?: Uint8Array;
  validity?: Uint8Array;
  attributes?: Uint8Array[];
  extensions?: Uint8Array[];
  outerAlg?: Uint8Array;
}

/** The default holder: the EK certificate "EK CA" / serial 0x2a, by baseCertificateID. */
export const EK_ISSUER = dn("EK CA");
export const EK_SERIAL = 0x2a;

/** A signed attribute certificate; every part can be replaced. */
export async function makeAttributeCert(issuer: Issuer, p: AcParts = {}): Promise<Uint8Array> {
  const tbs = seq(
    p.version ?? int(1),
    p.holder ?? seq(ctx(0, seq(ctx(4, EK_ISSUER)), int(EK_SERIAL))),
    p.issuer ?? ctx(0, seq(ctx(4, issuer.name))),
    p.signature ?? ecdsaSha256,
    p.serial ?? int(0x11),
    p.validity ?? seq(gtime("20240101000000Z"), gtime("20340101000000Z")),
    seq(...(p.attributes ?? platformAttributes())),
    ...(p.extensions === undefined
      ? [seq(ext("2.5.29.17", true, platformSan()), ext("2.5.29.32", true, seq(seq(oid("2.23.133.2.1")))))]
      : p.extensions.length === 0
        ? []
        : [seq(...p.extensions)]),
  );
  return signed(issuer.key, tbs, p.outerAlg);
}

/** A signed PKCS #10 request with an extensionRequest and a challengePassword attribute. */
export async function makeCsr(
  key: KeyHandle,
  attributes: Uint8Array[] = [
    seq(oid("1.2.840.113549.1.9.7"), set(utf8("secret"))),
    seq(oid("1.2.840.113549.1.9.14"), set(seq(ext("2.5.29.19", true, seq(bool(true)))))),
  ],
  version = 0,
): Promise<Uint8Array> {
  const tbs = seq(int(version), dn("device 1"), publicKeyToSpki(key.publicKey), ctx(0, ...attributes));
  return signed(key, tbs);
}
