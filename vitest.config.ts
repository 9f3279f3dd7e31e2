import { defineConfig } from "vitest/config";

// Tests run against the TypeScript sources through the "rotkit-source" export condition, so `npm test` works on
// a fresh clone without a build.
const conditions = ["rotkit-source", "module", "node", "import", "default"];

// The runtime matrix (DESIGN.md "Tests"): `node` runs every package's tests; `quickjs` bundles the device-side
// packages for a neutral platform and runs them inside QuickJS under a memory limit.
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["packages/*/test/**/*.test.ts"],
          exclude: ["**/runtime-*.test.ts", "**/node_modules/**"],
        },
      },
      { extends: true, test: { name: "quickjs", include: ["packages/*/test/runtime-quickjs.test.ts"] } },
    ],
  },
});
