#!/usr/bin/env node
// Keeps package-lock.json acceptable to `npm ci` on this project's machines.
//
// Why: the registry mirror here does not serve some platform-specific optional packages (biome's and rollup's
// binaries for other OSes). npm 11 then leaves them out of the lock file it writes, while `npm ci` still lists
// them in its ideal tree and refuses the lock as "not in sync". Adding each one back as an optional entry with
// its version, os and cpu lets `npm ci` see it, and skip it, on a platform it does not match.
//
// Run after any `npm install` that changes the lock file: `node scripts/lockfile-platforms.mjs`.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
let out = "";
try {
  execFileSync("npm", ["ci", "--dry-run", "--ignore-scripts"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
} catch (e) {
  out = `${e.stdout ?? ""}${e.stderr ?? ""}`;
}
const missing = [...out.matchAll(/Missing: (@?[^@\s]+)@\S* from lock file/g)].map((m) => m[1]);
if (missing.length === 0) {
  console.log("lock file already accepted by npm ci");
  process.exit(0);
}

const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const OS = ["android", "darwin", "freebsd", "linux", "openbsd", "openharmony", "sunos", "win32", "aix", "netbsd"];
const CPU = {
  x64: "x64",
  arm64: "arm64",
  arm: "arm",
  ia32: "ia32",
  loong64: "loong64",
  ppc64: "ppc64",
  riscv64: "riscv64",
  s390x: "s390x",
};
let added = 0;
for (const name of new Set(missing)) {
  const parent = Object.values(lock.packages).find((p) => p.optionalDependencies?.[name]);
  const version = parent?.optionalDependencies[name];
  if (!version || !/^\d+\.\d+\.\d+/.test(version)) {
    console.error(`cannot pin ${name}: no exact version in a parent's optionalDependencies`);
    process.exitCode = 1;
    continue;
  }
  const parts = name.split("/").pop().split("-");
  const os = OS.find((o) => parts.includes(o));
  const cpu = parts.map((p) => CPU[p.replace(/(eabi|gnueabihf|musleabihf)$/, "")]).find(Boolean);
  const entry = { version, dev: parent.dev ?? true, optional: true };
  if (os) entry.os = [os];
  if (cpu) entry.cpu = [cpu];
  if (parts.some((p) => p.startsWith("musl"))) entry.libc = ["musl"];
  else if (os === "linux" && parts.some((p) => p.startsWith("gnu"))) entry.libc = ["glibc"];
  lock.packages[`node_modules/${name}`] = entry;
  added++;
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform-specific optional entries to package-lock.json`);
