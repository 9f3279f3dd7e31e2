// A software TPM (swtpm, libtpms) on a free localhost port pair, driven by tpm2-tools: shared by the quote interop
// test and the CLI test. Bounded everywhere: every tool call times out, start-up polling gives up, stop() kills.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";

/** True when `cmd` is on the PATH. */
export function installed(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = 20000 + 2 * Math.floor(Math.random() * 15000);
    if ((await portFree(p)) && (await portFree(p + 1))) return p;
  }
  throw new Error("no free localhost port pair");
}

export interface Swtpm {
  /** Runs a tpm2-tools command against this TPM in `cwd`. */
  tpm2(tool: string, ...args: string[]): Buffer;
  stop(): void;
}

/** Starts swtpm with its state in `stateDir` (127.0.0.1 only) and waits, bounded, until it answers. */
export async function startSwtpm(stateDir: string, cwd: string): Promise<Swtpm> {
  const port = await freePortPair();
  const proc: ChildProcess = spawn(
    "swtpm",
    [
      "socket",
      "--tpm2",
      "--tpmstate",
      `dir=${stateDir}`,
      "--server",
      `type=tcp,port=${port},bindaddr=127.0.0.1`,
      "--ctrl",
      `type=tcp,port=${port + 1},bindaddr=127.0.0.1`,
      "--flags",
      "not-need-init,startup-clear",
    ],
    { stdio: "ignore" },
  );
  const env = { ...process.env, TPM2TOOLS_TCTI: `swtpm:host=127.0.0.1,port=${port}` };
  const tpm: Swtpm = {
    tpm2: (tool, ...args) => execFileSync(tool, args, { cwd, env, timeout: 20_000, stdio: ["ignore", "pipe", "pipe"] }),
    stop: () => {
      if (proc.exitCode === null) proc.kill("SIGTERM");
    },
  };
  for (let i = 0; ; i++) {
    try {
      tpm.tpm2("tpm2_getrandom", "8", "-o", "rnd");
      return tpm;
    } catch (e) {
      if (i > 50) {
        tpm.stop();
        throw e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
