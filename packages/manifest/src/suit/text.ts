import type { CborValue } from "@rotkit/core";
import { array, bstr, intKey, malformed, map, tstr, unsupported } from "./cbor.js";
import type { SuitComponentId, SuitComponentText, SuitTextLanguage, SuitTextMap } from "./types.js";

// SUIT_Text_Map (draft-ietf-suit-manifest §8.4.4): { + language-tag => { int => tstr, * component-id => {...} } }.

/** Manifest text keys 1..4 (§8.4.4), negative = application-specific. */
const MAX_TEXT_KEY = 4;
/** Component text keys 1..6, plus update-management 7 (version-required) and 8 (current-version). */
const MAX_COMPONENT_TEXT_KEY = 8;

/** A SUIT_Component_Identifier (§8.4.5.1): `[* bstr]`. */
export function componentId(v: CborValue, where: string): SuitComponentId {
  const a = array(v, where);
  const out: SuitComponentId = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    out.push(x instanceof Uint8Array ? x : bstr(x as CborValue, `${where}[${i}]`));
  }
  return out;
}

function textEntries(v: CborValue, where: string, maxKey: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const [k, x] of map(v, where)) {
    const key = intKey(k, where);
    if (key === 0 || key > maxKey) unsupported(`${where}/${key}`, `unknown text key ${key}`);
    out.set(key, typeof x === "string" ? x : tstr(x, `${where}/${key}`));
  }
  return out;
}

function language(v: CborValue, where: string): SuitTextLanguage {
  const manifest = new Map<number, string>();
  const components: SuitComponentText[] = [];
  for (const [k, x] of map(v, where)) {
    if (Array.isArray(k)) {
      const at = `${where}/component`;
      components.push({ component: componentId(k, at), text: textEntries(x, at, MAX_COMPONENT_TEXT_KEY) });
    } else {
      const key = intKey(k, where);
      if (key === 0 || key > MAX_TEXT_KEY) unsupported(`${where}/${key}`, `unknown text key ${key}`);
      manifest.set(key, typeof x === "string" ? x : tstr(x, `${where}/${key}`));
    }
  }
  return { manifest, components };
}

/** Decodes a SUIT_Text_Map from its decoded CBOR map. */
export function decodeText(v: CborValue, where: string): SuitTextMap {
  const m = map(v, where);
  if (m.size === 0) malformed(where, "SUIT_Text_Map must not be empty");
  const out: SuitTextMap = new Map();
  for (const [k, x] of m) {
    const tag = tstr(k, where);
    if (!isLanguageTag(tag)) malformed(where, `"${tag}" is not a language tag`);
    out.set(tag, language(x, `${where}/${tag}`));
  }
  return out;
}

/** tag38-ltag (RFC 9290 App. A): `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`, checked without a regular expression. */
export function isLanguageTag(tag: string): boolean {
  let run = 0;
  let first = true;
  for (let i = 0; i < tag.length; i++) {
    const c = tag.charCodeAt(i);
    if (c === 0x2d) {
      if (run === 0) return false;
      run = 0;
      first = false;
      continue;
    }
    const alpha = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alpha && (first || c < 0x30 || c > 0x39)) return false;
    if (++run > 8) return false;
  }
  return run > 0;
}
