// The conformance runner's contract: every suite turns a folder in its upstream layout into case results.

export type Verdict = "valid" | "invalid";

export interface CaseResult {
  /** Stable id: the upstream file (and case number), plus `@provider` where a suite runs more than one. */
  id: string;
  expected: Verdict;
  got: Verdict | "skipped";
  /** The RotkitError code when rotkit rejected the case. */
  code?: string;
  /** Why a case was skipped, or a note on how it went. */
  reason?: string;
  /** Wycheproof "acceptable": either verdict passes; recorded so the summary shows which way it went. */
  acceptable?: boolean;
}

export interface SuiteContext {
  progress(done: number, total: number): void;
}

export interface Suite {
  name: string;
  description: string;
  run(path: string, ctx: SuiteContext): Promise<CaseResult[]>;
}
