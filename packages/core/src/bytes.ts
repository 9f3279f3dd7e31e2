import { RotkitError } from "./errors.js";

// Portable byte helpers: no Buffer, no WHATWG text codecs, no atob/btoa (QuickJS and XS lack some of them).

const HEX = "0123456789abcdef";

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    s += HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  }
  return s;
}

function hexNibble(c: number, at: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  throw new RotkitError("ENCODING_INVALID", "hex: not a hex digit", { at });
}

/** Bytes of a hex string (either case, no separators). Throws `ENCODING_INVALID` on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new RotkitError("ENCODING_INVALID", `hex: odd length ${hex.length}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = (hexNibble(hex.charCodeAt(2 * i), 2 * i) << 4) | hexNibble(hex.charCodeAt(2 * i + 1), 2 * i + 1);
  }
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const REV_B64 = reverse(B64);
const REV_B64URL = reverse(B64URL);

function reverse(alphabet: string): Int16Array {
  const r = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) r[alphabet.charCodeAt(i)] = i;
  return r;
}

function encode64(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let s = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    s +=
      alphabet.charAt(n >> 18) +
      alphabet.charAt((n >> 12) & 63) +
      alphabet.charAt((n >> 6) & 63) +
      alphabet.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    s += alphabet.charAt(n >> 18) + alphabet.charAt((n >> 12) & 63) + (pad ? "==" : "");
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    s += alphabet.charAt(n >> 18) + alphabet.charAt((n >> 12) & 63) + alphabet.charAt((n >> 6) & 63) + (pad ? "=" : "");
  }
  return s;
}

function decode64(text: string, rev: Int16Array, what: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (text.length - end > 2) throw new RotkitError("ENCODING_INVALID", `${what}: too much padding`);
  if (end % 4 === 1) throw new RotkitError("ENCODING_INVALID", `${what}: impossible length ${end}`);
  if (end !== text.length && text.length % 4 !== 0) {
    throw new RotkitError("ENCODING_INVALID", `${what}: padded text must be a multiple of 4 long`);
  }
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? (rev[c] as number) : -1;
    if (v < 0) throw new RotkitError("ENCODING_INVALID", `${what}: invalid character`, { at: i });
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Non-zero leftover bits mean a non-canonical encoding: two texts for one value is a malleability hazard.
  if ((acc & ((1 << bits) - 1)) !== 0) throw new RotkitError("ENCODING_INVALID", `${what}: non-zero trailing bits`);
  return out;
}

/** Standard base64 (RFC 4648 §4) with padding. */
export function toBase64(bytes: Uint8Array): string {
  return encode64(bytes, B64, true);
}

/** Decodes standard base64; padding is optional, other characters (including whitespace) are rejected. */
export function fromBase64(text: string): Uint8Array {
  return decode64(text, REV_B64, "base64");
}

/** base64url (RFC 4648 §5) without padding, as JOSE and COSE keys use it. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode64(bytes, B64URL, false);
}

/** Decodes base64url; padding is tolerated, other characters are rejected. */
export function fromBase64Url(text: string): Uint8Array {
  return decode64(text, REV_B64URL, "base64url");
}

/** UTF-8 bytes of `text`. Lone surrogates are encoded as U+FFFD, as the WHATWG encoder does. */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/**
 * Strict UTF-8 decoding (RFC 3629): overlong forms, surrogates, code points above U+10FFFF and truncated
 * sequences throw `ENCODING_INVALID` instead of being replaced, because a signed text must have one reading.
 */
export function utf8Decode(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = "";
  let i = start;
  while (i < end) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      s += String.fromCharCode(b);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      min = 0x10000;
    } else throw new RotkitError("ENCODING_INVALID", "utf-8: invalid lead byte", { at: i });
    if (i + need >= end) throw new RotkitError("ENCODING_INVALID", "utf-8: truncated sequence", { at: i });
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k] as number;
      if ((c & 0xc0) !== 0x80)
        throw new RotkitError("ENCODING_INVALID", "utf-8: invalid continuation byte", { at: i + k });
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw new RotkitError("ENCODING_INVALID", "utf-8: overlong, surrogate or out-of-range code point", { at: i });
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      s += String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else s += String.fromCharCode(cp);
    i += need + 1;
  }
  return s;
}

/** Concatenates byte arrays into a new one. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Constant-time equality for MACs, digests and other secrets: the time taken depends only on the lengths,
 * never on where the first difference is.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Plain (not constant-time) equality, for public data. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True for any Uint8Array (including Node's Buffer subclass), false for other views. */
export function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}
