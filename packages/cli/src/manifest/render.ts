import type { Json } from "./manifest-json.js";

// The readable form of an inspect / verify report (report.ts): a header, aligned key-value lines, then each command
// sequence one command per line (argument as compact JSON; try-each and run-sequence nested).

type Obj = Record<string, Json>;

const SEQUENCES: ReadonlyArray<[string, string]> = [
  ["dependencyResolution", "dependency-resolution"],
  ["payloadFetch", "payload-fetch"],
  ["candidateVerification", "candidate-verification"],
  ["install", "install"],
  ["validate", "validate"],
  ["load", "load"],
  ["invoke", "invoke"],
  ["uninstall", "uninstall"],
];

function line(out: string[], indent: string, key: string, value: string): void {
  out.push(`${indent}${key.padEnd(24)}${value}`);
}

function compact(v: Json): string {
  return JSON.stringify(v);
}

function alg(b: Obj): string {
  return b.algId !== undefined ? `${b.alg} (${b.algId})` : String(b.alg ?? "?");
}

function blockText(b: Obj): string {
  const kid = b.kid ? ` kid ${b.kid}` : "";
  if (b.error) return `[${b.index}] ${b.kind}: ${b.error}`;
  if (Array.isArray(b.signatures)) return `[${b.index}] ${b.kind}: ${(b.signatures as Obj[]).map(alg).join(", ")}`;
  return `[${b.index}] ${b.kind} ${alg(b)}${kid}`;
}

function commands(out: string[], seq: Json, indent: string): void {
  for (const c of seq as Obj[]) {
    const [name, arg] = Object.entries(c)[0] as [string, Json];
    if (name === "try-each") {
      out.push(`${indent}try-each`);
      (arg as Json[]).forEach((s, i) => {
        if (s === null) out.push(`${indent}  [${i}] nil: succeeds when no sequence does`);
        else {
          out.push(`${indent}  [${i}]`);
          commands(out, s, `${indent}    `);
        }
      });
    } else if (name === "run-sequence") {
      out.push(`${indent}run-sequence`);
      commands(out, arg, `${indent}  `);
    } else out.push(`${indent}${name} ${compact(arg)}`);
  }
}

function manifestText(out: string[], m: Obj, indent: string): void {
  const common = (m.common ?? {}) as Obj;
  line(out, indent, "manifest version", String(m.version));
  line(out, indent, "sequence number", String(m.sequenceNumber));
  if (m.referenceUri !== undefined) line(out, indent, "reference-uri", String(m.referenceUri));
  if (m.manifestComponentId) line(out, indent, "manifest component id", compact(m.manifestComponentId));
  if (m.setVersion) line(out, indent, "set-version", compact(m.setVersion));
  ((common.components ?? []) as Json[]).forEach((c, i) => {
    line(out, indent, i === 0 ? "components" : "", `[${i}] ${compact(c)}`);
  });
  if (common.dependencies) line(out, indent, "dependencies", compact(common.dependencies));
  if (m.text) {
    for (const [lang, t] of Object.entries(m.text as Obj)) {
      for (const [k, v] of Object.entries(t as Obj)) {
        if (k !== "components") line(out, indent, `text (${lang})`, `${k}: ${compact(v)}`);
      }
      for (const { component, ...texts } of ((t as Obj).components ?? []) as Obj[]) {
        for (const [k, v] of Object.entries(texts)) {
          line(out, indent, `text (${lang}) ${compact(component as Json)}`, `${k}: ${compact(v)}`);
        }
      }
    }
  }
  if (m.coswid) line(out, indent, "coswid", `${String(m.coswid).length / 2} bytes`);
  if (m.extensions) line(out, indent, "extensions", compact(m.extensions));
  if (common.sharedSequence) {
    out.push(`${indent}shared-sequence`);
    commands(out, common.sharedSequence, `${indent}  `);
  }
  for (const [key, label] of SEQUENCES) {
    if (m[key] === undefined) continue;
    out.push(`${indent}${label}`);
    commands(out, m[key] as Json, `${indent}  `);
  }
}

function suitText(out: string[], r: Obj, indent: string): void {
  const d = r.manifestDigest as Obj;
  line(out, indent, "envelope", r.tagged ? "SUIT_Envelope_Tagged (107)" : "SUIT_Envelope (untagged)");
  line(out, indent, "manifest digest", `${d.algorithm} ${d.bytes}`);
  ((r.authentication ?? []) as Obj[]).forEach((b, i) => {
    line(out, indent, i === 0 ? "authentication blocks" : "", blockText(b));
  });
  if ((r.authentication as Json[]).length === 0) line(out, indent, "authentication blocks", "none (unsigned)");
  if (r.signers) {
    (r.signers as Obj[]).forEach((s, i) => {
      line(out, indent, i === 0 ? "verified by" : "", blockText(s));
    });
  }
  for (const [name, s] of Object.entries((r.severed ?? {}) as Obj)) {
    const x = s as Obj;
    const dg = x.digest as Obj;
    line(out, indent, `severed ${name}`, `${dg.algorithm} ${dg.bytes} (${x.present ? "carried" : "not carried"})`);
  }
  for (const [k, p] of Object.entries((r.integratedPayloads ?? {}) as Obj)) {
    line(out, indent, "integrated payload", `${k} (${(p as Obj).length} bytes)`);
  }
  if (r.delegationChains) line(out, indent, "delegation chains", `${r.delegationChains} (not evaluated)`);
  manifestText(out, r.manifest as Obj, indent);
  for (const [k, dep] of Object.entries((r.integratedDependencies ?? {}) as Obj)) {
    out.push(`${indent}integrated dependency ${k}`);
    suitText(out, dep as Obj, `${indent}  `);
  }
}

function mcubootText(out: string[], r: Obj): void {
  line(out, "", "image version", String(r.version));
  for (const [k, v] of Object.entries(r)) {
    if (["format", "verified", "warning", "version"].includes(k)) continue;
    if (Array.isArray(v) && v.length > 0 && typeof v[0] === "object") {
      v.forEach((x, i) => {
        line(out, "", i === 0 ? k : "", compact(x));
      });
    } else line(out, "", k, typeof v === "string" ? v : compact(v));
  }
}

/**
 * The readable report: a loud NOT VERIFIED banner first for inspect reports.
 *
 * @example
 * ```ts
 * io.out.write(renderReport(suitInspectJson(decodeSuitEnvelopeUnverified(bytes))));
 * ```
 */
export function renderReport(r: Obj): string {
  const out: string[] = [];
  if (r.verified !== true) out.push(bar100(), `!!! ${String(r.warning)}`, bar100());
  else out.push(`VERIFIED ${r.format === "mcuboot" ? "MCUboot image" : "SUIT envelope"}`);
  if (r.format === "mcuboot") mcubootText(out, r);
  else suitText(out, r, "");
  if (r.verified !== true) out.push(bar100());
  return `${out.join("\n")}\n`;
}

function bar100(): string {
  return `${"!".repeat(3)} NOT VERIFIED ${"!".repeat(86)}`;
}

/**
 * A report as pretty JSON (--json) or readable text.
 *
 * @example
 * ```ts
 * io.out.write(render(report, args.includes("--json")));
 * ```
 */
export function render(report: Obj, json: boolean): string {
  return json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report);
}
