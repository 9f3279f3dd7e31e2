import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";

// `npm run bench -- <name> [--json]`: each benchmark prints a readable table and, with --json, ends with one line
// `{"bench": name, "metrics": {...}}`. `npm run bench` builds first and imports the packages' built dist/ (what users
// run), not the TypeScript sources: the source transform adds per-call overhead that would be measured as rotkit's.
//
// The libuv thread pool: Node runs every WebCrypto and async node:crypto operation on it, 4 threads by default
// whatever the machine. On a machine with fewer cores than that, the pool threads and the JavaScript thread
// oversubscribe the cores; the scheduler then starves the JavaScript thread, and a side that does any JavaScript
// work per message (decoding, hashing) loses throughput to that, not to its work. So the benchmarks run with the
// pool sized to the cores (UV_THREADPOOL_SIZE, the deployment docs/verifier-deployment.md recommends; it costs the
// native peer a few percent), and where that differs from Node's default, the COSE-based benchmarks run a second
// time under the default pool and print those ratios too. A UV_THREADPOOL_SIZE the caller set is kept, and then
// only that run is made.

const benches: Record<string, () => Promise<{ default: (json: boolean) => Promise<Record<string, number>> }>> = {
  cose: () => import("./cose.js"),
  x509: () => import("./x509.js"),
  psa: () => import("./psa.js"),
  suit: () => import("./suit.js"),
  delta: () => import("./delta.js"),
};
/** The benchmarks whose rotkit side waits on the pool (WebCrypto) while its peer calls node:crypto. */
const POOL_BOUND = new Set(["cose", "psa", "suit"]);
const NODE_DEFAULT_POOL = 4;

const args = process.argv.slice(2);
const json = args.includes("--json");
const names = args.filter((a) => !a.startsWith("--"));
if (names.length === 0 || names.some((n) => !Object.hasOwn(benches, n))) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join("|")}> [--json]\n`);
  process.exit(2);
}

/** Runs this script again for `name` with the pool at `pool` threads; the child's output is passed through. */
function child(name: string, pool: number, capture: boolean): string {
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, process.argv[1] as string, name, ...(capture ? ["--json"] : json ? ["--json"] : [])],
    {
      env: { ...process.env, UV_THREADPOOL_SIZE: String(pool) },
      stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
      encoding: "utf8",
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
  return capture ? r.stdout : "";
}

if (process.env.UV_THREADPOOL_SIZE === undefined) {
  const cores = availableParallelism();
  for (const name of names) {
    const out = json ? process.stderr : process.stdout;
    out.write(`libuv pool: ${cores} threads (UV_THREADPOOL_SIZE = the ${cores} cores)\n`);
    child(name, cores, false);
    if (POOL_BOUND.has(name) && cores !== NODE_DEFAULT_POOL) {
      out.write(`libuv pool: Node's default ${NODE_DEFAULT_POOL} threads on these ${cores} cores, for comparison\n`);
      const lines = child(name, NODE_DEFAULT_POOL, true).trim().split("\n");
      const metrics = (JSON.parse(lines[lines.length - 1] as string) as { metrics: Record<string, number> }).metrics;
      const ratios = Object.entries(metrics).filter(
        ([k]) => k.includes("ratio_vs_native") && !k.includes("sequential"),
      );
      out.write(`  default pool: ${ratios.map(([k, v]) => `${k} ${v.toFixed(3)}`).join("   ")}\n`);
      if (json) process.stdout.write(`${JSON.stringify({ bench: `${name}@pool${NODE_DEFAULT_POOL}`, metrics })}\n`);
    }
  }
} else {
  for (const name of names) {
    const mod = await (
      benches[name] as () => Promise<{ default: (json: boolean) => Promise<Record<string, number>> }>
    )();
    const metrics = await mod.default(json);
    if (json) process.stdout.write(`${JSON.stringify({ bench: name, metrics })}\n`);
  }
}
