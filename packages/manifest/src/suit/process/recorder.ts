import { SuitReportingBit } from "../labels.js";
import type { SuitRecord, SuitSystemProperties } from "../report/types.js";
import type { SuitComponentId, SuitParameters } from "../types.js";

// The Reporting Engine of draft-ietf-suit-manifest §8.4.7: each command's reporting policy asks for a SUIT_Record on
// success and/or failure, and for system properties (measured values, draft-ietf-suit-report
// system-property-claims) on success and/or failure. Bounded: records beyond the limit are dropped.

/** Collects the records of one processing run. */
export class Recorder {
  readonly records: Array<SuitRecord | SuitSystemProperties> = [];
  /** Records dropped because the limit was reached. */
  dropped = 0;

  constructor(private readonly max: number) {}

  private push(r: SuitRecord | SuitSystemProperties): void {
    if (this.records.length < this.max) this.records.push(r);
    else this.dropped++;
  }

  /** What a command's policy asks for, after it ran. */
  outcome(
    policy: number,
    ok: boolean,
    record: () => SuitRecord,
    componentId: SuitComponentId,
    properties: SuitParameters,
  ): void {
    if (policy & (ok ? SuitReportingBit.recordOnSuccess : SuitReportingBit.recordOnFailure)) this.push(record());
    const sysinfo = policy & (ok ? SuitReportingBit.sysinfoSuccess : SuitReportingBit.sysinfoFailure);
    if (sysinfo && Object.keys(properties).length > 0) {
      this.push({ kind: "system", componentId: [...componentId], properties });
    }
  }
}
