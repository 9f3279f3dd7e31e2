import { fromBase64 } from "@rotkit/core";
import { asMalformed, malformed } from "./der/errors.js";

// PEM (RFC 7468 §2, strict form without RFC 1421 headers): "-----BEGIN <label>-----", base64 with whitespace
// allowed between characters, "-----END <label>-----". Text outside the blocks is ignored (RFC 7468 §5.2).

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

/**
 * The DER bytes of every PEM block labelled `label` in `text`, in order. A BEGIN without its END, or a body that is
 * not base64, throws `X509_MALFORMED`.
 *
 * @example
 * ```ts
 * const ders = pemBlocks(text, "CERTIFICATE");
 * ```
 */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  if (typeof text !== "string") malformed("PEM: expected text");
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const out: Uint8Array[] = [];
  let pos = 0;
  for (;;) {
    const b = text.indexOf(begin, pos);
    if (b < 0) break;
    const bodyStart = b + begin.length;
    const e = text.indexOf(end, bodyStart);
    if (e < 0) malformed(`PEM: "${begin}" without "${end}"`, b);
    let body = "";
    let runStart = bodyStart;
    for (let i = bodyStart; i < e; i++) {
      if (isSpace(text.charCodeAt(i))) {
        if (i > runStart) body += text.slice(runStart, i);
        runStart = i + 1;
      }
    }
    if (e > runStart) body += text.slice(runStart, e);
    try {
      out.push(fromBase64(body));
    } catch (err) {
      throw asMalformed(err, `PEM ${label} block at ${b}`);
    }
    pos = e + end.length;
  }
  return out;
}
