import { defineConfig } from "vitest/config";

// Tests run against the TypeScript sources through the "rotkit-source" export condition, so `npm test` works on
// a fresh clone without a build.
const conditions = ["rotkit-source", "module", "node", "import", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
