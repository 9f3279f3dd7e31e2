export { listSuites, loadSuite } from "./conformance/registry.js";
export { type RunConformanceOptions, runConformance } from "./conformance/run.js";
export { type ConformanceSummary, casePassed, formatSummary, summarize } from "./conformance/summary.js";
export type { CaseResult, Suite, SuiteContext, Verdict } from "./conformance/types.js";
export { main } from "./main.js";
