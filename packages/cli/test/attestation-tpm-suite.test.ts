import { main } from "@rotkit/cli";
import { describe, expect, it } from "vitest";
import { tpmGoAttestationSuite } from "../src/conformance/suites/tpm-go-attestation.js";
import type { CaseResult } from "../src/conformance/types.js";

const root = new URL("../../../test-vectors/tpm-go-attestation", import.meta.url).pathname;

describe("tpm-go-attestation conformance suite", () => {
  it("the GCP quote verifies with both providers, its negatives are refused, every event log parses", async () => {
    const results: CaseResult[] = await tpmGoAttestationSuite.run(root, { progress() {} });
    const failed = results.filter((r) => r.got !== "skipped" && r.got !== r.expected);
    expect(failed.map((f) => `${f.id} ${f.code} ${f.reason}`)).toEqual([]);
    const byId = new Map(results.map((r) => [r.id, r]));
    expect(byId.get("attest/windows_gcp_shielded_vm.json@noble")?.got).toBe("valid");
    expect(byId.get("attest/windows_gcp_shielded_vm.json@webcrypto")?.got).toBe("valid");
    expect(byId.get("attest/windows_gcp_shielded_vm.json#flipped-quote-byte@noble")?.code).toBe("TPM_BAD_SIGNATURE");
    expect(byId.get("attest/windows_gcp_shielded_vm.json#wrong-nonce@noble")?.code).toBe("TPM_NONCE_MISMATCH");
    const logs = results.filter((r) => r.id.endsWith("_eventlog"));
    expect(logs).toHaveLength(6);
    for (const l of logs) expect(l.got).toBe("valid");
    const certs = results.filter((r) => r.id.startsWith("attributecert/"));
    expect(certs).toHaveLength(10);
    for (const c of certs) {
      expect(c.got).toBe("skipped");
      expect(c.reason).toMatch(/^TCG platform certificates: not implemented/);
    }
    expect(results).toHaveLength(6 + 6 + 10);
  });

  it("runs through the CLI and exits 0", async () => {
    const { Writable } = await import("node:stream");
    let out = "";
    const sink = (w: (s: string) => void) =>
      new Writable({
        write(c, _e, cb) {
          w(String(c));
          cb();
        },
      }) as unknown as NodeJS.WriteStream;
    const status = await main(["conformance", "tpm-go-attestation", root, "--json"], {
      out: sink((s) => {
        out += s;
      }),
      err: sink(() => {}),
    });
    expect(status).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ suite: "tpm-go-attestation", failed: 0, falseAccepts: 0 });
  });
});
