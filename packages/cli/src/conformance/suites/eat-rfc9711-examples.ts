import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  decodeEatBundleUnverified,
  decodeEatCbor,
  decodeEatClaims,
  decodeEatClaimsJson,
  EatTag,
} from "@rotkit/attestation";
import { checkDetachedDigests, verifyEatJsonBundle, verifyEatJwt } from "@rotkit/attestation/server";
import {
  CborTag,
  type CborValue,
  encodeCbor,
  fixedClock,
  fromBase64Url,
  isRotkitError,
  nobleProvider,
  RotkitError,
  utf8Decode,
  utf8Encode,
} from "@rotkit/core";
import { decodeCoseSign1Unverified } from "@rotkit/cose";
import type { CaseResult, Suite, SuiteContext, Verdict } from "../types.js";
import { caseResult, type Outcome, outcomeOfError } from "./case-outcome.js";
import { requireFolder } from "./files.js";

// RFC 9711 Appendix A examples (ietf-rats-wg/eat `cddl/Example-Payloads`, `cddl/Example-Tokens`), in the layout of
// ../shared/vectors/eat-rfc9711-examples (index.json + the upstream files + `.cbor` derived from the `.diag`).
// - claims-sets (A.1): every one must decode with rotkit's EAT claim decoder (CBOR or JSON);
// - CoSWID bodies (`coswid/`): a CoSWID map (tag 1398229316 optional) with a tag-id (0) and software-name (1);
// - valid_cwt (A.2): structure and claims decode-checked; its signature is skipped (the key is not published);
// - valid_deb: the detached digests are checked against the main token's submods; the main token's signature is
//   skipped (same key);
// - deb.json: the JWT is verified with HS256 key "xxxxxx" (published in the RFC) and both detached digests checked.

const SIGNATURE_SKIPPED = "verification key not published";
const COSWID_TAG = 1398229316;
const provider = nobleProvider();
const clock = fixedClock(1_700_000_000);

interface Entry {
  id: string;
  primary: string;
  expected: Verdict;
}

function entries(root: string): Entry[] {
  const index = join(root, "index.json");
  if (existsSync(index)) {
    let parsed: { cases?: { id: string; primary: string; expect: string }[] };
    try {
      parsed = JSON.parse(readFileSync(index, "utf8"));
    } catch (e) {
      throw new RotkitError("CONFORMANCE_BAD_INPUT", "eat-rfc9711-examples: index.json is not JSON", { cause: e });
    }
    return (parsed.cases ?? []).map((c) => ({
      id: c.id,
      primary: c.primary,
      expected: c.expect === "valid" ? "valid" : "invalid",
    }));
  }
  // No index: every example file in the upstream layout is a valid case (Appendix A has no negatives).
  const out: Entry[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(join(root, dir)).sort()) {
      const rel = dir ? `${dir}/${f}` : f;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (/\.(diag|json)$/.test(f) && /Example-(Payloads|Tokens)/.test(rel)) {
        out.push({ id: rel, primary: rel, expected: "valid" });
      }
    }
  };
  walk("");
  return out;
}

/** The CBOR of a `.diag` case: the derived `.cbor` next to it. */
function cborOf(root: string, primary: string): Uint8Array {
  const p = join(root, primary.replace(/\.diag$/, ".cbor"));
  if (!existsSync(p)) throw new RotkitError("CONFORMANCE_BAD_INPUT", `no derived CBOR for ${primary}`);
  return readFileSync(p);
}

function checkCoswid(v: CborValue): void {
  const m = v instanceof CborTag && v.tag === COSWID_TAG ? v.value : v;
  if (!(m instanceof Map) || !m.has(0) || typeof m.get(1) !== "string") {
    throw new RotkitError("ATTEST_MALFORMED", "not a CoSWID (RFC 9393): a map with tag-id (0) and software-name (1)");
  }
}

