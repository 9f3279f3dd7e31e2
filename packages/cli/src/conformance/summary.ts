import type { CaseResult } from "./types.js";

/** The JSON a conformance run prints with `--json`; downstream CI parses it. */
export interface ConformanceSummary {
  suite: string;
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Cases expected invalid that rotkit accepted: the worst result there is. */
  falseAccepts: number;
  falseRejects: number;
  /** Wycheproof "acceptable" cases, by which way they went. */
  acceptable?: { accepted: number; rejected: number };
  cases: CaseResult[];
}

/** True when the case agrees with its expectation (acceptable cases agree either way). */
export function casePassed(c: CaseResult): boolean {
  return c.got !== "skipped" && (c.acceptable === true || c.got === c.expected);
}

export function summarize(suite: string, cases: CaseResult[]): ConformanceSummary {
  let passed = 0;
  let skipped = 0;
  let falseAccepts = 0;
  let falseRejects = 0;
  let accAccepted = 0;
  let accRejected = 0;
  for (const c of cases) {
    if (c.got === "skipped") skipped++;
    else if (casePassed(c)) {
      passed++;
      if (c.acceptable) {
        if (c.got === "valid") accAccepted++;
        else accRejected++;
      }
    } else if (c.got === "valid") falseAccepts++;
    else falseRejects++;
  }
  const summary: ConformanceSummary = {
    suite,
    total: cases.length,
    passed,
    failed: falseAccepts + falseRejects,
    skipped,
    falseAccepts,
    falseRejects,
    cases,
  };
  if (accAccepted + accRejected > 0) summary.acceptable = { accepted: accAccepted, rejected: accRejected };
  return summary;
}

/** A readable report: totals, then every failure, then skips grouped by reason. */
export function formatSummary(s: ConformanceSummary): string {
  const lines: string[] = [];
  const pct = (n: number) => (s.total === 0 ? "0.0" : ((100 * n) / s.total).toFixed(1));
  lines.push(`suite ${s.suite}: ${s.total} cases`);
  lines.push(`  passed   ${s.passed} (${pct(s.passed)} %)`);
  lines.push(`  failed   ${s.failed}  (false accepts ${s.falseAccepts}, false rejects ${s.falseRejects})`);
  lines.push(`  skipped  ${s.skipped} (${pct(s.skipped)} %)`);
  if (s.acceptable) {
    lines.push(`  acceptable cases: ${s.acceptable.accepted} accepted, ${s.acceptable.rejected} rejected`);
  }
  const failures = s.cases.filter((c) => c.got !== "skipped" && !casePassed(c));
  if (failures.length > 0) {
    lines.push("failures:");
    for (const c of failures) {
      const kind = c.got === "valid" ? "FALSE ACCEPT" : "false reject";
      lines.push(`  ${kind}  ${c.id}${c.code ? `  [${c.code}]` : ""}${c.reason ? `  ${c.reason}` : ""}`);
    }
  }
  const reasons = new Map<string, number>();
  for (const c of s.cases)
    if (c.got === "skipped")
      reasons.set(c.reason ?? "no reason given", (reasons.get(c.reason ?? "no reason given") ?? 0) + 1);
  if (reasons.size > 0) {
    lines.push("skipped, by reason:");
    for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1])) lines.push(`  ${n}  ${r}`);
  }
  return lines.join("\n");
}
