export {};

// `npm run bench -- <name> [--json]`: each benchmark prints a readable table and, with --json, ends with one line
// `{"bench": name, "metrics": {...}}`. `npm run bench` builds first and imports the packages' built dist/ (what users
// run), not the TypeScript sources: the source transform adds per-call overhead that would be measured as rotkit's.

const benches: Record<string, () => Promise<{ default: (json: boolean) => Promise<Record<string, number>> }>> = {
  cose: () => import("./cose.js"),
  x509: () => import("./x509.js"),
  psa: () => import("./psa.js"),
  suit: () => import("./suit.js"),
  delta: () => import("./delta.js"),
};

const args = process.argv.slice(2);
const json = args.includes("--json");
const names = args.filter((a) => !a.startsWith("--"));
if (names.length === 0 || names.some((n) => !Object.hasOwn(benches, n))) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join("|")}> [--json]\n`);
  process.exit(2);
}
for (const name of names) {
  const mod = await (benches[name] as () => Promise<{ default: (json: boolean) => Promise<Record<string, number>> }>)();
  const metrics = await mod.default(json);
  if (json) process.stdout.write(`${JSON.stringify({ bench: name, metrics })}\n`);
}