async function runCase(root: string, e: Entry): Promise<{ main: Outcome; signature?: Outcome }> {
  const p = e.primary;
  const text = readFileSync(join(root, p), "utf8").trim();
  if (/^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(text)) {
    // A bare JWT EAT: verified when it uses the RFC's published HS256 key, else decode-checked only.
    try {
      await verifyEatJwt(text, { key: utf8Encode("xxxxxx"), algorithms: ["HS256"], provider, clock });
      return { main: { got: "valid", reason: "JWT (HS256) verified" } };
    } catch (err) {
      if (!isRotkitError(err, "ATTEST_BAD_SIGNATURE")) throw err;
    }
    decodeEatClaimsJson(JSON.parse(utf8Decode(fromBase64Url(text.split(".")[1] ?? ""))));
    return { main: { got: "valid", reason: "claims decoded" }, signature: { skipped: SIGNATURE_SKIPPED } };
  }
  if (p.endsWith(".json")) {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v)) {
      // JSON Detached EAT Bundle (deb.json): the JWT key is published (RFC 9711 A.2.2)
      await verifyEatJsonBundle(v, { key: utf8Encode("xxxxxx"), algorithms: ["HS256"], provider, clock });
      return { main: { got: "valid", reason: "JWT (HS256) and detached digests verified" } };
    }
    decodeEatClaimsJson(v);
    return { main: { got: "valid" } };
  }
  const bytes = cborOf(root, p);
  const v = decodeEatCbor(bytes, p);
  if (p.includes("/coswid/")) {
    checkCoswid(v);
    return { main: { got: "valid", reason: "CoSWID body (manifest / measurement content)" } };
  }
  if (v instanceof CborTag && v.tag === EatTag.DEB) {
    const { mainToken, detached } = decodeEatBundleUnverified(v);
    const mainClaims = claimsOfCwtUnverified(decodeEatCbor(mainToken, `${p} main token`));
    await checkDetachedDigests(mainClaims, detached, provider);
    for (const [name, b] of Object.entries(detached))
      decodeEatClaims(decodeEatCbor(b, name), { path: `detached/${name}` });
    return {
      main: { got: "valid", reason: "detached digests bind the detached claims-sets" },
      signature: { skipped: SIGNATURE_SKIPPED },
    };
  }
  if (v instanceof CborTag && (v.tag === EatTag.CWT || v.tag === EatTag.Sign1)) {
    claimsOfCwtUnverified(v);
    return {
      main: { got: "valid", reason: "structure and claims decoded" },
      signature: { skipped: SIGNATURE_SKIPPED },
    };
  }
  decodeEatClaims(v);
  return { main: { got: "valid" } };
}

/** The claims of a CWT whose key is unknown: structure checks only (never trust the result). */
function claimsOfCwtUnverified(v: CborValue) {
  let msg = v;
  if (msg instanceof CborTag && msg.tag === EatTag.CWT) msg = msg.value;
  if (!(msg instanceof CborTag) || msg.tag !== EatTag.Sign1) {
    throw new RotkitError("ATTEST_MALFORMED", "expected a CWT holding a tagged COSE_Sign1");
  }
  const { payload } = decodeCoseSign1Unverified(encodeTagged(msg));
  if (!payload) throw new RotkitError("ATTEST_MALFORMED", "detached payload");
  return decodeEatClaims(decodeEatCbor(payload, "CWT payload"));
}

function encodeTagged(v: CborTag): Uint8Array {
  // decodeCoseSign1Unverified takes bytes; re-encoding a decoded COSE_Sign1 keeps its bstr members unchanged.
  return encodeCbor(v);
}

/** `rotkit conformance eat-rfc9711-examples <folder>`. */
export const eatRfc9711ExamplesSuite: Suite = {
  name: "eat-rfc9711-examples",
  description: "RFC 9711 (EAT) Appendix A: claims-sets, CoSWID bodies, CWT structure, CBOR and JSON detached bundles",
  async run(path: string, ctx: SuiteContext): Promise<CaseResult[]> {
    requireFolder("eat-rfc9711-examples", path);
    const list = entries(path);
    const results: CaseResult[] = [];
    for (const e of list) {
      let r: { main: Outcome; signature?: Outcome };
      try {
        r = await runCase(path, e);
      } catch (err) {
        r = { main: outcomeOfError(err) };
      }
      results.push(caseResult(e.id, e.expected, r.main));
      if (r.signature) results.push(caseResult(`${e.id}#signature`, e.expected, r.signature));
      ctx.progress(results.length, list.length);
    }
    return results;
  },
};
