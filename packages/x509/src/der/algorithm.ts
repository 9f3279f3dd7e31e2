import type { DerElement } from "@rotkit/core";
import type { AlgorithmIdentifier } from "../types.js";
import { malformed } from "./errors.js";
import { derOid } from "./oid.js";
import { derElements, Tag } from "./read.js";

/**
 * AlgorithmIdentifier (RFC 5280 §4.1.1.2): SEQUENCE { algorithm OID, parameters ANY OPTIONAL }. `base` is the
 * buffer `el` was read from; `parameters` is the parameters element's DER (a subarray).
 *
 * @example
 * ```ts
 * const alg = derAlgorithmIdentifier(children[1], "signatureAlgorithm"); // { oid: "1.2.840.10045.4.3.2" }
 * ```
 */
export function derAlgorithmIdentifier(el: DerElement, what: string): AlgorithmIdentifier {
  if (el.tag !== Tag.SEQUENCE) malformed(`${what}: AlgorithmIdentifier must be a SEQUENCE`, el.start);
  const parts = derElements(el.contents, 2, what);
  const oid = derOid(parts[0], `${what}.algorithm`);
  const p = parts[1];
  return p === undefined ? { oid } : { oid, parameters: el.contents.subarray(p.start, p.end) };
}

/**
 * True when two AlgorithmIdentifiers are the same OID with byte-identical parameters.
 *
 * @example
 * ```ts
 * algorithmIdentifierEquals(cert.signatureAlgorithm, cert.tbsSignatureAlgorithm); // RFC 5280 §4.1.1.2
 * ```
 */
export function algorithmIdentifierEquals(a: AlgorithmIdentifier, b: AlgorithmIdentifier): boolean {
  if (a.oid !== b.oid) return false;
  const pa = a.parameters;
  const pb = b.parameters;
  if (pa === undefined || pb === undefined) return pa === pb;
  if (pa.length !== pb.length) return false;
  for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return false;
  return true;
}
