import { type CborValue, RotkitError } from "@rotkit/core";
import {
  array,
  bstr,
  decodeSuitItem,
  int,
  intKey,
  malformed,
  map,
  type SuitContext,
  type SuitDecodeOptions,
  suitContext,
  tstr,
  uint,
  unsupported,
} from "../cbor.js";
import { digestFromCbor } from "../digest.js";
import { decodeParameters } from "../parameters.js";
import type { SuitComponentId, SuitParameters } from "../types.js";
import {
  SUIT_SYSTEM_COMPONENT_ID,
  type SuitRecord,
  type SuitReport,
  SuitReportKey,
  type SuitReportResult,
  type SuitSystemProperties,
} from "./types.js";

// SUIT_Report decoding (draft-ietf-suit-report App. A CDDL), strict and bounded like every SUIT decoder: the same
// CBOR limits, canonical maps, unknown members refused.

function properties(v: CborValue, where: string, ctx: SuitContext): SuitParameters {
  // {* $$SUIT_Parameters}: may be empty, unlike the parameters of a directive.
  if (map(v, where).size === 0) return {};
  return decodeParameters(v, where, ctx);
}

function componentId(v: CborValue, where: string): SuitComponentId {
  return array(v, where).map((x, i) => bstr(x, `${where}[${i}]`));
}

function record(v: CborValue, where: string, ctx: SuitContext): SuitRecord {
  const a = array(v, where);
  if (a.length < 5) malformed(where, "SUIT_Record must be [manifest-id, section, offset, component-index, properties]");
  if (a.length > 5) unsupported(where, "SUIT_Record extensions are not supported");
  return {
    kind: "record",
    manifestId: array(a[0] as CborValue, `${where}[0]`).map((x, i) => uint(x, `${where}[0][${i}]`)),
    section: int(a[1] as CborValue, `${where}[1]`),
    offset: uint(a[2] as CborValue, `${where}[2]`),
    componentIndex: uint(a[3] as CborValue, `${where}[3]`),
    properties: properties(a[4] as CborValue, `${where}[4]`, ctx),
  };
}

function systemProperties(v: CborValue, where: string, ctx: SuitContext): SuitSystemProperties {
  const m = map(v, where);
  const id = m.get(SUIT_SYSTEM_COMPONENT_ID);
  if (id === undefined) malformed(where, "system-property-claims needs a system-component-id (0)");
  const rest = new Map(m);
  rest.delete(SUIT_SYSTEM_COMPONENT_ID);
  if (rest.size === 0) malformed(where, "system-property-claims needs at least one property");
  return { kind: "system", componentId: componentId(id, `${where}/0`), properties: decodeParameters(rest, where, ctx) };
}

function result(v: CborValue, where: string, ctx: SuitContext): SuitReportResult {
  if (v === true) return true;
  const m = map(v, where);
  for (const k of m.keys()) {
    const key = intKey(k, where);
    if (key !== SuitReportKey.resultCode && key !== SuitReportKey.resultRecord && key !== SuitReportKey.resultReason) {
      unsupported(`${where}/${key}`, `unknown result member ${key}`);
    }
  }
  const need = (key: number): CborValue => {
    const x = m.get(key);
    if (x === undefined) malformed(`${where}/${key}`, "missing");
    return x;
  };
  return {
    code: int(need(SuitReportKey.resultCode), `${where}/5`),
    record: record(need(SuitReportKey.resultRecord), `${where}/6`, ctx),
    reason: int(need(SuitReportKey.resultReason), `${where}/7`),
  };
}

/**
 * Decodes a SUIT report (the unsigned SUIT_Report; for a signed one use {@link verifySuitReport}). Errors:
 * SUIT_MALFORMED (not the draft's CDDL), SUIT_UNSUPPORTED (unknown members, record extensions), CBOR_LIMIT.
 *
 * @example
 * ```ts
 * const report = decodeSuitReport(bytes);
 * if (report.result !== true) console.log(report.result.reason, report.result.record.offset);
 * ```
 */
export function decodeSuitReport(bytes: Uint8Array, options: SuitDecodeOptions = {}): SuitReport {
  const ctx = suitContext(options);
  const where = "report";
  const m = map(decodeSuitItem(bstrOrBytes(bytes), where, ctx), where);
  let reference: SuitReport["reference"] | undefined;
  let records: SuitReport["records"] | undefined;
  let res: SuitReportResult | undefined;
  const out: Partial<SuitReport> = {};
  for (const [k, v] of m) {
    const key = intKey(k, where);
    const at = `${where}/${key}`;
    switch (key) {
      case SuitReportKey.reference: {
        const a = array(v, at);
        if (a.length < 1 || a.length > 2) malformed(at, "SUIT_Reference must be [? manifest-uri, manifest-digest]");
        const digest = digestFromCbor(a[a.length - 1] as CborValue, `${at}[${a.length - 1}]`);
        reference = a.length === 2 ? { uri: tstr(a[0] as CborValue, `${at}[0]`), digest } : { digest };
        break;
      }
      case SuitReportKey.nonce:
        out.nonce = bstr(v, at);
        break;
      case SuitReportKey.records:
        records = array(v, at).map((r, i) =>
          r instanceof Map ? systemProperties(r, `${at}[${i}]`, ctx) : record(r, `${at}[${i}]`, ctx),
        );
        break;
      case SuitReportKey.result:
        res = result(v, at, ctx);
        break;
      case SuitReportKey.capabilityReport:
        map(v, at);
        out.capabilityReport = v;
        break;
      default:
        unsupported(at, `unknown report member ${key}`);
    }
  }
  if (!reference) malformed(`${where}/99`, "suit-reference is required");
  if (!records) malformed(`${where}/3`, "suit-report-records is required");
  if (res === undefined) malformed(`${where}/4`, "suit-report-result is required");
  return { reference, ...(out.nonce ? { nonce: out.nonce } : {}), records, result: res, ...capability(out) };
}

function capability(out: Partial<SuitReport>): Partial<SuitReport> {
  return out.capabilityReport === undefined ? {} : { capabilityReport: out.capabilityReport };
}

function bstrOrBytes(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array))
    throw new RotkitError("INVALID_ARGUMENT", "SUIT report: bytes must be a Uint8Array");
  return bytes;
}
