import { main } from "@rotkit/cli";
import { describe, expect, it } from "vitest";
import { tpmGoAttestationSuite } from "../src/conformance/suites/tpm-go-attestation.js";
import type { CaseResult } from "../src/conformance/types.js";

const root = new URL("../../../test-vectors/tpm-go-attestation", import.meta.url).pathname;

describe("tpm-go-attestation conformance suite", () => {
  it("the GCP quote verifies, its negatives are refused, every event log parses, platform certificates match upstream", async () => {
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
    // 10 parses matching go-attestation's JSON, 3 SHA-1 signatures under the folder's Intel signing key (verified with
    // the legacy allowSha1) and their 3 tampered copies refused, 4 SHA-256 certificates refused under a key that did
    // not issue them.
    expect(certs).toHaveLength(10 + 3 + 3 + 4);
    const parses = certs.filter((c) => !c.id.includes("#"));
    expect(parses).toHaveLength(10);
    for (const c of parses) expect(c.got, `${c.id}: ${c.reason}`).toBe("valid");
    const signatures = certs.filter((c) => c.id.endsWith("#signature"));
    expect(signatures.map((c) => c.id).sort()).toEqual(
      ["Intel_nuc_pc.cer", "Intel_nuc_pc2.cer", "Intel_pc2.cer"].map((f) => `attributecert/${f}#signature`),
    );
    for (const c of signatures) {
      expect(c.got, `${c.id}: ${c.reason}`).toBe("valid");
      expect(c.reason).toMatch(/allowSha1/);
    }
    const tampered = certs.filter((c) => c.id.endsWith("#sha1-tampered"));
    expect(tampered.map((c) => c.id).sort()).toEqual(
      ["Intel_nuc_pc.cer", "Intel_nuc_pc2.cer", "Intel_pc2.cer"].map((f) => `attributecert/${f}#sha1-tampered`),
    );
    for (const c of tampered) {
      expect(c.got).toBe("invalid");
      expect(c.code).toBe("X509_BAD_SIGNATURE");
    }
    expect(results.filter((r) => r.got === "skipped")).toEqual([]);
    const foreign = certs.filter((c) => c.id.endsWith("#foreign-issuer-key"));
    expect(foreign).toHaveLength(4);
    for (const c of foreign) expect(c.code).toBe("X509_BAD_SIGNATURE");
    expect(results).toHaveLength(6 + 6 + 20);
  });

  it("a platform certificate whose decoded fields differ from upstream's JSON fails the case", async () => {
    const { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "rotkit-tpm-"));
    try {
      cpSync(root, dir, { recursive: true });
      const json = join(dir, "attributecert", "plat_cert1.cer.json");
      writeFileSync(json, readFileSync(json, "utf8").replace('"PropertyValue": "true"', '"PropertyValue": "false"'));
      const results = await tpmGoAttestationSuite.run(dir, { progress() {} });
      const c = results.find((r) => r.id === "attributecert/plat_cert1.cer");
      expect(c?.got).toBe("invalid");
      expect(c?.code).toBe("FIELD_MISMATCH");
      expect(c?.reason).toContain("Properties.0.PropertyValue");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
